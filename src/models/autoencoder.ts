import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type DataInput, type OptionKeys, assertOptions, assertNumber, deriveSeed, fail, typeFail } from '../core/index.js';
import { bce, bceWithLogits, klBernoulliSparsity, l1Sparsity, mse } from '../losses/index.js';
import type { Corruptor, CorruptorConfig } from '../noise/index.js';
import type { Batch, DensePlannable, DenseTrainingPlan, LossContext, LossOutput, TrainableModel } from './contract.js';
import { denseChain } from './dense-plan.js';
import {
  type FeatureShape,
  SALT,
  checkLossArguments,
  checkNetwork,
  expectShape,
  inputTensor,
  run1,
  seedOrRandom,
  sigmoidLogitsModel,
  tidyRecord,
  OwnedNetworks,
} from './internal.js';
import { type AutoencoderFromLayersOptions, autoencoderSettings, networksOf, readFromLayers, rebuild } from './from-layers.js';

/**
 * A reconstruction loss given as a function: `(target, prediction) → tf.Scalar`, both
 * `[n, ...features]`. It is called inside the model's `tf.tidy` and must not dispose its inputs.
 * @category Models
 */
export type LossFunction = (target: tf.Tensor, prediction: tf.Tensor) => tf.Scalar;

/**
 * The reconstruction loss `L(X, X̂)` of an {@link Autoencoder}:
 * - `'mse'`: mean over all elements of `(x − x̂)²`;
 * - `'bce'`: mean over all elements of the binary cross-entropy (data in [0, 1]); computed from
 *   the logits (stable, exact gradients) when the decoder ends in a sigmoid `Activation` layer (as
 *   the package's decoders do), otherwise from the decoder output clipped to `[1e-7, 1 − 1e-7]`;
 * - a {@link LossFunction}.
 * @category Models
 */
export type ReconstructionLoss = 'mse' | 'bce' | LossFunction;

/**
 * The sparsity penalty on the code `a = encoder(x)` of a sparse autoencoder:
 * - `{ kind: 'l1', weight }`: `weight · Σ_j |a_j|` per sample, batch mean;
 * - `{ kind: 'kl-bernoulli', rho = 0.05, weight = 1 }`: `weight · Σ_j KL(ρ ‖ ρ̂_j)` with `ρ̂_j` the
 *   batch mean of unit `j` (codes must lie in (0, 1), e.g. a sigmoid code).
 * @category Models
 */
export type Sparsity =
  | { readonly kind: 'l1'; readonly weight: number }
  | { readonly kind: 'kl-bernoulli'; readonly rho?: number; readonly weight?: number };

/** A {@link Sparsity} with its defaults filled in, as {@link Autoencoder.getConfig} records it. @category Models */
export type SparsityConfig =
  | { readonly kind: 'l1'; readonly weight: number }
  | { readonly kind: 'kl-bernoulli'; readonly rho: number; readonly weight: number };

/**
 * Options of the {@link Autoencoder} constructor.
 * @category Models
 */
export interface AutoencoderOptions {
  /** Any single-input, single-output `tf.LayersModel` `[n, ...features] → [n, ...code]`. */
  readonly encoder: tfl.LayersModel;
  /** Any single-input, single-output `tf.LayersModel` `[n, ...code] → [n, ...features]`. */
  readonly decoder: tfl.LayersModel;
  /** The reconstruction loss, see {@link ReconstructionLoss}. Default `'mse'`. */
  readonly loss?: ReconstructionLoss;
  /** A sparsity penalty on the code, see {@link Sparsity}. Default: none. */
  readonly sparsity?: Sparsity;
  /**
   * A corruptor of the package (`gaussianNoise`, `maskingNoise`, …) applied to the input in
   * training only; the loss is measured against the clean input (denoising autoencoder). Default: none.
   */
  readonly corruptor?: Corruptor;
}

