/**
 * Which features make a sample anomalous: the reconstruction error of each feature, and the
 * features with the largest errors.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DataInput, assertNumber, assertOneOf, readOptions, toTensor, typeFail } from '../core/index.js';
import { checkSamples, modelKind, requireFitted } from './scores.js';
import type { Kind, ReconstructingModel, ScorableModel, VariationalModel } from './scores.js';

/**
 * Options of {@link featureErrors}.
 * @category Anomaly detection
 */
export interface FeatureErrorOptions {
  /** `'squared'`: `(x_ij − x̂_ij)²` (default; its row mean is the `'mse'` score); `'absolute'`: `|x_ij − x̂_ij|`. */
  readonly error?: 'squared' | 'absolute';
}

/** A PCA-like model that can reconstruct (the package's `PCA` can). @internal */
interface ReconstructingProjection {
  transform(x: tf.Tensor2D): tf.Tensor2D;
  inverseTransform(z: tf.Tensor2D): tf.Tensor2D;
}

/** The reconstruction of a batch `[n, ...features]` by any scorable model. Call inside `tf.tidy`. @internal */
export function reconstructBatch(model: ScorableModel, kind: Kind, x: tf.Tensor, fn: string): tf.Tensor {
  if (kind !== 'pca') return (model as ReconstructingModel | VariationalModel).reconstruct(x);
  const m = model as Partial<ReconstructingProjection>;
  if (typeof m.transform !== 'function' || typeof m.inverseTransform !== 'function') {
    throw new TypeError(`${fn}: argument 'model' is a PCA-like model without transform and inverseTransform: per-feature errors need the reconstruction`);
  }
  const flat = tf.reshape(x, [x.shape[0]!, x.size / x.shape[0]!]) as tf.Tensor2D;
  return tf.reshape(m.inverseTransform(m.transform(flat)), x.shape);
}

/** Per-feature errors of checked float32 data, `[n, d]`. @internal */
export function featureErrorTensor(model: ScorableModel, kind: Kind, data: tf.Tensor, error: 'squared' | 'absolute', fn: string): tf.Tensor2D {
  return tf.tidy(() => {
    const x = data.dtype === 'float32' ? data : tf.cast(data, 'float32');
    const diff = tf.sub(x, reconstructBatch(model, kind, x, fn));
    const e = error === 'squared' ? tf.square(diff) : tf.abs(diff);
    return tf.reshape(e, [x.shape[0]!, x.size / x.shape[0]!]) as tf.Tensor2D;
  });
}

/** Reads the `error` option. @internal */
export function readErrorKind(options: unknown, fn: string, known: readonly string[] = ['error']): { error: 'squared' | 'absolute'; opts: Record<string, unknown> } {
  const opts = readOptions(options, known, fn);
  const error = opts['error'] ?? 'squared';
  assertOneOf(error, ['squared', 'absolute'] as const, fn, 'options.error');
  return { error, opts };
}

/**
 * Per-feature reconstruction errors: for each sample `x_i` and feature `j` (all axes after the
 * first, flattened row-major), `e_ij = (x_ij − x̂_ij)²` (or `|x_ij − x̂_ij|` with
 * `error: 'absolute'`), `x̂` the model's reconstruction (see {@link AnomalyMetric}: an
 * autoencoder's `decoder(encoder(x))`, a VAE's `decoder(μ(x))`, a PCA's projection back). The
 * row means of the squared errors are the `'mse'` scores of {@link anomalyScores}; the largest
 * entries of a row say which features make that sample anomalous.
 *
 * @param model - an `Autoencoder`, `VAE` or fitted `PCA` (with `transform` / `inverseTransform`).
 * @param x - samples `[n, ...features]` (any {@link DataInput}); not disposed.
 * @param options - `{ error = 'squared' }`.
 * @returns a new tensor `[n, d]` (d = features per sample); the caller disposes it.
 * @throws TypeError when `model` is none of the three kinds or `x` is not data; Error when the
 *   model was disposed or is not fitted, on a bad option, or when `x` does not fit the model.
 * @category Anomaly detection
 * @example
 * ```ts
 * const ae = denseAutoencoder({ inputDim: 4, hidden: [8], latentDim: 2, seed: 1 });
 * const e = featureErrors(ae, [[0.1, 0.2, 0.3, 0.4]]); // tf.Tensor2D [1, 4]
 * e.dispose();
 * ```
 */
export function featureErrors(model: ScorableModel, x: DataInput, options?: FeatureErrorOptions): tf.Tensor2D {
  const fn = 'featureErrors';
  const kind = modelKind(model, fn);
  const { error } = readErrorKind(options, fn);
  requireFitted(model, kind, fn);
  const data = toTensor(x, fn, 'x');
  try {
    checkSamples(data, model, kind, fn, 'x');
    return featureErrorTensor(model, kind, data, error, fn);
  } finally {
    if (data !== x) data.dispose();
  }
}

/**
 * The features with the largest errors of one sample, in decreasing order of error.
 * @category Anomaly detection
 */
export interface FeatureExplanation {
  /** Feature indices (into the flattened sample), largest error first. */
  readonly features: readonly number[];
  /** Their errors, in the same order. */
  readonly errors: readonly number[];
}

/** The `top` largest entries of each row of `errors` (`n` rows of `d`). @internal */
export function topFeatures(errors: Float32Array, n: number, d: number, top: number): FeatureExplanation[] {
  const out: FeatureExplanation[] = [];
  const k = Math.min(top, d);
  for (let i = 0; i < n; i++) {
    const row = errors.subarray(i * d, (i + 1) * d);
    // Stable: ties keep the lower index first.
    const order = Array.from({ length: d }, (_, j) => j).sort((a, b) => row[b]! - row[a]! || a - b).slice(0, k);
    out.push({ features: order, errors: order.map((j) => row[j]!) });
  }
  return out;
}

/** Reads the `top` option (an integer >= 1, default 3). @internal */
export function readTop(value: unknown, fn: string): number {
  const top = value ?? 3;
  if (typeof top !== 'number') typeFail(fn, 'options.top', 'an integer >= 1', top);
  assertNumber(top, fn, 'options.top', { integer: true, min: 1 });
  return top;
}
