import * as tf from '@tensorflow/tfjs-core';
import { adamSimd } from '../kernels/wasm/adam.js';
import type { AdamSimd } from '../kernels/wasm/adam.js';
import type { AdamStepScalars } from '../kernels/webgpu/flat-state.js';
import type { WasmBackendLike } from './wasmKernels.js';
import { PARALLEL_MIN_ADAM, currentPool } from './threads.js';

/** Name of the fused Adam kernel (registered on demand for the wasm and cpu backends). @internal */
export const ADAM_KERNEL = 'AutoencodersAdamUpdate';

/**
 * The scalars of one Adam step, exactly as tfjs' `AdamOptimizer` holds them (one type for the
 * wasm/cpu kernel here and the WebGPU steps).
 * @internal
 */
export type AdamScalars = AdamStepScalars;

type Values = Float32Array;

/**
 * One Adam step over flat arrays, rounding every operation to float32 in the order tfjs'
 * `AdamOptimizer` applies its kernels, so that the results are bit for bit tfjs' (float32 +, −,
 * ×, ÷ and √ are correctly rounded, and so are these double-precision operations rounded once to
 * float32). Returns the sum of the gradient's entries (in float64): finite exactly when every
 * entry is, barring overflow.
 */
function adamLoop(w: Values, m: Values, v: Values, g: Values, w2: Values, m2: Values, v2: Values, s: AdamScalars): number {
  const fr = Math.fround;
  const b1 = fr(s.beta1);
  const c1 = fr(1 - s.beta1);
  const b2 = fr(s.beta2);
  const c2 = fr(1 - s.beta2);
  const d1 = fr(s.oneMinusAccBeta1);
  const d2 = fr(s.oneMinusAccBeta2);
  const eps = fr(s.epsilon);
  const step = fr(-s.learningRate);
  let sum = 0;
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!;
    sum += gi;
    // m' = m·β₁ + g·(1 − β₁); v' = v·β₂ + g²·(1 − β₂)
    const mi = fr(fr(m[i]! * b1) + fr(gi * c1));
    const vi = fr(fr(v[i]! * b2) + fr(fr(gi * gi) * c2));
    m2[i] = mi;
    v2[i] = vi;
    // w' = (m̂ / (√v̂ + ε))·(−lr) + w, with m̂ = m' / (1 − β₁ᵗ), v̂ = v' / (1 − β₂ᵗ)
    const mHat = fr(mi / d1);
    const vHat = fr(vi / d2);
    const denominator = fr(fr(Math.sqrt(vHat)) + eps);
    w2[i] = fr(fr(mHat / denominator) * step) + w[i]!;
  }
  return sum;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Values): tf.TensorInfo;
}

type Args = Parameters<tf.KernelConfig['kernelFunc']>[0];

function inputsOf(args: Args): [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const { value, m, v, gradient } = args.inputs as Record<string, tf.TensorInfo>;
  return [value!, m!, v!, gradient!];
}

interface WasmModuleLike {
  readonly asm?: { readonly memory?: unknown };
}

/** The SIMD kernel on the wasm backend's memory, or null (no SIMD, or a tfjs build that hides its memory). */
function simdFor(backend: WasmBackendLike): AdamSimd | null {
  const memory = (backend as unknown as { wasm?: WasmModuleLike }).wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? adamSimd(memory) : null;
}

interface WasmData {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
}

