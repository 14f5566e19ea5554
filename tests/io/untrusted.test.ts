// Files from elsewhere are untrusted: every way a file can be wrong throws an Error naming the
// problem, before anything large is allocated, and leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FILE_LIMITS, loadModel, loadTrainingState, saveModel, type SavedArtifacts } from '../../src/io/index.js';
import { denoisingAutoencoder, denseVae } from '../../src/models/index.js';
import { maskingNoise } from '../../src/noise/index.js';
import { KernelPCA, PCA } from '../../src/pca/index.js';
import { type EditableJson, editJson, editText, expectRejectsClean, tempDir } from './helpers.js';

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

function manifest(j: EditableJson): EditableJson[] {
  return j.weightsManifest[0].weights;
}

/** Expects loadModel to reject `artifacts` with `pattern`, leaving no tensor and no byte behind. */
async function rejects(artifacts: SavedArtifacts, pattern: RegExp): Promise<void> {
  const bytes = tf.memory().numBytes;
  await expectRejectsClean(() => loadModel(artifacts), pattern);
  expect(tf.memory().numBytes).toBe(bytes);
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

describe("loadModel with a malformed 'kernel-pca' file", () => {
  // 12 rows, 3 features, 2 components, with the pre-image map: weights xFit [12,3], eigenvalues [2],
  // eigenvectors [2,12], kernelRowMeans [12], inverseLatent [12,2], inverseDual [12,3].
  const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i), (i % 5) / 4]);
  let kpca: SavedArtifacts;
  beforeAll(async () => {
    kpca = await saveModel(new KernelPCA({ nComponents: 2, kernel: 'rbf', gamma: 0.7, fitInverseTransform: true }).fit(x), { type: 'memory' });
  });
  const state = (j: EditableJson): EditableJson => j.modelTopology.config.state;
  const entry = (j: EditableJson, short: string): EditableJson => manifest(j).find((w) => w.name === `kernel-pca/${short}`)!;
  /** The weights with the float64 at `index` of weight `short` replaced. */
  function withValue(short: string, index: number, value: number): SavedArtifacts {
    const j = JSON.parse(kpca.modelJson) as EditableJson;
    let offset = 0;
    for (const w of manifest(j)) {
      if (w.name === `kernel-pca/${short}`) break;
      offset += (w.shape as number[]).reduce((a, b) => a * b, 1) * 8;
    }
    const bytes = (kpca.weights as ArrayBuffer).slice(0);
    new DataView(bytes).setFloat64(offset + index * 8, value, true);
    return { modelJson: kpca.modelJson, weights: bytes };
  }

  it('rejects sample counts beyond the Kernel PCA limit and sizes beyond the value limit, before reading a value', async () => {
    await rejects(editJson(kpca, (j) => void (state(j).nSamples = 8193)), /loadModel: field 'modelTopology\.config\.state\.nSamples' must be an integer in \[2, 8192\], got the number 8193/);
    await rejects(editJson(kpca, (j) => void (state(j).nSamples = 1)), /state\.nSamples' must be an integer in \[2, 8192\]/);
    await rejects(
      editJson(kpca, (j) => {
        state(j).nSamples = 8192;
        state(j).nFeatures = 10000;
      }),
      /field 'modelTopology\.config\.state' declares 8192 × 10000 training values, more than the limit of 67108864/,
    );
    await rejects(editJson(kpca, (j) => void (state(j).nComponents = 13)), /state\.nComponents' must be an integer in \[1, 12\]/);
    await rejects(editJson(kpca, (j) => void (entry(j, 'xFit').shape = [100000, 100000])), /weight 'kernel-pca\/xFit' declares shape \[100000,100000\].*more than the limit of 1073741824 bytes/);
  });

  it('rejects weights whose names, dtypes or shapes disagree with the declared state', async () => {
    await rejects(editJson(kpca, (j) => void (entry(j, 'xFit').shape = [3, 12])), /loadModel: weight 'kernel-pca\/xFit' must be float64 of shape \[12,3\], got float64 of shape \[3,12\]/);
    await rejects(editJson(kpca, (j) => void (state(j).nFeatures = 4)), /weight 'kernel-pca\/xFit' must be float64 of shape \[12,4\], got float64 of shape \[12,3\]/);
    await rejects(editJson(kpca, (j) => void (entry(j, 'eigenvalues').name = 'kernel-pca/values')), /the weights manifest lacks 'kernel-pca\/eigenvalues', an array of the fitted Kernel PCA/);
    // Declared without a pre-image map: the map's weights are no part of the model.
    await rejects(editJson(kpca, (j) => void (state(j).inverse = null)), /the weights manifest holds 'kernel-pca\/inverseLatent', which is no part of a Kernel PCA/);
    const asFloat32 = editJson(kpca, (j) => {
      const e = entry(j, 'eigenvalues');
      e.dtype = 'float32';
      e.shape = [4];
    });
    await rejects(asFloat32, /weight 'kernel-pca\/eigenvalues' must be float64 of shape \[2\], got float32 of shape \[4\]/);
  });

  it('rejects unknown, missing and mistyped state fields, and arrays smuggled into the JSON', async () => {
    await rejects(editJson(kpca, (j) => void (state(j).xFit = [0])), /unknown field 'modelTopology\.config\.state\.xFit' \(expected only solver, nSamples, nFeatures/);
    await rejects(editJson(kpca, (j) => void delete state(j).kernelMean), /field 'modelTopology\.config\.state\.kernelMean' is missing \(a fitted kernel-pca records/);
    await rejects(editJson(kpca, (j) => void (state(j).gamma = 'auto')), /field 'modelTopology\.config\.state\.gamma' must be a finite number, got the string "auto"/);
    await rejects(editJson(kpca, (j) => void (state(j).inverse = { gamma: 1, dual: [] })), /unknown field 'modelTopology\.config\.state\.inverse\.dual'/);
    await rejects(editJson(kpca, (j) => void (state(j).inverse = 3)), /field 'modelTopology\.config\.state\.inverse' must be \{ gamma \} or null/);
    await rejects(editJson(kpca, (j) => void (j.modelTopology.networks = {})), /unknown field 'modelTopology\.networks'/);
    await rejects(editJson(kpca, (j) => void delete j.modelTopology.config.options), /field 'modelTopology\.config\.options' is missing/);
  });

  it('rejects values KernelPCA.fromJSON refuses: bad options, non-finite or non-unit arrays, a missing pre-image map', async () => {
    await rejects(editJson(kpca, (j) => void (j.modelTopology.config.options.kernel = 'magic')), /loadModel: the Kernel PCA in the file is invalid: KernelPCA\.fromJSON: field 'options' is invalid: .*kernel/);
    await rejects(editJson(kpca, (j) => void (state(j).solver = 'qr')), /the Kernel PCA in the file is invalid: KernelPCA\.fromJSON: field 'state\.solver' must be 'dense' or 'randomized'/);
    await rejects(withValue('xFit', 4, Number.NaN), /the Kernel PCA in the file is invalid: KernelPCA\.fromJSON: field 'state\.xFit\[4\]' must be a finite number, got the number NaN/);
    await rejects(withValue('eigenvalues', 1, -1), /field 'state\.eigenvalues\[1\]' must be a finite number >= 0/);
    await rejects(withValue('eigenvectors', 0, 5), /field 'state\.eigenvectors' row 0 must have unit length/);
    await rejects(withValue('inverseDual', 2, Number.POSITIVE_INFINITY), /field 'state\.inverse\.dual\[2\]' must be a finite number/);
    await rejects({ modelJson: kpca.modelJson, weights: new ArrayBuffer((kpca.weights as ArrayBuffer).byteLength) }, /field 'state\.eigenvectors' row 0 must have unit length/);
    // Without the map but with fitInverseTransform set (weights of the map dropped consistently).
    const noMap = editJson(kpca, (j) => {
      state(j).inverse = null;
      j.weightsManifest[0].weights = manifest(j).filter((w) => !String(w.name).startsWith('kernel-pca/inverse'));
    });
    const kept = (12 * 3 + 2 + 2 * 12 + 12) * 8;
    await rejects({ modelJson: noMap.modelJson, weights: (kpca.weights as ArrayBuffer).slice(0, kept) }, /field 'state\.inverse' must be present when option 'fitInverseTransform' is true/);
  });

  it('fuzz: any field of the document or any value of the weights set to an odd value loads a working model or throws a named Error, with nothing left behind', async () => {
    let seed = 12345;
    const next = (m: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % m;
    };
    const odd: unknown[] = [-1, 0, 1, 2.5, 8193, 2 ** 53, -1e308, null, 'x', [], {}, [1, 2], true];
    const doc = JSON.parse(kpca.modelJson) as EditableJson;
    // Every path to a leaf of the document (config, state, manifest shapes and dtypes).
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (typeof v === 'object' && v !== null) {
        for (const [k, c] of Object.entries(v)) walk(c, [...path, Array.isArray(v) ? Number(k) : k]);
      } else if (path[0] === 'modelTopology' || path[0] === 'weightsManifest') paths.push(path);
    };
    walk(doc, []);
    expect(paths.length).toBeGreaterThan(30);
    const before = tf.memory().numTensors;
    let loaded = 0;
    let refused = 0;
    for (let trial = 0; trial < 150; trial++) {
      let artifacts: SavedArtifacts;
      if (trial % 3 === 2) {
        const bytes = (kpca.weights as ArrayBuffer).slice(0);
        const values = [Number.NaN, Number.POSITIVE_INFINITY, -3, 0, 1e300, 7];
        new DataView(bytes).setFloat64(8 * next(bytes.byteLength / 8), values[next(values.length)]!, true);
        artifacts = { modelJson: kpca.modelJson, weights: bytes };
      } else {
        const path = paths[next(paths.length)]!;
        const value = odd[next(odd.length)];
        artifacts = editJson(kpca, (j) => {
          let at: EditableJson = j;
          for (const key of path.slice(0, -1)) at = at[key];
          at[path[path.length - 1]!] = value;
        });
      }
      let model: unknown;
      try {
        model = await loadModel(artifacts);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/^loadModel: /);
        refused++;
        continue;
      }
      loaded++;
      // A model that loads works: its transform of the training rows is finite, or it says why not.
      expect(model).toBeInstanceOf(KernelPCA);
      try {
        const z = (model as KernelPCA).transform(x);
        expect(z.flat().every(Number.isFinite)).toBe(true);
      } catch (e) {
        expect((e as Error).message).toMatch(/^KernelPCA\.transform: /);
      }
    }
    expect(refused).toBeGreaterThan(50);
    expect(loaded).toBeGreaterThan(0);
    expect(loaded + refused).toBe(150);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("loadModel with a malformed PCA's saved statistics", () => {
  let pca: SavedArtifacts;
  beforeAll(async () => {
    const x = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(2 * i), i / 10, (i % 3) - 1]);
    pca = await saveModel(new PCA({ nComponents: 2, mergeable: true }).fit(x), { type: 'memory' });
  });
  const scatter = (j: EditableJson): EditableJson => manifest(j).find((w) => w.name === 'pca/scatter')!;

  it('rejects a scatter matrix or feature variance of the wrong shape or dtype, and one beyond the size limit before reading it', async () => {
    await rejects(editJson(pca, (j) => void (scatter(j).shape = [2, 8])), /loadModel: weight 'pca\/scatter' must be float64 of shape \[4,4\], got float64 of shape \[2,8\]/);
    const asFloat32 = editJson(pca, (j) => {
      const e = manifest(j).find((w) => w.name === 'pca/featureVariance')!;
      e.dtype = 'float32';
      e.shape = [8];
    });
    await rejects(asFloat32, /weight 'pca\/featureVariance' must be float64 of shape \[4\], got float32 of shape \[8\]/);
    await rejects(editJson(pca, (j) => void (j.modelTopology.config.state.nFeatures = 9000)), /weight 'pca\/scatter' would be a 9000 × 9000 scatter matrix, more values than the limit of 67108864/);
    await rejects(editJson(pca, (j) => void (j.modelTopology.config.state.scatter = [1])), /unknown field 'modelTopology\.config\.state\.scatter' \(expected only solver, nFeatures/);
  });

  it('rejects values PCA.fromJSON refuses: an asymmetric scatter matrix, a negative diagonal or variance', async () => {
    const j = JSON.parse(pca.modelJson) as EditableJson;
    const offsetOf = (name: string): number => {
      let offset = 0;
      for (const w of manifest(j)) {
        if (w.name === name) return offset;
        offset += (w.shape as number[]).reduce((a, b) => a * b, 1) * 8;
      }
      throw new Error(`no ${name}`);
    };
    const withValue = (name: string, index: number, value: number): SavedArtifacts => {
      const bytes = (pca.weights as ArrayBuffer).slice(0);
      new DataView(bytes).setFloat64(offsetOf(name) + 8 * index, value, true);
      return { modelJson: pca.modelJson, weights: bytes };
    };
    await rejects(withValue('pca/scatter', 1, 123), /loadModel: the PCA in the file is invalid: PCA\.fromJSON: field 'state\.scatter' must be symmetric; entries \(0, 1\) and \(1, 0\) differ/);
    await rejects(withValue('pca/scatter', 5, -1), /field 'state\.scatter\[5\]' must be a non-negative diagonal entry/);
    await rejects(withValue('pca/scatter', 3, Number.NaN), /field 'state\.scatter\[3\]' must be a finite number, got the number NaN/);
    await rejects(withValue('pca/featureVariance', 0, -2), /field 'state\.featureVariance\[0\]' must be a finite number >= 0/);
  });
});
