/**
 * The saved-model document: what {@link saveModel} writes as `modelTopology` of `model.json`, and
 * its checking on load (written by ./document-write.ts, rebuilt by ./document-build.ts).
 *
 * ```
 * { format: 'autoencoders/model', version: '1.0', kind: 'autoencoder' | 'vae' | 'cvae' | 'pca' | 'vqvae' | 'kernel-pca',
 *   config: { …the model's getConfig() without kind… },
 *   networks: { encoder: <tfjs-layers topology>, decoder: <tfjs-layers topology> },   // models
 *   training: { optimizer: { className, config }, initialEpoch, seed } }             // optional
 * ```
 * Weights are named `encoder/<layer>/<weight>`, `decoder/…` (see networks.ts), `optimizer/…`,
 * `pca/…` (see pca.ts), `kernel-pca/…` (see kernel-pca.ts) and (VQ-VAE) `codebook/…`. A PCA's
 * optional `pca/featureVariance` `[d]` and `pca/scatter` `[d, d]` (a `mergeable` fit's sufficient
 * statistics) are written when it has them.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type Json, type JsonObject, bad, integer, isObject, objectAt, onlyKeys, own } from './json.js';
import { MODEL_FORMAT, MODEL_FORMAT_MAJOR, MODEL_FORMAT_VERSION } from './limits.js';
import { type OptimizerPlan, planOptimizer } from './optimizer.js';
import { type NetworkPlan, planNetwork } from './topology.js';
import type { ModelKind } from './types.js';
import type { WeightSpec } from './weights.js';
import { checkCodebookSpecs } from './codebook.js';
import { checkPriorSpecs } from './prior.js';
import { checkKernelPcaSpecs } from './kernel-pca.js';
import { checkPcaSpecs } from './pca.js';
import { NETWORKS, type NetworkName } from './networks.js';

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
