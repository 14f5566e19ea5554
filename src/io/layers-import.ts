import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, formatShape, rejectUnknownKeys } from '../core/index.js';
import { bad, cleanJson, isObject, parseJsonText } from './json.js';
import { type CheckedLayersModel, checkLayersFormat, checkLayersModel, checkLayersModelJson } from './layers-check.js';
import { type LayersManifest, parseLayersManifest, readLayersValues } from './layers-manifest.js';
import { MODEL_FILE_LIMITS } from './limits.js';
import { MODEL_JSON, fileSize, isIOHandler, loadBrowserArtifacts, loadHandlerArtifacts, loadNodeFs, readModelJsonText, schemeOf, toArrayBuffer } from './storage.js';
import { checkByteLength } from './weights.js';
import { deserializeNetwork } from './deserialize.js';

/**
 * A TF.js Layers model held in memory: the text of `model.json` and the weights — one buffer
 * holding every shard joined in manifest order (all groups, each group's `paths` in order), or
 * the list of shard buffers in that order.
 * @category I/O
 * @example
 * ```ts
 * const artifacts: LayersArtifacts = { modelJson: await jsonFile.text(), weights: [await shard1.arrayBuffer(), await shard2.arrayBuffer()] };
 * // given: const jsonFile: File, shard1: File, shard2: File;
 * ```
 */
export interface LayersArtifacts {
  readonly modelJson: string;
  readonly weights: ArrayBuffer | ArrayBufferView | readonly (ArrayBuffer | ArrayBufferView)[];
}

/**
 * Where {@link importLayersModel} reads: a directory path (Node: `model.json` and the shard files
 * it names, beside it), `'indexeddb://name'` or `'localstorage://name'` (browser),
 * {@link LayersArtifacts}, or a tfjs `IOHandler` with `load` (e.g. `tf.io.http(url)`,
 * `tf.io.browserFiles([json, ...shards])`).
 * @category I/O
 * @example
 * ```ts
 * const source: LayersSource = './from-keras/encoder';
 * ```
 */
export type LayersSource = string | LayersArtifacts | tf.io.IOHandler;

/**
 * Options of {@link importLayersModel}.
 * @category I/O
 * @example
 * ```ts
 * const options: ImportLayersOptions = { maxWeightBytes: 256 * 2 ** 20 };
 * ```
 */
export interface ImportLayersOptions {
  /**
   * Reject files whose weights take more bytes than this, as stored or once dequantized to
   * float32. Default (and most) `MODEL_FILE_LIMITS.maxWeightBytes`, 1 GiB.
   */
  readonly maxWeightBytes?: number;
}

interface ReadFile {
  readonly checked: CheckedLayersModel;
  readonly data: ArrayBuffer;
}

function joinParts(parts: readonly ArrayBuffer[]): ArrayBuffer {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out.buffer;
}

function shardList(manifest: LayersManifest): string {
  return manifest.groups.flatMap((g) => g.paths).join(', ');
}

async function readArtifacts(artifacts: unknown, fn: string, maxBytes: number, where: string): Promise<ReadFile> {
  if (typeof artifacts !== 'object' || artifacts === null) bad(fn, where, 'tfjs model artifacts { modelTopology, weightSpecs, weightData }', artifacts);
  const a = artifacts as Record<string, unknown>;
  checkLayersFormat(cleanJson(a['format'] ?? null, fn, 'format'), fn);
  const manifest = parseLayersManifest(cleanJson(a['weightSpecs'] ?? [], fn, 'weightSpecs'), fn, 'weightSpecs', maxBytes, 'flat');
  const metadata = a['userDefinedMetadata'] === undefined ? undefined : cleanJson(a['userDefinedMetadata'], fn, 'userDefinedMetadata');
  const checked = checkLayersModel(cleanJson(a['modelTopology'], fn, 'modelTopology'), manifest, metadata, fn);
  const raw = a['weightData'];
  const parts = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw.map((p, i) => toArrayBuffer(p, fn, `weightData[${i}]`)) : [toArrayBuffer(raw, fn, 'weightData')];
  const data = joinParts(parts.length === 0 ? [new ArrayBuffer(0)] : parts);
  checkByteLength(data.byteLength, manifest.totalBytes, fn, `the weight data of ${where}`);
  return { checked, data };
}

