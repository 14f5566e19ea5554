import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, deriveSeed, rejectUnknownKeys, typeFail } from '../core/index.js';
import type { Batch, ImportanceSampledModel } from '../models/contract.js';
import { dataContract, forEachStreamBatch, memoryBatch, prepareData } from './data.js';
import type { Source } from './data.js';
import type { TrainData } from './types.js';
import { createYielder } from './yield.js';

/**
 * Options of {@link logLikelihood}.
 * @category Training
 * @example
 * ```ts
 * const options: LogLikelihoodOptions = { samples: 1000, batchSize: 100, seed: 0 };
 * ```
 */
export interface LogLikelihoodOptions {
  /** K, the number of importance samples per data sample (an integer ≥ 1). Default 1000. */
  readonly samples?: number;
  /** Data samples per batch for in-memory data (an integer ≥ 1; streams keep their batches). Default 100. */
  readonly batchSize?: number;
  /** Seed of the draws (an integer): chunk `c` of batch `b` draws ε from `deriveSeed(seed, b, c)`. Default 0. */
  readonly seed?: number;
}

const OPTIONS = ['samples', 'batchSize', 'seed'] as const;

/** Values decoded at once: draws per chunk × batch rows × values per row stays below this. */
const CHUNK_VALUES = 4194304; // 2²² (a literal: bundlers keep module-scope `**`)

/** Where the ε of chunk `chunk` (`k` draws) of batch `batch` (`n` rows) comes from. @internal */
export type NoiseSource = (batch: number, chunk: number, k: number, n: number, latentDim: number) => tf.Tensor3D;

/** How to run {@link estimateLogLikelihood}. @internal */
export interface LikelihoodRun {
  readonly fn: string;
  readonly samples: number;
  readonly batchSize: number;
  readonly noise: NoiseSource;
  /** Draws per chunk; default: as many as keep a chunk under {@link CHUNK_VALUES} values. */
  readonly chunk?: number;
}

function checkImportanceModel(model: unknown, fn: string): ImportanceSampledModel {
  if (typeof model !== 'object' || model === null) typeFail(fn, 'model', 'a VAE or CVAE (a model with logImportanceWeights)', model);
  const m = model as Partial<ImportanceSampledModel> & { isDisposed?: unknown };
  if (m.isDisposed === true) throw new Error(`${fn}: argument 'model' was disposed`);
  if (typeof m.logImportanceWeights !== 'function' || typeof m.latentDim !== 'number') {
    typeFail(fn, 'model', 'a VAE or CVAE (a model with logImportanceWeights and latentDim)', model);
  }
  return m as ImportanceSampledModel;
}

/**
 * The log-mean-exp of the log weights of one batch, streamed over chunks of draws with a running
 * maximum `m` and a running sum `s = Σ e^{log w − m}` (both `[n]`, on the device), so that memory
 * stays bounded for any K and nothing overflows in float32: the estimate is `m + log s − log K`.
 */
async function batchEstimate(
  model: ImportanceSampledModel,
  makeBatch: () => Batch,
  rows: number,
  perRow: number,
  index: number,
  run: LikelihoodRun,
  yielder: () => Promise<void> | undefined,
): Promise<Float32Array> {
  const K = run.samples;
  const chunk = run.chunk ?? Math.max(1, Math.min(K, Math.floor(CHUNK_VALUES / Math.max(1, rows * perRow))));
  let state: [tf.Tensor1D, tf.Tensor1D] | undefined;
  try {
    for (let done = 0, c = 0; done < K; done += chunk, c++) {
      const k = Math.min(chunk, K - done);
      const previous = state;
      state = tf.tidy(() => {
        const noise = run.noise(index, c, k, rows, model.latentDim);
        const logW = model.logImportanceWeights(makeBatch(), noise);
        const top = tf.max(logW, 0);
        const m = previous === undefined ? top : tf.maximum(previous[0], top);
        const fresh = tf.sum(tf.exp(tf.sub(logW, m)), 0);
        const s = previous === undefined ? fresh : tf.add(tf.mul(previous[1], tf.exp(tf.sub(previous[0], m))), fresh);
        return [m, s] as [tf.Tensor1D, tf.Tensor1D];
      });
      tf.dispose(previous);
      const pause = yielder();
      if (pause !== undefined) await pause;
    }
    const [m, s] = state!;
    const estimate = tf.tidy(() => tf.sub(tf.add(m, tf.log(s)), Math.log(K)));
    try {
      return (await estimate.data()) as Float32Array;
    } finally {
      estimate.dispose();
    }
  } finally {
    tf.dispose(state);
  }
}

