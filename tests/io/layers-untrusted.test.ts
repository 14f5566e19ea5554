// The untrusted-file cases of tests/io/untrusted.test.ts, run against importLayersModel with
// converter-shaped files (tests/fixtures/make-keras-layers-fixtures.py): every way a file can be
// wrong throws an Error naming the problem, before anything large is allocated, and leaves no
// tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { cp, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FILE_LIMITS, importLayersModel, type LayersArtifacts } from '../../src/io/index.js';
import { type EditableJson, expectRejectsClean, tempDir } from './helpers.js';
import { FIXTURE_DIR, fixtureArtifacts } from './layers-fixtures.js';

let dense: { modelJson: string; weights: Uint8Array[] };
let conv: { modelJson: string; weights: Uint8Array[] };
let encoder: { modelJson: string; weights: Uint8Array[] };

beforeAll(async () => {
  dense = await fixtureArtifacts('dense-sharded');
  conv = await fixtureArtifacts('conv-uint8');
  encoder = await fixtureArtifacts('vae-encoder-float16');
});

/** A copy of artifacts whose model.json was edited by `f` (which may return a new value). */
function edit<A extends LayersArtifacts>(artifacts: A, f: (json: EditableJson) => unknown): A {
  const json = JSON.parse(artifacts.modelJson) as EditableJson;
  const out = f(json);
  return { ...artifacts, modelJson: JSON.stringify(out === undefined ? json : out) };
}

function layers(j: EditableJson): EditableJson[] {
  return j.modelTopology.model_config.config.layers;
}

function entries(j: EditableJson, group = 0): EditableJson[] {
  return j.weightsManifest[group].weights;
}

/** Expects importLayersModel to reject, leaving no tensor and no byte behind. */
async function rejects(source: Parameters<typeof importLayersModel>[0], pattern: RegExp, options?: Parameters<typeof importLayersModel>[1]): Promise<void> {
  const bytes = tf.memory().numBytes;
  await expectRejectsClean(() => importLayersModel(source, options), pattern);
  expect(tf.memory().numBytes).toBe(bytes);
}

/** A copy of a fixture directory, to damage. */
async function copyOf(name: string): Promise<string> {
  const dir = join(await tempDir(), name);
  await cp(join(FIXTURE_DIR, name), dir, { recursive: true });
  return dir;
}

describe('importLayersModel with malformed JSON and other formats', () => {
  it('rejects text that is not JSON, and a model.json longer than the limit', async () => {
    await rejects({ modelJson: '{"format": "layers-model", ', weights: [] }, /importLayersModel: source\.modelJson is not valid JSON/);
    await rejects({ modelJson: ' '.repeat(MODEL_FILE_LIMITS.maxModelJsonLength + 1), weights: [] }, /is 33554433 characters long, more than the limit of 33554432/);
  });

  it('rejects graph models and files of saveModel with a hint, and unknown envelope fields', async () => {
    await rejects(edit(dense, (j) => void (j.format = 'graph-model')), /field 'format' must be 'layers-model' \(a graph model: convert the Keras model with --output_format=tfjs_layers_model\)/);
    await rejects(edit(dense, (j) => void (j.format = 'autoencoders/model')), /\(this file was written by saveModel: read it with loadModel\)/);
    await rejects(edit(dense, (j) => void (j.signature = {})), /unknown field 'model\.json\.signature'/);
    await rejects(edit(dense, (j) => void (j.modelTopology.optimizer_weights = [])), /unknown field 'modelTopology\.optimizer_weights' \(expected only keras_version, backend, model_config, training_config\)/);
  });
});

