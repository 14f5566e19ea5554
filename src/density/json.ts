/**
 * The Gaussian mixture document format and its validation. `fromJSON` input is untrusted:
 * format, version, every field's type, array lengths against the declared shape, a size limit,
 * weights that sum to 1 and positive-definite covariances are checked, unknown fields are
 * rejected, and values are copied into fresh objects key by key (so `__proto__` cannot reach a
 * prototype).
 * @internal
 */
import { describe, documentReader, type DocumentReader } from '../core/index.js';
import { computeFactors, type MixtureParams, type MixtureState } from './em.js';

/** The `format` field of a Gaussian mixture document. */
export const MIXTURE_FORMAT = 'autoencoders/gaussian-mixture';
/** The `version` field this release writes and reads. */
export const MIXTURE_FORMAT_VERSION = 1;
/** Largest number of covariance values (`k·d·d` or `k·d`) a document may declare (64 Mi, 512 MiB as float64). */
export const MIXTURE_MAX_VALUES = 0x4000000; // 2²⁶ (literals: bundlers keep module-scope `**`)
/** Largest JSON string `fromJSON` parses (in UTF-16 code units). */
export const MIXTURE_MAX_JSON_LENGTH = 0x40000000; // 2³⁰

/**
 * The options part of a {@link GaussianMixtureJSON} document.
 * @category Density
 */
export interface GaussianMixtureOptionsJSON {
  components: number;
  covariance: 'full' | 'diag';
  seed: number;
  maxIter: number;
  tol: number;
  regCovar: number;
  /** `components` rows of `d` numbers, or `null` for the k-means++ start. */
  initialMeans: number[][] | null;
}

/**
 * The fitted part of a {@link GaussianMixtureJSON} document. `means` is flat `k × d` and
 * `covariances` flat `k × d × d` (`'full'`) or `k × d` (`'diag'`), row-major.
 * @category Density
 */
export interface GaussianMixtureStateJSON {
  nFeatures: number;
  nSamples: number;
  weights: number[];
  means: number[];
  covariances: number[];
  lowerBound: number;
  nIter: number;
  converged: boolean;
}

/**
 * A Gaussian mixture as a plain JSON-safe object: written by `GaussianMixture.toJSON()`, read by
 * `GaussianMixture.fromJSON()`. `state` is `null` for a mixture that was never fitted.
 * @category Density
 */
export interface GaussianMixtureJSON {
  format: typeof MIXTURE_FORMAT;
  version: typeof MIXTURE_FORMAT_VERSION;
  options: GaussianMixtureOptionsJSON;
  state: GaussianMixtureStateJSON | null;
}

const FN = 'GaussianMixture.fromJSON';

/** The field readers (called through `reader`: a call narrows only through a name declared with its type, and a module-scope destructuring would not be side-effect free). */
const reader: DocumentReader = /* @__PURE__ */ documentReader(FN);

/** Validated options, as plain values (the constructor checks them once more). @internal */
export function parseOptions(v: unknown): GaussianMixtureOptionsJSON {
  if (!reader.isRecord(v)) reader.bad('options', 'an object', v);
  reader.onlyKeys(v, ['components', 'covariance', 'seed', 'maxIter', 'tol', 'regCovar', 'initialMeans'], 'options');
  const components = reader.integer(reader.own(v, 'components'), 'options.components', 1, MIXTURE_MAX_VALUES);
  const covariance = reader.own(v, 'covariance');
  if (covariance !== 'full' && covariance !== 'diag') reader.bad('options.covariance', "one of 'full', 'diag'", covariance);
  const seed = reader.integer(reader.own(v, 'seed'), 'options.seed', Number.MIN_SAFE_INTEGER);
  const maxIter = reader.integer(reader.own(v, 'maxIter'), 'options.maxIter', 1);
  const tol = reader.finite(reader.own(v, 'tol'), 'options.tol', 0);
  const regCovar = reader.finite(reader.own(v, 'regCovar'), 'options.regCovar', 0);
  const raw = reader.own(v, 'initialMeans');
  let initialMeans: number[][] | null = null;
  if (raw !== null) {
    if (!Array.isArray(raw) || raw.length !== components) reader.bad('options.initialMeans', `null or an array of ${components} rows (options.components)`, raw);
    const first: unknown = raw[0];
    if (!Array.isArray(first) || first.length === 0) reader.bad('options.initialMeans[0]', 'a non-empty array of numbers', first);
    const d = first.length;
    if (components * d > MIXTURE_MAX_VALUES) reader.bad('options.initialMeans', `at most ${MIXTURE_MAX_VALUES} numbers`, raw);
    initialMeans = raw.map((row: unknown, j) => Array.from(reader.numbers(row, `options.initialMeans[${j}]`, d)));
  }
  return { components, covariance, seed, maxIter, tol, regCovar, initialMeans };
}

