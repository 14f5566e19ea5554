import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type DataInput, assertOptions, assertNumber } from '../core/index.js';
import type { Batch, GaussianPlannable, GaussianTrainingPlan, ImportanceSampledModel, LossContext, LossOutput, TrainableModel } from './contract.js';
import { GaussianLatent } from './gaussian-latent.js';
import { type VariationalObjective, objectiveBeta } from './objectives.js';
import { type LatentPrior, ConditionalPseudoInputs, checkPrior, checkPriorObjective, priorConfig } from './prior.js';
import { type CvaeConfig, type CvaeOptions, CVAE_OPTIONS, tileRows } from './cvae-options.js';
import {
  type FeatureShape,
  type LabelInput,
  batchShape,
  checkLossArguments,
  checkNetwork,
  checkSampleCount,
  valuesPerSample,
  expectShape,
  inputTensor,
  oneHotLabels,
  run1,
  runAll,
  tidyRecord,
  OwnedNetworks,
} from './internal.js';
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
import { type FromLayersModelsOptions, networksOf, readFromLayers, rebuild } from './from-layers.js';

export type { CvaeConfig, CvaeOptions } from './cvae-options.js';

/**
 * A conditional variational autoencoder: a {@link VAE} whose encoder `q(z|x, y)` and decoder
 * `p(x|z, y)` both see the class label `y` (one-hot). Same loss as the VAE
 * (`E_q[−log p(x|z,y)] + β·klScale·KL(q(z|x,y) ‖ N(0, I))` or another {@link VariationalObjective};
 * one seeded sample in training, `context.samples` draws or `z = μ` with `context.atMean` in
 * evaluation); the batch must carry labels `y`. {@link CVAE.generate} draws new data of chosen classes.
 * With `prior: { kind: 'vamp', pseudoInputs: K }` the prior is the conditional VampPrior
 * `p(z | y) = (1/K) Σ_k q(z | u_k, y)` and the KL term the sampled `log q(z|x,y) − log p(z|y)`
 * (see {@link VampPrior}).
 *
 * The model owns its encoder and decoder: {@link CVAE.dispose} disposes them.
 *
 * @category Models
 * @example
 * ```ts
 * const cvae = denseCvae({ inputDim: 784, numClasses: 10, hidden: [512], latentDim: 20, seed: 1 });
 * // ... train with batches { x, y } ...
 * const sevens = cvae.generate([7, 7, 7], { seed: 2 }); // [3, 784]
 * ```
 */
export class CVAE implements TrainableModel, ImportanceSampledModel, GaussianPlannable {
  /** The model kind, for saving. */
  readonly kind = 'cvae' as const;
  readonly encoder: tfl.LayersModel;
  readonly decoder: tfl.LayersModel;
  /** Feature shape of one input `x` (no batch axis, no label). */
  readonly inputShape: FeatureShape;
  readonly latentDim: number;
  readonly numClasses: number;
  readonly likelihood: Likelihood;
  /** The β of the objective's KL term (1 for 'iwae', 'beta-tc' and 'mmd'). */
  readonly beta: number;
  /** The training objective, defaults filled in. */
  readonly objective: VariationalObjective;
  /** The prior `p(z | y)` (without the initial draw's seed): standard or the conditional VampPrior. */
  readonly prior: LatentPrior;
  readonly #core: GaussianLatent;
  readonly #pseudo: ConditionalPseudoInputs | null;
  readonly #encoderPair: boolean;
  readonly #decoderPair: boolean;
  readonly #networks: OwnedNetworks;