/**
 * The JSON-able description of an {@link Autoencoder}, for saving (with the networks' own
 * `toJSON()` and weights).
 * @category Models
 */
export interface AutoencoderConfig {
  readonly kind: 'autoencoder';
  /** Feature shape of one input (no batch axis); `null` = any size. */
  readonly inputShape: FeatureShape;
  /** Feature shape of one code. */
  readonly codeShape: FeatureShape;
  /** The loss name; `'custom'` for a function (which cannot be saved). */
  readonly loss: 'mse' | 'bce' | 'custom';
  readonly sparsity: SparsityConfig | null;
  /** The corruptor's own `config`, or null. */
  readonly corruptor: CorruptorConfig | null;
}

/**
 * What {@link Autoencoder.forward} returns: the code and the reconstruction, both owned by the caller.
 * @category Models
 */
export type AutoencoderOutput = {
  /** `encoder(x)`, `[n, ...code]`. */
  readonly code: tf.Tensor;
  /** `decoder(code)`, `[n, ...features]`. */
  readonly reconstruction: tf.Tensor;
};

/** Checks a reconstruction loss: `'mse'`, `'bce'` or a function. @internal */
export function checkLoss(value: unknown, fn: string): ReconstructionLoss {
  if (typeof value !== 'function' && value !== 'mse' && value !== 'bce') {
    fail(fn, 'loss', "'mse', 'bce' or a function (target, prediction) => tf.Scalar", value);
  }
  return value as ReconstructionLoss;
}

