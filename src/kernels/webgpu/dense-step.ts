/**
 * The fused training step of a dense stack on WebGPU: forward products with bias and activation
 * fused, the loss and its gradient fused, the backward products, and one Adam update over all
 * weights, recorded into tfjs-backend-webgpu's own command encoder (one command buffer, one queue
 * submit with tfjs' next read). The weights and moments stay tfjs variables: they are copied into
 * the step's flat buffers when they changed since the last step, and copied out into new tensors
 * that the variables are assigned, so everything else (encode, saving, the NaN guard's snapshots)
 * sees ordinary tfjs tensors.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type AdamStepState, type FlatLayout, adamScalarsTensor, changedBuffers, recordCopyIn, recordCopyOut } from './flat-state.js';
import { type GpuBuffer, type GpuDevice, type GpuPipeline, type WebGpuBackendLike, USAGE, bufferOf, emptyTensor, webGpuBackend } from './gpu.js';
import {
  ADAM_THREADS,
  FUSED_ACTIVATIONS,
  type FusedActivation,
  type FusedLoss,
  PRODUCT_UNIFORMS,
  type ProductKind,
  TILE,
  adamShader,
  lossShader,
  productShader,
} from './wgsl.js';

/** One dense layer `a = act(x·W + b)`, `W` `[in, out]`, `b` `[out]`. @internal */
export interface DenseLayerSpec {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activation: FusedActivation;
}

/**
 * A stack of dense layers and its reconstruction loss. With `bce-logits` the last layer's
 * activation must be `'linear'` (its outputs are the logits).
 * @internal
 */
export interface DenseStackSpec {
  readonly layers: readonly DenseLayerSpec[];
  readonly loss: FusedLoss;
  /**
   * An L1 penalty `weight · Σ_j |a_j|` per sample (batch mean) on the output of layer `layer`
   * (0-based; not the last), added to the loss as a second term.
   */
  readonly l1?: { readonly layer: number; readonly weight: number };
}

interface Dispatch {
  readonly pipeline: GpuPipeline;
  readonly group: unknown;
  readonly x: number;
  readonly y: number;
}

interface Plan {
  readonly batch: number;
  readonly dispatches: readonly Dispatch[];
  readonly uniforms: readonly GpuBuffer[];
}

const F32 = 4;

/**
 * Whether a spec can run fused: layers chained (`in` of each = `out` of the one before), float32
 * 2-D kernels and 1-D biases, supported activations, and a linear last layer under `bce-logits`.
 * @internal
 */
export function isFusableStack(spec: DenseStackSpec): boolean {
  if (spec.layers.length === 0) return false;
  let width: number | undefined;
  for (const [i, l] of spec.layers.entries()) {
    const [rows, cols] = l.kernel.shape;
    if (l.kernel.rank !== 2 || l.bias.rank !== 1 || l.kernel.dtype !== 'float32' || l.bias.dtype !== 'float32') return false;
    if (l.bias.shape[0] !== cols || (width !== undefined && rows !== width)) return false;
    if (!FUSED_ACTIVATIONS.includes(l.activation)) return false;
    if (spec.loss === 'bce-logits' && i === spec.layers.length - 1 && l.activation !== 'linear') return false;
    if (spec.l1 !== undefined && !(Number.isInteger(spec.l1.layer) && spec.l1.layer >= 0 && spec.l1.layer < spec.layers.length - 1 && spec.l1.weight >= 0)) return false;
    width = cols;
  }
  return spec.layers[0]!.kernel.shape[0] === width;
}

/**
 * A dense stack's training step on the active WebGPU backend. Create it with
 * {@link FusedDenseStep.create}; call {@link FusedDenseStep.step} once per batch; dispose it after
 * the last step's report was read.
 * @internal
 */
export class FusedDenseStep {
  readonly #backend: WebGpuBackendLike;
  readonly #device: GpuDevice;
  readonly #spec: DenseStackSpec;
  readonly #widths: number[];
  readonly #count: number;
  readonly #pipelines = new Map<string, GpuPipeline>();
  readonly #weights: GpuBuffer;
  readonly #grads: GpuBuffer;
  readonly #moments: GpuBuffer;
  readonly #report: GpuBuffer;
  readonly #adamSize: GpuBuffer;
  readonly #adamStep: GpuBuffer;
  #acts: GpuBuffer | undefined;
  #deltas: GpuBuffer | undefined;
  #capacity = 0;
  #plans = new Map<number, Plan>();
  /** The flat weights and moments, and the dataIds the step last gave each variable / moment. */
  readonly #layout: FlatLayout;
  #disposed = false;

