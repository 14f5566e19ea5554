import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mse } from '../../src/losses/index.js';
import { type Autoencoder, denoisingAutoencoder, denseAutoencoder } from '../../src/models/index.js';
import { gaussianNoise, maskingNoise } from '../../src/noise/index.js';
import { evaluate, fit, manifoldData } from './helpers.js';

describe('denoising autoencoder', () => {
  it('reconstructs clean data from noisy input better than the same model trained without noise', () => {
    const x = manifoldData(128, 8, 41);
    const test = manifoldData(128, 8, 41); // same manifold, same points: isolate the denoising
    // Overcomplete (code wider than the input): without noise the model can learn to copy its input.
    const common = { inputDim: 8, hidden: [32], latentDim: 16, seed: 7 } as const;
    const plain = denseAutoencoder(common);
    const dae = denoisingAutoencoder({ ...common, corruptor: gaussianNoise({ stddev: 0.25 }) });
    fit(plain, { x }, { steps: 200, learningRate: 0.01, seed: 1 });
    fit(dae, { x }, { steps: 200, learningRate: 0.01, seed: 1 });
    const noisy = gaussianNoise({ stddev: 0.25 })(test, { seed: 123 });
    const errorOf = (ae: Autoencoder): number => tf.tidy(() => mse(test, ae.reconstruct(noisy)).dataSync()[0]!);
    const noiseLevel = tf.tidy(() => mse(test, noisy).dataSync()[0]!);
    expect(errorOf(dae)).toBeLessThan(0.7 * errorOf(plain));
    expect(errorOf(dae)).toBeLessThan(0.5 * noiseLevel);
    plain.dispose();
    dae.dispose();
    tf.dispose([x, test, noisy]);
  });

  it('corrupts only in training, seeded, and measures the loss against the clean input', () => {
    const x = manifoldData(16, 8, 2);
    const dae = denoisingAutoencoder({ inputDim: 8, hidden: [8], latentDim: 4, corruptor: maskingNoise({ rate: 0.5 }), seed: 3 });
    const clean = tf.tidy(() => mse(x, dae.reconstruct(x)).dataSync()[0]!);
    expect(evaluate(dae, { x }).reconstruction).toBeCloseTo(clean, 6);
    const lossAt = (seed: number): number =>
      tf.tidy(() => dae.computeLoss({ x }, { training: true, seed }).loss.dataSync()[0]!);
    expect(lossAt(1)).toBe(lossAt(1));
    expect(lossAt(1)).not.toBe(lossAt(2));
    expect(lossAt(1)).not.toBeCloseTo(clean, 4);
    dae.dispose();
    x.dispose();
  });

  it('records the corruptor config and requires a corruptor', () => {
    const dae = denoisingAutoencoder({ inputDim: 4, hidden: [], latentDim: 2, corruptor: gaussianNoise({ stddev: 0.1, clip: [0, 1] }) });
    expect(dae.getConfig().corruptor).toEqual({ kind: 'gaussian', stddev: 0.1, clip: [0, 1] });
    expect(JSON.parse(JSON.stringify(dae.getConfig()))).toEqual(dae.getConfig());
    dae.dispose();
    const before = tf.memory().numTensors;
    expect(() => denoisingAutoencoder({ inputDim: 4, hidden: [], latentDim: 2 } as never)).toThrow(
      "denoisingAutoencoder: argument 'corruptor' must be a corruptor (gaussianNoise, maskingNoise, …), got undefined",
    );
    expect(() => denseAutoencoder({ inputDim: 4, hidden: [], latentDim: 2, corruptor: ((t: tf.Tensor) => t) as never })).toThrow(
      /argument 'corruptor' must be a corruptor of the package/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves the tensor count where it started after training with noise and disposing', () => {
    const x = manifoldData(16, 8, 2);
    const before = tf.memory().numTensors;
    const dae = denoisingAutoencoder({ inputDim: 8, hidden: [8], latentDim: 4, corruptor: maskingNoise({ rate: 0.3 }) });
    fit(dae, { x }, { steps: 3 });
    dae.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
