// A 1-D convolutional autoencoder on the windows of a series trains through the package's `train`
// on every CPU backend: the windows of `slidingWindows` reshaped to [nWindows, size, channels],
// tfjs-layers' conv1d layers in an `Autoencoder` (tfjs-layers 4.22 has no upSampling1d: the
// decoder widens with a dense layer, then convolves), and per-point scores back from
// `windowScoresToPoints`. (On wasm the convolution gradients are the package's own kernels.)
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { anomalyScores } from '../../src/anomaly/index.js';
import { Autoencoder } from '../../src/models/index.js';
import { slidingWindows, windowScoresToPoints } from '../../src/preprocessing/index.js';
import { train } from '../../src/train/index.js';

const SIZE = 16;

/** Encoder [SIZE, 1] → conv1d(8, stride 2) → flatten → 3 numbers; decoder dense → [SIZE, 4] → conv1d to 1 channel. */
function conv1dAutoencoder(seed: number): Autoencoder {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed + k });
  const encoder = tfl.sequential({
    layers: [
      tfl.layers.conv1d({ inputShape: [SIZE, 1], filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init(0) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, kernelInitializer: init(1) }),
    ],
  });
  const decoder = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [3], units: SIZE * 4, activation: 'tanh', kernelInitializer: init(2) }),
      tfl.layers.reshape({ targetShape: [SIZE, 4] }),
      tfl.layers.conv1d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: init(3) }),
    ],
  });
  return new Autoencoder({ encoder, decoder, loss: 'mse' });
}

/** A daily-like sine with a little noise, and a spike at t = 150. */
function series(): number[] {
  let s = 7;
  const noise = (): number => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1;
  return Array.from({ length: 240 }, (_, t) => Math.sin((2 * Math.PI * t) / 24) + noise() + (t === 150 ? 3 : 0));
}

afterAll(async () => {
  await useBackend('cpu');
});

describe('a 1-D convolutional autoencoder on sliding windows', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`trains through train() on ${backend}, and its point scores peak near the injected spike`, async () => {
      await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
      const before = tf.memory().numTensors;
      const values = series();
      const flat = slidingWindows(values, { size: SIZE, stride: 1 });
      const windows = tf.reshape(flat, [flat.shape[0], SIZE, 1]);
      const model = conv1dAutoencoder(3);
      const history = await train(model, windows, { epochs: 25, batchSize: 32, learningRate: 3e-3, seed: 3 });
      const losses = history.epochs.map((e) => e.loss);
      expect(losses.every(Number.isFinite)).toBe(true);
      // Learns the shape of the windows: the last epoch's loss well under the first's.
      expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
      const scores = await anomalyScores(model, windows);
      const points = windowScoresToPoints(scores, { size: SIZE, stride: 1, length: values.length, reduce: 'mean' });
      let argmax = 0;
      for (let t = 1; t < points.length; t++) if (points[t]! > points[argmax]!) argmax = t;
      // The highest point score lies within a window of the spike, far above the typical one.
      expect(Math.abs(argmax - 150)).toBeLessThan(SIZE / 2);
      const median = Float32Array.from(points).sort()[points.length >> 1]!;
      expect(points[argmax]!).toBeGreaterThan(3 * median);
      model.dispose();
      tf.dispose([flat, windows]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
