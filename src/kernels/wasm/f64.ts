/**
 * Tiny WebAssembly SIMD kernels for the loops that dominate PCA, in float64:
 * - `nt`: `C += A·Bᵀ` where A and B are stored by rows (every output entry is a dot product of
 *   two contiguous rows) — the Gram matrix and every large product; `nt32` the same with A and B
 *   in float32 (twice the lanes), for the randomized solver;
 * - `axpy`, `dot`: the sparse-column part of the Gram matrix and the back-transformation of
 *   eigenvectors;
 * - `rowUpdate`: the row update of the Householder tridiagonal reduction.
 * The module is assembled byte by byte from the instructions below with the package's small
 * assembler (src/core/wasm) — no toolchain, no binary blob — and compiled lazily on first use
 * (nothing runs at import time).
 *
 * `nt` works on 4×2 output blocks with eight `f64x2` accumulators (two lanes each), which on
 * x86-64 V8 runs about four times faster than the best plain JavaScript loop we measured.
 * Callers fall back to the JavaScript versions in src/pca/linalg/workspace.ts where WebAssembly
 * SIMD is missing. Built for a shared memory too, the module also runs on the worker pool's
 * threads (pool.ts), which split a product by blocks of columns (blocks.ts `ntBlock`).
 *
 * Contract of `nt(pa, lda, pb, ldb, pc, ldc, r1, r2, len, sym)` (pointers in bytes, strides and
 * sizes in float64 elements): for `i < r1`, `j < r2` (and `j ≥ i − i mod 4` when `sym` is 1),
 * `C[i·ldc + j] += Σ_{t < len} A[i·lda + t] · B[j·ldb + t]`. Requires `r1 % 4 == 0`,
 * `r2 % 2 == 0`, `len % 2 == 0` — callers pad with zero rows/columns.
 * @internal
 */
import { F64, FunctionBuilder, I32, SHARED_MEMORY, V128, lazyModule, moduleBytes } from '../../core/index.js';
import type { NtKernel } from './blocks.js';

/** The kernels work on float64 lanes: their vector loads and stores declare 8-byte alignment. */
const F64_LANES = { vectorAlign: 3 } as const;

/**
 * `nt` (see the file comment); with `f32`, `nt32`: A and B hold float32 (strides in float32
 * elements, `len % 4 == 0`), the products accumulate in float32 lanes over one call (callers
 * keep `len` short) and are added to the float64 C.
 */
function ntFunction(f32 = false): FunctionBuilder {
  const f = new FunctionBuilder(new Array<number>(10).fill(I32), [], F64_LANES);
  const pa = 0, lda = 1, pb = 2, ldb = 3, pc = 4, ldc = 5, r1 = 6, r2 = 7, len = 8, sym = 9;
  const i = f.local(I32), j = f.local(I32), off = f.local(I32), lenB = f.local(I32);
  const a0 = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const b0 = f.local(I32), b1 = f.local(I32), ldaB = f.local(I32), ldbB = f.local(I32), addr = f.local(I32);
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  const x = f.local(V128), y0 = f.local(V128), y1 = f.local(V128);
  const shift = f32 ? 2 : 3;
  const lanes = (op: 'add' | 'mul'): void => void (f32 ? f.f32x4(op) : f.f64x2(op));
  f.get(lda).i32(shift).shl().set(ldaB);
  f.get(ldb).i32(shift).shl().set(ldbB);
  f.get(len).i32(shift).shl().set(lenB);
  f.i32(0).set(i);
  f.loop(() => {
    f.get(i).get(r1).geU().exitIf();
    f.get(i).get(sym).mul().set(j); // j = sym ? i : 0 (i is even)
    f.get(pa).get(i).get(ldaB).mul().add().set(a0[0]!);
    for (let r = 1; r < 4; r++) f.get(a0[r - 1]!).get(ldaB).add().set(a0[r]!);
    f.loop(() => {
      f.get(j).get(r2).geU().exitIf();
      for (const q of acc) f.vzero().set(q);
      f.get(pb).get(j).get(ldbB).mul().add().tee(b0).get(ldbB).add().set(b1);
      f.i32(0).set(off);
      f.loop(() => {
        f.get(off).get(lenB).geU().exitIf();
        f.get(b0).get(off).add().vload().set(y0);
        f.get(b1).get(off).add().vload().set(y1);
        for (let r = 0; r < 4; r++) {
          f.get(a0[r]!).get(off).add().vload().set(x);
          f.get(acc[2 * r]!).get(x).get(y0);
          lanes('mul');
          lanes('add');
          f.set(acc[2 * r]!);
          f.get(acc[2 * r + 1]!).get(x).get(y1);
          lanes('mul');
          lanes('add');
          f.set(acc[2 * r + 1]!);
        }
        f.get(off).i32(16).add().set(off);
      });
      // C[(i+r)·ldc + j + s] += sum of the lanes
      for (let r = 0; r < 4; r++) {
        for (let s = 0; s < 2; s++) {
          const q = acc[2 * r + s]!;
          f.get(pc).get(i).i32(r).add().get(ldc).mul().get(j).add().i32(s).add().i32(3).shl().add();
          f.tee(addr).get(addr).e(0x2b, 3, 0); // f64.load
          if (f32) {
            // (lane0 + lane1) + (lane2 + lane3), each promoted to f64
            f.get(q).simd(0x1f, 0).e(0xbb).get(q).simd(0x1f, 1).e(0xbb).e(0xa0);
            f.get(q).simd(0x1f, 2).e(0xbb).get(q).simd(0x1f, 3).e(0xbb).e(0xa0).e(0xa0);
          } else {
            f.get(q).f64x2Sum(x);
          }
          f.e(0xa0).e(0x39, 3, 0); // f64.add, f64.store
        }
      }
      f.get(j).i32(2).add().set(j);
    });
    f.get(i).i32(4).add().set(i);
  });
  return f;
}

