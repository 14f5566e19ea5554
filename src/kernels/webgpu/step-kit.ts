/**
 * What the fused training steps (dense autoencoders, Gaussian VAEs) share: compiled pipelines,
 * uniform blocks, bind groups, the flat layout of their layers' weights, the product dispatch, and
 * the recording of one step into tfjs-backend-webgpu's command encoder (copies in, one compute
 * pass, the report and the new weights and moments copied out).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type AdamStepState, type FlatLayout, changedBuffers, recordCopyIn, recordCopyOut } from './flat-state.js';
import { type GpuBuffer, type GpuDevice, type GpuPipeline, type WebGpuBackendLike, USAGE, bufferOf, emptyTensor } from './gpu.js';
import { ADAM_THREADS, type EpilogueActivation, PRODUCT_UNIFORMS, type ProductKind, TILE, adamShader, productShader } from './wgsl.js';

/** Bytes of a float32. @internal */
export const F32 = 4;

/** One recorded dispatch. @internal */
export interface Dispatch {
  readonly pipeline: GpuPipeline;
  readonly group: unknown;
  readonly x: number;
  readonly y: number;
}

/** A copy of a tensor's values into one of the step's buffers, recorded before the pass. @internal */
export interface CopyInto {
  readonly from: tf.Tensor;
  readonly to: GpuBuffer;
  /** Byte offset in `to`. */
  readonly at: number;
  readonly bytes: number;
}

/** A layer's kernel and bias, which the flat buffers hold side by side (kernel, then bias). @internal */
export interface KernelAndBias {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** A 2-D grid of workgroups for `count` threads in groups of `threads` (at most 65535 groups a side). @internal */
export function grid(count: number, threads: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / threads));
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x)];
}

/** A step's dispatches for one row count, with the uniform blocks they own. @internal */
export interface StepPlan {
  readonly dispatches: readonly Dispatch[];
  readonly uniforms: readonly GpuBuffer[];
}

/**
 * The activation and delta buffers of a fused step, grown to the largest row count seen, and the
 * plans made on them, once per row count. Growing drops the plans made for the old buffers, after
 * sending the commands recorded with them (tfjs may hand the buffers out again).
 * @internal
 */
export class StepBuffers {
  readonly #kit: StepKit;
  readonly #plans = new Map<number, StepPlan>();
  #acts: GpuBuffer | undefined;
  #deltas: GpuBuffer | undefined;
  #capacity = 0;

  constructor(kit: StepKit) {
    this.#kit = kit;
  }

  /** Rows the buffers hold (0 before the first plan). */
  get capacity(): number {
    return this.#capacity;
  }

  get acts(): GpuBuffer {
    return this.#acts!;
  }

  get deltas(): GpuBuffer {
    return this.#deltas!;
  }

