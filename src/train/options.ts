import type * as tf from '@tensorflow/tfjs-core';
import { assertNumber, fail, randomSeed, rejectUnknownKeys, typeFail } from '../core/index.js';
import type { LearningRateSchedule, TrainCallbacks, TrainData, TrainOptions } from './types.js';

/** Options of `train` with defaults applied and every value checked. @internal */
export interface ResolvedTrainOptions {
  readonly epochs: number;
  readonly initialEpoch: number;
  readonly batchSize: number;
  readonly learningRate: number | undefined;
  readonly optimizer: tf.Optimizer | undefined;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly validationData: TrainData | undefined;
  readonly validationSplit: number | undefined;
  readonly callbacks: TrainCallbacks;
  readonly earlyStopping: { patience: number; minDelta: number; restoreBestWeights: boolean } | undefined;
  readonly learningRateSchedule: LearningRateSchedule | undefined;
  readonly klWarmupEpochs: number | undefined;
  readonly clipNorm: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly progress: boolean;
}

const TRAIN_OPTIONS = [
  'epochs',
  'initialEpoch',
  'batchSize',
  'learningRate',
  'optimizer',
  'shuffle',
  'seed',
  'validationData',
  'validationSplit',
  'callbacks',
  'earlyStopping',
  'learningRateSchedule',
  'klWarmup',
  'clipNorm',
  'signal',
  'progress',
] as const;

const CALLBACKS = ['onEpochBegin', 'onBatchEnd', 'onEpochEnd'] as const;
const EARLY_STOPPING = ['patience', 'minDelta', 'restoreBestWeights'] as const;

function assertBoolean(value: unknown, fn: string, arg: string): asserts value is boolean {
  if (typeof value !== 'boolean') typeFail(fn, arg, 'a boolean', value);
}

function assertObject(value: unknown, fn: string, arg: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) typeFail(fn, arg, 'an object', value);
}

/** Checks `train`'s options and fills in defaults. @internal */
export function resolveTrainOptions(options: TrainOptions, fn: string): ResolvedTrainOptions {
  assertObject(options, fn, 'options');
  rejectUnknownKeys(options, TRAIN_OPTIONS, fn, 'options');
  const {
    epochs = 1,
    initialEpoch = 0,
    batchSize = 32,
    learningRate,
    optimizer,
    shuffle = true,
    seed,
    validationData,
    validationSplit,
    callbacks = {},
    earlyStopping,
    learningRateSchedule,
    klWarmup,
    clipNorm,
    signal,
    progress = false,
  } = options;

  assertNumber(epochs, fn, 'options.epochs', { min: 1, integer: true });
  assertNumber(initialEpoch, fn, 'options.initialEpoch', { min: 0, max: epochs, integer: true });
  assertNumber(batchSize, fn, 'options.batchSize', { min: 1, integer: true });
  if (learningRate !== undefined) {
    assertNumber(learningRate, fn, 'options.learningRate', { min: 0, minExclusive: true });
    if (optimizer !== undefined) {
      fail(fn, 'options.learningRate', 'absent when options.optimizer is given (set the rate on the optimizer)', learningRate);
    }
  }
  if (optimizer !== undefined) {
    const o = optimizer as Partial<tf.Optimizer> | null;
    if (typeof o !== 'object' || o === null || typeof o.applyGradients !== 'function') {
      typeFail(fn, 'options.optimizer', 'a tfjs Optimizer (e.g. tf.train.adam(1e-3))', optimizer);
    }
  }
  assertBoolean(shuffle, fn, 'options.shuffle');
  if (seed !== undefined) assertNumber(seed, fn, 'options.seed', { integer: true });
  if (validationSplit !== undefined) {
    assertNumber(validationSplit, fn, 'options.validationSplit', { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    if (validationData !== undefined) {
      fail(fn, 'options.validationSplit', 'absent when options.validationData is given (use one or the other)', validationSplit);
    }
  }
  assertObject(callbacks, fn, 'options.callbacks');
  rejectUnknownKeys(callbacks, CALLBACKS, fn, 'options.callbacks');
  for (const name of CALLBACKS) {
    const cb = callbacks[name];
    if (cb !== undefined && typeof cb !== 'function') typeFail(fn, `options.callbacks.${name}`, 'a function', cb);
  }
  let early: ResolvedTrainOptions['earlyStopping'];
  if (earlyStopping !== undefined) {
    assertObject(earlyStopping, fn, 'options.earlyStopping');
    rejectUnknownKeys(earlyStopping, EARLY_STOPPING, fn, 'options.earlyStopping');
    const { patience = 5, minDelta = 0, restoreBestWeights = true } = earlyStopping;
    assertNumber(patience, fn, 'options.earlyStopping.patience', { min: 1, integer: true });
    assertNumber(minDelta, fn, 'options.earlyStopping.minDelta', { min: 0 });
    assertBoolean(restoreBestWeights, fn, 'options.earlyStopping.restoreBestWeights');
    early = { patience, minDelta, restoreBestWeights };
  }
  if (learningRateSchedule !== undefined && typeof learningRateSchedule !== 'function') {
    typeFail(fn, 'options.learningRateSchedule', 'a function (epoch, baseLearningRate) => number', learningRateSchedule);
  }
  let klWarmupEpochs: number | undefined;
  if (klWarmup !== undefined) {
    assertObject(klWarmup, fn, 'options.klWarmup');
    rejectUnknownKeys(klWarmup, ['epochs'], fn, 'options.klWarmup');
    assertNumber(klWarmup.epochs, fn, 'options.klWarmup.epochs', { min: 1, integer: true });
    klWarmupEpochs = klWarmup.epochs;
  }
  if (clipNorm !== undefined) assertNumber(clipNorm, fn, 'options.clipNorm', { min: 0, minExclusive: true });
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    typeFail(fn, 'options.signal', 'an AbortSignal', signal);
  }
  assertBoolean(progress, fn, 'options.progress');

  return {
    epochs,
    initialEpoch,
    batchSize,
    learningRate,
    optimizer,
    shuffle,
    seed: seed ?? randomSeed(),
    validationData,
    validationSplit,
    callbacks,
    earlyStopping: early,
    learningRateSchedule,
    klWarmupEpochs,
    clipNorm,
    signal,
    progress,
  };
}