  /**
   * @param options - see {@link CvaeOptions}.
   * @throws TypeError for a non-model network or bad option; Error when the shapes do not fit.
   */
  constructor(options: CvaeOptions) {
    const fn = 'CVAE';
    assertOptions(options, CVAE_OPTIONS, fn);
    const K = options.numClasses;
    assertNumber(K, fn, 'numClasses', { integer: true, min: 1 });
    const enc = checkNetwork(options.encoder, fn, 'encoder', { inputs: [1, 2], outputs: [2] });
    const dec = checkNetwork(options.decoder, fn, 'decoder', { inputs: [1, 2], outputs: [1] });
    const latentDim = checkHeads(enc.outputs, options.latentDim, fn);

    let inputShape: FeatureShape;
    if (enc.inputs.length === 2) {
      expectShape(enc.inputs[1]!, [K], fn, "the encoder's second input (the one-hot label)", 'numClasses');
      inputShape = enc.inputs[0]!;
    } else {
      const s = enc.inputs[0]!;
      if (s.length !== 1 || s[0] === null || s[0]! <= K) {
        throw new Error(
          `${fn}: the encoder's input must have shape [?,d+${K}] (the data joined to the one-hot label of numClasses = ${K}), got ${batchShape(s)}`,
        );
      }
      inputShape = [s[0]! - K];
    }
    if (dec.inputs.length === 2) {
      expectShape(dec.inputs[0]!, [latentDim], fn, "the decoder's first input (z)", 'latentDim');
      expectShape(dec.inputs[1]!, [K], fn, "the decoder's second input (the one-hot label)", 'numClasses');
    } else {
      expectShape(dec.inputs[0]!, [latentDim + K], fn, "the decoder's input", 'latentDim + numClasses: z joined to the one-hot label');
    }
    expectShape(dec.outputs[0]!, inputShape, fn, "the decoder's output", 'the shape of the data x');
    const { likelihood, objective } = checkVaeOptions(options.likelihood ?? 'bernoulli', options.beta, options.objective, fn);
    const prior = checkPrior(options.prior, fn);
    checkPriorObjective(prior, objective, fn);

    this.encoder = enc.model;
    this.decoder = dec.model;
    this.#networks = new OwnedNetworks(enc.model, dec.model);
    this.inputShape = inputShape;
    this.latentDim = latentDim;
    this.numClasses = K;
    this.likelihood = likelihood;
    this.objective = objective;
    this.beta = objectiveBeta(objective);
    this.#encoderPair = enc.inputs.length === 2;
    this.#decoderPair = dec.inputs.length === 2;
    this.#core = new GaussianLatent(dec.model, likelihood, objective);
    this.prior = priorConfig(prior);
    this.#pseudo = prior.kind === 'vamp' ? new ConditionalPseudoInputs(prior.pseudoInputs, inputShape, prior.seed, K, (x, y, training) => this.#encode(x, y, training)) : null;
  }

  /** The encoder's and decoder's trainable variables (each once), then the VampPrior's pseudo-inputs. */
  get trainableVariables(): readonly tf.Variable[] {
    const variables = this.#networks.variables('CVAE.trainableVariables');
    return this.#pseudo === null ? variables : [...variables, this.#pseudo.variable];
  }

  /**
   * The conditional VampPrior's pseudo-inputs, a trainable variable `[K, ...inputShape]` (x-shaped:
   * each is encoded with the query label), owned by the model; null with the standard prior.
   */
  get pseudoInputs(): tf.Variable | null {
    this.#networks.assertAlive('CVAE.pseudoInputs');
    return this.#pseudo === null ? null : this.#pseudo.variable;
  }

