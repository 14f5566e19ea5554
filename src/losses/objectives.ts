/**
 * Training objectives of variational autoencoders beyond the plain negative ELBO: the ELBO with
 * free bits (Kingma et al. 2016) and a KL capacity (Burgess et al. 2018), the importance weights
 * `log p(x|z) + log p(z) − log q(z|x)` and the K-sample importance-weighted bound (IWAE, Burda et
 * al. 2016). Pure functions on `@tensorflow/tfjs-core` tensors.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf, fail, formatShape, typeFail } from '../core/index.js';
import { asFloat, checkBatch, checkInput, checkSameShape, readNumber, readOptions, readReduction, reduceBatch, reduceFeatureSum } from './internal.js';
import type { LossResult, Reduction } from './internal.js';
import { bceElements, bceWithLogitsElements } from './reconstruction.js';
import type { ElboLikelihood } from './variational.js';

const LIKELIHOODS: readonly ElboLikelihood[] = ['bernoulli', 'bernoulli-logits', 'gaussian'];
/** ½·ln(2π), written out: a module-scope `Math.log` call would be kept by bundlers as a possible side effect. */
const HALF_LOG_2PI = 0.9189385332046728;

/**
 * Per-row negative log-likelihood `−log p(x|x̂)` summed over the features, `[rows]`, for the
 * likelihoods of {@link ElboLikelihood}. Call inside `tf.tidy`.
 * @internal
 */
export function rowNll(x: tf.Tensor, xHat: tf.Tensor, likelihood: ElboLikelihood, epsilon = 1e-7): tf.Tensor1D {
  if (likelihood === 'gaussian') {
    const perRow = x.size / x.shape[0]!;
    return tf.add(reduceFeatureSum(tf.squaredDifference(x, xHat), 'none', 0.5), HALF_LOG_2PI * perRow) as tf.Tensor1D;
  }
  const elements = likelihood === 'bernoulli' ? bceElements(x, xHat, epsilon) : bceWithLogitsElements(x, xHat);
  return reduceFeatureSum(elements, 'none') as tf.Tensor1D;
}

/** Element-wise twice the KL of `N(μ, e^v)` from `N(0, 1)`: `expm1(v) − v + μ²`. Call inside `tf.tidy`. */
function klElements(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.expm1(logVar), logVar), tf.square(mean));
}

function checkPosterior(opts: Record<string, unknown>, fn: string): [tf.Tensor, tf.Tensor] {
  const mean = checkInput(opts['mean'], fn, 'mean');
  const logVar = checkInput(opts['logVar'], fn, 'logVar');
  checkSameShape(mean, logVar, fn, 'mean', 'logVar');
  if (mean.rank !== 2) fail(fn, 'mean', 'a 2-D tensor [batch, latentDim]', mean);
  return [mean, logVar];
}

function readLikelihood(opts: Record<string, unknown>, fn: string): ElboLikelihood {
  const likelihood = opts['likelihood'] ?? 'bernoulli';
  assertOneOf(likelihood, LIKELIHOODS, fn, 'options.likelihood');
  return likelihood;
}

/**
 * Inputs and options of {@link regularizedElbo}.
 * @category Losses
 */
export interface RegularizedElboOptions {
  /** The data x, `[batch, ...features]`. */
  readonly target: tf.Tensor;
  /** The decoder output for one draw `z ~ q(z|x)`, same shape as `target` (see `likelihood`). */
  readonly reconstruction: tf.Tensor;
  /** The encoder means μ, `[batch, latentDim]`. */
  readonly mean: tf.Tensor;
  /** The encoder log-variances log σ², same shape as `mean`. */
  readonly logVar: tf.Tensor;
  /** See {@link ElboLikelihood}. Default `'bernoulli'`. */
  readonly likelihood?: ElboLikelihood;
  /** Weight β of the KL term (after free bits and capacity), finite and ≥ 0. Default 1. */
  readonly beta?: number;
  /** Free bits λ ≥ 0 (nats per latent dimension): each dimension's batch-mean KL counts at least λ. Default 0 (off). */
  readonly freeBits?: number;
  /** Capacity `C` ≥ 0: the KL term becomes `|KL − C|`. Default: none. */
  readonly capacity?: number;
}

/**
 * What {@link regularizedElbo} returns: batch means, each a `tf.Scalar` owned by the caller.
 * @category Losses
 */