/** Checks a sparsity option and fills in its defaults; `undefined` gives null. @internal */
export function checkSparsity(value: unknown, fn: string): SparsityConfig | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null) typeFail(fn, 'sparsity', "{ kind: 'l1', weight } or { kind: 'kl-bernoulli', rho?, weight? }", value);
  const s = value as { kind?: unknown; weight?: unknown; rho?: unknown };
  if (s.kind === 'l1') {
    assertNumber(s.weight, fn, 'sparsity.weight', { min: 0 });
    return { kind: 'l1', weight: s.weight };
  }
  if (s.kind === 'kl-bernoulli') {
    const { rho = 0.05, weight = 1 } = s;
    assertNumber(rho, fn, 'sparsity.rho', { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    assertNumber(weight, fn, 'sparsity.weight', { min: 0 });
    return { kind: 'kl-bernoulli', rho, weight };
  }
  return fail(fn, 'sparsity.kind', "'l1' or 'kl-bernoulli'", s.kind);
}

/** Checks a corruptor option; `undefined` gives null. @internal */
export function checkCorruptor(value: unknown, fn: string): Corruptor | null {
  if (value === undefined) return null;
  if (typeof value !== 'function' || typeof (value as { config?: unknown }).config !== 'object') {
    typeFail(fn, 'corruptor', 'a corruptor of the package (gaussianNoise, maskingNoise, …)', value);
  }
  return value as Corruptor;
}

const AUTOENCODER_OPTIONS: OptionKeys<AutoencoderOptions> = { encoder: true, decoder: true, loss: true, sparsity: true, corruptor: true };

/**
 * An autoencoder: an encoder `X → X'` and a decoder `X' → X̂` trained to minimise `L(X, X̂)`;
 * optionally sparse (a penalty on the code) and/or denoising (the input corrupted in training,
 * the loss measured against the clean input).
 *
 * `loss = L(x, decoder(encoder(c(x)))) + sparsity(encoder(c(x)))`, where `c` is the corruptor in
 * training and the identity otherwise.
 *
 * The model owns its encoder and decoder: {@link Autoencoder.dispose} disposes them. The shapes are
 * checked at construction: the decoder must read the encoder's code and give the encoder's input shape.
 *
 * @category Models
 * @example
 * ```ts
 * const ae = new Autoencoder({
 *   encoder: denseEncoder({ inputDim: 784, units: [256], latentDim: 32, seed: 1 }),
 *   decoder: denseDecoder({ latentDim: 32, units: [256], outputDim: 784, seed: 2 }),
 *   loss: 'bce',
 * });
 * const xHat = ae.reconstruct(images); // [n, 784], caller disposes
 * ae.dispose();
 * ```
 */
export class Autoencoder implements TrainableModel, DensePlannable {
  /** The model kind, for saving. */
  readonly kind = 'autoencoder' as const;
  /** The encoder network (owned by the model). */
  readonly encoder: tfl.LayersModel;
  /** The decoder network (owned by the model). */
  readonly decoder: tfl.LayersModel;
  /** Feature shape of one input (no batch axis). */
  readonly inputShape: FeatureShape;
  /** Feature shape of one code. */
  readonly codeShape: FeatureShape;
  /** The reconstruction loss. */
  readonly loss: ReconstructionLoss;
  /** The sparsity penalty, or null. */
  readonly sparsity: SparsityConfig | null;
  /** The training corruptor, or null. */
  readonly corruptor: Corruptor | null;
  readonly #logits: tfl.LayersModel | null;
  readonly #networks: OwnedNetworks;

  /**
   * @param options - see {@link AutoencoderOptions}.
   * @throws TypeError for a non-model encoder/decoder or a bad option; Error when the networks'
   *   shapes do not fit together (naming both shapes).
   */
  constructor(options: AutoencoderOptions) {
    const fn = 'Autoencoder';
    assertOptions(options, AUTOENCODER_OPTIONS, fn);
    const enc = checkNetwork(options.encoder, fn, 'encoder', { inputs: [1], outputs: [1] });
    const dec = checkNetwork(options.decoder, fn, 'decoder', { inputs: [1], outputs: [1] });
    const inputShape = enc.inputs[0]!;
    const codeShape = enc.outputs[0]!;
    expectShape(dec.inputs[0]!, codeShape, fn, "the decoder's input", "the encoder's output shape");
    expectShape(dec.outputs[0]!, inputShape, fn, "the decoder's output", "the encoder's input shape");
    const loss = checkLoss(options.loss === undefined ? 'mse' : options.loss, fn);
    this.sparsity = checkSparsity(options.sparsity, fn);
    this.corruptor = checkCorruptor(options.corruptor, fn);
    this.loss = loss;
    this.encoder = enc.model;
    this.decoder = dec.model;
    this.#networks = new OwnedNetworks(enc.model, dec.model);
    this.inputShape = inputShape;
    this.codeShape = codeShape;
    this.#logits = sigmoidLogitsModel(dec.model);
  }

  /** The encoder's and decoder's trainable variables (each once), for the trainer. */
  get trainableVariables(): readonly tf.Variable[] {
    return this.#networks.variables('Autoencoder.trainableVariables');
  }

  /**
   * The code `encoder(x)`.
   * @param x - `[n, ...inputShape]` (any {@link DataInput}); not disposed.
   * @returns `[n, ...codeShape]`, owned by the caller.
   */
  encode(x: DataInput): tf.Tensor {
    const fn = 'Autoencoder.encode';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => run1(this.encoder, this.#input(x, fn), false));
  }

  /**
   * The reconstruction `decoder(z)` of codes.
   * @param z - `[n, ...codeShape]`; not disposed.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  decode(z: DataInput): tf.Tensor {
    const fn = 'Autoencoder.decode';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => run1(this.decoder, inputTensor(z, this.codeShape, fn, 'z', "the decoder's input shape"), false));
  }

  /**
   * `decoder(encoder(x))` (no corruption).
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  reconstruct(x: DataInput): tf.Tensor {
    const fn = 'Autoencoder.reconstruct';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => run1(this.decoder, run1(this.encoder, this.#input(x, fn), false), false));
  }

  /**
   * Code and reconstruction in one pass (no corruption).
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns `{ code, reconstruction }`, both owned by the caller.
   */
  forward(x: DataInput): AutoencoderOutput {
    const fn = 'Autoencoder.forward';
    this.#networks.assertAlive(fn);
    return tidyRecord(() => {
      const code = run1(this.encoder, this.#input(x, fn), false);
      return { code, reconstruction: run1(this.decoder, code, false) };
    });
  }

  /**
   * The training contract: `{ loss, terms: { reconstruction, sparsity? } }`, batch means.
   * In training (`context.training`) the corruptor, if any, is applied to `batch.x` with a seed
   * derived from `context.seed` (a fresh one when absent); the loss is always against the clean `batch.x`.
   * @param batch - `{ x: [n, ...inputShape] }`; not disposed.
   * @param context - `{ training, seed? }`.
   * @returns scalars owned by the caller.
   */
  computeLoss(batch: Batch, context: LossContext): LossOutput {
    const fn = 'Autoencoder.computeLoss';
    this.#networks.assertAlive(fn);
    checkLossArguments(batch, context, fn, '{ x }');
    const training = context.training;
    const seed = training && this.corruptor !== null ? seedOrRandom(context.seed, fn, 'context.seed') : 0;
    return tidyRecord(() => {
      const x = inputTensor(batch.x, this.inputShape, fn, 'batch.x', "the encoder's input shape");
      const input = training && this.corruptor !== null ? this.corruptor(x, { seed: deriveSeed(seed, SALT.noise) }) : x;
      const code = run1(this.encoder, input, training);
      const reconstruction = this.#reconstructionLoss(x, code, training, fn);
      if (this.sparsity === null) return { loss: reconstruction, terms: { reconstruction } } as LossOutput;
      const sparsity = (
        this.sparsity.kind === 'l1'
          ? l1Sparsity(code, { weight: this.sparsity.weight })
          : klBernoulliSparsity(code, { rho: this.sparsity.rho, weight: this.sparsity.weight })
      ) as tf.Scalar;
      return { loss: tf.add(reconstruction, sparsity) as tf.Scalar, terms: { reconstruction, sparsity } };
    });
  }

  /**
   * The model's training step as a {@link DenseTrainingPlan}, which the trainer runs through the
   * package's fused WebGPU kernels: the encoder's and decoder's dense layers in order, and the
   * loss (`'mse'`, or `'bce'` from the logits before the decoder's final sigmoid). Null — train
   * then calls {@link Autoencoder.computeLoss} — when either network is not a chain of dense
   * layers, for a custom loss function, `'bce'` without a final sigmoid `Activation` layer, or a
   * `'kl-bernoulli'` sparsity penalty (an `'l1'` one is fused). A corruptor is applied to the
   * batch as `computeLoss` applies it.
   * @returns the plan (its variables are the model's own), or null.
   * @example
   * ```ts
   * const ae = denseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 32, seed: 1 });
   * ae.denseTrainingPlan()?.layers.length; //=> 4
   * ```
   */
  denseTrainingPlan(): DenseTrainingPlan | null {
    if (this.isDisposed || this.sparsity?.kind === 'kl-bernoulli' || typeof this.loss === 'function') return null;
    const encoder = denseChain(this.encoder);
    const decoder = denseChain(this.decoder);
    if (encoder === null || decoder === null) return null;
    const layers = [...encoder, ...decoder];
    const last = layers[layers.length - 1]!;
    if (this.loss === 'bce') {
      if (this.#logits === null || last.activation !== 'sigmoid') return null;
      layers[layers.length - 1] = { ...last, activation: 'linear' };
    }
    const corruptor = this.corruptor;
    const fn = 'Autoencoder.denseTrainingPlan';
    const sparsity = this.sparsity;
    return {
      layers,
      loss: this.loss === 'bce' ? 'bce-logits' : 'mse',
      ...(sparsity?.kind === 'l1' ? { l1: { layer: encoder.length - 1, weight: sparsity.weight } } : {}),
      termNames: sparsity === null ? ['reconstruction'] : ['reconstruction', 'sparsity'],
      prepare: (batch, context) => {
        const x = inputTensor(batch.x, this.inputShape, fn, 'batch.x', "the encoder's input shape");
        if (!context.training || corruptor === null) return { input: x, target: null };
        const seed = seedOrRandom(context.seed, fn, 'context.seed');
        return { input: corruptor(x, { seed: deriveSeed(seed, SALT.noise) }), target: x };
      },
    };
  }

  /**
   * Rebuilds an autoencoder from two networks — e.g. trained in Keras and read back with
   * `importLayersModel` — and the `autoencoders.json` that `exportLayersModel` wrote: the loss,
   * sparsity and corruptor settings come from the file (a custom loss function from
   * `options.loss`), and the networks' shapes must equal those it records.
   * @param options - `{ encoder, decoder, settings, loss? }`, see {@link AutoencoderFromLayersOptions}.
   * @returns a new autoencoder that owns both networks.
   * @throws Error naming the field for settings of another kind or version, a missing or unknown
   *   field, or networks whose shapes differ from the settings (the networks then stay the caller's).
   * @example
   * ```ts
   * // given: const settings: LayersSettings;
   * const encoder = await importLayersModel('./from-keras/encoder');
   * const decoder = await importLayersModel('./from-keras/decoder');
   * const ae = Autoencoder.fromLayersModels({ encoder, decoder, settings });
   * ```
   */
  static fromLayersModels(options: AutoencoderFromLayersOptions): Autoencoder {
    const fn = 'Autoencoder.fromLayersModels';
    const { config, loss } = readFromLayers(options, 'autoencoder', fn);
    const settings = autoencoderSettings(config, loss, fn);
    return rebuild(() => new Autoencoder({ ...networksOf(options), ...settings }), config, ['codeShape'], fn);
  }

  /** The JSON-able description of the model (networks apart). */
  getConfig(): AutoencoderConfig {
    return {
      kind: this.kind,
      inputShape: [...this.inputShape],
      codeShape: [...this.codeShape],
      loss: typeof this.loss === 'function' ? 'custom' : this.loss,
      sparsity: this.sparsity === null ? null : { ...this.sparsity },
      corruptor: this.corruptor === null ? null : (JSON.parse(JSON.stringify(this.corruptor.config)) as CorruptorConfig),
    };
  }

  /** Disposes the encoder's and decoder's weights; the model cannot be used afterwards. Idempotent. */
  dispose(): void {
    this.#networks.dispose();
  }

  /** True once {@link Autoencoder.dispose} was called. */
  get isDisposed(): boolean {
    return this.#networks.disposed;
  }

  #input(x: unknown, fn: string): tf.Tensor {
    return inputTensor(x, this.inputShape, fn, 'x', "the encoder's input shape");
  }

  /** The reconstruction loss of clean `x` from `code`. Call inside `tf.tidy`. */
  #reconstructionLoss(x: tf.Tensor, code: tf.Tensor, training: boolean, fn: string): tf.Scalar {
    if (this.#logits !== null) {
      const logits = run1(this.#logits, code, training);
      if (this.loss === 'bce') return bceWithLogits(x, logits);
      return this.#lossOf(x, tf.sigmoid(logits), fn);
    }
    return this.#lossOf(x, run1(this.decoder, code, training), fn);
  }

  #lossOf(x: tf.Tensor, prediction: tf.Tensor, fn: string): tf.Scalar {
    if (this.loss === 'mse') return mse(x, prediction);
    if (this.loss === 'bce') return bce(x, prediction);
    const value: unknown = this.loss(x, prediction);
    if (!(value instanceof tf.Tensor) || value.rank !== 0) {
      throw new Error(`${fn}: the custom loss must return a tf.Scalar, got ${value instanceof tf.Tensor ? `a tensor of shape [${value.shape.join(',')}]` : typeof value}`);
    }
    return value as tf.Scalar;
  }
}
