/**
 * Sparsity regularisers of the sparse autoencoder: the L1 penalty and the Bernoulli KL penalty.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { asFloat, checkInput, readNumber, readOptions, readReduction, reduceFeatureSum } from './internal.js';
import type { LossResult, Reduction } from './internal.js';

/**
 * Options of {@link l1Sparsity}.
 * @category Losses
 */
export interface L1SparsityOptions {
  /** The multiplier λ (finite, >= 0). Default `1`. */
  readonly weight?: number;
  /** How per-sample penalties are combined over the batch; see {@link Reduction}. Default `'mean'`. */
  readonly reduction?: Reduction;
}

/**
 * Options of {@link klBernoulliSparsity}.
 * @category Losses
 */
export interface KlBernoulliSparsityOptions {
  /** The target mean activation ρ, in (0, 1). Default `0.05`. */
  readonly rho?: number;
  /** The multiplier (finite, >= 0). Default `1`. */
  readonly weight?: number;
  /** The mean activations ρ̂ are clipped to `[epsilon, 1 - epsilon]`, in (0, 0.5). Default `1e-7`. */
  readonly epsilon?: number;
}

const L1_KEYS = ['weight', 'reduction'] as const;
const KL_KEYS = ['rho', 'weight', 'epsilon'] as const;

/** `|x|` whose gradient is `sign(x)` (0 at 0, like PyTorch), not tfjs's -1 at 0. @internal */
function absWithSignGradient(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    return {
      value: tf.abs(input),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0]!)),
    };
  });
  return op(x);
}

/**
 * The L1 sparsity penalty of a sparse autoencoder: `weight · Σ_j |a_j|` per sample, averaged
 * over the batch by default — the `λ Σ_i |a_i^(h)|` term of the lecture notes.
 *
 * Shapes: `activations` is `[batch, ...units]` (any rank >= 1; all axes after the first are
 * units). The per-sample value is `weight · Σ_j |a_j|` over that sample's units:
 * `reduction: 'mean'` (default) gives its mean over the batch (a `tf.Scalar`), `'sum'` the sum,
 * `'none'` the `[batch]` vector. The gradient at an activation of exactly 0 is 0.
 *
 * Runs in `tf.tidy`; the input is not disposed; the caller owns the result.
 *
 * @param activations - the code (hidden activations) `[batch, ...units]`.
 * @param options - `{ weight = 1, reduction = 'mean' }`.
 * @returns a `tf.Scalar`, or a `tf.Tensor1D` `[batch]` with `reduction: 'none'`.
 * @throws TypeError when `activations` is not a tensor; Error when it is empty or rank 0 or an
 *   option is invalid.
 * @category Losses
 * @example
 * ```ts
 * const code = tf.tensor2d([[0, -1, 2], [0.5, 0, 0]]);
 * l1Sparsity(code).dataSync();                  //=> [1.75]  ((3 + 0.5) / 2)
 * l1Sparsity(code, { weight: 0.1, reduction: 'none' }).dataSync(); //=> [0.3, 0.05]
 * ```
 */
export function l1Sparsity<O extends L1SparsityOptions = Record<never, never>>(activations: tf.Tensor, options?: O): LossResult<O>;
export function l1Sparsity(activations: tf.Tensor, options?: L1SparsityOptions): tf.Scalar | tf.Tensor1D {
  const fn = 'l1Sparsity';
  const a = checkInput(activations, fn, 'activations');
  const opts = readOptions(options, L1_KEYS, fn);
  const weight = readNumber(opts, 'weight', 1, fn, { min: 0 });
  const reduction = readReduction(opts, fn);
  return tf.tidy(() => reduceFeatureSum(absWithSignGradient(asFloat(a)), reduction, weight)) as tf.Scalar | tf.Tensor1D;
}

/**
 * The KL sparsity penalty of a sparse autoencoder (lecture notes: `Σ_j KL(ρ ‖ ρ̂_j)`):
 *
 * `weight · Σ_j [ ρ·log(ρ/ρ̂_j) + (1-ρ)·log((1-ρ)/(1-ρ̂_j)) ]`
 *
 * where `ρ̂_j` is the mean activation of unit `j` over the batch, clipped to `[ε, 1-ε]`. It pushes
 * each unit to be active (close to 1) on a fraction ρ of the samples. Meant for activations in
 * (0, 1), e.g. sigmoid codes; values are not checked (that would read the data back every step).
 *
 * Shapes: `activations` is `[batch, ...units]` (rank >= 1; all axes after the first are units).
 * The penalty is a statistic of the whole batch, so there is no per-sample value and no
 * `reduction`: the result is always a `tf.Scalar`. Runs in `tf.tidy`; the caller owns the result.
 *
 * @param activations - sigmoid codes `[batch, ...units]` in (0, 1).
 * @param options - `{ rho = 0.05, weight = 1, epsilon = 1e-7 }`.
 * @returns a `tf.Scalar`.
 * @throws TypeError when `activations` is not a tensor; Error when it is empty or rank 0 or an
 *   option is out of range.
 * @category Losses
 * @example
 * ```ts
 * const code = tf.tensor2d([[0.1, 0.5], [0.1, 0.3]]); // ρ̂ = [0.1, 0.4]
 * klBernoulliSparsity(code, { rho: 0.1 }).dataSync(); //=> [0.2263]  (0 + KL(0.1 ‖ 0.4))
 * ```
 */
export function klBernoulliSparsity(activations: tf.Tensor, options?: KlBernoulliSparsityOptions): tf.Scalar {
  const fn = 'klBernoulliSparsity';
  const a = checkInput(activations, fn, 'activations');
  const opts = readOptions(options, KL_KEYS, fn);
  const rho = readNumber(opts, 'rho', 0.05, fn, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const weight = readNumber(opts, 'weight', 1, fn, { min: 0 });
  const epsilon = readNumber(opts, 'epsilon', 1e-7, fn, { min: 0, max: 0.5, minExclusive: true, maxExclusive: true });
  return tf.tidy(() => {
    const rhoHat = tf.mean(asFloat(a), 0);
    // log ρ̂ and log(1-ρ̂), each clipped like bce (1-ρ̂ is clipped on its own: float32 cannot hold 1-1e-7).
    const logRhoHat = tf.log(tf.clipByValue(rhoHat, epsilon, 1 - epsilon));
    const logOneMinus = tf.log(tf.clipByValue(tf.sub(1, rhoHat), epsilon, 1 - epsilon));
    const perUnit = tf.add(
      tf.mul(tf.sub(Math.log(rho), logRhoHat), rho),
      tf.mul(tf.sub(Math.log1p(-rho), logOneMinus), 1 - rho),
    );
    return tf.mul(tf.sum(perUnit), weight);
  });
}
