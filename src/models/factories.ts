import { type OptionKeys, assertNumber, assertOneOf, assertOptions, assertUnits, deriveSeed, fail } from '../core/index.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Activation, WeightInit } from '../nn/index.js';
import { denseDecoder, denseEncoder, gaussianEncoder } from '../nn/index.js';
import { checkActivation } from '../nn/common.js';
import type { Corruptor } from '../noise/index.js';
import { Autoencoder, type ReconstructionLoss, type Sparsity, checkCorruptor, checkLoss, checkSparsity } from './autoencoder.js';
import { CVAE } from './cvae.js';
import type { VariationalObjective } from './objectives.js';
import { type LatentPrior, checkPrior, checkPriorObjective, seededPrior } from './prior.js';
import { VAE } from './vae.js';
import { type Likelihood, checkVaeOptions } from './variational.js';

/**
 * Options of {@link denseAutoencoder}: a fully connected `inputDim → hidden… → latentDim → …hidden
 * reversed → inputDim` autoencoder.
 * @category Models
 */
export interface DenseAutoencoderOptions {
  /** Width `d` of an input row. */
  readonly inputDim: number;
  /** Hidden widths of the encoder (the decoder uses them reversed), e.g. `[256]`. */
  readonly hidden: readonly number[];
  /** Width of the code. */
  readonly latentDim: number;
  /** Activation of the hidden layers. Default `'relu'`. */
  readonly activation?: Activation;
  /** Activation of the code. Default `'linear'`. */
  readonly latentActivation?: Activation;
  /** Activation of the output. Default `'sigmoid'` (data in [0, 1]); `'linear'` for unbounded data. */
  readonly outputActivation?: Activation;
  /** The reconstruction loss. Default `'mse'`. */
  readonly loss?: ReconstructionLoss;
  /** A sparsity penalty on the code. Default: none. */
  readonly sparsity?: Sparsity;
  /** A training corruptor (denoising). Default: none. */
  readonly corruptor?: Corruptor;
  /** Seed of the initial weights. Default: unseeded. */
  readonly seed?: number;
  /** Initial weight distribution (`'glorot'` or PyTorch's `'torch'`). Default `'glorot'`. */
  readonly init?: WeightInit;
}

const DENSE_AUTOENCODER_OPTIONS: OptionKeys<DenseAutoencoderOptions> = {
  inputDim: true,
  hidden: true,
  latentDim: true,
  activation: true,
  latentActivation: true,
  outputActivation: true,
  loss: true,
  sparsity: true,
  corruptor: true,
  seed: true,
  init: true,
};

const ACTIVATION_KEYS = ['activation', 'latentActivation', 'outputActivation'] as const;

/**
 * Checks the options object (a plain object of `known` keys), the widths every factory needs and
 * the options they all share, in the factory's own name (so that a bad value is reported by the
 * function the caller called, before any network is built).
 */
function checkOptions<T>(options: unknown, known: OptionKeys<T>, fn: string): void {
  assertOptions(options, known, fn);
  const o = options as Record<string, unknown>;
  assertNumber(o['inputDim'], fn, 'inputDim', { integer: true, min: 1 });
  assertUnits(o['hidden'], fn, 'hidden');
  assertNumber(o['latentDim'], fn, 'latentDim', { integer: true, min: 1 });
  for (const key of ACTIVATION_KEYS) if (o[key] !== undefined) checkActivation(o[key], fn, key);
  if (o['seed'] !== undefined) assertNumber(o['seed'], fn, 'seed', { integer: true, min: 0 });
  if (o['init'] !== undefined) assertOneOf(o['init'], ['glorot', 'torch'] as const, fn, 'init');
}

/** Checks the options of the autoencoder factories that the {@link Autoencoder} constructor reads. */
function checkAutoencoderOptions(options: DenseAutoencoderOptions, fn: string): void {
  if (options.loss !== undefined) checkLoss(options.loss, fn);
  checkSparsity(options.sparsity, fn);
  checkCorruptor(options.corruptor, fn);
}

