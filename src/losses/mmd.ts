/**
 * The maximum mean discrepancy between two sample sets, the divergence of InfoVAE and WAE-MMD.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertOneOf, formatShape } from '../core/index.js';
import { asFloat, checkInput, readNumber, readOptions } from './internal.js';

/**
 * The kernel of {@link mmd}, on `r² = ‖a − b‖²` with bandwidth `h`:
 * - `'rbf'`: the Gaussian `k = exp(−r² / (2h²))` (InfoVAE, Zhao et al. 2019);
 * - `'imq'`: the inverse multiquadric `k = 2h² / (2h² + r²)` (WAE, Tolstikhin et al. 2018, who take
 *   `C = 2h² = 2·d·σ²` for a prior `N(0, σ²I)`).
 * @category Losses
 */
export type MmdKernel = 'rbf' | 'imq';

/**
 * Options of {@link mmd}.
 * @category Losses
 */
export interface MmdOptions {
  /** See {@link MmdKernel}. Default `'rbf'`. */
  readonly kernel?: MmdKernel;
  /** The bandwidth `h` > 0. Default `√d` (`2h² = 2d`, the WAE choice for a unit Gaussian prior). */
  readonly bandwidth?: number;
}

const MMD_KEYS = ['kernel', 'bandwidth'] as const;

/** Checks one sample set: a 2-D `[count, d]` tensor with at least two rows. */
function checkSamples(value: unknown, fn: string, arg: string): tf.Tensor2D {
  const t = checkInput(value, fn, arg);
  if (t.rank !== 2 || t.shape[0]! < 2) {
    throw new Error(`${fn}: argument '${arg}' must be a 2-D tensor [count, d] with count >= 2 (the unbiased estimate leaves out i = j), got shape ${formatShape(t.shape)}`);
  }
  return t as tf.Tensor2D;
}

/** `k(aᵢ, bⱼ)` for all pairs, `[m, n]`, from exact differences (no cancellation). Call inside `tf.tidy`. */
function gram(a: tf.Tensor2D, b: tf.Tensor2D, kernel: MmdKernel, twoH2: number): tf.Tensor2D {
  const r2 = tf.sum(tf.square(tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0))), 2);
  return (kernel === 'rbf' ? tf.exp(tf.div(r2, -twoH2)) : tf.div(twoH2, tf.add(r2, twoH2))) as tf.Tensor2D;
}

/** The mean of the off-diagonal entries of a square Gram matrix. Call inside `tf.tidy`. */
function offDiagonalMean(k: tf.Tensor2D): tf.Scalar {
  const m = k.shape[0];
  const offDiagonal = tf.sub(1, tf.eye(m));
  return tf.div(tf.sum(tf.mul(k, offDiagonal)), m * (m - 1)) as tf.Scalar;
}

/**
 * The unbiased estimate of the squared maximum mean discrepancy between the distributions of two
 * sample sets (Gretton et al. 2012, "A Kernel Two-Sample Test", eq. 3):
 *
 * `MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ)`
 *
 * with the kernel `k` of {@link MmdKernel}. Zero in expectation when both sets come from the same
 * distribution (so a single estimate can be slightly negative). In InfoVAE / WAE-MMD, `x` are codes
 * `z ~ q(z)` of a batch and `y` draws from the prior. Differentiable in both sets; runs in `tf.tidy`;
 * the caller owns the result.
 *
 * @param x - samples `[m, d]`, `m >= 2`.
 * @param y - samples `[n, d]`, `n >= 2`, the same `d`.
 * @param options - `{ kernel = 'rbf', bandwidth = √d }`.
 * @returns a `tf.Scalar`.
 * @throws TypeError when an argument is not a tensor; Error on a shape mismatch or a bad option.
 * @category Losses
 * @example
 * ```ts
 * const z = tf.randomNormal([64, 8], 0, 1, 'float32', 1);
 * const prior = tf.randomNormal([64, 8], 0, 1, 'float32', 2);
 * mmd(z, prior, { kernel: 'imq' }); // ≈ 0: same distribution
 * ```
 */
export function mmd(x: tf.Tensor, y: tf.Tensor, options?: MmdOptions): tf.Scalar {
  const fn = 'mmd';
  const a = checkSamples(x, fn, 'x');
  const b = checkSamples(y, fn, 'y');
  const d = a.shape[1];
  if (b.shape[1] !== d) throw new Error(`${fn}: argument 'y' must have shape [?,${d}] (the width of 'x'), got shape ${formatShape(b.shape)}`);
  const opts = readOptions(options, MMD_KEYS, fn);
  const kernel = opts['kernel'] ?? 'rbf';
  assertOneOf(kernel, ['rbf', 'imq'] as const, fn, 'options.kernel');
  const bandwidth = readNumber(opts, 'bandwidth', Math.sqrt(d), fn, { min: 0, minExclusive: true });
  const twoH2 = 2 * bandwidth * bandwidth;
  return tf.tidy(() => {
    const xf = asFloat(a) as tf.Tensor2D;
    const yf = asFloat(b) as tf.Tensor2D;
    const xx = offDiagonalMean(gram(xf, xf, kernel, twoH2));
    const yy = offDiagonalMean(gram(yf, yf, kernel, twoH2));
    const xy = tf.mean(gram(xf, yf, kernel, twoH2));
    return tf.sub(tf.add(xx, yy), tf.mul(xy, 2)) as tf.Scalar;
  });
}