describe('importLayersModel against keys and values that could reach a prototype', () => {
  it('rejects a __proto__ key in a layer, at the top and in userDefinedMetadata; Object.prototype stays clean', async () => {
    const inLayer = { ...dense, modelJson: dense.modelJson.replace('"config": {"name": "dense",', '"config": {"__proto__": {"polluted": true}, "name": "dense",') };
    expect(inLayer.modelJson).not.toBe(dense.modelJson);
    await rejects(inLayer, /importLayersModel: the key "__proto__" is not allowed \(at 'model\.json\.modelTopology\.model_config\.config\.layers\[1\]\.config'\)/);
    await rejects({ ...dense, modelJson: dense.modelJson.replace('{"format"', '{"__proto__": {"polluted": true}, "format"') }, /the key "__proto__" is not allowed \(at 'model\.json'\)/);
    await rejects(edit(dense, (j) => void (j.userDefinedMetadata = JSON.parse('{"__proto__": {"polluted": true}}'))), /the key "__proto__" is not allowed \(at 'model\.json\.userDefinedMetadata'\)/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects constructor and prototype as names', async () => {
    await rejects(edit(dense, (j) => void (layers(j)[1]!.config.activation = 'constructor')), /config\.activation' holds the forbidden name "constructor"/);
    await rejects(edit(dense, (j) => void (entries(j)[0]!.name = 'prototype')), /holds the forbidden name "prototype"/);
  });
});

describe('importLayersModel with layers outside the whitelist', () => {
  it('rejects unknown layer classes (a Keras Lambda, a custom layer) and nested models, before deserialisation', async () => {
    await rejects(edit(dense, (j) => void (layers(j)[1]!.class_name = 'Lambda')), /importLayersModel: layer class "Lambda" at 'modelTopology\.model_config\.config\.layers\[1\]' is not supported; supported layer classes: InputLayer, Dense/);
    await rejects(edit(dense, (j) => void (layers(j)[2]!.class_name = 'MyAttention')), /layer class "MyAttention" .* is not supported/);
    await rejects(edit(dense, (j) => void (layers(j)[2]!.class_name = 'Functional')), /\(nested models: build one flat model from their layers\)/);
  });

  it('accepts Keras-only fields at their defaults, and refuses them otherwise', async () => {
    await rejects(edit(conv, (j) => void (layers(j)[1]!.config.groups = 2)), /field 'modelTopology\.model_config\.config\.layers\[1\]\.config\.groups' of the Conv2D layer is 2; tfjs-layers has no such option, so only 1 \(the Keras default\) can be imported/);
    await rejects(edit(conv, (j) => void (layers(j)[1]!.config.data_format = 'channels_first')), /data_format "channels_first" is not supported \(only 'channels_last'\)/);
    await rejects(edit(dense, (j) => void (layers(j)[1]!.config.dtype = { class_name: 'Policy', config: { name: 'mixed_float16' } })), /config\.dtype' must be 'float32'/);
    await rejects(edit(dense, (j) => void (layers(j)[1]!.config.kernel_initializer = { class_name: 'Orthogonal', config: { gain: 1 } })), /names the class "Orthogonal", which is not an initializer/);
    const trainableModel = edit(dense, (j) => void (j.modelTopology.model_config.config.trainable = true));
    (await importLayersModel(trainableModel)).dispose();
  });
});

describe('importLayersModel with weights that disagree with the network', () => {
  it('rejects manifest shapes that differ from the layer configuration (shape mismatch), before building anything', async () => {
    await rejects(
      edit(dense, (j) => void (entries(j)[0]!.shape = [8, 6])),
      /importLayersModel: weight 'dense\/kernel' has shape \[8,6\] in the manifest, but the layer configuration gives \[6,8\]/,
    );
    await rejects(edit(dense, (j) => void (layers(j)[1]!.config.units = 500000)), /weight 'dense\/kernel' has shape \[6,8\] in the manifest, but the layer configuration gives \[6,500000\]/);
  });

  it('rejects missing, extra and duplicate entries', async () => {
    const noBias = edit(dense, (j) => void entries(j, 1).splice(1, 1));
    // (The manifest is checked against the network before the weights' length.)
    await rejects(noBias, /the weights manifest lacks 'dense_2\/bias', a weight of the layer 'dense_2'/);
    const extra = edit(dense, (j) => void entries(j, 1).push({ name: 'dense_9/kernel', shape: [1], dtype: 'float32' }));
    await rejects(extra, /the weights manifest holds 'dense_9\/kernel', which no layer of the network creates/);
    await rejects(edit(dense, (j) => void (entries(j, 1)[0]!.name = 'dense/kernel')), /the weights manifest lists 'dense\/kernel' twice/);
    await rejects(edit(dense, (j) => void (entries(j)[0]!.dtype = 'int32')), /weightsManifest\[0\]\.weights\[0\]\.dtype' must be 'float32'/);
  });

  it('rejects absurd sizes before allocating them', async () => {
    await rejects(edit(dense, (j) => void (entries(j)[0]!.shape = [100000, 100000])), /weight 'dense\/kernel' declares shape \[100000,100000\] \(10000000000 values\);.*more than the limit of 1073741824 bytes/);
    await rejects(edit(dense, (j) => void (entries(j)[0]!.shape = [2 ** 31, 1])), /shape\[0\]' must be an integer in \[0, 2147483647\]/);
    await rejects(edit(dense, (j) => void (entries(j)[0]!.shape = [1, 1, 1, 1, 1, 1, 1, 1, 1])), /shape' must be a list of at most 8 integers/);
    await rejects(dense, /more than the limit of 64 bytes \(options\.maxWeightBytes\)/, { maxWeightBytes: 64 });
    // uint8 weights take 77 bytes as stored but 308 bytes once dequantized: the larger size counts.
    await rejects(conv, /weight 'code\/kernel' declares shape \[18,3\] \(54 values\); with the entries before it the weights would take 228 bytes, more than the limit of 200 bytes/, { maxWeightBytes: 200 });
    await rejects(edit(dense, (j) => void (layers(j)[1]!.config.units = 2 ** 28 + 1)), /gives 268435457 values per sample .* more than the limit of 268435456/);
    const many = new Array(5000).fill(0).map(() => ({ paths: [], weights: [] }));
    await rejects(edit(dense, (j) => void (j.weightsManifest = many)), /must be a list of 1 to 4096 weights groups/);
  });

  it('rejects bad quantization metadata', async () => {
    const q = (f: (quantization: EditableJson) => void): LayersArtifacts => edit(conv, (j) => f(entries(j)[0]!.quantization));
    await rejects(q((x) => void (x.dtype = 'int8')), /quantization\.dtype' must be 'uint8', 'uint16' or 'float16'/);
    await rejects(q((x) => void (x.scale = 0)), /quantization\.scale' must be a finite number > 0, got the number 0/);
    await rejects(q((x) => void delete x.min), /quantization\.min' must be a finite number, got undefined/);
    await rejects(q((x) => void (x.scale = 1e38)), /maps to values beyond the float32 range/);
    await rejects(q((x) => void (x.original_dtype = 'int32')), /quantization\.original_dtype' must be 'float32'/);
    await rejects(edit(encoder, (j) => void (entries(j)[0]!.quantization.scale = 1)), /gives min and scale to float16 quantization, which has none/);
  });

  it('rejects weights that are not finite numbers, naming the weight', async () => {
    const nan = dense.weights.map((s) => s.slice());
    new DataView(nan[0]!.buffer).setFloat32(8, Number.NaN, true);
    await rejects({ ...dense, weights: nan }, /weight 'dense\/kernel' holds a value that is not a finite number \(NaN\) at index 2/);
    const inf = encoder.weights.map((s) => s.slice());
    new DataView(inf[0]!.buffer).setUint16(0, 0x7c00, true); // float16 +Infinity
    await rejects({ ...encoder, weights: inf }, /weight 'hidden\/kernel' holds a value that is not a finite number \(Infinity\) at index 0/);
  });
});

describe('importLayersModel with damaged shards', () => {
  it('rejects a truncated shard, measured before anything is read', async () => {
    const dir = await copyOf('dense-sharded');
    await truncate(join(dir, 'group1-shard2of4.bin'), 60);
    await rejects(dir, /importLayersModel: the shards of weights group 1 \(group1-shard1of4\.bin: 100 bytes, group1-shard2of4\.bin: 60 bytes, .*\) hold 328 bytes but the manifest in model\.json declares 368 bytes \(a shard is truncated or missing from paths/);
  });

  it('rejects a missing shard, a shard with extra bytes, and a shard left out of paths', async () => {
    const dir = await copyOf('dense-sharded');
    await rm(join(dir, 'group2-shard2of2.bin'));
    await rejects(dir, /importLayersModel: cannot read ".*group2-shard2of2\.bin" \(ENOENT/);
    await writeFile(join(dir, 'group2-shard2of2.bin'), new Uint8Array(24));
    await rejects(dir, /the shards of weights group 2 .* hold 124 bytes but the manifest in model\.json declares 120 bytes \(a shard has extra bytes/);
    const other = await copyOf('dense-sharded');
    await writeFile(join(other, 'model.json'), edit(dense, (j) => void j.weightsManifest[0].paths.pop()).modelJson);
    await rejects(other, /hold 300 bytes but the manifest in model\.json declares 368 bytes/);
  });

  it('never reads a path outside the model directory', async () => {
    for (const path of ['../../../etc/passwd', '/etc/passwd', 'sub/shard.bin', '..', '.hidden']) {
      await rejects(edit(dense, (j) => void (j.weightsManifest[0].paths[0] = path)), /paths\[0\]' must be a file name beside model\.json \(letters, digits, \. _ -; no directories\)/);
    }
    await rejects(edit(dense, (j) => void (j.weightsManifest[1].paths[0] = 'group1-shard1of4.bin')), /lists the shard "group1-shard1of4\.bin" twice/);
  });

  it('rejects in-memory shards of the wrong number or length', async () => {
    await rejects({ ...dense, weights: dense.weights.slice(0, 5) }, /argument 'source\.weights' holds 5 shard buffers, but model\.json lists 6 shard files/);
    await rejects({ ...dense, weights: [...dense.weights.slice(0, 5), dense.weights[5]!.slice(0, 10)] }, /source\.weights holds 478 bytes but the manifest in model\.json declares 488 bytes \(the weights file is truncated/);
  });
});

describe('importLayersModel sources, options and failures after the checks', () => {
  it('reads tfjs model artifacts from an IOHandler, with the same checks', async () => {
    const json = JSON.parse(conv.modelJson) as EditableJson;
    const weightData = conv.weights[0]!.slice().buffer;
    const handler = tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: entries(json), weightData });
    (await importLayersModel(handler)).dispose();
    const inParts = tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: entries(json), weightData: [weightData.slice(0, 40), weightData.slice(40)] });
    (await importLayersModel(inParts)).dispose();
    const bad = tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: entries(json), weightData: weightData.slice(0, 70) });
    await rejects(bad, /the weight data of the IOHandler's artifacts holds 70 bytes but the manifest in model\.json declares 77 bytes/);
    await rejects({ load: () => Promise.reject(new Error('offline')) }, /importLayersModel: the IOHandler's load\(\) failed: offline/);
  });

  it('rejects sources and options of the wrong kind', async () => {
    await rejects(42 as never, /importLayersModel: argument 'source' must be a directory path, an indexeddb:\/\/ URL, \{ modelJson, weights \} or a tfjs IOHandler/);
    await rejects('https://example.com/model.json', /scheme https:\/\/ is not read directly; for http\(s\) pass tf\.io\.http\(url\)/);
    await rejects('indexeddb://x', /no tfjs-core handler loads "indexeddb:\/\/x" here \(indexeddb:\/\/ needs a browser\)/);
    await rejects(join(await tempDir(), 'nothing'), /importLayersModel: cannot read ".*model\.json" \(ENOENT/);
    await rejects(dense, /importLayersModel: unknown option 'strict' in 'options'/, { strict: true } as never);
    await rejects(dense, /options\.maxWeightBytes' must be an integer in \[0, 1073741824\]/, { maxWeightBytes: -1 });
  });

  it('disposes what tfjs-layers built when it refuses a layer half way through', async () => {
    // tfjs refuses a negative initializer scale while building the third Dense layer, after the
    // first two have created their weights.
    const broken = edit(dense, (j) => {
      layers(j)[3]!.config.kernel_initializer = { class_name: 'VarianceScaling', config: { scale: -1, mode: 'fan_avg', distribution: 'uniform', seed: null } };
    });
    await rejects(broken, /importLayersModel: tfjs-layers could not build the network: .*scale/);
  });
});
