/**
 * The saved-model document: what {@link saveModel} writes as `modelTopology` of `model.json`, and
 * its checking and rebuilding on load.
 *
 * ```
 * { format: 'autoencoders/model', version: '1.0', kind: 'autoencoder' | 'vae' | 'cvae' | 'pca' | 'vqvae' | 'kernel-pca',
 *   config: { …the model's getConfig() without kind… },
 *   networks: { encoder: <tfjs-layers topology>, decoder: <tfjs-layers topology> },   // models
 *   training: { optimizer: { className, config }, initialEpoch, seed } }             // optional
 * ```
 * Weights are named `encoder/<layer>/<weight>`, `decoder/…`, `optimizer/…`, `pca/…`, `kernel-pca/…` (see
 * kernel-pca.ts) and (VQ-VAE) `codebook/…`. A PCA's optional `pca/featureVariance` `[d]` and
 * `pca/scatter` `[d, d]` (a `mergeable` fit's sufficient statistics) are written when it has them.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, formatShape } from '../core/index.js';
import { Autoencoder, CVAE, VAE, VQVAE, type LossFunction } from '../models/index.js';
import { type Corruptor, corruptorFromConfig } from '../noise/index.js';
import { KernelPCA, PCA, type PCAJSON } from '../pca/index.js';
import { type Json, type JsonObject, bad, cleanJson, integer, isObject, objectAt, onlyKeys, own } from './json.js';
import { MODEL_FORMAT, MODEL_FORMAT_MAJOR, MODEL_FORMAT_VERSION } from './limits.js';
import { type OptimizerPlan, planOptimizer, saveOptimizer } from './optimizer.js';
import { type NetworkPlan, planNetwork } from './topology.js';
import type { ModelKind, SavableModel, SaveOptions } from './types.js';
import { type WeightSpec, type WeightValues, readValues } from './weights.js';
import { CODEBOOK, checkCodebookSpecs } from './codebook.js';
import { PSEUDO_INPUTS, checkPriorSpecs } from './prior.js';
import { savedObjective } from './objective.js';
import { buildKernelPca, checkKernelPcaSpecs, describeKernelPca } from './kernel-pca.js';
import { deserializeNetwork } from './deserialize.js';

const NETWORKS = ['encoder', 'decoder'] as const;
type NetworkName = (typeof NETWORKS)[number];
type NeuralModel = Autoencoder | VAE | CVAE | VQVAE;

const PCA_ARRAYS = ['mean', 'components', 'explainedVariance', 'explainedVarianceRatio', 'singularValues'] as const;
/** Arrays a PCA state has only sometimes: saved when present (incremental and `mergeable` fits). */
const PCA_OPTIONAL_ARRAYS = ['featureVariance', 'scatter'] as const;
const PCA_STATE_KEYS = ['solver', 'nFeatures', 'nComponents', 'nSamplesSeen', 'noiseVariance', 'sumSquares'] as const;
/** Largest `d` of a saved PCA, and largest `d²` of its scatter matrix (as `PCA.fromJSON`). */
const PCA_MAX_VALUES = 0x4000000; // 2²⁶

/** The model kind of a value, or a TypeError. @internal */
export function kindOfModel(model: unknown, fn: string): ModelKind {
  if (model instanceof Autoencoder) return 'autoencoder';
  if (model instanceof VAE) return 'vae';
  if (model instanceof CVAE) return 'cvae';
  if (model instanceof VQVAE) return 'vqvae';
  if (model instanceof PCA) return 'pca';
  if (model instanceof KernelPCA) return 'kernel-pca';
  throw new TypeError(`${fn}: argument 'model' must be an Autoencoder, VAE, CVAE, VQVAE, PCA or KernelPCA of this package, got ${describe(model)}`);
}

