/**
 * Turning scores into decisions: the score above which a sample is flagged, by one of four
 * rules — the contamination quantile, median + k·MAD, Q3 + k·IQR, or peaks over threshold.
 * @module
 */
import { assertNumber, assertOneOf, typeFail } from '../core/index.js';
import { readOptions, readScores } from './internal.js';
import { fitGpd, potQuantile } from './pot.js';

/**
 * How {@link anomalyThreshold} turns background scores into a threshold:
 * - `'quantile'`: the `1 − contamination` quantile (you say how much is anomalous);
 * - `'mad'`: `median + k·MAD`, MAD scaled to be normal-consistent (robust, no contamination);
 * - `'iqr'`: `Q3 + k·(Q3 − Q1)`, Tukey's fence (robust, no contamination);
 * - `'pot'`: peaks over threshold, a generalized Pareto tail fitted above an initial quantile
 *   and the threshold put where the tail's probability is `risk` (extreme-value theory).
 * @category Anomaly detection
 */
export type AnomalyThresholdMethod = 'quantile' | 'mad' | 'iqr' | 'pot';

/**
 * Options of {@link anomalyThreshold} (and the detector's `threshold`), tagged by `method`
 * (default `'quantile'`). Each method takes only its own keys:
 * - `{ method: 'quantile', contamination = 0.1 }`, contamination in (0, 0.5];
 * - `{ method: 'mad', k = 3 }`, k >= 0;
 * - `{ method: 'iqr', k = 1.5 }`, k >= 0;
 * - `{ method: 'pot', risk = 1e-3, initialQuantile = 0.9 }`, initialQuantile in [0.5, 1) and
 *   risk in (0, 1 − initialQuantile).
 * @category Anomaly detection
 */
export type AnomalyThresholdOptions =
  | { readonly method?: 'quantile'; readonly contamination?: number }
  | { readonly method: 'mad'; readonly k?: number }
  | { readonly method: 'iqr'; readonly k?: number }
  | { readonly method: 'pot'; readonly risk?: number; readonly initialQuantile?: number };

/**
 * A threshold with the values it was computed from (see {@link fitAnomalyThreshold}); a plain,
 * JSON-serialisable object, saved with a detector.
 * @category Anomaly detection
 */
export type AnomalyThresholdFit =
  | { readonly method: 'quantile'; readonly contamination: number; readonly threshold: number }
  | { readonly method: 'mad'; readonly k: number; readonly median: number; readonly mad: number; readonly threshold: number }
  | { readonly method: 'iqr'; readonly k: number; readonly q1: number; readonly q3: number; readonly threshold: number }
  | {
      readonly method: 'pot';
      readonly risk: number;
      readonly initialQuantile: number;
      /** The initial threshold `t`, the `initialQuantile` quantile of the scores. */
      readonly initialThreshold: number;
      /** `n`, the number of scores. */
      readonly n: number;
      /** `N_t`, the number of scores above `t`. */
      readonly peaks: number;
      /** ξ of the fitted generalized Pareto distribution. */
      readonly shape: number;
      /** σ of the fitted generalized Pareto distribution. */
      readonly scale: number;
      readonly threshold: number;
    };

const METHODS: readonly AnomalyThresholdMethod[] = ['quantile', 'mad', 'iqr', 'pot'];
const KEYS: Readonly<Record<AnomalyThresholdMethod, readonly string[]>> = {
  quantile: ['method', 'contamination'],
  mad: ['method', 'k'],
  iqr: ['method', 'k'],
  pot: ['method', 'risk', 'initialQuantile'],
};

/** `1/Φ⁻¹(3/4)`: makes the MAD of a normal sample estimate its standard deviation (scipy's `scale='normal'`). */
export const MAD_NORMAL_SCALE = 1.482602218505602;

/** The fewest peaks a POT fit accepts. */
const MIN_PEAKS = 10;

/** Reads and checks a contamination option. @internal */
export function readContamination(value: unknown, fn: string, arg: string): number {
  const contamination = value ?? 0.1;
  assertNumber(contamination, fn, arg, { min: 0, max: 0.5, minExclusive: true });
  return contamination;
}

/** A threshold rule with its defaults filled in. @internal */
export type ResolvedThreshold =
  | { readonly method: 'quantile'; readonly contamination: number }
  | { readonly method: 'mad' | 'iqr'; readonly k: number }
  | { readonly method: 'pot'; readonly risk: number; readonly initialQuantile: number };

