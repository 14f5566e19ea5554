/**
 * The training objectives of the variational models (VAE, CVAE): the tagged, serialisable
 * `objective` option, its checking, and the one place that turns an objective and a batch's
 * posterior into `{ loss, terms }`. A new objective is a new member of
 * {@link VariationalObjective}, a case in {@link checkObjective} and one in {@link objectiveLoss}
 * (both switches are exhaustive, so the compiler lists what a new kind still lacks), and its β in
 * {@link objectiveBeta} (what `beta` and saved files report). The prior is `N(0, I)` unless the
 * pass carries `logPrior` (the VampPrior, see ./prior.ts): then the KL is the sampled estimate.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf, deriveSeed, describe, fail, rejectUnknownKeys, typeFail } from '../core/index.js';
import { type ElboLikelihood, type MmdKernel, elbo, gaussianKl, mmd, regularizedElbo, tcDecomposition } from '../losses/index.js';
import { importanceWeights, logMeanExp, rowNll } from '../losses/objectives.js';
import { gaussianLogDensity } from '../losses/vamp.js';
import type { LossContext, LossOutput } from './contract.js';
import { SALT, seedOrRandom } from './internal.js';

/**
 * The negative ELBO (the default objective), optionally with β, free bits or a KL capacity:
 *
 * `loss = E_q[−log p(x|z)] + β · klScale · penalty`, where `penalty` is the KL, or with
 * `freeBits` λ `Σ_j max(λ, KL_j)` (Kingma et al. 2016), or with `capacity` `|penalty − C|`
 * (Burgess et al. 2018) with `C = max · min(1, epoch / epochs)` ramped over the training epochs.
 * See {@link regularizedElbo}.
 * @category Models
 * @example
 * ```ts
 * const objective: ElboObjective = { kind: 'elbo', beta: 4, capacity: { max: 25, epochs: 50 } };
 * ```
 */
export interface ElboObjective {
  readonly kind: 'elbo';
  /** Weight β of the KL term (β-VAE), ≥ 0. Default 1. */
  readonly beta?: number;
  /** Free bits λ ≥ 0, nats per latent dimension (in training only). Default 0 (off). */
  readonly freeBits?: number;
  /**
   * The KL capacity `C` ramped from 0 to `max` over `epochs` epochs (in training only; `C = max`
   * when `computeLoss` is called without `context.epoch`). Default: none.
   */
  readonly capacity?: { readonly max: number; readonly epochs: number };
}

/**
 * The importance-weighted bound of Burda et al. 2016 with `samples` = K draws per sample as the
 * training loss: `loss = −log (1/K) Σ_k p(x|z_k) p(z_k)^s / q(z_k|x)^s` with `s = klScale`
 * (1 without a KL schedule: the IWAE bound; K = 1 gives the one-sample ELBO). See {@link iwae}.
 * @category Models
 * @example
 * ```ts
 * const objective: IwaeObjective = { kind: 'iwae', samples: 5 };
 * ```
 */
export interface IwaeObjective {
  readonly kind: 'iwae';
  /** K, the number of draws per sample (an integer ≥ 1). */
  readonly samples: number;
}

/**
 * The β-TC-VAE of Chen et al. 2018 ("Isolating Sources of Disentanglement in VAEs", eq. 4): the
 * KL term split into its three parts by {@link tcDecomposition} (minibatch-weighted sampling) and
 * weighted separately, with one seeded draw `zᵢ ~ q(z|xᵢ)` per sample:
 *
 * `loss = E[−log p(x|z)] + klScale · (α·MI + β·TC + γ·dimensionwiseKl)`
 *
 * (index-code mutual information, total correlation, dimension-wise KL; batch means). `train`
 * passes the training set's size `N` in `context.datasetSize`; where it is unknown (an async
 * iterable, or `computeLoss` called without it) `N = M`, the batch size, is used. `N` enters
 * the estimate only through the constant `log(N·M)`, so the gradients are the same either way;
 * only the logged terms shift. The terms logged in training are `reconstruction`,
 * `mutualInformation`, `totalCorrelation` and `dimensionwiseKl`. Memory `O(M²·latentDim)`.
 * @category Models
 * @example
 * ```ts
 * const objective: BetaTcObjective = { kind: 'beta-tc', beta: 6 };
 * ```
 */