export type RegularizedElboOutput = {
  /** The value to minimise: `reconstruction + β · penalty` (see {@link regularizedElbo}). */
  readonly loss: tf.Scalar;
  /** The batch-mean negative log-likelihood `−log p(x|z)`, summed over the features. */
  readonly reconstruction: tf.Scalar;
  /** The batch-mean `KL(q(z|x) ‖ N(0, I))`, without free bits or capacity. */
  readonly kl: tf.Scalar;
};

const REGULARIZED_KEYS = ['target', 'reconstruction', 'mean', 'logVar', 'likelihood', 'beta', 'freeBits', 'capacity'] as const;

/**
 * The negative ELBO with the two KL constraints of the literature, as a training loss (batch
 * means). With `KL_j = (1/n) Σ_i KL(q(z_j|x_i) ‖ N(0, 1))` the batch-mean KL of latent dimension j:
 *
 * - free bits λ (Kingma et al. 2016, "Improved variational inference with inverse autoregressive
 *   flow", eq. 15, one group per dimension): `penalty = Σ_j max(λ, KL_j)` — a dimension whose KL
 *   is below λ gets no gradient pushing it further down;
 * - capacity C (Burgess et al. 2018, "Understanding disentangling in β-VAE", eq. 8):
 *   `penalty = |K − C|` where K is the (free-bits) KL term above;
 * - `loss = reconstruction + β · penalty`; with λ = 0 and no capacity this is {@link elbo}'s mean.
 *
 * `reconstruction` is the batch-mean `−log p(x|z)` summed over the features (see
 * {@link ElboLikelihood}), `kl` the plain batch-mean KL (reported, never floored). Runs in
 * `tf.tidy`; the caller owns the three scalars.
 *
 * @param options - the tensors and `{ likelihood = 'bernoulli', beta = 1, freeBits = 0, capacity }`.
 * @returns `{ loss, reconstruction, kl }`, see {@link RegularizedElboOutput}.
 * @throws TypeError when a tensor argument is not a tensor; Error on a shape mismatch or bad option.
 * @category Losses
 * @example
 * ```ts
 * // given: const decoded: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D;
 * const { loss } = regularizedElbo({ target: x, reconstruction: decoded, mean, logVar, freeBits: 0.5 });
 * ```
 */
export function regularizedElbo(options: RegularizedElboOptions): RegularizedElboOutput {
  const fn = 'regularizedElbo';
  if (options === undefined) typeFail(fn, 'options', 'an object { target, reconstruction, mean, logVar, ... }', options);
  const opts = readOptions(options, REGULARIZED_KEYS, fn);
  const target = checkInput(opts['target'], fn, 'target');
  const reconstruction = checkInput(opts['reconstruction'], fn, 'reconstruction');
  checkSameShape(target, reconstruction, fn, 'target', 'reconstruction');
  const [mean, logVar] = checkPosterior(opts, fn);
  checkBatch(mean, target.shape[0]!, fn, 'target', 'mean');
  const likelihood = readLikelihood(opts, fn);
  const beta = readNumber(opts, 'beta', 1, fn, { min: 0 });
  const freeBits = readNumber(opts, 'freeBits', 0, fn, { min: 0 });
  const capacity = opts['capacity'];
  if (capacity !== undefined) assertNumber(capacity, fn, 'options.capacity', { min: 0 });
  return tf.tidy(() => {
    const nll = tf.mean(rowNll(asFloat(target), asFloat(reconstruction), likelihood)) as tf.Scalar;
    const perDim = tf.mul(tf.mean(klElements(asFloat(mean), asFloat(logVar)), 0), 0.5);
    const kl = tf.sum(perDim) as tf.Scalar;
    let penalty: tf.Tensor = freeBits > 0 ? tf.sum(tf.maximum(perDim, freeBits)) : kl;
    if (capacity !== undefined) penalty = tf.abs(tf.sub(penalty, capacity));
    const loss = tf.add(nll, beta === 1 ? penalty : tf.mul(penalty, beta)) as tf.Scalar;
    return { loss, reconstruction: nll, kl };
  });
}

/**
 * Inputs and options of {@link logImportanceWeights} and {@link iwae}: `k` draws
 * `z_k = μ + σ ⊙ ε_k` for each of `n` samples, and their decodings.
 * @category Losses
 */
