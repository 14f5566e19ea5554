/**
 * Reconstruction losses: mean squared error and binary cross-entropy (on probabilities and on logits).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  asFloat,
  checkInput,
  checkSameShape,
  readNumber,
  readOptions,
  readReduction,
  reduceFeatureMean,
} from './internal.js';
import type { LossResult, Reduction } from './internal.js';

/**
 * Options of {@link mse} and {@link bceWithLogits}.
 * @category Losses
 */
export interface ReductionOptions {
  /** How per-sample values are combined over the batch; see {@link Reduction}. Default `'mean'`. */
  readonly reduction?: Reduction;
}

/** Options of {@link mse}. @category Losses */
export type MseOptions = ReductionOptions;

/** Options of {@link bceWithLogits}. @category Losses */
export type BceWithLogitsOptions = ReductionOptions;

/**
 * Options of {@link bce}.
 * @category Losses
 */
export interface BceOptions extends ReductionOptions {
  /**
   * Probabilities are clipped to `[epsilon, 1 - epsilon]` before the logarithms, so that a
   * saturated 0 or 1 gives a large finite loss (about -log(epsilon)) instead of Infinity or NaN.
   * Must be in (0, 0.5). Default `1e-7`.
   */
  readonly epsilon?: number;
}

const REDUCTION_KEYS = ['reduction'] as const;
const BCE_KEYS = ['reduction', 'epsilon'] as const;

/** A float32 0/1 mask of `a === b` (true where a clip left its input unchanged). @internal */
function unclipped(clipped: tf.Tensor, input: tf.Tensor): tf.Tensor {
  return tf.cast(tf.equal(clipped, input), 'float32');
}

/**
 * Element-wise binary cross-entropy of probabilities clipped to [ε, 1-ε]:
 * `-(t·log(p̃) + (1-t)·log(1-p̃))`. `1 - p` is clipped on its own (it is exact in float32 for
 * p >= 0.5), so the bound `1 - ε`, which float32 cannot hold for ε = 1e-7, never enters a log.
 *
 * Its gradient is written out (tf.customGrad): with `a = clip(p)`, `b = clip(1 - p)`,
 * `∂/∂p = (1-t)/b·[b unclipped] - t/a·[a unclipped]` and `∂/∂t = log b - log a` — the same
 * values as differentiating the clips, in 13 kernels instead of about 48.
 * Call inside `tf.tidy`; inputs float32 and of the same shape.
 * @internal
 */
export function bceElements(target: tf.Tensor, probabilities: tf.Tensor, epsilon: number): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, p, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const q = tf.sub(1, p);
    const a = tf.clipByValue(p, epsilon, 1 - epsilon);
    const b = tf.clipByValue(q, epsilon, 1 - epsilon);
    const logA = tf.log(a);
    const logB = tf.log(b);
    const logRatio = tf.sub(logB, logA);
    save([t, p, q, a, b, logRatio]);
    // -(t·logA + (1-t)·logB) = t·(logB - logA) - logB
    return {
      value: tf.sub(tf.mul(t, logRatio), logB),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ts, ps, qs, as, bs, ratio] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const fromB = tf.mul(tf.div(tf.sub(1, ts), bs), unclipped(bs, qs));
        const fromA = tf.mul(tf.div(ts, as), unclipped(as, ps));
        return [tf.mul(dy, ratio), tf.mul(dy, tf.sub(fromB, fromA))];
      },
    };
  });
  return op(target, probabilities);
}

/**
 * Element-wise binary cross-entropy of logits in its stable form
 * `max(l, 0) - l·t + log(1 + e^-|l|)`, finite for any l. Its gradient is written out
 * (tf.customGrad): `∂/∂l = sigmoid(l) - t`, `∂/∂t = -l` (5 kernels instead of about 33).
 * Call inside `tf.tidy`; inputs float32 and of the same shape.
 * @internal
 */
export function bceWithLogitsElements(target: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, l, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([t, l]);
    const softplusTail = tf.log1p(tf.exp(tf.neg(tf.abs(l))));
    return {
      value: tf.add(tf.sub(tf.relu(l), tf.mul(l, t)), softplusTail),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ts, ls] = saved as [tf.Tensor, tf.Tensor];
        return [tf.mul(dy, tf.neg(ls)), tf.mul(dy, tf.sub(tf.sigmoid(ls), ts))];
      },
    };
  });
  return op(target, logits);
}

/**
 * Mean squared error: the mean of `(target - prediction)²`.
 *
 * Shapes: `target` and `prediction` are the same shape `[batch, ...features]` (any rank >= 1;
 * the first axis is the batch, all other axes are features). The per-sample value is the mean of
 * the squared errors over that sample's features, so:
 * - `reduction: 'mean'` (default): mean over all elements, a `tf.Scalar`;
 * - `'sum'`: the sum over the batch of the per-sample means (= the sum of all squared errors
 *   divided by the number of features — not PyTorch's sum over all elements), a `tf.Scalar`;
 * - `'none'`: the per-sample means, shape `[batch]`.
 *
 * Runs in `tf.tidy`; the inputs are not disposed; the caller owns (and disposes) the result.
 * Differentiable in both arguments.
 *
 * @param target - the data, `[batch, ...features]` (float32, int32 or bool; cast to float32).
 * @param prediction - the reconstruction, same shape as `target`.
 * @param options - `{ reduction }`, see above.
 * @returns a `tf.Scalar`, or a `tf.Tensor1D` `[batch]` with `reduction: 'none'`.
 * @throws TypeError when an argument is not a tensor; Error when the shapes differ (naming both
 *   shapes), the input is empty or rank 0, or an option is invalid.
 * @category Losses
 * @example
 * ```ts
 * const x = tf.tensor2d([[0, 1], [1, 1]]);
 * const y = tf.tensor2d([[0, 0], [1, 3]]);
 * mse(x, y).dataSync();                         //=> [1.25]  ((0+1+0+4)/4)
 * mse(x, y, { reduction: 'none' }).dataSync();  //=> [0.5, 2]
 * mse(x, y, { reduction: 'sum' }).dataSync();   //=> [2.5]
 * ```
 */