export interface BetaTcObjective {
  readonly kind: 'beta-tc';
  /** Weight α ≥ 0 of the index-code mutual information. Default 1. */
  readonly alpha?: number;
  /** Weight β ≥ 0 of the total correlation. Default 6. */
  readonly beta?: number;
  /** Weight γ ≥ 0 of the dimension-wise KL. Default 1. */
  readonly gamma?: number;
}

/**
 * InfoVAE / WAE-MMD (Zhao et al. 2019, with their KL weight `1 − α = 0`; Tolstikhin et al. 2018
 * with a stochastic encoder): the KL term replaced by the {@link mmd} between the batch's codes
 * and as many draws from the prior:
 *
 * `loss = E[−log p(x|z)] + klScale · λ · MMD²ᵤ({zᵢ}, {z̃ᵢ})`, `zᵢ ~ q(z|xᵢ)`, `z̃ᵢ ~ N(0, I)`
 *
 * with one seeded draw of each per sample (`M` of each for a batch of `M`), the unbiased
 * estimator, its `kernel` and `bandwidth` (default `√latentDim`). A batch of one sample has no
 * unbiased MMD: its MMD term is 0. Terms logged in training: `reconstruction`, `mmd`.
 * @category Models
 * @example
 * ```ts
 * const objective: MmdObjective = { kind: 'mmd', lambda: 100, kernel: 'imq' };
 * ```
 */
export interface MmdObjective {
  readonly kind: 'mmd';
  /** Weight λ ≥ 0 of the MMD term. */
  readonly lambda: number;
  /** See {@link MmdKernel}. */
  readonly kernel: MmdKernel;
  /** Kernel bandwidth h > 0. Default `√latentDim`. */
  readonly bandwidth?: number;
}

/**
 * The training objective of a {@link VAE} or {@link CVAE}: a tagged, JSON-able object that
 * {@link saveModel} keeps. In evaluation (`training: false`) every objective reports the same
 * thing, the Monte-Carlo β-weighted negative ELBO (see {@link evaluate}), so that models trained
 * with different objectives are measured alike.
 * @category Models
 * @example
 * ```ts
 * const vae = denseVae({ inputDim: 784, hidden: [512], latentDim: 20, objective: { kind: 'iwae', samples: 5 } });
 * ```
 */
export type VariationalObjective = ElboObjective | IwaeObjective | BetaTcObjective | MmdObjective;

/** An objective with its defaults filled in, as `getConfig` reports it. @internal */
export type ResolvedObjective =
  | { readonly kind: 'elbo'; readonly beta: number; readonly freeBits: number; readonly capacity?: { readonly max: number; readonly epochs: number } }
  | { readonly kind: 'iwae'; readonly samples: number }
  | { readonly kind: 'beta-tc'; readonly alpha: number; readonly beta: number; readonly gamma: number }
  | { readonly kind: 'mmd'; readonly lambda: number; readonly kernel: MmdKernel; readonly bandwidth?: number };

const KINDS =
  "{ kind: 'elbo', beta?, freeBits?, capacity? }, { kind: 'iwae', samples }, { kind: 'beta-tc', alpha?, beta?, gamma? } or { kind: 'mmd', lambda, kernel, bandwidth? }";

/**
 * Checks an `objective` option (or a saved one) and fills in its defaults.
 * @internal
 */
