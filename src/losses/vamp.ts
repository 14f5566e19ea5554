/**
 * The log-density of the VampPrior (Tomczak & Welling 2018): the mixture of the encoder's posteriors
 * at K pseudo-inputs, and the one-sample KL estimate the `prior: { kind: 'vamp' }` option of the
 * VAE trains with.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { formatShape, typeFail } from '../core/index.js';
import { asFloat, checkInput, checkSameShape, readOptions } from './internal.js';

/**
 * Inputs of {@link vampLogPrior}.
 * @category Losses
 */
export interface VampLogPriorOptions {
  /** The points `z` at which to evaluate `log p(z)`, `[M, D]`. */
  readonly z: tf.Tensor;
  /** The encoder means at the K pseudo-inputs `μ(u_k)`, `[K, D]`. */
  readonly mean: tf.Tensor;
  /** The encoder log-variances at the pseudo-inputs `log σ²(u_k)`, `[K, D]`. */
  readonly logVar: tf.Tensor;
}

const VAMP_KEYS = ['z', 'mean', 'logVar'] as const;
const LOG_2PI = 1.8378770664093453;

/**
 * The VampPrior log-density (Tomczak & Welling 2018, "VAE with a VampPrior", eq. 9):
 *
 * `log p(zᵢ) = logsumexp_k [Σ_d log N(zᵢ_d; μ_k,d, e^{logVar_k,d})] − log K`
 *
 * for each of the M rows of `z`, with `μ_k`, `logVar_k` the encoder's outputs at the K
 * pseudo-inputs. Memory `O(M·K·D)`. Differentiable in all three tensors; runs in `tf.tidy`; the
 * caller owns the `[M]` result.
 *
 * @param options - `{ z, mean, logVar }`.
 * @returns `log p(z)`, a `tf.Tensor1D` of length M.
 * @throws TypeError when an argument is not a tensor; Error on a shape mismatch.
 * @category Losses
 * @example
 * ```ts
 * const z = tf.randomNormal([8, 2], 0, 1, 'float32', 1);
 * const logP = vampLogPrior({ z, mean: tf.zeros([3, 2]), logVar: tf.zeros([3, 2]) }); // = log N(z; 0, I)
 * ```
 */
export function vampLogPrior(options: VampLogPriorOptions): tf.Tensor1D {
  const fn = 'vampLogPrior';
  if (options === undefined) typeFail(fn, 'options', 'an object { z, mean, logVar }', options);
  const opts = readOptions(options, VAMP_KEYS, fn);
  const z = checkInput(opts['z'], fn, 'z');
  const mean = checkInput(opts['mean'], fn, 'mean');
  const logVar = checkInput(opts['logVar'], fn, 'logVar');
  if (z.rank !== 2) throw new Error(`${fn}: argument 'z' must be a 2-D tensor [batch, latent], got shape ${formatShape(z.shape)}`);
  if (mean.rank !== 2 || mean.shape[1] !== z.shape[1]) {
    throw new Error(`${fn}: argument 'mean' must have shape [K,${z.shape[1]}] (K pseudo-inputs of the width of 'z'), got shape ${formatShape(mean.shape)}`);
  }
  checkSameShape(mean, logVar, fn, 'mean', 'logVar');
  const k = mean.shape[0]!;
  return tf.tidy(() => {
    const zf = tf.expandDims(asFloat(z), 1);
    const mu = tf.expandDims(asFloat(mean), 0);
    const lv = tf.expandDims(asFloat(logVar), 0);
    // pairs[i, k] = log N(z_i; μ_k, σ²_k)
    const scaled = tf.mul(tf.square(tf.sub(zf, mu)), tf.exp(tf.neg(lv)));
    const pairs = tf.sum(tf.mul(tf.add(tf.add(scaled, lv), LOG_2PI), -0.5), 2);
    return tf.sub(tf.logSumExp(pairs, 1), Math.log(k)) as tf.Tensor1D;
  });
}

