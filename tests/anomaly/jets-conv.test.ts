// The convolution of the jet example's --conv model: a tf.conv2d forward pass with a custom
// gradient made of forward convolutions. Reference: tfjs's own gradients of tf.conv2d on cpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { conv3x3, convJetAutoencoder } from '../../examples/anomaly-jets/model.js';

describe('conv3x3 of the jet example', () => {
  it("gives tf.conv2d's values and gradients for a 3 × 3 'same' convolution", () => {
    const x = tf.randomNormal([3, 7, 6, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const r = tf.randomNormal([3, 7, 6, 4], 0, 1, 'float32', 3);
    const ours = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv3x3(a as tf.Tensor4D, b as tf.Tensor4D), r));
    const reference = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), r));
    const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    const [dx, dw] = tf.grads(ours)([x, w]);
    const [dxRef, dwRef] = tf.grads(reference)([x, w]);
    const y = conv3x3(x, w);
    const yRef = tf.conv2d(x, w, 1, 'same');
    expect(maxDiff(y, yRef)).toBeLessThan(1e-5);
    expect(maxDiff(dx!, dxRef!)).toBeLessThan(1e-4);
    expect(maxDiff(dw!, dwRef!)).toBeLessThan(1e-4);
    tf.dispose([x, w, r, dx!, dw!, dxRef!, dwRef!, y, yRef]);
  });

  it('builds the convolutional jet autoencoder: 40 × 40 × 1 in and out, a code of k', () => {
    const ae = convJetAutoencoder({ filters: 2, dense: 4, latentDim: 3, seed: 1 });
    expect(ae.inputShape).toEqual([40, 40, 1]);
    expect(ae.codeShape).toEqual([3]);
    ae.dispose();
  });
});
