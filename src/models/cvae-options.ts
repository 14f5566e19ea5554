/**
 * The options and the configuration of the {@link CVAE}, and a row-tiling helper it shares.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { OptionKeys } from '../core/index.js';
import type { VariationalObjective } from './objectives.js';
import type { LatentPrior } from './prior.js';
import type { FeatureShape } from './internal.js';
import type { Likelihood } from './variational.js';

/** `y` `[n, …]` repeated to `rows` rows (a multiple of n: one copy per draw of z). Call inside `tf.tidy`. @internal */
export function tileRows<T extends tf.Tensor>(y: T, rows: number): T {
  const n = y.shape[0]!;
  return rows === n ? y : tf.tile(y, [rows / n, ...y.shape.slice(1).map(() => 1)]);
}

/**
 * Options of the {@link CVAE} constructor.
 *
 * The label enters the networks as a one-hot `[n, numClasses]` vector `y`, in one of two ways,
 * chosen by each network's number of inputs:
 * - one input: `y` is joined to the last axis — the encoder reads `[x, y]` `[n, d + numClasses]`
 *   (so `x` must be 2-D `[n, d]`), the decoder reads `[z, y]` `[n, latentDim + numClasses]`;
 * - two inputs: the network gets `[x, y]` (encoder) or `[z, y]` (decoder) as two tensors, the
 *   second `[n, numClasses]` (for images: merge `y` inside the network as you like).
 * @category Models
 */
export interface CvaeOptions {
  /** A `tf.LayersModel` giving `[mean, logVar]` `[n, latentDim]` from `x` and `y` (see above). */
  readonly encoder: tfl.LayersModel;
  /** A `tf.LayersModel` giving `[n, ...features]` from `z` and `y` (see above). */
  readonly decoder: tfl.LayersModel;
  /** Number of classes `K` (labels are integers in `[0, K)`). */
  readonly numClasses: number;
  /** Width of the latent space; checked against the encoder when given. */
  readonly latentDim?: number;
  /** The decoder likelihood. Default `'bernoulli'`. */
  readonly likelihood?: Likelihood;
  /** Weight β of the KL term: shorthand for `objective: { kind: 'elbo', beta }`. Default 1. */
  readonly beta?: number;
  /** The training objective, see {@link VariationalObjective}. Default `{ kind: 'elbo', beta: 1 }`. */
  readonly objective?: VariationalObjective;
  /**
   * The prior `p(z | y)`: `{ kind: 'standard' }` (the default, `N(0, I)` for every class) or the
   * conditional VampPrior `{ kind: 'vamp', pseudoInputs: K }`, `p(z | y) = (1/K) Σ_k q(z | u_k, y)`
   * (see {@link VampPrior}).
   */
  readonly prior?: LatentPrior;
}

/**
 * The JSON-able description of a {@link CVAE}.
 * @category Models
 */
export interface CvaeConfig {
  readonly kind: 'cvae';
  readonly inputShape: FeatureShape;
  readonly latentDim: number;
  readonly numClasses: number;
  readonly likelihood: Likelihood;
  /** The β of the objective's KL term (1 for 'iwae', 'beta-tc' and 'mmd'). */
  readonly beta: number;
  /** The objective with its defaults filled in. */
  readonly objective: VariationalObjective;
  /** The conditional VampPrior (without the initial draw's seed); absent for the standard prior. */
  readonly prior?: LatentPrior;
}

/** The keys of {@link CvaeOptions}. @internal */
export const CVAE_OPTIONS: OptionKeys<CvaeOptions> = {
  encoder: true,
  decoder: true,
  numClasses: true,
  latentDim: true,
  likelihood: true,
  beta: true,
  objective: true,
  prior: true,
};