/** Maps each weight of a built network to its name `layer/short`, checking it against the plan. */
function nameWeights(network: tfl.LayersModel, plan: NetworkPlan, fn: string, which: NetworkName): Map<tfl.LayerVariable, string> {
  const names = new Map<tfl.LayerVariable, string>();
  for (const layer of network.layers) {
    const planned = plan.layers.get(layer.name) ?? [];
    const actual = layer.weights;
    const describeAll = (list: readonly { shape: readonly (number | null)[] }[]): string => list.map((w) => formatShape(w.shape)).join(', ') || 'none';
    const fits = actual.length === planned.length && actual.every((w, j) => formatShape(w.shape) === formatShape(planned[j]!.shape));
    if (!fits) {
      throw new Error(
        `${fn}: the ${which}'s layer '${layer.name}' (${layer.getClassName()}) has weights of shapes ${describeAll(actual)}, ` +
          `but its configuration describes ${describeAll(planned)}; this layer cannot be saved faithfully`,
      );
    }
    actual.forEach((w, j) => names.set(w, `${layer.name}/${planned[j]!.short}`));
  }
  return names;
}

/** The weights of a network in `network.weights` order, with their names. */
function orderedWeights(network: tfl.LayersModel, plan: NetworkPlan, fn: string, which: NetworkName): { name: string; variable: tfl.LayerVariable }[] {
  const names = nameWeights(network, plan, fn, which);
  return network.weights.map((w) => {
    const name = names.get(w);
    if (name === undefined) throw new Error(`${fn}: the ${which} has a weight '${w.name}' outside its layers`);
    return { name: `${which}/${name}`, variable: w };
  });
}

function configOf(model: NeuralModel, fn: string, options: SaveOptions): JsonObject {
  const { kind: _kind, ...config } = model.getConfig() as unknown as Record<string, unknown>;
  if (model instanceof Autoencoder && config['loss'] === 'custom' && options.omitCustomLoss !== true) {
    throw new Error(
      `${fn}: the model's loss is a custom function, which cannot be saved; pass options.omitCustomLoss: true ` +
        'to save the model without it, and give the function to loadModel as options.loss',
    );
  }
  return cleanJson(config, fn, 'model.getConfig()') as JsonObject;
}

/**
 * The document and weight values of a model (reads the weights asynchronously).
 * @internal
 */
