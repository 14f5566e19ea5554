/**
 * One object for the whole recipe: train on the background, set the threshold, flag new samples.
 * @module
 */
import type { DataInput } from '../core/index.js';
import type * as tf from '@tensorflow/tfjs-core';
import { assertOneOf, formatShape, toTensor, typeFail } from '../core/index.js';
import { Scaler } from '../preprocessing/index.js';
import type { ScalerKind } from '../preprocessing/index.js';
import type { TrainableModel } from '../models/index.js';
import { train } from '../train/index.js';
import { resolveTrainOptions } from '../train/options.js';
import type { TrainHistory, TrainOptions } from '../train/index.js';
import { featureErrorTensor, readErrorKind, readTop, topFeatures } from './attribution.js';
import type { FeatureExplanation } from './attribution.js';
import { readOptions } from './internal.js';
import { exceedConfidence, outlierProbability, summarize } from './probability.js';
import type { BackgroundSummary } from './probability.js';
import { checkSamples, modelKind, requireFitted, resolveScoreOptions, scoreSamples } from './scores.js';
import type { AnomalyMetric, ProjectionModel, ReconstructingModel, ResolvedScoreOptions, ScorableModel, VariationalModel } from './scores.js';
import { computeThreshold, readContamination, resolveThreshold } from './threshold.js';
import type { AnomalyThresholdFit, AnomalyThresholdOptions, ResolvedThreshold } from './threshold.js';

export type { AnomalyDetectorOptions, PredictProbaOptions, ExplainOptions, DetectorState } from './detector-options.js';
import type { AnomalyDetectorOptions, DetectorState, ExplainOptions, PredictProbaOptions } from './detector-options.js';

const DETECTOR_KEYS = ['contamination', 'threshold', 'metric', 'batchSize', 'samples', 'seed', 'fit', 'trainOptions', 'scaler'] as const;
const SCALERS: readonly (ScalerKind | 'none')[] = ['standard', 'minmax', 'robust', 'none'];

/** A PCA-like model that can be fitted. @internal */
interface FittableProjection extends ProjectionModel {
  fit(x: DataInput): unknown;
}

/**
 * Anomaly detection in one object, in the manner of PyOD's detectors: train a model on normal
 * data (the background), take the `1 − contamination` quantile of its scores on that background
 * as the threshold, then flag new samples whose score lies above it.
 *
 * - `await detector.fit(background)`: trains the model on the background (unless `fit: false`),
 *   scores it, and sets {@link AnomalyDetector.threshold} and
 *   {@link AnomalyDetector.backgroundScores};
 * - `await detector.score(x)`: the scores of new samples ({@link anomalyScores});
 * - `await detector.predict(x)`: `1` where `score > threshold`, else `0`.
 *
 * The detector does not own the model: dispose the model yourself when done.
 *
 * @category Anomaly detection
 * @example
 * ```ts
 * const ae = denseAutoencoder({ inputDim: 784, hidden: [128], latentDim: 16, seed: 1 });
 * const detector = new AnomalyDetector(ae, {
 *   contamination: 0.05,
 *   trainOptions: { epochs: 10, batchSize: 64, seed: 2 },
 * });
 * await detector.fit(background);          // trains, then sets detector.threshold
 * const flags = await detector.predict(x); // Uint8Array of 0/1
 * rocAuc(await detector.score(x), labels);
 * ```
 */
export class AnomalyDetector {
  /** The scored model (not owned: the detector never disposes it). */
  readonly model: ScorableModel;
  /** The threshold rule with its defaults filled in. */
  readonly #rule: ResolvedThreshold;
  /** The score metric. */
  readonly metric: AnomalyMetric;
  readonly #kind: 'autoencoder' | 'vae' | 'pca';
  readonly #scoreOptions: ResolvedScoreOptions;
  readonly #fit: boolean;
  readonly #trainOptions: TrainOptions;
  readonly #scalerKind: ScalerKind | 'none';
  #scaler: Scaler | null = null;
  #summary: BackgroundSummary | null = null;
  #threshold: AnomalyThresholdFit | null = null;
  #backgroundScores: Float32Array | null = null;
  #history: TrainHistory | null = null;