/** Reads and checks threshold options (see {@link AnomalyThresholdOptions}). @internal */
export function resolveThreshold(options: unknown, fn: string, arg = 'options'): ResolvedThreshold {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    typeFail(fn, arg, "an options object such as { method: 'mad', k: 3 }", options);
  }
  const method = (options as { method?: unknown } | undefined)?.method ?? 'quantile';
  assertOneOf(method, METHODS, fn, `${arg}.method`);
  const opts = readOptions(options, KEYS[method], fn, arg);
  switch (method) {
    case 'quantile':
      return { method, contamination: readContamination(opts['contamination'], fn, `${arg}.contamination`) };
    case 'mad':
    case 'iqr': {
      const k = opts['k'] ?? (method === 'mad' ? 3 : 1.5);
      assertNumber(k, fn, `${arg}.k`, { min: 0 });
      return { method, k };
    }
    case 'pot': {
      const { risk = 1e-3, initialQuantile = 0.9 } = opts;
      assertNumber(initialQuantile, fn, `${arg}.initialQuantile`, { min: 0.5, max: 1, maxExclusive: true });
      assertNumber(risk, fn, `${arg}.risk`, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
      if (risk >= 1 - initialQuantile) {
        throw new Error(
          `${fn}: argument '${arg}.risk' must be below 1 − initialQuantile (${+(1 - initialQuantile).toPrecision(12)}, the fraction of peaks), got the number ${risk}`,
        );
      }
      return { method, risk, initialQuantile };
    }
  }
}

/**
 * The `q`-quantile of finite values by linear interpolation between order statistics (numpy's
 * default `method='linear'`): with the values sorted, `h = (n − 1)·q`, the result is
 * `v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋+1] − v[⌊h⌋])`.
 * @internal
 */
export function linearQuantile(values: Float64Array, q: number): number {
  return sortedQuantile(values.slice().sort(), q);
}

/** {@link linearQuantile} of values already sorted ascending. @internal */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  const t = h - lo;
  // The same two-sided form as numpy's lerp, so that the result never leaves [a, b].
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Applies a resolved rule to checked scores. @internal */
export function computeThreshold(s: Float64Array, rule: ResolvedThreshold, fn: string, arg = 'scores'): AnomalyThresholdFit {
  const sorted = s.slice().sort();
  switch (rule.method) {
    case 'quantile':
      return { method: 'quantile', contamination: rule.contamination, threshold: sortedQuantile(sorted, 1 - rule.contamination) };
    case 'mad': {
      const median = sortedQuantile(sorted, 0.5);
      const deviations = sorted.map((v) => Math.abs(v - median)).sort();
      const mad = MAD_NORMAL_SCALE * sortedQuantile(deviations, 0.5);
      return { method: 'mad', k: rule.k, median, mad, threshold: median + rule.k * mad };
    }
    case 'iqr': {
      const q1 = sortedQuantile(sorted, 0.25);
      const q3 = sortedQuantile(sorted, 0.75);
      return { method: 'iqr', k: rule.k, q1, q3, threshold: q3 + rule.k * (q3 - q1) };
    }
    case 'pot': {
      const n = sorted.length;
      const t = sortedQuantile(sorted, rule.initialQuantile);
      const excesses = sorted.filter((v) => v > t).map((v) => v - t);
      const peaks = excesses.length;
      if (peaks < MIN_PEAKS || excesses[0] === excesses[peaks - 1]) {
        throw new Error(
          `${fn}: argument '${arg}' has ${peaks} score(s) above the initial threshold (the ${rule.initialQuantile} quantile, ${t})${peaks >= MIN_PEAKS ? ', all equal' : ''}: ` +
            `the 'pot' method fits its tail to at least ${MIN_PEAKS} distinct peaks; give more scores (n·(1 − initialQuantile) >= ${MIN_PEAKS}), lower initialQuantile, or use method 'mad'`,
        );
      }
      const gpd = fitGpd(excesses);
      const threshold = potQuantile(t, gpd, rule.risk, n, peaks);
      return { method: 'pot', risk: rule.risk, initialQuantile: rule.initialQuantile, initialThreshold: t, n, peaks, shape: gpd.shape, scale: gpd.scale, threshold };
    }
  }
}

