/**
 * The Adam step as one WebAssembly SIMD loop that works directly on the wasm backend's heap:
 * the module imports tfjs-backend-wasm's own `WebAssembly.Memory`, so the weights, moments and
 * gradients are read and written where they lie, four floats at a time, with no copy.
 *
 * Every operation is a float32x4 `mul`, `add`, `div` or `sqrt`, which WebAssembly defines as the
 * correctly rounded IEEE operations — the very operations tfjs' Adam kernels perform, in the same
 * order — so the results are bit for bit tfjs'. The module is assembled here, byte by byte (no
 * toolchain, no binary blob), and compiled on first use (nothing runs at import time).
 *
 * `adam(pw, pm, pv, pg, pw2, pm2, pv2, n, b1, c1, b2, c2, d1, d2, eps, step) → Σ g` (pointers in
 * bytes, `n` a multiple of 4, scalars float32): for every i < n,
 * `m2 = m·b1 + g·c1; v2 = v·b2 + g²·c2; w2 = (m2/d1) / (√(v2/d2) + eps) · step + w`,
 * and the sum of the gradient entries in float64.
 * @internal
 */

import { lazyInstances } from './wasmAsm.js';

const I32 = 0x7f;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

function name(s: string): number[] {
  return vec(Array.from(s, (c) => [c.charCodeAt(0)]));
}

/** The `adam` function's body: locals and code (see the file comment). */
function adamBody(): number[] {
  // Parameters: 0–7 i32 (pw, pm, pv, pg, pw2, pm2, pv2, n), 8–15 f32 (b1, c1, b2, c2, d1, d2, eps, step).
  const P = { pw: 0, pm: 1, pv: 2, pg: 3, pw2: 4, pm2: 5, pv2: 6, n: 7 };
  const firstScalar = 8;
  // Locals: 16 off (i32), 17 end (i32), 18–25 splatted scalars (v128), 26 g, 27 m, 28 v, 29 sum (v128).
  const off = 16;
  const end = 17;
  const splat = (k: number): number => 18 + k; // k = 0..7 in parameter order
  const g = 26;
  const m = 27;
  const v = 28;
  const sum = 29;
  const code: number[] = [];
  const e = (...b: number[]): void => {
    code.push(...b);
  };
  const get = (l: number): void => e(0x20, ...uleb(l));
  const set = (l: number): void => e(0x21, ...uleb(l));
  const simd = (op: number, ...imm: number[]): void => e(0xfd, ...uleb(op), ...imm);
  const load = (pointer: number): void => {
    get(pointer);
    get(off);
    e(0x6a); // i32.add
    simd(0x00, 2, 0); // v128.load align=4
  };
  const storeAddress = (pointer: number): void => {
    get(pointer);
    get(off);
    e(0x6a);
  };
  const f32x4 = { sqrt: 0xe3, add: 0xe4, mul: 0xe6, div: 0xe7 };

  for (let k = 0; k < 8; k++) {
    get(firstScalar + k);
    simd(0x13); // f32x4.splat
    set(splat(k));
  }
  // end = n·4 bytes; off = 0; sum = 0
  get(P.n);
  e(0x41, 2, 0x74); // i32.const 2, i32.shl
  set(end);
  simd(0x0c, ...new Array<number>(16).fill(0));
  set(sum);
  e(0x02, 0x40, 0x03, 0x40); // block { loop {
  get(off);
  get(end);
  e(0x4f, 0x0d, 0x01); // i32.ge_u, br_if 1
  load(P.pg);
  set(g);
  // sum += promote(g[0..1]) + promote(g[2..3])
  get(sum);
  get(g);
  simd(0x5f); // f64x2.promote_low_f32x4
  simd(0xf0); // f64x2.add
  get(g);
  get(g);
  simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7); // i8x16.shuffle: high half down
  simd(0x5f);
  simd(0xf0);
  set(sum);
  // m = m·b1 + g·c1
  load(P.pm);
  get(splat(0));
  simd(f32x4.mul);
  get(g);
  get(splat(1));
  simd(f32x4.mul);
  simd(f32x4.add);
  set(m);
  // v = v·b2 + (g·g)·c2
  load(P.pv);
  get(splat(2));
  simd(f32x4.mul);
  get(g);
  get(g);
  simd(f32x4.mul);
  get(splat(3));
  simd(f32x4.mul);
  simd(f32x4.add);
  set(v);
  storeAddress(P.pm2);
  get(m);
  simd(0x0b, 2, 0); // v128.store
  storeAddress(P.pv2);
  get(v);
  simd(0x0b, 2, 0);
  // w2 = ((m/d1) / (sqrt(v/d2) + eps))·step + w
  storeAddress(P.pw2);
  get(m);
  get(splat(4));
  simd(f32x4.div);
  get(v);
  get(splat(5));
  simd(f32x4.div);
  simd(f32x4.sqrt);
  get(splat(6));
  simd(f32x4.add);
  simd(f32x4.div);
  get(splat(7));
  simd(f32x4.mul);
  load(P.pw);
  simd(f32x4.add);
  simd(0x0b, 2, 0);
  // off += 16
  get(off);
  e(0x41, 16, 0x6a);
  set(off);
  e(0x0c, 0x00, 0x0b, 0x0b); // br 0 } }
  // return lane 0 + lane 1 of sum
  get(sum);
  simd(0x21, 0); // f64x2.extract_lane 0
  get(sum);
  simd(0x21, 1);
  e(0xa0); // f64.add
  const locals = [
    [...uleb(2), I32],
    [...uleb(12), V128],
  ];
  const body = [...vec(locals), ...code, 0x0b];
  return [...uleb(body.length), ...body];
}

/** The module: imports `env.memory`, exports `adam`. @internal */
export function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vec([...new Array<number>(8).fill(I32), ...new Array<number>(8).fill(F32)].map((t) => [t])), ...vec([[F64]])];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...name('adam'), 0x00, 0x00]])),
    ...section(10, vec([adamBody()])),
  ];
  return new Uint8Array(bytes);
}

/** Signature of the exported `adam` (see the file comment). @internal */
export type AdamSimd = (
  pw: number, pm: number, pv: number, pg: number, pw2: number, pm2: number, pv2: number, n: number,
  b1: number, c1: number, b2: number, c2: number, d1: number, d2: number, eps: number, step: number,
) => number;

/**
 * The `adam` kernel bound to `memory` (instantiated once per memory), or `null` where
 * WebAssembly SIMD is not available or the memory cannot be imported (a shared one).
 * @internal
 */
export function adamSimd(memory: WebAssembly.Memory): AdamSimd | null {
  return adamInstances(memory)?.adam ?? null;
}

const adamInstances = lazyInstances<{ adam: AdamSimd }>(adamModuleBytes);
