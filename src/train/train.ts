import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, createRng, deriveSeed, fail, permutation } from '../core/index.js';
import type { Batch, TrainableModel } from '../models/contract.js';
import { dataContract, forEachStreamBatch, memoryBatch, prepareData, subRange } from './data.js';
import type { MemorySource, Source, StreamSource } from './data.js';
import { FusedAdam } from '../backend/index.js';
import { evaluateSource } from './evaluate.js';
import { readLearningRate, writeLearningRate } from './learning-rate.js';
import { resolveTrainOptions } from './options.js';
import type { ResolvedTrainOptions } from './options.js';
import { checkModel, termRecord } from './output.js';
import type { TermNames } from './output.js';
import { createProgress } from './progress.js';
import type { ProgressReporter } from './progress.js';
import { type StepRunner, chooseStepRunner } from './paths.js';
import type { BatchLog, EpochLog, TrainData, TrainHistory, TrainOptions } from './types.js';
import { createYielder, now } from './yield.js';

/** Salt of the per-epoch shuffling seed: `deriveSeed(seed, epoch, SHUFFLE_SALT)`. @internal */
export const SHUFFLE_SALT = 0x53687566;
/** Salt of validation seeds: `deriveSeed(seed, epoch, VALIDATION_SALT, batch)`. @internal */
export const VALIDATION_SALT = 0x56616c69;

/**
 * The error {@link train} rejects with when a batch gives a NaN or infinite loss (or
 * non-finite gradients). Training stops there and the model's weights are set back to their
 * values before that batch, so the model stays usable.
 *
 * @category Training
 * @example
 * ```ts
 * try {
 *   await train(model, x, { learningRate: 10 });
 * } catch (error) {
 *   if (error instanceof NonFiniteLossError) console.log(error.epoch, error.batch, error.history.epochs);
 * }
 * ```
 */
export class NonFiniteLossError extends Error {
  /** Epoch index of the failing batch. */
  readonly epoch: number;
  /** Index of the failing batch within its epoch. */
  readonly batch: number;
  /** What was completed before the failure. */
  readonly history: TrainHistory;

  constructor(message: string, epoch: number, batch: number, history: TrainHistory) {
    super(message);
    this.name = 'NonFiniteLossError';
    this.epoch = epoch;
    this.batch = batch;
    this.history = history;
  }
}

/** A step whose report is still being read back, with the weights from before it. */
interface PendingStep {
  readonly epoch: number;
  readonly batch: number;
  readonly size: number;
  readonly report: tf.Tensor1D;
  readonly values: Promise<ArrayLike<number>>;
  snapshot: tf.Tensor[];
}

/** Host-side sums over the batches of the current epoch (float64). */
interface EpochSums {
  samples: number;
  loss: number;
  terms: number[];
  readonly started: number;
}

/** The state of one `train` call. */
class TrainingRun {
  private readonly owned: tf.Tensor[] = [];
  private readonly termNames: TermNames = { names: undefined };
  private readonly yielder = createYielder();
  private readonly logs: EpochLog[] = [];
  private optimizer: tf.Optimizer | undefined;
  private ownsOptimizer = false;
  private baseLearningRate: number | undefined;
  private learningRateChanged = false;
  private pending: PendingStep | undefined;
  private sums: EpochSums = { samples: 0, loss: 0, terms: [], started: 0 };
  private progress: ProgressReporter | undefined;
  private stoppedEarly = false;
  private aborted = false;
  private best: number | undefined;
  private bestEpoch: number | undefined;
  private sinceBest = 0;
  private bestWeights: tf.Tensor[] | undefined;
  private runner: StepRunner | undefined;

  constructor(
    private readonly fn: string,
    private readonly model: TrainableModel,
    private readonly variables: tf.Variable[],
    private readonly opts: ResolvedTrainOptions,
  ) {}

  history(): TrainHistory {
    return {
      epochs: [...this.logs],
      seed: this.opts.seed,
      stoppedEarly: this.stoppedEarly,
      ...(this.bestEpoch === undefined ? {} : { bestEpoch: this.bestEpoch }),
      aborted: this.aborted,
      path: this.runner?.path ?? 'per-op',
    };
  }

