/**
 * The PCA part of a saved model (`kind: 'pca'`). Its configuration holds the options and the
 * scalars of the fitted state; its arrays are float64 weights, bit for bit:
 *
 * ```
 * config: { options: <PCA.toJSON().options>,
 *           state: null | { solver, nFeatures, nComponents, nSamplesSeen, noiseVariance, sumSquares } }
 * weights: pca/mean [d], pca/components [k, d], pca/explainedVariance [k],
 *          pca/explainedVarianceRatio [k], pca/singularValues [k]; when the state has them (a
 *          `mergeable` fit's sufficient statistics): pca/featureVariance [d], pca/scatter [d, d]
 * ```
 * On load the sizes are checked against the manifest and the PCA limits before any value is
 * read, and the values are then checked by `PCA.fromJSON` (as ./kernel-pca.ts does for a Kernel PCA).
 * @internal
 */
import { formatShape } from '../core/index.js';
import { PCA, type PCAJSON } from '../pca/index.js';
import { type JsonObject, bad, cleanJson, integer, isObject, onlyKeys, own } from './json.js';
import { type WeightSpec, type WeightValues, readValues } from './weights.js';

const PCA_ARRAYS = ['mean', 'components', 'explainedVariance', 'explainedVarianceRatio', 'singularValues'] as const;
/** Arrays a PCA state has only sometimes: saved when present (incremental and `mergeable` fits). */
const PCA_OPTIONAL_ARRAYS = ['featureVariance', 'scatter'] as const;
const PCA_STATE_KEYS = ['solver', 'nFeatures', 'nComponents', 'nSamplesSeen', 'noiseVariance', 'sumSquares'] as const;
/** Largest `d` of a saved PCA, and largest `d²` of its scatter matrix (as `PCA.fromJSON`). */
const PCA_MAX_VALUES = 0x4000000; // 2²⁶

function pcaShape(key: (typeof PCA_ARRAYS)[number] | (typeof PCA_OPTIONAL_ARRAYS)[number], k: number, d: number): number[] {
  return key === 'mean' || key === 'featureVariance' ? [d] : key === 'components' ? [k, d] : key === 'scatter' ? [d, d] : [k];
}

/**
 * The configuration and float64 weights of a PCA (fitted or not).
 * @internal
 */
export function describePca(model: PCA, fn: string): { config: JsonObject; weights: WeightValues[] } {
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
  return { config, weights };
}

/**
 * Checks the fitted-state scalars of a PCA document and the weights they imply against the
 * manifest (names, float64, shapes), and the size limits. Allocates nothing.
 * @internal
 */
export function checkPcaSpecs(config: JsonObject, specs: ReadonlyMap<string, WeightSpec>, accounted: Set<string>, fn: string): void {
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

/**
 * Rebuilds the PCA of a document checked by {@link checkPcaSpecs}, through `PCA.fromJSON`, which
 * checks every value.
 * @internal
 */
export function buildPca(config: JsonObject, specs: ReadonlyMap<string, WeightSpec>, data: ArrayBuffer, fn: string): PCA {
  const options = own(config, 'options');
  const state = own(config, 'state');
  let json: unknown;
  if (isObject(state)) {
    const arrays: Record<string, number[]> = {};
    for (const key of PCA_ARRAYS) arrays[key] = Array.from(readValues(data, specs.get(`pca/${key}`)!));
    for (const key of PCA_OPTIONAL_ARRAYS) {
      const spec = specs.get(`pca/${key}`);
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
