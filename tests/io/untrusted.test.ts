// Files from elsewhere are untrusted: every way a file can be wrong throws an Error naming the
// problem, before anything large is allocated, and leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FILE_LIMITS, loadModel, loadTrainingState, saveModel, type SavedArtifacts } from '../../src/io/index.js';
import { createRng } from '../../src/core/index.js';
import { denoisingAutoencoder, denseCvae, denseVae } from '../../src/models/index.js';
import { maskingNoise } from '../../src/noise/index.js';
import { PCA } from '../../src/pca/index.js';
import { type EditableJson, editJson, editText, expectRejectsClean, loadsOrRefusesClean, manifest, rejects, tempDir } from './helpers.js';

let ae: SavedArtifacts;
let vae: SavedArtifacts;

beforeAll(async () => {
  const a = denoisingAutoencoder({ inputDim: 6, hidden: [5], latentDim: 2, corruptor: maskingNoise({ rate: 0.2 }), seed: 1 });
  ae = await saveModel(a, { type: 'memory' });
  a.dispose();
  const v = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, seed: 2 });
  vae = await saveModel(v, { type: 'memory' });
  v.dispose();
});

/** The layers of a network in an edited model.json. */
function layersOf(j: EditableJson, network: 'encoder' | 'decoder'): EditableJson[] {
  return j.modelTopology.networks[network].config.layers;
}

function firstDense(j: EditableJson, network: 'encoder' | 'decoder' = 'encoder'): EditableJson {
  return layersOf(j, network).find((l) => l.class_name === 'Dense')!;
}


describe('loadModel with malformed JSON and wrong formats', () => {
  it('rejects text that is not JSON', async () => {
    await rejects({ modelJson: '{"format": "autoencoders/model", ', weights: new ArrayBuffer(0) }, /loadModel: source\.modelJson is not valid JSON/);
  });

  it('rejects a model.json longer than the limit before parsing it', async () => {
    const huge = ' '.repeat(MODEL_FILE_LIMITS.maxModelJsonLength + 1);
    await rejects({ modelJson: huge, weights: new ArrayBuffer(0) }, /is 33554433 characters long, more than the limit of 33554432/);
  });

  it('rejects another format: a tfjs layers-model file, and a document of another format', async () => {
    await rejects(editJson(ae, (j) => void (j.format = 'layers-model')), /loadModel: field 'format' must be 'autoencoders\/model'.*got the string "layers-model"/);
    await rejects(editJson(ae, (j) => void (j.modelTopology.format = 'autoencoders/pca')), /field 'modelTopology.format' must be 'autoencoders\/model'/);
    // A bare tfjs-layers topology is no model.json of this package either.
    await rejects(editJson(ae, (j) => j.modelTopology.networks.encoder), /unknown field 'model\.json\.class_name' \(expected only format, generatedBy, convertedBy, modelTopology, weightsManifest\)/);
  });

  it('rejects a newer major version, and reads a newer minor version ignoring fields it does not know', async () => {
    await rejects(editJson(ae, (j) => void (j.modelTopology.version = '2.0')), /loadModel: the file has format version 2\.0, written by a newer release of autoencoders; this release reads versions 1\.x/);
    await rejects(editJson(ae, (j) => void (j.modelTopology.version = 1)), /field 'modelTopology.version' must be a version string like '1\.0'/);
    await rejects(editJson(ae, (j) => void (j.modelTopology.comment = 'hi')), /unknown field 'modelTopology.comment'/);
    const newer = editJson(ae, (j) => {
      j.modelTopology.version = '1.3';
      j.modelTopology.comment = 'a field of format 1.3';
    });
    (await loadModel(newer, { kind: 'autoencoder' })).dispose();
  });

  it('rejects unknown model kinds and unknown config fields', async () => {
    await rejects(editJson(ae, (j) => void (j.modelTopology.kind = 'gan')), /field 'modelTopology.kind' must be one of 'autoencoder', 'vae', 'cvae', 'pca', 'vqvae', .*'kernel-pca'.*, got the string "gan"/);
    await rejects(editJson(ae, (j) => void (j.modelTopology.config.temperature = 2)), /unknown field 'modelTopology.config.temperature'/);
    await rejects(editJson(vae, (j) => void delete j.modelTopology.config.beta), /field 'modelTopology\.config\.beta' is missing \(a vae records inputShape, latentDim, likelihood, beta\)/);
    await rejects(editJson(vae, (j) => void (j.modelTopology.config.likelihood = 'poisson')), /does not make a valid vae: VAE: argument 'likelihood' must be one of 'bernoulli', 'gaussian'/);
  });
});

