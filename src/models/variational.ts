/**
 * What the variational models share: the decoder likelihood and the posterior types, the seeded
 * reparameterisation `z = μ + σ·ε` and the `encode`/`forward` bodies of the VAE and the CVAE built
 * on it, the `{ seed }` options of their methods (and the VQ-VAE's), and the checks of a Gaussian
 * encoder's heads and of the likelihood and objective options.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { type OptionKeys, assertOptions, assertNumber, assertNumericTensor, assertOneOf, assertSameShape, typeFail } from '../core/index.js';
import { type ResolvedObjective, objectiveOption } from './objectives.js';
import { type FeatureShape, expectShape, seedOrRandom, tidyRecord } from './internal.js';

/**
 * The decoder's likelihood `p(x|z)`:
 * - `'bernoulli'`: the decoder gives probabilities in (0, 1) (data in [0, 1]); the negative
 *   log-likelihood is the binary cross-entropy summed over the features (from the logits when the
 *   decoder ends in a sigmoid `Activation` layer);
 * - `'gaussian'`: the decoder gives the mean of a unit-variance Gaussian; the negative
 *   log-likelihood is `Σ_d ½((x_d − x̂_d)² + log 2π)`.
 * @category Models
 */
export type Likelihood = 'bernoulli' | 'gaussian';

/**
 * The parameters of the diagonal Gaussian `q(z|x)`, both `[n, latentDim]`, owned by the caller.
 * @category Models
 */
export type Posterior = {
  readonly mean: tf.Tensor2D;
  readonly logVar: tf.Tensor2D;
};

/**
 * What {@link VAE.forward} returns (all owned by the caller).
 * @category Models
 */
export type VaeOutput = {
  /** `decoder(z)`: probabilities (Bernoulli) or means (Gaussian), `[n, ...features]`. */
  readonly reconstruction: tf.Tensor;
  /** `μ(x)`, `[n, latentDim]`. */
  readonly mean: tf.Tensor2D;
  /** `log σ²(x)`, `[n, latentDim]`. */
  readonly logVar: tf.Tensor2D;
  /** The sample `z = μ + σ·ε`, `[n, latentDim]`. */
  readonly z: tf.Tensor2D;
};

/** Options with a seed. @category Models */
export interface SeedOptions {
  /** Seed of the random draw; the same seed gives the same numbers on a backend. Default: fresh. */
  readonly seed?: number;
}

/** Options of {@link VAE.encode}. @category Models */
export interface EncodeOptions extends SeedOptions {
  /** Draw `z ~ q(z|x)` instead of returning the mean. Default false. */
  readonly sample?: boolean;
}

const SEED_OPTIONS: OptionKeys<SeedOptions> = { seed: true };
const ENCODE_OPTIONS: OptionKeys<EncodeOptions> = { seed: true, sample: true };

/** The seed of a method's `{ seed }` options, checked (no other keys), or a fresh one. @internal */
export function optionSeed(options: unknown, fn: string): number {
  assertOptions<SeedOptions>(options, SEED_OPTIONS, fn);
  return seedOrRandom(options.seed, fn, 'options.seed');
}

/**
 * The reparameterisation trick: `z = μ + exp(½·log σ²) ⊙ ε` with `ε ~ N(0, I)` drawn from `seed`,
 * differentiable in `mean` and `logVar`.
 *
 * @param mean - `μ`, `[n, k]` (float32; an int32 or bool tensor is cast).
 * @param logVar - `log σ²`, same shape.
 * @param options - `{ seed }` (default: fresh).
 * @returns `z`, same shape, owned by the caller. Runs in `tf.tidy`; the inputs are not disposed.
 * @category Models
 * @example
 * ```ts
 * const z = reparameterize(tf.zeros([2, 3]), tf.zeros([2, 3]), { seed: 7 }); // ~ N(0, I)
 * ```
 */
export function reparameterize<T extends tf.Tensor>(mean: T, logVar: T, options: SeedOptions = {}): T {
  const fn = 'reparameterize';
  assertNumericTensor(mean, fn, 'mean');
  assertNumericTensor(logVar, fn, 'logVar');
  assertSameShape(mean, logVar, fn, 'mean', 'logVar');
  const seed = optionSeed(options, fn);
  return tf.tidy(() => {
    const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
    const m = mean.dtype === 'float32' ? mean : tf.cast(mean, 'float32');
    const v = logVar.dtype === 'float32' ? logVar : tf.cast(logVar, 'float32');
    return tf.add(m, tf.mul(tf.exp(tf.mul(v, 0.5)), eps));
  }) as T;
}

/**
 * The body of `encode` for the VAE and the CVAE: the posterior mean, or with `{ sample: true }` a
 * seeded draw `z ~ q(z|·)`. @internal
 */
export function latentCode(posterior: () => Posterior, options: EncodeOptions, fn: string): tf.Tensor2D {
  assertOptions<EncodeOptions>(options, ENCODE_OPTIONS, fn);
  if (options.sample !== undefined && typeof options.sample !== 'boolean') typeFail(fn, 'options.sample', 'a boolean', options.sample);
  const seed = options.sample === true ? seedOrRandom(options.seed, fn, 'options.seed') : 0;
  return tf.tidy(() => {
    const { mean, logVar } = posterior();
    return options.sample === true ? reparameterize(mean, logVar, { seed }) : mean;
  });
}

/**
 * The body of `forward` for the VAE and the CVAE: one seeded draw `z = μ + σ·ε` and its decoding.
 * `pass` gives the posterior and the decoder to apply to `z` (the CVAE's joins the labels). @internal
 */
export function sampledPass(pass: () => Posterior & { decode: (z: tf.Tensor2D) => tf.Tensor }, options: SeedOptions, fn: string): VaeOutput {
  const seed = optionSeed(options, fn);
  return tidyRecord(() => {
    const { mean, logVar, decode } = pass();
    const z = reparameterize(mean, logVar, { seed });
    return { reconstruction: decode(z), mean, logVar, z };
  });
}

/** Validates the likelihood and the objective (or its shorthand β). @internal */
export function checkVaeOptions(likelihood: unknown, beta: unknown, objective: unknown, fn: string): { likelihood: Likelihood; objective: ResolvedObjective } {
  assertOneOf(likelihood, ['bernoulli', 'gaussian'] as const, fn, 'likelihood');
  return { likelihood, objective: objectiveOption(objective, beta, fn) };
}

/** Checks a Gaussian encoder's two heads and returns latentDim. @internal */
export function checkHeads(outputs: FeatureShape[], latentDim: unknown, fn: string): number {
  const [m, v] = outputs as [FeatureShape, FeatureShape];
  if (m.length !== 1 || typeof m[0] !== 'number') {
    throw new Error(`${fn}: the encoder's first output (the mean) must have shape [?,latentDim], got [?,${m.map(String).join(',')}]`);
  }
  expectShape(v, m, fn, "the encoder's second output (the log-variance)", 'the shape of the mean');
  if (latentDim !== undefined) {
    assertNumber(latentDim, fn, 'latentDim', { integer: true, min: 1 });
    if (latentDim !== m[0]) {
      throw new Error(`${fn}: argument 'latentDim' is ${latentDim} but the encoder's heads give [?,${m[0]}]`);
    }
  }
  return m[0];
}
