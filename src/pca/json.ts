/**
 * The PCA document format and its validation. `fromJSON` input is untrusted: everything is
 * checked (format, version, types, lengths against declared shapes, a size limit) and copied
 * into fresh objects key by key, so that keys such as `__proto__` cannot reach a prototype.
 * @internal
 */
import { describe, documentReader, type DocumentReader } from '../core/index.js';
import type { FittedSolver, FittedState } from './solvers.js';

/** The `format` field of a PCA document. */
export const PCA_FORMAT = 'autoencoders/pca';
/** The `version` field this release writes and reads. */
export const PCA_FORMAT_VERSION = 1;
/** Largest `nComponents × nFeatures` a document may declare (64 Mi numbers, 512 MiB as float64). */
export const PCA_MAX_COMPONENT_VALUES = 0x4000000; // 2²⁶ (literals: bundlers keep module-scope `**`)
/** Largest JSON string `fromJSON` parses (in UTF-16 code units). */
export const PCA_MAX_JSON_LENGTH = 0x40000000; // 2³⁰

/**
 * The options part of a {@link PCAJSON} document (`null` where the option was left to its
 * default-by-shape).
 * @category PCA
 */
export interface PCAOptionsJSON {
  nComponents: number | 'mle' | null;
  solver: 'auto' | 'full' | 'randomized' | 'incremental';
  whiten: boolean;
  seed: number;
  nOversamples: number;
  nIter: number | 'auto';
  batchSize: number | null;
  /** Whether the fit keeps its sufficient statistics (documents before it: `false`). */
  mergeable: boolean;
}

/**
 * The fitted part of a {@link PCAJSON} document. `components` is flat, row-major
 * (`nComponents × nFeatures`).
 * @category PCA
 */
export interface PCAStateJSON {
  solver: FittedSolver;
  nFeatures: number;
  nComponents: number;
  nSamplesSeen: number;
  mean: number[];
  components: number[];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  singularValues: number[];
  noiseVariance: number;
  sumSquares: number;
  /** Per-feature variance (`n` denominator), scikit-learn's `var_`; absent in older documents. */
  featureVariance?: number[];
  /** `mergeable` fits: the `d × d` scatter matrix, flat row-major. */
  scatter?: number[];
}

/**
 * A PCA as a plain JSON-safe object: written by `PCA.toJSON()`, read by `PCA.fromJSON()`.
 * `state` is `null` for a model that was never fitted.
 * @category PCA
 */
export interface PCAJSON {
  format: typeof PCA_FORMAT;
  version: typeof PCA_FORMAT_VERSION;
  options: PCAOptionsJSON;
  state: PCAStateJSON | null;
}

const FN = 'PCA.fromJSON';

/** The field readers (called through `reader`: a call narrows only through a name declared with its type, and a module-scope destructuring would not be side-effect free). */
const reader: DocumentReader = /* @__PURE__ */ documentReader(FN);

/** Validated options, as plain values (the constructor checks them once more). @internal */
export function parseOptions(v: unknown): PCAOptionsJSON {
  if (!reader.isRecord(v)) reader.bad('options', 'an object', v);
  const keys = ['nComponents', 'solver', 'whiten', 'seed', 'nOversamples', 'nIter', 'batchSize', 'mergeable'] as const;
  reader.onlyKeys(v, keys, 'options');
  const nComponents = reader.own(v, 'nComponents');
  if (nComponents !== null && nComponents !== 'mle' && (typeof nComponents !== 'number' || !Number.isFinite(nComponents))) {
    reader.bad('options.nComponents', "a number, 'mle' or null", nComponents);
  }
  const solver = reader.own(v, 'solver');
  if (solver !== 'auto' && solver !== 'full' && solver !== 'randomized' && solver !== 'incremental') {
    reader.bad('options.solver', "one of 'auto', 'full', 'randomized', 'incremental'", solver);
  }
  const whiten = reader.own(v, 'whiten');
  if (typeof whiten !== 'boolean') reader.bad('options.whiten', 'a boolean', whiten);
  const seed = reader.finite(reader.own(v, 'seed'), 'options.seed');
  const nOversamples = reader.integer(reader.own(v, 'nOversamples'), 'options.nOversamples', 0, 1e6);
  const nIterRaw = reader.own(v, 'nIter');
  const nIter = nIterRaw === 'auto' ? 'auto' : reader.integer(nIterRaw, 'options.nIter', 0, 1000);
  const batchRaw = reader.own(v, 'batchSize');
  const batchSize = batchRaw === null ? null : reader.integer(batchRaw, 'options.batchSize', 1);
  const mergeable = reader.own(v, 'mergeable') ?? false;
  if (typeof mergeable !== 'boolean') reader.bad('options.mergeable', 'a boolean', mergeable);
  return { nComponents: nComponents as number | 'mle' | null, solver, whiten, seed, nOversamples, nIter, batchSize, mergeable };
}