  private constructor(backend: WebGpuBackendLike, spec: DenseStackSpec, variables: readonly tf.Variable[]) {
    this.#backend = backend;
    this.#device = backend.device;
    this.#spec = spec;
    const flat = new Map<tf.Variable, number>();
    let offset = 0;
    for (const l of spec.layers) {
      flat.set(l.kernel, offset);
      offset += l.kernel.size;
      flat.set(l.bias, offset); // the bias right after its kernel: backWeights writes both as one block
      offset += l.bias.size;
    }
    this.#count = offset;
    const offsets = variables.map((v) => flat.get(v)!);
    this.#widths = [spec.layers[0]!.kernel.shape[0]!, ...spec.layers.map((l) => l.kernel.shape[1]!)];
    const storage = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    this.#weights = this.#acquire(offset * F32, storage);
    this.#grads = this.#acquire(offset * F32, storage);
    this.#moments = this.#acquire(2 * offset * F32, storage);
    const last = variables.map(() => ({ w: undefined, m: undefined, v: undefined }));
    this.#layout = { variables, offsets, count: offset, weights: this.#weights, moments: this.#moments, last };
    this.#report = this.#acquire(4 * F32, storage);
    this.#adamSize = this.#acquire(16, USAGE.UNIFORM | USAGE.COPY_DST);
    this.#adamStep = this.#acquire(32, USAGE.UNIFORM | USAGE.COPY_DST);
  }

  /**
   * A fused step for `spec`, or null when the active backend is not tfjs-backend-webgpu or the
   * spec is not fusable ({@link isFusableStack}). `variables` are the trainer's, in its order:
   * exactly the spec's kernels and biases.
   */
  static create(spec: DenseStackSpec, variables: readonly tf.Variable[]): FusedDenseStep | null {
    const backend = webGpuBackend();
    if (backend === null || !isFusableStack(spec)) return null;
    const inSpec = new Set(spec.layers.flatMap((l) => [l.kernel, l.bias]));
    if (inSpec.size !== variables.length || variables.some((v) => !inSpec.has(v))) return null;
    return new FusedDenseStep(backend, spec, variables);
  }

