import type * as tf from '@tensorflow/tfjs-core';

/**
 * One batch handed by the trainer to a model: `x` is `[n, ...features]` float32;
 * `y` (conditional models only) is `[n]` int32 class indices.
 * @category Models
 */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y?: tf.Tensor1D;
}

/**
 * How the trainer asks for a loss.
 * @category Models
 */
export interface LossContext {
  /** True while training: corruptors and sampling are active. False in evaluation. */
  readonly training: boolean;
  /** Seed for everything random in this call (noise, ε of the reparameterisation). */
  readonly seed?: number;
  /** Multiplier on the KL weight β of variational models (KL warm-up ramps it 0 → 1). Default 1. */
  readonly klScale?: number;
}

/**
 * What a model returns for a batch: the scalar to minimise and its named parts
 * (e.g. `reconstruction`, `sparsity`, `kl`), all batch means. A type rather than an interface,
 * so that `tf.dispose(output)` accepts it.
 * @category Models
 */
export type LossOutput = {
  readonly loss: tf.Scalar;
  readonly terms: Readonly<Record<string, tf.Scalar>>;
};

/**
 * The whole contract between a model and the trainer: the variables to train and a
 * function from a batch to `{ loss, terms }`. `computeLoss` is called inside the trainer's
 * gradient tape; it must be synchronous and must not dispose its inputs.
 * @category Models
 */
export interface TrainableModel {
  readonly trainableVariables: readonly tf.Variable[];
  computeLoss(batch: Batch, context: LossContext): LossOutput;
}