/** Validated fitted state (fresh typed arrays), or null. @internal */
export function parseState(v: unknown): FittedState | null {
  if (v === null) return null;
  if (!reader.isRecord(v)) reader.bad('state', 'an object or null', v);
  const keys = [
    'solver', 'nFeatures', 'nComponents', 'nSamplesSeen', 'mean', 'components', 'explainedVariance',
    'explainedVarianceRatio', 'singularValues', 'noiseVariance', 'sumSquares', 'featureVariance', 'scatter',
  ] as const;
  reader.onlyKeys(v, keys, 'state');
  const solver = reader.own(v, 'solver');
  if (solver !== 'full' && solver !== 'randomized' && solver !== 'incremental') {
    reader.bad('state.solver', "one of 'full', 'randomized', 'incremental'", solver);
  }
  const d = reader.integer(reader.own(v, 'nFeatures'), 'state.nFeatures', 1, PCA_MAX_COMPONENT_VALUES);
  const k = reader.integer(reader.own(v, 'nComponents'), 'state.nComponents', 1, d);
  if (k * d > PCA_MAX_COMPONENT_VALUES) {
    throw new Error(`${FN}: the document declares ${k} × ${d} component values, more than the limit of ${PCA_MAX_COMPONENT_VALUES}`);
  }
  const nSamplesSeen = reader.integer(reader.own(v, 'nSamplesSeen'), 'state.nSamplesSeen', 2);
  if (k > nSamplesSeen) reader.bad('state.nComponents', `at most nSamplesSeen (${nSamplesSeen})`, k);
  const mean = reader.numbers(reader.own(v, 'mean'), 'state.mean', d);
  const components = reader.numbers(reader.own(v, 'components'), 'state.components', k * d);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += components[i * d + j]! * components[i * d + j]!;
    if (Math.abs(Math.sqrt(s) - 1) > 1e-6) {
      throw new Error(`${FN}: field 'state.components' row ${i} must have unit length, has length ${Math.sqrt(s)}`);
    }
  }
  const explainedVariance = reader.numbers(reader.own(v, 'explainedVariance'), 'state.explainedVariance', k, 0);
  const explainedVarianceRatio = reader.numbers(reader.own(v, 'explainedVarianceRatio'), 'state.explainedVarianceRatio', k, 0);
  for (let i = 0; i < k; i++) {
    if (explainedVarianceRatio[i]! > 1 + 1e-9) reader.bad(`state.explainedVarianceRatio[${i}]`, 'a number in [0, 1]', explainedVarianceRatio[i]);
  }
  const singularValues = reader.numbers(reader.own(v, 'singularValues'), 'state.singularValues', k, 0);
  const noiseVariance = reader.finite(reader.own(v, 'noiseVariance'), 'state.noiseVariance', 0);
  const sumSquares = reader.finite(reader.own(v, 'sumSquares'), 'state.sumSquares', 0);
  const varRaw = reader.own(v, 'featureVariance');
  const featureVariance = varRaw === undefined ? undefined : reader.numbers(varRaw, 'state.featureVariance', d, 0);
  const scatterRaw = reader.own(v, 'scatter');
  let scatter: Float64Array | undefined;
  if (scatterRaw !== undefined) {
    if (d * d > PCA_MAX_COMPONENT_VALUES) {
      throw new Error(`${FN}: the document declares a ${d} × ${d} scatter matrix, more values than the limit of ${PCA_MAX_COMPONENT_VALUES}`);
    }
    scatter = reader.numbers(scatterRaw, 'state.scatter', d * d);
    for (let a = 0; a < d; a++) {
      if (!(scatter[a * d + a]! >= 0)) reader.bad(`state.scatter[${a * d + a}]`, 'a non-negative diagonal entry', scatter[a * d + a]);
      for (let b = a + 1; b < d; b++) {
        if (scatter[a * d + b] !== scatter[b * d + a]) throw new Error(`${FN}: field 'state.scatter' must be symmetric; entries (${a}, ${b}) and (${b}, ${a}) differ`);
      }
    }
  }
  return {
    solver, nFeatures: d, nComponents: k, nSamplesSeen, mean, components, explainedVariance,
    explainedVarianceRatio, singularValues, noiseVariance, sumSquares,
    ...(featureVariance === undefined ? {} : { featureVariance }),
    ...(scatter === undefined ? {} : { scatter }),
  };
}

/** Parses (if a string) and checks the envelope of a document. @internal */
export function parseDocument(json: unknown): { options: PCAOptionsJSON; state: FittedState | null } {
  let doc: unknown = json;
  if (typeof json === 'string') {
    if (json.length > PCA_MAX_JSON_LENGTH) {
      throw new Error(`${FN}: the JSON string is ${json.length} characters long, more than the limit of ${PCA_MAX_JSON_LENGTH}`);
    }
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new Error(`${FN}: the string is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!reader.isRecord(doc)) {
    throw new Error(`${FN}: argument 'json' must be a PCA document (an object or its JSON string), got ${describe(doc)}`);
  }
  const format = reader.own(doc, 'format');
  if (format !== PCA_FORMAT) reader.bad('format', `'${PCA_FORMAT}' (this is not a PCA document)`, format);
  const version = reader.own(doc, 'version');
  if (version !== PCA_FORMAT_VERSION) reader.bad('version', `${PCA_FORMAT_VERSION} (the version this release reads)`, version);
  reader.onlyKeys(doc, ['format', 'version', 'options', 'state'], '');
  return { options: parseOptions(reader.own(doc, 'options')), state: parseState(reader.own(doc, 'state')) };
}

/** The document of a model. @internal */
export function toDocument(options: PCAOptionsJSON, state: FittedState | null): PCAJSON {
  return {
    format: PCA_FORMAT,
    version: PCA_FORMAT_VERSION,
    options: { ...options },
    state:
      state === null
        ? null
        : {
            solver: state.solver,
            nFeatures: state.nFeatures,
            nComponents: state.nComponents,
            nSamplesSeen: state.nSamplesSeen,
            mean: Array.from(state.mean),
            components: Array.from(state.components),
            explainedVariance: Array.from(state.explainedVariance),
            explainedVarianceRatio: Array.from(state.explainedVarianceRatio),
            singularValues: Array.from(state.singularValues),
            noiseVariance: state.noiseVariance,
            sumSquares: state.sumSquares,
            ...(state.featureVariance === undefined ? {} : { featureVariance: Array.from(state.featureVariance) }),
            ...(state.scatter === undefined ? {} : { scatter: Array.from(state.scatter) }),
          },
  };
}