export function checkObjective(value: unknown, fn: string, arg = 'objective'): ResolvedObjective {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) typeFail(fn, arg, KINDS, value);
  const o = value as { kind?: unknown } & Record<string, unknown>;
  const kind = o.kind as VariationalObjective['kind'];
  switch (kind) {
    case 'elbo': {
      rejectUnknownKeys(o, ['kind', 'beta', 'freeBits', 'capacity'], fn, arg);
      const beta = o['beta'] ?? 1;
      const freeBits = o['freeBits'] ?? 0;
      assertNumber(beta, fn, `${arg}.beta`, { min: 0 });
      assertNumber(freeBits, fn, `${arg}.freeBits`, { min: 0 });
      const capacity = o['capacity'];
      if (capacity === undefined) return { kind, beta, freeBits };
      if (typeof capacity !== 'object' || capacity === null || Array.isArray(capacity)) typeFail(fn, `${arg}.capacity`, '{ max, epochs }', capacity);
      rejectUnknownKeys(capacity, ['max', 'epochs'], fn, `${arg}.capacity`);
      const { max, epochs } = capacity as Record<string, unknown>;
      assertNumber(max, fn, `${arg}.capacity.max`, { min: 0 });
      assertNumber(epochs, fn, `${arg}.capacity.epochs`, { integer: true, min: 1 });
      return { kind, beta, freeBits, capacity: { max, epochs } };
    }
    case 'iwae': {
      rejectUnknownKeys(o, ['kind', 'samples'], fn, arg);
      assertNumber(o['samples'], fn, `${arg}.samples`, { integer: true, min: 1, max: 4096 });
      return { kind, samples: o['samples'] };
    }
    case 'beta-tc': {
      rejectUnknownKeys(o, ['kind', 'alpha', 'beta', 'gamma'], fn, arg);
      const alpha = o['alpha'] ?? 1;
      const beta = o['beta'] ?? 6;
      const gamma = o['gamma'] ?? 1;
      assertNumber(alpha, fn, `${arg}.alpha`, { min: 0 });
      assertNumber(beta, fn, `${arg}.beta`, { min: 0 });
      assertNumber(gamma, fn, `${arg}.gamma`, { min: 0 });
      return { kind, alpha, beta, gamma };
    }
    case 'mmd': {
      rejectUnknownKeys(o, ['kind', 'lambda', 'kernel', 'bandwidth'], fn, arg);
      const lambda = o['lambda'];
      assertNumber(lambda, fn, `${arg}.lambda`, { min: 0 });
      const kernel = o['kernel'];
      assertOneOf(kernel, ['rbf', 'imq'] as const, fn, `${arg}.kernel`);
      const bandwidth = o['bandwidth'];
      if (bandwidth === undefined) return { kind, lambda, kernel };
      assertNumber(bandwidth, fn, `${arg}.bandwidth`, { min: 0, minExclusive: true });
      return { kind, lambda, kernel, bandwidth };
    }
    default: {
      const never: never = kind;
      return fail(fn, `${arg}.kind`, `'elbo', 'iwae', 'beta-tc' or 'mmd' (${KINDS})`, never);
    }
  }
}

/**
 * The objective of a model's constructor options: `objective`, or the shorthand `beta` (β-VAE),
 * not both. @internal
 */
export function objectiveOption(objective: unknown, beta: unknown, fn: string): ResolvedObjective {
  if (objective === undefined) {
    if (beta !== undefined) assertNumber(beta, fn, 'beta', { min: 0 });
    return { kind: 'elbo', beta: (beta as number | undefined) ?? 1, freeBits: 0 };
  }
  if (beta !== undefined) {
    throw new Error(`${fn}: give either 'beta' or 'objective', not both (β belongs in the objective: { kind: 'elbo', beta: ${describe(beta)} })`);
  }
  return checkObjective(objective, fn);
}

/**
 * The β of the objective's KL term: `beta` for 'elbo'; 1 for 'iwae', 'beta-tc' and 'mmd' (no
 * single KL weight: their evaluation is the plain negative ELBO). @internal
 */
export function objectiveBeta(objective: ResolvedObjective): number {
  switch (objective.kind) {
    case 'elbo':
      return objective.beta;
    case 'iwae':
    case 'beta-tc':
    case 'mmd':
      return 1;
    default: {
      const never: never = objective;
      throw new Error(`unknown objective ${describe(never)}`);
    }
  }
}

/**
 * One batch's posterior and decoder, what {@link objectiveLoss} needs.
 * @internal
 */
