/**
 * Checking a TF.js `layers-model` file — what tfjs-layers' `model.save()`, {@link exportLayersModel}
 * and `tensorflowjs_converter --input_format=keras` write — as untrusted input, before anything is
 * allocated for it: the envelope, the Keras `model_config` wrapper, the network (the layer
 * whitelist and inferred weight shapes of `topology.ts`), and the manifest against the network.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type Json, type JsonObject, bad, cleanJson, isObject, onlyKeys, own } from './json.js';
import { MODEL_FORMAT } from './limits.js';
import { type LayersManifest, parseLayersManifest } from './layers-manifest.js';
import { type NetworkPlan, planNetwork } from './topology.js';

/** The `format` of a TF.js Layers model file. @internal */
export const LAYERS_MODEL_FORMAT = 'layers-model';

/** Marks a Keras-only field that is dropped whatever its value. */
const ANY = '<any value>';

/**
 * Config fields Keras writes that tfjs-layers does not know, with the one value under which
 * dropping them changes nothing (`ANY`: a field without effect on inference). Any other value is
 * refused, since tfjs-layers would silently build another layer.
 */
const KERAS_ONLY: Readonly<Record<string, Readonly<Record<string, Json>>>> = {
  Conv1D: { groups: 1 },
  Conv2D: { groups: 1 },
  Conv2DTranspose: { groups: 1, output_padding: null },
  DepthwiseConv2D: { groups: 1 },
  SeparableConv2D: { groups: 1 },
  ReLU: { negative_slope: 0, threshold: 0 },
  BatchNormalization: { synchronized: false },
  GaussianNoise: { seed: ANY },
  GaussianDropout: { seed: ANY },
  GlobalAveragePooling1D: { keepdims: false },
  GlobalMaxPooling1D: { keepdims: false },
  GlobalAveragePooling2D: { keepdims: false },
  GlobalMaxPooling2D: { keepdims: false },
};

/** Removes the Keras-only fields of each layer config (in place, on a checked copy). */
function dropKerasFields(topology: JsonObject, fn: string, path: string): void {
  const config = own(topology, 'config');
  // Some Keras versions record `trainable` on the model itself: it has no effect on inference.
  if (isObject(config) && typeof own(config, 'trainable') === 'boolean') delete config['trainable'];
  const layers = isObject(config) ? own(config, 'layers') : undefined;
  if (!Array.isArray(layers)) return; // planNetwork reports it
  layers.forEach((layer, i) => {
    if (!isObject(layer)) return;
    const className = own(layer, 'class_name');
    const layerConfig = own(layer, 'config');
    if (typeof className !== 'string' || !isObject(layerConfig) || !Object.prototype.hasOwnProperty.call(KERAS_ONLY, className)) return;
    for (const [key, neutral] of Object.entries(KERAS_ONLY[className]!)) {
      const value = own(layerConfig, key);
      if (value === undefined) continue;
      if (neutral !== ANY && JSON.stringify(value) !== JSON.stringify(neutral)) {
        throw new Error(
          `${fn}: field '${path}.config.layers[${i}].config.${key}' of the ${className} layer is ${JSON.stringify(value)}; ` +
            `tfjs-layers has no such option, so only ${JSON.stringify(neutral)} (the Keras default) can be imported`,
        );
      }
      delete layerConfig[key];
    }
  });
}

/**
 * The network topology of a `modelTopology`: tfjs-layers' own `{ class_name, config, keras_version?,
 * backend? }`, or the converter's Keras wrapper `{ keras_version, backend, model_config,
 * training_config? }` (the training configuration is dropped: losses and optimizers of Keras are
 * not imported).
 */