  async run(data: TrainData): Promise<TrainHistory> {
    const { fn, opts } = this;
    const contract = dataContract(this.model);
    const prepared = prepareData(data, fn, 'data', contract);
    this.owned.push(...prepared.owned);
    let trainSource: Source = prepared.source;
    let validation: Source | undefined;
    if (opts.validationSplit !== undefined) {
      if (trainSource.kind === 'stream') {
        fail(fn, 'options.validationSplit', 'absent for an async-iterable data source (pass options.validationData)', opts.validationSplit);
      }
      const n = trainSource.count;
      const nTrain = Math.floor(n * (1 - opts.validationSplit));
      if (nTrain < 1 || nTrain >= n) {
        fail(fn, 'options.validationSplit', `a fraction that leaves samples on both sides (the data has ${n} samples)`, opts.validationSplit);
      }
      validation = subRange(trainSource, nTrain, n - nTrain);
      trainSource = subRange(trainSource, 0, nTrain);
    } else if (opts.validationData !== undefined) {
      const v = prepareData(opts.validationData, fn, 'options.validationData', contract);
      this.owned.push(...v.owned);
      validation = v.source;
    }

    this.setUpOptimizer();
    if (opts.progress) this.progress = await createProgress(opts.epochs);

    for (let epoch = opts.initialEpoch; epoch < opts.epochs; epoch++) {
      if (this.isAborted()) {
        this.aborted = true;
        break;
      }
      const learningRate = this.learningRateFor(epoch);
      await call(opts.callbacks.onEpochBegin, epoch);
      const started = now();
      this.sums = { samples: 0, loss: 0, terms: [], started };
      this.progress?.epochBegin(epoch, trainSource.kind === 'memory' ? trainSource.count : undefined);
      const completed =
        trainSource.kind === 'memory'
          ? await this.memoryEpoch(trainSource, epoch)
          : await this.streamEpoch(trainSource, epoch);
      if (!completed) {
        this.aborted = true;
        break;
      }
      const trainSeconds = (now() - started) / 1000;
      let validated: { valLoss: number; valTerms: Record<string, number> } | undefined;
      if (validation !== undefined) {
        const result = await evaluateSource(this.model, validation, {
          fn,
          arg: opts.validationData === undefined ? 'data' : 'options.validationData',
          batchSize: opts.batchSize,
          seedFor: (b) => deriveSeed(opts.seed, epoch, VALIDATION_SALT, b),
          shouldStop: () => this.isAborted(),
          yielder: this.yielder,
        });
        if (result === undefined) {
          this.aborted = true;
          break;
        }
        validated = { valLoss: result.loss, valTerms: { ...result.terms } };
      }
      const { samples } = this.sums;
      const names = this.termNames.names ?? [];
      const log: EpochLog = {
        epoch,
        loss: this.sums.loss / samples,
        terms: termRecord(names, this.sums.terms, 0, 1 / samples),
        ...validated,
        ...(learningRate === undefined ? {} : { learningRate }),
        seconds: (now() - started) / 1000,
        samplesPerSecond: samples / Math.max(trainSeconds, 1e-9),
      };
      this.logs.push(log);
      const stop = this.trackBest(log, validation !== undefined);
      this.progress?.epochEnd(log);
      await call(opts.callbacks.onEpochEnd, epoch, log);
      if (stop) {
        this.stoppedEarly = true;
        break;
      }
    }
    if (this.bestWeights !== undefined) this.assignWeights(this.bestWeights);
    return this.history();
  }

