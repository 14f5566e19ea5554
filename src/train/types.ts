import type * as tf from '@tensorflow/tfjs-core';
import type { DataInput, LabelInput } from '../core/index.js';
import type { KlSchedule } from './kl-schedule.js';

export type { LabelInput };

/**
 * Samples with their class labels, for conditional models (CVAE): `x` is any
 * {@link DataInput} of `n` samples and `y` holds `n` class indices.
 *
 * @category Training
 * @example
 * ```ts
 * const data: LabeledData = { x: [[0, 1], [1, 0]], y: [1, 0] };
 * ```
 */
export interface LabeledData {
  readonly x: DataInput;
  readonly y: LabelInput;
}

/**
 * One item of an async iterable data source: a tensor of samples (`[n, ...features]`), or
 * `{ x, y? }` with `x` any {@link DataInput} and `y` optional class labels.
 *
 * Tensors in an item belong to the caller: the trainer never disposes them (dispose them
 * in your generator once it is resumed). What the trainer converts itself (a `number[][]`,
 * `{ data, shape }`, `number[]` labels) it disposes after the step.
 *
 * @category Training
 * @example
 * ```ts
 * const item: BatchInput = { x: tf.zeros([32, 784]), y: tf.zeros([32], 'int32') as tf.Tensor1D };
 * ```
 */
export type BatchInput = tf.Tensor | { readonly x: DataInput; readonly y?: LabelInput };

/**
 * Anything {@link train} and {@link evaluate} accept as data:
 * - a tensor `[n, d]` (or `[n, h, w, c]` for images), a `number[][]`, or `{ data, shape }`
 *   (see {@link DataInput}): copied to the active backend once and batched by index;
 * - `{ x, y }` ({@link LabeledData}) for conditional models;
 * - an `AsyncIterable` of {@link BatchInput} for data larger than memory. Each epoch calls
 *   `[Symbol.asyncIterator]()` again, so the object must start over on every call (an
 *   async generator *object* cannot; wrap it: `{ [Symbol.asyncIterator]: () => gen() }`).
 *
 * Tensors you pass are never disposed by the package.
 *
 * @category Training
 * @example
 * ```ts
 * const fromRows: TrainData = [[0, 1], [1, 0]];
 * const streamed: TrainData = {
 *   async *[Symbol.asyncIterator]() {
 *     for (const rows of chunks) yield { x: rows };
 *   },
 * };
 * ```
 */
export type TrainData = DataInput | LabeledData | AsyncIterable<BatchInput>;

/**
 * A learning-rate schedule: called at the start of every epoch with the epoch index
 * (counting from 0, so resumed runs see the same indices) and the base learning rate
 * (`learningRate`, or the rate of the optimizer you passed, as it was when `train` started);
 * returns the rate for that epoch (a finite number ≥ 0).
 *
 * @category Training
 * @example
 * ```ts
 * // Halve the rate every 10 epochs.
 * const schedule: LearningRateSchedule = (epoch, base) => base * 0.5 ** Math.floor(epoch / 10);
 * ```
 */
export type LearningRateSchedule = (epoch: number, baseLearningRate: number) => number;

/**
 * Early stopping: watch `valLoss` when there is validation data, else the training `loss`,
 * and stop once it has not improved for `patience` epochs in a row.
 *
 * @category Training
 * @example
 * ```ts
 * const earlyStopping: EarlyStoppingOptions = { patience: 3, minDelta: 1e-4 };
 * ```
 */
export interface EarlyStoppingOptions {
  /** Epochs in a row without improvement after which training stops (an integer ≥ 1). Default 5. */
  readonly patience?: number;
  /** An epoch improves when its value is below `best - minDelta` (≥ 0). Default 0. */
  readonly minDelta?: number;
  /**
   * When training ends (stopped early, out of epochs, or aborted), set the weights back to
   * those at the end of the best epoch. Copies are kept on the device (no read) and
   * disposed at the end. Default `true` (Keras defaults to false).
   */
  readonly restoreBestWeights?: boolean;
}

/**
 * KL warm-up for variational models: the trainer passes
 * `ctx.klScale = min(1, epoch / epochs)` to `computeLoss` — 0 in epoch 0, rising linearly
 * by `1 / epochs` per epoch, 1 from epoch `epochs` on. The scale is per epoch (every batch
 * of an epoch sees the same value) and depends only on the epoch index, so resumed runs
 * reproduce it. Validation and {@link evaluate} always use `klScale = 1`.
 *
 * @category Training
 * @example
 * ```ts
 * const klWarmup: KlWarmupOptions = { epochs: 10 };
 * ```
 */
export interface KlWarmupOptions {
  /** Number of epochs over which the scale rises from 0 to 1 (an integer ≥ 1). */
  readonly epochs: number;
}

