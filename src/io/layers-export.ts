import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, formatShape, rejectUnknownKeys } from '../core/index.js';
import { Autoencoder, CVAE, VAE } from '../models/index.js';
import { LAYERS_SETTINGS_FORMAT, LAYERS_SETTINGS_VERSION, type LayersSettings } from '../models/from-layers.js';
import { type JsonObject, cleanJson } from './json.js';
import { LAYERS_MODEL_FORMAT, checkLayersModelJson } from './layers-check.js';
import { MODEL_FILE_LIMITS } from './limits.js';
import { MODEL_JSON, WEIGHTS_BIN, isIOHandler, loadNodeFs, schemeOf } from './storage.js';
import { planNetwork } from './topology.js';
import type { SaveDestination } from './types.js';
import { encodeWeights } from './weights.js';

/** The settings file written beside `model.json` in a directory. @internal */
export const SETTINGS_JSON = 'autoencoders.json';

/** What `exportLayersModel` says is not carried by the files at all. */
const NOT_CARRIED = ['optimizer state', 'the other network', 'a custom loss function'];

/**
 * Options of {@link exportLayersModel}.
 * @category I/O
 * @example
 * ```ts
 * const options: ExportLayersOptions = { network: 'decoder' };
 * ```
 */
export interface ExportLayersOptions {
  /** Which network of the model to write. */
  readonly network: 'encoder' | 'decoder';
}

/**
 * What {@link exportLayersModel} wrote, whatever the destination: the text of `model.json`, the
 * bytes of `weights.bin` and the text of `autoencoders.json`.
 * @category I/O
 * @example
 * ```ts
 * const { modelJson, weights, settingsJson } = await exportLayersModel(vae, { type: 'memory' }, { network: 'encoder' });
 * ```
 */
export interface LayersExport {
  readonly modelJson: string;
  readonly weights: ArrayBuffer;
  readonly settingsJson: string;
}

type Written = LayersExport & { readonly topology: JsonObject; readonly entries: tf.io.WeightsManifestEntry[]; readonly settings: LayersSettings };

async function writeTo(destination: SaveDestination, written: Written, fn: string): Promise<void> {
  const artifacts = (): tf.io.ModelArtifacts => ({
    modelTopology: written.topology,
    weightSpecs: written.entries,
    weightData: written.weights,
    format: LAYERS_MODEL_FORMAT,
    generatedBy: generatedBy(),
    convertedBy: null,
    userDefinedMetadata: { autoencoders: written.settings as unknown as Record<string, unknown> },
  });
  const through = async (handler: tf.io.IOHandler, where: string): Promise<void> => {
    let result: tf.io.SaveResult;
    try {
      result = await handler.save!(artifacts());
    } catch (e) {
      throw new Error(`${fn}: could not save to ${where}: ${(e as Error).message}`);
    }
    const errors = (result as { errors?: unknown[] } | undefined)?.errors;
    if (Array.isArray(errors) && errors.length > 0) throw new Error(`${fn}: could not save to ${where}: ${errors.map(String).join('; ')}`);
  };
  if (typeof destination === 'string') {
    const scheme = schemeOf(destination);
    if (scheme !== undefined) {
      const handlers = tf.io.getSaveHandlers(destination);
      if (handlers.length !== 1 || handlers[0]?.save === undefined) {
        throw new Error(`${fn}: no tfjs-core handler saves to ${JSON.stringify(destination)} here (${scheme} needs a browser)`);
      }
      return through(handlers[0], JSON.stringify(destination));
    }
    const { fs, join } = await loadNodeFs(fn, 'destination', destination);
    try {
      await fs.mkdir(destination, { recursive: true });
      // Each file under a temporary name first, so that a reader never sees half a file.
      const files: [string, string | Uint8Array][] = [
        [WEIGHTS_BIN, new Uint8Array(written.weights)],
        [SETTINGS_JSON, written.settingsJson],
        [MODEL_JSON, written.modelJson],
      ];
      for (const [name, content] of files) await fs.writeFile(`${join(destination, name)}.tmp`, content);
      for (const [name] of files) await fs.rename(`${join(destination, name)}.tmp`, join(destination, name));
    } catch (e) {
      throw new Error(`${fn}: could not write to ${JSON.stringify(destination)}: ${(e as Error).message}`);
    }
    return;
  }
  if ((destination as { type?: unknown }).type === 'memory') return;
  return through(destination as tf.io.IOHandler, 'the IOHandler');
}

