import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { denseAutoencoder, denseCvae, denoisingAutoencoder, denseVae, sparseAutoencoder } from '../../src/models/index.js';

/** Runs `build`, expects it to throw a message matching `message`, and returns how many tensors it left behind. */
function tensorsLeftByFailure(build: () => unknown, message: RegExp): number {
  const before = tf.memory().numTensors;
  expect(build).toThrow(message);
  return tf.memory().numTensors - before;
}

const base = { inputDim: 6, hidden: [5], latentDim: 2, seed: 1 };

describe('the dense model factories', () => {
  it('refuse a bad network option in their own name, before building any network', () => {
    // The networks' builders would refuse it too, but in their own names (denseDecoder: …).
    const bad = { ...base, outputActivation: 'bogus' } as unknown as Parameters<typeof denseAutoencoder>[0];
    expect(tensorsLeftByFailure(() => denseAutoencoder(bad), /^denseAutoencoder: argument 'outputActivation' must be one of/)).toBe(0);
    expect(tensorsLeftByFailure(() => denseVae({ ...base, activation: 'bogus' as never }), /^denseVae: argument 'activation'/)).toBe(0);
    expect(tensorsLeftByFailure(() => denseAutoencoder({ ...base, seed: -1 }), /^denseAutoencoder: argument 'seed' must be an integer >= 0, got the number -1/)).toBe(0);
  });

  it('refuse a bad model option in their own name, before building anything', () => {
    // The model constructors would refuse these too, but only after both networks were built, and as Autoencoder: / VAE: / CVAE:.
    const badLoss = { ...base, loss: 'hinge' } as unknown as Parameters<typeof denseAutoencoder>[0];
    expect(tensorsLeftByFailure(() => denseAutoencoder(badLoss), /^denseAutoencoder: argument 'loss'/)).toBe(0);
    expect(tensorsLeftByFailure(() => sparseAutoencoder({ ...base, sparsity: { kind: 'l1', weight: -1 } }), /^sparseAutoencoder: argument 'sparsity.weight'/)).toBe(0);
    expect(tensorsLeftByFailure(() => denseVae({ ...base, beta: -1 }), /^denseVae: argument 'beta'/)).toBe(0);
    expect(tensorsLeftByFailure(() => denseCvae({ ...base, numClasses: 3, beta: Number.NaN }), /^denseCvae: argument 'beta'/)).toBe(0);
  });

  it('pass only the options that were given, so the models keep their own defaults', () => {
    const ae = denseAutoencoder(base);
    expect(ae.loss).toBe('mse');
    expect(ae.sparsity).toBeNull();
    expect(ae.corruptor).toBeNull();
    const vae = denseVae(base);
    expect([vae.likelihood, vae.beta]).toEqual(['bernoulli', 1]);
    const cvae = denseCvae({ ...base, numClasses: 3, likelihood: 'gaussian', beta: 0.5 });
    expect([cvae.likelihood, cvae.beta, cvae.numClasses]).toEqual(['gaussian', 0.5, 3]);
    for (const model of [ae, vae, cvae]) model.dispose();
  });

  it('build the same weights from the same seed', () => {
    const weights = (seed: number): Float32Array[] => {
      const model = sparseAutoencoder({ ...base, seed, sparsity: { kind: 'l1', weight: 0.1 } });
      const values = model.trainableVariables.map((v) => v.dataSync() as Float32Array);
      model.dispose();
      return values;
    };
    expect(weights(4)).toEqual(weights(4));
    expect(weights(4)).not.toEqual(weights(5));
  });

  it('refuse a denoising autoencoder without a corruptor, naming the argument', () => {
    const noCorruptor = { ...base } as unknown as Parameters<typeof denoisingAutoencoder>[0];
    expect(tensorsLeftByFailure(() => denoisingAutoencoder(noCorruptor), /denoisingAutoencoder: argument 'corruptor'/)).toBe(0);
  });
});