/**
 * What {@link train} reports after each batch (to `onBatchEnd`).
 *
 * @category Training
 * @example
 * ```ts
 * const onBatchEnd = (batch: number, log: BatchLog) => console.log(batch, log.loss);
 * ```
 */
export interface BatchLog {
  /** Epoch index (counting from 0, `initialEpoch` included). */
  readonly epoch: number;
  /** Batch index within the epoch, from 0. */
  readonly batch: number;
  /** Number of samples in the batch. */
  readonly size: number;
  /** The batch's loss (the model's batch mean). */
  readonly loss: number;
  /** The batch's named loss terms. */
  readonly terms: Readonly<Record<string, number>>;
}

/**
 * What {@link train} records for each completed epoch.
 *
 * @category Training
 * @example
 * ```ts
 * const { epochs } = await train(model, x, { epochs: 5 });
 * console.log(epochs.map((e: EpochLog) => e.loss));
 * ```
 */
export interface EpochLog {
  /** Epoch index (counting from 0, `initialEpoch` included). */
  readonly epoch: number;
  /** Per-sample mean training loss over the epoch (batches weighted by their size). */
  readonly loss: number;
  /** Per-sample means of the model's loss terms over the epoch. */
  readonly terms: Readonly<Record<string, number>>;
  /**
   * Per-sample mean validation loss at the end of the epoch (`training: false`, `klScale: 1`; for
   * variational models the one-sample negative ELBO, as {@link evaluate} gives it).
   */
  readonly valLoss?: number;
  /** Per-sample means of the validation loss terms. */
  readonly valTerms?: Readonly<Record<string, number>>;
  /** Learning rate used in the epoch; absent when the optimizer does not expose one. */
  readonly learningRate?: number;
  /** Wall-clock seconds for the whole epoch, validation included. */
  readonly seconds: number;
  /** Training samples per second (training part of the epoch only). */
  readonly samplesPerSecond: number;
}

/**
 * What {@link train} resolves to.
 *
 * @category Training
 * @example
 * ```ts
 * const history: TrainHistory = await train(model, x, { epochs: 50, earlyStopping: {} });
 * if (history.stoppedEarly) console.log(`best epoch: ${history.bestEpoch}`);
 * ```
 */
export interface TrainHistory {
  /** One log per completed epoch, in order. An epoch interrupted by an abort is not listed. */
  readonly epochs: EpochLog[];
  /** The seed used (the one you passed, or the random one drawn): pass it again to resume. */
  readonly seed: number;
  /** True when early stopping ended training before `epochs`. */
  readonly stoppedEarly: boolean;
  /** With early stopping: the epoch index with the best monitored value. */
  readonly bestEpoch?: number;
  /** True when `signal` aborted training. */
  readonly aborted: boolean;
  /** How the steps ran, see {@link TrainingPath}. */
  readonly path: TrainingPath;
}

/**
 * How {@link train} ran its steps:
 * - `'fused-webgpu'`: the package's fused WebGPU kernels (a dense autoencoder, VAE or CVAE with the package's Adam
 *   on the webgpu backend, see the backends guide);
 * - `'per-op'`: one tfjs kernel per operation, with the package's fused Adam where the backend has it.
 * @category Training
 */
export type TrainingPath = 'fused-webgpu' | 'per-op';

/**
 * Functions {@link train} calls as it goes; each may return a promise, which is awaited.
 * A callback that throws stops training: `train` cleans up and rejects with that error.
 *
 * Order in every epoch: `onEpochBegin(epoch)`, then `onBatchEnd(batch, log)` for each batch
 * in order, then `onEpochEnd(epoch, log)` (after validation and early-stopping bookkeeping).
 * To keep the device busy, `onBatchEnd` for batch `b` runs once batch `b`'s loss has been
 * read, which is after batch `b + 1` has been queued: the model's weights may already
 * include the next step. `onEpochEnd` runs with all of the epoch's steps applied.
 *
 * @category Training
 * @example
 * ```ts
 * const callbacks: TrainCallbacks = {
 *   onEpochEnd: (epoch, log) => console.log(`epoch ${epoch}: ${log.loss}`),
 * };
 * ```
 */
export interface TrainCallbacks {
  /** Called before the first batch of each epoch. */
  readonly onEpochBegin?: (epoch: number) => void | Promise<void>;
  /** Called for every batch with its loss and terms (see the ordering note above). */
  readonly onBatchEnd?: (batch: number, log: BatchLog) => void | Promise<void>;
  /** Called after each completed epoch with its log (already pushed to the history). */
  readonly onEpochEnd?: (epoch: number, log: EpochLog) => void | Promise<void>;
}

/**
 * Options of {@link train}. Every option is optional.
 *
 * @category Training
 * @example
 * ```ts
 * const options: TrainOptions = { epochs: 20, batchSize: 128, learningRate: 1e-3, seed: 0 };
 * ```
 */
