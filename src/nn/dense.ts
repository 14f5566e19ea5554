import * as tfl from '@tensorflow/tfjs-layers';
import { type OptionKeys, assertOptions, assertUnits } from '../core/index.js';
import { type Activation, type InitOptions, checkActivation, checkInit, checkPositiveInt, seededDense } from './common.js';

/**
 * Options of {@link denseEncoder}.
 * @category Networks
 */
export interface DenseEncoderOptions extends InitOptions {
  /** Width `d` of an input row. */
  readonly inputDim: number;
  /** Widths of the hidden layers, first to last (may be empty). Default `[]`. */
  readonly units?: readonly number[];
  /** Width `k` of the code. */
  readonly latentDim: number;
  /** Activation of the hidden layers. Default `'relu'`. */
  readonly activation?: Activation;
  /** Activation of the code layer. Default `'linear'`. */
  readonly latentActivation?: Activation;
}

const DENSEENCODER_OPTIONS: OptionKeys<DenseEncoderOptions> = { inputDim: true, units: true, latentDim: true, activation: true, latentActivation: true, init: true, seed: true };

/**
 * A fully connected encoder: `x → h₁ = act(W₁x + b₁) → … → z = latentAct(W·h + b)`.
 *
 * Takes `[n, inputDim]`, gives `[n, latentDim]`. The returned model is new: the caller owns it
 * (a model built on it, such as {@link Autoencoder}, takes it over and disposes it with itself).
 *
 * @param options - see {@link DenseEncoderOptions}.
 * @returns a `tf.LayersModel` with one input `[null, inputDim]` and one output `[null, latentDim]`.
 * @category Networks
 * @example
 * ```ts
 * const encoder = denseEncoder({ inputDim: 784, units: [256], latentDim: 32, seed: 1 });
 * encoder.outputs[0]!.shape; //=> [null, 32]
 * ```
 */
export function denseEncoder(options: DenseEncoderOptions): tfl.LayersModel {
  const fn = 'denseEncoder';
  assertOptions(options, DENSEENCODER_OPTIONS, fn);
  const { inputDim, units = [], latentDim, activation = 'relu', latentActivation = 'linear' } = options;
  checkPositiveInt(inputDim, fn, 'inputDim');
  assertUnits(units, fn, 'units');
  checkPositiveInt(latentDim, fn, 'latentDim');
  checkActivation(activation, fn, 'activation');
  checkActivation(latentActivation, fn, 'latentActivation');
  const { seed, init } = checkInit(options, fn);

  const input = tfl.input({ shape: [inputDim] });
  let h = input;
  let fanIn = inputDim;
  units.forEach((u, i) => {
    h = seededDense(u, activation, fanIn, seed, init, i).apply(h) as tfl.SymbolicTensor;
    fanIn = u;
  });
  const code = seededDense(latentDim, latentActivation, fanIn, seed, init, units.length).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: code });
}

/**
 * Options of {@link denseDecoder}.
 * @category Networks
 */
export interface DenseDecoderOptions extends InitOptions {
  /** Width `k` of the code it reads. */
  readonly latentDim: number;
  /** Widths of the hidden layers, first to last (usually the encoder's reversed). Default `[]`. */
  readonly units?: readonly number[];
  /** Width `d` of the reconstruction. */
  readonly outputDim: number;
  /** Activation of the hidden layers. Default `'relu'`. */
  readonly activation?: Activation;
  /**
   * Activation of the output, as a separate final `Activation` layer so that models can reach
   * the logits before a sigmoid (for a stable cross-entropy). Default `'sigmoid'` (data in [0, 1]);
   * use `'linear'` for unbounded data.
   */
  readonly outputActivation?: Activation;
}

const DENSEDECODER_OPTIONS: OptionKeys<DenseDecoderOptions> = { latentDim: true, units: true, outputDim: true, activation: true, outputActivation: true, init: true, seed: true };

/**
 * A fully connected decoder: `z → h₁ = act(W₁z + b₁) → … → x̂ = outputAct(W·h + b)`.
 *
 * Takes `[n, latentDim]`, gives `[n, outputDim]`. The last layer is an `Activation` layer
 * (when `outputActivation` is not `'linear'`), so its input is the logits. The caller owns the model.
 *
 * @param options - see {@link DenseDecoderOptions}.
 * @returns a `tf.LayersModel` with one input `[null, latentDim]` and one output `[null, outputDim]`.
 * @category Networks
 * @example
 * ```ts
 * const decoder = denseDecoder({ latentDim: 32, units: [256], outputDim: 784, seed: 2 });
 * decoder.outputs[0]!.shape; //=> [null, 784]
 * ```
 */
export function denseDecoder(options: DenseDecoderOptions): tfl.LayersModel {
  const fn = 'denseDecoder';
  assertOptions(options, DENSEDECODER_OPTIONS, fn);
  const { latentDim, units = [], outputDim, activation = 'relu', outputActivation = 'sigmoid' } = options;
  checkPositiveInt(latentDim, fn, 'latentDim');
  assertUnits(units, fn, 'units');
  checkPositiveInt(outputDim, fn, 'outputDim');
  checkActivation(activation, fn, 'activation');
  checkActivation(outputActivation, fn, 'outputActivation');
  const { seed, init } = checkInit(options, fn);

  const input = tfl.input({ shape: [latentDim] });
  let h = input;
  let fanIn = latentDim;
  units.forEach((u, i) => {
    h = seededDense(u, activation, fanIn, seed, init, i).apply(h) as tfl.SymbolicTensor;
    fanIn = u;
  });
  let out = seededDense(outputDim, 'linear', fanIn, seed, init, units.length).apply(h) as tfl.SymbolicTensor;
  if (outputActivation !== 'linear') {
    out = tfl.layers.activation({ activation: outputActivation }).apply(out) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: out });
}
