import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type DataInput, type OptionKeys, assertNumber, assertOneOf, assertOptions, deriveSeed, formatShape, isTensor, toTensor } from '../core/index.js';
import { bce, bceWithLogits, mse } from '../losses/index.js';
import { nearestCodes, perplexityOf, stopGradient, straightThrough } from '../nn/vector-quantizer.js';
import type { Batch, LossContext, LossOutput, TrainableModel } from './contract.js';
import {
  type FeatureShape,
  OwnedNetworks,
  batchShape,
  checkLossArguments,
  checkNetwork,
  checkSampleCount,
  expectShape,
  inputTensor,
  readsBackCheaply,
  run1,
  seedOrRandom,
  sigmoidLogitsModel,
  tidyRecord,
  valuesPerSample,
} from './internal.js';
import { type CodebookVariables, type DeadCodes, type VqEma, Codebook, checkDeadCodes, checkEma } from './vq-codebook.js';
import { optionSeed, type SeedOptions } from './variational.js';

/**
 * The reconstruction term of a {@link VQVAE}: `'mse'` (mean squared error over the features) or
 * `'bce'` (binary cross-entropy, data in [0, 1]; from the logits when the decoder ends in a sigmoid
 * `Activation` layer).
 * @category Models
 */
export type VqReconstruction = 'mse' | 'bce';

/**
 * Options of the {@link VQVAE} constructor.
 * @category Models
 */
export interface VqVaeOptions {
  /**
   * Any single-input, single-output `tf.LayersModel` `[n, ...features] → [n, ...positions, codeDim]`:
   * one `codeDim`-vector per position (e.g. `[n, 7, 7, 16]` for a conv encoder, `[n, codes, codeDim]`
   * or `[n, codeDim]` for a dense one). Each vector is quantised on its own.
   */
  readonly encoder: tfl.LayersModel;
  /** A `tf.LayersModel` `[n, ...positions, codeDim] → [n, ...features]`. */
  readonly decoder: tfl.LayersModel;
  /** Number `K` of code vectors. */
  readonly codebookSize: number;
  /** Width `d` of a code vector; checked against the encoder when given. Default: the encoder's last axis. */
  readonly codeDim?: number;
  /** Weight β of the commitment term. Default 0.25 (van den Oord et al.). */
  readonly commitment?: number;
  /** Update the codebook by exponential moving averages instead of the codebook loss. Default: none (codebook loss). */
  readonly ema?: VqEma;
  /** What to do with dead codes. Default `{ kind: 'restart', threshold: 0.05 }`. */
  readonly deadCodes?: DeadCodes;
  /** The reconstruction term. Default `'mse'`. */
  readonly reconstruction?: VqReconstruction;
  /** Seed of the initial codebook. Default: fresh. */
  readonly seed?: number;
}

/** The codebook and loss options that {@link VQVAE} and the VQ-VAE factories both take. @internal */
export const VQ_CODEBOOK_KEYS = {
  codebookSize: true,
  codeDim: true,
  commitment: true,
  ema: true,
  deadCodes: true,
  reconstruction: true,
} as const;

const VQVAE_OPTIONS: OptionKeys<VqVaeOptions> = /* @__PURE__ */ Object.assign({ encoder: true, decoder: true } as const, VQ_CODEBOOK_KEYS, { seed: true } as const);

/**
 * The JSON-able description of a {@link VQVAE}.
 * @category Models
 */
export interface VqVaeConfig {
  readonly kind: 'vqvae';
  readonly inputShape: FeatureShape;
  /** The encoder's output shape per sample: `[...positions, codeDim]`. */
  readonly codeShape: FeatureShape;
  readonly codebookSize: number;
  readonly codeDim: number;
  readonly commitment: number;
  readonly ema: VqEma | null;
  readonly deadCodes: DeadCodes;
  readonly reconstruction: VqReconstruction;
}

