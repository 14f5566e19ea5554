/**
 * Element-wise and reduction kernels in WebAssembly SIMD that tfjs-backend-wasm runs as scalar
 * loops, working on tensors where they lie in the backend's heap (the module imports its memory):
 *
 * - `exp(px, py, n)`: `y = eˣ`, Cephes' single-precision method — `x = n·ln 2 + r` with
 *   `|r| ≤ ½ ln 2` (ln 2 in two parts), a degree-5 polynomial for `(eʳ − 1 − r)/r²`, and `2ⁿ`
 *   built in the exponent bits (in two factors, so that subnormal results round correctly);
 *   within 2 ulp of the exact value. +∞ above 88.72284, 0 below −103.97; NaN stays NaN.
 * - `log1p(px, py, n)`: `y = ln(1 + x)` as `ln(u)·x/(u − 1)` with `u = 1 + x` rounded (which
 *   corrects the rounding of `u`), `y = x` where `u = 1`, and `ln(u)` by Cephes' method (the
 *   exponent, a mantissa in [√½, √2], a degree-8 polynomial); within 3 ulp. −∞ at x = −1, NaN
 *   below, +∞ at +∞.
 * - `colsum(px, rows, cols, py)`: `y[j] = Σ_i x[i·cols + j]`, each sum in the order i = 0, 1, …
 *   in float32 — the order of tfjs' own `Sum` kernel, so the same bits.
 *
 * `n` and `cols` must be multiples of 4 (callers handle the rest). Pointers are in bytes.
 * @internal
 */
import { BACKEND_MEMORY, FunctionBuilder, I32, SHARED_MEMORY, V128, lazyInstances, moduleBytes } from '../../core/index.js';

const f32Bits = (v: number): number[] => {
  const b = new Uint8Array(new Float32Array([v]).buffer);
  return [...b, ...b, ...b, ...b];
};
const i32Bits = (v: number): number[] => {
  const b = new Uint8Array(new Int32Array([v]).buffer);
  return [...b, ...b, ...b, ...b];
};

/** SIMD opcodes used here (after the 0xfd prefix). */
const OP = {
  const: 0x0c,
  and: 0x4e,
  or: 0x50,
  bitselect: 0x52,
  f32Eq: 0x41,
  f32Ne: 0x42,
  f32Lt: 0x43,
  f32Gt: 0x44,
  f32Nearest: 0x6a,
  i32Shl: 0xab,
  i32ShrS: 0xac,
  i32ShrU: 0xad,
  i32Add: 0xae,
  i32Sub: 0xb1,
  f32Add: 0xe4,
  f32Sub: 0xe5,
  f32Mul: 0xe6,
  f32Div: 0xe7,
  f32Min: 0xe8,
  f32Max: 0xe9,
  i32TruncSat: 0xf8,
  f32FromI32: 0xfa,
} as const;

/** A loop over `n` floats (4 at a time) from px to py, `body` mapping the vector in `x` to the stack. */
function mapFunction(body: (f: FunctionBuilder, x: number, tmp: readonly number[]) => void, temps: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], []);
  const px = 0, py = 1, n = 2;
  const off = f.local(I32), end = f.local(I32), x = f.local(V128);
  const tmp = Array.from({ length: temps }, () => f.local(V128));
  f.get(n).i32(2).shl().set(end);
  f.i32(0).set(off);
  f.loop(() => {
    f.get(off).get(end).geU().exitIf();
    f.get(px).get(off).add().vload().set(x);
    f.get(py).get(off).add();
    body(f, x, tmp);
    f.vstore();
    f.inc(off, 16);
  });
  return f;
}

function vconst(f: FunctionBuilder, bytes: number[]): FunctionBuilder {
  return f.simd(OP.const, ...bytes);
}

/** Emits `acc = acc·r + c` with acc and r locals. */
function horner(f: FunctionBuilder, acc: number, r: number, c: number): void {
  f.get(acc).get(r).simd(OP.f32Mul);
  vconst(f, f32Bits(c)).simd(OP.f32Add).set(acc);
}

/** Above: +∞ (the exact value exceeds the largest float32). Below: 0 (it is under half the smallest subnormal). */
const EXP_HI = 88.72284;
const EXP_LO = -103.97208;