  /** Releases everything the run created; the model's variables stay. */
  async close(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      try {
        await pending.values;
      } catch {
        // The read failed; the step's tensors are released below all the same.
      }
      pending.report.dispose();
      tf.dispose(pending.snapshot);
    }
    this.progress?.close();
    this.runner?.dispose();
    if (this.bestWeights !== undefined) tf.dispose(this.bestWeights);
    this.bestWeights = undefined;
    if (this.optimizer !== undefined) {
      if (this.ownsOptimizer) this.optimizer.dispose();
      else if (this.learningRateChanged && this.baseLearningRate !== undefined) {
        writeLearningRate(this.optimizer, this.baseLearningRate);
      }
    }
    tf.dispose(this.owned);
    this.owned.length = 0;
  }

  private setUpOptimizer(): void {
    const { fn, opts } = this;
    if (opts.optimizer === undefined) {
      // tfjs' Adam, in one kernel per variable where the backend allows (same numbers).
      this.optimizer = new FusedAdam(opts.learningRate ?? 1e-3);
      this.ownsOptimizer = true;
    } else {
      this.optimizer = opts.optimizer;
    }
    this.runner = chooseStepRunner(this.model, this.variables, this.optimizer, opts.clipNorm);
    this.baseLearningRate = readLearningRate(this.optimizer);
    if (opts.learningRateSchedule !== undefined && this.baseLearningRate === undefined) {
      fail(fn, 'options.optimizer', 'an optimizer with a numeric learningRate when options.learningRateSchedule is given', opts.optimizer);
    }
  }

  private learningRateFor(epoch: number): number | undefined {
    const schedule = this.opts.learningRateSchedule;
    const optimizer = this.optimizer!;
    if (schedule === undefined) return readLearningRate(optimizer);
    const base = this.baseLearningRate!;
    const rate = schedule(epoch, base);
    assertNumber(rate, this.fn, `options.learningRateSchedule(${epoch}, ${base})`, { min: 0 });
    this.learningRateChanged = true;
    if (!writeLearningRate(optimizer, rate)) {
      fail(this.fn, 'options.optimizer', 'an optimizer whose learning rate can be set', optimizer);
    }
    return rate;
  }

  /** The KL scale of batch `b` of `epoch` (1 without a schedule). */
  private klScale(epoch: number, b: number, batchesPerEpoch: number | undefined): number {
    return this.opts.klScaleAt === undefined ? 1 : this.opts.klScaleAt(epoch, b, batchesPerEpoch);
  }

  private isAborted(): boolean {
    return this.opts.signal?.aborted === true;
  }

  /** One epoch over in-memory data. Resolves false when aborted (after the current batch). */
  private async memoryEpoch(source: MemorySource, epoch: number): Promise<boolean> {
    const { batchSize, shuffle, seed } = this.opts;
    let order: tf.Tensor1D | undefined;
    if (shuffle) {
      const perm = permutation(source.count, createRng(deriveSeed(seed, epoch, SHUFFLE_SALT)));
      if (source.start !== 0) for (let i = 0; i < perm.length; i++) perm[i] = perm[i]! + source.start;
      order = tf.tensor1d(perm, 'int32');
    }
    try {
      for (let offset = 0, b = 0; offset < source.count; offset += batchSize, b++) {
        const size = Math.min(batchSize, source.count - offset);
        await this.step(epoch, b, size, this.klScale(epoch, b, Math.ceil(source.count / batchSize)), () => memoryBatch(source, offset, size, order), source.count);
        if (this.isAborted()) break;
      }
      await this.drain();
      return !this.isAborted();
    } finally {
      order?.dispose();
    }
  }

  /** One epoch over an async iterable. Resolves false when aborted (after the current batch). */
  private async streamEpoch(source: StreamSource, epoch: number): Promise<boolean> {
    const count = await forEachStreamBatch(source, this.fn, async (batch, size, b) => {
      await this.step(epoch, b, size, this.klScale(epoch, b, undefined), () => batch, undefined);
      return !this.isAborted();
    });
    await this.drain();
    if (this.isAborted()) return false;
    if (count === 0) {
      throw new Error(
        `${this.fn}: argument 'data' (an async iterable) yielded no batches in epoch ${epoch}; ` +
          'its [Symbol.asyncIterator]() must start over on every call, e.g. { [Symbol.asyncIterator]: () => makeBatches() }',
      );
    }
    return true;
  }

  /**
   * Queues one step, then settles the step before it (lag of one): the device works on this
   * step while its predecessor's loss is read back, so nothing waits on a synchronous read.
   */
  private async step(epoch: number, batch: number, size: number, klScale: number, makeBatch: () => Batch, datasetSize: number | undefined): Promise<void> {
    const snapshot = this.variables.map((v) => tf.clone(v));
    let report: tf.Tensor1D;
    try {
      report = this.runner!.run({
        fn: this.fn,
        model: this.model,
        variables: this.variables,
        optimizer: this.optimizer!,
        makeBatch,
        context: { training: true, seed: deriveSeed(this.opts.seed, epoch, batch), klScale, epoch, ...(datasetSize === undefined ? {} : { datasetSize }) },
        clipNorm: this.opts.clipNorm,
        termNames: this.termNames,
      });
    } catch (error) {
      tf.dispose(snapshot);
      throw error;
    }
    const values = report.data() as Promise<ArrayLike<number>>;
    // Mark the read as handled now; it is awaited (and its error raised) when settled.
    values.catch(() => undefined);
    const previous = this.pending;
    this.pending = { epoch, batch, size, report, values, snapshot };
    if (previous !== undefined) await this.settle(previous);
    const pause = this.yielder();
    if (pause !== undefined) await pause;
  }

  /** Settles the last queued step, if any. */
  private async drain(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) await this.settle(pending);
  }

  /**
   * Reads a step's report; on a non-finite loss or gradient, puts the weights back to the
   * snapshot from before that step (undoing any later step too) and throws.
   */
  private async settle(step: PendingStep): Promise<void> {
    let values: ArrayLike<number>;
    try {
      values = await step.values;
    } catch (error) {
      tf.dispose(step.snapshot);
      throw error;
    } finally {
      step.report.dispose();
    }
    const loss = values[0]!;
    const check = values[1]!;
    if (!Number.isFinite(loss) || !Number.isFinite(check)) {
      this.assignWeights(step.snapshot);
      tf.dispose(step.snapshot);
      step.snapshot = [];
      const what = Number.isFinite(loss)
        ? `the gradients became non-finite (${this.opts.clipNorm === undefined ? 'sum' : 'global norm'} ${String(check)})`
        : `the loss became ${String(loss)}`;
      throw new NonFiniteLossError(
        `${this.fn}: ${what} at epoch ${step.epoch}, batch ${step.batch} (counting from 0); ` +
          'training stopped and the weights were set back to their values before that batch. ' +
          'Try a lower learning rate or options.clipNorm, and check the data for NaN or Infinity.' +
          (this.ownsOptimizer ? '' : ' The optimizer you passed may now hold non-finite state: use a new one to train again.'),
        step.epoch,
        step.batch,
        this.history(),
      );
    }
    tf.dispose(step.snapshot);
    step.snapshot = [];
    const names = this.termNames.names ?? [];
    const sums = this.sums;
    if (sums.terms.length !== names.length) sums.terms = names.map(() => 0);
    sums.samples += step.size;
    sums.loss += loss * step.size;
    for (let i = 0; i < names.length; i++) sums.terms[i] = sums.terms[i]! + values[2 + i]! * step.size;
    const onBatchEnd = this.opts.callbacks.onBatchEnd;
    if (onBatchEnd !== undefined) {
      const log: BatchLog = { epoch: step.epoch, batch: step.batch, size: step.size, loss, terms: termRecord(names, values, 2) };
      await call(onBatchEnd, step.batch, log);
    }
    if (this.progress !== undefined) {
      const seconds = Math.max((now() - sums.started) / 1000, 1e-9);
      this.progress.batch(sums.samples, sums.loss / sums.samples, sums.samples / seconds);
    }
  }

  /** Early-stopping bookkeeping after an epoch; returns true when training should stop. */
  private trackBest(log: EpochLog, hasValidation: boolean): boolean {
    const early = this.opts.earlyStopping;
    if (early === undefined) return false;
    const value = hasValidation ? log.valLoss! : log.loss;
    const improved = Number.isFinite(value) && (this.best === undefined || value < this.best - early.minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = log.epoch;
      this.sinceBest = 0;
      if (early.restoreBestWeights) {
        // Clones share the variables' buffers (no copy); optimizer steps replace the buffers.
        const copies = this.variables.map((v) => tf.clone(v));
        if (this.bestWeights !== undefined) tf.dispose(this.bestWeights);
        this.bestWeights = copies;
      }
      return false;
    }
    this.sinceBest++;
    return this.sinceBest >= early.patience;
  }

  private assignWeights(values: readonly tf.Tensor[]): void {
    this.variables.forEach((v, i) => {
      v.assign(values[i]!);
    });
  }
}