async function readDirectory(dir: string, fn: string, maxBytes: number): Promise<ReadFile> {
  const { fs, join } = await loadNodeFs(fn, 'source', dir);
  const jsonPath = join(dir, MODEL_JSON);
  const checked = checkLayersModelJson(parseJsonText(await readModelJsonText(fs, jsonPath, fn), fn, JSON.stringify(jsonPath)), fn, maxBytes);
  const parts: ArrayBuffer[] = [];
  for (const [g, group] of checked.manifest.groups.entries()) {
    // Every shard is measured before any is read: their sum must be the group's declared size.
    const paths = group.paths.map((p) => join(dir, p));
    const sizes: number[] = [];
    for (const p of paths) sizes.push(await fileSize(fs, p, fn));
    const total = sizes.reduce((s, x) => s + x, 0);
    if (total !== group.byteLength) {
      throw new Error(
        `${fn}: the shards of weights group ${g + 1} (${group.paths.map((p, k) => `${p}: ${sizes[k]} bytes`).join(', ') || 'none'}) ` +
          `hold ${total} bytes but the manifest in model.json declares ${group.byteLength} bytes ` +
          `(${total < group.byteLength ? 'a shard is truncated or missing from paths' : 'a shard has extra bytes'}, or the files belong to another model)`,
      );
    }
    for (const p of paths) parts.push(toArrayBuffer(await fs.readFile(p), fn, p));
  }
  const data = joinParts(parts.length === 0 ? [new ArrayBuffer(0)] : parts);
  checkByteLength(data.byteLength, checked.manifest.totalBytes, fn, `the shards (${shardList(checked.manifest)})`);
  return { checked, data };
}

async function readLayersSource(source: LayersSource, fn: string, maxBytes: number): Promise<ReadFile> {
  if (typeof source === 'string') {
    const scheme = schemeOf(source);
    if (scheme === 'indexeddb://' || scheme === 'localstorage://') {
      return readArtifacts(await loadBrowserArtifacts(source, scheme, fn), fn, maxBytes, JSON.stringify(source));
    }
    if (scheme !== undefined) {
      throw new TypeError(
        `${fn}: argument 'source' must be a directory path, 'indexeddb://name', 'localstorage://name', artifacts or an IOHandler ` +
          `(scheme ${scheme} is not read directly; for http(s) pass tf.io.http(url)), got ${describe(source)}`,
      );
    }
    return readDirectory(source, fn, maxBytes);
  }
  if (typeof source === 'object' && source !== null && 'modelJson' in source) {
    const { modelJson, weights } = source as LayersArtifacts;
    const checked = checkLayersModelJson(parseJsonText(modelJson, fn, 'source.modelJson'), fn, maxBytes);
    const list = Array.isArray(weights) ? (weights as unknown[]) : [weights];
    const shards = checked.manifest.groups.reduce((n, g) => n + g.paths.length, 0);
    if (Array.isArray(weights) && list.length !== shards) {
      throw new Error(`${fn}: argument 'source.weights' holds ${list.length} shard buffers, but model.json lists ${shards} shard files (${shardList(checked.manifest)})`);
    }
    const data = joinParts(list.map((w, i) => toArrayBuffer(w, fn, Array.isArray(weights) ? `source.weights[${i}]` : 'source.weights')));
    checkByteLength(data.byteLength, checked.manifest.totalBytes, fn, 'source.weights');
    return { checked, data };
  }
  if (isIOHandler(source, 'load')) {
    return readArtifacts(await loadHandlerArtifacts(source, fn), fn, maxBytes, "the IOHandler's artifacts");
  }
  throw new TypeError(`${fn}: argument 'source' must be a directory path, an indexeddb:// URL, { modelJson, weights } or a tfjs IOHandler with load(), got ${describe(source)}`);
}

/**
 * Builds the checked network: tfjs-layers deserialises the topology (inside `tf.tidy`), then each
 * weight is set from the file. On failure every variable it made is disposed.
 */