  /**
   * The parameters of `q(z|x, y)`.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @param labels - `n` class indices in `[0, numClasses)`.
   * @returns `{ mean, logVar }`, `[n, latentDim]` each, owned by the caller.
   */
  posterior(x: DataInput, labels: LabelInput): Posterior {
    const fn = 'CVAE.posterior';
    this.#networks.assertAlive(fn);
    return tidyRecord(() => this.#posterior(x, labels, fn, false, 'x', 'labels'));
  }

  /**
   * The code of `(x, y)`: the posterior mean, or with `{ sample: true, seed }` a draw from `q(z|x, y)`.
   * @returns `[n, latentDim]`, owned by the caller.
   */
  encode(x: DataInput, labels: LabelInput, options: EncodeOptions = {}): tf.Tensor2D {
    const fn = 'CVAE.encode';
    this.#networks.assertAlive(fn);
    return latentCode(() => this.#posterior(x, labels, fn, false, 'x', 'labels'), options, fn);
  }

  /**
   * `decoder(z, y)`.
   * @param z - `[n, latentDim]`; not disposed.
   * @param labels - `n` class indices.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  decode(z: DataInput, labels: LabelInput): tf.Tensor {
    const fn = 'CVAE.decode';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => {
      const zt = inputTensor(z, [this.latentDim], fn, 'z', 'latentDim');
      const y = oneHotLabels(labels, this.numClasses, zt.shape[0], fn, 'labels');
      return run1(this.decoder, this.#decoderInput(zt, y), false);
    });
  }

  /**
   * The deterministic reconstruction `decoder(μ(x, y), y)`.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  reconstruct(x: DataInput, labels: LabelInput): tf.Tensor {
    const fn = 'CVAE.reconstruct';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => {
      const { mean, y } = this.#posteriorWithLabels(x, labels, fn, false, 'x', 'labels');
      return run1(this.decoder, this.#decoderInput(mean, y), false);
    });
  }

  /**
   * One pass with sampling `z = μ + σ·ε` (ε from `seed`).
   * @returns a {@link VaeOutput}, all owned by the caller.
   */
  forward(x: DataInput, labels: LabelInput, options: SeedOptions = {}): VaeOutput {
    const fn = 'CVAE.forward';
    this.#networks.assertAlive(fn);
    return sampledPass(
      () => {
        const { mean, logVar, y } = this.#posteriorWithLabels(x, labels, fn, false, 'x', 'labels');
        return { mean, logVar, decode: (z) => run1(this.decoder, this.#decoderInput(z, y), false) };
      },
      options,
      fn,
    );
  }

  /**
   * Draws one new sample per label: `z ~ p(z | y)` (from `seed`), returns `decoder(z, y)`. The
   * standard prior draws `z ~ N(0, I)`; the VampPrior picks a pseudo-input `u_k` uniformly per
   * sample and draws `z ~ q(z | u_k, y)`.
   * @param labels - the classes to draw, e.g. `[7, 7, 3]`.
   * @returns `[labels.length, ...inputShape]`, owned by the caller.
   */
  generate(labels: LabelInput, options: SeedOptions = {}): tf.Tensor {
    const fn = 'CVAE.generate';
    this.#networks.assertAlive(fn);
    const seed = optionSeed(options, fn);
    return tf.tidy(() => {
      const y = oneHotLabels(labels, this.numClasses, undefined, fn, 'labels');
      const pseudo = this.#pseudo;
      const z = pseudo === null ? tf.randomNormal([y.shape[0], this.latentDim], 0, 1, 'float32', seed) : pseudo.sample(y, this.latentDim, seed);
      return run1(this.decoder, this.#decoderInput(z, y), false);
    });
  }

  /**
   * Draws `n` samples of the classes `0, 1, …, K−1, 0, 1, …` in turn (sample `i` has class `i mod K`).
   * @param n - how many: an integer >= 1 (at most 2^31 - 1 values in all, the size limit of one tensor).
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  sample(n: number, options: SeedOptions = {}): tf.Tensor {
    const fn = 'CVAE.sample';
    this.#networks.assertAlive(fn);
    checkSampleCount(n, Math.max(this.latentDim + this.numClasses, valuesPerSample(this.inputShape)), fn);
    optionSeed(options, fn);
    return this.generate(
      Array.from({ length: n }, (_, i) => i % this.numClasses),
      options,
    );
  }

  /**
   * The training contract: `{ loss, terms: { reconstruction, kl } }` (batch means). `batch.y` is required.
   * @param batch - `{ x: [n, ...inputShape], y: [n] int32 }`; not disposed.
   * @param context - `{ training, seed?, klScale? }`.
   */
  computeLoss(batch: Batch, context: LossContext): LossOutput {
    const fn = 'CVAE.computeLoss';
    this.#networks.assertAlive(fn);
    checkLossArguments(batch, context, fn, '{ x, y }');
    return tidyRecord(() => {
      const training = context.training;
      const { x, mean, logVar, y } = this.#posteriorWithLabels(batch.x, batch.y, fn, training, 'batch.x', 'batch.y');
      return this.#core.loss(x, mean, logVar, (z) => this.#decoderInput(z, tileRows(y, z.shape[0]!)), context, fn, this.#batchPrior(y));
    });
  }

  /**
   * The model's training step as a {@link GaussianTrainingPlan} (the encoder reads `[x, onehot(y)]`,
   * the decoder `[z, onehot(y)]`), which the trainer runs through the package's fused WebGPU
   * kernels; null for networks with two inputs, other layers, the VampPrior, or an objective other
   * than 'elbo'.
   * @example
   * ```ts
   * const cvae = denseCvae({ inputDim: 784, numClasses: 10, hidden: [512], latentDim: 20, seed: 1 });
   * cvae.gaussianTrainingPlan()?.labels; //=> 10
   * ```
   */
  gaussianTrainingPlan(): GaussianTrainingPlan | null {
    const fn = 'CVAE.gaussianTrainingPlan';
    // The conditional VampPrior's KL is not part of the fused step's ELBO.
    if (this.isDisposed || this.#encoderPair || this.#decoderPair || this.#pseudo !== null) return null;
    return this.#core.trainingPlan(
      this.encoder,
      this.numClasses,
      (batch) => {
        const xt = inputTensor(batch.x, this.inputShape, fn, 'batch.x', 'the shape of the data x');
        const y = oneHotLabels(batch.y, this.numClasses, xt.shape[0], fn, 'batch.y');
        return { input: tf.concat([xt, y], 1), target: xt };
      },
      fn,
    );
  }

  /**
   * The log importance weights `log p(x|z_k, y) + log p(z_k) − log q(z_k|x, y)` of the draws
   * `z_k = μ(x, y) + σ(x, y) ⊙ ε_k`, `[k, n]`; {@link logLikelihood} averages them into an estimate
   * of `log p(x|y)`. Runs the networks in inference mode.
   * @param batch - `{ x: [n, ...inputShape], y: [n] }`; not disposed.
   * @param noise - ε, `[k, n, latentDim]`; not disposed.
   * @returns `[k, n]`, owned by the caller.
   */
  logImportanceWeights(batch: Batch, noise: tf.Tensor): tf.Tensor2D {
    const fn = 'CVAE.logImportanceWeights';
    this.#networks.assertAlive(fn);
    checkLossArguments(batch, { training: false }, fn, '{ x, y }');
    return tf.tidy(() => {
      const { x, mean, logVar, y } = this.#posteriorWithLabels(batch.x, batch.y, fn, false, 'batch.x', 'batch.y');
      return this.#core.logImportanceWeights(x, mean, logVar, (z) => this.#decoderInput(z, tileRows(y, z.shape[0]!)), noise, fn, this.#batchPrior(y));
    });
  }

  /**
   * Rebuilds a CVAE from two networks — e.g. trained in Keras and read back with
   * `importLayersModel` — and the `autoencoders.json` that `exportLayersModel` wrote (numClasses,
   * latentDim, likelihood, β). The conditioning follows from the networks as in the constructor:
   * one input (the one-hot label joined to the last axis) or two inputs (the label second).
   * @param options - `{ encoder, decoder, settings }`, see {@link FromLayersModelsOptions}.
   * @returns a new CVAE that owns both networks.
   * @throws Error naming the field for settings of another kind or version, a missing or unknown
   *   field, or networks whose shapes differ from the settings (the networks then stay the caller's).
   * @example
   * ```ts
   * // given: const settings: LayersSettings;
   * const encoder = await importLayersModel('./from-keras/encoder');
   * const decoder = await importLayersModel('./from-keras/decoder');
   * const cvae = CVAE.fromLayersModels({ encoder, decoder, settings });
   * ```
   */
  static fromLayersModels(options: FromLayersModelsOptions): CVAE {
    const fn = 'CVAE.fromLayersModels';
    const { config } = readFromLayers(options, 'cvae', fn);
    // The objective carries β (giving both is refused).
    const { numClasses, latentDim, likelihood, objective, beta, prior } = config as unknown as CvaeConfig;
    if (prior !== undefined && prior.kind !== 'standard') {
      throw new Error(`${fn}: the settings name a VampPrior, whose pseudo-inputs a Layers file does not hold; save such a model with saveModel`);
    }
    return rebuild(() => new CVAE({ ...networksOf(options), numClasses, latentDim, likelihood, ...(objective === undefined ? { beta } : { objective }) }), config, [], fn);
  }

  /** The JSON-able description of the model (networks apart). */
  getConfig(): CvaeConfig {
    return {
      kind: this.kind,
      inputShape: [...this.inputShape],
      latentDim: this.latentDim,
      numClasses: this.numClasses,
      likelihood: this.likelihood,
      beta: this.beta,
      objective: structuredClone(this.objective),
      ...(this.prior.kind === 'standard' ? {} : { prior: structuredClone(this.prior) }),
    };
  }

  /** Disposes the encoder's and decoder's weights (and the pseudo-inputs). Idempotent. */
  dispose(): void {
    if (!this.#networks.disposed) this.#pseudo?.dispose();
    this.#networks.dispose();
  }

  /** True once {@link CVAE.dispose} was called. */
  get isDisposed(): boolean {
    return this.#networks.disposed;
  }

  /** The batch's `log p(z | y)` under the VampPrior (rows of z: sample `r mod n`); undefined for `N(0, I)`. */
  #batchPrior(y: tf.Tensor2D): ((z: tf.Tensor, training: boolean) => tf.Tensor) | undefined {
    const pseudo = this.#pseudo;
    if (pseudo === null) return undefined;
    return (z, training) => pseudo.logPrior(z, tileRows(y, z.shape[0]!), training);
  }

  #encode(x: tf.Tensor, y: tf.Tensor2D, training: boolean): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const [mean, logVar] = runAll(this.encoder, this.#encoderPair ? [x, y] : tf.concat([x, y], 1), training) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar };
  }

  #decoderInput(z: tf.Tensor, y: tf.Tensor): tf.Tensor | tf.Tensor[] {
    return this.#decoderPair ? [z, y] : tf.concat([z, y], 1);
  }

  #posterior(x: unknown, labels: unknown, fn: string, training: boolean, xArg: string, yArg: string): Posterior {
    const { mean, logVar } = this.#posteriorWithLabels(x, labels, fn, training, xArg, yArg);
    return { mean, logVar };
  }

  #posteriorWithLabels(
    x: unknown,
    labels: unknown,
    fn: string,
    training: boolean,
    xArg: string,
    yArg: string,
  ): { x: tf.Tensor; mean: tf.Tensor2D; logVar: tf.Tensor2D; y: tf.Tensor2D } {
    const xt = inputTensor(x, this.inputShape, fn, xArg, 'the shape of the data x');
    const y = oneHotLabels(labels, this.numClasses, xt.shape[0], fn, yArg);
    return { x: xt, ...this.#encode(xt, y, training), y };
  }
}
