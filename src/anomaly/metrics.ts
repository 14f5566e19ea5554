/**
 * Ranking metrics of an anomaly score: the ROC curve, its area and the average precision.
 * Pure host-side functions (no tensors), exact with ties.
 * @module
 */
import { orderByDecreasingScore, readLabels, readScores, requireBothClasses } from './internal.js';
import type { BinaryLabels } from './internal.js';

/**
 * Binary labels of the metrics: `1` (or `true`) marks an anomaly — the positive class, the one
 * that should get the higher scores — and `0` (or `false`) a normal sample. Any array or typed
 * array (a `Uint8Array` from {@link AnomalyDetector.predict} works as is).
 * @category Anomaly detection
 */
export type BinaryLabelInput = ArrayLike<number> | readonly boolean[];

/**
 * What {@link rocCurve} returns: three arrays of the same length `k + 1`, where `k` is the
 * number of distinct scores.
 * @category Anomaly detection
 */
export interface RocCurve {
  /** False-positive rates `FP(t) / N`, increasing from 0 to 1. */
  readonly fpr: Float64Array;
  /** True-positive rates `TP(t) / P`, increasing from 0 to 1. */
  readonly tpr: Float64Array;
  /**
   * The thresholds `t`, decreasing: point `i` flags the samples with `score >= thresholds[i]`.
   * `thresholds[0]` is `Infinity` (nothing flagged: the point (0, 0)); the others are the
   * distinct scores.
   */
  readonly thresholds: Float64Array;
}

/**
 * Walks the scores from the highest to the lowest and calls `visit(tp, fp, score)` once per
 * distinct score, with the cumulative counts of positives and negatives scored `>= score`.
 * @internal
 */
function forEachThreshold(
  scores: Float64Array,
  labels: BinaryLabels,
  visit: (tp: number, fp: number, score: number) => void,
): void {
  const order = orderByDecreasingScore(scores);
  const y = labels.values;
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (y[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) visit(tp, fp, scores[i]!);
  }
}

/**
 * The receiver operating characteristic of a score: for every threshold `t` (each distinct
 * score), the false-positive rate `FPR(t) = #{negatives with score >= t} / N` and the
 * true-positive rate `TPR(t) = #{positives with score >= t} / P`.
 *
 * Same points as scikit-learn's `roc_curve(labels, scores, drop_intermediate=False)`: one point
 * per distinct score plus a first point (0, 0), whose threshold is `Infinity` (as in
 * scikit-learn >= 1.3; scikit-learn 1.2 writes `max(score) + 1` there). Tied scores give one
 * point, so the curve is exact with ties (a diagonal segment across the tied samples).
 * Intermediate collinear points are kept (scikit-learn drops them by default); they do not
 * change the area.
 *
 * @param scores - one anomaly score per sample (higher = more anomalous), `[n]`, finite.
 * @param labels - one label per sample, `[n]`: 1 (anomaly) or 0 (normal), both present.
 * @returns `{ fpr, tpr, thresholds }`, each a `Float64Array` of length (distinct scores + 1).
 * @throws TypeError when an argument is not an array; Error on an empty array, a NaN or
 *   infinite score, a label other than 0/1, different lengths, or only one class present.
 * @category Anomaly detection
 * @example
 * ```ts
 * const { fpr, tpr, thresholds } = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * fpr;        //=> [0, 0, 0.5, 0.5, 1]
 * tpr;        //=> [0, 0.5, 0.5, 1, 1]
 * thresholds; //=> [Infinity, 0.8, 0.4, 0.35, 0.1]
 * ```
 */
export function rocCurve(scores: ArrayLike<number>, labels: BinaryLabelInput): RocCurve {
  const fn = 'rocCurve';
  const s = readScores(scores, fn);
  const y = readLabels(labels, s.length, fn);
  requireBothClasses(y, fn);
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const thresholds: number[] = [Infinity];
  forEachThreshold(s, y, (tp, fp, score) => {
    fpr.push(fp / y.negatives);
    tpr.push(tp / y.positives);
    thresholds.push(score);
  });
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), thresholds: Float64Array.from(thresholds) };
}

