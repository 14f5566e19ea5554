/**
 * The latent prior `p(z)` of a VAE: the tagged, serialisable `prior` option, its checking, and the
 * VampPrior's learned pseudo-inputs (Tomczak & Welling 2018).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, deriveSeed, fail, rejectUnknownKeys, typeFail } from '../core/index.js';
import { componentsOf, mixtureLogDensity, vampLogPrior } from '../losses/vamp.js';
import type { FeatureShape } from './internal.js';
import type { ResolvedObjective } from './objectives.js';

/**
 * The standard normal prior `p(z) = N(0, I)` (the default).
 * @category Models
 * @example
 * ```ts
 * const prior: StandardPrior = { kind: 'standard' };
 * ```
 */
export interface StandardPrior {
  readonly kind: 'standard';
}

/**
 * The VampPrior (Tomczak & Welling 2018, "VAE with a VampPrior"): the mixture of the encoder's
 * posteriors at K learned pseudo-inputs `u_k`,
 *
 * `p(z) = (1/K) Σ_k q(z | u_k)`.
 *
 * On a {@link CVAE} it is the conditional VampPrior `p(z | y) = (1/K) Σ_k q(z | u_k, y)`: the same
 * K pseudo-inputs (shared by the classes) encoded together with the query label `y`. This is the
 * VampPrior's own argument carried over to the conditional ELBO: the prior that maximises
 * `E_x[ELBO(x | y)]` for a class is the class's aggregate posterior `E_{x ~ p(x|y)} q(z | x, y)`
 * (Tomczak & Welling 2018, eq. 5–7; Hoffman & Johnson 2016), and the K pseudo-inputs stand in
 * for the data of that class. Shared rather than class-specific pseudo-inputs keep the parameter
 * count at `K·d` (not `C·K·d`) and the saved weight the VAE's. Cost: each training step encodes
 * all `C·K` (class, pseudo-input) pairs, i.e. `C·K` extra encoder rows beside the batch.
 *
 * The pseudo-inputs are a trainable variable `[K, ...inputShape]`, trained with the networks,
 * initialised from a seeded uniform draw `u ~ U(0, 1)` (`seed`; a factory's `seed` gives
 * `deriveSeed(seed, 3)` when this one is absent, else a fresh draw). The KL term of the ELBO has
 * no closed form: it is the one-sample estimate `log q(z|x) − log p(z)` at the sampled `z` (see
 * {@link vampKl}). `sample(n)` picks a pseudo-input uniformly and draws `z ~ q(z | u_k)` (the
 * CVAE's `generate(labels)` / `sample(n)`: `z ~ q(z | u_k, y)`).
 * Works with the objectives `'elbo'` (without free bits) and `'iwae'`; `saveModel` keeps the
 * pseudo-inputs (as the weight `prior/pseudoInputs`).
 * @category Models
 * @example
 * ```ts
 * const vae = denseVae({ inputDim: 784, hidden: [256], latentDim: 16, prior: { kind: 'vamp', pseudoInputs: 50 }, seed: 1 });
 * ```
 */
export interface VampPrior {
  readonly kind: 'vamp';
  /** K, the number of pseudo-inputs (an integer in [1, 65536]). */
  readonly pseudoInputs: number;
  /** Seed of the initial draw of the pseudo-inputs. Default: the factory's, else fresh. Not saved. */
  readonly seed?: number;
}

/**
 * The prior `p(z)` of a {@link VAE}: a tagged, JSON-able object that {@link saveModel} keeps.
 * @category Models
 * @example
 * ```ts
 * const prior: LatentPrior = { kind: 'vamp', pseudoInputs: 10 };
 * ```
 */
export type LatentPrior = StandardPrior | VampPrior;

const KINDS = "{ kind: 'standard' } or { kind: 'vamp', pseudoInputs, seed? }";

/** Checks a `prior` option (or a saved one). @internal */
export function checkPrior(value: unknown, fn: string, arg = 'prior'): LatentPrior {
  if (value === undefined) return { kind: 'standard' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) typeFail(fn, arg, KINDS, value);
  const o = value as { kind?: unknown } & Record<string, unknown>;
  const kind = o.kind as LatentPrior['kind'];
  switch (kind) {
    case 'standard':
      rejectUnknownKeys(o, ['kind'], fn, arg);
      return { kind };
    case 'vamp': {
      rejectUnknownKeys(o, ['kind', 'pseudoInputs', 'seed'], fn, arg);
      assertNumber(o['pseudoInputs'], fn, `${arg}.pseudoInputs`, { integer: true, min: 1, max: 65536 });
      if (o['seed'] === undefined) return { kind, pseudoInputs: o['pseudoInputs'] };
      assertNumber(o['seed'], fn, `${arg}.seed`, { integer: true, min: 0 });
      return { kind, pseudoInputs: o['pseudoInputs'], seed: o['seed'] };
    }
    default: {
      const never: never = kind;
      return fail(fn, `${arg}.kind`, `'standard' or 'vamp' (${KINDS})`, never);
    }
  }
}

/** Refuses the objectives the VampPrior does not support. @internal */
export function checkPriorObjective(prior: LatentPrior, objective: ResolvedObjective, fn: string): void {
  if (prior.kind === 'standard') return;
  if (objective.kind === 'iwae' || (objective.kind === 'elbo' && objective.freeBits === 0)) return;
  const what = objective.kind === 'elbo' ? "{ kind: 'elbo' } with free bits" : `{ kind: '${objective.kind}' }`;
  throw new Error(
    `${fn}: argument 'prior' is { kind: 'vamp' }, which works with the objectives { kind: 'elbo' } without free bits and { kind: 'iwae' }, ` +
      `got objective ${what} (its KL decomposition / prior draws assume p(z) = N(0, I))`,
  );
}

