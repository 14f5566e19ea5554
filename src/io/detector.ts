/**
 * Saving and loading an {@link AnomalyDetector}: the model's own document plus a `detector`
 * block with the scaler, the threshold rule and its fitted values, the score options and the
 * background scores; checked as untrusted input on load.
 *
 * ```
 * modelTopology = { …the model's document…,
 *   detector: { version: 1, metric, batchSize, samples, seed,
 *               scaler: ScalerJSON | null, threshold: AnomalyThresholdFit, backgroundScores: number[] } }
 * ```
 * @module
 */
import { AnomalyDetector } from '../anomaly/detector.js';
import type { DetectorState } from '../anomaly/detector.js';
import type { AnomalyThresholdFit } from '../anomaly/index.js';
import type { ScorableModel } from '../anomaly/index.js';
import { Scaler } from '../preprocessing/index.js';
import type { ScalerJSON } from '../preprocessing/index.js';
import { type Json, type JsonObject, bad, integer, isObject, onlyKeys, own } from './json.js';

/** The most background scores a saved detector holds (they are stored as JSON numbers). @internal */
export const MAX_BACKGROUND_SCORES = 262144; // 2¹⁸ (a literal: bundlers keep module-scope `**`)

const BLOCK_KEYS = ['version', 'metric', 'batchSize', 'samples', 'seed', 'scaler', 'threshold', 'backgroundScores'];
const THRESHOLD_FIELDS: Readonly<Record<AnomalyThresholdFit['method'], readonly string[]>> = {
  quantile: ['contamination', 'threshold'],
  mad: ['k', 'median', 'mad', 'threshold'],
  iqr: ['k', 'q1', 'q3', 'threshold'],
  pot: ['risk', 'initialQuantile', 'initialThreshold', 'n', 'peaks', 'shape', 'scale', 'threshold'],
};

/** The `detector` block of a fitted detector. @internal */
export function detectorBlock(detector: AnomalyDetector, fn: string): JsonObject {
  if (detector.threshold === null) throw new Error(`${fn}: argument 'model' is a detector that is not fitted yet: call and await fit(background) before saving it`);
  const s = detector.stateForSaving();
  if (s.backgroundScores.length > MAX_BACKGROUND_SCORES) {
    throw new Error(`${fn}: the detector holds ${s.backgroundScores.length} background scores, more than the ${MAX_BACKGROUND_SCORES} a saved detector keeps; fit it on a subsample of the background`);
  }
  return {
    version: 1,
    metric: s.metric,
    batchSize: s.batchSize,
    samples: s.samples,
    seed: s.seed,
    scaler: s.scaler === null ? null : (JSON.parse(JSON.stringify(s.scaler)) as JsonObject),
    threshold: { ...s.threshold } as JsonObject,
    backgroundScores: Array.from(s.backgroundScores),
  };
}

function finite(v: Json | undefined, fn: string, path: string, rule: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {}): number {
  const { min, max, minExclusive = false, maxExclusive = false } = rule;
  const range = `${min === undefined ? '' : `${minExclusive ? '>' : '>='} ${min}`}${min !== undefined && max !== undefined ? ' and ' : ''}${max === undefined ? '' : `${maxExclusive ? '<' : '<='} ${max}`}`;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (min === undefined || (minExclusive ? v > min : v >= min)) &&
    (max === undefined || (maxExclusive ? v < max : v <= max));
  if (!ok) bad(fn, path, `a finite number${range ? ` ${range}` : ''}`, v);
  return v as number;
}

/** Checks the threshold record of a detector block. */
function readThreshold(v: Json | undefined, n: number, fn: string, path: string): AnomalyThresholdFit {
  if (!isObject(v)) bad(fn, path, 'an object { method, …, threshold }', v);
  const method = own(v, 'method');
  if (method !== 'quantile' && method !== 'mad' && method !== 'iqr' && method !== 'pot') bad(fn, `${path}.method`, "one of 'quantile', 'mad', 'iqr', 'pot'", method);
  onlyKeys(v, ['method', ...THRESHOLD_FIELDS[method]], fn, path);
  const at = (key: string, rule?: Parameters<typeof finite>[3]): number => finite(own(v, key), fn, `${path}.${key}`, rule);
  const threshold = at('threshold');
  switch (method) {
    case 'quantile':
      return { method, contamination: at('contamination', { min: 0, max: 0.5, minExclusive: true }), threshold };
    case 'mad':
      return { method, k: at('k', { min: 0 }), median: at('median'), mad: at('mad', { min: 0 }), threshold };
    case 'iqr':
      return { method, k: at('k', { min: 0 }), q1: at('q1'), q3: at('q3'), threshold };
    case 'pot': {
      const initialQuantile = at('initialQuantile', { min: 0.5, max: 1, maxExclusive: true });
      const risk = at('risk', { min: 0, max: 1 - initialQuantile, minExclusive: true, maxExclusive: true });
      const count = integer(own(v, 'n'), fn, `${path}.n`, 1, 2 ** 31 - 1);
      if (count !== n) bad(fn, `${path}.n`, `the number of background scores (${n})`, count);
      const peaks = integer(own(v, 'peaks'), fn, `${path}.peaks`, 1, count);
      return { method, risk, initialQuantile, initialThreshold: at('initialThreshold'), n: count, peaks, shape: at('shape', { min: -1 }), scale: at('scale', { min: 0, minExclusive: true }), threshold };
    }
  }
}