/**
 * The per-sample estimates over a prepared source, in order. @internal
 */
export async function estimateLogLikelihood(model: ImportanceSampledModel, source: Source, run: LikelihoodRun): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  const yielder = createYielder();
  const perRow = (shape: readonly number[]): number => shape.slice(1).reduce((a, b) => a * b, 1) + model.latentDim;
  if (source.kind === 'memory') {
    const per = perRow(source.x.shape);
    for (let offset = 0, index = 0; offset < source.count; offset += run.batchSize, index++) {
      const size = Math.min(run.batchSize, source.count - offset);
      parts.push(await batchEstimate(model, () => memoryBatch(source, offset, size), size, per, index, run, yielder));
    }
  } else {
    await forEachStreamBatch(source, run.fn, async (batch, size, index) => {
      parts.push(await batchEstimate(model, () => batch, size, perRow(batch.x.shape), index, run, yielder));
      return true;
    });
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  if (total === 0) throw new Error(`${run.fn}: argument 'data' yielded no samples`);
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(`${run.fn}: the estimate for sample ${bad} is ${String(out[bad])}: the data holds NaN or Infinity, or the model diverged`);
  }
  return out;
}

/**
 * The importance-sampled estimate of the log marginal likelihood of each sample under a
 * variational model, with its posterior `q(z|x)` as the proposal (Burda et al. 2016, eq. 11;
 * what pythae's `get_nll` and VAE papers report as the test NLL):
 *
 * `log p(x) ≈ log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x)`,  `z_k = μ(x) + σ(x) ⊙ ε_k`,  ε_k ~ N(0, I)
 *
 * (for a CVAE, `log p(x|y)` with `q(z|x, y)` and `p(x|z, y)`), for the model's likelihood
 * (Bernoulli, from the logits when the decoder ends in a sigmoid, or unit-variance Gaussian). The
 * log weights ({@link logImportanceWeights}) are combined by a log-sum-exp that streams the K
 * draws in chunks — a running maximum and a rescaled running sum per sample, on the device — so
 * memory stays bounded for any K and float32 never overflows. The estimate is a lower bound on
 * `log p(x)` in expectation, at least the ELBO for every K ≥ 1 and rising with K; the test
 * negative log-likelihood to report is `−mean(result)` (nats per sample).
 *
 * Networks run in inference mode. Tensors it creates are disposed; tensors you pass are not.
 *
 * @param model - a {@link VAE} or {@link CVAE} (any {@link ImportanceSampledModel}).
 * @param data - the samples, any {@link TrainData} (`{ x, y }` for a CVAE).
 * @param options - `samples` K (1000), `batchSize` (100), `seed` (0); see {@link LogLikelihoodOptions}.
 * @returns one estimate per sample, in order (nats).
 * @throws TypeError for a model without `logImportanceWeights`; Error for a disposed model, bad
 *   options or data (naming the argument), or an estimate that comes out NaN or infinite.
 * @category Training
 * @example
 * ```ts
 * const logP = await logLikelihood(vae, xTest, { samples: 1000, seed: 0 });
 * const nll = -logP.reduce((a, b) => a + b, 0) / logP.length; // test NLL, nats per digit
 * ```
 */
export async function logLikelihood(model: ImportanceSampledModel, data: TrainData, options: LogLikelihoodOptions = {}): Promise<Float32Array> {
  const fn = 'logLikelihood';
  const m = checkImportanceModel(model, fn);
  if (typeof options !== 'object' || options === null) typeFail(fn, 'options', 'an object', options);
  rejectUnknownKeys(options, OPTIONS, fn, 'options');
  const { samples = 1000, batchSize = 100, seed = 0 } = options;
  assertNumber(samples, fn, 'options.samples', { integer: true, min: 1, max: 1_000_000 });
  assertNumber(batchSize, fn, 'options.batchSize', { integer: true, min: 1 });
  assertNumber(seed, fn, 'options.seed', { integer: true });
  const { source, owned } = prepareData(data, fn, 'data', dataContract(model));
  try {
    return await estimateLogLikelihood(m, source, {
      fn,
      samples,
      batchSize,
      noise: (b, c, k, n, d) => tf.randomNormal([k, n, d], 0, 1, 'float32', deriveSeed(seed, b, c)) as tf.Tensor3D,
    });
  } finally {
    tf.dispose(owned);
  }
}