async function call<A extends unknown[]>(callback: ((...args: A) => void | Promise<void>) | undefined, ...args: A): Promise<void> {
  if (callback === undefined) return;
  const result = callback(...args);
  if (result !== undefined) await result;
}

/**
 * Trains any {@link TrainableModel} (autoencoder, VAE, CVAE, or your own) on whatever tfjs
 * backend is active — WebGPU, WebGL, WASM or CPU; nothing here is backend-specific.
 *
 * How it runs:
 * - In-memory data is copied to the device once; each batch is taken by index
 *   (`tf.gather` with the epoch's shuffled order, or a slice when `shuffle` is false).
 * - Each step is one `tf.variableGrads` and one `optimizer.applyGradients`, all on the
 *   device. Its loss, terms and a gradient check are read back asynchronously with a lag of
 *   one step (step `b`'s values are awaited after step `b + 1` is queued), so the device is
 *   never idle waiting for a synchronous read. Epoch means are summed on the host in float64.
 * - Step `b` of epoch `e` calls `model.computeLoss(batch, { training: true,
 *   seed: deriveSeed(seed, e, b), klScale, epoch: e, datasetSize })` (`klScale` from `klSchedule`, default 1;
 *   `datasetSize` the number of training samples, for in-memory data only); shuffling draws from
 *   `createRng(deriveSeed(seed, e, SHUFFLE))`. Same seed, data, initial weights, optimizer
 *   state and backend → the same losses, bit for bit. To resume, pass the same `seed` and
 *   optimizer (whose state carries over) and `initialEpoch`: the remaining epochs then
 *   reproduce those of an uninterrupted run (early-stopping bookkeeping starts afresh).
 * - NaN guard: if a batch's loss or gradients are NaN or infinite, training stops with a
 *   {@link NonFiniteLossError} naming the epoch and batch, and the weights are set back to
 *   their values before that batch. For this the run keeps the weights from before the two
 *   most recent steps alive (as references to the old buffers, not copies: up to two extra
 *   weight-sized buffers). An optimizer you passed may hold non-finite moments afterwards:
 *   create a new one before training again.
 * - `signal.abort()` stops after the current batch; `train` then resolves (it does not
 *   reject) with `aborted: true`, and the epoch in progress is not in `epochs`.
 * - Between batches the loop yields to the event loop about once per frame, so a page
 *   stays responsive.
 * - Memory: `tf.memory().numTensors` is the same after every epoch; when `train` settles,
 *   only the model's variables and (if you passed one) the optimizer's state remain. Tensors
 *   you pass are never disposed; those the trainer made are.
 * - Validation (`validationData` or `validationSplit`) runs after each epoch with
 *   `training: false` and `klScale: 1`, batched by `batchSize`; `valLoss` is the per-sample
 *   mean over the whole set (for variational models the one-sample negative ELBO, seeded by
 *   `deriveSeed(seed, epoch, VALIDATION, batch)`, as {@link evaluate} computes it). Early stopping watches `valLoss` when present, else `loss`.
 *
 * @param model - The model: its `trainableVariables` are updated in place.
 * @param data - Training data, any {@link TrainData}: a tensor `[n, d]` or `[n, h, w, c]`,
 *   `number[][]`, `{ data, shape }`, `{ x, y }` with class labels, or an async iterable of
 *   batches.
 * @param options - See {@link TrainOptions}: `epochs` (1), `batchSize` (32), `learningRate`
 *   (1e-3, Adam) or `optimizer`, `shuffle` (true), `seed` (random), `initialEpoch` (0),
 *   `validationData` / `validationSplit`, `callbacks`, `earlyStopping`,
 *   `learningRateSchedule`, `klWarmup` or `klSchedule`, `clipNorm`, `signal`, `progress` (false).
 * @returns The {@link TrainHistory}: one {@link EpochLog} per completed epoch, the seed,
 *   and whether training stopped early or was aborted.
 * @throws {@link NonFiniteLossError} on a NaN/infinite training loss; an Error naming the
 *   argument for a disposed model, invalid options, or data that does not fit the model (its
 *   `inputShape`, its `numClasses`), checked before the first step; an Error when the validation
 *   loss comes out NaN or infinite; any error a callback or the model throws (after clean-up,
 *   leaving no tensor behind).
 * @category Training
 * @example
 * ```ts
 * const controller = new AbortController();
 * const history = await train(vae, xTrain, {
 *   epochs: 30,
 *   batchSize: 128,
 *   learningRate: 1e-3,
 *   seed: 0,
 *   validationSplit: 0.1,
 *   earlyStopping: { patience: 5 },
 *   klWarmup: { epochs: 10 },
 *   signal: controller.signal,
 *   progress: true,
 *   callbacks: { onEpochEnd: (epoch, log) => console.log(epoch, log.loss, log.valLoss) },
 * });
 * const { loss } = await evaluate(vae, xTest);
 * ```
 */
export async function train(model: TrainableModel, data: TrainData, options: TrainOptions = {}): Promise<TrainHistory> {
  const fn = 'train';
  const variables = checkModel(model, fn);
  if (variables.length === 0) {
    fail(fn, 'model.trainableVariables', 'at least one trainable variable', model.trainableVariables);
  }
  const opts = resolveTrainOptions(options, fn);
  const run = new TrainingRun(fn, model, variables, opts);
  try {
    return await run.run(data);
  } finally {
    await run.close();
  }
}