function unwrapTopology(value: Json | undefined, fn: string, path: string): { topology: JsonObject; path: string } {
  if (!isObject(value)) bad(fn, path, 'a network topology { class_name, config } or a Keras wrapper { model_config, … }', value);
  if (own(value, 'model_config') === undefined) return { topology: value, path };
  onlyKeys(value, ['keras_version', 'backend', 'model_config', 'training_config'], fn, path);
  const inner = own(value, 'model_config');
  if (!isObject(inner)) bad(fn, `${path}.model_config`, 'a network topology { class_name, config }', inner);
  const out: JsonObject = { ...inner };
  for (const key of ['keras_version', 'backend']) {
    const v = own(value, key);
    if (v !== undefined && own(out, key) === undefined) out[key] = v;
  }
  return { topology: out, path: `${path}.model_config` };
}

/** A checked `layers-model` file, nothing allocated yet. @internal */
export interface CheckedLayersModel {
  readonly plan: NetworkPlan;
  readonly manifest: LayersManifest;
  readonly metadata: JsonObject | undefined;
}

/** Checks the `format` field of a file or of model artifacts. @internal */
export function checkLayersFormat(format: Json | undefined, fn: string): void {
  if (format === undefined || format === null || format === LAYERS_MODEL_FORMAT) return;
  const hint =
    format === MODEL_FORMAT
      ? ' (this file was written by saveModel: read it with loadModel)'
      : format === 'graph-model'
        ? ' (a graph model: convert the Keras model with --output_format=tfjs_layers_model)'
        : '';
  bad(fn, 'format', `'${LAYERS_MODEL_FORMAT}'${hint}`, format);
}

/**
 * Checks a network topology and a manifest against each other: every weight the layers create
 * is in the manifest with the same shape, and the manifest holds nothing else.
 * @internal
 */
export function checkLayersModel(topologyValue: Json | undefined, manifest: LayersManifest, metadataValue: Json | undefined, fn: string): CheckedLayersModel {
  const { topology, path } = unwrapTopology(topologyValue, fn, 'modelTopology');
  dropKerasFields(topology, fn, path);
  const plan = planNetwork(topology, fn, path);
  const specs = new Map(manifest.specs.map((s) => [s.name, s]));
  const planned = new Set<string>();
  for (const w of plan.weights) {
    planned.add(w.name);
    const spec = specs.get(w.name);
    if (spec === undefined) {
      const layer = w.name.slice(0, w.name.lastIndexOf('/'));
      throw new Error(`${fn}: the weights manifest lacks '${w.name}', a weight of the layer '${layer}'`);
    }
    if (formatShape(spec.shape) !== formatShape(w.shape)) {
      throw new Error(`${fn}: weight '${w.name}' has shape ${formatShape(spec.shape)} in the manifest, but the layer configuration gives ${formatShape(w.shape)}`);
    }
  }
  for (const name of specs.keys()) {
    if (!planned.has(name)) throw new Error(`${fn}: the weights manifest holds '${name}', which no layer of the network creates`);
  }
  if (metadataValue !== undefined && !isObject(metadataValue)) bad(fn, 'userDefinedMetadata', 'an object', metadataValue);
  return { plan, manifest, metadata: metadataValue };
}

/**
 * Checks the parsed `model.json` of a `layers-model` file (the envelope, then
 * {@link checkLayersModel}).
 * @internal
 */
export function checkLayersModelJson(parsed: unknown, fn: string, maxBytes: number): CheckedLayersModel {
  const json = cleanJson(parsed, fn, 'model.json');
  if (!isObject(json)) bad(fn, 'model.json', 'a JSON object', json);
  checkLayersFormat(own(json, 'format'), fn);
  onlyKeys(json, ['format', 'generatedBy', 'convertedBy', 'modelTopology', 'weightsManifest', 'userDefinedMetadata', 'trainingConfig'], fn, 'model.json');
  for (const key of ['generatedBy', 'convertedBy']) {
    const v = own(json, key);
    if (v !== undefined && v !== null && typeof v !== 'string') bad(fn, `model.json.${key}`, 'a string or null', v);
  }
  const manifest = parseLayersManifest(own(json, 'weightsManifest'), fn, 'model.json.weightsManifest', maxBytes, 'manifest');
  return checkLayersModel(own(json, 'modelTopology'), manifest, own(json, 'userDefinedMetadata'), fn);
}