export async function describeModel(model: SavableModel, options: SaveOptions, fn: string): Promise<{ document: JsonObject; weights: WeightValues[] }> {
  const kind = kindOfModel(model, fn);
  const head: JsonObject = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind };
  if (model instanceof PCA) {
    if (options.training !== undefined) fail(fn, 'options.training', 'absent for a PCA (it is not trained by train())', options.training);
    const json = model.toJSON();
    const { state } = json;
    const weights: WeightValues[] = [];
    let stateConfig: JsonObject | null = null;
    if (state !== null) {
      const { nFeatures: d, nComponents: k } = state;
      stateConfig = {
        solver: state.solver,
        nFeatures: d,
        nComponents: k,
        nSamplesSeen: state.nSamplesSeen,
        noiseVariance: state.noiseVariance,
        sumSquares: state.sumSquares,
      };
      for (const key of PCA_ARRAYS) {
        weights.push({ name: `pca/${key}`, shape: pcaShape(key, k, d), dtype: 'float64', values: Float64Array.from(state[key]) });
      }
      for (const key of PCA_OPTIONAL_ARRAYS) {
        const values = state[key];
        if (values !== undefined) weights.push({ name: `pca/${key}`, shape: pcaShape(key, k, d), dtype: 'float64', values: Float64Array.from(values) });
      }
    }
    const config: JsonObject = { options: cleanJson(json.options, fn, 'pca.toJSON().options'), state: stateConfig };
    return { document: { ...head, config }, weights };
  }
  if (model instanceof KernelPCA) {
    if (options.training !== undefined) fail(fn, 'options.training', 'absent for a KernelPCA (it is not trained by train())', options.training);
    const { config, weights } = describeKernelPca(model, fn);
    return { document: { ...head, config }, weights };
  }
  if (model.isDisposed) throw new Error(`${fn}: argument 'model' was disposed`);
  const config = configOf(model, fn, options);
  const networks: JsonObject = {};
  const weights: WeightValues[] = [];
  const seen = new Map<number, string>();
  const trainableNames: string[] = [];
  for (const which of NETWORKS) {
    const network = model[which];
    const topology = cleanJson(network.toJSON(null, false), fn, `model.${which}.toJSON()`);
    let plan: NetworkPlan;
    try {
      plan = planNetwork(topology, fn, `${which}`);
    } catch (e) {
      throw new Error(`${fn}: the ${which} cannot be saved: ${(e as Error).message.replace(`${fn}: `, '')}`);
    }
    networks[which] = plan.topology;
    // A layer built with trainable: false keeps variables whose own flag says trainable.
    const trainable = new Set(network.trainableWeights);
    for (const { name, variable } of orderedWeights(network, plan, fn, which)) {
      const tensor = variable.read();
      const other = seen.get(tensor.id);
      if (other !== undefined) {
        throw new Error(`${fn}: the weight '${name}' is shared with '${other}'; networks that share layers cannot be saved`);
      }
      seen.set(tensor.id, name);
      if (tensor.dtype !== 'float32') throw new Error(`${fn}: the weight '${name}' is ${tensor.dtype}; only float32 weights can be saved`);
      if (trainable.has(variable)) trainableNames.push(name);
      weights.push({ name, shape: [...tensor.shape], dtype: 'float32', values: (await tensor.data()) as Float32Array });
    }
  }
  if (model instanceof VQVAE) {
    for (const [short, variable] of Object.entries(model.codebookVariables())) {
      const name = `${CODEBOOK}/${short}`;
      seen.set(variable.id, name);
      if (variable.trainable) trainableNames.push(name);
      weights.push({ name, shape: [...variable.shape], dtype: 'float32', values: (await variable.data()) as Float32Array });
    }
  }
  if ((model instanceof VAE || model instanceof CVAE) && model.pseudoInputs !== null) {
    const variable = model.pseudoInputs;
    seen.set(variable.id, PSEUDO_INPUTS);
    trainableNames.push(PSEUDO_INPUTS);
    weights.push({ name: PSEUDO_INPUTS, shape: [...variable.shape], dtype: 'float32', values: (await variable.data()) as Float32Array });
  }
  // The trainer's variable order (optimizer state is positional) must be the file's trainable order.
  const order = model.trainableVariables.map((v) => seen.get(v.id));
  if (order.length !== trainableNames.length || order.some((name, i) => name !== trainableNames[i])) {
    throw new Error(`${fn}: the model's trainable variables are not those of its encoder and decoder in order; it cannot be saved`);
  }
  const document: JsonObject = { ...head, config, networks };
  if (options.training !== undefined) {
    const t = options.training as unknown;
    if (typeof t !== 'object' || t === null) fail(fn, 'options.training', '{ optimizer, initialEpoch, seed }', t);
    const { optimizer, initialEpoch, seed } = t as Record<string, unknown>;
    integer(initialEpoch, fn, 'options.training.initialEpoch', 0, 2 ** 31 - 1);
    integer(seed, fn, 'options.training.seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const saved = await saveOptimizer(optimizer as tf.Optimizer, model.trainableVariables, fn, 'options.training.optimizer');
    document['training'] = { optimizer: saved.description, initialEpoch: initialEpoch as number, seed: seed as number };
    weights.push(...saved.weights);
  }
  return { document, weights };
}

function fail(fn: string, arg: string, expected: string, got: unknown): never {
  throw new Error(`${fn}: argument '${arg}' must be ${expected}, got ${describe(got)}`);
}

function pcaShape(key: (typeof PCA_ARRAYS)[number] | (typeof PCA_OPTIONAL_ARRAYS)[number], k: number, d: number): number[] {
  return key === 'mean' || key === 'featureVariance' ? [d] : key === 'components' ? [k, d] : key === 'scatter' ? [d, d] : [k];
}

/** A checked document, ready to build (nothing allocated yet). @internal */
export interface CheckedDocument {
  readonly kind: ModelKind;
  readonly config: JsonObject;
  readonly networks: Readonly<Record<NetworkName, NetworkPlan>> | undefined;
  readonly training: { readonly optimizer: OptimizerPlan; readonly initialEpoch: number; readonly seed: number } | undefined;
  readonly specs: ReadonlyMap<string, WeightSpec>;
}

