import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { klBernoulliSparsity, l1Sparsity } from '../../src/losses/index.js';
import { type Autoencoder, denseAutoencoder, sparseAutoencoder } from '../../src/models/index.js';
import { evaluate, fit, manifoldData } from './helpers.js';

function meanCode(ae: Autoencoder, x: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tf.abs(ae.encode(x))).dataSync()[0]!);
}

describe('sparse autoencoder', () => {
  it('an L1 penalty lowers the mean code activation compared with the same model without it', () => {
    const x = manifoldData(128, 8, 31);
    const common = { inputDim: 8, hidden: [16], latentDim: 8, latentActivation: 'relu', seed: 5 } as const;
    const plain = denseAutoencoder(common);
    const sparse = sparseAutoencoder({ ...common, sparsity: { kind: 'l1', weight: 0.01 } });
    fit(plain, { x }, { steps: 60, learningRate: 0.02 });
    fit(sparse, { x }, { steps: 60, learningRate: 0.02 });
    expect(meanCode(sparse, x)).toBeLessThan(0.5 * meanCode(plain, x));
    plain.dispose();
    sparse.dispose();
    x.dispose();
  });

  it('a KL-Bernoulli penalty pulls the mean sigmoid activation down towards rho', () => {
    const x = manifoldData(128, 8, 32);
    const common = { inputDim: 8, hidden: [16], latentDim: 8, latentActivation: 'sigmoid', seed: 6 } as const;
    const plain = denseAutoencoder(common);
    const sparse = sparseAutoencoder({ ...common, sparsity: { kind: 'kl-bernoulli', rho: 0.05, weight: 0.5 } });
    fit(plain, { x }, { steps: 60, learningRate: 0.02 });
    fit(sparse, { x }, { steps: 60, learningRate: 0.02 });
    const plainMean = meanCode(plain, x);
    const sparseMean = meanCode(sparse, x);
    expect(sparseMean).toBeLessThan(0.5 * plainMean);
    expect(Math.abs(sparseMean - 0.05)).toBeLessThan(Math.abs(plainMean - 0.05));
    plain.dispose();
    sparse.dispose();
    x.dispose();
  });

  it('reports the sparsity term computed by the loss functions on the code', () => {
    const x = manifoldData(16, 8, 3);
    const l1 = sparseAutoencoder({ inputDim: 8, hidden: [4], latentDim: 3, sparsity: { kind: 'l1', weight: 0.3 }, seed: 1 });
    const kl = sparseAutoencoder({ inputDim: 8, hidden: [4], latentDim: 3, sparsity: { kind: 'kl-bernoulli', rho: 0.1, weight: 2 }, seed: 1 });
    const l1Ref = tf.tidy(() => l1Sparsity(l1.encode(x), { weight: 0.3 }).dataSync()[0]!);
    const klRef = tf.tidy(() => klBernoulliSparsity(kl.encode(x), { rho: 0.1, weight: 2 }).dataSync()[0]!);
    expect(evaluate(l1, { x }).sparsity).toBeCloseTo(l1Ref, 5);
    expect(evaluate(kl, { x }).sparsity).toBeCloseTo(klRef, 5);
    l1.dispose();
    kl.dispose();
    x.dispose();
  });

  it('defaults the code activation to sigmoid for the KL penalty and relu for L1', () => {
    const before = tf.memory().numTensors;
    const kl = sparseAutoencoder({ inputDim: 4, hidden: [], latentDim: 2, sparsity: { kind: 'kl-bernoulli' } });
    const l1 = sparseAutoencoder({ inputDim: 4, hidden: [], latentDim: 2, sparsity: { kind: 'l1', weight: 1 } });
    const activationOf = (ae: Autoencoder): unknown => ae.encoder.layers.at(-1)!.getConfig()['activation'];
    expect(activationOf(kl)).toBe('sigmoid');
    expect(activationOf(l1)).toBe('relu');
    expect(kl.getConfig().sparsity).toEqual({ kind: 'kl-bernoulli', rho: 0.05, weight: 1 });
    kl.dispose();
    l1.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a KL penalty on codes that are not in (0, 1) and a missing penalty', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      sparseAutoencoder({ inputDim: 4, hidden: [], latentDim: 2, latentActivation: 'relu', sparsity: { kind: 'kl-bernoulli' } }),
    ).toThrow("sparseAutoencoder: argument 'latentActivation' must be 'sigmoid' with the 'kl-bernoulli' penalty (its codes must lie in (0, 1)), got the string \"relu\"");
    expect(() => sparseAutoencoder({ inputDim: 4, hidden: [], latentDim: 2 } as never)).toThrow(/sparseAutoencoder: argument 'sparsity'/);
    expect(() => sparseAutoencoder({ inputDim: 4, hidden: [], latentDim: 2, sparsity: { kind: 'kl-bernoulli', rho: 1.5 } })).toThrow(/sparsity.rho/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
