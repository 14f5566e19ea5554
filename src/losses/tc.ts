/**
 * The decomposition of a VAE's KL term into index-code mutual information, total correlation and
 * dimension-wise KL (the β-TC-VAE of Chen et al. 2018), estimated on a minibatch.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, formatShape, typeFail } from '../core/index.js';
import { asFloat, checkInput, checkSameShape, readOptions, readReduction, reduceBatch } from './internal.js';
import type { Reduction } from './internal.js';

/**
 * Inputs and options of {@link tcDecomposition}.
 * @category Losses
 */
export interface TcDecompositionOptions {
  /** The samples `zᵢ ~ q(z|xᵢ)` of the batch, `[M, D]`. */
  readonly z: tf.Tensor;
  /** The encoder means `μ(xᵢ)`, `[M, D]`. */
  readonly mean: tf.Tensor;
  /** The encoder log-variances `log σ²(xᵢ)`, `[M, D]`. */
  readonly logVar: tf.Tensor;
  /** The number `N` of samples in the whole training set (an integer >= M). */
  readonly datasetSize: number;
  /** `'mean'` (default) / `'sum'` over the batch, or `'none'` for the `[M]` per-sample values. */
  readonly reduction?: Reduction;
}

/**
 * What {@link tcDecomposition} returns: `tf.Scalar`s (or `[M]` with `reduction: 'none'`) that the
 * caller owns. Their sum is the estimate of `E[KL(q(z|x) ‖ p(z))]`.
 * @category Losses
 */
export type TcDecomposition<T extends tf.Tensor = tf.Scalar> = {
  /** The index-code mutual information `E[log q(z|x) − log q(z)]`. */
  readonly mutualInformation: T;
  /** The total correlation `E[log q(z) − Σ_d log q(z_d)]`, the term β-TC-VAE weights by β. */
  readonly totalCorrelation: T;
  /** The dimension-wise KL `E[Σ_d log q(z_d) − log p(z)]` to the prior `p = N(0, I)`. */
  readonly dimensionwiseKl: T;
};

const TC_KEYS = ['z', 'mean', 'logVar', 'datasetSize', 'reduction'] as const;
const LOG_2PI = 1.8378770664093453; // ln(2π), written out: bundlers keep a module-scope Math.log call

/** `log N(z; μ, e^logVar)` element-wise (broadcasting). Call inside `tf.tidy`. */
function logNormal(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  const scaled = tf.mul(tf.square(tf.sub(z, mean)), tf.exp(tf.neg(logVar)));
  return tf.mul(tf.add(tf.add(scaled, logVar), LOG_2PI), -0.5);
}

/**
 * The three parts of the KL term of a VAE (Chen et al. 2018, "Isolating Sources of Disentanglement
 * in VAEs", eq. 2), estimated from a batch by minibatch-weighted sampling (their eq. 5): with
 * `log q(zᵢ|xⱼ) = Σ_d log N(zᵢ_d; μⱼ_d, σ²ⱼ_d)` for all pairs of the batch of `M` out of `N`,
 *
 * - `log q(zᵢ) ≈ logsumexpⱼ log q(zᵢ|xⱼ) − log(N·M)`,
 * - `log Π_d q(zᵢ_d) ≈ Σ_d [logsumexpⱼ log q(zᵢ_d|xⱼ) − log(N·M)]`,
 * - `mutualInformation = log q(zᵢ|xᵢ) − log q(zᵢ)`,
 * - `totalCorrelation = log q(zᵢ) − log Π_d q(zᵢ_d)`,
 * - `dimensionwiseKl = log Π_d q(zᵢ_d) − log N(zᵢ; 0, I)`,
 *
 * each averaged over `i` (`reduction`). The β-TC-VAE objective is
 * `reconstruction + α·MI + β·TC + γ·dimensionwiseKl`. Memory is `O(M²·D)`. Differentiable in `z`,
 * `mean` and `logVar`; runs in `tf.tidy`.
 *
 * @param options - the tensors, `datasetSize` and `{ reduction = 'mean' }`.
 * @returns `{ mutualInformation, totalCorrelation, dimensionwiseKl }`, see {@link TcDecomposition}.
 * @throws TypeError when a tensor argument is not a tensor; Error on a shape mismatch or a bad option.
 * @category Losses
 * @example
 * ```ts
 * // given: const mean: tf.Tensor2D; const logVar: tf.Tensor2D;
 * const z = reparameterize(mean, logVar, { seed: 1 });
 * const { totalCorrelation } = tcDecomposition({ z, mean, logVar, datasetSize: 60000 });
 * ```
 */
export function tcDecomposition<O extends TcDecompositionOptions>(options: O): TcDecomposition<O extends { readonly reduction: 'none' } ? tf.Tensor1D : tf.Scalar>;
export function tcDecomposition(options: TcDecompositionOptions): TcDecomposition<tf.Tensor> {
  const fn = 'tcDecomposition';
  if (options === undefined) typeFail(fn, 'options', 'an object { z, mean, logVar, datasetSize, reduction? }', options);
  const opts = readOptions(options, TC_KEYS, fn);
  const z = checkInput(opts['z'], fn, 'z');
  if (z.rank !== 2) throw new Error(`${fn}: argument 'z' must be a 2-D tensor [batch, latent], got shape ${formatShape(z.shape)}`);
  const mean = checkInput(opts['mean'], fn, 'mean');
  const logVar = checkInput(opts['logVar'], fn, 'logVar');
  checkSameShape(z, mean, fn, 'z', 'mean');
  checkSameShape(z, logVar, fn, 'z', 'logVar');
  const m = z.shape[0]!;
  const datasetSize = opts['datasetSize'];
  assertNumber(datasetSize, fn, 'datasetSize', { integer: true, min: m });
  const reduction = readReduction(opts, fn);
  const logNM = Math.log(datasetSize * m);
  return tf.tidy(() => {
    const zf = asFloat(z);
    const mu = asFloat(mean);
    const lv = asFloat(logVar);
    // pairs[i, j, d] = log q(z_i,d | x_j)
    const pairs = logNormal(tf.expandDims(zf, 1), tf.expandDims(mu, 0), tf.expandDims(lv, 0));
    const logQz = tf.sub(tf.logSumExp(tf.sum(pairs, 2), 1), logNM);
    const logQzProduct = tf.sum(tf.sub(tf.logSumExp(pairs, 1), logNM), 1);
    const logQzx = tf.sum(logNormal(zf, mu, lv), 1);
    const logPz = tf.sum(tf.mul(tf.add(tf.square(zf), LOG_2PI), -0.5), 1);
    return {
      mutualInformation: reduceBatch(tf.sub(logQzx, logQz), reduction),
      totalCorrelation: reduceBatch(tf.sub(logQz, logQzProduct), reduction),
      dimensionwiseKl: reduceBatch(tf.sub(logQzProduct, logPz), reduction),
    };
  }) as TcDecomposition<tf.Tensor>;
}