/** What {@link VQVAE.codebookUsage} returns. @category Models */
export interface CodebookUsage {
  /** How many of the vectors of `x` were assigned to each code, `codebookSize` entries. */
  readonly counts: number[];
  /** `exp(−Σₖ pₖ log pₖ)`, `pₖ = countsₖ / Σ counts`: 1 when one code takes all, `K` when all are used equally. */
  readonly perplexity: number;
}

/** Salt of the dead-code restarts' draws within a loss call's seed. */
const RESTART_SALT = 3;

/**
 * A vector-quantised variational autoencoder (van den Oord et al. 2017). The encoder maps `x` to
 * vectors `z_e` `[n, ...positions, d]`; each is replaced by its nearest code `e_k` of a learned
 * codebook `[K, d]` (`k = argminⱼ ‖z_e − eⱼ‖²`), and the decoder reconstructs `x` from the quantised
 * `z_q`. The gradient skips the quantisation (straight-through: `z_q = z_e + sg[e_k − z_e]`, so
 * `∂L/∂z_e = ∂L/∂z_q`). The loss is
 *
 * `loss = reconstruction + codebook + β·commitment`,
 * `codebook = mean ‖sg[z_e] − e_k‖²`, `commitment = mean ‖z_e − sg[e_k]‖²`
 *
 * (means over all positions and the `d` components; `reconstruction` is the per-sample MSE or BCE,
 * batch mean). With `ema`, the codes are moving averages of their encoder outputs (Razavi et al.
 * 2019) and the codebook term is reported but not added (it has no gradient). Dead codes are
 * restarted on encoder outputs by default (see {@link DeadCodes}). The EMA and the restarts run in
 * `computeLoss` with `training: true` only; evaluation changes nothing.
 *
 * The model owns its encoder, decoder and codebook: {@link VQVAE.dispose} disposes them.
 *
 * @category Models
 * @example
 * ```ts
 * const vq = denseVqVae({ inputDim: 784, hidden: [256], codebookSize: 64, codeDim: 8, numCodes: 4, seed: 1 });
 * const codes = vq.encode(tf.zeros([2, 784])); // int32 [2, 4]
 * ```
 */
export class VQVAE implements TrainableModel {
  /** The model kind, for saving. */
  readonly kind = 'vqvae' as const;
  readonly encoder: tfl.LayersModel;
  readonly decoder: tfl.LayersModel;
  /** Feature shape of one input (no batch axis). */
  readonly inputShape: FeatureShape;
  /** The encoder's output per sample, `[...positions, codeDim]`. */
  readonly codeShape: readonly number[];
  readonly codebookSize: number;
  readonly codeDim: number;
  readonly commitment: number;
  readonly ema: VqEma | null;
  readonly deadCodes: DeadCodes;
  readonly reconstruction: VqReconstruction;
  readonly #codebook: Codebook;
  readonly #networks: OwnedNetworks;
  readonly #logits: tfl.LayersModel | null;