export interface LatentPass {
  /** The clean data, `[n, ...features]` float32. */
  readonly x: tf.Tensor;
  readonly mean: tf.Tensor;
  readonly logVar: tf.Tensor;
  /** Decodes `[m, latentDim]` codes (m a multiple of n, row `r` for sample `r mod n`) to likelihood parameters. */
  readonly decode: (z: tf.Tensor) => tf.Tensor;
  readonly likelihood: ElboLikelihood;
  /** `log p(z)` of `[m, latentDim]` codes, `[m]`, when the prior is not `N(0, I)` (the VampPrior). */
  readonly logPrior?: (z: tf.Tensor) => tf.Tensor;
}

/**
 * The batch mean of the one-sample KL estimate `log q(z|x) − log p(z)` at the draws `z`
 * (`[n, d]`, one per sample), for a prior given by its log-density. Call inside `tf.tidy`.
 */
function sampledKl(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor, logPrior: (z: tf.Tensor) => tf.Tensor): tf.Scalar {
  return tf.mean(tf.sub(gaussianLogDensity(z, mean, logVar), logPrior(z))) as tf.Scalar;
}

/** The seed of the `s`-th draw of ε in one loss call (draw 0: the seed the trainer has always used). @internal */
export function drawSeed(seed: number, s: number): number {
  return s === 0 ? deriveSeed(seed, SALT.epsilon) : deriveSeed(seed, SALT.epsilon, s);
}

function noiseFor(mean: tf.Tensor, logVar: tf.Tensor, k: number, seed: number): { noise: tf.Tensor; z: tf.Tensor } {
  const [n, d] = mean.shape as [number, number];
  // One draw has the shape of the posterior: the same ε as reparameterize with this seed.
  const noise = tf.randomNormal(k === 1 ? [n, d] : [k, n, d], 0, 1, 'float32', seed);
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise));
  return { noise: k === 1 ? tf.expandDims(noise, 0) : noise, z: k === 1 ? z : tf.reshape(z, [k * n, d]) };
}

/**
 * `{ loss, terms: { reconstruction, kl } }` of a batch under an objective. Call inside `tf.tidy`.
 *
 * - `training: true`: the objective's training loss, one seeded draw of ε per sample (K for 'iwae').
 * - `training: false`: for every objective the Monte-Carlo β-weighted negative ELBO,
 *   `mean_s E[−log p(x|z_s)] + β · klScale · KL`, over `context.samples` (default 1) draws, or at
 *   `z = μ` with `context.atMean`.
 * @internal
 */