/** Validated fitted state (fresh typed arrays, factors computed), or null. @internal */
export function parseState(v: unknown, options: GaussianMixtureOptionsJSON): MixtureState | null {
  if (v === null) return null;
  if (!reader.isRecord(v)) reader.bad('state', 'an object or null', v);
  reader.onlyKeys(v, ['nFeatures', 'nSamples', 'weights', 'means', 'covariances', 'lowerBound', 'nIter', 'converged'], 'state');
  const k = options.components;
  const covariance = options.covariance;
  const d = reader.integer(reader.own(v, 'nFeatures'), 'state.nFeatures', 1, MIXTURE_MAX_VALUES);
  const size = covariance === 'full' ? k * d * d : k * d;
  if (size > MIXTURE_MAX_VALUES) {
    throw new Error(`${FN}: the document declares ${size} covariance values, more than the limit of ${MIXTURE_MAX_VALUES}`);
  }
  if (options.initialMeans !== null && options.initialMeans[0]!.length !== d) {
    reader.bad('options.initialMeans[0]', `an array of ${d} numbers (state.nFeatures)`, options.initialMeans[0]);
  }
  const nSamples = reader.integer(reader.own(v, 'nSamples'), 'state.nSamples', k);
  const weights = reader.numbers(reader.own(v, 'weights'), 'state.weights', k, 0, true);
  let total = 0;
  for (let j = 0; j < k; j++) total += weights[j]!;
  if (Math.abs(total - 1) > 1e-6) throw new Error(`${FN}: field 'state.weights' must sum to 1, sums to ${total}`);
  const means = reader.numbers(reader.own(v, 'means'), 'state.means', k * d);
  const covariances = reader.numbers(reader.own(v, 'covariances'), 'state.covariances', size);
  if (covariance === 'full') {
    for (let j = 0; j < k; j++) {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < a; b++) {
          const x = covariances[j * d * d + a * d + b]!;
          const y = covariances[j * d * d + b * d + a]!;
          if (x !== y) throw new Error(`${FN}: field 'state.covariances' component ${j} must be symmetric, has ${x} at [${a}, ${b}] and ${y} at [${b}, ${a}]`);
        }
      }
    }
  }
  const lowerBound = reader.finite(reader.own(v, 'lowerBound'), 'state.lowerBound');
  const nIter = reader.integer(reader.own(v, 'nIter'), 'state.nIter', 1, options.maxIter);
  const converged = reader.own(v, 'converged');
  if (typeof converged !== 'boolean') reader.bad('state.converged', 'a boolean', converged);
  const params: MixtureParams = { covariance, k, d, weights, means, covariances };
  let factors;
  try {
    factors = computeFactors(params, FN);
  } catch {
    throw new Error(`${FN}: field 'state.covariances' must hold positive-definite matrices (a Cholesky factorisation failed)`);
  }
  return { params, factors, nSamples, lowerBound, nIter, converged };
}

/** Parses (if a string) and checks a document. @internal */
export function parseDocument(json: unknown): { options: GaussianMixtureOptionsJSON; state: MixtureState | null } {
  let doc: unknown = json;
  if (typeof json === 'string') {
    if (json.length > MIXTURE_MAX_JSON_LENGTH) {
      throw new Error(`${FN}: the JSON string is ${json.length} characters long, more than the limit of ${MIXTURE_MAX_JSON_LENGTH}`);
    }
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new Error(`${FN}: the string is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!reader.isRecord(doc)) {
    throw new Error(`${FN}: argument 'json' must be a Gaussian mixture document (an object or its JSON string), got ${describe(doc)}`);
  }
  const format = reader.own(doc, 'format');
  if (format !== MIXTURE_FORMAT) reader.bad('format', `'${MIXTURE_FORMAT}' (this is not a Gaussian mixture document)`, format);
  const version = reader.own(doc, 'version');
  if (version !== MIXTURE_FORMAT_VERSION) reader.bad('version', `${MIXTURE_FORMAT_VERSION} (the version this release reads)`, version);
  reader.onlyKeys(doc, ['format', 'version', 'options', 'state'], '');
  const options = parseOptions(reader.own(doc, 'options'));
  return { options, state: parseState(reader.own(doc, 'state'), options) };
}

/** The document of a mixture. @internal */
export function toDocument(options: GaussianMixtureOptionsJSON, state: MixtureState | null): GaussianMixtureJSON {
  return {
    format: MIXTURE_FORMAT,
    version: MIXTURE_FORMAT_VERSION,
    options: { ...options, initialMeans: options.initialMeans === null ? null : options.initialMeans.map((row) => row.slice()) },
    state:
      state === null
        ? null
        : {
            nFeatures: state.params.d,
            nSamples: state.nSamples,
            weights: Array.from(state.params.weights),
            means: Array.from(state.params.means),
            covariances: Array.from(state.params.covariances),
            lowerBound: state.lowerBound,
            nIter: state.nIter,
            converged: state.converged,
          },
  };
}