/** Checks the options of the VAE factories that the networks and the model constructor read. */
function checkVaeFactoryOptions(options: DenseVaeOptions, fn: string): void {
  const { objective } = checkVaeOptions(options.likelihood ?? 'bernoulli', options.beta, options.objective, fn);
  checkPriorObjective(checkPrior(options.prior, fn), objective, fn);
  if (options.logVarLimit !== undefined) assertNumber(options.logVarLimit, fn, 'logVarLimit', { min: 0, minExclusive: true });
}

/** Seeds of the encoder and decoder builders derived from one model seed. @internal */
export function networkSeeds(seed: number | undefined): { encoder: { seed?: number }; decoder: { seed?: number } } {
  if (seed === undefined) return { encoder: {}, decoder: {} };
  return { encoder: { seed: deriveSeed(seed, 1) }, decoder: { seed: deriveSeed(seed, 2) } };
}

/** Anything that holds weights. */
interface Disposable {
  dispose(): void;
}

/**
 * Builds an encoder, then a decoder, then the model that owns them; when a later step throws,
 * disposes what the earlier steps built, so that a failed factory call leaks no weights.
 * @internal
 */
export function buildOwned<E extends Disposable, D extends Disposable, M>(encoder: () => E, decoder: () => D, model: (encoder: E, decoder: D) => M): M {
  const e = encoder();
  let d: D;
  try {
    d = decoder();
  } catch (error) {
    e.dispose();
    throw error;
  }
  try {
    return model(e, d);
  } catch (error) {
    e.dispose();
    d.dispose();
    throw error;
  }
}

/** The given keys of `options` whose values are defined (for options typed with `exactOptionalPropertyTypes`). @internal */
export function definedOnly<T extends object, K extends keyof T>(options: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) {
    const value = options[key];
    if (value !== undefined) out[key] = value as Exclude<T[K], undefined>;
  }
  return out;
}

/**
 * A fully connected {@link Autoencoder} (built with {@link denseEncoder} and {@link denseDecoder};
 * the decoder mirrors the encoder). Takes and gives `[n, inputDim]`.
 *
 * @param options - see {@link DenseAutoencoderOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * // 784-256-64-256-784, sigmoid output, stable cross-entropy
 * const ae = denseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, latentActivation: 'relu', loss: 'bce', seed: 1 });
 * ```
 */
export function denseAutoencoder(options: DenseAutoencoderOptions): Autoencoder {
  const fn = 'denseAutoencoder';
  checkOptions(options, DENSE_AUTOENCODER_OPTIONS, fn);
  checkAutoencoderOptions(options, fn);
  return buildDenseAutoencoder(options);
}

/** Builds a checked {@link DenseAutoencoderOptions}. */
function buildDenseAutoencoder(options: DenseAutoencoderOptions): Autoencoder {
  const { inputDim, hidden, latentDim, activation = 'relu', latentActivation = 'linear', outputActivation = 'sigmoid', seed, init = 'glorot' } = options;
  const seeds = networkSeeds(seed);
  return buildOwned(
    () => denseEncoder({ inputDim, units: hidden, latentDim, activation, latentActivation, init, ...seeds.encoder }),
    () => denseDecoder({ latentDim, units: [...hidden].reverse(), outputDim: inputDim, activation, outputActivation, init, ...seeds.decoder }),
    (encoder, decoder) => new Autoencoder({ encoder, decoder, ...definedOnly(options, ['loss', 'sparsity', 'corruptor']) }),
  );
}

/**
 * Options of {@link sparseAutoencoder}: those of {@link denseAutoencoder} with `sparsity` required.
 * @category Models
 */
export interface SparseAutoencoderOptions extends DenseAutoencoderOptions {
  readonly sparsity: Sparsity;
}

/**
 * A sparse fully connected autoencoder: {@link denseAutoencoder} with a penalty on the code
 * (`{ kind: 'l1', weight }` or `{ kind: 'kl-bernoulli', rho, weight }`). The code activation
 * defaults to `'sigmoid'` for the KL penalty (which needs codes in (0, 1)) and `'relu'` for L1.
 *
 * @param options - see {@link SparseAutoencoderOptions}.
 * @returns a new model; the caller disposes it.
 * @throws Error for the KL penalty with a code activation other than `'sigmoid'`.
 * @category Models
 * @example
 * ```ts
 * const ae = sparseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, sparsity: { kind: 'kl-bernoulli', rho: 0.05, weight: 0.1 } });
 * ```
 */