/** `axpy(py, px, len, a)`: `y[0:len] += a·x[0:len]` (len even, pointers in bytes). */
function axpyFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, F64], [], F64_LANES);
  const py = 0, px = 1, len = 2, a = 3;
  const off = f.local(I32), lenB = f.local(I32), av = f.local(V128);
  f.get(a).f64x2('splat').set(av);
  f.get(len).i32(3).shl().set(lenB);
  f.i32(0).set(off);
  f.loop(() => {
    f.get(off).get(lenB).geU().exitIf();
    f.get(py).get(off).add(); // store address
    f.get(py).get(off).add().vload();
    f.get(px).get(off).add().vload().get(av).f64x2('mul').f64x2('add').vstore();
    f.get(off).i32(16).add().set(off);
  });
  return f;
}

/** `dot(px, py, len) → Σ x·y` (len even, pointers in bytes), two accumulators. */
function dotFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], [F64], F64_LANES);
  const px = 0, py = 1, len = 2;
  const off = f.local(I32), lenB = f.local(I32), last = f.local(I32), acc0 = f.local(V128), acc1 = f.local(V128), t = f.local(V128);
  f.get(len).i32(3).shl().set(lenB);
  f.get(lenB).i32(-16).add().set(last);
  f.vzero().set(acc0).vzero().set(acc1);
  f.i32(0).set(off);
  f.loop(() => {
    // while off + 32 <= lenB, i.e. off < lenB − 16 (signed compare; lenB ≥ 0)
    f.get(off).get(last).e(0x4e).exitIf(); // i32.ge_s
    f.get(acc0).get(px).get(off).add().vload().get(py).get(off).add().vload().f64x2('mul').f64x2('add').set(acc0);
    f.get(acc1).get(px).get(off).add().vload(16).get(py).get(off).add().vload(16).f64x2('mul').f64x2('add').set(acc1);
    f.get(off).i32(32).add().set(off);
  });
  // A last pair when len ≡ 2 (mod 4).
  f.get(off).get(lenB).ltU().ifElse(() => {
    f.get(acc0).get(px).get(off).add().vload().get(py).get(off).add().vload().f64x2('mul').f64x2('add').set(acc0);
  });
  f.get(acc0).get(acc1).f64x2('add').f64x2Sum(t);
  return f;
}

/**
 * `rowUpdate(ps, pv, pw, pu, pnext, len, vi, wi, ui) → Σ a·u`: for t < len,
 * `a = s[t] − vi·w[t] − wi·v[t]; s[t] = a; next[t] += a·ui` — one row of the symmetric rank-2
 * update of the tridiagonal reduction fused with the next step's product (len even).
 */
