export { train, NonFiniteLossError } from './train.js';
export { evaluate } from './evaluate.js';
export { adam } from './optimizers.js';
export type { AdamOptions } from './optimizers.js';
export type {
  BatchInput,
  BatchLog,
  EarlyStoppingOptions,
  EpochLog,
  EvaluateOptions,
  EvaluateResult,
  KlWarmupOptions,
  LabelInput,
  LabeledData,
  LearningRateSchedule,
  TrainCallbacks,
  TrainData,
  TrainHistory,
  TrainOptions,
  TrainingPath,
} from './types.js';
export { logLikelihood } from './likelihood.js';
export type { LogLikelihoodOptions } from './likelihood.js';
export type { KlSchedule } from './kl-schedule.js';