  /**
   * The plan for `rows` rows. When `rows` is past the capacity, the buffers are first remade with
   * the sizes (in floats) `grow(rows)` gives; `make` then builds the plan on them, once per row count.
   */
  planFor(rows: number, grow: (rows: number) => { acts: number; deltas: number }, make: (rows: number) => StepPlan): StepPlan {
    if (rows > this.#capacity) {
      const kit = this.#kit;
      if (this.#capacity > 0 && kit.backend.commandEncoder !== null) kit.backend.submitQueue();
      this.#dropPlans();
      kit.release(this.#acts);
      kit.release(this.#deltas);
      const sizes = grow(rows);
      this.#acts = kit.storage(sizes.acts);
      this.#deltas = kit.storage(sizes.deltas);
      this.#capacity = rows;
    }
    let plan = this.#plans.get(rows);
    if (plan === undefined) {
      plan = make(rows);
      this.#plans.set(rows, plan);
    }
    return plan;
  }

  /** Releases the plans' uniforms and both buffers (back to tfjs' pool). */
  dispose(): void {
    this.#dropPlans();
    this.#kit.release(this.#acts);
    this.#kit.release(this.#deltas);
    this.#acts = undefined;
    this.#deltas = undefined;
    this.#capacity = 0;
  }

  #dropPlans(): void {
    for (const plan of this.#plans.values()) for (const u of plan.uniforms) this.#kit.release(u);
    this.#plans.clear();
  }
}

/**
 * The pipelines, buffers and bind groups of one fused step on a WebGPU backend.
 * @internal
 */
export class StepKit {
  readonly backend: WebGpuBackendLike;
  readonly device: GpuDevice;
  readonly #pipelines = new Map<string, GpuPipeline>();

  constructor(backend: WebGpuBackendLike) {
    this.backend = backend;
    this.device = backend.device;
  }

  /** A buffer from tfjs' pool; give it back with {@link StepKit.release}. */
  acquire(size: number, usage: number): GpuBuffer {
    return this.backend.bufferManager.acquireBuffer(size, usage);
  }

  /** A storage buffer of `floats` float32s (at least one). */
  storage(floats: number): GpuBuffer {
    return this.acquire(Math.max(1, floats) * F32, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST);
  }

  release(buffer: GpuBuffer | undefined): void {
    if (buffer !== undefined) this.backend.bufferManager.releaseBuffer(buffer);
  }

  /** The compute pipeline of the shader `code()` (entry point `main`), compiled once per key. */
  pipeline(key: string, code: () => string): GpuPipeline {
    let p = this.#pipelines.get(key);
    if (p === undefined) {
      const module = this.device.createShaderModule({ code: code() });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  /** A uniform block of 32-bit fields, `values[i]` written as a float where `floats` has `i`, else as a u32. */
  uniform(values: readonly number[], floats: ReadonlySet<number> = new Set()): GpuBuffer {
    const size = Math.ceil((values.length * F32) / 16) * 16;
    const data = new ArrayBuffer(size);
    const u32 = new Uint32Array(data);
    const f32 = new Float32Array(data);
    values.forEach((x, i) => {
      if (floats.has(i)) f32[i] = x;
      else u32[i] = x;
    });
    const buffer = this.acquire(size, USAGE.UNIFORM | USAGE.COPY_DST);
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /** A bind group of `buffers` at bindings 0, 1, … of the pipeline's group 0. */
  group(pipeline: GpuPipeline, buffers: readonly GpuBuffer[]): unknown {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /**
   * A dispatch of the tiled product ({@link productShader}) with the uniform fields `u`
   * (`PRODUCT_UNIFORMS` of them: M, N, K, offsets and strides, onesRow, p, acc), whose uniform
   * block is pushed to `uniforms` (the caller releases them).
   */
  product(kind: ProductKind, activation: EpilogueActivation, u: readonly number[], buffers: readonly GpuBuffer[], uniforms: GpuBuffer[]): Dispatch {
    if (u.length !== PRODUCT_UNIFORMS) throw new Error('fused WebGPU step: bad product uniforms');
    const pipeline = this.pipeline(`${kind}:${activation}`, () => productShader(kind, activation));
    const ub = this.uniform(u, new Set([PRODUCT_UNIFORMS - 2]));
    uniforms.push(ub);
    const [M, N] = u as [number, number];
    return { pipeline, group: this.group(pipeline, [ub, ...buffers]), x: Math.ceil(N / TILE), y: Math.ceil(M / TILE) };
  }

  /** A dispatch of an element-wise shader over `count` threads in groups of `threads`, its uniform block pushed to `uniforms`. */
  elementwise(key: string, code: () => string, u: readonly number[], floats: ReadonlySet<number>, buffers: readonly GpuBuffer[], count: number, threads: number, uniforms: GpuBuffer[]): Dispatch {
    const pipeline = this.pipeline(key, code);
    const [x, y] = grid(count, threads);
    const ub = this.uniform([...u, x * threads], floats);
    uniforms.push(ub);
    return { pipeline, group: this.group(pipeline, [ub, ...buffers]), x, y };
  }
}

/**
 * The flat layout of layers' weights: each kernel then its bias, layer after layer; `variables`
 * (the trainer's order) must be exactly those kernels and biases.
 * @returns each variable's float offset and the float count, or null when the sets differ.
 * @internal
 */
export function flatOffsets(layers: readonly KernelAndBias[], variables: readonly tf.Variable[]): { offsets: number[]; count: number; layerOffsets: number[] } | null {
  const flat = new Map<tf.Variable, number>();
  const layerOffsets: number[] = [];
  let offset = 0;
  for (const l of layers) {
    layerOffsets.push(offset);
    flat.set(l.kernel, offset);
    offset += l.kernel.size;
    flat.set(l.bias, offset); // the bias right after its kernel: backWeights writes both as one block
    offset += l.bias.size;
  }
  if (flat.size !== variables.length || variables.some((v) => !flat.has(v))) return null;
  return { offsets: variables.map((v) => flat.get(v)!), count: offset, layerOffsets };
}

/**
 * The flat weights, gradients and moments of a step over `count` floats, and the layout that
 * copies the variables and moments in and out.
 * @internal
 */
export function flatBuffers(kit: StepKit, variables: readonly tf.Variable[], offsets: readonly number[], count: number): { layout: FlatLayout; grads: GpuBuffer } {
  const weights = kit.storage(count);
  const grads = kit.storage(count);
  const moments = kit.storage(2 * count);
  const last = variables.map(() => ({ w: undefined, m: undefined, v: undefined }));
  return { layout: { variables, offsets, count, weights, moments, last }, grads };
}

/**
 * Records one step into the backend's command encoder: the `copies` (scalars, batch), the
 * weights and moments that changed since the last step, the `dispatches` in one compute pass,
 * the first `reportLength` floats of `report` into a new tensor, and the new weights and moments
 * out into the variables. The caller keeps the copies' source tensors alive until this returns.
 * @returns the report tensor, owned by the caller.
 * @internal
 */
export function recordStep(
  backend: WebGpuBackendLike,
  layout: FlatLayout,
  adam: AdamStepState,
  copies: readonly CopyInto[],
  dispatches: readonly Dispatch[],
  report: GpuBuffer,
  reportLength: number,
): tf.Tensor1D {
  const sources = copies.map((c) => bufferOf(backend, c.from));
  const copyIns = changedBuffers(backend, layout, adam);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const encoder = backend.commandEncoder!;
  copies.forEach((c, i) => encoder.copyBufferToBuffer(sources[i]!, 0, c.to, c.at, c.bytes));
  recordCopyIn(encoder, layout, copyIns);
  const pass = encoder.beginComputePass();
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.group);
    pass.dispatchWorkgroups(d.x, d.y, 1);
  }
  pass.end();
  const out = emptyTensor(backend, [reportLength]);
  encoder.copyBufferToBuffer(report, 0, out.buffer, 0, reportLength * F32);
  recordCopyOut(encoder, backend, layout, adam);
  return out.tensor as tf.Tensor1D;
}

/**
 * The Adam dispatch over a step's flat weights (writing the size uniform `size`; `step` holds the
 * step's scalars, copied in at each step).
 * @internal
 */
export function adamDispatch(kit: StepKit, layout: FlatLayout, size: GpuBuffer, step: GpuBuffer, grads: GpuBuffer, report: GpuBuffer): Dispatch {
  const [x, y] = grid(layout.count, ADAM_THREADS);
  kit.device.queue.writeBuffer(size, 0, Uint32Array.of(layout.count, x * ADAM_THREADS, 0, 0));
  const pipeline = kit.pipeline('adam', adamShader);
  return { pipeline, group: kit.group(pipeline, [size, step, layout.weights, grads, layout.moments, report]), x, y };
}
