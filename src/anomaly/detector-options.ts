/**
 * The option and state types of {@link AnomalyDetector}.
 * @module
 */
import type { TrainOptions } from '../train/index.js';
import type { ScalerJSON, ScalerKind } from '../preprocessing/index.js';
import type { AnomalyMetric } from './scores.js';
import type { ProbabilityMethod } from './probability.js';
import type { AnomalyThresholdFit, AnomalyThresholdOptions } from './threshold.js';

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
  /**
   * A {@link Scaler} fitted on the background by {@link AnomalyDetector.fit} and applied to the
   * input of every later call (score, predict, …) before the model sees it: `'standard'`,
   * `'minmax'`, `'robust'` (see {@link ScalerKind}), or `'none'`. Default `'none'`.
   */
  readonly scaler?: ScalerKind | 'none';
}

/**
 * Options of {@link AnomalyDetector.predictProba}.
 * @category Anomaly detection
 */
export interface PredictProbaOptions {
  /** See {@link ProbabilityMethod}. Default `'linear'`. */
  readonly method?: ProbabilityMethod;
}

/**
 * Options of {@link AnomalyDetector.explain}.
 * @category Anomaly detection
 */
export interface ExplainOptions {
  /** How many features per sample, an integer >= 1 (at most the feature count). Default `3`. */
  readonly top?: number;
  /** `'squared'` (default) or `'absolute'` errors, see {@link featureErrors}. */
  readonly error?: 'squared' | 'absolute';
}

/**
 * Everything a fitted detector holds besides its model (what a saved detector stores).
 * @internal
 */
export interface DetectorState {
  readonly metric: AnomalyMetric;
  readonly batchSize: number;
  readonly samples: number;
  readonly seed: number;
  readonly scaler: ScalerJSON | null;
  readonly threshold: AnomalyThresholdFit;
  readonly backgroundScores: Float32Array;
}