function generatedBy(): string {
  return `autoencoders (TensorFlow.js tfjs-layers v${tfl.version_layers})`;
}

function checkDestination(destination: unknown, fn: string): void {
  const expected = "a directory path, 'indexeddb://name', 'downloads://name', 'localstorage://name', { type: 'memory' } or a tfjs IOHandler with save()";
  if (typeof destination === 'string') {
    const scheme = schemeOf(destination);
    if (destination.length === 0) throw new TypeError(`${fn}: argument 'destination' must be a non-empty directory path, got the string ""`);
    if (scheme === undefined) return;
    if (!['indexeddb://', 'localstorage://', 'downloads://'].includes(scheme)) {
      throw new TypeError(`${fn}: argument 'destination' must be ${expected} (scheme ${scheme} is not supported), got ${describe(destination)}`);
    }
    if (destination.length === scheme.length) throw new TypeError(`${fn}: argument 'destination' must be a name after ${scheme}, got ${describe(destination)}`);
    return;
  }
  if (typeof destination === 'object' && destination !== null && (destination as { type?: unknown }).type === 'memory') return;
  if (isIOHandler(destination, 'save')) return;
  throw new TypeError(`${fn}: argument 'destination' must be ${expected}, got ${describe(destination)}`);
}

/**
 * Writes one network of an {@link Autoencoder}, {@link VAE} or {@link CVAE} as a standard TF.js
 * Layers model, which `tf.loadLayersModel` loads and `tensorflowjs_converter
 * --input_format=tfjs_layers_model --output_format=keras` converts to a Keras `.h5` file — so
 * that the network can be trained further with Python's tools (e.g. a distribution strategy) and
 * come back with {@link importLayersModel}.
 *
 * Files (in a directory; the other destinations get the same content):
 * - `model.json`: `{ format: 'layers-model', generatedBy, convertedBy: null, modelTopology,
 *   weightsManifest: [{ paths: ['weights.bin'], weights }], userDefinedMetadata: { autoencoders } }`,
 *   `modelTopology` being the network's `toJSON()` as tfjs-layers' own `model.save()` writes it;
 * - `weights.bin`: the weights, float32 little-endian, in `network.weights` order, named as
 *   tfjs-layers names them (`layer/kernel`, …);
 * - `autoencoders.json`: the settings a Layers file cannot hold — the model's `getConfig()` (the
 *   loss, sparsity and corruptor of an autoencoder; the likelihood and β of a VAE; numClasses of a
 *   CVAE, whose label convention follows from its networks' inputs) — which
 *   `Autoencoder/VAE/CVAE.fromLayersModels` reads to rebuild the model. In `model.json` they are
 *   repeated as `userDefinedMetadata.autoencoders` (the only place for them in IndexedDB, a
 *   download or an IOHandler).
 *
 * Not carried at all: the optimizer state, a custom loss function, and the other network (export
 * both). A VAE's encoder stays one functional model with two outputs `[mean, logVar]`.
 *
 * The network is checked first with {@link importLayersModel}'s rules (layer whitelist, weight
 * shapes), so that what is exported imports again.
 *
 * @param model - the model; not modified.
 * @param destination - as in {@link saveModel}: a directory path (Node), `'indexeddb://name'`,
 *   `'downloads://name'`, `'localstorage://name'`, `{ type: 'memory' }` or a tfjs IOHandler.
 * @param options - `{ network: 'encoder' | 'decoder' }`.
 * @returns {@link LayersExport}: `modelJson`, `weights`, `settingsJson`.
 * @throws TypeError for a value of the wrong kind; Error for a network outside the supported
 *   layers, or a failed write (naming the destination).
 * @category I/O
 * @example
 * ```ts
 * await exportLayersModel(vae, './export/encoder', { network: 'encoder' });
 * await exportLayersModel(vae, './export/decoder', { network: 'decoder' });
 * // then: tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras \
 * //         ./export/encoder/model.json encoder.h5
 * ```
 */