export function objectiveLoss(objective: ResolvedObjective, pass: LatentPass, context: LossContext, fn: string): LossOutput {
  const klScale = context.klScale ?? 1;
  const seed = seedOrRandom(context.seed, fn, 'context.seed');
  const { x, mean, logVar, decode, likelihood } = pass;
  if (!context.training) return sampledElbo(pass, objectiveBeta(objective) * klScale, context, seed);
  switch (objective.kind) {
    case 'elbo': {
      const { noise, z } = noiseFor(mean, logVar, 1, drawSeed(seed, 0));
      tf.dispose(noise);
      const reconstruction = decode(z);
      const beta = objective.beta * klScale;
      if (pass.logPrior !== undefined) {
        const c = objective.capacity;
        const capacity = c === undefined ? undefined : c.max * Math.min(1, (context.epoch ?? c.epochs) / c.epochs);
        return vampElboLoss(x, reconstruction, sampledKl(z, mean, logVar, pass.logPrior), likelihood, beta, capacity);
      }
      if (objective.freeBits === 0 && objective.capacity === undefined) {
        const out = elbo({ target: x, reconstruction, mean, logVar, likelihood, beta });
        return { loss: out.loss, terms: { reconstruction: out.reconstruction, kl: out.kl } };
      }
      const capacity =
        objective.capacity === undefined
          ? {}
          : { capacity: objective.capacity.max * Math.min(1, (context.epoch ?? objective.capacity.epochs) / objective.capacity.epochs) };
      const out = regularizedElbo({ target: x, reconstruction, mean, logVar, likelihood, beta, freeBits: objective.freeBits, ...capacity });
      return { loss: out.loss, terms: { reconstruction: out.reconstruction, kl: out.kl } };
    }
    case 'iwae': {
      const k = objective.samples;
      const { noise, z } = noiseFor(mean, logVar, k, drawSeed(seed, 0));
      const decoded = decode(z);
      const reconstruction = tf.reshape(decoded, [k, ...x.shape]);
      const logW = priorWeights(importanceWeights(x, reconstruction, noise, mean, logVar, likelihood, klScale), z, pass.logPrior, klScale);
      const loss = tf.neg(tf.mean(logMeanExp(logW))) as tf.Scalar;
      const tiled = tf.tile(x, [k, ...x.shape.slice(1).map(() => 1)]);
      const rec = tf.mean(rowNll(tiled, decoded, likelihood)) as tf.Scalar;
      const kl =
        pass.logPrior === undefined
          ? gaussianKl(mean, logVar, { reduction: 'mean' })
          : sampledKl(z, tf.tile(mean, [k, 1]), tf.tile(logVar, [k, 1]), pass.logPrior);
      return { loss, terms: { reconstruction: rec, kl } };
    }
    case 'beta-tc': {
      const { noise, z } = noiseFor(mean, logVar, 1, drawSeed(seed, 0));
      tf.dispose(noise);
      const datasetSize = context.datasetSize ?? x.shape[0]!;
      return betaTcLoss(x, decode(z), z, mean, logVar, likelihood, Math.max(datasetSize, x.shape[0]!), objective, klScale);
    }
    case 'mmd': {
      const { noise, z } = noiseFor(mean, logVar, 1, drawSeed(seed, 0));
      tf.dispose(noise);
      const prior = tf.randomNormal(mean.shape, 0, 1, 'float32', deriveSeed(seed, SALT.prior));
      return mmdLoss(x, decode(z), z, prior, likelihood, objective, klScale);
    }
    default: {
      const never: never = objective;
      throw new Error(`${fn}: unknown objective ${describe(never)}`);
    }
  }
}

/**
 * The β-TC-VAE loss from given tensors (see {@link BetaTcObjective}): `z` the draws, `reconstruction`
 * the decoder's output at `z`. Call inside `tf.tidy`. @internal
 */
export function betaTcLoss(
  x: tf.Tensor,
  reconstruction: tf.Tensor,
  z: tf.Tensor,
  mean: tf.Tensor,
  logVar: tf.Tensor,
  likelihood: ElboLikelihood,
  datasetSize: number,
  weights: { readonly alpha: number; readonly beta: number; readonly gamma: number },
  klScale: number,
): LossOutput {
  const rec = tf.mean(rowNll(x, reconstruction, likelihood)) as tf.Scalar;
  const { mutualInformation, totalCorrelation, dimensionwiseKl } = tcDecomposition({ z, mean, logVar, datasetSize });
  const penalty = tf.addN([tf.mul(mutualInformation, weights.alpha), tf.mul(totalCorrelation, weights.beta), tf.mul(dimensionwiseKl, weights.gamma)]);
  const loss = tf.add(rec, tf.mul(penalty, klScale)) as tf.Scalar;
  return { loss, terms: { reconstruction: rec, mutualInformation, totalCorrelation, dimensionwiseKl } };
}

/**
 * The InfoVAE / WAE-MMD loss from given tensors (see {@link MmdObjective}): `z` the codes, `prior`
 * the prior draws. Call inside `tf.tidy`. @internal
 */
export function mmdLoss(
  x: tf.Tensor,
  reconstruction: tf.Tensor,
  z: tf.Tensor,
  prior: tf.Tensor,
  likelihood: ElboLikelihood,
  objective: { readonly lambda: number; readonly kernel: MmdKernel; readonly bandwidth?: number },
  klScale: number,
): LossOutput {
  const rec = tf.mean(rowNll(x, reconstruction, likelihood)) as tf.Scalar;
  const options = objective.bandwidth === undefined ? { kernel: objective.kernel } : { kernel: objective.kernel, bandwidth: objective.bandwidth };
  const divergence = z.shape[0]! < 2 ? tf.scalar(0) : mmd(z, prior, options);
  const loss = tf.add(rec, tf.mul(divergence, objective.lambda * klScale)) as tf.Scalar;
  return { loss, terms: { reconstruction: rec, mmd: divergence } };
}

