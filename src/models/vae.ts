import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type DataInput, type OptionKeys, assertOptions } from '../core/index.js';
import type { Batch, GaussianPlannable, GaussianTrainingPlan, ImportanceSampledModel, LossContext, LossOutput, TrainableModel } from './contract.js';
import { GaussianLatent } from './gaussian-latent.js';
import { type LatentPrior, PseudoInputs, checkPrior, checkPriorObjective, priorConfig } from './prior.js';
import { type VariationalObjective, objectiveBeta } from './objectives.js';
import {
  type FeatureShape,
  checkLossArguments,
  checkNetwork,
  checkSampleCount,
  valuesPerSample,
  expectShape,
  inputTensor,
  run1,
  runAll,
  tidyRecord,
  OwnedNetworks,
} from './internal.js';
import { type FromLayersModelsOptions, networksOf, readFromLayers, rebuild } from './from-layers.js';
import {
  type EncodeOptions,
  type Likelihood,
  type Posterior,
  type SeedOptions,
  type VaeOutput,
  checkHeads,
  checkVaeOptions,
  latentCode,
  optionSeed,
  sampledPass,
} from './variational.js';

/**
 * Options of the {@link VAE} constructor.
 * @category Models
 */
export interface VaeOptions {
  /**
   * Any `tf.LayersModel` with one input `[n, ...features]` and two outputs `[n, latentDim]`: the
   * mean and the log-variance of `q(z|x)`, e.g. a {@link gaussianEncoder}. Its log-variance should be
   * bounded (as gaussianEncoder's is) so that `exp` cannot overflow.
   */
  readonly encoder: tfl.LayersModel;
  /** Any single-input, single-output `tf.LayersModel` `[n, latentDim] → [n, ...features]`. */
  readonly decoder: tfl.LayersModel;
  /** Width of the latent space; checked against the encoder when given. Default: the encoder's. */
  readonly latentDim?: number;
  /** The decoder likelihood, see {@link Likelihood}. Default `'bernoulli'`. */
  readonly likelihood?: Likelihood;
  /** Weight β of the KL term (β-VAE): shorthand for `objective: { kind: 'elbo', beta }`. Default 1. */
  readonly beta?: number;
  /** The training objective, see {@link VariationalObjective}. Default `{ kind: 'elbo', beta: 1 }`. */
  readonly objective?: VariationalObjective;
  /** The prior `p(z)`, see {@link LatentPrior}. Default `{ kind: 'standard' }` (`N(0, I)`). */
  readonly prior?: LatentPrior;
}

/**
 * The JSON-able description of a {@link VAE}.
 * @category Models
 */
export interface VaeConfig {
  readonly kind: 'vae';
  readonly inputShape: FeatureShape;
  readonly latentDim: number;
  readonly likelihood: Likelihood;
  /** The β of the objective's KL term (1 for 'iwae', 'beta-tc' and 'mmd'). */
  readonly beta: number;
  /** The objective with its defaults filled in. */
  readonly objective: VariationalObjective;
  /** The VampPrior (without the initial draw's seed); absent for the standard prior. */
  readonly prior?: LatentPrior;
}

const VAE_OPTIONS: OptionKeys<VaeOptions> = { encoder: true, decoder: true, latentDim: true, likelihood: true, beta: true, objective: true, prior: true };

/**
 * A variational autoencoder: the encoder gives `q(z|x) = N(μ(x), diag σ²(x))`, the decoder
 * `p(x|z)`; training maximises the ELBO, i.e. minimises
 *
 * `loss = E_q[−log p(x|z)] + β·klScale·KL(q(z|x) ‖ N(0, I))`,
 *
 * with the default objective (see {@link VariationalObjective} for β, free bits, a KL capacity
 * and the IWAE bound). The expectation is estimated with one sample `z = μ + σ·ε` (ε seeded by
 * `context.seed`) in training, and in evaluation (`training: false`) with `context.samples`
 * draws (default 1; the Monte-Carlo negative ELBO that papers report), or at `z = μ` with
 * `context.atMean: true` (deterministic, lower than the sampled value).
 * `terms` are `reconstruction` (per-sample NLL summed over features) and `kl`, batch means.
 *
 * The model owns its encoder and decoder: {@link VAE.dispose} disposes them.
 *
 * @category Models
 * @example
 * ```ts
 * const vae = new VAE({
 *   encoder: gaussianEncoder({ inputDim: 784, units: [512], latentDim: 20, seed: 1 }),
 *   decoder: denseDecoder({ latentDim: 20, units: [512], outputDim: 784, seed: 2 }),
 * });
 * const digits = vae.sample(16, { seed: 3 }); // [16, 784] probabilities
 * ```
 */
