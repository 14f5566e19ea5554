/**
 * Validation helpers of the anomaly-detection functions: options objects, score arrays and
 * binary labels. Nothing here is public.
 * @module
 */
import { describe, typeFail } from '../core/index.js';

export { readOptions } from '../core/index.js';

/** True for arrays and typed arrays (not DataView). @internal */
function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Copies scores into a float64 array, checking that there is at least one and that every one is
 * finite (a NaN score cannot be ranked: it usually means the model diverged).
 * @internal
 */
export function readScores(scores: unknown, fn: string, arg = 'scores'): Float64Array {
  if (!isArrayLike(scores)) typeFail(fn, arg, 'an array or typed array of numbers', scores);
  const n = scores.length;
  if (n === 0) throw new Error(`${fn}: argument '${arg}' must hold at least one score, got an empty array`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (typeof v !== 'number' && typeof v !== 'bigint') typeFail(fn, `${arg}[${i}]`, 'a number', v);
    const x = Number(v);
    if (!Number.isFinite(x)) {
      throw new Error(`${fn}: argument '${arg}' must hold finite numbers, found ${String(x)} at index ${i} (did the model diverge?)`);
    }
    out[i] = x;
  }
  return out;
}

/** Binary labels with their class counts. @internal */
export interface BinaryLabels {
  /** 1 = anomaly / positive, 0 = normal / negative. */
  readonly values: Uint8Array;
  readonly positives: number;
  readonly negatives: number;
}

/**
 * Reads labels that must be 0/1 (or booleans), `n` of them (one per score).
 * @internal
 */
export function readLabels(labels: unknown, n: number, fn: string, arg = 'labels'): BinaryLabels {
  if (!isArrayLike(labels)) typeFail(fn, arg, 'an array or typed array of 0/1 labels (1 = anomaly)', labels);
  if (labels.length !== n) {
    throw new Error(`${fn}: argument '${arg}' must hold one label per score (${n}), got ${labels.length}`);
  }
  const values = new Uint8Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    let bit: number;
    if (v === 0 || v === false) bit = 0;
    else if (v === 1 || v === true) bit = 1;
    else throw new Error(`${fn}: argument '${arg}' must hold only 0 and 1 (or false and true), found ${describe(v)} at index ${i}`);
    values[i] = bit;
    positives += bit;
  }
  return { values, positives, negatives: n - positives };
}

/** Throws unless both classes are present (needed for ROC curves and their area). @internal */
export function requireBothClasses(labels: BinaryLabels, fn: string, arg = 'labels'): void {
  if (labels.positives === 0 || labels.negatives === 0) {
    const only = labels.positives === 0 ? '0 (normal)' : '1 (anomaly)';
    throw new Error(
      `${fn}: argument '${arg}' must hold both classes, 0 and 1, got only ${only}: the ROC curve is undefined with one class`,
    );
  }
}

/**
 * The indices of `scores` sorted by decreasing score (stable, so ties keep their input order;
 * the metrics treat each run of tied scores as one threshold, so the order inside a run never
 * matters).
 * @internal
 */
export function orderByDecreasingScore(scores: Float64Array): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}
