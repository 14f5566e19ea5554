/**
 * One object for the whole recipe: train on the background, set the threshold, flag new samples.
 * @module
 */
import type { DataInput } from '../core/index.js';
import { formatShape, toTensor, typeFail } from '../core/index.js';
import type { TrainableModel } from '../models/index.js';
import { train } from '../train/index.js';
import { resolveTrainOptions } from '../train/options.js';
import type { TrainHistory, TrainOptions } from '../train/index.js';
import { readOptions } from './internal.js';
import { checkSamples, modelKind, requireFitted, resolveScoreOptions, scoreSamples } from './scores.js';
import type { AnomalyMetric, ProjectionModel, ReconstructingModel, ResolvedScoreOptions, ScorableModel, VariationalModel } from './scores.js';
import { computeThreshold, readContamination, resolveThreshold } from './threshold.js';
import type { AnomalyThresholdFit, AnomalyThresholdOptions, ResolvedThreshold } from './threshold.js';

/**
 * Options of the {@link AnomalyDetector} constructor.
 * @category Anomaly detection
 */
export interface AnomalyDetectorOptions {
  /**
   * The fraction of the background expected to score as anomalous, in (0, 0.5]: the threshold is
   * the `1 − contamination` quantile of the background scores (see {@link anomalyThreshold}), so
   * on clean background it is the false-positive rate you accept. Default `0.1`. The same as
   * `threshold: { method: 'quantile', contamination }`; give one of the two, not both.
   */
  readonly contamination?: number;
  /**
   * How the threshold is set from the background scores, see {@link AnomalyThresholdOptions}:
   * `{ method: 'quantile', contamination }`, `{ method: 'mad', k }`, `{ method: 'iqr', k }` or
   * `{ method: 'pot', risk, initialQuantile }` — the last three without guessing a contamination.
   * Default `{ method: 'quantile', contamination: 0.1 }`.
   */
  readonly threshold?: AnomalyThresholdOptions;
  /** The score, see {@link AnomalyMetric}. Default `'mse'`. */
  readonly metric?: AnomalyMetric;
  /** Samples scored per step, see {@link AnomalyScoreOptions.batchSize}. Default `256`. */
  readonly batchSize?: number;
  /** `metric: 'elbo'` only: draws of z per sample. Default `1`. */
  readonly samples?: number;
  /** `metric: 'elbo'` only: seed of the draws of z. Default `0`. */
  readonly seed?: number;
  /**
   * Whether {@link AnomalyDetector.fit} trains the model on the background first (through
   * `train` for an autoencoder or a VAE, `model.fit` for PCA). `false` for a model that is
   * already trained: `fit` then only sets the threshold. Default `true`.
   */
  readonly fit?: boolean;
  /** Options of `train` (epochs, batchSize, learningRate, seed, progress, …). Default `{}`. */
  readonly trainOptions?: TrainOptions;
}

const DETECTOR_KEYS = ['contamination', 'threshold', 'metric', 'batchSize', 'samples', 'seed', 'fit', 'trainOptions'] as const;

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
    const { contamination: _c, threshold: _t, fit = true, trainOptions = {}, ...scoreOptions } = opts;
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

  /**
   * Trains the model on `background` (unless constructed with `fit: false`; `model.fit` for a
   * PCA), scores the background and sets the threshold to the `1 − contamination` quantile of
   * those scores. Calling it again trains further and sets a new threshold.
   *
   * @param background - normal samples, `[n, ...features]` (any {@link DataInput}); not disposed.
   * @returns the detector itself, for chaining.
   * @throws Error naming `AnomalyDetector.fit` and `background` when the data is not data, is
   *   empty, holds NaN/Infinity (a `number[][]` or `{ data, shape }`), or does not fit the
   *   model's input shape, or when the model was disposed; what `train` (a non-finite loss, …),
   *   a PCA's `fit` or the scoring throw beyond that. Nothing is trained when the data is refused.
   */
  async fit(background: DataInput): Promise<this> {
    const fn = 'AnomalyDetector.fit';
    this.#checkModel(fn, false);
    const data = toTensor(background, fn, 'background');
    try {
      if (this.#fit && this.#kind === 'pca') {
        if (data.rank !== 2) throw new Error(`${fn}: argument 'background' must be 2-D [samples, features] to fit a PCA, got shape ${formatShape(data.shape)}`);
        // The original input: a PCA fits number[][] / float64 data in float64.
        await (this.model as FittableProjection).fit(background);
      } else {
        checkSamples(data, this.model, this.#kind, fn, 'background');
        if (this.#fit) {
          this.#history = await train(this.model as (ReconstructingModel | VariationalModel) & TrainableModel, data, this.#trainOptions);
        }
      }
      const scores = await scoreSamples(this.model, this.#kind, data, this.#scoreOptions, fn, 'background');
      this.#backgroundScores = scores;
      this.#threshold = computeThreshold(Float64Array.from(scores), this.#rule, fn, 'background');
      return this;
    } finally {
      if (data !== background) data.dispose();
    }
  }

  /**
   * The anomaly scores of `x` with the detector's metric and options (see {@link anomalyScores}).
   * Needs no threshold, so it works before {@link AnomalyDetector.fit} as well.
   * @param x - samples, `[n, ...features]`; not disposed.
   * @returns a promise of a `Float32Array` `[n]`.
   * @throws Error naming `AnomalyDetector.score` and `x` where {@link anomalyScores} would throw
   *   (data the model does not take, a NaN score, a disposed or unfitted model).
   */
  async score(x: DataInput): Promise<Float32Array> {
    const fn = 'AnomalyDetector.score';
    this.#checkModel(fn, true);
    return scoreSamples(this.model, this.#kind, x, this.#scoreOptions, fn, 'x');
  }

  /**
   * Flags anomalies: `1` where `score(x) > threshold`, `0` elsewhere.
   * @param x - samples, `[n, ...features]`; not disposed.
   * @returns a promise of a `Uint8Array` `[n]` of 0/1 (usable as labels by {@link rocAuc} and co.).
   * @throws Error when called before {@link AnomalyDetector.fit}.
   */
  async predict(x: DataInput): Promise<Uint8Array> {
    const fn = 'AnomalyDetector.predict';
    const threshold = this.#threshold?.threshold ?? null;
    if (threshold === null) {
      throw new Error(`${fn}: the detector has no threshold yet: call and await fit(background) first`);
    }
    this.#checkModel(fn, true);
    const scores = await scoreSamples(this.model, this.#kind, x, this.#scoreOptions, fn, 'x');
    return Uint8Array.from(scores, (s) => (s > threshold ? 1 : 0));
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