export async function exportLayersModel(model: Autoencoder | VAE | CVAE, destination: SaveDestination, options: ExportLayersOptions): Promise<LayersExport> {
  const fn = 'exportLayersModel';
  if (!(model instanceof Autoencoder || model instanceof VAE || model instanceof CVAE)) {
    throw new TypeError(`${fn}: argument 'model' must be an Autoencoder, VAE or CVAE of this package, got ${describe(model)}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: argument 'options' must be an object { network: 'encoder' | 'decoder' }, got ${describe(options)}`);
  rejectUnknownKeys(options, ['network'], fn, 'options');
  const which = options.network;
  if (which !== 'encoder' && which !== 'decoder') throw new Error(`${fn}: argument 'options.network' must be 'encoder' or 'decoder', got ${describe(which)}`);
  checkDestination(destination, fn);
  if (model.isDisposed) throw new Error(`${fn}: argument 'model' was disposed`);
  if ((model instanceof VAE || model instanceof CVAE) && model.prior.kind === 'vamp') {
    throw new Error(`${fn}: argument 'model' has a VampPrior, whose pseudo-inputs a Layers file cannot hold; save it with saveModel`);
  }

  const network = model[which];
  const topology = cleanJson(network.toJSON(null, false), fn, `model.${which}.toJSON()`) as JsonObject;
  let plan;
  try {
    plan = planNetwork(topology, fn, which);
  } catch (e) {
    throw new Error(`${fn}: the ${which} cannot be exported: ${(e as Error).message.replace(`${fn}: `, '')}`);
  }
  for (const layer of network.layers) {
    const planned = plan.layers.get(layer.name) ?? [];
    const fits = layer.weights.length === planned.length && layer.weights.every((w, j) => w.originalName === `${layer.name}/${planned[j]!.short}` && formatShape(w.shape) === formatShape(planned[j]!.shape));
    if (!fits) {
      throw new Error(`${fn}: the ${which}'s layer '${layer.name}' (${layer.getClassName()}) has weights its configuration does not describe; it cannot be exported faithfully`);
    }
  }
  const values = [];
  for (const w of network.weights) {
    const tensor = w.read();
    if (tensor.dtype !== 'float32') throw new Error(`${fn}: the weight '${w.originalName}' is ${tensor.dtype}; only float32 weights can be exported`);
    values.push({ name: w.originalName, shape: [...tensor.shape], dtype: 'float32' as const, values: (await tensor.data()) as Float32Array });
  }
  const { entries, data } = encodeWeights(values);
  const settings: LayersSettings = {
    format: LAYERS_SETTINGS_FORMAT,
    version: LAYERS_SETTINGS_VERSION,
    kind: model.kind,
    network: which,
    config: model.getConfig(),
    notCarried: NOT_CARRIED,
  };
  const modelJson = JSON.stringify({
    format: LAYERS_MODEL_FORMAT,
    generatedBy: generatedBy(),
    convertedBy: null,
    modelTopology: topology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: entries }],
    userDefinedMetadata: { autoencoders: settings },
  });
  if (modelJson.length > MODEL_FILE_LIMITS.maxModelJsonLength) {
    throw new Error(`${fn}: model.json would be ${modelJson.length} characters long, more than the limit of ${MODEL_FILE_LIMITS.maxModelJsonLength}`);
  }
  // importLayersModel's own checks (they allocate nothing), so that what is written imports again.
  try {
    checkLayersModelJson(JSON.parse(modelJson), fn, MODEL_FILE_LIMITS.maxWeightBytes);
  } catch (e) {
    throw new Error(`${fn}: the ${which} cannot be exported in a form importLayersModel accepts: ${(e as Error).message.replace(`${fn}: `, '')}`);
  }
  const settingsJson = JSON.stringify(settings, null, 2);
  const written: Written = { modelJson, weights: data, settingsJson, topology, entries: entries as tf.io.WeightsManifestEntry[], settings };
  await writeTo(destination, written, fn);
  return { modelJson, weights: data, settingsJson };
}
