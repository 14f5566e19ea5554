/**
 * Checking a tfjs-layers network topology (`model.toJSON()`, Keras JSON with snake_case keys)
 * before any of it reaches tfjs-layers: only whitelisted layer, initializer, regularizer and
 * constraint classes, only the config fields each layer class has, and the shape of every weight
 * inferred from the configs, so that the weights a network would create are known — and compared
 * with the weights file — before a single one is allocated. The config readers are in
 * topology-config.ts, the shape rule of each layer class in topology-layers.ts.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type Json, type JsonObject, arrayAt, bad, integer, isObject, onlyKeys, own, stringAt } from './json.js';
import { MODEL_FILE_LIMITS } from './limits.js';
import { type LayerContext, type Shape, known, layerError } from './topology-config.js';
import { LAYERS, SUPPORTED_LAYERS } from './topology-layers.js';

/** One weight a layer creates: its name within the layer, shape and trainability. @internal */
export interface PlannedWeight {
  readonly short: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
}

/** What the checks found out about one network. @internal */
export interface NetworkPlan {
  /** The checked copy of the topology, to give to tfjs-layers. */
  readonly topology: JsonObject;
  /** Weights of each layer that has any, in creation order, by layer name. */
  readonly layers: ReadonlyMap<string, readonly PlannedWeight[]>;
  /** Every weight `layer/short` of the network: trainable ones first (layer order), then the others. */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly trainable: boolean }[];
}

const MODEL_CLASSES = ['Model', 'Functional', 'Sequential'] as const;

/** Initializer, regularizer and constraint classes a layer config may name. */
const AUXILIARY_CLASSES = [
  'Zeros',
  'Ones',
  'Constant',
  'RandomUniform',
  'RandomNormal',
  'TruncatedNormal',
  'VarianceScaling',
  'GlorotUniform',
  'GlorotNormal',
  'HeUniform',
  'HeNormal',
  'LeCunUniform',
  'LeCunNormal',
  'Identity',
  'L1L2',
  'MaxNorm',
  'UnitNorm',
  'NonNeg',
  'MinMaxNorm',
];

/** Activation names (tfjs-layers, snake_case as `toJSON` writes them, and camelCase). */
const ACTIVATION_NAMES = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hard_sigmoid',
  'hardSigmoid',
  'tanh',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
  'softmax',
  'log_softmax',
  'logSoftmax',
];

const BASE_KEYS = ['name', 'trainable', 'dtype', 'batch_input_shape'];

const NAME_PATTERN = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

function checkLayerName(v: unknown, fn: string, path: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 256 || !NAME_PATTERN.test(v)) {
    bad(fn, path, 'a layer name (letters, digits, - . _ /; at most 256 characters)', v);
  }
  return v;
}

/** Checks the values of a layer config that tfjs-layers interprets by name. */
function checkConfigValues(c: LayerContext): void {
  for (const [key, value] of Object.entries(c.config)) {
    const path = `${c.path}.config.${key}`;
    if (key === 'activation') {
      if (typeof value !== 'string' || !ACTIVATION_NAMES.includes(value)) bad(c.fn, path, `one of ${ACTIVATION_NAMES.join(', ')}`, value);
    } else if (key === 'dtype') {
      if (value !== 'float32') bad(c.fn, path, "'float32'", value);
    } else if (isObject(value)) {
      checkAuxiliary(value, c.fn, path);
    } else if (Array.isArray(value)) {
      checkScalarArray(value, c.fn, path);
    }
  }
}

function checkScalarArray(value: readonly Json[], fn: string, path: string): void {
  value.forEach((x, i) => {
    if (Array.isArray(x)) checkScalarArray(x, fn, `${path}[${i}]`);
    else if (typeof x === 'object' && x !== null) bad(fn, `${path}[${i}]`, 'a number, string, boolean, null or list', x);
  });
}

/** An initializer, regularizer or constraint: `{ class_name, config }` of a whitelisted class. */
function checkAuxiliary(value: JsonObject, fn: string, path: string): void {
  onlyKeys(value, ['class_name', 'config'], fn, path);
  const className = own(value, 'class_name');
  if (typeof className !== 'string' || !AUXILIARY_CLASSES.includes(className)) {
    throw new Error(
      `${fn}: field '${path}.class_name' names ${typeof className === 'string' ? `the class ${JSON.stringify(className)}` : describeJson(className)}, ` +
        `which is not an initializer, regularizer or constraint this package loads (${AUXILIARY_CLASSES.join(', ')})`,
    );
  }
  const config = own(value, 'config');
  if (!isObject(config)) bad(fn, `${path}.config`, 'an object', config);
  for (const [key, v] of Object.entries(config)) {
    if (Array.isArray(v)) checkScalarArray(v, fn, `${path}.config.${key}`);
    else if (typeof v === 'object' && v !== null) bad(fn, `${path}.config.${key}`, 'a number, string, boolean, null or list', v);
  }
}

