/**
 * Losses of the variational autoencoder: the Gaussian KL term and the negative ELBO.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertOneOf, typeFail } from '../core/index.js';
import {
  asFloat,
  checkBatch,
  checkInput,
  checkSameShape,
  readNumber,
  readOptions,
  readReduction,
  reduceFeatureSum,
} from './internal.js';
import type { LossResult, Reduction } from './internal.js';
import { bceElements, bceWithLogitsElements } from './reconstruction.js';

/**
 * Options of {@link gaussianKl}.
 * @category Losses
 */
export interface GaussianKlOptions {
  /** Default `'none'` (per-sample KL, `[batch]`); `'mean'` / `'sum'` reduce over the batch. */
  readonly reduction?: Reduction;
}

/**
 * The likelihood p(x | z) of the decoder in {@link elbo}:
 * - `'bernoulli'`: `reconstruction` holds probabilities (a sigmoid output); NLL = BCE summed over
 *   features, with probabilities clipped to [ε, 1-ε];
 * - `'bernoulli-logits'`: `reconstruction` holds logits; NLL = the stable BCE-with-logits summed
 *   over features (more accurate, no clipping);
 * - `'gaussian'`: `reconstruction` is the mean of a unit-variance Gaussian; NLL =
 *   `Σ_d ½((x_d - x̂_d)² + log 2π)`.
 *
 * @category Losses
 */
export type ElboLikelihood = 'bernoulli' | 'bernoulli-logits' | 'gaussian';

/**
 * Inputs and options of {@link elbo}.
 * @category Losses
 */
export interface ElboOptions {
  /** The data x, `[batch, ...features]`. */
  readonly target: tf.Tensor;
  /** The decoder output, same shape as `target` (probabilities, logits or means: see `likelihood`). */
  readonly reconstruction: tf.Tensor;
  /** The encoder means μ, `[batch, ...latent]`. */
  readonly mean: tf.Tensor;
  /** The encoder log-variances log σ², same shape as `mean`. */
  readonly logVar: tf.Tensor;
  /** See {@link ElboLikelihood}. Default `'bernoulli'`. */
  readonly likelihood?: ElboLikelihood;
  /** Weight of the KL term (β-VAE when ≠ 1; KL warm-up ramps it), finite and >= 0. Default `1`. */
  readonly beta?: number;
  /** `'mean'` (default) / `'sum'` over the batch, or `'none'` for `[batch]` tensors (anomaly scores). */
  readonly reduction?: Reduction;
  /** Clipping of probabilities for `likelihood: 'bernoulli'`, in (0, 0.5). Default `1e-7`. */
  readonly epsilon?: number;
}

/**
 * What {@link elbo} returns. Each entry is a `tf.Scalar` (batch mean or sum) or, with
 * `reduction: 'none'`, a `tf.Tensor1D` `[batch]`. The caller owns and disposes all three
 * (`tf.dispose(out)` works: this is a type alias, hence a `tf.TensorContainer`).
 *
 * @category Losses
 */
export type ElboOutput<T extends tf.Tensor = tf.Scalar> = {
  /** The negative ELBO `reconstruction + beta · kl` — the value to minimise. */
  readonly loss: T;
  /** The negative log-likelihood of `target` under the decoder, summed over features. */
  readonly reconstruction: T;
  /** `KL(q(z|x) ‖ N(0, I))`, see {@link gaussianKl}. */
  readonly kl: T;
};

const KL_KEYS = ['reduction'] as const;
const ELBO_KEYS = ['target', 'reconstruction', 'mean', 'logVar', 'likelihood', 'beta', 'reduction', 'epsilon'] as const;
const LIKELIHOODS: readonly ElboLikelihood[] = ['bernoulli', 'bernoulli-logits', 'gaussian'];
/** ½·ln(2π), written out: a module-scope `Math.log` call would be kept by bundlers as a possible side effect. */
const HALF_LOG_2PI = 0.9189385332046728;

/** Checks `mean` / `logVar` of the same shape. @internal */
function checkPosterior(mean: unknown, logVar: unknown, fn: string): [tf.Tensor, tf.Tensor] {
  const m = checkInput(mean, fn, 'mean');
  const v = checkInput(logVar, fn, 'logVar');
  checkSameShape(m, v, fn, 'mean', 'logVar');
  return [m, v];
}

/**
 * Element-wise `e^v - 1 - v + μ²` (twice the KL per latent unit); `expm1` keeps it accurate when
 * the posterior is close to the prior. Call inside `tf.tidy`.
 * @internal
 */
function klElements(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.expm1(logVar), logVar), tf.square(mean));
}

/**
 * The KL divergence of a diagonal Gaussian posterior from the standard normal prior, per sample:
 *
 * `KL(N(μ, diag e^logVar) ‖ N(0, I)) = -½ Σ_j (1 + logVar_j - μ_j² - e^logVar_j)`
 *
 * (computed as `½ Σ_j (expm1(logVar_j) - logVar_j + μ_j²)`, accurate when the KL is small).
 *
 * Shapes: `mean` and `logVar` are `[batch, ...latent]` (rank >= 1; all axes after the first are
 * latent units). By default the result is the per-sample KL, shape `[batch]`; pass
 * `{ reduction: 'mean' }` or `'sum'` for a `tf.Scalar` over the batch. Runs in `tf.tidy`; the
 * caller owns the result.
 *
 * @param mean - encoder means μ `[batch, ...latent]`.
 * @param logVar - encoder log-variances, same shape as `mean`.
 * @param options - `{ reduction = 'none' }`.
 * @returns a `tf.Tensor1D` `[batch]` (default), or a `tf.Scalar`.
 * @throws TypeError when an argument is not a tensor; Error on a shape mismatch or a bad option.
 * @category Losses
 * @example
 * ```ts
 * const mu = tf.tensor2d([[0, 0], [1, 2]]);
 * const logVar = tf.zeros([2, 2]);
 * gaussianKl(mu, logVar).dataSync();                       //=> [0, 2.5]  (½(1 + 4))
 * gaussianKl(mu, logVar, { reduction: 'mean' }).dataSync(); //=> [1.25]
 * ```
 */
