import * as tfl from '@tensorflow/tfjs-layers';
import { type OptionKeys, assertOptions, assertUnits, fail } from '../core/index.js';
import {
  type Activation,
  type InitOptions,
  checkActivation,
  checkImageShape,
  checkInit,
  checkPositiveInt,
  initializers,
  seededDense,
} from './common.js';

/**
 * Options of {@link convEncoder}.
 * @category Networks
 */
export interface ConvEncoderOptions extends InitOptions {
  /** Shape of one image, `[height, width, channels]` (channels last), e.g. `[28, 28, 1]`. */
  readonly inputShape: readonly [number, number, number];
  /** Output channels of each strided convolution, first to last (at least one), e.g. `[32, 64]`. */
  readonly filters: readonly number[];
  /** Side of the square convolution kernels. Default 3. */
  readonly kernelSize?: number;
  /** Stride of every convolution (each divides height and width by it, rounding up). Default 2. */
  readonly strides?: number;
  /** Width `k` of the code. */
  readonly latentDim: number;
  /** Activation of the convolutions. Default `'relu'`. */
  readonly activation?: Activation;
  /** Activation of the code layer. Default `'linear'`. */
  readonly latentActivation?: Activation;
}

/** Spatial sizes after each `'same'`-padded strided convolution: `ceil(size / strides)`. @internal */
export function stridedSizes(size: number, layers: number, strides: number): number[] {
  const sizes = [size];
  for (let i = 0; i < layers; i++) sizes.push(Math.ceil(sizes[i]! / strides));
  return sizes;
}

function checkFilters(value: unknown, fn: string): readonly number[] {
  assertUnits(value, fn, 'filters');
  if (value.length === 0) fail(fn, 'filters', 'a non-empty array of positive integers', value);
  return value;
}

const CONVENCODER_OPTIONS: OptionKeys<ConvEncoderOptions> = { inputShape: true, filters: true, kernelSize: true, strides: true, latentDim: true, activation: true, latentActivation: true, init: true, seed: true };

/**
 * A convolutional encoder: `filters.length` strided `'same'` convolutions
 * (`conv(kernelSize, strides) → activation`), then flatten and a dense code layer.
 *
 * Takes `[n, h, w, c]`, gives `[n, latentDim]`; after the convolutions the feature map is
 * `[n, ⌈h/sᴸ⌉, ⌈w/sᴸ⌉, filters[L-1]]` (`s` = strides, `L` = number of convolutions, rounding up at each
 * step). For 28×28 digits, `filters: [32, 64]` gives 14×14 then 7×7; for 40×40 jet images 20×20 then 10×10.
 * The caller owns the model.
 *
 * @param options - see {@link ConvEncoderOptions}.
 * @returns a `tf.LayersModel` with one input `[null, h, w, c]` and one output `[null, latentDim]`.
 * @category Networks
 * @example
 * ```ts
 * const encoder = convEncoder({ inputShape: [28, 28, 1], filters: [16, 32], latentDim: 16, seed: 1 });
 * encoder.outputs[0]!.shape; //=> [null, 16]
 * ```
 */
export function convEncoder(options: ConvEncoderOptions): tfl.LayersModel {
  const fn = 'convEncoder';
  assertOptions(options, CONVENCODER_OPTIONS, fn);
  const { kernelSize = 3, strides = 2, activation = 'relu', latentActivation = 'linear' } = options;
  const [h, w, c] = checkImageShape(options.inputShape, fn, 'inputShape');
  const filters = checkFilters(options.filters, fn);
  checkPositiveInt(kernelSize, fn, 'kernelSize');
  checkPositiveInt(strides, fn, 'strides');
  const latentDim = checkPositiveInt(options.latentDim, fn, 'latentDim');
  checkActivation(activation, fn, 'activation');
  checkActivation(latentActivation, fn, 'latentActivation');
  const { seed, init } = checkInit(options, fn);

  const input = tfl.input({ shape: [h, w, c] });
  let x = input;
  let channels = c;
  filters.forEach((f, i) => {
    const conv = tfl.layers.conv2d({
      filters: f,
      kernelSize,
      strides,
      padding: 'same',
      activation,
      ...initializers(seed, init, i, kernelSize * kernelSize * channels),
    });
    x = conv.apply(x) as tfl.SymbolicTensor;
    channels = f;
  });
  const hs = stridedSizes(h, filters.length, strides).at(-1)!;
  const ws = stridedSizes(w, filters.length, strides).at(-1)!;
  const flat = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const code = seededDense(latentDim, latentActivation, hs * ws * channels, seed, init, filters.length).apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: code });
}

/**
 * Options of {@link convDecoder}.
 * @category Networks
 */
