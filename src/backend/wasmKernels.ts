import * as tf from '@tensorflow/tfjs-core';
import { vectorFor } from '../kernels/wasm/vector.js';
import type { VectorExports } from '../kernels/wasm/vector.js';
import { fastConv2dBackpropInput, installWasmConvGradient } from '../kernels/wasm/conv.js';
import { installFastWasmMatMul } from './wasmMatMul.js';
import { PARALLEL_MIN_ELEMENTS, currentPool } from './threads.js';

const PATCHED = /* @__PURE__ */ Symbol.for('autoencoders.wasmDataKernels');

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Args = Parameters<KernelFunc>[0];
type Values = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-backend-wasm's `BackendWasm` the kernels below use. @internal */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Values;
  incRef(dataId: object): void;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm?: { asm?: { memory?: unknown } };
}

/** The SIMD vector kernels on the backend's memory, or null (no SIMD, or a memory they cannot import). */
function vectorOf(backend: WasmBackendLike): VectorExports | null {
  const memory = backend.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? vectorFor(memory) : null;
}

function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * A float32 unary kernel (`Exp`, `Log1p`) through one of the SIMD loops: four elements at a time,
 * the last n mod 4 through a four-element scratch so that every element is computed alike; from
 * PARALLEL_MIN_ELEMENTS elements on, split over the worker pool when it computes on this heap in
 * place (the same bits). Other dtypes, and machines without WebAssembly SIMD, go to the original kernel.
 */
function simdUnary(which: 'exp' | 'log1p'): (original: KernelFunc) => KernelFunc {
  return (original) => (args: Args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const backend = args.backend as unknown as WasmBackendLike;
    const vector = x.dtype === 'float32' ? vectorOf(backend) : null;
    if (vector === null) return original(args);
    const n = tf.util.sizeFromShape(x.shape);
    const out = backend.makeOutput([...x.shape], 'float32');
    const head = n - (n % 4);
    if (head < n) {
      const scratch = backend.makeOutput([4], 'float32');
      const s = backend.typedArrayFromHeap(scratch) as Float32Array;
      s.fill(0);
      s.set((backend.typedArrayFromHeap(x) as Float32Array).subarray(head));
      vector[which](offsetOf(backend, scratch), offsetOf(backend, scratch), 4);
      (backend.typedArrayFromHeap(out) as Float32Array).set((backend.typedArrayFromHeap(scratch) as Float32Array).subarray(0, n - head), head);
      backend.disposeData(scratch.dataId);
    }
    if (head > 0) {
      const pool = head >= PARALLEL_MIN_ELEMENTS ? currentPool() : null;
      const memory = backend.wasm!.asm!.memory as WebAssembly.Memory;
      let split = false;
      try {
        split = pool !== null && pool.unary(which, memory, offsetOf(backend, x), offsetOf(backend, out), head, vector, `${which === 'exp' ? 'Exp' : 'Log1p'} (wasm threads)`);
      } catch (error) {
        backend.disposeData(out.dataId);
        throw error;
      }
      if (!split) vector[which](offsetOf(backend, x), offsetOf(backend, out), head);
    }
    return out;
  };
}

/**
 * `Sum` over leading axes (e.g. a bias gradient, the sum over the batch) as column sums in SIMD:
 * tfjs transposes the input first and then sums each row; both add in the order of the rows, so
 * the result is the same to the bit. Other reductions go to the original kernel.
 */
function fastSum(original: KernelFunc): KernelFunc {
  return (args: Args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const attrs = args.attrs as unknown as { axis: number | number[]; keepDims?: boolean };
    const backend = args.backend as unknown as WasmBackendLike;
    if (x.dtype !== 'float32' || x.shape.length < 2) return original(args);
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const leading = axes.every((a, i) => a === i) && axes.length < x.shape.length;
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
    const vector = leading && cols % 4 === 0 && rows > 0 ? vectorOf(backend) : null;
    if (vector === null) return original(args);
    const shape = attrs.keepDims === true ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const out = backend.makeOutput(shape, 'float32');
    vector.colsum(offsetOf(backend, x), rows, cols, offsetOf(backend, out));
    return out;
  };
}

/** Rows shorter than this are copied element by element (a `set` per row costs more). */
const SHORT_ROW = 16;

/**
 * `Slice` without the copy of the whole input: tfjs-backend-wasm's kernel reads the input with
 * `readSync` — a copy of every element — before it copies the slice out, so taking a batch of 128
 * rows from 8,000 copies all 8,000. This one reads the input where it lies in the wasm heap.
 */
function fastSlice(original: KernelFunc): KernelFunc {
  return (args: Args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return original(args);
    const attrs = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size) as [number[], number[]];
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(size, x.dtype);
    if (tf.util.sizeFromShape(size) === 0) return out;
    // Views after makeOutput: growing the heap replaces its buffer.
    const xVals = backend.typedArrayFromHeap(x);
    const outVals = backend.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const offset = tf.slice_util.computeFlatOffset(begin, strides);
      outVals.set(xVals.subarray(offset, offset + outVals.length));
      return out;
    }
    // Copy runs of the innermost axis, walking the outer indices like an odometer.
    const rank = size.length;
    const inner = size[rank - 1]!;
    const index = new Array<number>(rank - 1).fill(0);
    for (let o = 0; o < outVals.length; o += inner) {
      let offset = begin[rank - 1]!;
      for (let d = 0; d < rank - 1; d++) offset += (begin[d]! + index[d]!) * strides[d]!;
      outVals.set(xVals.subarray(offset, offset + inner), o);
      for (let d = rank - 2; d >= 0; d--) {
        if (++index[d]! < size[d]!) break;
        index[d] = 0;
      }
    }
    return out;
  };
}

