/**
 * Per-sample anomaly scores: the reconstruction error of an autoencoder, a VAE or PCA, or the
 * negative ELBO of a VAE.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DataInput, assertNumber, assertOneOf, deriveSeed, formatShape, toTensor, typeFail } from '../core/index.js';
import { bce, elbo, mse } from '../losses/index.js';
import { readOptions } from './internal.js';

/**
 * What an anomaly score measures:
 * - `'mse'`: the mean over the features of the squared reconstruction error,
 *   `(1/d) Σ_j (x_j − x̂_j)²` (the paper's score, and PCA's);
 * - `'bce'`: the mean over the features of the binary cross-entropy of `x` (in [0, 1]) under the
 *   reconstruction `x̂` (probabilities, clipped to [1e-7, 1 − 1e-7]);
 * - `'elbo'` (VAE only): the per-sample negative ELBO `−log p(x | z) + KL(q(z|x) ‖ N(0, I))`,
 *   an upper bound on `−log p(x)`, with `z` drawn from `q(z|x)` (see {@link AnomalyScoreOptions.samples});
 * - `'nll'` (PCA only): the negative log-likelihood `−log p(x)` of the sample under the
 *   probabilistic PCA model (`−pca.scoreSamples(x)`, a sum over the features, not a mean).
 *
 * For an autoencoder `x̂ = decoder(encoder(x))`; for a VAE `x̂ = decoder(μ(x))` (the posterior
 * mean, no sampling); for PCA `x̂` is the projection back from the principal components.
 *
 * @category Anomaly detection
 */
export type AnomalyMetric = 'mse' | 'bce' | 'elbo' | 'nll';

/**
 * An autoencoder as {@link anomalyScores} needs it: `kind: 'autoencoder'` and a deterministic
 * `reconstruct(x)` (the package's `Autoencoder` is one).
 * @category Anomaly detection
 */
export interface ReconstructingModel {
  readonly kind: 'autoencoder';
  /** `x̂ = decoder(encoder(x))`, same shape as `x`; the caller owns the result. */
  reconstruct(x: tf.Tensor): tf.Tensor;
}

/**
 * A VAE as {@link anomalyScores} needs it: `kind: 'vae'`, the likelihood, `reconstruct(x)` at
 * `z = μ(x)` and `forward(x, { seed })` (the package's `VAE` is one).
 * @category Anomaly detection
 */
export interface VariationalModel {
  readonly kind: 'vae';
  /** The decoder likelihood: `'bernoulli'` (the decoder gives probabilities) or `'gaussian'` (means). */
  readonly likelihood: 'bernoulli' | 'gaussian';
  /** `decoder(μ(x))`; the caller owns the result. */
  reconstruct(x: tf.Tensor): tf.Tensor;
  /** One pass with `z = μ + σ·ε` drawn from `seed`; the caller owns all four tensors. */
  forward(
    x: tf.Tensor,
    options: { readonly seed?: number },
  ): { readonly reconstruction: tf.Tensor; readonly mean: tf.Tensor; readonly logVar: tf.Tensor; readonly z: tf.Tensor };
}

/**
 * A fitted linear model as {@link anomalyScores} needs it: `reconstructionError(x)`, the
 * per-sample squared error of the projection back from the components (the package's `PCA` is one).
 * @category Anomaly detection
 */
export interface ProjectionModel {
  /** Per-sample reconstruction errors of `[n, d]` rows. */
  reconstructionError(x: tf.Tensor2D): ArrayLike<number>;
  /** Per-sample log-likelihoods of `[n, d]` rows (for `metric: 'nll'`; the package's `PCA` has it). */
  scoreSamples?(x: tf.Tensor2D): ArrayLike<number>;
}

/**
 * Anything {@link anomalyScores} can score: an `Autoencoder`, a `VAE` or a fitted `PCA` of the
 * package, or an object of the same shape. The kind is recognised by its `kind` field
 * (`'autoencoder'`, `'vae'`) or, for PCA, by its `reconstructionError` method.
 * @category Anomaly detection
 */
export type ScorableModel = ReconstructingModel | VariationalModel | ProjectionModel;

/**
 * Options of {@link anomalyScores}.
 * @category Anomaly detection
 */