  /**
   * Records one training step: forward, loss, backward, Adam, and the copies of the new weights
   * and moments into new tensors assigned to the variables (and the moment variables).
   * @param input - `[n, in]` float32 on the WebGPU backend: the network's input.
   * @param target - `[n, out]`: what the output is compared with (null: the input itself).
   * @param adam - the moments (aligned with the variables) and this step's scalars.
   * @returns the report `[loss, check, reconstruction]`, with `sparsity` appended under an L1
   *   penalty (check: 0, or NaN when a gradient was not finite), owned by the caller.
   */
  step(input: tf.Tensor, target: tf.Tensor | null, adam: AdamStepState): tf.Tensor1D {
    if (this.#disposed) throw new Error('FusedDenseStep.step: the step was disposed');
    const backend = this.#backend;
    const batch = input.shape[0]!;
    const plan = this.#planFor(batch);
    const scalars = adamScalarsTensor(adam.scalars);
    try {
      const scalarBuffer = bufferOf(backend, scalars);
      const inputBuffer = bufferOf(backend, input);
      const targetBuffer = target === null ? null : bufferOf(backend, target);
      const copyIns = changedBuffers(backend, this.#layout, adam);
      backend.ensureCommandEncoderReady();
      backend.endComputePassEncoder();
      const encoder = backend.commandEncoder!;
      encoder.copyBufferToBuffer(scalarBuffer, 0, this.#adamStep, 0, 32);
      recordCopyIn(encoder, this.#layout, copyIns);
      const widths = this.#widths;
      encoder.copyBufferToBuffer(inputBuffer, 0, this.#acts!, 0, batch * widths[0]! * F32);
      // The target has its own region (the loss reads it there), also when it is the input.
      const targetOffset = this.#capacity * widths.reduce((a, b) => a + b, 0);
      encoder.copyBufferToBuffer(targetBuffer ?? inputBuffer, 0, this.#acts!, targetOffset * F32, batch * widths[widths.length - 1]! * F32);
      const pass = encoder.beginComputePass();
      for (const d of plan.dispatches) {
        pass.setPipeline(d.pipeline);
        pass.setBindGroup(0, d.group);
        pass.dispatchWorkgroups(d.x, d.y, 1);
      }
      pass.end();
      const length = this.#spec.l1 === undefined ? 3 : 4;
      const report = emptyTensor(backend, [length]);
      encoder.copyBufferToBuffer(this.#report, 0, report.buffer, 0, length * F32);
      recordCopyOut(encoder, backend, this.#layout, adam);
      return report.tensor as tf.Tensor1D;
    } finally {
      scalars.dispose();
    }
  }

  /** Releases the step's GPU buffers (back to tfjs' pool). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const pool = this.#backend.bufferManager;
    for (const plan of this.#plans.values()) for (const u of plan.uniforms) pool.releaseBuffer(u);
    this.#plans.clear();
    for (const b of [this.#weights, this.#grads, this.#moments, this.#report, this.#adamSize, this.#adamStep, this.#acts, this.#deltas]) {
      if (b !== undefined) pool.releaseBuffer(b);
    }
  }

  #acquire(size: number, usage: number): GpuBuffer {
    return this.#backend.bufferManager.acquireBuffer(size, usage);
  }

  #pipeline(key: string, code: () => string): GpuPipeline {
    let p = this.#pipelines.get(key);
    if (p === undefined) {
      const module = this.#device.createShaderModule({ code: code() });
      p = this.#device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  #uniform(values: readonly number[], floats: ReadonlySet<number> = new Set()): GpuBuffer {
    const size = Math.ceil((values.length * F32) / 16) * 16;
    const data = new ArrayBuffer(size);
    const u32 = new Uint32Array(data);
    const f32 = new Float32Array(data);
    values.forEach((x, i) => {
      if (floats.has(i)) f32[i] = x;
      else u32[i] = x;
    });
    const buffer = this.#acquire(size, USAGE.UNIFORM | USAGE.COPY_DST);
    this.#device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  #group(pipeline: GpuPipeline, buffers: readonly GpuBuffer[]): unknown {
    return this.#device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** Grows the activation and delta buffers to `batch` rows (dropping the plans made for the old size). */
  #reserve(batch: number): void {
    if (batch <= this.#capacity) return;
    // Commands recorded with the old buffers go out first: tfjs may take them from its pool again.
    if (this.#capacity > 0 && this.#backend.commandEncoder !== null) this.#backend.submitQueue();
    const pool = this.#backend.bufferManager;
    for (const plan of this.#plans.values()) for (const u of plan.uniforms) pool.releaseBuffer(u);
    this.#plans.clear();
    if (this.#acts !== undefined) pool.releaseBuffer(this.#acts);
    if (this.#deltas !== undefined) pool.releaseBuffer(this.#deltas);
    const widths = this.#widths;
    const total = widths.reduce((a, b) => a + b, 0);
    const storage = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    // Activations A₀ … A_L, then the target; deltas Δ₁ … Δ_L.
    this.#acts = this.#acquire(batch * (total + widths[widths.length - 1]!) * F32, storage);
    this.#deltas = this.#acquire(batch * (total - widths[0]!) * F32, storage);
    this.#capacity = batch;
  }

  /** The dispatches of a step on `batch` rows, with their uniforms and bind groups (made once per batch size). */
  #planFor(batch: number): Plan {
    this.#reserve(batch);
    const cached = this.#plans.get(batch);
    if (cached !== undefined) return cached;
    const cap = this.#capacity;
    const widths = this.#widths;
    const layers = this.#spec.layers;
    const L = layers.length;
    const actOff: number[] = [0];
    for (let l = 1; l <= L; l++) actOff.push(actOff[l - 1]! + cap * widths[l - 1]!);
    const targetOff = actOff[L]! + cap * widths[L]!;
    const deltaOff: number[] = [0, 0];
    for (let l = 2; l <= L; l++) deltaOff.push(deltaOff[l - 1]! + cap * widths[l - 1]!);
    const wOff: number[] = [0];
    for (const l of layers) wOff.push(wOff[wOff.length - 1]! + l.kernel.size + l.bias.size);
    const uniforms: GpuBuffer[] = [];
    const dispatches: Dispatch[] = [];
    const acts = this.#acts!;
    const deltas = this.#deltas!;
    const l1 = this.#spec.l1;
    const product = (kind: ProductKind, activation: FusedActivation, u: number[], buffers: GpuBuffer[]): void => {
      if (u.length !== PRODUCT_UNIFORMS) throw new Error('FusedDenseStep: bad product uniforms');
      const pipeline = this.#pipeline(`${kind}:${activation}`, () => productShader(kind, activation));
      const ub = this.#uniform(u, new Set([PRODUCT_UNIFORMS - 1]));
      uniforms.push(ub);
      const [M, N] = u as [number, number];
      dispatches.push({ pipeline, group: this.#group(pipeline, [ub, ...buffers]), x: Math.ceil(N / TILE), y: Math.ceil(M / TILE) });
    };
    for (let l = 1; l <= L; l++) {
      const [din, dout] = [widths[l - 1]!, widths[l]!];
      const w = wOff[l - 1]!;
      // A_l = act(A_{l−1}·W + b)
      product('forward', layers[l - 1]!.activation, [batch, dout, din, actOff[l - 1]!, din, 1, w, dout, 1, actOff[l]!, w + din * dout, 0, 0], [acts, this.#weights]);
    }
    const loss = this.#spec.loss;
    const outAct = layers[L - 1]!.activation;
    const lossPipeline = this.#pipeline(`loss:${loss}:${outAct}`, () => lossShader(loss, outAct));
    const count = batch * widths[L]!;
    const codeCount = l1 === undefined ? 0 : batch * widths[l1.layer + 1]!;
    const codeOff = l1 === undefined ? 0 : actOff[l1.layer + 1]!;
    const lu = this.#uniform([count, actOff[L]!, targetOff, deltaOff[L]!, 1 / count, codeOff, codeCount, l1 === undefined ? 0 : l1.weight / batch], new Set([4, 7]));
    uniforms.push(lu);
    dispatches.push({ pipeline: lossPipeline, group: this.#group(lossPipeline, [lu, acts, deltas, this.#report]), x: 1, y: 1 });
    for (let l = L; l >= 1; l--) {
      const [din, dout] = [widths[l - 1]!, widths[l]!];
      const w = wOff[l - 1]!;
      // [∂W; ∂b] = [A_{l−1}ᵀ; 1ᵀ]·Δ_l
      product('backWeights', 'linear', [din + 1, dout, batch, actOff[l - 1]!, 1, din, deltaOff[l]!, dout, 1, w, 0, 1, 0], [acts, deltas, this.#grads]);
      // Δ_{l−1} = (Δ_l·Wᵀ + λ·sign(A_{l−1})) ⊙ act'(A_{l−1}), λ = weight/n at the penalised code
      if (l > 1) {
        const lambda = l1 !== undefined && l1.layer === l - 2 ? l1.weight / batch : 0;
        product('backData', layers[l - 2]!.activation, [batch, din, dout, deltaOff[l]!, dout, 1, w, 1, dout, deltaOff[l - 1]!, actOff[l - 1]!, 0, lambda], [deltas, this.#weights, acts]);
      }
    }
    const groups = Math.ceil(this.#count / ADAM_THREADS);
    const x = Math.min(groups, 65535);
    const y = Math.ceil(groups / x);
    this.#device.queue.writeBuffer(this.#adamSize, 0, Uint32Array.of(this.#count, x * ADAM_THREADS, 0, 0));
    const adamPipeline = this.#pipeline('adam', adamShader);
    dispatches.push({ pipeline: adamPipeline, group: this.#group(adamPipeline, [this.#adamSize, this.#adamStep, this.#weights, this.#grads, this.#moments, this.#report]), x, y });
    const plan = { batch, dispatches, uniforms };
    this.#plans.set(batch, plan);
    return plan;
  }

}