function describeJson(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function readBatchShape(v: unknown, fn: string, path: string): Shape {
  if (!Array.isArray(v) || v.length < 2 || v.length > 8) bad(fn, path, 'a batch shape [null, ...] of rank 2 to 8', v);
  if (v[0] !== null) bad(fn, `${path}[0]`, 'null (the batch axis)', v[0]);
  return [null, ...v.slice(1).map((d, i) => (d === null ? null : integer(d, fn, `${path}[${i + 1}]`, 1, MODEL_FILE_LIMITS.maxDimension)))];
}

/** One layer entry of a topology, checked. */
interface LayerEntry {
  readonly name: string;
  readonly className: string;
  readonly config: JsonObject;
  readonly path: string;
  readonly inbound: readonly { layer: string; node: number; tensor: number }[][];
}

function readLayer(value: Json, fn: string, path: string, functional: boolean): LayerEntry {
  if (!isObject(value)) bad(fn, path, 'a layer object { class_name, config }', value);
  onlyKeys(value, functional ? ['name', 'class_name', 'config', 'inbound_nodes'] : ['class_name', 'config'], fn, path);
  const className = stringAt(value, 'class_name', fn, path);
  if (className !== 'InputLayer' && !Object.prototype.hasOwnProperty.call(LAYERS, className)) {
    const nested = (MODEL_CLASSES as readonly string[]).includes(className);
    throw new Error(
      `${fn}: layer class ${JSON.stringify(className)} at '${path}' is not supported` +
        (nested ? ' (nested models: build one flat model from their layers)' : '') +
        `; supported layer classes: ${SUPPORTED_LAYERS.join(', ')}`,
    );
  }
  const config = own(value, 'config');
  if (!isObject(config)) bad(fn, `${path}.config`, 'an object', config);
  const name = checkLayerName(own(config, 'name'), fn, `${path}.config.name`);
  if (functional && own(value, 'name') !== name) bad(fn, `${path}.name`, `the layer's config name ${JSON.stringify(name)}`, own(value, 'name'));
  const spec = className === 'InputLayer' ? undefined : LAYERS[className]!;
  const allowed = spec === undefined ? ['name', 'batch_input_shape', 'dtype', 'sparse', 'ragged'] : [...BASE_KEYS, ...spec.keys];
  onlyKeys(config, allowed, fn, `${path}.config`);
  const trainable = own(config, 'trainable');
  if (trainable !== undefined && typeof trainable !== 'boolean') bad(fn, `${path}.config.trainable`, 'a boolean', trainable);
  const inbound: { layer: string; node: number; tensor: number }[][] = [];
  if (functional) {
    const nodes = arrayAt(value, 'inbound_nodes', fn, path);
    if (nodes.length > MODEL_FILE_LIMITS.maxLayers) bad(fn, `${path}.inbound_nodes`, `at most ${MODEL_FILE_LIMITS.maxLayers} nodes`, nodes);
    nodes.forEach((node, i) => {
      const p = `${path}.inbound_nodes[${i}]`;
      if (!Array.isArray(node) || node.length === 0 || node.length > 64) bad(fn, p, 'a list of 1 to 64 inputs', node);
      inbound.push(node.map((ref, j) => readRef(ref, fn, `${p}[${j}]`, true)));
    });
  }
  return { name, className, config, path, inbound };
}

/** `[layerName, nodeIndex, tensorIndex]`, with an empty kwargs object in inbound nodes. */
function readRef(ref: Json, fn: string, path: string, withKwargs: boolean): { layer: string; node: number; tensor: number } {
  const n = withKwargs ? 4 : 3;
  if (!Array.isArray(ref) || (ref.length !== n && !(withKwargs && ref.length === 3))) bad(fn, path, `[layerName, nodeIndex, tensorIndex${withKwargs ? ', {}' : ''}]`, ref);
  const layer = checkLayerName(ref[0], fn, `${path}[0]`);
  const node = integer(ref[1], fn, `${path}[1]`, 0, MODEL_FILE_LIMITS.maxLayers);
  const tensor = integer(ref[2], fn, `${path}[2]`, 0, 0);
  if (ref.length === 4) {
    const kwargs = ref[3];
    if (!isObject(kwargs) || Object.keys(kwargs).length > 0) bad(fn, `${path}[3]`, 'an empty object (call arguments are not supported)', kwargs);
  }
  return { layer, node, tensor };
}

/** Infers one layer call and records the layer's weights the first time it is called. */
function callLayer(
  entry: LayerEntry,
  inputs: readonly Shape[],
  fn: string,
  weights: Map<string, readonly PlannedWeight[]>,
): Shape {
  const spec = LAYERS[entry.className]!;
  const c: LayerContext = { fn, path: entry.path, name: entry.name, className: entry.className, config: entry.config };
  if (spec.inputs === 1 && inputs.length !== 1) layerError(c, `expects one input, got ${inputs.length}`);
  const inferred = spec.infer(c, inputs);
  let perSample = 1;
  for (const d of inferred.output.slice(1)) perSample *= d ?? 1;
  if (perSample > MODEL_FILE_LIMITS.maxActivationValues) {
    layerError(c, `gives ${perSample} values per sample (${formatShape(inferred.output)}), more than the limit of ${MODEL_FILE_LIMITS.maxActivationValues}`);
  }
  if (!weights.has(entry.name)) {
    const layerTrainable = own(entry.config, 'trainable') !== false;
    weights.set(
      entry.name,
      inferred.weights.map((w) => ({
        short: w.short,
        shape: w.shape.map((d) => known(c, d, `size of weight '${w.short}'`)),
        trainable: layerTrainable && w.trainable !== false,
      })),
    );
  }
  return inferred.output;
}

function planSequential(config: JsonObject, fn: string, path: string, weights: Map<string, readonly PlannedWeight[]>): string[] {
  onlyKeys(config, ['name', 'layers'], fn, path);
  const list = arrayAt(config, 'layers', fn, path);
  if (list.length === 0 || list.length > MODEL_FILE_LIMITS.maxLayers) bad(fn, `${path}.layers`, `a list of 1 to ${MODEL_FILE_LIMITS.maxLayers} layers`, list);
  const entries = list.map((l, i) => readLayer(l, fn, `${path}.layers[${i}]`, false));
  const first = entries[0]!;
  const batchShape = own(first.config, 'batch_input_shape');
  if (batchShape === undefined) {
    throw new Error(`${fn}: the first layer of a Sequential model at '${path}' must record its input shape (batch_input_shape)`);
  }
  let shape = readBatchShape(batchShape, fn, `${first.path}.config.batch_input_shape`);
  const names: string[] = [];
  for (const [i, entry] of entries.entries()) {
    names.push(entry.name);
    if (entry.className === 'InputLayer') {
      if (i !== 0) throw new Error(`${fn}: an InputLayer may only come first in a Sequential model (at '${entry.path}')`);
      continue;
    }
    checkConfigValues({ fn, path: entry.path, name: entry.name, className: entry.className, config: entry.config });
    shape = callLayer(entry, [shape], fn, weights);
  }
  return names;
}

function planFunctional(config: JsonObject, fn: string, path: string, weights: Map<string, readonly PlannedWeight[]>): string[] {
  onlyKeys(config, ['name', 'layers', 'input_layers', 'output_layers'], fn, path);
  const list = arrayAt(config, 'layers', fn, path);
  if (list.length === 0 || list.length > MODEL_FILE_LIMITS.maxLayers) bad(fn, `${path}.layers`, `a list of 1 to ${MODEL_FILE_LIMITS.maxLayers} layers`, list);
  const entries = list.map((l, i) => readLayer(l, fn, `${path}.layers[${i}]`, true));
  const byName = new Map<string, LayerEntry>();
  for (const e of entries) {
    if (byName.has(e.name)) throw new Error(`${fn}: two layers are named ${JSON.stringify(e.name)} at '${path}.layers'`);
    byName.set(e.name, e);
    if (e.className !== 'InputLayer') checkConfigValues({ fn, path: e.path, name: e.name, className: e.className, config: e.config });
  }
  const outputsOf = new Map<string, Shape[]>();
  for (const e of entries) {
    if (e.className !== 'InputLayer') continue;
    if (e.inbound.length > 0) throw new Error(`${fn}: the InputLayer at '${e.path}' must have no inbound nodes`);
    outputsOf.set(e.name, [readBatchShape(own(e.config, 'batch_input_shape'), fn, `${e.path}.config.batch_input_shape`)]);
  }
  // Process nodes as their inputs become available (tfjs-layers does the same).
  let progress = true;
  while (progress) {
    progress = false;
    for (const e of entries) {
      if (e.className === 'InputLayer') continue;
      const done = outputsOf.get(e.name) ?? [];
      while (done.length < e.inbound.length) {
        const node = e.inbound[done.length]!;
        const inputs: Shape[] = [];
        for (const ref of node) {
          if (!byName.has(ref.layer)) throw new Error(`${fn}: layer '${e.name}' at '${e.path}' reads from an unknown layer '${ref.layer}'`);
          const shape = outputsOf.get(ref.layer)?.[ref.node];
          if (shape === undefined) break;
          inputs.push(shape);
        }
        if (inputs.length < node.length) break;
        done.push(callLayer(e, inputs, fn, weights));
        progress = true;
      }
      outputsOf.set(e.name, done);
    }
  }
  for (const e of entries) {
    if (e.className !== 'InputLayer' && (outputsOf.get(e.name)?.length ?? 0) < e.inbound.length) {
      throw new Error(`${fn}: layer '${e.name}' at '${e.path}' cannot be reached from the inputs (a cycle or a missing node)`);
    }
  }
  for (const key of ['input_layers', 'output_layers']) {
    const refs = arrayAt(config, key, fn, path);
    if (refs.length === 0 || refs.length > 64) bad(fn, `${path}.${key}`, 'a list of 1 to 64 [layerName, nodeIndex, tensorIndex]', refs);
    refs.forEach((r, i) => {
      const ref = readRef(r, fn, `${path}.${key}[${i}]`, false);
      const target = byName.get(ref.layer);
      if (target === undefined || (outputsOf.get(ref.layer)?.length ?? 0) <= ref.node) {
        throw new Error(`${fn}: field '${path}.${key}[${i}]' names no existing node of a layer ('${ref.layer}', node ${ref.node})`);
      }
      if (key === 'input_layers' && target.className !== 'InputLayer') {
        throw new Error(`${fn}: field '${path}.${key}[${i}]' must name an InputLayer, names '${ref.layer}' (${target.className})`);
      }
    });
  }
  return entries.map((e) => e.name);
}

/**
 * Checks a network topology (the JSON of `tfl.LayersModel.toJSON(null, false)`) and infers every
 * weight it creates. Throws an Error naming the field for anything outside the supported subset.
 * @internal
 */
export function planNetwork(value: Json | undefined, fn: string, path: string): NetworkPlan {
  if (!isObject(value)) bad(fn, path, 'a tfjs-layers model topology { class_name, config }', value);
  onlyKeys(value, ['class_name', 'config', 'keras_version', 'backend'], fn, path);
  for (const key of ['keras_version', 'backend']) {
    const v = own(value, key);
    if (v !== undefined && typeof v !== 'string') bad(fn, `${path}.${key}`, 'a string', v);
  }
  const className = own(value, 'class_name');
  if (typeof className !== 'string' || !(MODEL_CLASSES as readonly string[]).includes(className)) {
    bad(fn, `${path}.class_name`, `one of ${MODEL_CLASSES.map((m) => `'${m}'`).join(', ')}`, className);
  }
  const config = own(value, 'config');
  if (!isObject(config)) bad(fn, `${path}.config`, 'an object', config);
  const name = own(config, 'name');
  if (name !== undefined) checkLayerName(name, fn, `${path}.config.name`);
  const layers = new Map<string, readonly PlannedWeight[]>();
  const order = className === 'Sequential' ? planSequential(config, fn, `${path}.config`, layers) : planFunctional(config, fn, `${path}.config`, layers);
  const all: { name: string; shape: readonly number[]; trainable: boolean }[] = [];
  for (const trainable of [true, false]) {
    for (const layer of order) {
      for (const w of layers.get(layer) ?? []) if (w.trainable === trainable) all.push({ name: `${layer}/${w.short}`, shape: w.shape, trainable });
    }
  }
  for (const [layer, ws] of [...layers]) if (ws.length === 0) layers.delete(layer);
  return { topology: value, layers, weights: all };
}
