import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, deriveSeed, rejectUnknownKeys, typeFail } from '../core/index.js';
import type { Batch, LossContext, TrainableModel } from '../models/contract.js';
import { dataContract, forEachStreamBatch, memoryBatch, prepareData } from './data.js';
import type { Source } from './data.js';
import { checkLossOutput, checkModel, termRecord } from './output.js';
import type { TermNames } from './output.js';
import type { EvaluateOptions, EvaluateResult, TrainData } from './types.js';
import { createYielder } from './yield.js';

/** How to run one evaluation pass. @internal */
export interface EvaluationRun {
  readonly fn: string;
  /** The data's name in error messages (`'data'`, `'options.validationData'`). */
  readonly arg: string;
  readonly batchSize: number;
  /** Seed for batch `b`. */
  readonly seedFor: (batch: number) => number;
  /** Stops between batches when true (then the pass resolves `undefined`). */
  readonly shouldStop?: () => boolean;
  readonly yielder: () => Promise<void> | undefined;
}

/**
 * One evaluation pass over `source` with `training: false` and `klScale: 1`: sums
 * `[loss, ...terms] · batchSize` on the device and reads the sums once at the end.
 * Resolves per-sample means, or `undefined` when `shouldStop` ended it early.
 * @internal
 */
export async function evaluateSource(
  model: TrainableModel,
  source: Source,
  run: EvaluationRun,
): Promise<EvaluateResult | undefined> {
  const termNames: TermNames = { names: undefined };
  let sum: tf.Tensor | undefined;
  let samples = 0;
  let stopped = false;
  const add = (makeBatch: () => Batch, size: number, index: number): void => {
    const context: LossContext = { training: false, seed: run.seedFor(index), klScale: 1 };
    const next = tf.tidy(() => {
      const out = checkLossOutput(model.computeLoss(makeBatch(), context), termNames, run.fn);
      const vector = tf.mul(tf.stack([out.loss, ...out.terms]), size);
      return sum === undefined ? vector : tf.add(sum, vector);
    });
    sum?.dispose();
    sum = next;
    samples += size;
  };
  const pause = async (): Promise<boolean> => {
    const y = run.yielder();
    if (y !== undefined) await y;
    if (run.shouldStop?.() === true) {
      stopped = true;
      return false;
    }
    return true;
  };
  try {
    if (source.kind === 'memory') {
      for (let offset = 0, index = 0; offset < source.count; offset += run.batchSize, index++) {
        const size = Math.min(run.batchSize, source.count - offset);
        add(() => memoryBatch(source, offset, size), size, index);
        if (!(await pause())) break;
      }
    } else {
      await forEachStreamBatch(source, run.fn, async (batch, size, index) => {
        add(() => batch, size, index);
        return pause();
      });
    }
    if (stopped) return undefined;
    if (sum === undefined || samples === 0) {
      throw new Error(`${run.fn}: argument '${source.kind === 'stream' ? source.arg : 'data'}' yielded no samples to evaluate`);
    }
    const values = await sum.data();
    const names = termNames.names ?? [];
    const bad = Array.prototype.findIndex.call(values, (v: number) => !Number.isFinite(v));
    if (bad >= 0) {
      const what = bad === 0 ? 'the loss' : `the term '${names[bad - 1]!}'`;
      throw new Error(
        `${run.fn}: ${what} over argument '${run.arg}' is ${String(values[bad])}: the data holds NaN or Infinity, or the model diverged`,
      );
    }
    return { loss: values[0]! / samples, terms: termRecord(names, values, 1, 1 / samples), samples };
  } finally {
    sum?.dispose();
  }
}

const EVALUATE_OPTIONS = ['batchSize', 'seed'] as const;

/**
 * Computes a model's loss on a data set without training it: every batch goes through
 * `model.computeLoss(batch, { training: false, klScale: 1, seed })` — no corruption, no
 * sampling, the full KL weight — and the result is the per-sample mean over the whole set
 * (each batch's mean weighted by its size), for the loss and for every named term.
 *
 * Sums stay on the device; there is one read at the end. Between batches the function
 * yields to the event loop (about once per frame) so that pages stay responsive.
 * Tensors it creates are disposed; tensors you pass are not.
 *
 * @param model - Any {@link TrainableModel}.
 * @param data - Any {@link TrainData}: a tensor `[n, ...]`, `number[][]`, `{ data, shape }`,
 *   `{ x, y }`, or an async iterable of batches.
 * @param options - `batchSize` (default 256) and `seed` (default 0); see {@link EvaluateOptions}.
 * @returns `{ loss, terms, samples }`: per-sample means and the number of samples.
 * @throws Error when the model was disposed, or the data or options are invalid, naming the
 *   argument (data whose shape or labels do not fit the model's `inputShape` / `numClasses` are
 *   refused before the first batch); Error when the loss or a term comes out NaN or infinite (the
 *   data holds NaN/Infinity, or the model diverged) rather than returning it.
 * @category Training
 * @example
 * ```ts
 * const { loss, terms } = await evaluate(vae, xTest, { batchSize: 512 });
 * console.log(loss, terms.kl);
 * ```
 */
export async function evaluate(model: TrainableModel, data: TrainData, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const fn = 'evaluate';
  checkModel(model, fn);
  if (typeof options !== 'object' || options === null) typeFail(fn, 'options', 'an object', options);
  rejectUnknownKeys(options, EVALUATE_OPTIONS, fn, 'options');
  const { batchSize = 256, seed = 0 } = options;
  assertNumber(batchSize, fn, 'options.batchSize', { min: 1, integer: true });
  assertNumber(seed, fn, 'options.seed', { integer: true });
  const { source, owned } = prepareData(data, fn, 'data', dataContract(model));
  try {
    const result = await evaluateSource(model, source, {
      fn,
      arg: 'data',
      batchSize,
      seedFor: (b) => deriveSeed(seed, b),
      yielder: createYielder(),
    });
    // Without shouldStop the pass always completes.
    if (result === undefined) throw new Error(`${fn}: the evaluation pass ended early`);
    return result;
  } finally {
    tf.dispose(owned);
  }
}
