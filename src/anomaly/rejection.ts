/**
 * Background rejection at a fixed signal efficiency: the figure of merit of particle-physics
 * taggers, read off the ROC curve. A pure host-side function (no tensors).
 * @module
 */
import { assertNumber } from '../core/index.js';
import { readLabels, readScores, requireBothClasses } from './internal.js';
import { type BinaryLabelInput, rocCurve } from './metrics.js';

/**
 * The background rejection `1/ε_B` at a signal efficiency `ε_S`: flag the samples whose score is
 * at least a threshold, lower the threshold until a fraction `ε_S` of the anomalies (the signal,
 * label 1) is flagged, and return one over the fraction `ε_B` of normal samples (the background,
 * label 0) flagged with them.
 *
 * `ε_B(ε_S)` is read off the piecewise-linear ROC curve of {@link rocCurve} (points
 * `(FPR_k, TPR_k)`, one per distinct score): with `k` the first point where `TPR_k ≥ ε_S`,
 *
 * `ε_B = FPR_{k-1} + (ε_S − TPR_{k-1}) · (FPR_k − FPR_{k-1}) / (TPR_k − TPR_{k-1})`
 *
 * (`= FPR_k` when `TPR_k = ε_S`), the linear interpolation between the two thresholds around
 * `ε_S`; the first point of the curve where it reaches `ε_S`, so a horizontal stretch counts at its
 * left end. A score that flags no background at `ε_S` gives `Infinity`. Higher is better; chance
 * (a random score) gives `1/ε_S`. Farina, Nakai & Shih (arXiv:1808.08992) and the top-tagging
 * comparison of Kasieczka et al. (arXiv:1902.09914) quote it at `ε_S` = 0.1, 0.3 and 0.5.
 *
 * @param scores - one anomaly score per sample (higher = more anomalous), `[n]`, finite.
 * @param labels - one label per sample, `[n]`: 1 (signal) or 0 (background), both present.
 * @param signalEfficiency - the fraction `ε_S` of the signal to keep, in (0, 1].
 * @returns `1/ε_B`, in [1, ∞].
 * @throws TypeError when an argument is not an array or a number; Error on an empty array, a NaN
 *   or infinite score, a label other than 0/1, different lengths, one class only, or `ε_S` outside (0, 1].
 * @category Anomaly detection
 * @example
 * ```ts
 * // Signal scores 0.9, 0.8, 0.4, 0.3; background 0.7, 0.2, 0.1, 0.05.
 * const scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1, 0.05];
 * const labels = [1, 1, 0, 1, 1, 0, 0, 0];
 * backgroundRejection(scores, labels, 0.5);  //=> Infinity (two signal jets above every background jet)
 * backgroundRejection(scores, labels, 0.75); //=> 4       (ε_B = 1/4)
 * ```
 */
export function backgroundRejection(scores: ArrayLike<number>, labels: BinaryLabelInput, signalEfficiency: number): number {
  const fn = 'backgroundRejection';
  const s = readScores(scores, fn);
  requireBothClasses(readLabels(labels, s.length, fn), fn);
  assertNumber(signalEfficiency, fn, 'signalEfficiency', { min: 0, minExclusive: true, max: 1 });
  const { fpr, tpr } = rocCurve(s, labels);
  let k = 1;
  while (tpr[k]! < signalEfficiency) k++;
  const t0 = tpr[k - 1]!;
  const t1 = tpr[k]!;
  const f0 = fpr[k - 1]!;
  const f1 = fpr[k]!;
  const eB = t1 === signalEfficiency ? f1 : f0 + ((signalEfficiency - t0) * (f1 - f0)) / (t1 - t0);
  return eB === 0 ? Infinity : 1 / eB;
}