export interface ImportanceOptions {
  /** The data x, `[n, ...features]`. */
  readonly target: tf.Tensor;
  /** The decoder output of every draw, `[k, n, ...features]` (probabilities, logits or means). */
  readonly reconstruction: tf.Tensor;
  /** The standard-normal noise ε of the draws, `[k, n, latentDim]` (`z = μ + exp(½ log σ²) ⊙ ε`). */
  readonly noise: tf.Tensor;
  /** The encoder means μ, `[n, latentDim]`. */
  readonly mean: tf.Tensor;
  /** The encoder log-variances log σ², `[n, latentDim]`. */
  readonly logVar: tf.Tensor;
  /** See {@link ElboLikelihood}. Default `'bernoulli'`. */
  readonly likelihood?: ElboLikelihood;
}

/**
 * Options of {@link iwae}: those of {@link logImportanceWeights} and a reduction.
 * @category Losses
 */
export interface IwaeOptions extends ImportanceOptions {
  /** `'mean'` (default) / `'sum'` over the `n` samples, or `'none'` for `[n]`. */
  readonly reduction?: Reduction;
}

const IMPORTANCE_KEYS = ['target', 'reconstruction', 'noise', 'mean', 'logVar', 'likelihood'] as const;
const IWAE_KEYS = ['target', 'reconstruction', 'noise', 'mean', 'logVar', 'likelihood', 'reduction'] as const; // IMPORTANCE_KEYS and 'reduction', written out (a module-scope spread is kept by bundlers)

function readImportance(opts: Record<string, unknown>, fn: string) {
  const target = checkInput(opts['target'], fn, 'target');
  const [mean, logVar] = checkPosterior(opts, fn);
  const n = target.shape[0]!;
  checkBatch(mean, n, fn, 'target', 'mean');
  const noise = checkInput(opts['noise'], fn, 'noise');
  const d = mean.shape[1]!;
  if (noise.rank !== 3 || noise.shape[1] !== n || noise.shape[2] !== d) {
    throw new Error(`${fn}: argument 'noise' must have shape [k,${n},${d}] (k draws of the posterior of 'mean'), got shape ${formatShape(noise.shape)}`);
  }
  const k = noise.shape[0]!;
  const reconstruction = checkInput(opts['reconstruction'], fn, 'reconstruction');
  const expected = [k, ...target.shape];
  if (reconstruction.rank !== expected.length || reconstruction.shape.some((s, i) => s !== expected[i])) {
    throw new Error(
      `${fn}: argument 'reconstruction' must have shape ${formatShape(expected)} (one decoding per draw of 'noise' and sample of 'target'), got shape ${formatShape(reconstruction.shape)}`,
    );
  }
  return { target, mean, logVar, noise, reconstruction, k, n, likelihood: readLikelihood(opts, fn) };
}

/**
 * The body of {@link logImportanceWeights} on checked inputs, `[k, n]`, with `log p(z) − log q(z|x)`
 * weighted by `priorWeight` (a KL schedule's scale; 1 gives the true weights). Call inside `tf.tidy`.
 * @internal
 */
export function importanceWeights(
  target: tf.Tensor,
  reconstruction: tf.Tensor,
  noise: tf.Tensor,
  mean: tf.Tensor,
  logVar: tf.Tensor,
  likelihood: ElboLikelihood,
  priorWeight = 1,
): tf.Tensor2D {
  const [k, n] = noise.shape as [number, number, number];
  const x = asFloat(target);
  const tiled = tf.tile(x, [k, ...x.shape.slice(1).map(() => 1)]);
  const flat = tf.reshape(asFloat(reconstruction), [k * n, ...x.shape.slice(1)]);
  const logLik = tf.neg(tf.reshape(rowNll(tiled, flat, likelihood), [k, n]));
  const eps = asFloat(noise);
  const v = asFloat(logVar);
  const z = tf.add(asFloat(mean), tf.mul(tf.exp(tf.mul(v, 0.5)), eps));
  // log p(z) − log q(z|x) = −½ Σ_j z² + ½ Σ_j (ε² + log σ²): the log 2π terms cancel.
  const logRatio = tf.mul(tf.sum(tf.sub(tf.add(tf.square(eps), v), tf.square(z)), 2), 0.5 * priorWeight);
  return tf.add(logLik, logRatio) as tf.Tensor2D;
}