export interface AnomalyScoreOptions {
  /** What the score measures, see {@link AnomalyMetric}. Default `'mse'`. */
  readonly metric?: AnomalyMetric;
  /**
   * Samples scored per step (an integer >= 1): memory grows with it, the result does not
   * depend on it. Default `256`.
   */
  readonly batchSize?: number;
  /**
   * `metric: 'elbo'` only: how many draws `z ~ q(z|x)` the reconstruction term is averaged
   * over (an integer >= 1). Default `1`.
   */
  readonly samples?: number;
  /**
   * `metric: 'elbo'` only: seed of the draws of `z` (a non-negative integer); the same seed
   * and the same `batchSize` give the same scores on a backend (each batch draws from its own
   * seed, derived from this one and the batch index). Default `0`: scores are reproducible.
   */
  readonly seed?: number;
}

const SCORE_KEYS = ['metric', 'batchSize', 'samples', 'seed'] as const;
const METRICS: readonly AnomalyMetric[] = ['mse', 'bce', 'elbo', 'nll'];

/** The resolved options of {@link anomalyScores}. @internal */
export interface ResolvedScoreOptions {
  readonly metric: AnomalyMetric;
  readonly batchSize: number;
  readonly samples: number;
  readonly seed: number;
}

/** Reads and checks the options of {@link anomalyScores}. @internal */
export function resolveScoreOptions(options: unknown, fn: string, arg = 'options'): ResolvedScoreOptions {
  const opts = readOptions(options, SCORE_KEYS, fn, arg);
  const { metric = 'mse', batchSize = 256, samples = 1, seed = 0 } = opts;
  assertOneOf(metric, METRICS, fn, `${arg}.metric`);
  assertNumber(batchSize, fn, `${arg}.batchSize`, { integer: true, min: 1 });
  assertNumber(samples, fn, `${arg}.samples`, { integer: true, min: 1 });
  assertNumber(seed, fn, `${arg}.seed`, { integer: true, min: 0 });
  return { metric, batchSize, samples, seed };
}

/** The three kinds of scorable model. @internal */
export type Kind = 'autoencoder' | 'vae' | 'pca';

/** Recognises the model kind by duck typing, with an error that says what is accepted. @internal */
export function modelKind(model: unknown, fn: string, arg = 'model'): Kind {
  if (typeof model === 'object' && model !== null) {
    const m = model as { kind?: unknown; reconstruct?: unknown; forward?: unknown; reconstructionError?: unknown; isDisposed?: unknown };
    if (m.isDisposed === true) throw new Error(`${fn}: argument '${arg}' was disposed`);
    if (m.kind === 'autoencoder' && typeof m.reconstruct === 'function') return 'autoencoder';
    if (m.kind === 'vae' && typeof m.reconstruct === 'function' && typeof m.forward === 'function') return 'vae';
    if (m.kind === 'cvae') {
      throw new Error(
        `${fn}: argument '${arg}' is a CVAE, whose reconstruction needs class labels; score with a VAE or an autoencoder trained on the background`,
      );
    }
    if (typeof m.reconstructionError === 'function') return 'pca';
  }
  return typeFail(fn, arg, "an Autoencoder, a VAE or a fitted PCA (an object with kind 'autoencoder' / 'vae', or a reconstructionError method)", model);
}

/** Per-sample scores of one batch of a network model, `[b]`. Call inside `tf.tidy`. @internal */
function networkBatchScores(model: ScorableModel, xb: tf.Tensor, o: ResolvedScoreOptions, batchIndex: number): tf.Tensor {
  if (o.metric !== 'elbo') {
    const reconstruction = (model as ReconstructingModel | VariationalModel).reconstruct(xb);
    return o.metric === 'mse' ? mse(xb, reconstruction, { reduction: 'none' }) : bce(xb, reconstruction, { reduction: 'none' });
  }
  const vae = model as VariationalModel;
  let total: tf.Tensor | null = null;
  for (let s = 0; s < o.samples; s++) {
    // One independent draw per (batch, sample), reproducible from the user's seed.
    const out = vae.forward(xb, { seed: deriveSeed(o.seed, batchIndex, s) });
    const { loss } = elbo({
      target: xb,
      reconstruction: out.reconstruction,
      mean: out.mean,
      logVar: out.logVar,
      likelihood: vae.likelihood === 'gaussian' ? 'gaussian' : 'bernoulli',
      beta: 1,
      reduction: 'none',
    });
    total = total === null ? loss : tf.add(total, loss);
  }
  return o.samples === 1 ? total! : tf.div(total!, o.samples);
}

