import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel, type SavedArtifacts } from '../../src/io/index.js';
import {
  Autoencoder,
  CVAE,
  VAE,
  denoisingAutoencoder,
  denseAutoencoder,
  denseCvae,
  denseVae,
  sparseAutoencoder,
} from '../../src/models/index.js';
import { convDecoder, convEncoder } from '../../src/nn/index.js';
import { composeCorruptors, gaussianNoise, maskingNoise } from '../../src/noise/index.js';
import { PCA } from '../../src/pca/index.js';
import { data, expectRejectsClean, expectSameBits, tempDir } from './helpers.js';

describe('saveModel and loadModel round trips', () => {
  it('brings an autoencoder back from memory with the same reconstructions, bit for bit', async () => {
    const x = data(8, 6);
    const ae = denseAutoencoder({ inputDim: 6, hidden: [5], latentDim: 2, loss: 'bce', outputActivation: 'sigmoid', seed: 1 });
    const saved = await saveModel(ae, { type: 'memory' });
    const again = await loadModel(saved, { kind: 'autoencoder' });
    expect(again).toBeInstanceOf(Autoencoder);
    expect(again.getConfig()).toEqual(ae.getConfig());
    await expectSameBits(ae.reconstruct(x), again.reconstruct(x));
    await expectSameBits(ae.encode(x), again.encode(x));
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('writes model.json and weights.bin to a Node directory and reads them back', async () => {
    const dir = join(await tempDir(), 'nested', 'vae');
    const x = data(8, 6);
    const vae = denseVae({ inputDim: 6, hidden: [5], latentDim: 3, likelihood: 'gaussian', beta: 0.5, seed: 2 });
    const saved = await saveModel(vae, dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await readFile(join(dir, 'model.json'), 'utf8')).toBe(saved.modelJson);
    const bytes = await readFile(join(dir, 'weights.bin'));
    expect(bytes.byteLength).toBe((saved.weights as ArrayBuffer).byteLength);
    const json = JSON.parse(saved.modelJson);
    expect(json.format).toBe('autoencoders/model');
    expect(json.modelTopology).toMatchObject({
      format: 'autoencoders/model',
      version: '1.0',
      kind: 'vae',
      config: { inputShape: [6], latentDim: 3, likelihood: 'gaussian', beta: 0.5 },
      networks: { encoder: { class_name: 'Model' }, decoder: { class_name: 'Model' } },
    });
    const again = await loadModel(dir, { kind: 'vae' });
    expect(again).toBeInstanceOf(VAE);
    expect(again.getConfig()).toEqual(vae.getConfig());
    await expectSameBits(vae.reconstruct(x), again.reconstruct(x));
    await expectSameBits(vae.sample(4, { seed: 3 }), again.sample(4, { seed: 3 }));
    const [l1, l2] = [vae, again].map((m) => m.computeLoss({ x }, { training: true, seed: 9 }).loss);
    await expectSameBits(l1!, l2!);
    vae.dispose();
    again.dispose();
    x.dispose();
  });

  it('keeps the sparsity penalty of a sparse autoencoder, and its loss terms', async () => {
    const x = data(8, 6);
    const ae = sparseAutoencoder({ inputDim: 6, hidden: [5], latentDim: 3, sparsity: { kind: 'kl-bernoulli', rho: 0.1, weight: 0.5 }, seed: 3 });
    const again = await loadModel(await saveModel(ae, { type: 'memory' }), { kind: 'autoencoder' });
    expect(again.sparsity).toEqual({ kind: 'kl-bernoulli', rho: 0.1, weight: 0.5 });
    const [a, b] = [ae, again].map((m) => m.computeLoss({ x }, { training: false }));
    await expectSameBits(a!.terms['sparsity']!, b!.terms['sparsity']!);
    await expectSameBits(a!.loss, b!.loss);
    tf.dispose([a!.terms, b!.terms]);
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('keeps the corruptor of a denoising autoencoder: the same seed gives the same training loss', async () => {
    const x = data(8, 6);
    const corruptor = composeCorruptors(gaussianNoise({ stddev: 0.1, clip: [0, 1] }), maskingNoise({ rate: 0.25 }));
    const ae = denoisingAutoencoder({ inputDim: 6, hidden: [5], latentDim: 2, corruptor, seed: 4 });
    const again = await loadModel(await saveModel(ae, { type: 'memory' }), { kind: 'autoencoder' });
    expect(again.corruptor?.config).toEqual(corruptor.config);
    const [a, b] = [ae, again].map((m) => m.computeLoss({ x }, { training: true, seed: 21 }));
    await expectSameBits(a!.loss, b!.loss);
    tf.dispose([a!.terms, b!.terms]);
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('brings a CVAE back with the same generated samples', async () => {
    const vae = denseCvae({ inputDim: 6, hidden: [5], latentDim: 2, numClasses: 3, seed: 5 });
    const again = await loadModel(await saveModel(vae, { type: 'memory' }), { kind: 'cvae' });
    expect(again).toBeInstanceOf(CVAE);
    expect(again.numClasses).toBe(3);
    await expectSameBits(vae.generate([0, 1, 2, 2], { seed: 1 }), again.generate([0, 1, 2, 2], { seed: 1 }));
    vae.dispose();
    again.dispose();
  });

  it('handles two-input networks (x and the label as separate inputs, joined by Concatenate)', async () => {
    const encoder = (() => {
      const x = tfl.input({ shape: [6] });
      const y = tfl.input({ shape: [3] });
      const h = tfl.layers.dense({ units: 5, activation: 'relu' }).apply(tfl.layers.concatenate().apply([x, y])) as tfl.SymbolicTensor;
      const mean = tfl.layers.dense({ units: 2 }).apply(h) as tfl.SymbolicTensor;
      const logVar = tfl.layers.dense({ units: 2, activation: 'tanh' }).apply(h) as tfl.SymbolicTensor;
      return tfl.model({ inputs: [x, y], outputs: [mean, logVar] });
    })();
    const decoder = (() => {
      const z = tfl.input({ shape: [2] });
      const y = tfl.input({ shape: [3] });
      const h = tfl.layers.dense({ units: 6 }).apply(tfl.layers.concatenate().apply([z, y])) as tfl.SymbolicTensor;
      return tfl.model({ inputs: [z, y], outputs: tfl.layers.activation({ activation: 'sigmoid' }).apply(h) as tfl.SymbolicTensor });
    })();
    const cvae = new CVAE({ encoder, decoder, numClasses: 3 });
    const x = data(4, 6);
    const again = await loadModel(await saveModel(cvae, { type: 'memory' }), { kind: 'cvae' });
    await expectSameBits(cvae.reconstruct(x, [0, 1, 2, 0]), again.reconstruct(x, [0, 1, 2, 0]));
    cvae.dispose();
    again.dispose();
    x.dispose();
  });

  it('handles convolutional networks (Conv2D, Flatten, Reshape, Conv2DTranspose, Cropping2D)', async () => {
    const encoder = convEncoder({ inputShape: [10, 10, 1], filters: [2, 3], latentDim: 4, seed: 6 });
    const decoder = convDecoder({ latentDim: 4, filters: [3, 2], outputShape: [10, 10, 1], seed: 7 });
    const ae = new Autoencoder({ encoder, decoder, loss: 'bce' });
    const names = new Set(ae.decoder.layers.map((l) => l.getClassName()));
    expect(names.has('Conv2DTranspose')).toBe(true);
    const x = tf.randomUniform([3, 10, 10, 1], 0, 1, 'float32', 2);
    const again = await loadModel(await saveModel(ae, { type: 'memory' }), { kind: 'autoencoder' });
    await expectSameBits(ae.reconstruct(x), again.reconstruct(x));
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('handles Sequential networks with batch normalization (moving statistics included), PReLU and dropout', async () => {
    const encoder = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 5, inputShape: [6] }),
        tfl.layers.batchNormalization(),
        tfl.layers.prelu(),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const decoder = tfl.sequential({ layers: [tfl.layers.dense({ units: 6, inputShape: [2], activation: 'sigmoid' })] });
    const bn = encoder.layers[1]!;
    const moved = [tf.fill([5], 0.5), tf.fill([5], -0.25), tf.fill([5], 0.1), tf.fill([5], 2)];
    bn.setWeights(moved);
    tf.dispose(moved);
    const ae = new Autoencoder({ encoder, decoder });
    const x = data(4, 6);
    const again = await loadModel(await saveModel(ae, { type: 'memory' }), { kind: 'autoencoder' });
    const stats = again.encoder.layers[1]!.getWeights();
    expect(Array.from(await stats[3]!.data())).toEqual([2, 2, 2, 2, 2]);
    await expectSameBits(ae.reconstruct(x), again.reconstruct(x));
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('brings a fitted PCA back with the same components and projections, from memory and from a directory', async () => {
    const x = data(40, 7, 3);
    const pca = new PCA({ nComponents: 3, whiten: true }).fit(x);
    const inMemory = await loadModel(await saveModel(pca, { type: 'memory' }), { kind: 'pca' });
    const dir = await tempDir();
    await saveModel(pca, dir);
    const fromDisk = await loadModel(dir, { kind: 'pca' });
    for (const again of [inMemory, fromDisk]) {
      expect(again.toJSON()).toEqual(pca.toJSON());
      expect(again.components.data).toEqual(pca.components.data);
      await expectSameBits(pca.transform(x), again.transform(x));
    }
    x.dispose();
  });

  it('keeps an unfitted PCA unfitted, with its options', async () => {
    const pca = new PCA({ nComponents: 2, solver: 'randomized', seed: 4 });
    const saved = await saveModel(pca, { type: 'memory' });
    expect((saved.weights as ArrayBuffer).byteLength).toBe(0);
    const again = await loadModel(saved, { kind: 'pca' });
    expect(again.isFitted).toBe(false);
    expect(again.toJSON()).toEqual(pca.toJSON());
  });

  it('gives the same file when a loaded model is saved again', async () => {
    const vae = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, seed: 8 });
    const first = await saveModel(vae, { type: 'memory' });
    const again = await loadModel(first, { kind: 'vae' });
    const second = await saveModel(again, { type: 'memory' });
    expect(second.modelJson).toBe(first.modelJson);
    expect(Buffer.from(second.weights as ArrayBuffer).equals(Buffer.from(first.weights as ArrayBuffer))).toBe(true);
    vae.dispose();
    again.dispose();
  });

  it('saves through any tfjs IOHandler and loads from one', async () => {
    const ae = denseAutoencoder({ inputDim: 6, hidden: [4], latentDim: 2, seed: 9 });
    let captured: tf.io.ModelArtifacts | undefined;
    await saveModel(
      ae,
      tf.io.withSaveHandler(async (artifacts) => {
        captured = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(captured?.format).toBe('autoencoders/model');
    const again = await loadModel(tf.io.fromMemory(captured!), { kind: 'autoencoder' });
    const x = data(3, 6);
    await expectSameBits(ae.reconstruct(x), again.reconstruct(x));
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('accepts the weights as a Uint8Array view (a Node Buffer) into a larger buffer', async () => {
    const ae = denseAutoencoder({ inputDim: 6, hidden: [4], latentDim: 2, seed: 10 });
    const saved = await saveModel(ae, { type: 'memory' });
    const padded = new Uint8Array((saved.weights as ArrayBuffer).byteLength + 16);
    padded.set(new Uint8Array(saved.weights as ArrayBuffer), 8);
    const again = await loadModel(
      { modelJson: saved.modelJson, weights: padded.subarray(8, 8 + (saved.weights as ArrayBuffer).byteLength) },
      { kind: 'autoencoder' },
    );
    const x = data(3, 6);
    await expectSameBits(ae.reconstruct(x), again.reconstruct(x));
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('refuses a custom loss function unless asked to save without it, then needs it back to load', async () => {
    const l1 = (t: tf.Tensor, p: tf.Tensor): tf.Scalar => tf.mean(tf.abs(tf.sub(t, p)));
    const ae = denseAutoencoder({ inputDim: 6, hidden: [4], latentDim: 2, loss: l1, seed: 11 });
    await expectRejectsClean(() => saveModel(ae, { type: 'memory' }), /saveModel: the model's loss is a custom function.*omitCustomLoss/);
    const saved = await saveModel(ae, { type: 'memory' }, { omitCustomLoss: true });
    expect(JSON.parse(saved.modelJson).modelTopology.config.loss).toBe('custom');
    await expectRejectsClean(() => loadModel(saved), /loadModel: the model was saved without its custom loss function.*options\.loss/);
    const again = await loadModel(saved, { kind: 'autoencoder', loss: l1 });
    expect(again.loss).toBe(l1);
    const x = data(4, 6);
    const [a, b] = [ae, again].map((m) => m.computeLoss({ x }, { training: false }).loss);
    await expectSameBits(a!, b!);
    ae.dispose();
    again.dispose();
    x.dispose();
  });

  it('types the result by options.kind and rejects a file of another kind', async () => {
    const vae = denseVae({ inputDim: 6, hidden: [4], latentDim: 2, seed: 12 });
    const saved = await saveModel(vae, { type: 'memory' });
    await expectRejectsClean(() => loadModel(saved, { kind: 'autoencoder' }), /loadModel: the file holds a model of kind 'vae', not 'autoencoder'/);
    const again: VAE = await loadModel(saved, { kind: 'vae' });
    expect(again.latentDim).toBe(2);
    vae.dispose();
    again.dispose();
  });

  it('leaves no tensors behind: saving keeps the model intact, a loaded model disposes completely', async () => {
    const before = tf.memory().numTensors;
    const vae = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, seed: 13 });
    const withModel = tf.memory().numTensors;
    const saved: SavedArtifacts = await saveModel(vae, { type: 'memory' });
    expect(tf.memory().numTensors).toBe(withModel);
    const again = await loadModel(saved);
    expect(again).toBeInstanceOf(VAE);
    expect(tf.memory().numTensors).toBe(2 * withModel - before);
    if (!(again instanceof VAE)) throw new Error('not a VAE');
    again.dispose();
    vae.dispose();
    const pca = new PCA({ nComponents: 2 }).fit([[1, 2, 3], [2, 1, 0], [0, 1, 1], [3, 3, 1]]);
    await loadModel(await saveModel(pca, { type: 'memory' }));
    expect(tf.memory().numTensors).toBe(before);
  });
});