/** Checks a `detector` block (untrusted) into a detector state. @internal */
export function readDetectorBlock(block: Json | undefined, modelKind: string, fn: string): DetectorState {
  const path = 'modelTopology.detector';
  if (!isObject(block)) bad(fn, path, 'a detector record (an object)', block);
  const version = own(block, 'version');
  if (version !== 1) bad(fn, `${path}.version`, '1 (a detector saved by this release)', version);
  onlyKeys(block, BLOCK_KEYS, fn, path);
  const metric = own(block, 'metric');
  if (metric !== 'mse' && metric !== 'bce' && metric !== 'elbo' && metric !== 'nll') bad(fn, `${path}.metric`, "one of 'mse', 'bce', 'elbo', 'nll'", metric);
  if (metric === 'elbo' && modelKind !== 'vae') bad(fn, `${path}.metric`, `'mse' or 'bce' for a ${modelKind}`, metric);
  if (modelKind === 'pca' && metric !== 'mse' && metric !== 'nll') bad(fn, `${path}.metric`, "'mse' or 'nll' for a PCA", metric);
  if (metric === 'nll' && modelKind !== 'pca') bad(fn, `${path}.metric`, `'mse' or 'bce' for a ${modelKind} ('nll' needs a PCA)`, metric);
  const batchSize = integer(own(block, 'batchSize'), fn, `${path}.batchSize`, 1, 2 ** 24);
  const samples = integer(own(block, 'samples'), fn, `${path}.samples`, 1, 2 ** 16);
  const seed = integer(own(block, 'seed'), fn, `${path}.seed`, 0, Number.MAX_SAFE_INTEGER);
  const scoresValue = own(block, 'backgroundScores');
  if (!Array.isArray(scoresValue) || scoresValue.length === 0 || scoresValue.length > MAX_BACKGROUND_SCORES) {
    bad(fn, `${path}.backgroundScores`, `an array of 1 to ${MAX_BACKGROUND_SCORES} finite numbers`, scoresValue);
  }
  const backgroundScores = new Float32Array(scoresValue.length);
  scoresValue.forEach((v, i) => {
    backgroundScores[i] = finite(v, fn, `${path}.backgroundScores[${i}]`);
  });
  const threshold = readThreshold(own(block, 'threshold'), backgroundScores.length, fn, `${path}.threshold`);
  const scalerValue = own(block, 'scaler');
  let scaler: ScalerJSON | null = null;
  if (scalerValue !== null) {
    try {
      scaler = Scaler.fromJSON(scalerValue).toJSON();
    } catch (e) {
      throw new Error(`${fn}: field '${path}.scaler' is invalid: ${(e as Error).message}`);
    }
  }
  return { metric, batchSize, samples, seed, scaler, threshold, backgroundScores };
}

/** A detector around a loaded model; the model is disposed when the state does not fit it. @internal */
export function buildDetector(model: ScorableModel & { dispose?: () => void; inputShape?: unknown }, state: DetectorState, fn: string): AnomalyDetector {
  try {
    const shape = model.inputShape;
    if (state.scaler !== null && Array.isArray(shape)) {
      const features = state.scaler.featureShape;
      if (shape.length !== features.length || shape.some((s, i) => s !== null && s !== features[i])) {
        throw new Error(`${fn}: field 'modelTopology.detector.scaler.featureShape' is [${features.join(',')}], but the model takes samples of shape [${shape.join(',')}]`);
      }
    }
    const nFeatures = (model as { nFeatures?: unknown; isFitted?: unknown }).isFitted === true ? (model as { nFeatures?: number }).nFeatures : undefined;
    if (state.scaler !== null && typeof nFeatures === 'number' && state.scaler.featureShape.reduce((a, b) => a * b, 1) !== nFeatures) {
      throw new Error(`${fn}: field 'modelTopology.detector.scaler.featureShape' does not match the PCA's ${nFeatures} features`);
    }
    return AnomalyDetector.fromState(model, state);
  } catch (e) {
    model.dispose?.();
    throw e;
  }
}

