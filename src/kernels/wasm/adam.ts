/**
 * The Adam step as one WebAssembly SIMD loop that works directly on the wasm backend's heap:
 * the module imports tfjs-backend-wasm's own `WebAssembly.Memory`, so the weights, moments and
 * gradients are read and written where they lie, four floats at a time, with no copy.
 *
 * Every operation is a float32x4 `mul`, `add`, `div` or `sqrt`, which WebAssembly defines as the
 * correctly rounded IEEE operations — the very operations tfjs' Adam kernels perform, in the same
 * order — so the results are bit for bit tfjs'. The module is assembled byte by byte (src/core/wasm)
 * and compiled on first use (nothing runs at import time).
 *
 * `adam(pw, pm, pv, pg, pw2, pm2, pv2, n, b1, c1, b2, c2, d1, d2, eps, step) → Σ g` (pointers in
 * bytes, `n` a multiple of 4, scalars float32): for every i < n,
 * `m2 = m·b1 + g·c1; v2 = v·b2 + g²·c2; w2 = (m2/d1) / (√(v2/d2) + eps) · step + w`,
 * and the sum of the gradient entries in float64.
 * @internal
 */
import { BACKEND_MEMORY, F32, F64, FunctionBuilder, I32, SHARED_MEMORY, V128, lazyInstances, moduleBytes } from '../../core/index.js';

const F32X4 = { splat: 0x13, sqrt: 0xe3, add: 0xe4, mul: 0xe6, div: 0xe7 } as const;
const F64X2 = { add: 0xf0, promoteLow: 0x5f, extractLane: 0x21 } as const;

function adamFunction(): FunctionBuilder {
  const f = new FunctionBuilder([...new Array<number>(8).fill(I32), ...new Array<number>(8).fill(F32)], [F64]);
  const [pw, pm, pv, pg, pw2, pm2, pv2, n] = [0, 1, 2, 3, 4, 5, 6, 7];
  const off = f.local(I32);
  const end = f.local(I32);
  // The eight scalars (b1, c1, b2, c2, d1, d2, eps, step) in all four lanes.
  const splat = Array.from({ length: 8 }, () => f.local(V128));
  const g = f.local(V128);
  const m = f.local(V128);
  const v = f.local(V128);
  const sum = f.local(V128);
  const at = (pointer: number): FunctionBuilder => f.get(pointer).get(off).add();
  splat.forEach((l, k) => f.get(8 + k).simd(F32X4.splat).set(l));
  f.get(n).i32(2).shl().set(end);
  f.vzero().set(sum);
  f.i32(0).set(off);
  f.loop(() => {
    f.get(off).get(end).geU().exitIf();
    at(pg).vload().set(g);
    // sum += promote(g[0..1]) + promote(g[2..3])
    f.get(sum).get(g).simd(F64X2.promoteLow).simd(F64X2.add);
    f.get(g).get(g).simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7); // high half down
    f.simd(F64X2.promoteLow).simd(F64X2.add).set(sum);
    // m = m·b1 + g·c1
    at(pm).vload().get(splat[0]!).simd(F32X4.mul);
    f.get(g).get(splat[1]!).simd(F32X4.mul).simd(F32X4.add).set(m);
    // v = v·b2 + (g·g)·c2
    at(pv).vload().get(splat[2]!).simd(F32X4.mul);
    f.get(g).get(g).simd(F32X4.mul).get(splat[3]!).simd(F32X4.mul).simd(F32X4.add).set(v);
    at(pm2).get(m).vstore();
    at(pv2).get(v).vstore();
    // w2 = ((m/d1) / (sqrt(v/d2) + eps))·step + w
    at(pw2);
    f.get(m).get(splat[4]!).simd(F32X4.div);
    f.get(v).get(splat[5]!).simd(F32X4.div).simd(F32X4.sqrt).get(splat[6]!).simd(F32X4.add);
    f.simd(F32X4.div).get(splat[7]!).simd(F32X4.mul);
    at(pw).vload().simd(F32X4.add).vstore();
    f.inc(off, 16);
  });
  f.get(sum).simd(F64X2.extractLane, 0).get(sum).simd(F64X2.extractLane, 1).e(0xa0); // f64.add
  return f;
}

/** The module: imports `env.memory` (a shared one with `shared`, for the worker pool), exports `adam`. @internal */
export function adamModuleBytes(shared = false): Uint8Array<ArrayBuffer> {
  return moduleBytes([{ name: 'adam', fn: adamFunction() }], shared ? SHARED_MEMORY : BACKEND_MEMORY);
}

/** Signature of the exported `adam` (see the file comment). @internal */
export type AdamSimd = (
  pw: number, pm: number, pv: number, pg: number, pw2: number, pm2: number, pv2: number, n: number,
  b1: number, c1: number, b2: number, c2: number, d1: number, d2: number, eps: number, step: number,
) => number;

const adamInstances = /* @__PURE__ */ lazyInstances<{ adam: AdamSimd }>(adamModuleBytes);

/**
 * The `adam` kernel bound to `memory` (instantiated once per memory), or `null` where
 * WebAssembly SIMD is not available or the memory cannot be imported.
 * @internal
 */
export function adamSimd(memory: WebAssembly.Memory): AdamSimd | null {
  return adamInstances(memory)?.adam ?? null;
}