  /**
   * @param model - an `Autoencoder`, a `VAE` or a `PCA` of the package (see {@link ScorableModel}).
   * @param options - see {@link AnomalyDetectorOptions}.
   * @throws TypeError when `model` is none of the three kinds; Error when it was disposed, or is
   *   a PCA not yet fitted while `fit: false`; Error on a bad option (contamination outside
   *   (0, 0.5], a metric that does not fit the model, unknown keys, a bad `trainOptions` entry,
   *   named as `options.trainOptions.…`).
   */
  constructor(model: ScorableModel, options?: AnomalyDetectorOptions) {
    const fn = 'AnomalyDetector';
    this.#kind = modelKind(model, fn);
    const opts = readOptions(options, DETECTOR_KEYS, fn);
    if (opts['contamination'] !== undefined && opts['threshold'] !== undefined) {
      throw new Error(`${fn}: give either 'options.contamination' or 'options.threshold', not both (contamination c is threshold: { method: 'quantile', contamination: c })`);
    }
    this.#rule =
      opts['threshold'] !== undefined
        ? resolveThreshold(opts['threshold'], fn, 'options.threshold')
        : { method: 'quantile', contamination: readContamination(opts['contamination'], fn, 'options.contamination') };
    const { contamination: _c, threshold: _t, fit = true, trainOptions = {}, scaler = 'none', ...scoreOptions } = opts;
    assertOneOf(scaler, SCALERS, fn, 'options.scaler');
    this.#scalerKind = scaler;
    this.#scoreOptions = resolveScoreOptions(scoreOptions, fn);
    this.metric = this.#scoreOptions.metric;
    if (this.metric === 'elbo' && this.#kind !== 'vae') {
      throw new Error(`${fn}: metric 'elbo' needs a VAE, got ${this.#kind === 'pca' ? 'a PCA' : 'an autoencoder'} (use 'mse' or 'bce')`);
    }
    if (this.#kind === 'pca' && this.metric !== 'mse') {
      throw new Error(`${fn}: a PCA is scored by its squared reconstruction error: metric must be 'mse', got '${this.metric}'`);
    }
    if (typeof fit !== 'boolean') typeFail(fn, 'options.fit', 'a boolean', fit);
    if (typeof trainOptions !== 'object' || trainOptions === null) typeFail(fn, 'options.trainOptions', 'an options object of train', trainOptions);
    // Checked now, in the detector's name, rather than by train at the first fit.
    resolveTrainOptions(trainOptions as TrainOptions, fn, 'options.trainOptions');
    if (fit && this.#kind === 'pca' && typeof (model as Partial<FittableProjection>).fit !== 'function') {
      throw new Error(`${fn}: the PCA-like model has no fit method: fit it yourself and pass { fit: false }`);
    }
    if (!fit) requireFitted(model, this.#kind, fn);
    this.model = model;
    this.#fit = fit;
    this.#trainOptions = trainOptions as TrainOptions;
  }

  /**
   * The score above which a sample is flagged (`score > threshold`), set by
   * {@link AnomalyDetector.fit}; `null` before.
   */
  get threshold(): number | null {
    return this.#threshold?.threshold ?? null;
  }

  /**
   * The threshold with the values it was computed from (the quantile's contamination, the
   * median and MAD, the quartiles, or POT's fitted tail), set by {@link AnomalyDetector.fit};
   * `null` before.
   */
  get thresholdFit(): AnomalyThresholdFit | null {
    return this.#threshold;
  }

  /**
   * The contamination: the one given (method `'quantile'`), else, once fitted, the fraction of
   * the background scores above the threshold (what {@link AnomalyDetector.predictConfidence}
   * uses); `null` before {@link AnomalyDetector.fit} for the other methods.
   */
  get contamination(): number | null {
    if (this.#rule.method === 'quantile') return this.#rule.contamination;
    const t = this.#threshold;
    const bg = this.#backgroundScores;
    if (t === null || bg === null) return null;
    let above = 0;
    for (const s of bg) if (s > t.threshold) above++;
    return above / bg.length;
  }

  /** The scores of the background samples seen by the last {@link AnomalyDetector.fit}; `null` before. */
  get backgroundScores(): Float32Array | null {
    return this.#backgroundScores;
  }

  /** What `train` returned in the last {@link AnomalyDetector.fit}; `null` before, or when nothing was trained. */
  get history(): TrainHistory | null {
    return this.#history;
  }

  /** The scaler fitted on the background (option `scaler`); `null` with `'none'` or before fit. */
  get scaler(): Scaler | null {
    return this.#scaler;
  }

  /**
   * Fits the scaler (option `scaler`) on `background`, trains the model on the scaled background
   * (unless constructed with `fit: false`; `model.fit` for a PCA), scores it and sets the
   * threshold by the threshold rule (`1 − contamination` quantile by default). Calling it again
   * refits the scaler, trains further and sets a new threshold.
   *
   * @param background - normal samples, `[n, ...features]` (any {@link DataInput}); not disposed.
   * @returns the detector itself, for chaining.
   * @throws Error naming `AnomalyDetector.fit` and `background` when the data is not data, is
   *   empty, holds NaN/Infinity (a `number[][]` or `{ data, shape }`), or does not fit the
   *   model's input shape, or when the model was disposed; what `train` (a non-finite loss, …),
   *   a PCA's `fit`, the scoring or the threshold rule (POT: too few peaks) throw beyond that.
   *   Nothing is trained when the data is refused.
   */
  async fit(background: DataInput): Promise<this> {
    const fn = 'AnomalyDetector.fit';
    this.#checkModel(fn, false);
    const data = toTensor(background, fn, 'background');
    let scaled: tf.Tensor | null = null;
    try {
      if (data.rank < 2 || data.shape[0] === 0) {
        throw new Error(`${fn}: argument 'background' must be a non-empty batch [n, ...features], got shape ${formatShape(data.shape)}`);
      }
      let scaler: Scaler | null = null;
      if (this.#scalerKind !== 'none') {
        scaler = new Scaler({ kind: this.#scalerKind });
        try {
          scaler.fit(data);
        } catch (e) {
          throw new Error(`${fn}: argument 'background' cannot be scaled: ${(e as Error).message}`);
        }
        scaled = scaler.transform(data);
      }
      const input = scaled ?? data;
      if (this.#fit && this.#kind === 'pca') {
        if (data.rank !== 2) throw new Error(`${fn}: argument 'background' must be 2-D [samples, features] to fit a PCA, got shape ${formatShape(data.shape)}`);
        // The original input: a PCA fits number[][] / float64 data in float64.
        await (this.model as FittableProjection).fit(scaled ?? background);
      } else {
        checkSamples(input, this.model, this.#kind, fn, 'background');
        if (this.#fit) {
          this.#history = await train(this.model as (ReconstructingModel | VariationalModel) & TrainableModel, input, this.#trainOptions);
        }
      }
      const scores = await scoreSamples(this.model, this.#kind, input, this.#scoreOptions, fn, 'background');
      this.#threshold = computeThreshold(Float64Array.from(scores), this.#rule, fn, 'background');
      this.#scaler = scaler;
      this.#backgroundScores = scores;
      this.#summary = summarize(scores);
      return this;
    } finally {
      scaled?.dispose();
      if (data !== background) data.dispose();
    }
  }

  /**
   * The anomaly scores of `x` with the detector's metric and options (see {@link anomalyScores}),
   * after the detector's scaler. Needs no threshold, so it works before {@link AnomalyDetector.fit}
   * as well (but not with a scaler, which fit sets).
   * @param x - samples, `[n, ...features]`; not disposed.
   * @returns a promise of a `Float32Array` `[n]`.
   * @throws Error naming `AnomalyDetector.score` and `x` where {@link anomalyScores} would throw
   *   (data the model does not take, a NaN score, a disposed or unfitted model).
   */
  async score(x: DataInput): Promise<Float32Array> {
    return this.#score(x, 'AnomalyDetector.score');
  }

  /**
   * Flags anomalies: `1` where `score(x) > threshold`, `0` elsewhere.
   * @param x - samples, `[n, ...features]`; not disposed.
   * @returns a promise of a `Uint8Array` `[n]` of 0/1 (usable as labels by {@link rocAuc} and co.).
   * @throws Error when called before {@link AnomalyDetector.fit}.
   */
  async predict(x: DataInput): Promise<Uint8Array> {
    const fn = 'AnomalyDetector.predict';
    const { threshold } = this.#fitted(fn);
    const scores = await this.#score(x, fn);
    return Uint8Array.from(scores, (s) => (s > threshold.threshold ? 1 : 0));
  }

  /**
   * The probability that each sample is an outlier, from its score and the background's scores
   * `b` (PyOD's `predict_proba(X, method)[:, 1]`):
   * - `'linear'` (default): `clip((s − min b) / (max b − min b), 0, 1)`;
   * - `'unify'` (Kriegel et al. 2011): `clip(erf((s − mean b) / (std b · √2)), 0, 1)`.
   *
   * A constant background gives 1 above its value and 0 at or below it.
   * @param x - samples, `[n, ...features]`; not disposed.
   * @param options - `{ method = 'linear' }`.
   * @returns a promise of a `Float32Array` `[n]` of probabilities in [0, 1].
   * @throws Error before {@link AnomalyDetector.fit}, on a bad option, or as {@link AnomalyDetector.score}.
   */
  async predictProba(x: DataInput, options?: PredictProbaOptions): Promise<Float32Array> {
    const fn = 'AnomalyDetector.predictProba';
    const opts = readOptions(options, ['method'], fn);
    const method = opts['method'] ?? 'linear';
    assertOneOf(method, ['linear', 'unify'] as const, fn, 'options.method');
    const { summary } = this.#fitted(fn);
    return outlierProbability(await this.#score(x, fn), summary, method);
  }

  /**
   * How confident the detector is in each of its predictions, ExCeeD (Perini et al., ECML-PKDD
   * 2020; as PyOD's `predict_confidence`): with `n` background scores, `m = #(background <= s)`,
   * `p = (1 + m) / (2 + n)` and `k = n − ⌊n·contamination⌋`, the confidence of a flagged sample
   * is `P(Binomial(n, p) > k)` and of an unflagged one `1 −` that. The contamination is
   * {@link AnomalyDetector.contamination} (for MAD, IQR and POT: the fraction of the background
   * above the threshold). Close to 1: the prediction would not change with another background
   * sample of the same size; near 0.5: a coin flip.
   * @param x - samples, `[n, ...features]`; not disposed.
   * @returns a promise of a `Float32Array` `[n]` in [0, 1].
   * @throws Error before {@link AnomalyDetector.fit}, or as {@link AnomalyDetector.score}.
   */
  async predictConfidence(x: DataInput): Promise<Float32Array> {
    const fn = 'AnomalyDetector.predictConfidence';
    const { threshold, summary } = this.#fitted(fn);
    const n = summary.n;
    const outliers = this.#rule.method === 'quantile' ? Math.trunc(n * this.#rule.contamination) : Math.round(n * this.contamination!);
    return exceedConfidence(await this.#score(x, fn), summary, threshold.threshold, outliers);
  }

  /**
   * The features that make each sample anomalous: the `top` features with the largest
   * reconstruction errors (see {@link featureErrors}), computed on the scaled input when the
   * detector has a scaler.
   * @param x - samples, `[n, ...features]`; not disposed.
   * @param options - `{ top = 3, error = 'squared' }`.
   * @returns a promise of one {@link FeatureExplanation} `{ features, errors }` per sample.
   * @throws Error on a bad option, or as {@link AnomalyDetector.score} (a PCA-like model needs
   *   `transform` and `inverseTransform`).
   */
  async explain(x: DataInput, options?: ExplainOptions): Promise<FeatureExplanation[]> {
    const fn = 'AnomalyDetector.explain';
    const { error, opts } = readErrorKind(options, fn, ['top', 'error']);
    const top = readTop(opts['top'], fn);
    this.#checkModel(fn, true);
    const data = this.#prepare(x, fn);
    try {
      const errors = featureErrorTensor(this.model, this.#kind, data.input, error, fn);
      try {
        const [n, d] = errors.shape;
        return topFeatures((await errors.data()) as Float32Array, n, d, top);
      } finally {
        errors.dispose();
      }
    } finally {
      data.dispose();
    }
  }

  /** The detector's state besides the model, for saving. @internal */
  stateForSaving(): DetectorState {
    const { threshold } = this.#fitted('saveModel');
    const o = this.#scoreOptions;
    return {
      metric: o.metric,
      batchSize: o.batchSize,
      samples: o.samples,
      seed: o.seed,
      scaler: this.#scaler?.toJSON() ?? null,
      threshold,
      backgroundScores: this.#backgroundScores!,
    };
  }

  /**
   * A fitted detector from a saved state (checked by the loader) and its model. @internal
   */
  static fromState(model: ScorableModel, state: DetectorState): AnomalyDetector {
    const t = state.threshold;
    const threshold: AnomalyThresholdOptions =
      t.method === 'quantile'
        ? { method: 'quantile', contamination: t.contamination }
        : t.method === 'pot'
          ? { method: 'pot', risk: t.risk, initialQuantile: t.initialQuantile }
          : { method: t.method, k: t.k };
    const scaler = state.scaler === null ? null : Scaler.fromJSON(state.scaler);
    const detector = new AnomalyDetector(model, {
      threshold,
      metric: state.metric,
      batchSize: state.batchSize,
      samples: state.samples,
      seed: state.seed,
      fit: false,
      scaler: scaler?.kind ?? 'none',
    });
    detector.#scaler = scaler;
    detector.#threshold = t;
    detector.#backgroundScores = state.backgroundScores.slice();
    detector.#summary = summarize(state.backgroundScores);
    return detector;
  }

  /** The threshold and background summary, or an Error naming `fn` before fit. */
  #fitted(fn: string): { threshold: AnomalyThresholdFit; summary: BackgroundSummary } {
    if (this.#threshold === null || this.#summary === null) {
      throw new Error(`${fn}: the detector has no threshold yet: call and await fit(background) first`);
    }
    return { threshold: this.#threshold, summary: this.#summary };
  }

  /** `x` as a checked tensor, scaled by the detector's scaler; dispose() frees what was made. */
  #prepare(x: unknown, fn: string): { input: tf.Tensor; dispose: () => void } {
    const data = toTensor(x, fn, 'x');
    const scaler = this.#scaler;
    try {
      if (this.#scalerKind !== 'none' && scaler === null) {
        throw new Error(`${fn}: the detector's scaler is not fitted yet: call and await fit(background) first`);
      }
      checkSamples(data, this.model, this.#kind, fn, 'x');
      if (scaler === null) return { input: data, dispose: () => (data !== x ? data.dispose() : undefined) };
      const shape = scaler.featureShape;
      const features = data.shape.slice(1);
      if (features.length !== shape.length || features.some((v, i) => v !== shape[i])) {
        throw new Error(`${fn}: argument 'x' must have shape ${formatShape([null, ...shape])} (the background's), got shape ${formatShape(data.shape)}`);
      }
      const scaled = scaler.transform(data);
      if (data !== x) data.dispose();
      return { input: scaled, dispose: () => scaled.dispose() };
    } catch (e) {
      if (data !== x && !data.isDisposed) data.dispose();
      throw e;
    }
  }

  /** Scores after the scaler, with errors in the name of `fn`. */
  async #score(x: unknown, fn: string): Promise<Float32Array> {
    this.#checkModel(fn, true);
    const data = this.#prepare(x, fn);
    try {
      return await scoreSamples(this.model, this.#kind, data.input, this.#scoreOptions, fn, 'x');
    } finally {
      data.dispose();
    }
  }

  /** Throws when the model was disposed, or (with `fitted`) is a PCA not fitted yet. */
  #checkModel(fn: string, fitted: boolean): void {
    const m = this.model as { isDisposed?: unknown; isFitted?: unknown };
    if (m.isDisposed === true) throw new Error(`${fn}: the detector's model was disposed`);
    if (fitted && this.#kind === 'pca' && m.isFitted === false) {
      throw new Error(`${fn}: the detector's PCA is not fitted yet: call and await fit(background) first`);
    }
  }
}
