/**
 * Encoder/decoder pairs whose code is a grid of vectors rather than one flat vector: what a VQ-VAE
 * quantises (one code per position) and what the convolutional VAE's body feeds into its heads.
 * Internal builders of the factories `denseVqVae`, `convVqVae`, `convVae` and `convCvae`.
 * @module
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type Activation, type WeightInit, initializers, seededDense } from './common.js';
import { stridedSizes } from './conv.js';

/** The common options of the builders, already checked. @internal */
export interface BuildOptions {
  readonly activation: Activation;
  readonly seed: number | undefined;
  readonly init: WeightInit;
}

/** Convolution options, already checked. @internal */
export interface ConvBuildOptions extends BuildOptions {
  readonly inputShape: readonly [number, number, number];
  readonly filters: readonly number[];
  readonly kernelSize: number;
  readonly strides: number;
}

/** The strided `'same'` convolutions of a conv encoder applied to `x`; returns the feature map and its channels. */
function convStack(x: tfl.SymbolicTensor, o: ConvBuildOptions, firstIndex: number): { x: tfl.SymbolicTensor; channels: number } {
  let channels = o.inputShape[2];
  o.filters.forEach((f, i) => {
    x = tfl.layers
      .conv2d({ filters: f, kernelSize: o.kernelSize, strides: o.strides, padding: 'same', activation: o.activation, ...initializers(o.seed, o.init, firstIndex + i, o.kernelSize * o.kernelSize * channels) })
      .apply(x) as tfl.SymbolicTensor;
    channels = f;
  });
  return { x, channels };
}

/** The grid `[⌈h/sᴸ⌉, ⌈w/sᴸ⌉]` after the encoder's `L` strided convolutions. @internal */
export function gridOf(o: ConvBuildOptions): [number, number] {
  const L = o.filters.length;
  return [stridedSizes(o.inputShape[0], L, o.strides).at(-1)!, stridedSizes(o.inputShape[1], L, o.strides).at(-1)!];
}

/**
 * A conv feature extractor (no code layer): `[n, h, w, c] → [n, ⌈h/sᴸ⌉, ⌈w/sᴸ⌉, filters[L−1]]`,
 * the body of the convolutional VAE's Gaussian encoder. With `numClasses`, a second input `[n, K]`
 * (the one-hot label) is joined to the flattened features: `[n, features + K]`.
 * @internal
 */
export function convBody(o: ConvBuildOptions, numClasses?: number): tfl.LayersModel {
  const input = tfl.input({ shape: [...o.inputShape] });
  const { x } = convStack(input, o, 0);
  if (numClasses === undefined) return tfl.model({ inputs: input, outputs: x });
  const label = tfl.input({ shape: [numClasses] });
  const flat = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate().apply([flat, label]) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [input, label], outputs: joined });
}

/**
 * The VQ conv encoder: the strided convolutions, then a 1×1 convolution to `codeDim` channels:
 * `[n, h, w, c] → [n, ⌈h/sᴸ⌉, ⌈w/sᴸ⌉, codeDim]` (one code vector per grid cell).
 * @internal
 */
export function convGridEncoder(o: ConvBuildOptions, codeDim: number): tfl.LayersModel {
  const input = tfl.input({ shape: [...o.inputShape] });
  const { x, channels } = convStack(input, o, 0);
  const code = tfl.layers.conv2d({ filters: codeDim, kernelSize: 1, padding: 'same', activation: 'linear', ...initializers(o.seed, o.init, o.filters.length, channels) }).apply(x);
  return tfl.model({ inputs: input, outputs: code as tfl.SymbolicTensor });
}

/**
 * The transposed-convolution tail shared by the VQ and VAE conv decoders: from a feature map
 * `[⌈h/sᴸ⌉, ⌈w/sᴸ⌉, ·]`, `L` strided transposed convolutions (the encoder's filters reversed), a
 * crop back to `[h, w]`, a `'same'` convolution to `c` channels and the output activation.
 */