/**
 * The threshold with the values it was computed from, for the rule `options` selects (see
 * {@link anomalyThreshold} for the formulas): e.g. `{ method: 'pot', …, shape, scale, peaks }`.
 *
 * @param scores - anomaly scores `[n]`, finite, n >= 1 (POT: at least 10 above the initial quantile).
 * @param options - see {@link AnomalyThresholdOptions}; default `{ method: 'quantile', contamination: 0.1 }`.
 * @returns an {@link AnomalyThresholdFit}: `threshold` and the rule's fitted values.
 * @throws as {@link anomalyThreshold}.
 * @category Anomaly detection
 * @example
 * ```ts
 * const scores = Float32Array.from({ length: 101 }, (_, i) => i);
 * fitAnomalyThreshold(scores, { method: 'iqr' }); //=> { method: 'iqr', k: 1.5, q1: 25, q3: 75, threshold: 150 }
 * ```
 */
export function fitAnomalyThreshold(scores: ArrayLike<number>, options?: AnomalyThresholdOptions): AnomalyThresholdFit {
  const fn = 'fitAnomalyThreshold';
  const rule = resolveThreshold(options, fn);
  return computeThreshold(readScores(scores, fn), rule, fn);
}

/**
 * The score above which a sample is flagged as an anomaly (`score > threshold`), computed from
 * the scores of samples thought to be mostly normal (usually the training background). Every
 * quantile is numpy's linear interpolation (`np.quantile`, default method).
 *
 * - `method: 'quantile'` (default): `quantile(scores, 1 − contamination)`, as PyOD's
 *   `threshold_ = np.percentile(scores, 100·(1 − contamination))`; with `n` distinct scores,
 *   `n − 1 − ⌊(n − 1)(1 − contamination)⌋` of them lie above it.
 * - `'mad'`: `median + k·MAD`, `MAD = 1.4826·median(|s − median(s)|)` (the normal-consistent
 *   MAD, scipy's `median_abs_deviation(scale='normal')`), `k = 3` by default: about 0.13% of a
 *   normal background above it. With more than half the scores tied, MAD = 0 and the
 *   threshold is the median.
 * - `'iqr'`: `Q3 + k·(Q3 − Q1)`, Q1/Q3 the 0.25/0.75 quantiles, `k = 1.5` (Tukey's fence).
 * - `'pot'` (Siffer et al., KDD 2017): `t = quantile(scores, initialQuantile)` (default 0.9),
 *   the `N_t` excesses `y = s − t` of the scores above `t` get a generalized Pareto
 *   distribution `GPD(ξ, σ)` by maximum likelihood (location 0, as scipy's
 *   `genpareto.fit(y, floc=0)`, restricted to ξ >= −1 where the MLE is regular), and
 *   `threshold = t + (σ/ξ)·((risk·n/N_t)^(−ξ) − 1)` (`t − σ·log(risk·n/N_t)` at ξ = 0): the score
 *   exceeded with probability `risk` (default 1e-3) under the fitted tail — it can lie above
 *   the largest score seen.
 *
 * Which to use: `'quantile'` when you know (or accept) a false-positive rate; `'mad'` or
 * `'iqr'` when you do not, and the background scores are roughly symmetric (MAD) or skewed
 * (IQR is less sensitive to a long right tail); `'pot'` when you want a very small risk
 * and have enough scores (hundreds at least) to fit the tail.
 *
 * @param scores - anomaly scores `[n]` (e.g. from {@link anomalyScores}), finite, n >= 1
 *   (POT: at least 10 distinct scores above `t`).
 * @param options - see {@link AnomalyThresholdOptions}.
 * @returns the threshold.
 * @throws TypeError when `scores` is not an array; Error on an empty array, a NaN or infinite
 *   score, an unknown method, an option outside its range or of another method, or (POT) too
 *   few peaks above the initial quantile.
 * @category Anomaly detection
 * @example
 * ```ts
 * const scores = Float32Array.from({ length: 101 }, (_, i) => i); // 0, 1, …, 100
 * anomalyThreshold(scores, { contamination: 0.05 }); //=> 95  (5 scores lie above it)
 * anomalyThreshold(scores, { method: 'mad' });        //=> 50 + 3 · 1.4826 · 25
 * anomalyThreshold(scores, { method: 'pot', risk: 1e-3 });
 * ```
 */
export function anomalyThreshold(scores: ArrayLike<number>, options?: AnomalyThresholdOptions): number {
  const fn = 'anomalyThreshold';
  const rule = resolveThreshold(options, fn);
  return computeThreshold(readScores(scores, fn), rule, fn).threshold;
}
