/**
 * Shared validation and reduction helpers of the loss functions. Nothing here is public.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf, assertTensor, fail, formatShape, typeFail } from '../core/index.js';
import type { NumberRule } from '../core/index.js';

/**
 * How a loss turns its per-sample values into the returned tensor:
 * - `'mean'`: the mean over the batch of the per-sample values (a `tf.Scalar`);
 * - `'sum'`: the sum over the batch of the per-sample values (a `tf.Scalar`);
 * - `'none'`: the per-sample values themselves, shape `[batch]`.
 *
 * The batch is the first axis of the inputs. Every loss documents what its per-sample value is
 * (for {@link mse} and {@link bce}: the mean over the features of that sample), so the same
 * rule holds everywhere: `'mean'` and `'sum'` are the mean and the sum of what `'none'` returns.
 *
 * @category Losses
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * The result type of a loss called with options `O`: `tf.Tensor1D` (`[batch]`) when the
 * reduction is `'none'`, `tf.Scalar` when it is `'mean'` or `'sum'`, and
 * `tf.Scalar | tf.Tensor1D` when it is only known at run time. `Default` is the loss's default
 * reduction (`'mean'` for all but {@link gaussianKl}).
 *
 * @category Losses
 */
export type LossResult<O, Default extends 'mean' | 'none' = 'mean'> = 'reduction' extends keyof O
  ? O extends { readonly reduction: infer R }
    ? [R] extends ['none']
      ? tf.Tensor1D
      : [R] extends ['mean' | 'sum']
        ? tf.Scalar
        : tf.Scalar | tf.Tensor1D
    : tf.Scalar | tf.Tensor1D
  : Default extends 'none'
    ? tf.Tensor1D
    : tf.Scalar;

/** @internal */
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

export { readOptions } from '../core/index.js';

/** Reads `options.reduction` (default `fallback`). @internal */
export function readReduction(options: Record<string, unknown>, fn: string, fallback: Reduction = 'mean'): Reduction {
  const value = options['reduction'] ?? fallback;
  assertOneOf(value, REDUCTIONS, fn, 'options.reduction');
  return value;
}

/** Reads a numeric option with a default, checked against `rule`. @internal */
export function readNumber(options: Record<string, unknown>, key: string, fallback: number, fn: string, rule: NumberRule): number {
  const value = options[key] ?? fallback;
  assertNumber(value, fn, `options.${key}`, rule);
  return value;
}

/**
 * Checks a loss input: a live tensor of a numeric dtype, rank >= 1 (batch first), not empty.
 * @internal
 */
export function checkInput(x: unknown, fn: string, arg: string): tf.Tensor {
  assertTensor(x, fn, arg);
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    typeFail(fn, arg, 'a float32, int32 or bool tensor', x);
  }
  if (x.rank < 1) fail(fn, arg, 'a tensor of rank >= 1 with the batch on the first axis', x);
  if (x.size === 0) fail(fn, arg, 'a non-empty tensor', x);
  return x;
}

/**
 * Throws unless `x` has the shape of `reference`:
 * `fn: argument 'x' must have shape [4,3] (the shape of 'target'), got shape [4,2]`.
 * @internal
 */
export function checkSameShape(reference: tf.Tensor, x: tf.Tensor, fn: string, referenceArg: string, arg: string): void {
  if (reference.rank !== x.rank || reference.shape.some((s, i) => s !== x.shape[i])) {
    throw new Error(
      `${fn}: argument '${arg}' must have shape ${formatShape(reference.shape)} (the shape of '${referenceArg}'), got shape ${formatShape(x.shape)}`,
    );
  }
}

/** Throws unless `x` has `batch` rows (first axis). @internal */
export function checkBatch(x: tf.Tensor, batch: number, fn: string, referenceArg: string, arg: string): void {
  if (x.shape[0] !== batch) {
    throw new Error(
      `${fn}: argument '${arg}' must have shape [${batch},...] (the batch size of '${referenceArg}'), got shape ${formatShape(x.shape)}`,
    );
  }
}

/** `x` as float32 (a cast for int32/bool). Call inside `tf.tidy`. @internal */
export function asFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/** The feature axes `[1, …, rank-1]` of a batch-first tensor. @internal */
export function featureAxes(rank: number): number[] {
  return Array.from({ length: rank - 1 }, (_, i) => i + 1);
}

/**
 * Reduces element-wise losses `e` (`[batch, ...features]`) whose per-sample value is the MEAN
 * over the features. Call inside `tf.tidy`.
 * @internal
 */
export function reduceFeatureMean(e: tf.Tensor, reduction: Reduction): tf.Tensor {
  const batch = e.shape[0]!;
  const features = e.size / batch;
  switch (reduction) {
    case 'mean':
      return tf.mean(e);
    case 'sum':
      return features === 1 ? tf.sum(e) : tf.mul(tf.sum(e), 1 / features);
    case 'none':
      return e.rank === 1 ? e : tf.mean(e, featureAxes(e.rank));
  }
}

/**
 * Reduces element-wise terms `e` (`[batch, ...features]`) whose per-sample value is the SUM
 * over the features, times `scale`. Call inside `tf.tidy`.
 * @internal
 */
export function reduceFeatureSum(e: tf.Tensor, reduction: Reduction, scale = 1): tf.Tensor {
  const batch = e.shape[0]!;
  const factor = reduction === 'mean' ? scale / batch : scale;
  const reduced = reduction === 'none' ? (e.rank === 1 ? e : tf.sum(e, featureAxes(e.rank))) : tf.sum(e);
  return factor === 1 ? reduced : tf.mul(reduced, factor);
}

/** Reduces per-sample values `[batch]` over the batch. Call inside `tf.tidy`. @internal */
export function reduceBatch(v: tf.Tensor, reduction: Reduction): tf.Tensor {
  switch (reduction) {
    case 'mean':
      return tf.mean(v);
    case 'sum':
      return tf.sum(v);
    case 'none':
      return v;
  }
}