/** Throws when `model` is a PCA that has not been fitted. @internal */
export function requireFitted(model: unknown, kind: Kind, fn: string, arg = 'model'): void {
  if (kind === 'pca' && (model as { isFitted?: unknown }).isFitted === false) {
    throw new Error(`${fn}: argument '${arg}' is a PCA that is not fitted yet: call its fit() first`);
  }
}

/**
 * Throws unless the samples `data` (`[n, ...features]`, n >= 1) fit `model`: the feature shape
 * of an autoencoder's or VAE's `inputShape`, or as many values per sample as a fitted PCA's
 * `nFeatures`. A model that declares neither is not checked here. @internal
 */
export function checkSamples(data: tf.Tensor, model: unknown, kind: Kind, fn: string, arg: string): void {
  if (data.rank < 1 || data.shape[0] === 0) {
    throw new Error(`${fn}: argument '${arg}' must be a non-empty batch [n, ...features], got shape ${formatShape(data.shape)}`);
  }
  const m = model as { inputShape?: unknown; isFitted?: unknown; nFeatures?: unknown };
  if (kind !== 'pca') {
    const shape = m.inputShape;
    if (!Array.isArray(shape)) return;
    const features = data.shape.slice(1);
    if (features.length !== shape.length || shape.some((s, i) => s !== null && s !== features[i])) {
      throw new Error(
        `${fn}: argument '${arg}' must have shape ${formatShape([null, ...(shape as (number | null)[])])} (the model's input shape), got shape ${formatShape(data.shape)}`,
      );
    }
    return;
  }
  if (m.isFitted === true && typeof m.nFeatures === 'number') {
    const d = data.size / data.shape[0]!;
    if (d !== m.nFeatures) {
      throw new Error(`${fn}: argument '${arg}' must have ${m.nFeatures} features per sample (the PCA's nFeatures), got shape ${formatShape(data.shape)}`);
    }
  }
}

/**
 * Per-sample anomaly scores: how badly a model trained on normal data (the background)
 * reconstructs each sample. The higher the score, the more anomalous the sample.
 *
 * For the samples `x_i` (rows of `x`) and the reconstruction `x̂_i` (see {@link AnomalyMetric}):
 * - `metric: 'mse'` (default): `score_i = (1/d) Σ_j (x_ij − x̂_ij)²`, d = features per sample
 *   (all axes after the first; the mean, not the sum, so scores of differently sized inputs
 *   compare);
 * - `'bce'`: `score_i = (1/d) Σ_j BCE(x_ij, x̂_ij)` (autoencoder or VAE with outputs in (0, 1));
 * - `'elbo'` (VAE only): `score_i = (1/L) Σ_l −log p(x_i | z_l) + KL(q(z|x_i) ‖ N(0, I))`,
 *   `z_l ~ q(z|x_i)` drawn from `seed`, with the model's likelihood and β = 1 whatever β the
 *   model was trained with (the bound on `−log p(x_i)`).
 *
 * Works for an `Autoencoder` (`x̂ = decoder(encoder(x))`), a `VAE` (`x̂ = decoder(μ(x))` for
 * `'mse'` / `'bce'`) and a fitted `PCA` (`'mse'` or `'nll'`; `x` must be 2-D `[n, d]`, or is flattened
 * to it), recognised by duck typing (see {@link ScorableModel}).
 *
 * Runs `batchSize` samples at a time, each batch in `tf.tidy`, and reads each batch's scores
 * back with `await data()` (so it does not block a browser's main thread and is async). No
 * tensor is left behind; a tensor `x` is not disposed.
 *
 * @param model - an `Autoencoder`, `VAE` or fitted `PCA` (trained on normal data).
 * @param x - the samples, `[n, ...features]` (any {@link DataInput}); for PCA `[n, d]`.
 * @param options - `{ metric = 'mse', batchSize = 256, samples = 1, seed = 0 }`.
 * @returns a promise of a `Float32Array` `[n]` of scores, in the order of the rows of `x`.
 * @throws TypeError when `model` is none of the three kinds or `x` is not data; Error when the
 *   model was disposed or is a PCA not yet fitted, when the metric does not apply to the model
 *   (`'elbo'` without a VAE, anything but `'mse'` with PCA), on a bad option, an empty `x`, a
 *   shape the model does not take (named against its `inputShape` / `nFeatures`), or a NaN
 *   score (NaN in the input, or a model that diverged).
 * @category Anomaly detection
 * @example
 * ```ts
 * const ae = denseAutoencoder({ inputDim: 784, hidden: [128], latentDim: 16, seed: 1 });
 * await train(ae, background, { epochs: 10, batchSize: 64, seed: 2 });
 * const scores = await anomalyScores(ae, testImages);          // Float32Array [n]
 * rocAuc(scores, testLabels);                                  // 1 = anomaly in testLabels
 * const vaeScores = await anomalyScores(vae, testImages, { metric: 'elbo', samples: 4, seed: 7 });
 * ```
 */