/** The evaluation value of {@link objectiveLoss}. */
function sampledElbo(pass: LatentPass, beta: number, context: LossContext, seed: number): LossOutput {
  const { x, mean, logVar, decode, likelihood, logPrior } = pass;
  let kl: tf.Scalar = logPrior === undefined ? gaussianKl(mean, logVar, { reduction: 'mean' }) : tf.scalar(0);
  let rec: tf.Scalar;
  if (context.atMean === true) {
    rec = tf.mean(rowNll(x, decode(mean), likelihood)) as tf.Scalar;
    if (logPrior !== undefined) kl = sampledKl(mean, mean, logVar, logPrior);
  } else {
    const samples = context.samples ?? 1;
    let sum: tf.Tensor | undefined;
    let klSum: tf.Tensor | undefined;
    for (let s = 0; s < samples; s++) {
      const { noise, z } = noiseFor(mean, logVar, 1, drawSeed(seed, s));
      tf.dispose(noise);
      const value = tf.mean(rowNll(x, decode(z), likelihood));
      sum = sum === undefined ? value : tf.add(sum, value);
      if (logPrior !== undefined) {
        const klValue = sampledKl(z, mean, logVar, logPrior);
        klSum = klSum === undefined ? klValue : tf.add(klSum, klValue);
      }
    }
    rec = (samples === 1 ? sum! : tf.div(sum!, samples)) as tf.Scalar;
    if (klSum !== undefined) kl = (samples === 1 ? klSum : tf.div(klSum, samples)) as tf.Scalar;
  }
  const loss = tf.add(rec, beta === 1 ? kl : tf.mul(kl, beta)) as tf.Scalar;
  return { loss, terms: { reconstruction: rec, kl } };
}

/**
 * The ELBO under a prior without a closed-form KL (the VampPrior) from given tensors:
 * `loss = rec + β·kl`, or with a capacity `C` `rec + β·|kl − C|`, where `rec` is the batch mean of
 * the per-sample NLL and `kl` the batch mean of the sampled `log q(z|x) − log p(z)` (see
 * {@link vampKl}); `beta` already multiplied by klScale. Call inside `tf.tidy`. @internal
 */
export function vampElboLoss(x: tf.Tensor, reconstruction: tf.Tensor, kl: tf.Scalar, likelihood: ElboLikelihood, beta: number, capacity?: number): LossOutput {
  const rec = tf.mean(rowNll(x, reconstruction, likelihood)) as tf.Scalar;
  const penalty = capacity === undefined ? kl : tf.abs(tf.sub(kl, capacity));
  return { loss: tf.add(rec, tf.mul(penalty, beta)) as tf.Scalar, terms: { reconstruction: rec, kl } };
}

/**
 * Log importance weights under `N(0, I)` (`[k, n]`, prior weight `s`) moved to another prior:
 * `+ s·(log p(z) − log N(z; 0, I))` at the codes `z` (`[k·n, d]`). Call inside `tf.tidy`. @internal
 */
export function priorWeights(logW: tf.Tensor2D, z: tf.Tensor, logPrior: ((z: tf.Tensor) => tf.Tensor) | undefined, s = 1): tf.Tensor2D {
  if (logPrior === undefined) return logW;
  const d = z.shape[1]!;
  const standard = tf.mul(tf.add(tf.sum(tf.square(z), 1), d * LOG_2PI), -0.5);
  const shift = tf.reshape(tf.sub(logPrior(z), standard), logW.shape);
  return tf.add(logW, s === 1 ? shift : tf.mul(shift, s)) as tf.Tensor2D;
}

const LOG_2PI = 1.8378770664093453;
