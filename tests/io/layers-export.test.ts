// exportLayersModel writes standard TF.js Layers files: tfjs-layers' own loader reads them back
// (through a memory IOHandler) and gives the model's outputs bit for bit; importLayersModel and
// fromLayersModels rebuild the whole model from the two exported networks and autoencoders.json.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLayersModel, importLayersModel, loadModel, saveModel, type LayersExport } from '../../src/io/index.js';
import { Autoencoder, CVAE, VAE, denoisingAutoencoder, denseCvae, denseVae, type LayersSettings } from '../../src/models/index.js';
import { convDecoder, convEncoder } from '../../src/nn/index.js';
import { maskingNoise } from '../../src/noise/index.js';
import { data, expectRejectsClean, expectSameBits, tempDir } from './helpers.js';

/** An IOHandler that keeps what it is given, as tfjs-layers' `model.save()` would pass it on. */
function capture(): { handler: tf.io.IOHandler; artifacts: () => tf.io.ModelArtifacts } {
  let saved: tf.io.ModelArtifacts | undefined;
  const handler: tf.io.IOHandler = {
    save: async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
  return { handler, artifacts: () => saved! };
}

/** Exports one network and loads it with tfjs-layers' own `tf.loadLayersModel`. */
async function throughTfjs(model: Autoencoder | VAE | CVAE, network: 'encoder' | 'decoder'): Promise<{ loaded: tfl.LayersModel; artifacts: tf.io.ModelArtifacts; result: LayersExport }> {
  const { handler, artifacts } = capture();
  const result = await exportLayersModel(model, handler, { network });
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts()));
  return { loaded, artifacts: artifacts(), result };
}

function predictAll(network: tfl.LayersModel, input: tf.Tensor): tf.Tensor[] {
  const out = network.predict(input);
  return Array.isArray(out) ? out : [out];
}

function settingsOf(result: LayersExport): LayersSettings {
  return JSON.parse(result.settingsJson) as LayersSettings;
}

describe('exportLayersModel to tf.loadLayersModel', () => {
  it('round-trips a dense autoencoder: encoder and decoder give encode/decode bit for bit', async () => {
    const model = denoisingAutoencoder({ inputDim: 6, hidden: [5], latentDim: 3, corruptor: maskingNoise({ rate: 0.25 }), seed: 1 });
    const x = data(4, 6);
    const before = tf.memory().numTensors;
    const enc = await throughTfjs(model, 'encoder');
    const dec = await throughTfjs(model, 'decoder');
    expect(enc.artifacts.format).toBe('layers-model');
    expect(JSON.parse(enc.result.modelJson)).toMatchObject({ format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'] }] });
    const code = model.encode(x);
    await expectSameBits(predictAll(enc.loaded, x)[0]!, model.encode(x));
    await expectSameBits(predictAll(dec.loaded, code)[0]!, model.decode(code));
    code.dispose();
    expect(settingsOf(enc.result)).toEqual({
      format: 'autoencoders/layers-settings',
      version: '1.0',
      kind: 'autoencoder',
      network: 'encoder',
      config: model.getConfig(),
      notCarried: ['optimizer state', 'the other network', 'a custom loss function'],
    });
    enc.loaded.dispose();
    dec.loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    x.dispose();
  });

  it('round-trips a convolutional autoencoder (Conv2D, Conv2DTranspose, Cropping2D)', async () => {
    const model = new Autoencoder({
      encoder: convEncoder({ inputShape: [10, 10, 1], filters: [2, 3], latentDim: 4, seed: 6 }),
      decoder: convDecoder({ latentDim: 4, filters: [3, 2], outputShape: [10, 10, 1], seed: 7 }),
    });
    const x = tf.randomUniform([2, 10, 10, 1], 0, 1, 'float32', 3);
    const enc = await throughTfjs(model, 'encoder');
    const dec = await throughTfjs(model, 'decoder');
    const code = model.encode(x);
    await expectSameBits(predictAll(enc.loaded, x)[0]!, model.encode(x));
    await expectSameBits(predictAll(dec.loaded, code)[0]!, model.decode(code));
    code.dispose();
    enc.loaded.dispose();
    dec.loaded.dispose();
    model.dispose();
    x.dispose();
  });

  it("keeps the VAE's two-headed encoder one functional model: both heads equal the posterior", async () => {
    const vae = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, seed: 2 });
    const x = data(3, 6);
    const enc = await throughTfjs(vae, 'encoder');
    expect(enc.loaded.outputs).toHaveLength(2);
    const [mean, logVar] = predictAll(enc.loaded, x);
    const posterior = vae.posterior(x);
    await expectSameBits(mean!, posterior.mean);
    await expectSameBits(logVar!, posterior.logVar);
    const dec = await throughTfjs(vae, 'decoder');
    const z = tf.randomNormal([3, 2], 0, 1, 'float32', 4);
    await expectSameBits(predictAll(dec.loaded, z)[0]!, vae.decode(z));
    expect(settingsOf(dec.result).config).toEqual(vae.getConfig());
    z.dispose();
    enc.loaded.dispose();
    dec.loaded.dispose();
    vae.dispose();
    x.dispose();
  });

  it('round-trips a CVAE: the encoder reads [x, one-hot y], the decoder [z, one-hot y]', async () => {
    const cvae = denseCvae({ inputDim: 5, numClasses: 3, hidden: [4], latentDim: 2, seed: 5 });
    const x = data(3, 5);
    const labels = [0, 2, 1];
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32'));
    const enc = await throughTfjs(cvae, 'encoder');
    const dec = await throughTfjs(cvae, 'decoder');
    const joined = tf.concat([x, y], 1);
    const [mean, logVar] = predictAll(enc.loaded, joined);
    const posterior = cvae.posterior(x, labels);
    await expectSameBits(mean!, posterior.mean);
    await expectSameBits(logVar!, posterior.logVar);
    const z = tf.randomNormal([3, 2], 0, 1, 'float32', 6);
    const zy = tf.concat([z, y], 1);
    await expectSameBits(predictAll(dec.loaded, zy)[0]!, cvae.decode(z, labels));
    tf.dispose([y, joined, z, zy]);
    enc.loaded.dispose();
    dec.loaded.dispose();
    cvae.dispose();
    x.dispose();
  });
});