export class VAE implements TrainableModel, ImportanceSampledModel, GaussianPlannable {
  /** The model kind, for saving. */
  readonly kind = 'vae' as const;
  readonly encoder: tfl.LayersModel;
  readonly decoder: tfl.LayersModel;
  /** Feature shape of one input (no batch axis). */
  readonly inputShape: FeatureShape;
  readonly latentDim: number;
  readonly likelihood: Likelihood;
  /** The β of the objective's KL term (1 for 'iwae', 'beta-tc' and 'mmd'). */
  readonly beta: number;
  /** The training objective, defaults filled in. */
  readonly objective: VariationalObjective;
  /** The prior `p(z)` (without the initial draw's seed). */
  readonly prior: LatentPrior;
  readonly #core: GaussianLatent;
  readonly #pseudo: PseudoInputs | null;
  readonly #networks: OwnedNetworks;

  /**
   * @param options - see {@link VaeOptions}.
   * @throws TypeError for a non-model network or bad option; Error when the shapes do not fit.
   */
  constructor(options: VaeOptions) {
    const fn = 'VAE';
    assertOptions(options, VAE_OPTIONS, fn);
    const enc = checkNetwork(options.encoder, fn, 'encoder', { inputs: [1], outputs: [2] });
    const dec = checkNetwork(options.decoder, fn, 'decoder', { inputs: [1], outputs: [1] });
    const latentDim = checkHeads(enc.outputs, options.latentDim, fn);
    const inputShape = enc.inputs[0]!;
    expectShape(dec.inputs[0]!, [latentDim], fn, "the decoder's input", 'latentDim');
    expectShape(dec.outputs[0]!, inputShape, fn, "the decoder's output", "the encoder's input shape");
    const { likelihood, objective } = checkVaeOptions(options.likelihood ?? 'bernoulli', options.beta, options.objective, fn);
    const prior = checkPrior(options.prior, fn);
    checkPriorObjective(prior, objective, fn);
    this.encoder = enc.model;
    this.decoder = dec.model;
    this.#networks = new OwnedNetworks(enc.model, dec.model);
    this.inputShape = inputShape;
    this.latentDim = latentDim;
    this.likelihood = likelihood;
    this.objective = objective;
    this.beta = objectiveBeta(objective);
    this.prior = priorConfig(prior);
    const pseudo =
      prior.kind === 'vamp'
        ? new PseudoInputs(prior.pseudoInputs, inputShape, prior.seed, (x, training) => this.#posterior(x, fn, training))
        : null;
    this.#pseudo = pseudo;
    this.#core = new GaussianLatent(dec.model, likelihood, objective, pseudo === null ? undefined : (z, training) => pseudo.logPrior(z, training));
  }

  /** The encoder's and decoder's trainable variables (each once), then the VampPrior's pseudo-inputs. */
  get trainableVariables(): readonly tf.Variable[] {
    const variables = this.#networks.variables('VAE.trainableVariables');
    return this.#pseudo === null ? variables : [...variables, this.#pseudo.variable];
  }

  /**
   * The VampPrior's pseudo-inputs, a trainable variable `[K, ...inputShape]` owned by the model;
   * null with the standard prior.
   */
  get pseudoInputs(): tf.Variable | null {
    this.#networks.assertAlive('VAE.pseudoInputs');
    return this.#pseudo === null ? null : this.#pseudo.variable;
  }

  /**
   * The parameters of `q(z|x)`.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns `{ mean, logVar }`, `[n, latentDim]` each, owned by the caller.
   */
  posterior(x: DataInput): Posterior {
    const fn = 'VAE.posterior';
    this.#networks.assertAlive(fn);
    return tidyRecord(() => this.#posterior(x, fn, false));
  }

  /**
   * The code of `x`: the posterior mean `μ(x)`, or with `{ sample: true, seed }` a draw `z ~ q(z|x)`.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns `[n, latentDim]`, owned by the caller.
   */
  encode(x: DataInput, options: EncodeOptions = {}): tf.Tensor2D {
    const fn = 'VAE.encode';
    this.#networks.assertAlive(fn);
    return latentCode(() => this.#posterior(x, fn, false), options, fn);
  }

  /**
   * `decoder(z)`: probabilities (Bernoulli) or means (Gaussian).
   * @param z - `[n, latentDim]`; not disposed.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  decode(z: DataInput): tf.Tensor {
    const fn = 'VAE.decode';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => run1(this.decoder, inputTensor(z, [this.latentDim], fn, 'z', 'latentDim'), false));
  }

  /**
   * The deterministic reconstruction `decoder(μ(x))`.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  reconstruct(x: DataInput): tf.Tensor {
    const fn = 'VAE.reconstruct';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => run1(this.decoder, this.#posterior(x, fn, false).mean, false));
  }

  /**
   * One pass with sampling: `z = μ + σ·ε` (ε from `seed`), `reconstruction = decoder(z)`.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns a {@link VaeOutput}, all owned by the caller.
   */
  forward(x: DataInput, options: SeedOptions = {}): VaeOutput {
    const fn = 'VAE.forward';
    this.#networks.assertAlive(fn);
    return sampledPass(() => ({ ...this.#posterior(x, fn, false), decode: (z) => run1(this.decoder, z, false) }), options, fn);
  }

  /**
   * Draws `n` new samples: `z ~ p(z)` (from `seed`), returns `decoder(z)`. With the VampPrior a
   * pseudo-input `u_k` is picked uniformly per sample and `z ~ q(z | u_k)`.
   * @param n - how many: an integer >= 1 (at most 2^31 - 1 values in all, the size limit of one tensor).
   * @returns `[n, ...inputShape]` probabilities/means, owned by the caller.
   */
  sample(n: number, options: SeedOptions = {}): tf.Tensor {
    const fn = 'VAE.sample';
    this.#networks.assertAlive(fn);
    checkSampleCount(n, Math.max(this.latentDim, valuesPerSample(this.inputShape)), fn);
    const seed = optionSeed(options, fn);
    const pseudo = this.#pseudo;
    return tf.tidy(() =>
      run1(this.decoder, pseudo === null ? tf.randomNormal([n, this.latentDim], 0, 1, 'float32', seed) : pseudo.sample(n, this.latentDim, seed), false),
    );
  }

  /**
   * The training contract: `{ loss, terms: { reconstruction, kl } }` (batch means; see the class).
   * @param batch - `{ x: [n, ...inputShape] }`; not disposed.
   * @param context - `{ training, seed?, klScale? }`.
   */
  computeLoss(batch: Batch, context: LossContext): LossOutput {
    const fn = 'VAE.computeLoss';
    this.#networks.assertAlive(fn);
    checkLossArguments(batch, context, fn, '{ x }');
    return tidyRecord(() => {
      const training = context.training;
      const x = inputTensor(batch.x, this.inputShape, fn, 'batch.x', "the encoder's input shape");
      const [mean, logVar] = runAll(this.encoder, x, training) as [tf.Tensor, tf.Tensor];
      return this.#core.loss(x, mean, logVar, (z) => z, context, fn);
    });
  }

  /**
   * The model's training step as a {@link GaussianTrainingPlan}, which the trainer runs through
   * the package's fused WebGPU kernels (see the backends guide); null where the model is not a
   * dense Gaussian encoder and dense decoder under the 'elbo' objective and the standard prior.
   * @example
   * ```ts
   * const vae = denseVae({ inputDim: 784, hidden: [512], latentDim: 20, seed: 1 });
   * vae.gaussianTrainingPlan()?.decoder.length; //=> 2
   * ```
   */
  gaussianTrainingPlan(): GaussianTrainingPlan | null {
    const fn = 'VAE.gaussianTrainingPlan';
    if (this.isDisposed || this.#pseudo !== null) return null;
    return this.#core.trainingPlan(
      this.encoder,
      0,
      (batch) => {
        const x = inputTensor(batch.x, this.inputShape, fn, 'batch.x', "the encoder's input shape");
        return { input: x, target: x };
      },
      fn,
    );
  }

  /**
   * Rebuilds a VAE from two networks — e.g. trained in Keras and read back with
   * `importLayersModel` (the encoder one model with two outputs, mean and log-variance) — and the
   * `autoencoders.json` that `exportLayersModel` wrote (latentDim, likelihood, β).
   * @param options - `{ encoder, decoder, settings }`, see {@link FromLayersModelsOptions}.
   * @returns a new VAE that owns both networks.
   * @throws Error naming the field for settings of another kind or version, a missing or unknown
   *   field, or networks whose shapes differ from the settings (the networks then stay the caller's).
   * @example
   * ```ts
   * // given: const settings: LayersSettings;
   * const encoder = await importLayersModel('./from-keras/encoder');
   * const decoder = await importLayersModel('./from-keras/decoder');
   * const vae = VAE.fromLayersModels({ encoder, decoder, settings });
   * ```
   */
  static fromLayersModels(options: FromLayersModelsOptions): VAE {
    const fn = 'VAE.fromLayersModels';
    const { config } = readFromLayers(options, 'vae', fn);
    // The objective carries β (giving both is refused).
    const { latentDim, likelihood, objective, beta, prior } = config as unknown as VaeConfig;
    if (prior !== undefined && prior.kind !== 'standard') {
      throw new Error(`${fn}: the settings name a VampPrior, whose pseudo-inputs a Layers file does not hold; save such a model with saveModel`);
    }
    return rebuild(() => new VAE({ ...networksOf(options), latentDim, likelihood, ...(objective === undefined ? { beta } : { objective }) }), config, [], fn);
  }

  /**
   * The log importance weights `log p(x|z_k) + log p(z_k) − log q(z_k|x)` of the draws
   * `z_k = μ(x) + σ(x) ⊙ ε_k`, `[k, n]` (see {@link logImportanceWeights}; {@link logLikelihood}
   * averages them). Runs the networks in inference mode.
   * @param batch - `{ x: [n, ...inputShape] }`; not disposed.
   * @param noise - ε, `[k, n, latentDim]`; not disposed.
   * @returns `[k, n]`, owned by the caller.
   */
  logImportanceWeights(batch: Batch, noise: tf.Tensor): tf.Tensor2D {
    const fn = 'VAE.logImportanceWeights';
    this.#networks.assertAlive(fn);
    checkLossArguments(batch, { training: false }, fn, '{ x }');
    return tf.tidy(() => {
      const { mean, logVar } = this.#posterior(batch.x, fn, false, 'batch.x');
      const x = inputTensor(batch.x, this.inputShape, fn, 'batch.x', "the encoder's input shape");
      return this.#core.logImportanceWeights(x, mean, logVar, (z) => z, noise, fn);
    });
  }

  /** The JSON-able description of the model (networks apart). */
  getConfig(): VaeConfig {
    return {
      kind: this.kind,
      inputShape: [...this.inputShape],
      latentDim: this.latentDim,
      likelihood: this.likelihood,
      beta: this.beta,
      objective: structuredClone(this.objective),
      ...(this.prior.kind === 'standard' ? {} : { prior: structuredClone(this.prior) }),
    };
  }

  /** Disposes the encoder's and decoder's weights. Idempotent. */
  dispose(): void {
    if (!this.#networks.disposed) this.#pseudo?.dispose();
    this.#networks.dispose();
  }

  /** True once {@link VAE.dispose} was called. */
  get isDisposed(): boolean {
    return this.#networks.disposed;
  }

  #posterior(x: unknown, fn: string, training: boolean, arg = 'x'): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const t = inputTensor(x, this.inputShape, fn, arg, "the encoder's input shape");
    const [mean, logVar] = runAll(this.encoder, t, training) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar };
  }
}