export interface TrainOptions {
  /** Index after the last epoch to run (an integer ≥ 1). Default 1. */
  readonly epochs?: number;
  /**
   * First epoch to run, to resume training (an integer, 0 ≤ initialEpoch ≤ epochs): epochs
   * `initialEpoch … epochs − 1` run, and the epoch index feeds seeds, shuffling,
   * the schedule and KL warm-up. Default 0.
   */
  readonly initialEpoch?: number;
  /** Samples per batch (an integer ≥ 1); the last batch of an epoch may be smaller. Default 32. */
  readonly batchSize?: number;
  /**
   * Learning rate of the Adam optimizer ({@link adam}) that `train` creates (and disposes) when
   * no `optimizer` is given (> 0). Default 1e-3. Not allowed together with `optimizer`.
   */
  readonly learningRate?: number;
  /**
   * An optimizer to use instead: {@link adam} for Adam with other β or ε (one kernel per weight
   * tensor on wasm and cpu, as when `train` creates it), or any `tf.Optimizer` (e.g.
   * `tf.train.sgd(0.1)`; tfjs' own Adam gives the same numbers, more slowly). It is not
   * disposed, so its state carries over to the next `train` call; a learning-rate schedule sets
   * its rate each epoch and puts the original rate back at the end.
   */
  readonly optimizer?: tf.Optimizer;
  /** Shuffle the training samples every epoch (in-memory data only). Default true. */
  readonly shuffle?: boolean;
  /**
   * Seed for everything random (an integer): shuffling uses
   * `createRng(deriveSeed(seed, epoch, SHUFFLE))` and step `b` of epoch `e` passes
   * `ctx.seed = deriveSeed(seed, e, b)` to the model. Default: a random seed, returned in
   * {@link TrainHistory.seed}.
   */
  readonly seed?: number;
  /** Data to compute `valLoss` on after each epoch (any {@link TrainData}). */
  readonly validationData?: TrainData;
  /**
   * Fraction of the in-memory samples (0 < split < 1) held out for validation, taken from
   * the end before shuffling (as Keras): the last `n − floor(n·(1 − split))` samples.
   */
  readonly validationSplit?: number;
  /** Functions called at epoch and batch ends; see {@link TrainCallbacks}. */
  readonly callbacks?: TrainCallbacks;
  /** Stop when the monitored loss stops improving; see {@link EarlyStoppingOptions}. */
  readonly earlyStopping?: EarlyStoppingOptions;
  /** Learning rate per epoch; see {@link LearningRateSchedule}. */
  readonly learningRateSchedule?: LearningRateSchedule;
  /** Ramp variational models' KL weight from 0 to 1; see {@link KlWarmupOptions}. Not with `klSchedule`. */
  readonly klWarmup?: KlWarmupOptions;
  /** The KL scale per batch: linear, cyclical or a function; see {@link KlSchedule}. Not with `klWarmup`. */
  readonly klSchedule?: KlSchedule;
  /** Clip gradients so that their global L2 norm (over all variables) is at most this (> 0). */
  readonly clipNorm?: number;
  /**
   * Stops training after the current batch when aborted: `train` then resolves with
   * `aborted: true` and the epochs completed so far; the model keeps its current weights
   * (or the best ones, with `earlyStopping.restoreBestWeights`).
   */
  readonly signal?: AbortSignal;
  /**
   * Report progress: in a Node terminal (stdout a TTY) a live bar with epoch, loss and
   * samples/s (cli-progress, loaded only then); elsewhere (Node with stdout piped, or a
   * browser) one line per epoch via `console.log`. Default false: nothing is printed.
   */
  readonly progress?: boolean;
}

/**
 * Options of {@link evaluate}.
 *
 * @category Training
 * @example
 * ```ts
 * const options: EvaluateOptions = { batchSize: 512 };
 * ```
 */
export interface EvaluateOptions {
  /** Samples per batch (an integer ≥ 1); does not change the result beyond rounding. Default 256. */
  readonly batchSize?: number;
  /** Seed passed to the model as `ctx.seed = deriveSeed(seed, batch)` (an integer). Default 0. */
  readonly seed?: number;
  /**
   * Variational models: draws `z ~ q(z|x)` per sample over which the negative ELBO's
   * reconstruction term is averaged (an integer ≥ 1). Default 1.
   */
  readonly samples?: number;
  /** Variational models: evaluate at `z = μ` (deterministic, the value before this option existed). Default false. */
  readonly atMean?: boolean;
}

/**
 * What {@link evaluate} resolves to: per-sample means over the whole data set.
 *
 * @category Training
 * @example
 * ```ts
 * const { loss, terms } = await evaluate(model, xTest);
 * ```
 */
export interface EvaluateResult {
  /** Per-sample mean loss (batches weighted by their size). */
  readonly loss: number;
  /** Per-sample means of the model's loss terms. */
  readonly terms: Readonly<Record<string, number>>;
  /** Number of samples evaluated. */
  readonly samples: number;
}