/**
 * The log importance weights of a VAE's draws from its posterior, `[k, n]`:
 *
 * `log w_{k,i} = log p(x_i | z_{k,i}) + log p(z_{k,i}) − log q(z_{k,i} | x_i)`, with
 * `z_{k,i} = μ_i + σ_i ⊙ ε_{k,i}`, `p(z) = N(0, I)` and `q(z|x) = N(μ, diag σ²)`, so that
 * `log p(z) − log q(z|x) = ½ Σ_j (ε_j² + log σ_j² − z_j²)`.
 *
 * `log (1/k) Σ_k w_{k,i}` is the importance-sampled estimate of `log p(x_i)` (see
 * {@link logLikelihood}); its negative is the {@link iwae} loss. Runs in `tf.tidy`; the caller owns
 * the result.
 *
 * @param options - see {@link ImportanceOptions}.
 * @returns `[k, n]` float32.
 * @throws TypeError when a tensor argument is not a tensor; Error on a shape mismatch or bad option.
 * @category Losses
 * @example
 * ```ts
 * // given: const decoded: tf.Tensor3D, noise: tf.Tensor3D, mean: tf.Tensor2D, logVar: tf.Tensor2D;
 * // decoded: [k, n, 784], noise: [k, n, 20], mean and logVar: [n, 20]
 * const logW = logImportanceWeights({ target: x, reconstruction: decoded, noise, mean, logVar }); // [k, n]
 * ```
 */
export function logImportanceWeights(options: ImportanceOptions): tf.Tensor2D {
  const fn = 'logImportanceWeights';
  if (options === undefined) typeFail(fn, 'options', 'an object { target, reconstruction, noise, mean, logVar, ... }', options);
  const o = readImportance(readOptions(options, IMPORTANCE_KEYS, fn), fn);
  return tf.tidy(() => importanceWeights(o.target, o.reconstruction, o.noise, o.mean, o.logVar, o.likelihood));
}

/** `log (1/k) Σ_k e^{w_k}` over axis 0 of `[k, n]` log weights, `[n]`. Call inside `tf.tidy`. @internal */
export function logMeanExp(logW: tf.Tensor): tf.Tensor1D {
  return tf.sub(tf.logSumExp(logW, 0), Math.log(logW.shape[0]!)) as tf.Tensor1D;
}

/**
 * The importance-weighted autoencoder loss (Burda et al. 2016, "Importance weighted
 * autoencoders", eq. 8), per sample the negative K-sample bound
 *
 * `−L_k(x) = −log (1/k) Σ_k p(x|z_k) p(z_k) / q(z_k|x)`,  `z_k ~ q(z|x)` (reparameterised),
 *
 * computed from {@link logImportanceWeights} with a log-sum-exp. `L_1` is the ELBO (one-sample,
 * with a sampled KL); `L_k` rises towards `log p(x)` as k grows. Reduced over the `n` samples by
 * `reduction` (default `'mean'`). Runs in `tf.tidy`; the caller owns the result.
 *
 * @param options - see {@link IwaeOptions}.
 * @returns a `tf.Scalar`, or `[n]` with `reduction: 'none'`.
 * @throws TypeError when a tensor argument is not a tensor; Error on a shape mismatch or bad option.
 * @category Losses
 * @example
 * ```ts
 * // given: const decoded: tf.Tensor3D, noise: tf.Tensor3D, mean: tf.Tensor2D, logVar: tf.Tensor2D;
 * // decoded: [5, n, 784], noise: [5, n, 20]: K = 5 draws
 * const loss = iwae({ target: x, reconstruction: decoded, noise, mean, logVar });
 * ```
 */
export function iwae<O extends IwaeOptions>(options: O): LossResult<O>;
export function iwae(options: IwaeOptions): tf.Scalar | tf.Tensor1D {
  const fn = 'iwae';
  if (options === undefined) typeFail(fn, 'options', 'an object { target, reconstruction, noise, mean, logVar, ... }', options);
  const opts = readOptions(options, IWAE_KEYS, fn);
  const o = readImportance(opts, fn);
  const reduction = readReduction(opts, fn);
  return tf.tidy(() => reduceBatch(tf.neg(logMeanExp(importanceWeights(o.target, o.reconstruction, o.noise, o.mean, o.logVar, o.likelihood))), reduction)) as
    | tf.Scalar
    | tf.Tensor1D;
}