describe('loadModel against keys and values that could reach a prototype', () => {
  it('rejects a __proto__ key anywhere, and Object.prototype stays clean', async () => {
    const inLayer = editText(ae, (t) => t.replace('"config":{"units"', '"config":{"__proto__":{"polluted":true},"units"'));
    await rejects(inLayer, /loadModel: the key "__proto__" is not allowed \(at 'model\.json\.modelTopology\.networks\.encoder\.config\.layers\[1\]\.config'\)/);
    const atTop = editText(ae, (t) => t.replace('{"format"', '{"__proto__":{"polluted":true},"format"'));
    await rejects(atTop, /the key "__proto__" is not allowed \(at 'model\.json'\)/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects constructor and prototype as keys or as names', async () => {
    await rejects(editJson(ae, (j) => void (j.modelTopology.config.constructor = {})), /the key "constructor" is not allowed/);
    await rejects(editJson(ae, (j) => void (firstDense(j).config.activation = 'constructor')), /field '.*config\.activation' holds the forbidden name "constructor"/);
    await rejects(editJson(ae, (j) => void (j.modelTopology.networks.encoder.class_name = 'prototype')), /holds the forbidden name "prototype"/);
  });

  it('rejects documents nested too deeply, with too many values or too long strings', async () => {
    let deep: unknown = 0;
    for (let i = 0; i < 80; i++) deep = [deep];
    await rejects(editJson(ae, (j) => void (firstDense(j).config.noise = deep)), /nested more than 64 levels deep/);
    const many = new Array(MODEL_FILE_LIMITS.maxJsonValues).fill(0);
    await rejects(editJson(ae, (j) => void (j.modelTopology.config.many = many)), /holds more than 1048576 values \(the limit\)/);
    await rejects(editJson(ae, (j) => void (firstDense(j).config.name = 'x'.repeat(5000))), /is a string of 5000 characters, more than the limit of 4096/);
  });
});

describe('loadModel with weights that disagree with the manifest', () => {
  it('rejects truncated weights and weights with extra bytes', async () => {
    const bytes = ae.weights as ArrayBuffer;
    await rejects({ modelJson: ae.modelJson, weights: bytes.slice(0, bytes.byteLength - 4) }, /source\.weights holds \d+ bytes but the manifest in model\.json declares \d+ bytes \(the weights file is truncated/);
    await rejects({ modelJson: ae.modelJson, weights: new ArrayBuffer(bytes.byteLength + 8) }, /has extra bytes/);
  });

  it('rejects a missing or truncated weights.bin in a directory, measured before it is read', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'model.json'), ae.modelJson);
    await expectRejectsClean(() => loadModel(dir), /loadModel: cannot read ".*weights\.bin" \(ENOENT/);
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(ae.weights as ArrayBuffer));
    await truncate(join(dir, 'weights.bin'), 10);
    await expectRejectsClean(() => loadModel(dir), /".*weights\.bin" holds 10 bytes but the manifest in model\.json declares/);
    await rm(join(dir, 'model.json'));
    await expectRejectsClean(() => loadModel(dir), /cannot read ".*model\.json"/);
  });

  it('never follows the paths written in model.json', async () => {
    const dir = await tempDir();
    const edited = editJson(ae, (j) => void (j.weightsManifest[0].paths = ['../../../etc/passwd']));
    await writeFile(join(dir, 'model.json'), edited.modelJson);
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(ae.weights as ArrayBuffer));
    (await loadModel(dir, { kind: 'autoencoder' })).dispose();
  });

  it('rejects a declared shape above the size limit before allocating it', async () => {
    const huge = editJson(ae, (j) => void (manifest(j)[0]!.shape = [100000, 100000]));
    await rejects(huge, /weight 'encoder\/dense_Dense\d+\/kernel' declares shape \[100000,100000\] \(10000000000 values\);.*more than the limit of 1073741824 bytes/);
    await expectRejectsClean(() => loadModel(ae, { maxWeightBytes: 64 }), /more than the limit of 64 bytes \(options\.maxWeightBytes\)/);
  });

  it('rejects manifest shapes that disagree with the layer configuration, before tfjs-layers builds anything', async () => {
    const transposed = editJson(ae, (j) => {
      const kernel = manifest(j)[0]!;
      kernel.shape = [...kernel.shape].reverse();
    });
    await rejects(transposed, /weight 'encoder\/dense_Dense\d+\/kernel' is float32 of shape \[5,6\] in the manifest, but the encoder's layer configuration gives float32 of shape \[6,5\]/);
    // A layer config asking for a huge kernel is caught by the same comparison: nothing is built.
    const wide = editJson(ae, (j) => void (firstDense(j).config.units = 500000));
    await rejects(wide, /layer configuration gives float32 of shape \[6,500000\]/);
  });

  it('rejects unknown dtypes, quantization, duplicate, missing and unaccounted entries', async () => {
    await rejects(editJson(ae, (j) => void (manifest(j)[0]!.dtype = 'string')), /field 'model\.json\.weightsManifest\[0\]\.weights\[0\]\.dtype' must be 'float32', 'int32' or 'float64'/);
    await rejects(editJson(ae, (j) => void (manifest(j)[0]!.quantization = { dtype: 'uint8' })), /unknown field 'model\.json\.weightsManifest\[0\]\.weights\[0\]\.quantization'/);
    await rejects(editJson(ae, (j) => void (manifest(j)[1]!.name = manifest(j)[0]!.name)), /the weights manifest lists '.*' twice/);
    const extra = editJson(ae, (j) => void manifest(j).push({ name: 'extra/bias', shape: [1], dtype: 'float32' }));
    await rejects({ modelJson: extra.modelJson, weights: new Uint8Array([...new Uint8Array(ae.weights as ArrayBuffer), 0, 0, 0, 0]) }, /the weights manifest holds 'extra\/bias', which belongs to no part of the model/);
    const noBias = editJson(ae, (j) => void manifest(j).splice(1, 1));
    await rejects({ modelJson: noBias.modelJson, weights: (ae.weights as ArrayBuffer).slice(0, (ae.weights as ArrayBuffer).byteLength - 20) }, /the weights manifest lacks 'encoder\/dense_Dense\d+\/bias'/);
    await rejects(editJson(ae, (j) => void j.weightsManifest.push({ paths: [], weights: [] })), /must be a list of exactly one weights group/);
  });
});