export function sparseAutoencoder(options: SparseAutoencoderOptions): Autoencoder {
  const fn = 'sparseAutoencoder';
  checkOptions(options, DENSE_AUTOENCODER_OPTIONS, fn);
  const { sparsity } = options;
  if (typeof sparsity !== 'object' || sparsity === null) {
    fail(fn, 'sparsity', "{ kind: 'l1', weight } or { kind: 'kl-bernoulli', rho?, weight? }", sparsity);
  }
  const latentActivation = options.latentActivation ?? (sparsity.kind === 'kl-bernoulli' ? 'sigmoid' : 'relu');
  if (sparsity.kind === 'kl-bernoulli' && latentActivation !== 'sigmoid') {
    fail(fn, 'latentActivation', "'sigmoid' with the 'kl-bernoulli' penalty (its codes must lie in (0, 1))", latentActivation);
  }
  checkAutoencoderOptions(options, fn);
  return buildDenseAutoencoder({ ...options, latentActivation });
}

/**
 * Options of {@link denoisingAutoencoder}: those of {@link denseAutoencoder} with `corruptor` required.
 * @category Models
 */
export interface DenoisingAutoencoderOptions extends DenseAutoencoderOptions {
  readonly corruptor: Corruptor;
}

/**
 * A denoising fully connected autoencoder: {@link denseAutoencoder} whose input is corrupted in
 * training (by a corruptor of the package: `gaussianNoise`, `maskingNoise`, `saltAndPepperNoise`,
 * or a composition) while the loss is measured against the clean input.
 *
 * @param options - see {@link DenoisingAutoencoderOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * const dae = denoisingAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, corruptor: maskingNoise({ rate: 0.3 }) });
 * ```
 */
export function denoisingAutoencoder(options: DenoisingAutoencoderOptions): Autoencoder {
  const fn = 'denoisingAutoencoder';
  checkOptions(options, DENSE_AUTOENCODER_OPTIONS, fn);
  if (options.corruptor === undefined) fail(fn, 'corruptor', 'a corruptor (gaussianNoise, maskingNoise, …)', options.corruptor);
  checkAutoencoderOptions(options, fn);
  return buildDenseAutoencoder(options);
}

/**
 * The options every VAE factory takes ({@link denseVae}, {@link convVae} and their CVAEs) besides
 * its network's shape.
 * @category Models
 */
export interface VaeFactoryOptions {
  /** Width of the latent space. */
  readonly latentDim: number;
  /** The decoder likelihood. Default `'bernoulli'` (sigmoid output); `'gaussian'` gives a linear output. */
  readonly likelihood?: Likelihood;
  /** Weight β of the KL term: shorthand for `objective: { kind: 'elbo', beta }`. Default 1. */
  readonly beta?: number;
  /** The training objective, see {@link VariationalObjective}. Default `{ kind: 'elbo', beta: 1 }`. */
  readonly objective?: VariationalObjective;
  /**
   * The prior, see {@link LatentPrior}: `{ kind: 'vamp', pseudoInputs }` is the VampPrior on the VAE
   * factories and the conditional VampPrior `p(z | y)` on the CVAE ones (the initial pseudo-inputs
   * drawn from `seed` when the prior has no seed). Default `{ kind: 'standard' }`.
   */
  readonly prior?: LatentPrior;
  /** Activation of the hidden layers (of the convolutions in {@link convVae}). Default `'relu'`. */
  readonly activation?: Activation;
  /** Bound of the encoder's log-variance, see {@link gaussianEncoder}. Default 10. */
  readonly logVarLimit?: number;
  /** Seed of the initial weights. Default: unseeded. */
  readonly seed?: number;
  /** Initial weight distribution. Default `'glorot'`. */
  readonly init?: WeightInit;
}

