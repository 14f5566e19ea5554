/**
 * The scikit-learn mapping of a fitted PCA: the attributes of `sklearn.decomposition.PCA` and
 * `IncrementalPCA` as plain JSON (written by `PCA.toSklearn`, read by `PCA.fromSklearn`, and by
 * `scripts/sklearn-pca.py` on the Python side).
 * @internal
 */
import { describe } from '../core/index.js';
import { documentChecks, type DocumentChecks } from './check.js';
import { PCA_MAX_COMPONENT_VALUES, PCA_MAX_JSON_LENGTH } from './json.js';
import type { FittedState } from './solvers.js';

/**
 * A fitted scikit-learn `PCA` or `IncrementalPCA` as plain JSON: its fitted attributes under
 * their scikit-learn names (`k` components, `d` features). `var_` (per-feature variance, `n`
 * denominator) is present for incremental fits only, as in scikit-learn. `n_samples_` is
 * `n_samples_seen_` for an `IncrementalPCA`.
 * @category PCA
 */
export interface SklearnPCAJSON {
  /** `[k][d]`, unit rows. */
  components_: number[][];
  /** `[d]`. */
  mean_: number[];
  /** `[k]`. */
  explained_variance_: number[];
  /** `[k]`. */
  explained_variance_ratio_: number[];
  /** `[k]`. */
  singular_values_: number[];
  noise_variance_: number;
  n_components_: number;
  n_samples_: number;
  n_features_in_: number;
  whiten: boolean;
  /** `[d]`, incremental fits only. */
  var_?: number[];
}

const KEYS = [
  'components_', 'mean_', 'explained_variance_', 'explained_variance_ratio_', 'singular_values_', 'noise_variance_',
  'n_components_', 'n_samples_', 'n_features_in_', 'whiten', 'var_',
] as const;

/** The scikit-learn attributes of a state. @internal */
export function toSklearnDocument(state: FittedState, whiten: boolean): SklearnPCAJSON {
  const { nComponents: k, nFeatures: d } = state;
  const components_: number[][] = [];
  for (let i = 0; i < k; i++) components_.push(Array.from(state.components.subarray(i * d, i * d + d)));
  return {
    components_,
    mean_: Array.from(state.mean),
    explained_variance_: Array.from(state.explainedVariance),
    explained_variance_ratio_: Array.from(state.explainedVarianceRatio),
    singular_values_: Array.from(state.singularValues),
    noise_variance_: state.noiseVariance,
    n_components_: k,
    n_samples_: state.nSamplesSeen,
    n_features_in_: d,
    whiten,
    ...(state.solver === 'incremental' && state.featureVariance !== undefined ? { var_: Array.from(state.featureVariance) } : {}),
  };
}

/**
 * Checks a scikit-learn export (untrusted: types, lengths against the declared shape, unit
 * components, a size limit, no unknown fields) and builds the state it describes. @internal
 */
export function parseSklearnDocument(json: unknown, fn: string): { state: FittedState; whiten: boolean } {
  const c: DocumentChecks = documentChecks(fn);
  let doc: unknown = json;
  if (typeof json === 'string') {
    if (json.length > PCA_MAX_JSON_LENGTH) throw new Error(`${fn}: the JSON string is ${json.length} characters long, more than the limit of ${PCA_MAX_JSON_LENGTH}`);
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new Error(`${fn}: the string is not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${fn}: argument 'json' must be the attributes of a fitted scikit-learn PCA (an object or its JSON string), got ${describe(doc)}`);
  }
  const o = doc as Record<string, unknown>;
  c.onlyKeys(o, KEYS, '');
  const d = c.integer(c.own(o, 'n_features_in_'), 'n_features_in_', 1, PCA_MAX_COMPONENT_VALUES);
  const k = c.integer(c.own(o, 'n_components_'), 'n_components_', 1, d);
  if (k * d > PCA_MAX_COMPONENT_VALUES) {
    throw new Error(`${fn}: the document declares ${k} × ${d} component values, more than the limit of ${PCA_MAX_COMPONENT_VALUES}`);
  }
  const n = c.integer(c.own(o, 'n_samples_'), 'n_samples_', 2);
  if (k > n) c.bad('n_components_', `at most n_samples_ (${n})`, k);
  const whiten = c.own(o, 'whiten');
  if (typeof whiten !== 'boolean') c.bad('whiten', 'a boolean', whiten);
  const components = c.matrix(c.own(o, 'components_'), 'components_', k, d);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += components[i * d + j]! ** 2;
    if (Math.abs(Math.sqrt(s) - 1) > 1e-6) throw new Error(`${fn}: field 'components_' row ${i} must have unit length, has length ${Math.sqrt(s)}`);
  }
  const mean = c.numbers(c.own(o, 'mean_'), 'mean_', d);
  const explainedVariance = c.numbers(c.own(o, 'explained_variance_'), 'explained_variance_', k, 0);
  const explainedVarianceRatio = c.numbers(c.own(o, 'explained_variance_ratio_'), 'explained_variance_ratio_', k, 0);
  for (let i = 0; i < k; i++) {
    if (explainedVarianceRatio[i]! > 1 + 1e-9) c.bad(`explained_variance_ratio_[${i}]`, 'a number in [0, 1]', explainedVarianceRatio[i]);
  }
  const singularValues = c.numbers(c.own(o, 'singular_values_'), 'singular_values_', k, 0);
  const noiseVariance = c.finite(c.own(o, 'noise_variance_'), 'noise_variance_', 0);
  const varRaw = c.own(o, 'var_');
  const featureVariance = varRaw === undefined ? undefined : c.numbers(varRaw, 'var_', d, 0);
  // Σ‖x − μ‖² = (n − 1)·(total variance), the total read off any component with a ratio.
  let sumSquares = 0;
  const i0 = explainedVarianceRatio.findIndex((r) => r > 0);
  if (i0 >= 0) sumSquares = (explainedVariance[i0]! / explainedVarianceRatio[i0]!) * (n - 1);
  return {
    whiten,
    state: {
      solver: featureVariance === undefined ? 'full' : 'incremental',
      nFeatures: d,
      nComponents: k,
      nSamplesSeen: n,
      mean,
      components,
      explainedVariance,
      explainedVarianceRatio,
      singularValues,
      noiseVariance,
      sumSquares,
      ...(featureVariance === undefined ? {} : { featureVariance }),
    },
  };
}