async function build(file: ReadFile, fn: string): Promise<tfl.LayersModel> {
  const { plan, manifest, metadata } = file.checked;
  const network = await deserializeNetwork(plan.topology, fn, 'the network');
  try {
    const specs = new Map(manifest.specs.map((s) => [s.name, s]));
    for (const layer of network.layers) {
      const planned = plan.layers.get(layer.name) ?? [];
      const actual = layer.weights;
      if (actual.length !== planned.length || actual.some((w, j) => formatShape(w.shape) !== formatShape(planned[j]!.shape))) {
        throw new Error(`${fn}: tfjs-layers built the layer '${layer.name}' (${layer.getClassName()}) with other weights than its configuration describes`);
      }
      actual.forEach((w, j) => {
        const spec = specs.get(`${layer.name}/${planned[j]!.short}`)!;
        const values = readLayersValues(file.data, spec, fn);
        tf.tidy(() => (w.read() as tf.Variable).assign(tf.tensor(values, [...spec.shape], 'float32')));
      });
    }
    if (metadata !== undefined) network.setUserDefinedMetadata(metadata);
    return network;
  } catch (e) {
    network.dispose();
    throw e;
  }
}

/**
 * Loads a TF.js Layers model — what `tensorflowjs_converter --input_format=keras` writes from a
 * Keras `.h5` file, what tfjs-layers' `model.save()` writes, or one network written by
 * {@link exportLayersModel} — as a `tf.LayersModel` with its weights.
 *
 * Read as the converter writes it: `modelTopology` as tfjs-layers' `{ class_name, config }` or
 * wrapped by Keras in `{ keras_version, backend, model_config, training_config }` (the training
 * configuration is ignored: Keras losses and optimizers are not imported); weights in several
 * groups of `groupN-shardMofK.bin` files, joined in `paths` order; quantized weights dequantized
 * to float32 (`uint8`/`uint16`: `q · scale + min`; `float16`: widened).
 *
 * The file is untrusted, and checked before anything is allocated for it, with the rules of
 * {@link loadModel}: the JSON (size, depth, no `__proto__`/`constructor`/`prototype`), the layer
 * whitelist (see the guide's list; Keras fields that tfjs-layers lacks are accepted only at their
 * default, e.g. `groups: 1`), the weight shapes inferred from the layer configs against the
 * manifest (no entry missing or extra), the declared size against `options.maxWeightBytes`, the
 * shard names (plain file names beside `model.json`, never paths) and sizes (each measured before
 * it is read). Each problem throws an Error naming it; a failure leaves no tensor behind.
 *
 * To rebuild a model of this package from imported networks, pass them, with the
 * `autoencoders.json` that {@link exportLayersModel} wrote, to `Autoencoder.fromLayersModels`,
 * `VAE.fromLayersModels` or `CVAE.fromLayersModels`.
 *
 * @param source - see {@link LayersSource}: a directory (Node), `'indexeddb://name'`,
 *   `'localstorage://name'`, {@link LayersArtifacts} or a tfjs IOHandler.
 * @param options - see {@link ImportLayersOptions}: `maxWeightBytes`.
 * @returns a new `tf.LayersModel`, owned by the caller (dispose it, or give it to a model that
 *   owns it). A `userDefinedMetadata` of the file is kept (`model.getUserDefinedMetadata()`).
 * @throws Error naming the problem for any malformed, oversized or unsupported file.
 * @category I/O
 * @example
 * ```ts
 * // tensorflowjs_converter --input_format=keras encoder.h5 ./from-keras/encoder
 * const encoder = await importLayersModel('./from-keras/encoder');
 * const codes = encoder.predict(tf.zeros([1, 784])) as tf.Tensor;
 * ```
 */
export async function importLayersModel(source: LayersSource, options: ImportLayersOptions = {}): Promise<tfl.LayersModel> {
  const fn = 'importLayersModel';
  if (!isObject(options as never)) throw new TypeError(`${fn}: argument 'options' must be an object, got ${describe(options)}`);
  rejectUnknownKeys(options, ['maxWeightBytes'], fn, 'options');
  const max = options.maxWeightBytes ?? MODEL_FILE_LIMITS.maxWeightBytes;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > MODEL_FILE_LIMITS.maxWeightBytes) {
    throw new Error(`${fn}: argument 'options.maxWeightBytes' must be an integer in [0, ${MODEL_FILE_LIMITS.maxWeightBytes}], got ${describe(max)}`);
  }
  const file = await readLayersSource(source, fn, max);
  return build(file, fn);
}
