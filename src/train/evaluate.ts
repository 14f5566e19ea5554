import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, deriveSeed, fail, rejectUnknownKeys, typeFail } from '../core/index.js';
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
  /** Draws of z per sample for variational models, or evaluation at z = μ (`atMean`). Default: the model's (one draw). */
  readonly sampling?: { readonly samples?: number; readonly atMean?: boolean };
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
    const context: LossContext = { training: false, seed: run.seedFor(index), klScale: 1, ...run.sampling };
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

const EVALUATE_OPTIONS = ['batchSize', 'seed', 'samples', 'atMean'] as const;

/**
 * Computes a model's loss on a data set without training it: every batch goes through
 * `model.computeLoss(batch, { training: false, klScale: 1, seed, samples?, atMean? })` — no
 * corruption, the full KL weight — and the result is the per-sample mean over the whole set
 * (each batch's mean weighted by its size), for the loss and for every named term.
 *
 * For variational models (VAE, CVAE) `loss` is the Monte-Carlo negative ELBO
 * `(1/S) Σ_s −log p(x|z_s) + β·KL(q(z|x) ‖ p(z))`, `z_s ~ q(z|x)`, over `samples` = S seeded
 * draws per sample (default 1: the one-sample test −ELBO that PyTorch's loops and papers report;
 * an unbiased estimate of the −ELBO), with the terms `reconstruction` and `kl`. `atMean: true`
 * evaluates at `z = μ` instead, deterministic and lower (not a bound on anything). For the
 * marginal likelihood itself see {@link logLikelihood}. Other models ignore both options.
 *
 * Sums stay on the device; there is one read at the end. Between batches the function
 * yields to the event loop (about once per frame) so that pages stay responsive.
 * Tensors it creates are disposed; tensors you pass are not.
 *
 * @param model - Any {@link TrainableModel}.
 * @param data - Any {@link TrainData}: a tensor `[n, ...]`, `number[][]`, `{ data, shape }`,
 *   `{ x, y }`, or an async iterable of batches.
 * @param options - `batchSize` (default 256), `seed` (default 0), `samples` (default 1) and
 *   `atMean` (default false); see {@link EvaluateOptions}.
 * @returns `{ loss, terms, samples }`: per-sample means and the number of samples.
 * @throws Error when the model was disposed, or the data or options are invalid, naming the
 *   argument (data whose shape or labels do not fit the model's `inputShape` / `numClasses` are
 *   refused before the first batch); Error when the loss or a term comes out NaN or infinite (the
 *   data holds NaN/Infinity, or the model diverged) rather than returning it.
 * @category Training
 * @example
 * ```ts
 * const { loss, terms } = await evaluate(vae, xTest, { batchSize: 512 }); // sampled −ELBO
 * const steadier = await evaluate(vae, xTest, { samples: 10, seed: 1 });
 * const atMean = await evaluate(vae, xTest, { atMean: true });           // z = μ
 * console.log(loss, terms.kl, steadier.loss, atMean.loss);
 * ```
 */
export async function evaluate(model: TrainableModel, data: TrainData, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const fn = 'evaluate';
  checkModel(model, fn);
  if (typeof options !== 'object' || options === null) typeFail(fn, 'options', 'an object', options);
  rejectUnknownKeys(options, EVALUATE_OPTIONS, fn, 'options');
  const { batchSize = 256, seed = 0, samples, atMean } = options;
  assertNumber(batchSize, fn, 'options.batchSize', { min: 1, integer: true });
  assertNumber(seed, fn, 'options.seed', { integer: true });
  if (samples !== undefined) assertNumber(samples, fn, 'options.samples', { min: 1, max: 100_000, integer: true });
  if (atMean !== undefined && typeof atMean !== 'boolean') typeFail(fn, 'options.atMean', 'a boolean', atMean);
  if (atMean === true && samples !== undefined) fail(fn, 'options.samples', 'absent with options.atMean: true (z = μ is one value)', samples);
  const sampling = { ...(samples === undefined ? {} : { samples }), ...(atMean === undefined ? {} : { atMean }) };
  const { source, owned } = prepareData(data, fn, 'data', dataContract(model));
  try {
    const result = await evaluateSource(model, source, {
      fn,
      arg: 'data',
      batchSize,
      seedFor: (b) => deriveSeed(seed, b),
      sampling,
      yielder: createYielder(),
    });
    // Without shouldStop the pass always completes.
    if (result === undefined) throw new Error(`${fn}: the evaluation pass ended early`);
    return result;
  } finally {
    tf.dispose(owned);
  }
}
