/**
 * The log-density of the VampPrior (Tomczak & Welling 2018): the mixture of the encoder's posteriors
 * at K pseudo-inputs, and the one-sample KL estimate the `prior: { kind: 'vamp' }` option of the
 * VAE and the CVAE trains with (for the CVAE, the conditional mixture of the posteriors at the
 * pseudo-inputs paired with each point's label).
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
  /**
   * The encoder means at the K pseudo-inputs `μ(u_k)`, `[K, D]`; with `labels`, at every
   * (class, pseudo-input) pair `μ(u_k, c)`, `[C, K, D]`.
   */
  readonly mean: tf.Tensor;
  /** The encoder log-variances at the pseudo-inputs, `[K, D]` (with `labels`: `[C, K, D]`). */
  readonly logVar: tf.Tensor;
  /**
   * The class of each point, an int32 `[M]` tensor of integers in `[0, C)`: the conditional
   * VampPrior `p(z | y)` of a CVAE. Default: absent (the unconditional prior).
   */
  readonly labels?: tf.Tensor;
}

const VAMP_KEYS = ['z', 'mean', 'logVar', 'labels'] as const;
const LOG_2PI = 1.8378770664093453;

/**
 * The VampPrior log-density (Tomczak & Welling 2018, "VAE with a VampPrior", eq. 9):
 *
 * `log p(zᵢ) = logsumexp_k [Σ_d log N(zᵢ_d; μ_k,d, e^{logVar_k,d})] − log K`
 *
 * for each of the M rows of `z`, with `μ_k`, `logVar_k` the encoder's outputs at the K
 * pseudo-inputs. With `labels` (the conditional VampPrior of a CVAE) the components of row `i`
 * are those of its class `yᵢ`: `μ_k = mean[yᵢ, k]`, i.e.
 * `log p(zᵢ | yᵢ) = logsumexp_k log N(zᵢ; μ(u_k, yᵢ), σ²(u_k, yᵢ)) − log K`.
 * Memory `O(M·K·D)`. Differentiable in `z`, `mean` and `logVar`; runs in `tf.tidy`; the caller
 * owns the `[M]` result.
 *
 * @param options - `{ z, mean, logVar, labels? }`.
 * @returns `log p(z)` (or `log p(z | y)`), a `tf.Tensor1D` of length M.
 * @throws TypeError when an argument is not a tensor; Error on a shape mismatch or a label outside `[0, C)`.
 * @category Losses
 * @example
 * ```ts
 * const z = tf.randomNormal([8, 2], 0, 1, 'float32', 1);
 * const logP = vampLogPrior({ z, mean: tf.zeros([3, 2]), logVar: tf.zeros([3, 2]) }); // = log N(z; 0, I)
 * const given = vampLogPrior({ z, mean: tf.zeros([2, 3, 2]), logVar: tf.zeros([2, 3, 2]), labels: tf.zeros([8], 'int32') });
 * ```
 */
export function vampLogPrior(options: VampLogPriorOptions): tf.Tensor1D {
  const fn = 'vampLogPrior';
  if (options === undefined) typeFail(fn, 'options', 'an object { z, mean, logVar, labels? }', options);
  const opts = readOptions(options, VAMP_KEYS, fn);
  const z = checkInput(opts['z'], fn, 'z');
  if (z.rank !== 2) throw new Error(`${fn}: argument 'z' must be a 2-D tensor [batch, latent], got shape ${formatShape(z.shape)}`);
  const { mean, logVar, labels } = checkComponents(opts, z, 'mean', 'logVar', fn);
  return tf.tidy(() => {
    if (labels === undefined) return mixtureLogDensity(z, mean, logVar);
    const y = oneHotOf(labels, mean.shape[0]!);
    return mixtureLogDensity(z, componentsOf(y, mean), componentsOf(y, logVar));
  });
}