function wasmAdam(args: Args): tf.TensorInfo[] {
  const backend = args.backend as unknown as WasmBackendLike;
  const [value, m, v, gradient] = inputsOf(args);
  const s = args.attrs as unknown as AdamScalars;
  const outs = [value, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
  const sum = backend.makeOutput([], 'float32');
  const n = tf.util.sizeFromShape(value.shape);
  const simd = simdFor(backend);
  // The first n − n mod 4 entries in SIMD, where the memory is reachable; the rest in JavaScript.
  const head = simd === null ? 0 : n - (n % 4);
  let total = 0;
  if (head > 0) {
    const offset = (t: tf.TensorInfo): number => (backend as unknown as WasmData).dataIdMap.get(t.dataId).memoryOffset;
    const fr = Math.fround;
    const scalars = [fr(s.beta1), fr(1 - s.beta1), fr(s.beta2), fr(1 - s.beta2), fr(s.oneMinusAccBeta1), fr(s.oneMinusAccBeta2), fr(s.epsilon), fr(-s.learningRate)] as const;
    const pointers = [offset(value), offset(m), offset(v), offset(gradient), offset(outs[0]!), offset(outs[1]!), offset(outs[2]!)] as const;
    // Large variables over the worker pool (the same bits for any thread count), others here.
    const pool = head >= PARALLEL_MIN_ADAM ? currentPool() : null;
    let threaded: number | null = null;
    if (pool !== null) {
      const memory = (backend as unknown as { wasm: WasmModuleLike }).wasm.asm!.memory as WebAssembly.Memory;
      const [pw, pm, pv, pg, pw2, pm2, pv2] = pointers;
      threaded = pool.adam({ memory, heap: new Float32Array(memory.buffer), pw, pm, pv, pg, pw2, pm2, pv2, n: head }, scalars, simd!, 'Adam (wasm threads)');
    }
    total = threaded ?? simd!(...pointers, head, ...scalars);
  }
  // Views after every makeOutput: growing the heap replaces its buffer.
  const view = (t: tf.TensorInfo): Values => (backend.typedArrayFromHeap(t) as Values).subarray(head);
  if (head < n) total += adamLoop(view(value), view(m), view(v), view(gradient), view(outs[0]!), view(outs[1]!), view(outs[2]!), s);
  (backend.typedArrayFromHeap(sum) as Values)[0] = total;
  return [...outs, sum];
}

function cpuAdam(args: Args): tf.TensorInfo[] {
  const backend = args.backend as unknown as CpuBackendLike;
  const [value, m, v, gradient] = inputsOf(args);
  const read = (t: tf.TensorInfo): Values => backend.data.get(t.dataId).values as Values;
  const n = tf.util.sizeFromShape(value.shape);
  const w2 = new Float32Array(n);
  const m2 = new Float32Array(n);
  const v2 = new Float32Array(n);
  const total = adamLoop(read(value), read(m), read(v), read(gradient), w2, m2, v2, args.attrs as unknown as AdamScalars);
  return [
    backend.makeTensorInfo([...value.shape], 'float32', w2),
    backend.makeTensorInfo([...m.shape], 'float32', m2),
    backend.makeTensorInfo([...v.shape], 'float32', v2),
    backend.makeTensorInfo([], 'float32', Float32Array.of(total)),
  ];
}

const KERNELS: Readonly<Record<string, (args: Args) => tf.TensorInfo[]>> = { wasm: wasmAdam, cpu: cpuAdam };

let disabled = false;

/**
 * Switches the fused kernel off (`false`: {@link hasFusedAdam} then answers false everywhere) or
 * back on, so that tests can compare it with the composed path on the same backend.
 * @internal
 */
export function setFusedAdamForTesting(enabled: boolean): void {
  disabled = !enabled;
}

/**
 * Whether the active backend runs {@link fusedAdamUpdate} as one kernel (wasm with WebAssembly
 * SIMD, and cpu: where tensors live in memory this code can reach); registers the kernel on first
 * use.
 * @internal
 */
export function hasFusedAdam(): boolean {
  const backend = tf.getBackend();
  const kernel = KERNELS[backend];
  if (kernel === undefined || disabled) return false;
  // On wasm only with the SIMD loop (a scalar loop is no faster than tfjs' vectorised kernels).
  if (backend === 'wasm' && simdFor(tf.backend() as unknown as WasmBackendLike) === null) return false;
  if (tf.getKernel(ADAM_KERNEL, backend) === undefined) {
    tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: backend, kernelFunc: kernel as tf.KernelConfig['kernelFunc'] });
  }
  return true;
}

/**
 * One Adam step for one variable as a single kernel (call {@link hasFusedAdam} first): returns
 * the new value, first and second moments, and the sum of the gradient's entries (a scalar).
 * Bit for bit what tfjs' `AdamOptimizer` computes with its 14 kernels. All four inputs must be
 * float32 tensors of the same shape.
 * @internal
 */
export function fusedAdamUpdate(value: tf.Tensor, m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor, scalars: AdamScalars): [tf.Tensor, tf.Tensor, tf.Tensor, tf.Scalar] {
  const out = tf.engine().runKernel(ADAM_KERNEL, { value, m, v, gradient }, { ...scalars }) as tf.Tensor[];
  return [out[0]!, out[1]!, out[2]!, out[3] as tf.Scalar];
}