function deconvTail(x: tfl.SymbolicTensor, o: ConvBuildOptions, outputActivation: Activation, firstIndex: number): tfl.SymbolicTensor {
  const [h, w, c] = o.inputShape;
  const [hs, ws] = gridOf(o);
  const reversed = [...o.filters].reverse();
  reversed.forEach((f, i) => {
    x = tfl.layers
      .conv2dTranspose({ filters: f, kernelSize: o.kernelSize, strides: o.strides, padding: 'same', activation: o.activation, ...initializers(o.seed, o.init, firstIndex + i, o.kernelSize * o.kernelSize * f) })
      .apply(x) as tfl.SymbolicTensor;
  });
  const L = o.filters.length;
  const extraH = hs * o.strides ** L - h;
  const extraW = ws * o.strides ** L - w;
  if (extraH > 0 || extraW > 0) {
    const cropping: [[number, number], [number, number]] = [
      [Math.floor(extraH / 2), Math.ceil(extraH / 2)],
      [Math.floor(extraW / 2), Math.ceil(extraW / 2)],
    ];
    x = tfl.layers.cropping2D({ cropping }).apply(x) as tfl.SymbolicTensor;
  }
  const last = reversed.at(-1)!;
  x = tfl.layers
    .conv2d({ filters: c, kernelSize: o.kernelSize, strides: 1, padding: 'same', activation: 'linear', ...initializers(o.seed, o.init, firstIndex + L, o.kernelSize * o.kernelSize * last) })
    .apply(x) as tfl.SymbolicTensor;
  if (outputActivation !== 'linear') x = tfl.layers.activation({ activation: outputActivation }).apply(x) as tfl.SymbolicTensor;
  return x;
}

/**
 * The VQ conv decoder: `[n, ⌈h/sᴸ⌉, ⌈w/sᴸ⌉, codeDim]` → a `kernelSize` convolution to the
 * encoder's last filters → the transposed-convolution tail → `[n, h, w, c]`.
 * @internal
 */
export function convGridDecoder(o: ConvBuildOptions, codeDim: number, outputActivation: Activation): tfl.LayersModel {
  const [hs, ws] = gridOf(o);
  const input = tfl.input({ shape: [hs, ws, codeDim] });
  const first = o.filters.at(-1)!;
  const x = tfl.layers
    .conv2d({ filters: first, kernelSize: o.kernelSize, padding: 'same', activation: o.activation, ...initializers(o.seed, o.init, 0, o.kernelSize * o.kernelSize * codeDim) })
    .apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: deconvTail(x, o, outputActivation, 1) });
}

/**
 * The conv VAE decoder: `[n, latentDim]` → dense to `⌈h/sᴸ⌉·⌈w/sᴸ⌉·filters[L−1]` → reshape → the
 * transposed-convolution tail → `[n, h, w, c]`.
 * @internal
 */
export function convLatentDecoder(o: ConvBuildOptions, latentDim: number, outputActivation: Activation): tfl.LayersModel {
  const [hs, ws] = gridOf(o);
  const first = o.filters.at(-1)!;
  const input = tfl.input({ shape: [latentDim] });
  let x = seededDense(hs * ws * first, o.activation, latentDim, o.seed, o.init, 0).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: [hs, ws, first] }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: deconvTail(x, o, outputActivation, 1) });
}

/**
 * The dense VQ encoder: `[n, d] → hidden… → [n, numCodes·codeDim]` reshaped to `[n, numCodes, codeDim]`.
 * @internal
 */
export function denseGridEncoder(inputDim: number, hidden: readonly number[], numCodes: number, codeDim: number, o: BuildOptions): tfl.LayersModel {
  const input = tfl.input({ shape: [inputDim] });
  let x: tfl.SymbolicTensor = input;
  let fanIn = inputDim;
  hidden.forEach((u, i) => {
    x = seededDense(u, o.activation, fanIn, o.seed, o.init, i).apply(x) as tfl.SymbolicTensor;
    fanIn = u;
  });
  x = seededDense(numCodes * codeDim, 'linear', fanIn, o.seed, o.init, hidden.length).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: [numCodes, codeDim] }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

/**
 * The dense VQ decoder: `[n, numCodes, codeDim]` → flatten → hidden reversed… → `[n, d]` (output
 * activation as a final layer).
 * @internal
 */
export function denseGridDecoder(inputDim: number, hidden: readonly number[], numCodes: number, codeDim: number, outputActivation: Activation, o: BuildOptions): tfl.LayersModel {
  const input = tfl.input({ shape: [numCodes, codeDim] });
  let x = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  let fanIn = numCodes * codeDim;
  const reversed = [...hidden].reverse();
  reversed.forEach((u, i) => {
    x = seededDense(u, o.activation, fanIn, o.seed, o.init, i).apply(x) as tfl.SymbolicTensor;
    fanIn = u;
  });
  x = seededDense(inputDim, 'linear', fanIn, o.seed, o.init, reversed.length).apply(x) as tfl.SymbolicTensor;
  if (outputActivation !== 'linear') x = tfl.layers.activation({ activation: outputActivation }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}