export async function anomalyScores(model: ScorableModel, x: DataInput, options?: AnomalyScoreOptions): Promise<Float32Array> {
  const fn = 'anomalyScores';
  const kind = modelKind(model, fn);
  const o = resolveScoreOptions(options, fn);
  if (o.metric === 'elbo' && kind !== 'vae') {
    throw new Error(`${fn}: metric 'elbo' needs a VAE, got ${kind === 'pca' ? 'a PCA' : 'an autoencoder'} (use 'mse' or 'bce')`);
  }
  if (o.metric === 'elbo' && (model as { prior?: { kind?: unknown } }).prior?.kind === 'vamp') {
    throw new Error(`${fn}: metric 'elbo' scores with the KL against N(0, I), but the VAE has a VampPrior; score it with logLikelihood (its negation) or 'mse' / 'bce'`);
  }
  if (o.metric === 'nll' && (kind !== 'pca' || typeof (model as ProjectionModel).scoreSamples !== 'function')) {
    throw new Error(`${fn}: metric 'nll' needs a model with a scoreSamples method (a fitted PCA), got ${kind === 'pca' ? 'a PCA-like model without one' : kind === 'vae' ? 'a VAE' : 'an autoencoder'}`);
  }
  if (kind === 'pca' && o.metric !== 'mse' && o.metric !== 'nll') {
    throw new Error(`${fn}: a PCA is scored by its squared reconstruction error: metric must be 'mse', got '${o.metric}' (or 'nll', its negative log-likelihood)`);
  }
  requireFitted(model, kind, fn);
  return scoreSamples(model, kind, x, o, fn, 'x');
}

/**
 * The body of {@link anomalyScores} once the model and the options are checked, with the names
 * `fn` and `arg` to report errors in (so that {@link AnomalyDetector}'s methods speak for
 * themselves).
 * @internal
 */
export async function scoreSamples(model: ScorableModel, kind: Kind, x: unknown, o: ResolvedScoreOptions, fn: string, arg: string): Promise<Float32Array> {
  const data = toTensor(x, fn, arg);
  try {
    checkSamples(data, model, kind, fn, arg);
    const n = data.shape[0]!;
    const d = data.size / n;
    const out = new Float32Array(n);
    for (let start = 0, b = 0; start < n; start += o.batchSize, b++) {
      const size = Math.min(o.batchSize, n - start);
      if (kind === 'pca') {
        const xb = tf.tidy(() => tf.reshape(tf.slice(data, start, size), [size, d]) as tf.Tensor2D);
        try {
          let errors: ArrayLike<number>;
          try {
            const pca = model as ProjectionModel;
            errors = o.metric === 'nll' ? Array.from(pca.scoreSamples!(xb), (v) => -v) : pca.reconstructionError(xb);
          } catch (error) {
            // A PCA refuses non-finite input in its own name; name it in ours (read back only now).
            const values = xb.dataSync();
            const i = values.findIndex((v) => !Number.isFinite(v));
            if (i < 0) throw error;
            throw new Error(
              `${fn}: argument '${arg}' must hold finite numbers, found ${String(values[i])} at row ${start + Math.floor(i / d)}, column ${i % d}`,
            );
          }
          if (errors.length !== size) {
            throw new Error(`${fn}: the model's reconstructionError returned ${errors.length} values for ${size} samples`);
          }
          for (let i = 0; i < size; i++) out[start + i] = Number(errors[i]) / (o.metric === 'nll' ? 1 : d);
        } finally {
          xb.dispose();
        }
      } else {
        const scores = tf.tidy(() => {
          const xb = tf.slice(data, start, size);
          return networkBatchScores(model, data.dtype === 'float32' ? xb : tf.cast(xb, 'float32'), o, b);
        });
        try {
          out.set((await scores.data()) as Float32Array, start);
        } finally {
          scores.dispose();
        }
      }
    }
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(`${fn}: the score of sample ${bad} of argument '${arg}' is ${String(out[bad])}: the input holds NaN/Infinity or the model diverged`);
    }
    return out;
  } finally {
    if (data !== x) data.dispose();
  }
}