describe('loadModel with layers outside the whitelist', () => {
  it('rejects unknown layer classes and nested models before deserialisation', async () => {
    await rejects(editJson(ae, (j) => void (firstDense(j).class_name = 'Lambda')), /loadModel: layer class "Lambda" at '.*layers\[1\]' is not supported; supported layer classes: InputLayer, Dense, Activation/);
    await rejects(editJson(ae, (j) => void (firstDense(j).class_name = 'Sequential')), /is not supported \(nested models: build one flat model from their layers\)/);
    await rejects(editJson(ae, (j) => void (j.modelTopology.networks.encoder.class_name = 'Graph')), /field 'modelTopology\.networks\.encoder\.class_name' must be one of 'Model', 'Functional', 'Sequential'/);
  });

  it('rejects initializers, activations, dtypes and data formats it does not know', async () => {
    await rejects(
      editJson(ae, (j) => void (firstDense(j).config.kernel_initializer = { class_name: 'Orthogonal', config: { gain: 1 } })),
      /kernel_initializer\.class_name' names the class "Orthogonal", which is not an initializer, regularizer or constraint this package loads/,
    );
    await rejects(editJson(ae, (j) => void (firstDense(j).config.activation = 'evil')), /config\.activation' must be one of linear, relu/);
    await rejects(editJson(ae, (j) => void (firstDense(j).config.dtype = 'int32')), /config\.dtype' must be 'float32'/);
    await rejects(editJson(ae, (j) => void (firstDense(j).config.input_dim = 6)), /unknown field '.*layers\[1\]\.config\.input_dim'/);
  });

  it('rejects a layer whose output would hold more values per sample than the limit', async () => {
    const grown = editJson(ae, (j) => void (firstDense(j).config.units = 2 ** 28 + 1));
    await rejects(grown, /layer 'dense_Dense\d+' \(Dense\) at '.*': gives 268435457 values per sample \(\[\?,268435457\]\), more than the limit of 268435456/);
  });

  it('rejects broken graphs: unknown inbound layers, cycles and call arguments', async () => {
    await rejects(editJson(ae, (j) => void (firstDense(j).inbound_nodes[0][0][0] = 'nowhere')), /reads from an unknown layer 'nowhere'/);
    await rejects(
      editJson(ae, (j) => {
        const dense = layersOf(j, 'encoder').filter((l) => l.class_name === 'Dense');
        dense[0]!.inbound_nodes[0][0][0] = dense[1]!.name;
      }),
      /cannot be reached from the inputs \(a cycle or a missing node\)/,
    );
    await rejects(editJson(ae, (j) => void (firstDense(j).inbound_nodes[0][0][3] = { training: true })), /must be an empty object \(call arguments are not supported\)/);
  });
});

describe('loadModel failures after the checks leave nothing behind', () => {
  it('disposes the layers tfjs-layers built when it fails half way through a network', async () => {
    // tfjs refuses a negative initializer scale while deserialising the second Dense layer,
    // after the first one has created its weights.
    const broken = editJson(ae, (j) => {
      const dense = layersOf(j, 'decoder').filter((l) => l.class_name === 'Dense');
      dense[1]!.config.kernel_initializer = { class_name: 'VarianceScaling', config: { scale: -1, mode: 'fan_avg', distribution: 'uniform', seed: null } };
    });
    await rejects(broken, /loadModel: tfjs-layers could not build the decoder: .*scale/);
  });

  it('disposes both networks when the model cannot be made from them', async () => {
    await rejects(editJson(vae, (j) => void (j.modelTopology.config.latentDim = 3)), /loadModel: the file's configuration does not make a valid vae: VAE: argument 'latentDim' is 3 but the encoder's heads give \[\?,2\]/);
    await rejects(editJson(vae, (j) => void (j.modelTopology.config.inputShape = [7])), /field 'modelTopology\.config\.inputShape' is \[7\], but the networks give \[6\]/);
    await rejects(editJson(ae, (j) => void (j.modelTopology.config.sparsity = { kind: 'l1', weight: -1 })), /does not make a valid autoencoder: Autoencoder: argument 'sparsity\.weight' must be a finite number >= 0/);
  });

  it('rejects an invalid corruptor before building the networks', async () => {
    await rejects(editJson(ae, (j) => void (j.modelTopology.config.corruptor = { kind: 'masking', rate: 2 })), /field 'modelTopology\.config\.corruptor' is invalid: corruptorFromConfig: .*rate/);
  });

  it('rejects a PCA document whose values PCA.fromJSON refuses', async () => {
    const pca = await saveModel(new PCA({ nComponents: 2 }).fit([[1, 2, 0], [2, 0, 1], [0, 1, 3], [3, 3, 1]]), { type: 'memory' });
    await rejects(editJson(pca, (j) => void (j.modelTopology.config.state.nComponents = 5)), /field 'modelTopology\.config\.state\.nComponents' must be an integer in \[1, 3\]/);
    await rejects(editJson(pca, (j) => void (j.modelTopology.config.options.solver = 'magic')), /loadModel: the PCA in the file is invalid: PCA\.fromJSON: field 'options\.solver'/);
    const zeros = { modelJson: pca.modelJson, weights: new ArrayBuffer((pca.weights as ArrayBuffer).byteLength) };
    await rejects(zeros, /the PCA in the file is invalid: PCA\.fromJSON: field 'state\.components' row 0 must have unit length/);
  });
});

describe("loadModel with bad 'beta-tc' and 'mmd' objectives in VAE and CVAE files", () => {
  const objectives = {
    'beta-tc': { kind: 'beta-tc', alpha: 0.5, beta: 4, gamma: 2 },
    mmd: { kind: 'mmd', lambda: 10, kernel: 'imq', bandwidth: 0.8 },
  } as const;
  const files: Record<string, SavedArtifacts> = {};
  beforeAll(async () => {
    for (const [name, objective] of Object.entries(objectives)) {
      const v = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, seed: 2, objective });
      files[`vae ${name}`] = await saveModel(v, { type: 'memory' });
      v.dispose();
      const c = denseCvae({ inputDim: 6, numClasses: 3, hidden: [5], latentDim: 2, seed: 2, objective });
      files[`cvae ${name}`] = await saveModel(c, { type: 'memory' });
      c.dispose();
    }
  });
  const objectiveOf = (j: EditableJson): EditableJson => j.modelTopology.config.objective;
  const invalid = /loadModel: field 'modelTopology\.config\.objective' is invalid: argument 'modelTopology\.config\.objective\./;

  it.each(['vae', 'cvae'])('a %s file: bad values, wrong types and missing fields are refused naming the field', async (kind) => {
    const tc = files[`${kind} beta-tc`]!;
    const mm = files[`${kind} mmd`]!;
    (await loadModel(tc)).dispose();
    (await loadModel(mm)).dispose();
    for (const key of ['alpha', 'beta', 'gamma']) {
      await rejects(editJson(tc, (j) => void (objectiveOf(j)[key] = -1)), new RegExp(`${invalid.source}${key}' must be a finite number >= 0, got the number -1`));
      await rejects(editJson(tc, (j) => void (objectiveOf(j)[key] = '6')), new RegExp(`${invalid.source}${key}' must be a finite number`));
      await rejects(editJson(tc, (j) => void (objectiveOf(j)[key] = null)), new RegExp(`loadModel: field 'modelTopology\\.config\\.objective\\.${key}' is null \\(a saved 'beta-tc' objective records alpha, beta, gamma\\)`));
      await rejects(editJson(tc, (j) => void delete objectiveOf(j)[key]), new RegExp(`loadModel: field 'modelTopology\\.config\\.objective\\.${key}' is missing \\(a saved 'beta-tc' objective records alpha, beta, gamma\\)`));
    }
    await rejects(editJson(tc, (j) => void (objectiveOf(j).lambda = 1)), /loadModel: field 'modelTopology\.config\.objective' is invalid: unknown option 'lambda' in 'modelTopology\.config\.objective'/);
    await rejects(editJson(mm, (j) => void (objectiveOf(j).lambda = -2)), new RegExp(`${invalid.source}lambda' must be a finite number >= 0, got the number -2`));
    await rejects(editJson(mm, (j) => void (objectiveOf(j).lambda = [10])), new RegExp(`${invalid.source}lambda' must be a finite number`));
    await rejects(editJson(mm, (j) => void (objectiveOf(j).kernel = 'laplace')), new RegExp(`${invalid.source}kernel' must be one of 'rbf', 'imq'`));
    await rejects(editJson(mm, (j) => void (objectiveOf(j).kernel = 1)), new RegExp(`${invalid.source}kernel' must be one of`));
    await rejects(editJson(mm, (j) => void (objectiveOf(j).bandwidth = 0)), new RegExp(`${invalid.source}bandwidth' must be a finite number > 0, got the number 0`));
    await rejects(editJson(mm, (j) => void (objectiveOf(j).bandwidth = 'wide')), new RegExp(`${invalid.source}bandwidth' must be a finite number`));
    await rejects(editJson(mm, (j) => void (objectiveOf(j).alpha = 1)), /loadModel: field 'modelTopology\.config\.objective' is invalid: unknown option 'alpha'/);
    for (const key of ['lambda', 'kernel']) {
      await rejects(editJson(mm, (j) => void delete objectiveOf(j)[key]), new RegExp(`loadModel: field 'modelTopology\\.config\\.objective\\.${key}' is missing \\(a saved 'mmd' objective records lambda, kernel\\)`));
      await rejects(editJson(mm, (j) => void (objectiveOf(j)[key] = null)), new RegExp(`loadModel: field 'modelTopology\\.config\\.objective\\.${key}' is null`));
    }
    await rejects(editJson(mm, (j) => void (objectiveOf(j).bandwidth = null)), new RegExp(`${invalid.source}bandwidth' must be a finite number`));
    // The bandwidth is optional (absent: the default √d): a file without one loads, with the default.
    const noBandwidth = await loadModel(editJson(mm, (j) => void delete objectiveOf(j).bandwidth), { kind: kind as 'vae' });
    expect(noBandwidth.objective).toEqual({ kind: 'mmd', lambda: 10, kernel: 'imq' });
    noBandwidth.dispose();
    // The β of the config must stay the objective's (1 for both kinds).
    await rejects(editJson(tc, (j) => void (j.modelTopology.config.beta = 4)), /loadModel: field 'modelTopology\.config\.beta' must be 1 \(the β of 'modelTopology\.config\.objective'\), got the number 4/);
    await rejects(editJson(mm, (j) => void (j.modelTopology.config.objective = 'mmd')), /loadModel: field 'modelTopology\.config\.objective' is invalid: argument 'modelTopology\.config\.objective' must be/);
  });

  it('a seeded fuzz of the objective fields of VAE and CVAE files: a load or a clean loadModel error, never a leak', async () => {
    const rng = createRng(2121);
    const pool: unknown[] = [null, 0, -1, 1e-12, 0.5, 6, 1e300, NaN, Infinity, '', 'rbf', 'imq', 'laplace', 'beta-tc', 'mmd', 'elbo', [], [1], {}, { kind: 'mmd' }, true];
    const keys = ['kind', 'alpha', 'beta', 'gamma', 'lambda', 'kernel', 'bandwidth', 'samples', 'extra'];
    const names = Object.keys(files);
    let loaded = 0;
    let refused = 0;
    for (let i = 0; i < 120; i++) {
      const file = files[names[Math.floor(rng() * names.length)]!]!;
      const edited = editJson(file, (j) => {
        const r = rng();
        const value = pool[Math.floor(rng() * pool.length)];
        const key = keys[Math.floor(rng() * keys.length)]!;
        if (r < 0.15) j.modelTopology.config.objective = value;
        else if (r < 0.35) delete objectiveOf(j)[key];
        else if (r < 0.45) j.modelTopology.config.beta = value;
        else objectiveOf(j)[key] = value;
      });
      if (await loadsOrRefusesClean(edited)) loaded++;
      else refused++;
    }
    expect(refused).toBeGreaterThan(60);
    expect(loaded + refused).toBe(120);
  });
});

