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
import { type AdamStepState, type FlatLayout, adamScalarsTensor } from './flat-state.js';
import { type GpuBuffer, type WebGpuBackendLike, USAGE, webGpuBackend } from './gpu.js';
import { type CopyInto, type Dispatch, F32, StepBuffers, StepKit, type StepPlan, adamDispatch, flatBuffers, flatOffsets, recordStep } from './step-kit.js';
import { FUSED_ACTIVATIONS, type FusedActivation, type FusedLoss, lossShader } from './wgsl.js';

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
  readonly #kit: StepKit;
  readonly #spec: DenseStackSpec;
  readonly #widths: number[];
  readonly #layerOffsets: number[];
  readonly #grads: GpuBuffer;
  readonly #report: GpuBuffer;
  readonly #adamSize: GpuBuffer;
  readonly #adamStep: GpuBuffer;
  readonly #buffers: StepBuffers;
  /** The flat weights and moments, and the dataIds the step last gave each variable / moment. */
  readonly #layout: FlatLayout;
  #disposed = false;

  private constructor(backend: WebGpuBackendLike, spec: DenseStackSpec, variables: readonly tf.Variable[], flat: { offsets: number[]; count: number; layerOffsets: number[] }) {
    const kit = new StepKit(backend);
    this.#kit = kit;
    this.#buffers = new StepBuffers(kit);
    this.#spec = spec;
    this.#layerOffsets = flat.layerOffsets;
    this.#widths = [spec.layers[0]!.kernel.shape[0]!, ...spec.layers.map((l) => l.kernel.shape[1]!)];
    const buffers = flatBuffers(kit, variables, flat.offsets, flat.count);
    this.#layout = buffers.layout;
    this.#grads = buffers.grads;
    this.#report = kit.storage(4);
    this.#adamSize = kit.acquire(16, USAGE.UNIFORM | USAGE.COPY_DST);
    this.#adamStep = kit.acquire(32, USAGE.UNIFORM | USAGE.COPY_DST);
  }

  /**
   * A fused step for `spec`, or null when the active backend is not tfjs-backend-webgpu or the
   * spec is not fusable ({@link isFusableStack}). `variables` are the trainer's, in its order:
   * exactly the spec's kernels and biases.
   */
  static create(spec: DenseStackSpec, variables: readonly tf.Variable[]): FusedDenseStep | null {
    const backend = webGpuBackend();
    if (backend === null || !isFusableStack(spec)) return null;
    const flat = flatOffsets(spec.layers, variables);
    return flat === null ? null : new FusedDenseStep(backend, spec, variables, flat);
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
    const batch = input.shape[0]!;
    const plan = this.#planFor(batch);
    const scalars = adamScalarsTensor(adam.scalars);
    try {
      const widths = this.#widths;
      // The target has its own region (the loss reads it there), also when it is the input.
      const targetOffset = this.#buffers.capacity * widths.reduce((a, b) => a + b, 0);
      const copies: CopyInto[] = [
        { from: scalars, to: this.#adamStep, at: 0, bytes: 32 },
        { from: input, to: this.#buffers.acts, at: 0, bytes: batch * widths[0]! * F32 },
        { from: target ?? input, to: this.#buffers.acts, at: targetOffset * F32, bytes: batch * widths[widths.length - 1]! * F32 },
      ];
      return recordStep(this.#kit.backend, this.#layout, adam, copies, plan.dispatches, this.#report, this.#spec.l1 === undefined ? 3 : 4);
    } finally {
      scalars.dispose();
    }
  }

  /** Releases the step's GPU buffers (back to tfjs' pool). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#buffers.dispose();
    for (const b of [this.#layout.weights, this.#grads, this.#layout.moments, this.#report, this.#adamSize, this.#adamStep]) this.#kit.release(b);
  }

  /**
   * The dispatches of a step on `batch` rows, with their uniforms and bind groups (made once per
   * batch size), on activations A₀ … A_L and the target, and deltas Δ₁ … Δ_L, of the largest batch yet.
   */
  #planFor(batch: number): StepPlan {
    const widths = this.#widths;
    const total = widths.reduce((a, b) => a + b, 0);
    return this.#buffers.planFor(batch, (rows) => ({ acts: rows * (total + widths[widths.length - 1]!), deltas: rows * (total - widths[0]!) }), (rows) => this.#makePlan(rows));
  }

  #makePlan(batch: number): StepPlan {
    const kit = this.#kit;
    const cap = this.#buffers.capacity;
    const widths = this.#widths;
    const layers = this.#spec.layers;
    const L = layers.length;
    const actOff: number[] = [0];
    for (let l = 1; l <= L; l++) actOff.push(actOff[l - 1]! + cap * widths[l - 1]!);
    const targetOff = actOff[L]! + cap * widths[L]!;
    const deltaOff: number[] = [0, 0];
    for (let l = 2; l <= L; l++) deltaOff.push(deltaOff[l - 1]! + cap * widths[l - 1]!);
    const wOff = this.#layerOffsets;
    const uniforms: GpuBuffer[] = [];
    const dispatches: Dispatch[] = [];
    const acts = this.#buffers.acts;
    const deltas = this.#buffers.deltas;
    const weights = this.#layout.weights;
    const l1 = this.#spec.l1;
    for (let l = 1; l <= L; l++) {
      const [din, dout] = [widths[l - 1]!, widths[l]!];
      const w = wOff[l - 1]!;
      // A_l = act(A_{l−1}·W + b)
      dispatches.push(kit.product('forward', layers[l - 1]!.activation, [batch, dout, din, actOff[l - 1]!, din, 1, w, dout, 1, actOff[l]!, w + din * dout, 0, 0, 0], [acts, weights], uniforms));
    }
    const loss = this.#spec.loss;
    const outAct = layers[L - 1]!.activation;
    const lossPipeline = kit.pipeline(`loss:${loss}:${outAct}`, () => lossShader(loss, outAct));
    const count = batch * widths[L]!;
    const codeCount = l1 === undefined ? 0 : batch * widths[l1.layer + 1]!;
    const codeOff = l1 === undefined ? 0 : actOff[l1.layer + 1]!;
    const lu = kit.uniform([count, actOff[L]!, targetOff, deltaOff[L]!, 1 / count, codeOff, codeCount, l1 === undefined ? 0 : l1.weight / batch], new Set([4, 7]));
    uniforms.push(lu);
    dispatches.push({ pipeline: lossPipeline, group: kit.group(lossPipeline, [lu, acts, deltas, this.#report]), x: 1, y: 1 });
    for (let l = L; l >= 1; l--) {
      const [din, dout] = [widths[l - 1]!, widths[l]!];
      const w = wOff[l - 1]!;
      // [∂W; ∂b] = [A_{l−1}ᵀ; 1ᵀ]·Δ_l
      dispatches.push(kit.product('backWeights', 'linear', [din + 1, dout, batch, actOff[l - 1]!, 1, din, deltaOff[l]!, dout, 1, w, 0, 1, 0, 0], [acts, deltas, this.#grads], uniforms));
      // Δ_{l−1} = (Δ_l·Wᵀ + λ·sign(A_{l−1})) ⊙ act'(A_{l−1}), λ = weight/n at the penalised code
      if (l > 1) {
        const lambda = l1 !== undefined && l1.layer === l - 2 ? l1.weight / batch : 0;
        dispatches.push(kit.product('backData', layers[l - 2]!.activation, [batch, din, dout, deltaOff[l]!, dout, 1, w, 1, dout, deltaOff[l - 1]!, actOff[l - 1]!, 0, lambda, 0], [deltas, weights, acts], uniforms));
      }
    }
    dispatches.push(adamDispatch(kit, this.#layout, this.#adamSize, this.#adamStep, this.#grads, this.#report));
    return { dispatches, uniforms };
  }
}
