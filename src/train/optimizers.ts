import type * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from '../backend/index.js';
import { type OptionKeys, assertNumber, readOptions } from '../core/index.js';

/**
 * Options of {@link adam}: those of `tf.train.adam`.
 * @category Training
 */
export interface AdamOptions {
  /** Step size α. Default `1e-3`. */
  readonly learningRate?: number;
  /** Decay β₁ of the first-moment average, in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** Decay β₂ of the second-moment average, in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε added to `√v̂`. Default: the backend's epsilon (`1e-7` for float32), as tfjs does. */
  readonly epsilon?: number;
}

const ADAM_OPTIONS: OptionKeys<AdamOptions> = { learningRate: true, beta1: true, beta2: true, epsilon: true };

/**
 * Adam (Kingma & Ba, 2015): for each weight `w` with gradient `g` at step `t`,
 *
 * `m ← β₁m + (1−β₁)g`,  `v ← β₂v + (1−β₂)g²`,  `w ← w − α·(m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)`
 *
 * — the same float32 operations in the same order as `tf.train.adam`, so the same weights bit for
 * bit, but one kernel per weight tensor and step on the wasm and cpu backends instead of about
 * fourteen, and on WebGPU one dispatch for all weights (float32 on the GPU: within rounding of
 * tfjs', not bit for bit); elsewhere it runs tfjs' kernels. {@link train} uses it when it is given no
 * optimizer; create one yourself to choose β₁, β₂ or ε, or to keep its moments from one `train`
 * call to the next (and to save them with `saveModel(..., { training: { optimizer } })`). It is
 * a `tf.Optimizer` (class name `'Adam'`) and works wherever one is taken.
 *
 * @param options - see {@link AdamOptions}.
 * @returns a new optimizer; the caller disposes it (`optimizer.dispose()`).
 * @throws TypeError / Error naming the option for a learning rate that is not a finite positive
 *   number, a β outside [0, 1), a non-positive ε, or an unknown option.
 * @category Training
 * @example
 * ```ts
 * const optimizer = adam({ learningRate: 2e-3, beta1: 0.5 });
 * await train(model, x, { epochs: 5, optimizer });
 * await train(model, x, { epochs: 5, initialEpoch: 5, optimizer }); // moments carry over
 * optimizer.dispose();
 * ```
 */
export function adam(options: AdamOptions = {}): tf.Optimizer {
  const fn = 'adam';
  const o = readOptions(options, Object.keys(ADAM_OPTIONS), fn);
  const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon } = o;
  assertNumber(learningRate, fn, 'options.learningRate', { min: 0, minExclusive: true });
  assertNumber(beta1, fn, 'options.beta1', { min: 0, max: 1, maxExclusive: true });
  assertNumber(beta2, fn, 'options.beta2', { min: 0, max: 1, maxExclusive: true });
  if (epsilon !== undefined) assertNumber(epsilon, fn, 'options.epsilon', { min: 0, minExclusive: true });
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}