describe('exportLayersModel, importLayersModel and fromLayersModels', () => {
  it('writes model.json, weights.bin and autoencoders.json to a directory, and rebuilds the VAE from them', async () => {
    const vae = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, likelihood: 'gaussian', beta: 0.5, seed: 8 });
    const dir = await tempDir();
    await exportLayersModel(vae, join(dir, 'encoder'), { network: 'encoder' });
    await exportLayersModel(vae, join(dir, 'decoder'), { network: 'decoder' });
    const settings = JSON.parse(await readFile(join(dir, 'decoder', 'autoencoders.json'), 'utf8')) as LayersSettings;
    const before = tf.memory().numTensors;
    const encoder = await importLayersModel(join(dir, 'encoder'));
    const decoder = await importLayersModel(join(dir, 'decoder'));
    const rebuilt = VAE.fromLayersModels({ encoder, decoder, settings });
    expect(rebuilt.getConfig()).toEqual(vae.getConfig());
    const x = data(4, 6);
    await expectSameBits(rebuilt.reconstruct(x), vae.reconstruct(x));
    rebuilt.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
  });

  it('rebuilds an autoencoder with its corruptor and a CVAE, bit for bit', async () => {
    const ae = denoisingAutoencoder({ inputDim: 6, hidden: [4], latentDim: 2, corruptor: maskingNoise({ rate: 0.3 }), seed: 9 });
    const cvae = denseCvae({ inputDim: 5, numClasses: 3, hidden: [4], latentDim: 2, seed: 10 });
    const before = tf.memory().numTensors;
    const [e, d] = [await exportLayersModel(ae, { type: 'memory' }, { network: 'encoder' }), await exportLayersModel(ae, { type: 'memory' }, { network: 'decoder' })];
    const rebuilt = Autoencoder.fromLayersModels({ encoder: await importLayersModel(e), decoder: await importLayersModel(d), settings: settingsOf(e) });
    expect(rebuilt.getConfig()).toEqual(ae.getConfig());
    const x = data(3, 6);
    await expectSameBits(rebuilt.reconstruct(x), ae.reconstruct(x));
    const lossA = rebuilt.computeLoss({ x }, { training: true, seed: 4 });
    const lossB = ae.computeLoss({ x }, { training: true, seed: 4 });
    await expectSameBits(lossA.loss, lossB.loss);
    tf.dispose([...Object.values(lossA.terms), ...Object.values(lossB.terms)]);

    const [ce, cd] = [await exportLayersModel(cvae, { type: 'memory' }, { network: 'encoder' }), await exportLayersModel(cvae, { type: 'memory' }, { network: 'decoder' })];
    const back = CVAE.fromLayersModels({ encoder: await importLayersModel(ce), decoder: await importLayersModel(cd), settings: settingsOf(cd) });
    const cx = data(3, 5);
    await expectSameBits(back.reconstruct(cx, [2, 0, 1]), cvae.reconstruct(cx, [2, 0, 1]));
    tf.dispose([x, cx]);
    rebuilt.dispose();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
    cvae.dispose();
  });

  it('rebuilds a CVAE whose networks take the label as a second input', async () => {
    const L = tfl.layers;
    const x = tfl.input({ shape: [5] });
    const y = tfl.input({ shape: [3] });
    const h = L.dense({ units: 4, activation: 'relu' }).apply(L.concatenate().apply([x, y])) as tfl.SymbolicTensor;
    const mean = L.dense({ units: 2 }).apply(h) as tfl.SymbolicTensor;
    const logVar = L.activation({ activation: 'tanh' }).apply(L.dense({ units: 2 }).apply(h)) as tfl.SymbolicTensor;
    const z = tfl.input({ shape: [2] });
    const zy = tfl.input({ shape: [3] });
    const out = L.activation({ activation: 'sigmoid' }).apply(L.dense({ units: 5 }).apply(L.concatenate().apply([z, zy]))) as tfl.SymbolicTensor;
    const cvae = new CVAE({ encoder: tfl.model({ inputs: [x, y], outputs: [mean, logVar] }), decoder: tfl.model({ inputs: [z, zy], outputs: out }), numClasses: 3, beta: 2 });
    const before = tf.memory().numTensors;
    const e = await exportLayersModel(cvae, { type: 'memory' }, { network: 'encoder' });
    const d = await exportLayersModel(cvae, { type: 'memory' }, { network: 'decoder' });
    const back = CVAE.fromLayersModels({ encoder: await importLayersModel(e), decoder: await importLayersModel(d), settings: settingsOf(e) });
    expect(back.encoder.inputs).toHaveLength(2);
    expect(back.getConfig()).toEqual(cvae.getConfig());
    const data5 = data(4, 5);
    await expectSameBits(back.reconstruct(data5, [0, 1, 2, 1]), cvae.reconstruct(data5, [0, 1, 2, 1]));
    await expectSameBits(back.generate([2, 0], { seed: 3 }), cvae.generate([2, 0], { seed: 3 }));
    data5.dispose();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
    cvae.dispose();
  });

  it('says which function reads which file', async () => {
    const vae = denseVae({ inputDim: 4, hidden: [3], latentDim: 2, seed: 13 });
    const exported = await exportLayersModel(vae, { type: 'memory' }, { network: 'decoder' });
    await expectRejectsClean(() => loadModel({ modelJson: exported.modelJson, weights: exported.weights }), /loadModel: field 'format' must be 'autoencoders\/model' \(.*; a TF\.js Layers model is read by importLayersModel\)/);
    const saved = await saveModel(vae, { type: 'memory' });
    await expectRejectsClean(() => importLayersModel({ modelJson: saved.modelJson, weights: saved.weights }), /importLayersModel: field 'format' must be 'layers-model' \(this file was written by saveModel: read it with loadModel\)/);
    vae.dispose();
  });

  it('keeps the settings in userDefinedMetadata of model.json, for destinations without a directory', async () => {
    const vae = denseVae({ inputDim: 4, hidden: [3], latentDim: 2, seed: 11 });
    const { handler, artifacts } = capture();
    const result = await exportLayersModel(vae, handler, { network: 'encoder' });
    expect(artifacts().userDefinedMetadata).toEqual({ autoencoders: settingsOf(result) });
    const imported = await importLayersModel(result);
    expect(imported.getUserDefinedMetadata()).toEqual({ autoencoders: settingsOf(result) });
    imported.dispose();
    vae.dispose();
  });

  it('refuses bad arguments with errors naming them, and leaves no tensor behind', async () => {
    const vae = denseVae({ inputDim: 4, hidden: [3], latentDim: 2, seed: 12 });
    await expectRejectsClean(() => exportLayersModel({} as never, { type: 'memory' }, { network: 'encoder' }), /exportLayersModel: argument 'model' must be an Autoencoder, VAE or CVAE/);
    await expectRejectsClean(() => exportLayersModel(vae, { type: 'memory' }, { network: 'both' as never }), /argument 'options\.network' must be 'encoder' or 'decoder', got the string "both"/);
    await expectRejectsClean(() => exportLayersModel(vae, { type: 'memory' }, {} as never), /options\.network' must be 'encoder' or 'decoder', got undefined/);
    await expectRejectsClean(() => exportLayersModel(vae, { type: 'memory' }, { network: 'encoder', quantize: true } as never), /unknown option 'quantize' in 'options'/);
    await expectRejectsClean(() => exportLayersModel(vae, 'ftp://x', { network: 'encoder' }), /scheme ftp:\/\/ is not supported/);
    await expectRejectsClean(() => exportLayersModel(vae, 'indexeddb://x', { network: 'encoder' }), /no tfjs-core handler saves to "indexeddb:\/\/x" here/);
    const e = await exportLayersModel(vae, { type: 'memory' }, { network: 'encoder' });
    const d = await exportLayersModel(vae, { type: 'memory' }, { network: 'decoder' });
    const encoder = await importLayersModel(e);
    const decoder = await importLayersModel(d);
    const settings = settingsOf(e);
    expect(() => Autoencoder.fromLayersModels({ encoder, decoder, settings })).toThrow(/Autoencoder\.fromLayersModels: argument 'options\.settings\.kind' must be 'autoencoder'/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, settings: { ...settings, version: '2.0' } })).toThrow(/options\.settings\.version' must be a version '1\.x'/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, settings: { ...settings, config: { ...settings.config, sampler: 'ancestral' } as never } })).toThrow(/unknown option 'sampler' in 'options\.settings\.config'/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, settings: { ...settings, config: { ...settings.config, objective: 'iwae' } as never } })).toThrow(/VAE: argument 'objective' must be \{ kind: 'elbo'/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, settings: { ...settings, config: { ...settings.config, latentDim: 3 } as never } })).toThrow(/VAE\.fromLayersModels: the networks and settings do not make a model: VAE: argument 'latentDim' is 3/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, settings: { ...settings, config: { ...settings.config, inputShape: [5] } as never } })).toThrow(/field 'options\.settings\.config\.inputShape' is \[5\], but the networks give \[4\]/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, settings, loss: () => tf.scalar(0) } as never)).toThrow(/options\.loss' must be absent/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, setting: settings } as never)).toThrow(/VAE\.fromLayersModels: unknown option 'setting' in 'options'/);
    expect(() => VAE.fromLayersModels({ encoder, decoder, settings: JSON.parse('{"__proto__": {}}') as never })).toThrow(/unknown option '__proto__' in 'options\.settings'/);
    expect(() => CVAE.fromLayersModels({ encoder, decoder, settings: 'autoencoders.json' as never })).toThrow(/argument 'options\.settings' must be the parsed autoencoders\.json written by exportLayersModel, got the string/);
    const aeSettings = { ...settings, kind: 'autoencoder', config: { kind: 'autoencoder', inputShape: [4], codeShape: [2], loss: 'custom', sparsity: null, corruptor: null } } as never;
    expect(() => Autoencoder.fromLayersModels({ encoder, decoder, settings: aeSettings })).toThrow(/the settings say the loss was a custom function, which is never saved; pass it as options\.loss/);
    encoder.dispose();
    decoder.dispose();
    vae.dispose();
    await expectRejectsClean(() => exportLayersModel(vae, { type: 'memory' }, { network: 'encoder' }), /argument 'model' was disposed/);
  });
});
