// The two autoencoders of the jet example, both built from the package's networks and trained on
// wasm with the package's `train`. The dense one (`denseJetAutoencoder`) is a plain multilayer
// perceptron on the flattened image. The convolutional one (`convJetAutoencoder`) has the shape of
// the paper's — convolutions that halve the image twice (40 → 20 → 10), a dense layer of 32 on
// each side of a code of k = 6, and the mirror image back to 40 × 40 — made of the package's
// `convEncoder` and `convDecoder` (with `dense: 0`, the earlier shape: the code straight out of
// the feature maps). The convolutions train on wasm because `useBackend('wasm')` installs the
// package's convolution gradients (src/backend/wasmConv.ts); tfjs-backend-wasm has no
// Conv2DBackpropFilter of its own.
//
// Departures from the paper (arXiv:1808.08992, section 3), stated in README.md: strided 3 × 3
// convolutions instead of convolutions followed by 2 × 2 max-pooling, and strided transposed
// convolutions instead of 2 × 2 upsampling followed by convolutions (that is what convEncoder and
// convDecoder build; on this 2-core machine they train 1.5 × faster than the pooling version),
// one convolution per resolution, and far fewer filters (16, 32 against 128), to fit the CPU budget.
import * as tfl from '@tensorflow/tfjs-layers';
import { Autoencoder, denseAutoencoder } from '../../src/models/index.js';
import { convDecoder, convEncoder } from '../../src/nn/index.js';

/** Options of {@link denseJetAutoencoder}. */
export interface DenseJetModelOptions {
  /** Units of the hidden layers of the encoder (the decoder mirrors them). */
  hidden: readonly number[];
  /** Width of the code (the bottleneck). */
  latentDim: number;
  /** Seed of the initial weights. */
  seed: number;
}

/**
 * The dense jet autoencoder, for flattened images `[n, 1600]`: dense layers `1600 → hidden… →
 * latentDim → …hidden → 1600`, ReLU inside, a linear code and a linear output (intensities are
 * compared by squared error).
 */
export function denseJetAutoencoder(options: DenseJetModelOptions): Autoencoder {
  return denseAutoencoder({ inputDim: 40 * 40, hidden: options.hidden, latentDim: options.latentDim, outputActivation: 'linear', seed: options.seed });
}

/** Options of {@link convJetAutoencoder}. */
export interface ConvJetModelOptions {
  /** Channels of the encoder's strided convolutions, first to last (the decoder mirrors them). Three of them take 40 × 40 to 5 × 5. */
  filters: readonly number[];
  /** Width of the code (the bottleneck). */
  latentDim: number;
  /**
   * Units of a dense ReLU layer on each side of the code (the paper's 32), or 0 for none: the
   * encoder's convolutions then end in a code of `dense` (ReLU) followed by dense(`latentDim`,
   * linear), and the decoder starts with dense(`dense`, ReLU) before `convDecoder`. Default 0.
   */
  dense?: number;
  /** Seed of the initial weights. */
  seed: number;
}

/**
 * The convolutional jet autoencoder, for 40 × 40 × 1 images:
 * encoder (`convEncoder`): [conv 3×3, stride 2, ReLU] for each of `filters` (40 → 20 → 10 for
 * two, → 5 for three), flatten, then dense(`dense`, ReLU) and dense(`latentDim`, linear) — the
 * code (without `dense`: dense(`latentDim`, linear) straight away);
 * decoder: dense(`dense`, ReLU) when `dense` > 0, then `convDecoder`: dense to the smallest map
 * × `filters[last]` (ReLU), [transposed conv 3×3, stride 2, ReLU] for each of the reversed
 * `filters` (back to 40 × 40), conv 3×3 to one channel, linear (intensities are compared by
 * squared error).
 */
export function convJetAutoencoder(options: ConvJetModelOptions): Autoencoder {
  const { filters, latentDim, seed, dense = 0 } = options;
  if (dense === 0) {
    const encoder = convEncoder({ inputShape: [40, 40, 1], filters, latentDim, seed });
    const decoder = convDecoder({ latentDim, outputShape: [40, 40, 1], filters: [...filters].reverse(), outputActivation: 'linear', seed: seed + 1 });
    return new Autoencoder({ encoder, decoder, loss: 'mse' });
  }
  const convs = convEncoder({ inputShape: [40, 40, 1], filters, latentDim: dense, latentActivation: 'relu', seed });
  const image = tfl.input({ shape: [40, 40, 1] });
  const codeLayer = tfl.layers.dense({ units: latentDim, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) });
  const encoder = tfl.model({ inputs: image, outputs: codeLayer.apply(convs.apply(image)) as tfl.SymbolicTensor });
  const deconvs = convDecoder({ latentDim: dense, outputShape: [40, 40, 1], filters: [...filters].reverse(), outputActivation: 'linear', seed: seed + 1 });
  const code = tfl.input({ shape: [latentDim] });
  const hidden = tfl.layers.dense({ units: dense, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: seed + 3 }) });
  const decoder = tfl.model({ inputs: code, outputs: deconvs.apply(hidden.apply(code)) as tfl.SymbolicTensor });
  return new Autoencoder({ encoder, decoder, loss: 'mse' });
}