describe('loadModel, loadTrainingState and saveModel arguments', () => {
  it('rejects sources and options of the wrong kind', async () => {
    await expectRejectsClean(() => loadModel(42 as never), /loadModel: argument 'source' must be a directory path, an indexeddb:\/\/ URL, \{ modelJson, weights \} or a tfjs IOHandler/);
    await expectRejectsClean(() => loadModel('https://example.com/model.json'), /scheme https:\/\/ is not supported/);
    await expectRejectsClean(() => loadModel('downloads://x'), /downloads:\/\/ only saves; load the downloaded files with/);
    await expectRejectsClean(() => loadModel('indexeddb://x'), /no tfjs-core handler loads "indexeddb:\/\/x" here \(indexeddb:\/\/ needs a browser\)/);
    await expectRejectsClean(() => loadModel(ae, { strict: true } as never), /loadModel: unknown option 'strict' in 'options'/);
    await expectRejectsClean(() => loadModel(ae, { maxWeightBytes: 2 ** 31 }), /options\.maxWeightBytes' must be an integer in \[0, 1073741824\]/);
    await expectRejectsClean(() => loadModel(vae, { loss: () => tf.scalar(0) }), /options\.loss' must be absent: the file holds a vae, and only an autoencoder takes a reconstruction loss/);
    await expectRejectsClean(() => loadModel(ae, { kind: 'gan' as never }), /options\.kind' must be one of/);
    await expectRejectsClean(() => loadTrainingState({ modelJson: 'nope', weights: new ArrayBuffer(0) }), /loadTrainingState: source\.modelJson is not valid JSON/);
  });

  it('rejects models, destinations and options saveModel cannot handle, writing nothing', async () => {
    const model = denseVae({ inputDim: 4, hidden: [3], latentDim: 2, seed: 3 });
    await expectRejectsClean(() => saveModel({} as never, { type: 'memory' }), /saveModel: argument 'model' must be an Autoencoder, VAE, CVAE, VQVAE, PCA or KernelPCA of this package/);
    await expectRejectsClean(() => saveModel(model, 7 as never), /saveModel: argument 'destination' must be a directory path/);
    await expectRejectsClean(() => saveModel(model, 'ftp://host/x'), /scheme ftp:\/\/ is not supported/);
    await expectRejectsClean(() => saveModel(model, 'indexeddb://'), /must be a name after indexeddb:\/\//);
    await expectRejectsClean(() => saveModel(model, 'indexeddb://x'), /no tfjs-core handler saves to "indexeddb:\/\/x" here/);
    await expectRejectsClean(() => saveModel(model, { type: 'memory' }, { compress: true } as never), /saveModel: unknown option 'compress' in 'options'/);
    const sgd = tf.train.sgd(1);
    await expectRejectsClean(() => saveModel(new PCA(), { type: 'memory' }, { training: { optimizer: sgd, initialEpoch: 0, seed: 0 } }), /options\.training' must be absent for a PCA/);
    sgd.dispose();
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, 'x');
    await expectRejectsClean(() => saveModel(model, file), /saveModel: could not write to ".*a-file"/);
    model.dispose();
    await expectRejectsClean(() => saveModel(model, { type: 'memory' }), /saveModel: argument 'model' was disposed/);
  });
});
