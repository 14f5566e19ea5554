/**
 * Anomaly detection by reconstruction error: per-sample scores for autoencoders, VAEs and PCA,
 * a contamination threshold, a detector object, and ranking metrics (ROC curve, ROC AUC,
 * average precision).
 * @module
 */
export { rocCurve, rocAuc, averagePrecision } from './metrics.js';
export type { RocCurve, BinaryLabelInput } from './metrics.js';
export { backgroundRejection } from './rejection.js';
export { anomalyThreshold, fitAnomalyThreshold } from './threshold.js';
export type { AnomalyThresholdOptions, AnomalyThresholdMethod, AnomalyThresholdFit } from './threshold.js';
export { anomalyScores } from './scores.js';
export type {
  AnomalyMetric,
  AnomalyScoreOptions,
  ScorableModel,
  ReconstructingModel,
  VariationalModel,
  ProjectionModel,
} from './scores.js';
export { AnomalyDetector } from './detector.js';
export type { AnomalyDetectorOptions } from './detector.js';
export type { PredictProbaOptions, ExplainOptions } from './detector.js';
export type { ProbabilityMethod } from './probability.js';
export { featureErrors } from './attribution.js';
export type { FeatureErrorOptions, FeatureExplanation } from './attribution.js';