export function mse<O extends MseOptions = Record<never, never>>(target: tf.Tensor, prediction: tf.Tensor, options?: O): LossResult<O>;
export function mse(target: tf.Tensor, prediction: tf.Tensor, options?: MseOptions): tf.Scalar | tf.Tensor1D {
  const fn = 'mse';
  const t = checkInput(target, fn, 'target');
  const p = checkInput(prediction, fn, 'prediction');
  checkSameShape(t, p, fn, 'target', 'prediction');
  const reduction = readReduction(readOptions(options, REDUCTION_KEYS, fn), fn);
  return tf.tidy(() => reduceFeatureMean(tf.squaredDifference(asFloat(t), asFloat(p)), reduction)) as tf.Scalar | tf.Tensor1D;
}

/**
 * Binary cross-entropy on probabilities:
 * `-(t·log(p̃) + (1-t)·log(1-p̃))` with `p̃ = clip(p, ε, 1-ε)`, averaged as in {@link mse}.
 *
 * Use it when the decoder ends in a sigmoid; when you have the logits, {@link bceWithLogits} is
 * more accurate. Targets are usually in [0, 1] (binary or soft); they are not checked (that would
 * read the data back every step). The gradient with respect to a clipped probability is 0.
 *
 * Shapes and reductions: as {@link mse} (per-sample value = mean over the features;
 * `'mean'` = mean over all elements, `'sum'` = sum over the batch of the per-sample means,
 * `'none'` = `[batch]`). Runs in `tf.tidy`; the caller owns the result.
 *
 * @param target - targets in [0, 1], `[batch, ...features]`.
 * @param probabilities - predicted probabilities, same shape as `target`.
 * @param options - `{ reduction = 'mean', epsilon = 1e-7 }`.
 * @returns a `tf.Scalar`, or a `tf.Tensor1D` `[batch]` with `reduction: 'none'`.
 * @throws TypeError when an argument is not a tensor; Error on a shape mismatch or a bad option.
 * @category Losses
 * @example
 * ```ts
 * const t = tf.tensor2d([[1, 0]]);
 * const p = tf.tensor2d([[0.9, 0.2]]);
 * bce(t, p).dataSync(); //=> [0.1643]  (-(log 0.9 + log 0.8) / 2)
 * ```
 */
export function bce<O extends BceOptions = Record<never, never>>(target: tf.Tensor, probabilities: tf.Tensor, options?: O): LossResult<O>;
export function bce(target: tf.Tensor, probabilities: tf.Tensor, options?: BceOptions): tf.Scalar | tf.Tensor1D {
  const fn = 'bce';
  const t = checkInput(target, fn, 'target');
  const p = checkInput(probabilities, fn, 'probabilities');
  checkSameShape(t, p, fn, 'target', 'probabilities');
  const opts = readOptions(options, BCE_KEYS, fn);
  const reduction = readReduction(opts, fn);
  const epsilon = readNumber(opts, 'epsilon', 1e-7, fn, { min: 0, max: 0.5, minExclusive: true, maxExclusive: true });
  return tf.tidy(() => reduceFeatureMean(bceElements(asFloat(t), asFloat(p), epsilon), reduction)) as tf.Scalar | tf.Tensor1D;
}

/**
 * Binary cross-entropy on logits, in the stable form
 * `max(l, 0) - l·t + log(1 + e^-|l|)` (= `-(t·log σ(l) + (1-t)·log(1-σ(l)))` without overflow or
 * log(0): finite for any logit, gradient `σ(l) - t`).
 *
 * Shapes and reductions: as {@link mse} (per-sample value = mean over the features).
 * Runs in `tf.tidy`; the caller owns the result.
 *
 * @param target - targets in [0, 1], `[batch, ...features]`.
 * @param logits - pre-sigmoid outputs, same shape as `target`.
 * @param options - `{ reduction = 'mean' }`.
 * @returns a `tf.Scalar`, or a `tf.Tensor1D` `[batch]` with `reduction: 'none'`.
 * @throws TypeError when an argument is not a tensor; Error on a shape mismatch or a bad option.
 * @category Losses
 * @example
 * ```ts
 * const t = tf.tensor2d([[1, 0]]);
 * const l = tf.tensor2d([[100, -100]]);
 * bceWithLogits(t, l).dataSync(); //=> [≈0]  (finite and exact; bce on sigmoid outputs would clip)
 * ```
 */
export function bceWithLogits<O extends BceWithLogitsOptions = Record<never, never>>(
  target: tf.Tensor,
  logits: tf.Tensor,
  options?: O,
): LossResult<O>;
export function bceWithLogits(target: tf.Tensor, logits: tf.Tensor, options?: BceWithLogitsOptions): tf.Scalar | tf.Tensor1D {
  const fn = 'bceWithLogits';
  const t = checkInput(target, fn, 'target');
  const l = checkInput(logits, fn, 'logits');
  checkSameShape(t, l, fn, 'target', 'logits');
  const reduction = readReduction(readOptions(options, REDUCTION_KEYS, fn), fn);
  return tf.tidy(() => reduceFeatureMean(bceWithLogitsElements(asFloat(t), asFloat(l)), reduction)) as tf.Scalar | tf.Tensor1D;
}