function readVersion(v: Json | undefined, fn: string): { major: number; minor: number } {
  const match = typeof v === 'string' ? /^(\d{1,6})\.(\d{1,6})$/.exec(v) : null;
  if (match === null) bad(fn, 'modelTopology.version', `a version string like '${MODEL_FORMAT_VERSION}'`, v);
  const major = Number(match[1]);
  if (major > MODEL_FORMAT_MAJOR) {
    throw new Error(
      `${fn}: the file has format version ${String(v)}, written by a newer release of autoencoders; ` +
        `this release reads versions ${MODEL_FORMAT_MAJOR}.x (upgrade the package to load it)`,
    );
  }
  if (major < MODEL_FORMAT_MAJOR) bad(fn, 'modelTopology.version', `a version ${MODEL_FORMAT_MAJOR}.x`, v);
  return { major, minor: Number(match[2]) };
}

const KIND_CONFIG_KEYS: Readonly<Record<ModelKind, readonly string[]>> = {
  autoencoder: ['inputShape', 'codeShape', 'loss', 'sparsity', 'corruptor'],
  vae: ['inputShape', 'latentDim', 'likelihood', 'beta'],
  cvae: ['inputShape', 'latentDim', 'numClasses', 'likelihood', 'beta'],
  pca: ['options', 'state'],
  vqvae: ['inputShape', 'codeShape', 'codebookSize', 'codeDim', 'commitment', 'ema', 'deadCodes', 'reconstruction'],
  'kernel-pca': ['options', 'state'],
};

/** Config fields a kind may omit (files written before they existed). */
const OPTIONAL_CONFIG_KEYS: Readonly<Partial<Record<ModelKind, readonly string[]>>> = {
  vae: ['objective', 'prior'],
  cvae: ['objective', 'prior'],
};

/**
 * Checks a document (already {@link cleanJson}-ed) and its manifest: format, version, kind,
 * config fields, every network (layer whitelist, inferred weight shapes against the manifest),
 * the optimizer state and that no manifest entry is unaccounted for. Allocates nothing.
 * @internal
 */