export function gaussianKl<O extends GaussianKlOptions = Record<never, never>>(
  mean: tf.Tensor,
  logVar: tf.Tensor,
  options?: O,
): LossResult<O, 'none'>;
export function gaussianKl(mean: tf.Tensor, logVar: tf.Tensor, options?: GaussianKlOptions): tf.Scalar | tf.Tensor1D {
  const fn = 'gaussianKl';
  const [m, v] = checkPosterior(mean, logVar, fn);
  const reduction = readReduction(readOptions(options, KL_KEYS, fn), fn, 'none');
  return tf.tidy(() => reduceFeatureSum(klElements(asFloat(m), asFloat(v)), reduction, 0.5)) as tf.Scalar | tf.Tensor1D;
}

/**
 * The negative evidence lower bound of a VAE (β-VAE when `beta ≠ 1`), the loss to minimise:
 *
 * `loss = reconstruction + beta · kl`, where, per sample,
 * - `reconstruction = -log p(x | z)` summed over the features (see {@link ElboLikelihood}:
 *   BCE summed over features for `'bernoulli'` / `'bernoulli-logits'`,
 *   `Σ_d ½((x_d - x̂_d)² + log 2π)` for `'gaussian'`), and
 * - `kl = KL(N(μ, diag e^logVar) ‖ N(0, I))` ({@link gaussianKl}).
 *
 * Shapes: `target` and `reconstruction` are `[batch, ...features]`; `mean` and `logVar` are
 * `[batch, ...latent]` with the same batch size. With `reduction: 'mean'` (default) each returned
 * entry is the batch mean, a `tf.Scalar`; `'sum'` gives batch sums; `'none'` gives the per-sample
 * values, each `[batch]` (e.g. per-sample negative ELBO as an anomaly score). Runs in `tf.tidy`;
 * the caller owns (and disposes) the three returned tensors.
 *
 * @param options - the tensors and `{ likelihood = 'bernoulli', beta = 1, reduction = 'mean', epsilon = 1e-7 }`.
 * @returns `{ loss, reconstruction, kl }`, see {@link ElboOutput}.
 * @throws TypeError when a tensor argument is not a tensor; Error on a shape mismatch (naming the
 *   argument, the expected and the received shape) or a bad option.
 * @category Losses
 * @example
 * ```ts
 * // given: const decoded: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D;
 * const { loss, reconstruction, kl } = elbo({
 *   target: x,                  // [batch, 784] in [0, 1]
 *   reconstruction: decoded,    // [batch, 784] sigmoid output
 *   mean, logVar,               // [batch, latent]
 *   beta: 4,
 * });
 * // per-sample anomaly scores:
 * const { loss: scores } = elbo({ target: x, reconstruction: decoded, mean, logVar, reduction: 'none' });
 * ```
 */
export function elbo<O extends ElboOptions>(options: O): ElboOutput<LossResult<O>>;
export function elbo(options: ElboOptions): ElboOutput<tf.Scalar | tf.Tensor1D> {
  const fn = 'elbo';
  if (options === undefined) typeFail(fn, 'options', 'an object { target, reconstruction, mean, logVar, ... }', options);
  const opts = readOptions(options, ELBO_KEYS, fn);
  const target = checkInput(opts['target'], fn, 'target');
  const reconstruction = checkInput(opts['reconstruction'], fn, 'reconstruction');
  checkSameShape(target, reconstruction, fn, 'target', 'reconstruction');
  const [mean, logVar] = checkPosterior(opts['mean'], opts['logVar'], fn);
  checkBatch(mean, target.shape[0]!, fn, 'target', 'mean');
  const likelihood = opts['likelihood'] ?? 'bernoulli';
  assertOneOf(likelihood, LIKELIHOODS, fn, 'options.likelihood');
  const beta = readNumber(opts, 'beta', 1, fn, { min: 0 });
  const reduction = readReduction(opts, fn);
  const epsilon = readNumber(opts, 'epsilon', 1e-7, fn, { min: 0, max: 0.5, minExclusive: true, maxExclusive: true });

  return tf.tidy(() => {
    const x = asFloat(target);
    const xHat = asFloat(reconstruction);
    let nll: tf.Tensor;
    if (likelihood === 'gaussian') {
      const batch = x.shape[0]!;
      const constant = HALF_LOG_2PI * (x.size / batch) * (reduction === 'sum' ? batch : 1);
      nll = tf.add(reduceFeatureSum(tf.squaredDifference(x, xHat), reduction, 0.5), constant);
    } else {
      const elements = likelihood === 'bernoulli' ? bceElements(x, xHat, epsilon) : bceWithLogitsElements(x, xHat);
      nll = reduceFeatureSum(elements, reduction);
    }
    const kl = reduceFeatureSum(klElements(asFloat(mean), asFloat(logVar)), reduction, 0.5);
    const loss = tf.add(nll, beta === 1 ? kl : tf.mul(kl, beta));
    return { loss, reconstruction: nll, kl };
  }) as ElboOutput<tf.Scalar | tf.Tensor1D>;
}