  /**
   * @param options - see {@link VqVaeOptions}.
   * @throws TypeError for a non-model network or bad option; Error when the shapes do not fit.
   */
  constructor(options: VqVaeOptions) {
    const fn = 'VQVAE';
    assertOptions(options, VQVAE_OPTIONS, fn);
    const enc = checkNetwork(options.encoder, fn, 'encoder', { inputs: [1], outputs: [1] });
    const dec = checkNetwork(options.decoder, fn, 'decoder', { inputs: [1], outputs: [1] });
    const out = enc.outputs[0]!;
    if (out.length === 0 || out.some((s) => s === null)) {
      throw new Error(`${fn}: the encoder's output must have a known shape [?,...positions,codeDim], got ${batchShape(out)}`);
    }
    const codeShape = out as number[];
    const codeDim = codeShape.at(-1)!;
    if (options.codeDim !== undefined) {
      assertNumber(options.codeDim, fn, 'codeDim', { integer: true, min: 1 });
      if (options.codeDim !== codeDim) throw new Error(`${fn}: argument 'codeDim' is ${options.codeDim} but the encoder's output ${batchShape(out)} ends in ${codeDim}`);
    }
    assertNumber(options.codebookSize, fn, 'codebookSize', { integer: true, min: 1, max: 2 ** 24 });
    const commitment = options.commitment ?? 0.25;
    assertNumber(commitment, fn, 'commitment', { min: 0 });
    const ema = checkEma(options.ema, fn);
    const deadCodes = checkDeadCodes(options.deadCodes, fn);
    const reconstruction = options.reconstruction ?? 'mse';
    assertOneOf(reconstruction, ['mse', 'bce'] as const, fn, 'reconstruction');
    const seed = seedOrRandom(options.seed, fn, 'seed');
    const inputShape = enc.inputs[0]!;
    expectShape(dec.inputs[0]!, codeShape, fn, "the decoder's input", "the encoder's output shape");
    expectShape(dec.outputs[0]!, inputShape, fn, "the decoder's output", "the encoder's input shape");
    this.encoder = enc.model;
    this.decoder = dec.model;
    this.inputShape = inputShape;
    this.codeShape = codeShape;
    this.codebookSize = options.codebookSize;
    this.codeDim = codeDim;
    this.commitment = commitment;
    this.ema = ema;
    this.deadCodes = deadCodes;
    this.reconstruction = reconstruction;
    this.#logits = reconstruction === 'bce' ? sigmoidLogitsModel(dec.model) : null;
    this.#networks = new OwnedNetworks(enc.model, dec.model);
    this.#codebook = new Codebook(this.codebookSize, codeDim, ema, deadCodes.kind === 'restart' ? deadCodes.threshold! : null, seed);
  }

  /** The encoder's and decoder's trainable variables, then the codebook unless it is updated by EMA. */
  get trainableVariables(): readonly tf.Variable[] {
    const vars = this.#networks.variables('VQVAE.trainableVariables');
    return this.ema === null ? [...vars, this.#codebook.embeddings] : vars;
  }

  /** The code vectors `[codebookSize, codeDim]`, a variable the model owns (read it; do not dispose it). */
  get codebook(): tf.Variable<tf.Rank.R2> {
    this.#networks.assertAlive('VQVAE.codebook');
    return this.#codebook.embeddings;
  }

  /** The codebook's variables by saved name (`embeddings`, and `counts`, `sums`, `usage` as used). @internal */
  codebookVariables(): CodebookVariables {
    this.#networks.assertAlive('VQVAE.codebookVariables');
    return this.#codebook.variables();
  }

  /**
   * The code indices of `x`: the nearest code of each encoder output vector.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns int32 `[n, ...positions]`, owned by the caller.
   */
  encode(x: DataInput): tf.Tensor {
    const fn = 'VQVAE.encode';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => {
      const { indices, n } = this.#assign(x, fn, 'x', false);
      return tf.reshape(indices, [n, ...this.codeShape.slice(0, -1)]);
    });
  }

