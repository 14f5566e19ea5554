/**
 * The flat Adam state both WebGPU steps keep (the fused dense step and the flat Adam): the
 * variables' weights in one buffer and both moments in another (all `m`, then all `v`), copied in
 * from the tfjs variables when they changed since the last step and copied out into new tensors
 * that the variables are assigned.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GpuBuffer, type GpuEncoder, type WebGpuBackendLike, bufferOf, emptyTensor } from './gpu.js';

const F32 = 4;

/**
 * The scalars of one Adam step, exactly as tfjs' `AdamOptimizer` holds them: `oneMinusAccBeta1`
 * is `1 − β₁ᵗ` with `β₁ᵗ` accumulated in float32 (likewise for β₂).
 * @internal
 */
export interface AdamStepScalars {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
}

/** The Adam state of one step: moments aligned with the step's variables, and the scalars. @internal */
export interface AdamStepState {
  readonly moments: readonly { readonly m: tf.Variable; readonly v: tf.Variable }[];
  readonly scalars: AdamStepScalars;
}

/** The dataIds a step last gave a variable and its moments: unchanged ones are not copied in again. @internal */
export interface LastIds {
  w: object | undefined;
  m: object | undefined;
  v: object | undefined;
}

/**
 * Where the variables live in the flat buffers: variable `i` at float offset `offsets[i]` of
 * `weights` and of `moments` (`m`), and at `count + offsets[i]` of `moments` (`v`).
 * @internal
 */
export interface FlatLayout {
  readonly variables: readonly tf.Variable[];
  readonly offsets: readonly number[];
  readonly count: number;
  readonly weights: GpuBuffer;
  readonly moments: GpuBuffer;
  readonly last: LastIds[];
}

/** The buffers to copy in for one variable (null: unchanged since the last step). @internal */
export interface CopyIn {
  readonly w: GpuBuffer | null;
  readonly m: GpuBuffer | null;
  readonly v: GpuBuffer | null;
}

/**
 * The step's scalars as the Adam shader reads them, `[β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr]`
 * in float32, as a tensor the caller owns (tfjs records its upload in the command encoder, so that
 * it lands before this step's Adam and after the previous step's, unlike `queue.writeBuffer`).
 * @internal
 */
export function adamScalarsTensor(s: AdamStepScalars): tf.Tensor1D {
  const fr = Math.fround;
  return tf.tensor1d([fr(s.beta1), fr(1 - s.beta1), fr(s.beta2), fr(1 - s.beta2), fr(s.oneMinusAccBeta1), fr(s.oneMinusAccBeta2), fr(s.epsilon), fr(-s.learningRate)]);
}

/** The source buffers of the variables and moments that changed since the last step (call before the encoder is taken). @internal */
export function changedBuffers(backend: WebGpuBackendLike, layout: FlatLayout, adam: AdamStepState): CopyIn[] {
  return layout.variables.map((v, i) => {
    const last = layout.last[i]!;
    const { m, v: second } = adam.moments[i]!;
    return {
      w: last.w === v.dataId ? null : bufferOf(backend, v),
      m: last.m === m.dataId ? null : bufferOf(backend, m),
      v: last.v === second.dataId ? null : bufferOf(backend, second),
    };
  });
}

/** Records the copies of `ins` (from {@link changedBuffers}) into the flat buffers. @internal */
export function recordCopyIn(encoder: GpuEncoder, layout: FlatLayout, ins: readonly CopyIn[]): void {
  const n = layout.count;
  ins.forEach((c, i) => {
    const offset = layout.offsets[i]! * F32;
    const bytes = layout.variables[i]!.size * F32;
    if (c.w !== null) encoder.copyBufferToBuffer(c.w, 0, layout.weights, offset, bytes);
    if (c.m !== null) encoder.copyBufferToBuffer(c.m, 0, layout.moments, offset, bytes);
    if (c.v !== null) encoder.copyBufferToBuffer(c.v, 0, layout.moments, n * F32 + offset, bytes);
  });
}

/**
 * Records the copies of the new weights and moments out of the flat buffers into new tensors,
 * assigns them to the variables and the moment variables, and remembers their dataIds in
 * `layout.last`.
 * @internal
 */
export function recordCopyOut(encoder: GpuEncoder, backend: WebGpuBackendLike, layout: FlatLayout, adam: AdamStepState): void {
  const n = layout.count;
  layout.variables.forEach((variable, i) => {
    const offset = layout.offsets[i]! * F32;
    const bytes = variable.size * F32;
    const { m, v } = adam.moments[i]!;
    const targets: [tf.Variable, GpuBuffer, number][] = [
      [variable, layout.weights, offset],
      [m, layout.moments, offset],
      [v, layout.moments, n * F32 + offset],
    ];
    const ids = targets.map(([target, from, at]) => {
      const out = emptyTensor(backend, [...variable.shape]);
      encoder.copyBufferToBuffer(from, at, out.buffer, 0, bytes);
      target.assign(out.tensor);
      out.tensor.dispose();
      return target.dataId;
    });
    layout.last[i] = { w: ids[0], m: ids[1], v: ids[2] };
  });
}