/** A factory's prior option with the initial draw's seed derived from the model seed. @internal */
export function seededPrior(prior: unknown, seed: number | undefined): unknown {
  if (seed === undefined || typeof prior !== 'object' || prior === null) return prior;
  const p = prior as Record<string, unknown>;
  return p['kind'] === 'vamp' && p['seed'] === undefined ? { ...p, seed: deriveSeed(seed, 3) } : prior;
}

/** What the VampPrior needs of the model: the posterior of inputs `[m, ...inputShape]`. @internal */
export type EncodeFn = (x: tf.Tensor, training: boolean) => { mean: tf.Tensor; logVar: tf.Tensor };

/**
 * The VampPrior's state: the pseudo-input variable and the mixture built from it. @internal
 */
export class PseudoInputs {
  readonly variable: tf.Variable;

  constructor(
    readonly count: number,
    inputShape: FeatureShape,
    seed: number | undefined,
    readonly encode: EncodeFn,
  ) {
    const shape = [count, ...(inputShape as number[])];
    this.variable = tf.tidy(() => tf.variable(tf.randomUniform(shape, 0, 1, 'float32', seed), true));
  }

  /** `log p(z)` under the mixture, `[m]` for `z` `[m, D]`. Call inside `tf.tidy`. */
  logPrior(z: tf.Tensor, training: boolean): tf.Tensor1D {
    const { mean, logVar } = this.encode(this.variable, training);
    return vampLogPrior({ z, mean, logVar });
  }

  /** `n` seeded draws from the mixture: `k ~ U{0..K−1}`, `z = μ(u_k) + σ(u_k) ⊙ ε`. Call inside `tf.tidy`. */
  sample(n: number, latentDim: number, seed: number): tf.Tensor2D {
    const { mean, logVar } = this.encode(this.variable, false);
    const u = tf.randomUniform([n], 0, 1, 'float32', deriveSeed(seed, 1));
    const k = tf.cast(tf.minimum(tf.floor(tf.mul(u, this.count)), this.count - 1), 'int32');
    const eps = tf.randomNormal([n, latentDim], 0, 1, 'float32', deriveSeed(seed, 2));
    return tf.add(tf.gather(mean, k), tf.mul(tf.exp(tf.mul(tf.gather(logVar, k), 0.5)), eps)) as tf.Tensor2D;
  }

  dispose(): void {
    this.variable.dispose();
  }
}

/** The JSON form of a prior in a config (the seed of the initial draw dropped). @internal */
export function priorConfig(prior: LatentPrior): LatentPrior {
  return prior.kind === 'vamp' ? { kind: 'vamp', pseudoInputs: prior.pseudoInputs } : { kind: 'standard' };
}

/** What the conditional VampPrior needs of a CVAE: the posterior of inputs and one-hot labels. @internal */
export type ConditionalEncodeFn = (x: tf.Tensor, y: tf.Tensor2D, training: boolean) => { mean: tf.Tensor; logVar: tf.Tensor };

/**
 * The conditional VampPrior's state (see {@link VampPrior}): K pseudo-inputs shared by the
 * classes, `p(z | y) = (1/K) Σ_k q(z | u_k, y)`. @internal
 */
export class ConditionalPseudoInputs {
  readonly variable: tf.Variable;

  constructor(
    readonly count: number,
    inputShape: FeatureShape,
    seed: number | undefined,
    readonly numClasses: number,
    readonly encode: ConditionalEncodeFn,
  ) {
    const shape = [count, ...(inputShape as number[])];
    this.variable = tf.tidy(() => tf.variable(tf.randomUniform(shape, 0, 1, 'float32', seed), true));
  }

  /**
   * `log p(zᵢ | yᵢ)`, `[m]`, for `z` `[m, D]` and one-hot `labels` `[m, C]`: the encoder at every
   * (class, pseudo-input) pair, row `c·K + k` = `(u_k, c)`, then each row's class. Call inside `tf.tidy`.
   */
  logPrior(z: tf.Tensor, labels: tf.Tensor2D, training: boolean): tf.Tensor1D {
    const [c, k] = [this.numClasses, this.count];
    const u = tf.tile(this.variable, [c, ...this.variable.shape.slice(1).map(() => 1)]);
    const oneHot = new Float32Array(c * k * c);
    for (let i = 0; i < c * k; i++) oneHot[i * c + Math.floor(i / k)] = 1;
    const y = tf.tensor2d(oneHot, [c * k, c]);
    const { mean, logVar } = this.encode(u, y, training);
    const d = mean.shape[1]!;
    return mixtureLogDensity(z, componentsOf(labels, tf.reshape(mean, [c, k, d])), componentsOf(labels, tf.reshape(logVar, [c, k, d])));
  }

  /**
   * One seeded draw per row of the one-hot labels `y` `[n, C]`: `k ~ U{0..K−1}`,
   * `z = μ(u_k, y) + σ(u_k, y) ⊙ ε`. Call inside `tf.tidy`.
   */
  sample(y: tf.Tensor2D, latentDim: number, seed: number): tf.Tensor2D {
    const n = y.shape[0];
    const u = tf.randomUniform([n], 0, 1, 'float32', deriveSeed(seed, 1));
    const k = tf.cast(tf.minimum(tf.floor(tf.mul(u, this.count)), this.count - 1), 'int32');
    const { mean, logVar } = this.encode(tf.gather(this.variable, k), y, false);
    const eps = tf.randomNormal([n, latentDim], 0, 1, 'float32', deriveSeed(seed, 2));
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D;
  }

  dispose(): void {
    this.variable.dispose();
  }
}