/** float32 one-hot rows of checked labels (depth 1 too, which `tf.oneHot` refuses). Call inside `tf.tidy`. */
function oneHotOf(labels: tf.Tensor1D, depth: number): tf.Tensor2D {
  return depth === 1 ? tf.ones([labels.shape[0], 1]) : (tf.cast(tf.oneHot(labels, depth), 'float32') as tf.Tensor2D);
}

/**
 * Each row's components `[M, K, D]` from the per-class ones `[C, K, D]` and the one-hot labels
 * `[M, C]`: a product with the one-hot matrix (exact for finite values; differentiable on every
 * backend, where `tf.gather`'s gradient needs a kernel wasm lacks). Call inside `tf.tidy`. @internal
 */
export function componentsOf(oneHot: tf.Tensor2D, perClass: tf.Tensor): tf.Tensor3D {
  const [c, k, d] = perClass.shape as [number, number, number];
  return tf.reshape(tf.matMul(oneHot, tf.reshape(asFloat(perClass), [c, k * d])), [oneHot.shape[0], k, d]);
}

/**
 * Checks the mixture components (`[K, D]`, or `[C, K, D]` with labels `[M]` in `[0, C)`) of the
 * VampPrior for points `z` `[M, D]`. Reads the labels back to check their range.
 */
function checkComponents(
  opts: Record<string, unknown>,
  z: tf.Tensor,
  meanArg: string,
  logVarArg: string,
  fn: string,
): { mean: tf.Tensor; logVar: tf.Tensor; labels: tf.Tensor1D | undefined } {
  const mean = checkInput(opts[meanArg], fn, meanArg);
  const logVar = checkInput(opts[logVarArg], fn, logVarArg);
  const d = z.shape[1]!;
  const raw = opts['labels'];
  if (raw === undefined) {
    if (mean.rank !== 2 || mean.shape[1] !== d) {
      throw new Error(`${fn}: argument '${meanArg}' must have shape [K,${d}] (K pseudo-inputs of the width of 'z'), got shape ${formatShape(mean.shape)}`);
    }
    checkSameShape(mean, logVar, fn, meanArg, logVarArg);
    return { mean, logVar, labels: undefined };
  }
  if (mean.rank !== 3 || mean.shape[2] !== d) {
    throw new Error(
      `${fn}: argument '${meanArg}' must have shape [C,K,${d}] with 'labels' (C classes times K pseudo-inputs of the width of 'z'), got shape ${formatShape(mean.shape)}`,
    );
  }
  checkSameShape(mean, logVar, fn, meanArg, logVarArg);
  const labels = checkInput(raw, fn, 'labels');
  const m = z.shape[0]!;
  const classes = mean.shape[0]!;
  if (labels.dtype !== 'int32' || labels.rank !== 1 || labels.shape[0] !== m) {
    throw new Error(`${fn}: argument 'labels' must be an int32 tensor of shape [${m}] (one class per row of 'z'), got ${labels.dtype} of shape ${formatShape(labels.shape)}`);
  }
  const values = labels.dataSync();
  const badIndex = values.findIndex((v) => v < 0 || v >= classes);
  if (badIndex >= 0) {
    throw new Error(`${fn}: argument 'labels' must hold classes in [0, ${classes}) (the first axis of '${meanArg}'), got ${values[badIndex]} at index ${badIndex}`);
  }
  return { mean, logVar, labels: labels as tf.Tensor1D };
}

/**
 * `logsumexp_k log N(zᵢ; μ_k, σ²_k) − log K` per row, `[M]`, for components `[K, D]` shared by all
 * rows or `[M, K, D]` per row. Call inside `tf.tidy`. @internal
 */