function expFunction(): FunctionBuilder {
  return mapFunction((f, x, [xc, nv, r, p, scale]) => {
    // xc = clamp(x); n = nearest(xc·log₂e); r = xc − n·C1 − n·C2
    f.get(x);
    vconst(f, f32Bits(EXP_LO)).simd(OP.f32Max);
    vconst(f, f32Bits(EXP_HI)).simd(OP.f32Min).set(xc!);
    f.get(xc!);
    vconst(f, f32Bits(Math.LOG2E)).simd(OP.f32Mul).simd(OP.f32Nearest).set(nv!);
    f.get(xc!).get(nv!);
    vconst(f, f32Bits(0.693359375)).simd(OP.f32Mul).simd(OP.f32Sub);
    f.get(nv!);
    vconst(f, f32Bits(-2.12194440e-4)).simd(OP.f32Mul).simd(OP.f32Sub).set(r!);
    // p(r), then y = p·r² + r + 1
    vconst(f, f32Bits(1.9875691500e-4)).set(p!);
    for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) horner(f, p!, r!, c);
    f.get(p!).get(r!).get(r!).simd(OP.f32Mul).simd(OP.f32Mul).get(r!).simd(OP.f32Add);
    vconst(f, f32Bits(1)).simd(OP.f32Add).set(p!);
    // ·2ⁿ as ·2^h·2^(n−h) with h = n >> 1, each factor built in the exponent bits ((e + 127) << 23)
    // and within range for every n the clamp allows: subnormal results round correctly.
    f.get(nv!).simd(OP.i32TruncSat).set(nv!);
    f.get(nv!).i32(1).simd(OP.i32ShrS).set(scale!);
    f.get(p!).get(scale!);
    vconst(f, i32Bits(127)).simd(OP.i32Add).i32(23).simd(OP.i32Shl).simd(OP.f32Mul);
    f.get(nv!).get(scale!).simd(OP.i32Sub);
    vconst(f, i32Bits(127)).simd(OP.i32Add).i32(23).simd(OP.i32Shl).simd(OP.f32Mul).set(p!);
    // Overflow to +∞ and underflow to 0 (NaN compares false and passes through).
    vconst(f, f32Bits(Number.POSITIVE_INFINITY)).get(p!).get(x);
    vconst(f, f32Bits(EXP_HI)).simd(OP.f32Gt).simd(OP.bitselect).set(p!);
    vconst(f, f32Bits(0)).get(p!).get(x);
    vconst(f, f32Bits(EXP_LO)).simd(OP.f32Lt).simd(OP.bitselect);
  }, 5);
}