export interface ConvDecoderOptions extends InitOptions {
  /** Width `k` of the code it reads. */
  readonly latentDim: number;
  /** Shape of one reconstructed image, `[height, width, channels]`. */
  readonly outputShape: readonly [number, number, number];
  /** Channels of each transposed convolution, first to last (the encoder's reversed), e.g. `[64, 32]`. */
  readonly filters: readonly number[];
  /** Side of the square kernels. Default 3. */
  readonly kernelSize?: number;
  /** Upsampling factor of every transposed convolution. Default 2. */
  readonly strides?: number;
  /** Activation of the hidden layers. Default `'relu'`. */
  readonly activation?: Activation;
  /** Activation of the output, as a separate final `Activation` layer. Default `'sigmoid'`. */
  readonly outputActivation?: Activation;
}

const CONVDECODER_OPTIONS: OptionKeys<ConvDecoderOptions> = { latentDim: true, outputShape: true, filters: true, kernelSize: true, strides: true, activation: true, outputActivation: true, init: true, seed: true };

/**
 * A convolutional decoder mirroring {@link convEncoder}: a dense layer to a
 * `[⌈h/sᴸ⌉, ⌈w/sᴸ⌉, filters[0]]` map, `filters.length` strided transposed convolutions (each
 * multiplies height and width by `strides`), a crop back to `[h, w]` where rounding made the map
 * larger, a `'same'` convolution to `c` channels, and the output activation as a final layer.
 *
 * Takes `[n, latentDim]`, gives `[n, h, w, c]`. The caller owns the model.
 *
 * @param options - see {@link ConvDecoderOptions}.
 * @returns a `tf.LayersModel` with one input `[null, latentDim]` and one output `[null, h, w, c]`.
 * @category Networks
 * @example
 * ```ts
 * const decoder = convDecoder({ latentDim: 16, outputShape: [28, 28, 1], filters: [32, 16], seed: 2 });
 * decoder.outputs[0]!.shape; //=> [null, 28, 28, 1]
 * ```
 */
export function convDecoder(options: ConvDecoderOptions): tfl.LayersModel {
  const fn = 'convDecoder';
  assertOptions(options, CONVDECODER_OPTIONS, fn);
  const { kernelSize = 3, strides = 2, activation = 'relu', outputActivation = 'sigmoid' } = options;
  const latentDim = checkPositiveInt(options.latentDim, fn, 'latentDim');
  const [h, w, c] = checkImageShape(options.outputShape, fn, 'outputShape');
  const filters = checkFilters(options.filters, fn);
  checkPositiveInt(kernelSize, fn, 'kernelSize');
  checkPositiveInt(strides, fn, 'strides');
  checkActivation(activation, fn, 'activation');
  checkActivation(outputActivation, fn, 'outputActivation');
  const { seed, init } = checkInit(options, fn);

  const L = filters.length;
  const hs = stridedSizes(h, L, strides).at(-1)!;
  const ws = stridedSizes(w, L, strides).at(-1)!;
  const first = filters[0]!;
  const input = tfl.input({ shape: [latentDim] });
  let x = seededDense(hs * ws * first, activation, latentDim, seed, init, 0).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: [hs, ws, first] }).apply(x) as tfl.SymbolicTensor;
  filters.forEach((f, i) => {
    const deconv = tfl.layers.conv2dTranspose({
      filters: f,
      kernelSize,
      strides,
      padding: 'same',
      activation,
      // The fan-in of a transposed convolution (PyTorch and Keras agree) is kernel area × its output channels.
      ...initializers(seed, init, i + 1, kernelSize * kernelSize * f),
    });
    x = deconv.apply(x) as tfl.SymbolicTensor;
  });
  const extraH = hs * strides ** L - h;
  const extraW = ws * strides ** L - w;
  if (extraH > 0 || extraW > 0) {
    const cropping: [[number, number], [number, number]] = [
      [Math.floor(extraH / 2), Math.ceil(extraH / 2)],
      [Math.floor(extraW / 2), Math.ceil(extraW / 2)],
    ];
    x = tfl.layers.cropping2D({ cropping }).apply(x) as tfl.SymbolicTensor;
  }
  const last = filters[L - 1]!;
  x = tfl.layers
    .conv2d({
      filters: c,
      kernelSize,
      strides: 1,
      padding: 'same',
      activation: 'linear',
      ...initializers(seed, init, L + 1, kernelSize * kernelSize * last),
    })
    .apply(x) as tfl.SymbolicTensor;
  if (outputActivation !== 'linear') {
    x = tfl.layers.activation({ activation: outputActivation }).apply(x) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: x });
}
