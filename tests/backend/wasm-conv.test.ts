// The convolution kernels the package gives wasm — the kernel gradient (Conv2DBackpropFilter,
// which tfjs-backend-wasm lacks) and the input gradient (Conv2DBackpropInput, also the forward
// pass of conv2dTranspose), each as one forward convolution — against tfjs' cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { Autoencoder, convDecoder, convEncoder, train } from '../../src/index.js';

type Pad = 'same' | 'valid' | number;

/**
 * On the active backend: the output of conv2d(x, W) (or of conv2dTranspose), and the gradients of
 * Σ r ⊙ output with respect to W and to x, as numbers.
 */
function convolve(kind: 'conv' | 'transpose', xShape: [number, number, number, number], fShape: [number, number, number, number], strides: number, pad: Pad): number[][] {
  return tf.tidy(() => {
    const x: tf.Tensor4D = tf.randomNormal(xShape, 0, 1, 'float32', 1);
    const f = tf.randomNormal(fShape, 0, 1, 'float32', 2) as tf.Tensor4D;
    const forward = (input: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D => {
      if (kind === 'conv') return tf.conv2d(input, w, strides, pad);
      const [n, h, wd] = xShape as [number, number, number, number];
      return tf.conv2dTranspose(input, w, [n, h * strides, wd * strides, fShape[2]] as [number, number, number, number], strides, pad as 'same' | 'valid');
    };
    const y = forward(x, f);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
    const [dx, dw] = tf.grads((input: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(forward(input as tf.Tensor4D, w as tf.Tensor4D), r)))([x, f]);
    return [y, dw!, dx!].map((t) => Array.from(t.dataSync()));
  });
}

const cases: [string, 'conv' | 'transpose', [number, number, number, number], [number, number, number, number], number, Pad][] = [
  ['3×3, stride 1, same', 'conv', [2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
  ['3×3, stride 2, same (uneven padding)', 'conv', [3, 8, 9, 2], [3, 3, 2, 5], 2, 'same'],
  ['2×2, stride 2, same', 'conv', [2, 7, 6, 3], [2, 2, 3, 2], 2, 'same'],
  ['5×3, stride 1, valid', 'conv', [2, 9, 8, 1], [5, 3, 1, 3], 1, 'valid'],
  ['3×3, stride 3, valid (rows left over)', 'conv', [1, 11, 10, 2], [3, 3, 2, 2], 3, 'valid'],
  ['3×3, stride 1, explicit padding 1', 'conv', [2, 6, 6, 2], [3, 3, 2, 3], 1, 1],
  ['a transposed 3×3, stride 2, same (a decoder layer)', 'transpose', [2, 4, 4, 3], [3, 3, 2, 3], 2, 'same'],
];

const expected = new Map<string, number[][]>();

beforeAll(async () => {
  await useBackend('cpu');
  for (const [name, kind, x, f, s, p] of cases) expected.set(name, convolve(kind, x, f, s, p));
  await useBackend('wasm');
});

afterAll(async () => {
  await useBackend('cpu');
});

describe('convolutions on wasm', () => {
  it.each(cases)('gives the cpu backend’s output, kernel gradient and input gradient: %s', (name, kind, x, f, s, p) => {
    const before = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds(); // the kernels' own intermediates live only in the backend
    const got = convolve(kind, x, f, s, p);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(buffers);
    expected.get(name)!.forEach((want, k) => {
      expect(got[k]!.length).toBe(want.length);
      const scale = Math.max(...want.map(Math.abs));
      got[k]!.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5 * scale));
    });
  });

  it("trains the package's convolutional autoencoder on wasm, leaving no tensors behind", async () => {
    const x = tf.randomUniform([16, 12, 12, 1], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const ae = new Autoencoder({
      encoder: convEncoder({ inputShape: [12, 12, 1], filters: [4, 8], latentDim: 6, seed: 1 }),
      decoder: convDecoder({ latentDim: 6, outputShape: [12, 12, 1], filters: [8, 4], seed: 2 }),
    });
    const history = await train(ae, x, { epochs: 6, batchSize: 8, learningRate: 0.01, seed: 3 });
    const losses = history.epochs.map((e) => e.loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('makes train say which operation the backend lacks, and what to do, for a layer wasm cannot differentiate', async () => {
    const encoder = tfl.sequential({
      layers: [tfl.layers.depthwiseConv2d({ inputShape: [6, 6, 2], kernelSize: 3, padding: 'same' }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })],
    });
    const decoder = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 72 }), tfl.layers.reshape({ targetShape: [6, 6, 2] })] });
    const ae = new Autoencoder({ encoder, decoder });
    const x = tf.randomUniform([4, 6, 6, 2], 0, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    await expect(train(ae, x, { epochs: 1, batchSize: 4, seed: 1 })).rejects.toThrow(
      /train: the model needs the operation 'DepthwiseConv2dNativeBackpropFilter' \(in its forward pass or its gradient\), which the 'wasm' backend does not have; train this model on another backend/,
    );
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
    x.dispose();
  });
});