function log1pFunction(): FunctionBuilder {
  return mapFunction((f, x, [u, bits, e, m, mask, z, y, ef]) => {
    f.get(x);
    vconst(f, f32Bits(1)).simd(OP.f32Add).set(u!);
    // u = 2^e · m, m ∈ [1, 2); then m ∈ (√½, √2] with e adjusted.
    f.get(u!).set(bits!);
    f.get(bits!).i32(23).simd(OP.i32ShrU);
    vconst(f, i32Bits(127)).simd(OP.i32Sub).set(e!);
    f.get(bits!);
    vconst(f, i32Bits(0x007fffff)).simd(OP.and);
    vconst(f, i32Bits(0x3f800000)).simd(OP.or).set(m!);
    f.get(m!);
    vconst(f, f32Bits(Math.SQRT2)).simd(OP.f32Gt).set(mask!);
    f.get(m!);
    vconst(f, f32Bits(0.5)).simd(OP.f32Mul).get(m!).get(mask!).simd(OP.bitselect);
    vconst(f, f32Bits(1)).simd(OP.f32Sub).set(m!); // m is now f = mantissa − 1
    f.get(e!).get(mask!).simd(OP.i32Sub).simd(OP.f32FromI32).set(ef!); // e + 1 where mask (mask = −1)
    f.get(m!).get(m!).simd(OP.f32Mul).set(z!);
    vconst(f, f32Bits(7.0376836292e-2)).set(y!);
    for (const c of [
      -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
      3.3333331174e-1,
    ]) {
      horner(f, y!, m!, c);
    }
    // y = y·f·z + ef·C2 − z/2; ln u = f + y + ef·C1
    f.get(y!).get(m!).simd(OP.f32Mul).get(z!).simd(OP.f32Mul);
    f.get(ef!);
    vconst(f, f32Bits(-2.12194440e-4)).simd(OP.f32Mul).simd(OP.f32Add);
    f.get(z!);
    vconst(f, f32Bits(0.5)).simd(OP.f32Mul).simd(OP.f32Sub).set(y!);
    f.get(m!).get(y!).simd(OP.f32Add);
    f.get(ef!);
    vconst(f, f32Bits(0.693359375)).simd(OP.f32Mul).simd(OP.f32Add).set(y!);
    // log1p(x) = ln(u)·(x / (u − 1)), or x where u = 1.
    f.get(y!).get(x).get(u!);
    vconst(f, f32Bits(1)).simd(OP.f32Sub).simd(OP.f32Div).simd(OP.f32Mul).set(y!);
    f.get(x).get(y!).get(u!);
    vconst(f, f32Bits(1)).simd(OP.f32Eq).simd(OP.bitselect).set(y!);
    // u = +∞ → +∞; u = 0 → −∞; u < 0 → NaN; NaN stays NaN.
    vconst(f, f32Bits(Number.POSITIVE_INFINITY)).get(y!).get(u!);
    vconst(f, f32Bits(Number.POSITIVE_INFINITY)).simd(OP.f32Eq).simd(OP.bitselect).set(y!);
    vconst(f, f32Bits(Number.NEGATIVE_INFINITY)).get(y!).get(u!);
    vconst(f, f32Bits(0)).simd(OP.f32Eq).simd(OP.bitselect).set(y!);
    vconst(f, f32Bits(Number.NaN)).get(y!).get(u!);
    vconst(f, f32Bits(0)).simd(OP.f32Lt).simd(OP.bitselect).set(y!);
    f.get(x).get(y!).get(x).get(x).simd(OP.f32Ne).simd(OP.bitselect);
  }, 8);
}

/** `colsum(px, rows, cols, py)` (see the file comment): four columns at a time, rows in order. */
function colsumFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const px = 0, rows = 1, cols = 2, py = 3;
  const j = f.local(I32), i = f.local(I32), p = f.local(I32), stride = f.local(I32), acc = f.local(V128);
  f.get(cols).i32(2).shl().set(stride);
  f.i32(0).set(j);
  f.loop(() => {
    f.get(j).get(cols).geU().exitIf();
    f.vzero().set(acc);
    f.get(px).get(j).i32(2).shl().add().set(p);
    f.i32(0).set(i);
    f.loop(() => {
      f.get(i).get(rows).geU().exitIf();
      f.get(acc).get(p).vload().simd(OP.f32Add).set(acc);
      f.get(p).get(stride).add().set(p);
      f.inc(i, 1);
    });
    f.get(py).get(j).i32(2).shl().add().get(acc).vstore();
    f.inc(j, 4);
  });
  return f;
}

/** The module bytes: imports `env.memory` (a shared one with `shared`), exports `exp`, `log1p`, `colsum`. @internal */
export function vectorModuleBytes(shared = false): Uint8Array<ArrayBuffer> {
  return moduleBytes(
    [
      { name: 'exp', fn: expFunction() },
      { name: 'log1p', fn: log1pFunction() },
      { name: 'colsum', fn: colsumFunction() },
    ],
    shared ? SHARED_MEMORY : BACKEND_MEMORY,
  );
}

/** The exported functions (see the file comment). @internal */
export interface VectorExports {
  exp(px: number, py: number, n: number): void;
  log1p(px: number, py: number, n: number): void;
  colsum(px: number, rows: number, cols: number, py: number): void;
}

/**
 * The kernels bound to `memory` (compiled once, instantiated once per memory), or `null` where
 * WebAssembly SIMD is not available or the memory cannot be imported.
 * @internal
 */
export const vectorFor = /* @__PURE__ */ lazyInstances<VectorExports>(vectorModuleBytes);