  /**
   * The quantised vectors of `x`: each encoder output replaced by its nearest code.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns `[n, ...codeShape]`, owned by the caller.
   */
  quantize(x: DataInput): tf.Tensor {
    const fn = 'VQVAE.quantize';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => {
      const { indices, n } = this.#assign(x, fn, 'x', false);
      return tf.reshape(tf.gather(this.#codebook.embeddings, indices), [n, ...this.codeShape]);
    });
  }

  /**
   * Decodes code indices `[n, ...positions]` (int32, or integer-valued numbers) or code vectors
   * `[n, ...positions, codeDim]`, told apart by their rank.
   * @param codes - indices in `[0, codebookSize)` or vectors; not disposed.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  decode(codes: DataInput | tf.Tensor): tf.Tensor {
    const fn = 'VQVAE.decode';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => run1(this.decoder, this.#codeVectors(codes, fn), false));
  }

  /**
   * The reconstruction `decoder(quantize(x))`.
   * @param x - `[n, ...inputShape]`; not disposed.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  reconstruct(x: DataInput): tf.Tensor {
    const fn = 'VQVAE.reconstruct';
    this.#networks.assertAlive(fn);
    return tf.tidy(() => {
      const { indices, n } = this.#assign(x, fn, 'x', false);
      return run1(this.decoder, tf.reshape(tf.gather(this.#codebook.embeddings, indices), [n, ...this.codeShape]), false);
    });
  }

  /**
   * Draws `n` samples from the uniform prior over codes: every position's index uniform in
   * `[0, codebookSize)` (from `seed`), decoded. (A VQ-VAE is meant to be paired with a learned
   * prior over its indices; this uniform draw shows what the codes decode to.)
   * @param n - how many: an integer >= 1.
   * @returns `[n, ...inputShape]`, owned by the caller.
   */
  sample(n: number, options: SeedOptions = {}): tf.Tensor {
    const fn = 'VQVAE.sample';
    this.#networks.assertAlive(fn);
    checkSampleCount(n, Math.max(valuesPerSample(this.codeShape), valuesPerSample(this.inputShape)), fn);
    const seed = optionSeed(options, fn);
    const positions = this.codeShape.slice(0, -1);
    return tf.tidy(() => {
      const u = tf.randomUniform([n, ...positions], 0, this.codebookSize * (1 - 1e-7), 'float32', seed);
      return this.decode(tf.cast(tf.floor(u), 'int32'));
    });
  }

  /**
   * How often each code is picked by the vectors of `x`, and the perplexity of that distribution.
   * @param x - `[n, ...inputShape]`; not disposed.
   */
  async codebookUsage(x: DataInput): Promise<CodebookUsage> {
    const fn = 'VQVAE.codebookUsage';
    this.#networks.assertAlive(fn);
    const counts = tf.tidy(() => {
      const { indices } = this.#assign(x, fn, 'x', false);
      // One-hot rows in chunks, so that many vectors times a large codebook stay small.
      const m = indices.shape[0];
      const chunk = Math.max(1, Math.floor(2 ** 22 / this.codebookSize));
      let sum: tf.Tensor = tf.zeros([this.codebookSize]);
      for (let start = 0; start < m; start += chunk) {
        const part = tf.slice(indices, [start], [Math.min(chunk, m - start)]);
        sum = tf.add(sum, tf.sum(tf.oneHot(part, this.codebookSize), 0));
      }
      return sum;
    });
    const values = Array.from(await counts.data());
    counts.dispose();
    return { counts: values, perplexity: perplexityOf(values) };
  }

  /**
   * The training contract: `{ loss, terms: { reconstruction, codebook, commitment } }` (see the
   * class). With `training: true` it also updates the codebook statistics (EMA, restarts).
   * @param batch - `{ x: [n, ...inputShape] }`; not disposed.
   * @param context - `{ training, seed? }`.
   */
  computeLoss(batch: Batch, context: LossContext): LossOutput {
    const fn = 'VQVAE.computeLoss';
    this.#networks.assertAlive(fn);
    checkLossArguments(batch, context, fn, '{ x }');
    const seed = context.training ? seedOrRandom(context.seed, fn, 'context.seed') : 0;
    return tidyRecord(() => {
      const { x, flat, indices, n } = this.#assign(batch.x, fn, 'batch.x', context.training);
      const oneHot = tf.cast(tf.oneHot(indices, this.codebookSize), 'float32') as tf.Tensor2D;
      // oneHot · codebook rather than tf.gather: the same rows, and a gradient to the codebook on
      // every backend (gather's needs UnsortedSegmentSum, which wasm lacks).
      const q = tf.matMul(oneHot, this.#codebook.embeddings);
      const codebookTerm = tf.mean(tf.square(tf.sub(stopGradient(flat), q))) as tf.Scalar;
      const commitmentTerm = tf.mean(tf.square(tf.sub(flat, stopGradient(q)))) as tf.Scalar;
      const zq = tf.reshape(straightThrough(flat, q), [n, ...this.codeShape]);
      let reconstruction: tf.Scalar;
      if (this.reconstruction === 'mse') {
        reconstruction = mse(x, run1(this.decoder, zq, context.training));
      } else if (this.#logits !== null) {
        reconstruction = bceWithLogits(x, run1(this.#logits, zq, context.training));
      } else {
        reconstruction = bce(x, run1(this.decoder, zq, context.training));
      }
      let loss = tf.add(reconstruction, tf.mul(this.commitment, commitmentTerm));
      if (this.ema === null) loss = tf.add(loss, codebookTerm);
      if (context.training) {
        this.#codebook.update(oneHot, stopGradient(flat), deriveSeed(seed, RESTART_SALT));
      }
      return { loss: loss as tf.Scalar, terms: { reconstruction, codebook: codebookTerm, commitment: commitmentTerm } };
    });
  }

  /** The JSON-able description of the model (networks and codebook apart). */
  getConfig(): VqVaeConfig {
    return {
      kind: this.kind,
      inputShape: [...this.inputShape],
      codeShape: [...this.codeShape],
      codebookSize: this.codebookSize,
      codeDim: this.codeDim,
      commitment: this.commitment,
      ema: this.ema === null ? null : { ...this.ema },
      deadCodes: { ...this.deadCodes },
      reconstruction: this.reconstruction,
    };
  }

  /** Disposes the encoder's and decoder's weights and the codebook. Idempotent. */
  dispose(): void {
    if (this.#networks.disposed) return;
    this.#networks.dispose();
    this.#codebook.dispose();
  }

  /** True once {@link VQVAE.dispose} was called. */
  get isDisposed(): boolean {
    return this.#networks.disposed;
  }

  /** Encodes and assigns codes. Call inside `tf.tidy`. */
  #assign(x: unknown, fn: string, arg: string, training: boolean): { x: tf.Tensor; flat: tf.Tensor2D; indices: tf.Tensor1D; n: number } {
    const t = inputTensor(x, this.inputShape, fn, arg, "the encoder's input shape");
    const flat = tf.reshape(run1(this.encoder, t, training), [-1, this.codeDim]) as tf.Tensor2D;
    return { x: t, flat, indices: nearestCodes(flat, this.#codebook.embeddings), n: t.shape[0]! };
  }

  /** Code vectors `[n, ...codeShape]` from indices or vectors. Call inside `tf.tidy`. */
  #codeVectors(codes: unknown, fn: string): tf.Tensor {
    const positions = this.codeShape.slice(0, -1);
    const t = isTensor(codes) || Array.isArray(codes) ? (isTensor(codes) ? codes : tf.tensor(codes as number[])) : toTensor(codes, fn, 'codes');
    if (t.rank === positions.length + 2) return inputTensor(t, this.codeShape, fn, 'codes', 'code vectors: the encoder output shape');
    const expected = `code indices ${batchShape(positions)} or code vectors ${batchShape(this.codeShape)}`;
    if (t.rank !== positions.length + 1 || formatShape(t.shape.slice(1)) !== formatShape(positions) || t.shape[0] === 0) {
      throw new Error(`${fn}: argument 'codes' must be ${expected}, got shape ${formatShape(t.shape)}`);
    }
    if (t.dtype === 'bool') throw new TypeError(`${fn}: argument 'codes' must be int32 code indices or float32 code vectors, got a bool tensor`);
    // Read back only where memory is the CPU's; on a GPU an index out of range gathers zeros.
    if (readsBackCheaply()) {
      const values = t.dataSync();
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isInteger(v) || v < 0 || v >= this.codebookSize) {
          throw new Error(`${fn}: argument 'codes' must hold integer code indices in [0, ${this.codebookSize}), found ${v} at index ${i}`);
        }
      }
    }
    const indices = t.dtype === 'int32' ? t : tf.cast(t, 'int32');
    return tf.gather(this.#codebook.embeddings, indices);
  }
}
