import type * as tf from '@tensorflow/tfjs-core';
import { assertNumber, fail, randomSeed, rejectUnknownKeys, typeFail } from '../core/index.js';
import { type KlScaleAt, resolveKlSchedule } from './kl-schedule.js';
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
  /** The KL scale at (epoch, batch, batches per epoch), or undefined for 1. */
  readonly klScaleAt: KlScaleAt | undefined;
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
  'klSchedule',
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

/** Checks `train`'s options and fills in defaults; `arg` names the options object in messages. @internal */
export function resolveTrainOptions(options: TrainOptions, fn: string, arg = 'options'): ResolvedTrainOptions {
  assertObject(options, fn, arg);
  rejectUnknownKeys(options, TRAIN_OPTIONS, fn, arg);
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
    klSchedule,
    clipNorm,
    signal,
    progress = false,
  } = options;

  assertNumber(epochs, fn, `${arg}.epochs`, { min: 1, integer: true });
  assertNumber(initialEpoch, fn, `${arg}.initialEpoch`, { min: 0, max: epochs, integer: true });
  assertNumber(batchSize, fn, `${arg}.batchSize`, { min: 1, integer: true });
  if (learningRate !== undefined) {
    assertNumber(learningRate, fn, `${arg}.learningRate`, { min: 0, minExclusive: true });
    if (optimizer !== undefined) {
      fail(fn, `${arg}.learningRate`, `absent when ${arg}.optimizer is given (set the rate on the optimizer)`, learningRate);
    }
  }
  if (optimizer !== undefined) {
    const o = optimizer as Partial<tf.Optimizer> | null;
    if (typeof o !== 'object' || o === null || typeof o.applyGradients !== 'function') {
      typeFail(fn, `${arg}.optimizer`, 'a tfjs Optimizer (e.g. tf.train.adam(1e-3))', optimizer);
    }
  }
  assertBoolean(shuffle, fn, `${arg}.shuffle`);
  if (seed !== undefined) assertNumber(seed, fn, `${arg}.seed`, { integer: true });
  if (validationSplit !== undefined) {
    assertNumber(validationSplit, fn, `${arg}.validationSplit`, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    if (validationData !== undefined) {
      fail(fn, `${arg}.validationSplit`, `absent when ${arg}.validationData is given (use one or the other)`, validationSplit);
    }
  }
  assertObject(callbacks, fn, `${arg}.callbacks`);
  rejectUnknownKeys(callbacks, CALLBACKS, fn, `${arg}.callbacks`);
  for (const name of CALLBACKS) {
    const cb = callbacks[name];
    if (cb !== undefined && typeof cb !== 'function') typeFail(fn, `${arg}.callbacks.${name}`, 'a function', cb);
  }
  let early: ResolvedTrainOptions['earlyStopping'];
  if (earlyStopping !== undefined) {
    assertObject(earlyStopping, fn, `${arg}.earlyStopping`);
    rejectUnknownKeys(earlyStopping, EARLY_STOPPING, fn, `${arg}.earlyStopping`);
    const { patience = 5, minDelta = 0, restoreBestWeights = true } = earlyStopping;
    assertNumber(patience, fn, `${arg}.earlyStopping.patience`, { min: 1, integer: true });
    assertNumber(minDelta, fn, `${arg}.earlyStopping.minDelta`, { min: 0 });
    assertBoolean(restoreBestWeights, fn, `${arg}.earlyStopping.restoreBestWeights`);
    early = { patience, minDelta, restoreBestWeights };
  }
  if (learningRateSchedule !== undefined && typeof learningRateSchedule !== 'function') {
    typeFail(fn, `${arg}.learningRateSchedule`, 'a function (epoch, baseLearningRate) => number', learningRateSchedule);
  }
  const klScaleAt = resolveKlSchedule(klSchedule, klWarmup, epochs, fn, arg);
  if (clipNorm !== undefined) assertNumber(clipNorm, fn, `${arg}.clipNorm`, { min: 0, minExclusive: true });
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    typeFail(fn, `${arg}.signal`, 'an AbortSignal', signal);
  }
  assertBoolean(progress, fn, `${arg}.progress`);

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
    klScaleAt,
    clipNorm,
    signal,
    progress,
  };
}
