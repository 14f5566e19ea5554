/**
 * Outlier probabilities and prediction confidence from scores and the background's scores:
 * PyOD's two `predict_proba` definitions and ExCeeD's confidence. Pure functions on host
 * arrays; the detector's methods are their public face.
 * @module
 */
import { binomialCdf, erf } from './special.js';

/**
 * How {@link AnomalyDetector.predictProba} turns a score into an outlier probability:
 * - `'linear'`: `(s − min(b)) / (max(b) − min(b))`, clipped to [0, 1], `b` the background scores
 *   (PyOD's default: a min-max scaling of the background);
 * - `'unify'` (Kriegel et al., "Interpreting and Unifying Outlier Scores", SDM 2011):
 *   `max(0, erf((s − μ_b) / (σ_b·√2)))`, μ_b and σ_b the mean and (population) standard
 *   deviation of the background scores.
 * @category Anomaly detection
 */
export type ProbabilityMethod = 'linear' | 'unify';

/** Background statistics the probabilities need (kept by a detector, saved with it). @internal */
export interface BackgroundSummary {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation (ddof 0). */
  readonly std: number;
  /** The background scores sorted ascending (ExCeeD counts the background below a score). */
  readonly sorted: Float64Array;
}

/** Summarises background scores. @internal */
export function summarize(background: ArrayLike<number>): BackgroundSummary {
  const sorted = Float64Array.from(background).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  return { n, min: sorted[0]!, max: sorted[n - 1]!, mean, std: Math.sqrt(ss / n), sorted };
}

/**
 * Outlier probabilities of `scores` given the background (see {@link ProbabilityMethod}). A
 * constant background (max = min, or σ = 0) gives 1 above its value and 0 at or below it.
 * @internal
 */
export function outlierProbability(scores: ArrayLike<number>, b: BackgroundSummary, method: ProbabilityMethod): Float32Array {
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    let p: number;
    if (method === 'linear') {
      const range = b.max - b.min;
      p = range > 0 ? (s - b.min) / range : s > b.min ? 1 : 0;
    } else {
      p = b.std > 0 ? erf((s - b.mean) / (b.std * Math.SQRT2)) : s > b.mean ? 1 : 0;
    }
    out[i] = Math.min(1, Math.max(0, p));
  }
  return out;
}

/** How many of the ascending `sorted` values are <= `v` (binary search). @internal */
export function countAtMost(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * ExCeeD confidence (Perini, Vercruyssen and Davis, "Quantifying the confidence of anomaly
 * detectors in their example-wise predictions", ECML-PKDD 2020), as PyOD computes it: with `n`
 * background scores, `m = #(background <= s)`, the Bayesian outlier probability
 * `p = (1 + m) / (2 + n)`, and `nOutliers` background samples expected anomalous,
 * `confidence = P(Binomial(n, p) > n − nOutliers)` for a sample flagged (`s > threshold`),
 * `1 −` that for one not flagged.
 * @internal
 */
export function exceedConfidence(scores: ArrayLike<number>, b: BackgroundSummary, threshold: number, nOutliers: number): Float32Array {
  const n = b.n;
  const k = n - nOutliers;
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    const p = (1 + countAtMost(b.sorted, s)) / (2 + n);
    const c = 1 - binomialCdf(k, n, p);
    out[i] = s > threshold ? c : 1 - c;
  }
  return out;
}