export function checkDocument(document: Json | undefined, specList: readonly WeightSpec[], fn: string): CheckedDocument {
  if (!isObject(document)) bad(fn, 'modelTopology', 'a saved-model document (an object)', document);
  const format = own(document, 'format');
  if (format !== MODEL_FORMAT) {
    bad(fn, 'modelTopology.format', `'${MODEL_FORMAT}' (this is not a model saved by saveModel of the autoencoders package)`, format);
  }
  const { minor } = readVersion(own(document, 'version'), fn);
  const kind = own(document, 'kind');
  if (kind !== 'autoencoder' && kind !== 'vae' && kind !== 'cvae' && kind !== 'pca' && kind !== 'vqvae' && kind !== 'kernel-pca') {
    bad(fn, 'modelTopology.kind', "one of 'autoencoder', 'vae', 'cvae', 'pca', 'vqvae', 'kernel-pca'", kind);
  }
  // 'detector': the AnomalyDetector block of a saved detector, checked by ./detector.ts.
  const topKeys = ['format', 'version', 'kind', 'config', 'detector', ...(kind === 'pca' || kind === 'kernel-pca' ? [] : ['networks', 'training'])];
  // A newer minor version may add fields this release does not know: they are ignored.
  if (minor <= 0) onlyKeys(document, topKeys, fn, 'modelTopology');
  const config = objectAt(document, 'config', fn, 'modelTopology');
  onlyKeys(config, [...KIND_CONFIG_KEYS[kind], ...(OPTIONAL_CONFIG_KEYS[kind] ?? [])], fn, 'modelTopology.config');
  // A missing field must not fall back to a constructor default: the file would load as another model.
  for (const key of KIND_CONFIG_KEYS[kind]) {
    if (own(config, key) === undefined) throw new Error(`${fn}: field 'modelTopology.config.${key}' is missing (a ${kind} records ${KIND_CONFIG_KEYS[kind].join(', ')})`);
  }
  const specs = new Map(specList.map((s) => [s.name, s]));
  const accounted = new Set<string>();

  if (kind === 'pca') {
    checkPcaSpecs(config, specs, accounted, fn);
    for (const name of specs.keys()) if (!accounted.has(name)) throw new Error(`${fn}: the weights manifest holds '${name}', which is no part of a PCA`);
    return { kind, config, networks: undefined, training: undefined, specs };
  }
  if (kind === 'kernel-pca') {
    checkKernelPcaSpecs(config, specs, accounted, fn);
    for (const name of specs.keys()) if (!accounted.has(name)) throw new Error(`${fn}: the weights manifest holds '${name}', which is no part of a Kernel PCA`);
    return { kind, config, networks: undefined, training: undefined, specs };
  }

  const networksValue = objectAt(document, 'networks', fn, 'modelTopology');
  onlyKeys(networksValue, NETWORKS, fn, 'modelTopology.networks');
  const networks = {} as Record<NetworkName, NetworkPlan>;
  const trainableShapes: number[][] = [];
  for (const which of NETWORKS) {
    const plan = planNetwork(own(networksValue, which), fn, `modelTopology.networks.${which}`);
    networks[which] = plan;
    const planned = new Map(plan.weights.map((w) => [`${which}/${w.name}`, w]));
    for (const spec of specList) {
      if (!spec.name.startsWith(`${which}/`)) continue;
      const w = planned.get(spec.name);
      if (w === undefined) throw new Error(`${fn}: the weights manifest holds '${spec.name}', which the ${which}'s layers do not create`);
      if (spec.dtype !== 'float32' || formatShape(spec.shape) !== formatShape(w.shape)) {
        throw new Error(
          `${fn}: weight '${spec.name}' is ${spec.dtype} of shape ${formatShape(spec.shape)} in the manifest, but the ${which}'s ` +
            `layer configuration gives float32 of shape ${formatShape(w.shape)}`,
        );
      }
      accounted.add(spec.name);
      if (w.trainable) trainableShapes.push([...w.shape]);
    }
    for (const name of planned.keys()) {
      if (!specs.has(name)) throw new Error(`${fn}: the weights manifest lacks '${name}', a weight of the ${which}`);
    }
  }

  if (kind === 'vqvae') checkCodebookSpecs(config, specs, accounted, trainableShapes, fn);
  if (kind === 'vae' || kind === 'cvae') checkPriorSpecs(config, specs, accounted, trainableShapes, fn);

  let training: CheckedDocument['training'];
  const trainingValue = own(document, 'training');
  if (trainingValue !== undefined) {
    if (!isObject(trainingValue)) bad(fn, 'modelTopology.training', '{ optimizer, initialEpoch, seed }', trainingValue);
    onlyKeys(trainingValue, ['optimizer', 'initialEpoch', 'seed'], fn, 'modelTopology.training');
    const initialEpoch = integer(own(trainingValue, 'initialEpoch'), fn, 'modelTopology.training.initialEpoch', 0, 2 ** 31 - 1);
    const seed = integer(own(trainingValue, 'seed'), fn, 'modelTopology.training.seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const optimizer = planOptimizer(own(trainingValue, 'optimizer'), specs, trainableShapes, fn, 'modelTopology.training.optimizer');
    for (const name of optimizer.entries) accounted.add(name);
    training = { optimizer, initialEpoch, seed };
  }
  for (const name of specs.keys()) {
    if (!accounted.has(name)) throw new Error(`${fn}: the weights manifest holds '${name}', which belongs to no part of the model`);
  }
  return { kind, config, networks, training, specs };
}

function checkPcaSpecs(config: JsonObject, specs: ReadonlyMap<string, WeightSpec>, accounted: Set<string>, fn: string): void {
  const state = own(config, 'state');
  if (state === null) return;
  if (!isObject(state)) bad(fn, 'modelTopology.config.state', 'an object or null', state);
  // The arrays come from the weights only: a state that also names one in the JSON is refused.
  onlyKeys(state, PCA_STATE_KEYS, fn, 'modelTopology.config.state');
  const d = integer(own(state, 'nFeatures'), fn, 'modelTopology.config.state.nFeatures', 1, PCA_MAX_VALUES);
  const k = integer(own(state, 'nComponents'), fn, 'modelTopology.config.state.nComponents', 1, d);
  if (specs.has('pca/scatter') && d * d > PCA_MAX_VALUES) {
    throw new Error(`${fn}: weight 'pca/scatter' would be a ${d} × ${d} scatter matrix, more values than the limit of ${PCA_MAX_VALUES}`);
  }
  for (const key of PCA_OPTIONAL_ARRAYS) {
    const name = `pca/${key}`;
    const spec = specs.get(name);
    if (spec === undefined) continue;
    const shape = pcaShape(key, k, d);
    if (spec.dtype !== 'float64' || formatShape(spec.shape) !== formatShape(shape)) {
      throw new Error(`${fn}: weight '${name}' must be float64 of shape ${formatShape(shape)}, got ${spec.dtype} of shape ${formatShape(spec.shape)}`);
    }
    accounted.add(name);
  }
  for (const key of PCA_ARRAYS) {
    const name = `pca/${key}`;
    const spec = specs.get(name);
    const shape = pcaShape(key, k, d);
    if (spec === undefined) throw new Error(`${fn}: the weights manifest lacks '${name}'`);
    if (spec.dtype !== 'float64' || formatShape(spec.shape) !== formatShape(shape)) {
      throw new Error(`${fn}: weight '${name}' must be float64 of shape ${formatShape(shape)}, got ${spec.dtype} of shape ${formatShape(spec.shape)}`);
    }
    accounted.add(name);
  }
}

const PCA_HEAD: Pick<PCAJSON, 'format' | 'version'> = { format: 'autoencoders/pca', version: 1 };

/** Rebuilds the PCA of a checked document through `PCA.fromJSON`, which checks every value. */
function buildPca(doc: CheckedDocument, data: ArrayBuffer, fn: string): PCA {
  const options = own(doc.config, 'options');
  const state = own(doc.config, 'state');
  let json: unknown;
  if (isObject(state)) {
    const arrays: Record<string, number[]> = {};
    for (const key of PCA_ARRAYS) arrays[key] = Array.from(readValues(data, doc.specs.get(`pca/${key}`)!));
    for (const key of PCA_OPTIONAL_ARRAYS) {
      const spec = doc.specs.get(`pca/${key}`);
      if (spec !== undefined) arrays[key] = Array.from(readValues(data, spec));
    }
    json = { ...PCA_HEAD, options, state: { ...state, ...arrays } };
  } else {
    json = { ...PCA_HEAD, options, state: null };
  }
  try {
    return PCA.fromJSON(json);
  } catch (e) {
    throw new Error(`${fn}: the PCA in the file is invalid: ${(e as Error).message}`);
  }
}

/**
 * Builds one network: tfjs-layers deserialises the checked topology (synchronously, inside a
 * `tf.tidy`), then every weight is set from the file. On failure, every variable it created is
 * disposed.
 */
async function buildNetwork(plan: NetworkPlan, which: NetworkName, doc: CheckedDocument, data: ArrayBuffer, fn: string): Promise<tfl.LayersModel> {
  const network = await deserializeNetwork(plan.topology, fn, `the ${which}`);
  try {
    const ordered = orderedWeights(network, plan, fn, which);
    const inFile = [...doc.specs.keys()].filter((name) => name.startsWith(`${which}/`));
    if (ordered.length !== inFile.length || ordered.some((w, i) => w.name !== inFile[i])) {
      throw new Error(`${fn}: the ${which} built from the file orders its weights differently from the weights manifest`);
    }
    for (const { name, variable } of ordered) {
      const spec = doc.specs.get(name)!;
      tf.tidy(() => {
        (variable.read() as tf.Variable).assign(tf.tensor(readValues(data, spec), spec.shape, 'float32'));
      });
    }
    return network;
  } catch (e) {
    network.dispose();
    throw e;
  }
}

function sameShape(a: Json | undefined, b: readonly (number | null)[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Builds the model of a checked document. Disposes everything it made when it fails.
 * @internal
 */
export async function buildModel(doc: CheckedDocument, data: ArrayBuffer, fn: string, loss: LossFunction | undefined): Promise<SavableModel> {
  if (doc.kind === 'pca') return buildPca(doc, data, fn);
  if (doc.kind === 'kernel-pca') return buildKernelPca(doc.config, doc.specs, data, fn);
  const c = doc.config;
  if (loss !== undefined && doc.kind !== 'autoencoder') {
    fail(fn, 'options.loss', `absent: the file holds a ${doc.kind}, and only an autoencoder takes a reconstruction loss`, loss);
  }
  if (doc.kind === 'autoencoder' && own(c, 'loss') === 'custom' && loss === undefined) {
    throw new Error(`${fn}: the model was saved without its custom loss function (omitCustomLoss); pass the function as options.loss`);
  }
  let corruptor: Corruptor | undefined;
  let sparsity: JsonObject | undefined;
  if (doc.kind === 'autoencoder') {
    const savedLoss = own(c, 'loss');
    if (savedLoss !== 'mse' && savedLoss !== 'bce' && savedLoss !== 'custom') bad(fn, 'modelTopology.config.loss', "'mse', 'bce' or 'custom'", savedLoss);
    const s = own(c, 'sparsity');
    if (s !== null && !isObject(s)) bad(fn, 'modelTopology.config.sparsity', 'an object or null', s);
    if (isObject(s)) {
      onlyKeys(s, ['kind', 'weight', 'rho'], fn, 'modelTopology.config.sparsity');
      sparsity = s;
    }
    const corruptorConfig = own(c, 'corruptor');
    if (corruptorConfig !== null) {
      try {
        corruptor = corruptorFromConfig(corruptorConfig);
      } catch (e) {
        throw new Error(`${fn}: field 'modelTopology.config.corruptor' is invalid: ${(e as Error).message}`);
      }
    }
  }
  const networks = doc.networks!;
  const encoder = await buildNetwork(networks.encoder, 'encoder', doc, data, fn);
  let decoder: tfl.LayersModel;
  try {
    decoder = await buildNetwork(networks.decoder, 'decoder', doc, data, fn);
  } catch (e) {
    encoder.dispose();
    throw e;
  }
  let model: NeuralModel;
  try {
    if (doc.kind === 'autoencoder') {
      model = new Autoencoder({
        encoder,
        decoder,
        loss: loss ?? (own(c, 'loss') as 'mse' | 'bce'),
        ...(sparsity === undefined ? {} : { sparsity: sparsity as never }),
        ...(corruptor === undefined ? {} : { corruptor }),
      });
    } else if (doc.kind === 'vqvae') {
      model = new VQVAE({
        encoder,
        decoder,
        codebookSize: own(c, 'codebookSize') as number,
        codeDim: own(c, 'codeDim') as number,
        commitment: own(c, 'commitment') as number,
        ...(own(c, 'ema') === null ? {} : { ema: own(c, 'ema') as never }),
        deadCodes: own(c, 'deadCodes') as never,
        reconstruction: own(c, 'reconstruction') as never,
        seed: 0,
      });
      for (const [short, variable] of Object.entries(model.codebookVariables())) {
        const spec = doc.specs.get(`${CODEBOOK}/${short}`)!;
        tf.tidy(() => variable.assign(tf.tensor(readValues(data, spec), spec.shape, 'float32')));
      }
    } else {
      const common = { encoder, decoder, latentDim: own(c, 'latentDim') as number, likelihood: own(c, 'likelihood') as never, ...savedObjective(c, fn) };
      const prior = own(c, 'prior');
      const withPrior = { ...common, ...(prior === undefined ? {} : { prior: (isObject(prior) && own(prior, 'kind') === 'vamp' ? { ...prior, seed: 0 } : prior) as never }) };
      model = doc.kind === 'vae' ? new VAE(withPrior) : new CVAE({ ...withPrior, numClasses: own(c, 'numClasses') as number });
      const pseudo = model.pseudoInputs;
      if (pseudo !== null) {
        const spec = doc.specs.get(PSEUDO_INPUTS)!;
        tf.tidy(() => pseudo.assign(tf.tensor(readValues(data, spec), spec.shape, 'float32')));
      }
    }
  } catch (e) {
    encoder.dispose();
    decoder.dispose();
    throw new Error(`${fn}: the file's configuration does not make a valid ${doc.kind}: ${(e as Error).message}`);
  }
  const mismatch = (key: string, actual: readonly (number | null)[]): void => {
    if (!sameShape(own(c, key), actual)) {
      model.dispose();
      throw new Error(`${fn}: field 'modelTopology.config.${key}' is ${JSON.stringify(own(c, key))}, but the networks give ${formatShape(actual)}`);
    }
  };
  mismatch('inputShape', model.inputShape);
  if (model instanceof Autoencoder || model instanceof VQVAE) mismatch('codeShape', model.codeShape);
  return model;
}