/** The keys of {@link VaeFactoryOptions}, in the order the factories list them. @internal */
export const VAE_FACTORY_KEYS = {
  latentDim: true,
  likelihood: true,
  beta: true,
  objective: true,
  prior: true,
  activation: true,
  logVarLimit: true,
  seed: true,
  init: true,
} as const satisfies OptionKeys<VaeFactoryOptions>;

/**
 * Options of {@link denseVae}.
 * @category Models
 */
export interface DenseVaeOptions extends VaeFactoryOptions {
  /** Width `d` of an input row. */
  readonly inputDim: number;
  /** Hidden widths of the encoder (the decoder uses them reversed), e.g. `[512]`. */
  readonly hidden: readonly number[];
}

const DENSE_VAE_OPTIONS: OptionKeys<DenseVaeOptions> = /* @__PURE__ */ Object.assign({ inputDim: true, hidden: true } as const, VAE_FACTORY_KEYS);

/** Builds a Gaussian encoder and a dense decoder, `extraIn` wider at their inputs (CVAE labels), and the model that owns them. */
function buildVae<M>(options: DenseVaeOptions, extraIn: number, model: (encoder: tfl.LayersModel, decoder: tfl.LayersModel) => M): M {
  const { inputDim, hidden, latentDim, activation = 'relu', likelihood = 'bernoulli', seed, init = 'glorot' } = options;
  const seeds = networkSeeds(seed);
  return buildOwned(
    () => gaussianEncoder({ inputDim: inputDim + extraIn, units: hidden, latentDim, activation, init, ...definedOnly(options, ['logVarLimit']), ...seeds.encoder }),
    () =>
      denseDecoder({
        latentDim: latentDim + extraIn,
        units: [...hidden].reverse(),
        outputDim: inputDim,
        activation,
        outputActivation: likelihood === 'gaussian' ? 'linear' : 'sigmoid',
        init,
        ...seeds.decoder,
      }),
    model,
  );
}

/**
 * A fully connected {@link VAE}: a {@link gaussianEncoder} `inputDim → hidden… → (μ, log σ²)` and a
 * {@link denseDecoder} `latentDim → …hidden reversed → inputDim` (sigmoid output for Bernoulli,
 * linear for Gaussian).
 *
 * @param options - see {@link DenseVaeOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * const vae = denseVae({ inputDim: 784, hidden: [512], latentDim: 20, seed: 1 });
 * ```
 */
export function denseVae(options: DenseVaeOptions): VAE {
  const fn = 'denseVae';
  checkOptions(options, DENSE_VAE_OPTIONS, fn);
  checkVaeFactoryOptions(options, fn);
  return buildVae(options, 0, (encoder, decoder) => new VAE({ encoder, decoder, ...definedOnly({ ...options, prior: seededPrior(options.prior, options.seed) as LatentPrior | undefined }, ['likelihood', 'beta', 'objective', 'prior']) }));
}

/**
 * Options of {@link denseCvae}: those of {@link denseVae} and the number of classes.
 * @category Models
 */
export interface DenseCvaeOptions extends DenseVaeOptions {
  /** Number of classes `K`. */
  readonly numClasses: number;
}

/**
 * A fully connected {@link CVAE}: the encoder reads `[x, onehot(y)]` (`inputDim + numClasses` wide),
 * the decoder `[z, onehot(y)]` (`latentDim + numClasses` wide).
 *
 * @param options - see {@link DenseCvaeOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * const cvae = denseCvae({ inputDim: 784, numClasses: 10, hidden: [512], latentDim: 20, seed: 1 });
 * ```
 */
export function denseCvae(options: DenseCvaeOptions): CVAE {
  const fn = 'denseCvae';
  checkOptions(options, { ...DENSE_VAE_OPTIONS, numClasses: true } satisfies OptionKeys<DenseCvaeOptions>, fn);
  const { numClasses } = options;
  assertNumber(numClasses, fn, 'numClasses', { integer: true, min: 1 });
  checkVaeFactoryOptions(options, fn);
  return buildVae(options, numClasses, (encoder, decoder) =>
    new CVAE({ encoder, decoder, numClasses, ...definedOnly({ ...options, prior: seededPrior(options.prior, options.seed) as LatentPrior | undefined }, ['likelihood', 'beta', 'objective', 'prior']) }),
  );
}
