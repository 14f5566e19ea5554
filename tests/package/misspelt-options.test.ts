import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  Autoencoder,
  CVAE,
  VAE,
  convDecoder,
  convEncoder,
  denoisingAutoencoder,
  denseAutoencoder,
  denseCvae,
  denseDecoder,
  denseEncoder,
  denseVae,
  gaussianEncoder,
  reparameterize,
  sparseAutoencoder,
  useBackend,
} from '../../src/index.js';

// A misspelt option must never be ignored silently: every function that takes an options object
// names the unknown key, where it was found and the keys it knows, and builds nothing.

const dense = { inputDim: 4, hidden: [3], latentDim: 2, seed: 1 };
const encoder = () => denseEncoder({ inputDim: 4, units: [], latentDim: 2, seed: 1 });
const decoder = () => denseDecoder({ latentDim: 2, units: [], outputDim: 4, seed: 2 });

/** Expects `call` to throw `message` and to leave no tensor behind. */
function expectRefused(call: () => unknown, message: RegExp): void {
  const before = tf.memory().numTensors;
  expect(call).toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe('a misspelt option', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['denseEncoder', () => denseEncoder({ inputDim: 4, latentDim: 2, activaton: 'tanh' } as never), /denseEncoder: unknown option 'activaton' in 'options' \(known: inputDim, units, latentDim, activation, latentActivation, init, seed\)/],
    ['denseDecoder', () => denseDecoder({ latentDim: 2, outputDim: 4, outputActivaton: 'linear' } as never), /denseDecoder: unknown option 'outputActivaton'/],
    ['convEncoder', () => convEncoder({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, stride: 1 } as never), /convEncoder: unknown option 'stride'/],
    ['convDecoder', () => convDecoder({ latentDim: 2, outputShape: [8, 8, 1], filters: [2], kernel: 3 } as never), /convDecoder: unknown option 'kernel'/],
    ['gaussianEncoder', () => gaussianEncoder({ inputDim: 4, latentDim: 2, logvarLimit: 5 } as never), /gaussianEncoder: unknown option 'logvarLimit'/],
    ['denseAutoencoder', () => denseAutoencoder({ ...dense, latentActivaton: 'relu' } as never), /denseAutoencoder: unknown option 'latentActivaton' in 'options'/],
    ['sparseAutoencoder', () => sparseAutoencoder({ ...dense, sparsity: { kind: 'l1', weight: 1 }, rho: 0.1 } as never), /sparseAutoencoder: unknown option 'rho'/],
    ['denoisingAutoencoder', () => denoisingAutoencoder({ ...dense, noise: 0.1 } as never), /denoisingAutoencoder: unknown option 'noise'/],
    ['denseVae', () => denseVae({ ...dense, bta: 4 } as never), /denseVae: unknown option 'bta'/],
    ['denseCvae', () => denseCvae({ ...dense, numClasses: 3, classes: 3 } as never), /denseCvae: unknown option 'classes'/],
  ])('%s refuses it, names it and builds nothing', (_name, call, message) => {
    expectRefused(call, message);
  });

  it('is refused by the model constructors before they take the networks over', () => {
    const e = encoder();
    const d = decoder();
    expect(() => new Autoencoder({ encoder: e, decoder: d, los: 'bce' } as never)).toThrow(/Autoencoder: unknown option 'los'/);
    expect([e, d].map((m) => m.trainableWeights[0]!.read().isDisposed)).toEqual([false, false]); // the caller still owns them
    const g = gaussianEncoder({ inputDim: 4, latentDim: 2, seed: 3 });
    expect(() => new VAE({ encoder: g, decoder: d, betta: 2 } as never)).toThrow(/VAE: unknown option 'betta'/);
    expect(() => new CVAE({ encoder: g, decoder: d, numClass: 3 } as never)).toThrow(/CVAE: unknown option 'numClass'/);
    for (const m of [e, d, g]) m.dispose();
  });

  it("is refused by the variational models' methods, so a draw is never silently deterministic", () => {
    const vae = denseVae(dense);
    const cvae = denseCvae({ ...dense, numClasses: 3 });
    const x = tf.zeros([2, 4]);
    expectRefused(() => vae.encode(x, { sampel: true } as never), /VAE.encode: unknown option 'sampel' in 'options' \(known: seed, sample\)/);
    expectRefused(() => vae.encode(x, { sample: 'yes' } as never), /VAE.encode: argument 'options.sample' must be a boolean/);
    expectRefused(() => vae.forward(x, { sed: 1 } as never), /VAE.forward: unknown option 'sed'/);
    expectRefused(() => vae.sample(2, { sed: 1 } as never), /VAE.sample: unknown option 'sed'/);
    expectRefused(() => cvae.encode(x, [0, 1], { sampel: true } as never), /CVAE.encode: unknown option 'sampel'/);
    expectRefused(() => cvae.generate([0, 1], { sed: 1 } as never), /CVAE.generate: unknown option 'sed'/);
    expectRefused(() => cvae.sample(2, { sed: 1 } as never), /CVAE.sample: unknown option 'sed'/);
    expectRefused(() => reparameterize(x, x, { sed: 1 } as never), /reparameterize: unknown option 'sed'/);
    tf.dispose(x);
    vae.dispose();
    cvae.dispose();
  });

  it('is refused by useBackend, also inside nodeWebGpu, before any backend changes', async () => {
    const backend = tf.getBackend();
    await expect(useBackend('cpu', { wasmPath: '/wasm/' } as never)).rejects.toThrow(/useBackend: unknown option 'wasmPath' in 'options' \(known: allowSoftwareAdapter, wasmPaths/);
    await expect(useBackend('cpu', { nodeWebGpu: { flag: [] } } as never)).rejects.toThrow(/useBackend: unknown option 'flag' in 'options.nodeWebGpu' \(known: flags, featureLevel\)/);
    await expect(useBackend('cpu', 'cpu' as never)).rejects.toThrow(/useBackend: argument 'options' must be an options object/);
    expect(tf.getBackend()).toBe(backend);
  });
});