function rowUpdateFunction(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, F64, F64, F64], [F64], F64_LANES);
  const ps = 0, pv = 1, pw = 2, pu = 3, pnext = 4, len = 5, vi = 6, wi = 7, ui = 8;
  const off = f.local(I32), lenB = f.local(I32);
  const viv = f.local(V128), wiv = f.local(V128), uiv = f.local(V128), acc = f.local(V128), a = f.local(V128);
  f.get(vi).f64x2('splat').set(viv).get(wi).f64x2('splat').set(wiv).get(ui).f64x2('splat').set(uiv);
  f.vzero().set(acc);
  f.get(len).i32(3).shl().set(lenB);
  f.i32(0).set(off);
  f.loop(() => {
    f.get(off).get(lenB).geU().exitIf();
    f.get(ps).get(off).add().vload();
    f.get(viv).get(pw).get(off).add().vload().f64x2('mul').f64x2('sub');
    f.get(wiv).get(pv).get(off).add().vload().f64x2('mul').f64x2('sub').set(a);
    f.get(ps).get(off).add().get(a).vstore();
    f.get(acc).get(a).get(pu).get(off).add().vload().f64x2('mul').f64x2('add').set(acc);
    f.get(pnext).get(off).add();
    f.get(pnext).get(off).add().vload().get(a).get(uiv).f64x2('mul').f64x2('add').vstore();
    f.get(off).i32(16).add().set(off);
  });
  f.get(acc).f64x2Sum(a);
  return f;
}

/** The kernel names, in export order. @internal */
export const KERNEL_NAMES = ['nt', 'axpy', 'dot', 'rowUpdate', 'nt32'] as const;

/** The kernel builders, by export name. */
const KERNEL_BUILDERS: Readonly<Record<(typeof KERNEL_NAMES)[number], () => FunctionBuilder>> = {
  nt: () => ntFunction(),
  axpy: axpyFunction,
  dot: dotFunction,
  rowUpdate: rowUpdateFunction,
  nt32: () => ntFunction(true),
};

/**
 * The module bytes: imports `env.mem` (at least one page), or with `shared` the pool's shared
 * `env.memory`; exports {@link KERNEL_NAMES}.
 * @internal
 */
export function ntModuleBytes(shared = false): Uint8Array<ArrayBuffer> {
  const functions = KERNEL_NAMES.map((name) => ({ name, fn: KERNEL_BUILDERS[name]() }));
  return moduleBytes(functions, shared ? SHARED_MEMORY : { name: 'mem', minPages: 1 });
}

/**
 * The compiled kernel module, or `null` where WebAssembly SIMD is not available (then callers
 * use the JavaScript kernel). Compiled once, on first call.
 * @internal
 */
export const ntModule: () => WebAssembly.Module | null = /* @__PURE__ */ lazyModule(ntModuleBytes);


/** The exported functions of an instance (pointers in bytes; see their builders). @internal */
export interface WasmKernels {
  readonly nt: NtKernel;
  readonly nt32: NtKernel;
  readonly axpy: (py: number, px: number, len: number, a: number) => void;
  readonly dot: (px: number, py: number, len: number) => number;
  readonly rowUpdate: (
    ps: number, pv: number, pw: number, pu: number, pnext: number, len: number, vi: number, wi: number, ui: number,
  ) => number;
}

/**
 * The same contract as the wasm `nt`, on a Float64Array heap with element offsets (a 4×2
 * register-blocked loop). Used where WebAssembly SIMD is missing, and in tests as the reference.
 * @internal
 */
export function ntProductJs(
  h: Float64Array,
  pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number,
  r1: number, r2: number, len: number, sym: boolean,
): void {
  for (let i = 0; i < r1; i += 4) {
    const a0 = pa + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    for (let j = sym ? i : 0; j < r2; j += 2) {
      const b0 = pb + j * ldb, b1 = b0 + ldb;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let t = 0; t < len; t++) {
        const y0 = h[b0 + t]!, y1 = h[b1 + t]!;
        const x0 = h[a0 + t]!;
        s00 += x0 * y0; s01 += x0 * y1;
        const x1 = h[a1 + t]!;
        s10 += x1 * y0; s11 += x1 * y1;
        const x2 = h[a2 + t]!;
        s20 += x2 * y0; s21 += x2 * y1;
        const x3 = h[a3 + t]!;
        s30 += x3 * y0; s31 += x3 * y1;
      }
      const c = pc + i * ldc + j;
      h[c] = h[c]! + s00; h[c + 1] = h[c + 1]! + s01;
      h[c + ldc] = h[c + ldc]! + s10; h[c + ldc + 1] = h[c + ldc + 1]! + s11;
      h[c + 2 * ldc] = h[c + 2 * ldc]! + s20; h[c + 2 * ldc + 1] = h[c + 2 * ldc + 1]! + s21;
      h[c + 3 * ldc] = h[c + 3 * ldc]! + s30; h[c + 3 * ldc + 1] = h[c + 3 * ldc + 1]! + s31;
    }
  }
}