/**
 * The area under the ROC curve: the probability that a random anomaly scores higher than a
 * random normal sample, ties counting one half,
 *
 * `AUC = (1 / (P·N)) · Σ_{i: y=1} Σ_{j: y=0} ( [s_i > s_j] + ½·[s_i = s_j] )`,
 *
 * computed exactly as the trapezoidal area under {@link rocCurve} (`O(n log n)`; the sums run
 * on integer counts, so the only rounding is the final division). Equals scikit-learn's
 * `roc_auc_score(labels, scores)`. 1 = perfect ranking, 0.5 = chance.
 *
 * @param scores - one anomaly score per sample (higher = more anomalous), `[n]`, finite.
 * @param labels - one label per sample, `[n]`: 1 (anomaly) or 0 (normal), both present.
 * @returns the area, in [0, 1].
 * @throws TypeError when an argument is not an array; Error on an empty array, a NaN or
 *   infinite score, a label other than 0/1, different lengths, or only one class present.
 * @category Anomaly detection
 * @example
 * ```ts
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); //=> 0.75
 * rocAuc([1, 1, 2], [0, 1, 1]);                //=> 0.75  (the tie counts ½)
 * ```
 */
export function rocAuc(scores: ArrayLike<number>, labels: BinaryLabelInput): number {
  const fn = 'rocAuc';
  const s = readScores(scores, fn);
  const y = readLabels(labels, s.length, fn);
  requireBothClasses(y, fn);
  // Twice the trapezoidal area, in units of 1/(P·N): Σ Δfp · (tp + tp_prev).
  let twiceArea = 0;
  let prevTp = 0;
  let prevFp = 0;
  forEachThreshold(s, y, (tp, fp) => {
    twiceArea += (fp - prevFp) * (tp + prevTp);
    prevTp = tp;
    prevFp = fp;
  });
  return twiceArea / (2 * y.positives * y.negatives);
}

/**
 * The average precision: the area under the precision–recall curve as a step sum over the
 * distinct scores `t_1 > t_2 > …`,
 *
 * `AP = Σ_k (R_k − R_{k−1}) · P_k`,  with `P_k = TP(t_k) / (TP(t_k) + FP(t_k))`,
 * `R_k = TP(t_k) / P` and `R_0 = 0`
 *
 * (no interpolation). Tied scores form one step. Equals scikit-learn's
 * `average_precision_score(labels, scores)`. Its chance level is the fraction of anomalies,
 * which makes it more telling than the ROC AUC when anomalies are rare.
 *
 * @param scores - one anomaly score per sample (higher = more anomalous), `[n]`, finite.
 * @param labels - one label per sample, `[n]`: 1 (anomaly) or 0 (normal), at least one 1.
 * @returns the average precision, in (0, 1].
 * @throws TypeError when an argument is not an array; Error on an empty array, a NaN or
 *   infinite score, a label other than 0/1, different lengths, or no anomaly (label 1) at all.
 * @category Anomaly detection
 * @example
 * ```ts
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); //=> 0.8333  (½·1 + ½·⅔)
 * ```
 */
export function averagePrecision(scores: ArrayLike<number>, labels: BinaryLabelInput): number {
  const fn = 'averagePrecision';
  const s = readScores(scores, fn);
  const y = readLabels(labels, s.length, fn);
  if (y.positives === 0) {
    throw new Error(`${fn}: argument 'labels' must hold at least one 1 (anomaly), got only 0: the precision–recall curve is undefined`);
  }
  let sum = 0;
  let prevTp = 0;
  forEachThreshold(s, y, (tp, fp) => {
    if (tp > prevTp) sum += ((tp - prevTp) / y.positives) * (tp / (tp + fp));
    prevTp = tp;
  });
  return sum;
}
