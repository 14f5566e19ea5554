/**
 * Turning scores into decisions: the contamination quantile of background scores.
 * @module
 */
import { assertNumber } from '../core/index.js';
import { readOptions, readScores } from './internal.js';

/**
 * Options of {@link anomalyThreshold}.
 * @category Anomaly detection
 */
export interface AnomalyThresholdOptions {
  /**
   * The fraction of the given samples expected to be anomalous, in (0, 0.5]: the threshold is the
   * `1 − contamination` quantile of their scores. Default `0.1` (as PyOD).
   */
  readonly contamination?: number;
}

const THRESHOLD_KEYS = ['contamination'] as const;

/** Reads and checks a contamination option. @internal */
export function readContamination(value: unknown, fn: string, arg: string): number {
  const contamination = value ?? 0.1;
  assertNumber(contamination, fn, arg, { min: 0, max: 0.5, minExclusive: true });
  return contamination;
}

/**
 * The `q`-quantile of finite values by linear interpolation between order statistics (numpy's
 * default `method='linear'`): with the values sorted, `h = (n − 1)·q`, the result is
 * `v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋+1] − v[⌊h⌋])`.
 * @internal
 */
export function linearQuantile(values: Float64Array, q: number): number {
  const sorted = values.slice().sort();
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  const t = h - lo;
  // The same two-sided form as numpy's lerp, so that the result never leaves [a, b].
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/**
 * The score above which a sample is flagged as an anomaly, given the scores of samples of which a
 * fraction `contamination` is thought to be anomalous (often: the training background, assumed
 * clean, with a small contamination as the tolerated false-positive rate):
 *
 * `threshold = quantile(scores, 1 − contamination)` (linear interpolation, numpy's default),
 *
 * and a sample is flagged when `score > threshold` (strictly, as PyOD's
 * `threshold_ = np.percentile(scores, 100·(1 − contamination))`). With `n` distinct scores, about
 * `contamination · (n − 1)` of them lie above the threshold: `n − 1 − ⌊(n − 1)(1 − contamination)⌋`
 * exactly.
 *
 * @param scores - anomaly scores `[n]` (e.g. from {@link anomalyScores}), finite, n >= 1.
 * @param options - `{ contamination = 0.1 }`, in (0, 0.5].
 * @returns the threshold (a number between the smallest and the largest score).
 * @throws TypeError when `scores` is not an array; Error on an empty array, a NaN or infinite
 *   score, a contamination outside (0, 0.5], or an unknown option.
 * @category Anomaly detection
 * @example
 * ```ts
 * const scores = Float32Array.from({ length: 101 }, (_, i) => i); // 0, 1, …, 100
 * anomalyThreshold(scores, { contamination: 0.05 }); //=> 95  (5 scores lie above it)
 * ```
 */
export function anomalyThreshold(scores: ArrayLike<number>, options?: AnomalyThresholdOptions): number {
  const fn = 'anomalyThreshold';
  const opts = readOptions(options, THRESHOLD_KEYS, fn);
  const contamination = readContamination(opts['contamination'], fn, 'options.contamination');
  const s = readScores(scores, fn);
  return linearQuantile(s, 1 - contamination);
}