export function mixtureLogDensity(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  const k = mean.shape[mean.rank - 2]!;
  const zf = tf.expandDims(asFloat(z), 1);
  const mu = mean.rank === 2 ? tf.expandDims(asFloat(mean), 0) : asFloat(mean);
  const lv = logVar.rank === 2 ? tf.expandDims(asFloat(logVar), 0) : asFloat(logVar);
  // pairs[i, k] = log N(z_i; μ_k, σ²_k)
  const scaled = tf.mul(tf.square(tf.sub(zf, mu)), tf.exp(tf.neg(lv)));
  const pairs = tf.sum(tf.mul(tf.add(tf.add(scaled, lv), LOG_2PI), -0.5), 2);
  return tf.sub(tf.logSumExp(pairs, 1), Math.log(k)) as tf.Tensor1D;
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
  /** The encoder means at the K pseudo-inputs, `[K, D]` (with `labels`: `[C, K, D]`, see {@link vampLogPrior}). */
  readonly priorMean: tf.Tensor;
  /** The encoder log-variances at the K pseudo-inputs, `[K, D]` (with `labels`: `[C, K, D]`). */
  readonly priorLogVar: tf.Tensor;
  /** The class of each sample, int32 `[n]` in `[0, C)`: the CVAE's conditional prior. Default: absent. */
  readonly labels?: tf.Tensor;
}

const VAMP_KL_KEYS = ['z', 'mean', 'logVar', 'priorMean', 'priorLogVar', 'labels'] as const;

/**
 * The one-sample Monte-Carlo estimate of `KL(q(z|x) ‖ p(z))` under the VampPrior, per sample:
 *
 * `klᵢ = log q(zᵢ|xᵢ) − log p(zᵢ)`, `log q(zᵢ|xᵢ) = −½ Σ_d ((zᵢ_d − μᵢ_d)² e^{−logVarᵢ_d} + logVarᵢ_d + log 2π)`
 *
 * with `log p` the {@link vampLogPrior} of the pseudo-inputs' posteriors (Tomczak & Welling 2018,
 * eq. 7); with `labels`, the conditional `klᵢ = log q(zᵢ|xᵢ, yᵢ) − log p(zᵢ | yᵢ)` of a CVAE.
 * Unbiased for the KL (not a bound; a single value may be negative). Differentiable in all
 * five float tensors; runs in `tf.tidy`; the caller owns the `[n]` result.
 *
 * @param options - `{ z, mean, logVar, priorMean, priorLogVar, labels? }`.
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
  if (options === undefined) typeFail(fn, 'options', 'an object { z, mean, logVar, priorMean, priorLogVar, labels? }', options);
  const opts = readOptions(options, VAMP_KL_KEYS, fn);
  const z = checkInput(opts['z'], fn, 'z');
  const mean = checkInput(opts['mean'], fn, 'mean');
  const logVar = checkInput(opts['logVar'], fn, 'logVar');
  if (z.rank !== 2) throw new Error(`${fn}: argument 'z' must be a 2-D tensor [batch, latent], got shape ${formatShape(z.shape)}`);
  checkSameShape(z, mean, fn, 'z', 'mean');
  checkSameShape(z, logVar, fn, 'z', 'logVar');
  const prior = checkComponents(opts, z, 'priorMean', 'priorLogVar', fn);
  return tf.tidy(() => {
    const labels = prior.labels;
    const y = labels === undefined ? undefined : oneHotOf(labels, prior.mean.shape[0]!);
    const at = (t: tf.Tensor): tf.Tensor => (y === undefined ? t : componentsOf(y, t));
    const logP = mixtureLogDensity(z, at(prior.mean), at(prior.logVar));
    return tf.sub(gaussianLogDensity(z, mean, logVar), logP) as tf.Tensor1D;
  });
}

/** `Σ_d log N(z_d; μ_d, e^{logVar_d})` per row, `[n]`. Call inside `tf.tidy`. @internal */
export function gaussianLogDensity(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  const lv = asFloat(logVar);
  const scaled = tf.mul(tf.square(tf.sub(asFloat(z), asFloat(mean))), tf.exp(tf.neg(lv)));
  return tf.sum(tf.mul(tf.add(tf.add(scaled, lv), LOG_2PI), -0.5), -1) as tf.Tensor1D;
}
