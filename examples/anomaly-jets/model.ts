// The two autoencoders of the jet example. The default is dense (it trains fast on wasm and
// beats PCA on this data); the convolutional one has the shape of the paper's — 3 × 3
// convolutions with 2 × 2 max-pooling down to 5 × 5, a small dense bottleneck, and the mirror
// image with 2 × 2 upsampling back to 40 × 40 — and runs with --conv. README.md compares them.
//
// Why a hand-made convolution layer: the cpu backend of TensorFlow.js computes the gradient of
// a convolution with respect to its kernel (Conv2DBackpropFilter) element by element — 33 s for
// one batch of 64 images of 40 × 40 × 8 on our 2-core machine — and the wasm backend has no such
// kernel at all, so `tf.layers.conv2d` cannot be trained on wasm. `Conv3x3` runs the usual
// `tf.conv2d` forward (XNNPACK on wasm) with a custom gradient made of forward convolutions
// only: the input gradient is δ convolved with the kernel turned by 180° (in and out channels
// swapped) — wasm's own Conv2DBackpropInput is a slow loop — and the kernel gradient
// `∂L/∂W[a,b,i,o] = Σ_{n,y,x} x_pad[n, y+a, x+b, i] · δ[n, y, x, o]` is itself a 'valid'
// convolution, with the batch playing the part of the channels: the padded input transposed to
// `[c_in, h+2, w+2, n]` convolved with δ transposed to `[h, w, n, c_out]` gives `[c_in, 3, 3, c_out]`.
// Both backends compute that forward convolution fast.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Autoencoder, denseAutoencoder } from '../../src/models/index.js';

interface ConvArgs {
  filters: number;
  activation?: 'relu' | 'linear';
  seed: number;
}

/** `tf.conv2d(x, w, 1, 'same')` for a 3 × 3 kernel, with gradients that need only forward convolutions. */
export function conv3x3(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, kernel, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, kernel]);
    return {
      value: tf.conv2d(input, kernel, 1, 'same'),
      gradFunc: (delta: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
        // Input gradient: δ convolved with the kernel turned by 180° and with in/out swapped.
        const dx = tf.conv2d(delta, tf.transpose(tf.reverse(ks, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D, 1, 'same');
        const padded = tf.pad(xs, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]);
        const dw = tf.transpose(
          tf.conv2d(tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(delta, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid'),
          [1, 2, 0, 3],
        );
        return [dx, dw];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}

/** A 3 × 3, stride 1, 'same' convolution layer with the gradients of {@link conv3x3}. */
class Conv3x3 extends tfl.layers.Layer {
  static className = 'Conv3x3';
  private readonly filters: number;
  private readonly activationName: 'relu' | 'linear';
  private readonly seed: number;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: ConvArgs) {
    super({});
    this.filters = args.filters;
    this.activationName = args.activation ?? 'relu';
    this.seed = args.seed;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const cin = shape[3]!;
    // He-normal before a ReLU (keeps the activations' scale through the layers), Glorot otherwise.
    const init = this.activationName === 'relu' ? tfl.initializers.heNormal({ seed: this.seed }) : tfl.initializers.glorotUniform({ seed: this.seed });
    this.kernel = this.addWeight('kernel', [3, 3, cin, this.filters], 'float32', init);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0]!, shape[1]!, shape[2]!, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const out = tf.add(conv3x3(x, this.kernel!.read() as tf.Tensor4D), this.bias!.read());
      return this.activationName === 'relu' ? tf.relu(out) : out;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, activation: this.activationName, seed: this.seed };
  }
}

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
 * The default jet autoencoder, for flattened images `[n, 1600]`: dense layers `1600 → hidden… →
 * latentDim → …hidden → 1600`, ReLU inside, a linear code and a linear output (intensities are
 * compared by squared error).
 */
export function denseJetAutoencoder(options: DenseJetModelOptions): Autoencoder {
  return denseAutoencoder({ inputDim: 40 * 40, hidden: options.hidden, latentDim: options.latentDim, outputActivation: 'linear', seed: options.seed });
}

/** Options of {@link convJetAutoencoder}. */
export interface ConvJetModelOptions {
  /** Channels of every convolution. */
  filters: number;
  /** Units of the dense layer before and after the code. */
  dense: number;
  /** Width of the code (the bottleneck). */
  latentDim: number;
  /** Seed of the initial weights. */
  seed: number;
}

/**
 * The convolutional jet autoencoder, for 40 × 40 × 1 images:
 * encoder: [conv 3×3 → relu → maxpool 2×2] × 3 (40 → 20 → 10 → 5), flatten (5·5·filters),
 * dense(`dense`, relu), dense(`latentDim`) — the bottleneck;
 * decoder: dense(`dense`, relu), dense(5·5·filters, relu), reshape, [upsample 2×2 → conv 3×3 →
 * relu] × 3, conv 3×3 to one channel (linear: intensities are compared by squared error).
 */
export function convJetAutoencoder(options: ConvJetModelOptions): Autoencoder {
  const { filters, dense, latentDim, seed } = options;
  let s = seed;
  const next = (): number => s++;
  const he = () => ({ kernelInitializer: tfl.initializers.heNormal({ seed: next() }) });
  const glorot = () => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed: next() }) });

  const image = tfl.input({ shape: [40, 40, 1] });
  let x: tfl.SymbolicTensor = image;
  for (let i = 0; i < 3; i++) {
    x = new Conv3x3({ filters, seed: next() }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  }
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: dense, activation: 'relu', ...he() }).apply(x) as tfl.SymbolicTensor;
  const code = tfl.layers.dense({ units: latentDim, ...glorot() }).apply(x) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: image, outputs: code });

  const z = tfl.input({ shape: [latentDim] });
  let y = tfl.layers.dense({ units: dense, activation: 'relu', ...he() }).apply(z) as tfl.SymbolicTensor;
  y = tfl.layers.dense({ units: 5 * 5 * filters, activation: 'relu', ...he() }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.reshape({ targetShape: [5, 5, filters] }).apply(y) as tfl.SymbolicTensor;
  for (let i = 0; i < 3; i++) {
    y = tfl.layers.upSampling2d({ size: [2, 2] }).apply(y) as tfl.SymbolicTensor;
    y = new Conv3x3({ filters, seed: next() }).apply(y) as tfl.SymbolicTensor;
  }
  y = new Conv3x3({ filters: 1, activation: 'linear', seed: next() }).apply(y) as tfl.SymbolicTensor;
  const decoder = tfl.model({ inputs: z, outputs: y });

  return new Autoencoder({ encoder, decoder, loss: 'mse' });
}