/**
 * `GatherV2` along the first axis as row copies: tfjs-backend-wasm's kernel computes a strided
 * index for every element, about 50 ns each (6 ms for a batch of 128 MNIST digits). Other axes
 * and `batchDims` go to the original kernel.
 */
function fastGather(original: KernelFunc): KernelFunc {
  return (args: Args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const attrs = args.attrs as unknown as { axis: number | number[]; batchDims?: number };
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    if (axis !== 0 || (attrs.batchDims ?? 0) !== 0 || x.dtype === 'string' || indices.dtype !== 'int32' || x.shape.length === 0) {
      return original(args);
    }
    const backend = args.backend as unknown as WasmBackendLike;
    const rows = x.shape[0]!;
    const row = tf.util.sizeFromShape(x.shape.slice(1));
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Views after makeOutput: growing the heap replaces its buffer.
    const idxVals = backend.typedArrayFromHeap(indices) as Int32Array;
    for (let i = 0; i < idxVals.length; i++) {
      const j = idxVals[i]!;
      // The original kernel's check and message.
      if (!(j <= rows - 1 && j >= 0)) throw new Error(`GatherV2: the index value ${j} is not in [0, ${rows - 1}]`);
    }
    if (idxVals.length === 0 || row === 0) return out;
    const xVals = backend.typedArrayFromHeap(x);
    const outVals = backend.typedArrayFromHeap(out);
    if (row < SHORT_ROW) {
      for (let i = 0, o = 0; i < idxVals.length; i++) {
        const from = idxVals[i]! * row;
        for (let c = 0; c < row; c++) outVals[o++] = xVals[from + c]!;
      }
    } else {
      for (let i = 0; i < idxVals.length; i++) {
        const from = idxVals[i]! * row;
        outVals.set(xVals.subarray(from, from + row), i * row);
      }
    }
    return out;
  };
}

/**
 * `Identity` (`tf.clone`, and tfjs' gradient code) sharing the input's memory, as the cpu and
 * WebGPU backends do, instead of copying it: tfjs tensors never change in place (a variable's
 * `assign` points it at new memory), so a copy buys nothing. Strings go to the original kernel.
 */
function sharedIdentity(original: KernelFunc): KernelFunc {
  return (args: Args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

const REPLACEMENTS: Readonly<Record<string, (original: KernelFunc) => KernelFunc>> = {
  Slice: fastSlice,
  GatherV2: fastGather,
  Identity: sharedIdentity,
  Sum: fastSum,
  Exp: /* @__PURE__ */ simdUnary('exp'),
  Log1p: /* @__PURE__ */ simdUnary('log1p'),
  Conv2DBackpropInput: fastConv2dBackpropInput,
};

/**
 * Makes the wasm backend fast for training: {@link installFastWasmMatMul} for matrix products;
 * data movement without needless copies — `Slice` reads its input in place (tfjs copies all of it
 * first), `GatherV2` along the first axis copies whole rows, and `Identity` (`tf.clone`) shares
 * memory as the other backends do (taking a shuffled batch of 128 digits from 8,000 then costs
 * microseconds instead of milliseconds); and WebAssembly SIMD loops where tfjs runs scalar ones:
 * `Sum` over leading axes (bias gradients; the same bits as tfjs), `Exp` and `Log1p` (within 2 and
 * 3 ulp of the exact values; tfjs' `Log1p` is off by up to 10⁴ ulp for arguments in (0, 1), as it
 * computes `ln(1 + x)`). For convolutional models: the kernel gradient of a convolution
 * (`Conv2DBackpropFilter`, which tfjs-backend-wasm lacks, so that they could not train there)
 * and the input gradient (`Conv2DBackpropInput`, also `conv2dTranspose`'s forward pass; a scalar
 * loop in tfjs) each become one forward convolution, which XNNPACK runs. Safe to call more than once;
 * {@link useBackend} calls it when it starts wasm unless `{ fastWasmKernels: false }` is passed.
 *
 * @returns `true` when the wasm kernels are (now) patched, `false` when the wasm backend is not registered.
 * @category Backends
 * @example
 * ```ts
 * await useBackend('wasm');   // already calls it
 * installFastWasmKernels();   // no-op the second time
 * ```
 */
export function installFastWasmKernels(): boolean {
  let patched = installFastWasmMatMul();
  patched = installWasmConvGradient() || patched;
  for (const [name, replace] of Object.entries(REPLACEMENTS)) {
    const config = tf.getKernel(name, 'wasm');
    if (!config) continue;
    patched = true;
    if ((config as unknown as Record<symbol, boolean>)[PATCHED]) continue;
    const replacement: tf.KernelConfig & Record<symbol, boolean> = { ...config, kernelFunc: replace(config.kernelFunc), [PATCHED]: true };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(replacement);
  }
  return patched;
}