/**
 * Inputs of {@link vampKl}.
 * @category Losses
 */
export interface VampKlOptions {
  /** The draws `zᵢ ~ q(z|xᵢ)`, `[n, D]`. */
  readonly z: tf.Tensor;
  /** The posterior means `μ(xᵢ)`, `[n, D]`. */
  readonly mean: tf.Tensor;
  /** The posterior log-variances `log σ²(xᵢ)`, `[n, D]`. */
  readonly logVar: tf.Tensor;
  /** The encoder means at the K pseudo-inputs, `[K, D]`. */
  readonly priorMean: tf.Tensor;
  /** The encoder log-variances at the K pseudo-inputs, `[K, D]`. */
  readonly priorLogVar: tf.Tensor;
}

const VAMP_KL_KEYS = ['z', 'mean', 'logVar', 'priorMean', 'priorLogVar'] as const;

/**
 * The one-sample Monte-Carlo estimate of `KL(q(z|x) ‖ p(z))` under the VampPrior, per sample:
 *
 * `klᵢ = log q(zᵢ|xᵢ) − log p(zᵢ)`, `log q(zᵢ|xᵢ) = −½ Σ_d ((zᵢ_d − μᵢ_d)² e^{−logVarᵢ_d} + logVarᵢ_d + log 2π)`
 *
 * with `log p` the {@link vampLogPrior} of the pseudo-inputs' posteriors (Tomczak & Welling 2018,
 * eq. 7). Unbiased for the KL (not a bound; a single value may be negative). Differentiable in all
 * five tensors; runs in `tf.tidy`; the caller owns the `[n]` result.
 *
 * @param options - `{ z, mean, logVar, priorMean, priorLogVar }`.
 * @returns `[n]` per-sample estimates.
 * @throws TypeError when an argument is not a tensor; Error on a shape mismatch.
 * @category Losses
 * @example
 * ```ts
 * const z = tf.randomNormal([4, 2], 0, 1, 'float32', 1);
 * const kl = vampKl({ z, mean: tf.zeros([4, 2]), logVar: tf.zeros([4, 2]), priorMean: tf.zeros([3, 2]), priorLogVar: tf.zeros([3, 2]) }); // zeros
 * ```
 */
export function vampKl(options: VampKlOptions): tf.Tensor1D {
  const fn = 'vampKl';
  if (options === undefined) typeFail(fn, 'options', 'an object { z, mean, logVar, priorMean, priorLogVar }', options);
  const opts = readOptions(options, VAMP_KL_KEYS, fn);
  const z = checkInput(opts['z'], fn, 'z');
  const mean = checkInput(opts['mean'], fn, 'mean');
  const logVar = checkInput(opts['logVar'], fn, 'logVar');
  if (z.rank !== 2) throw new Error(`${fn}: argument 'z' must be a 2-D tensor [batch, latent], got shape ${formatShape(z.shape)}`);
  checkSameShape(z, mean, fn, 'z', 'mean');
  checkSameShape(z, logVar, fn, 'z', 'logVar');
  const priorMean = checkInput(opts['priorMean'], fn, 'priorMean');
  const priorLogVar = checkInput(opts['priorLogVar'], fn, 'priorLogVar');
  return tf.tidy(() => {
    const logP = vampLogPrior({ z, mean: priorMean, logVar: priorLogVar });
    return tf.sub(gaussianLogDensity(z, mean, logVar), logP) as tf.Tensor1D;
  });
}

/** `Σ_d log N(z_d; μ_d, e^{logVar_d})` per row, `[n]`. Call inside `tf.tidy`. @internal */
export function gaussianLogDensity(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  const lv = asFloat(logVar);
  const scaled = tf.mul(tf.square(tf.sub(asFloat(z), asFloat(mean))), tf.exp(tf.neg(lv)));
  return tf.sum(tf.mul(tf.add(tf.add(scaled, lv), LOG_2PI), -0.5), -1) as tf.Tensor1D;
}
