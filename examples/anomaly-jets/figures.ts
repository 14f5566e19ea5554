// The figures of the jet example, drawn with the shared chart functions (examples/shared/plot.ts):
// the ROC curves (both the statistician's and the physicist's way), the paper's Figure 3 (average
// images, reconstructions and squared errors) and the mass-decorrelation check.
import type { PNG } from 'pngjs';
import { type LineSeries, PALETTE, histogram, imagePanel, lineChart, tile } from '../shared/plot.js';
import { binnedQuantiles } from './metrics.js';

/** One model's ROC curve. */
export interface RocInput {
  name: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
}

/** Left: TPR against FPR; right: background rejection 1/ε_B (log) against signal efficiency ε_S. */
export function rocFigure(models: readonly RocInput[]): PNG {
  const roc: LineSeries[] = models.map((m) => ({ name: m.name, points: Array.from(m.fpr, (f, i) => [f, m.tpr[i]!] as const), markers: false }));
  const left = lineChart({
    series: [...roc, { name: 'chance', points: [[0, 0], [1, 1]], dashed: true, color: [150, 150, 150], markers: false }],
    title: 'ROC',
    xLabel: 'FALSE-POSITIVE RATE (QCD FLAGGED)',
    yLabel: 'TRUE-POSITIVE RATE (TOP FLAGGED)',
    x: { min: 0, max: 1 },
    y: { min: 0, max: 1 },
    legend: 'bottom-right',
    width: 620,
    height: 520,
  });
  // 1/ε_B where ε_B > 0, for ε_S ≥ 0.05 (below that a few jets decide).
  const rejection: LineSeries[] = models.map((m) => ({
    name: m.name,
    points: Array.from(m.fpr, (f, i) => [m.tpr[i]!, 1 / f] as const).filter(([s, r]) => s >= 0.05 && Number.isFinite(r)),
    markers: false,
  }));
  const chance: LineSeries = { name: 'chance', points: Array.from({ length: 20 }, (_, i) => [0.05 + (0.95 * i) / 19, 1 / (0.05 + (0.95 * i) / 19)] as const), dashed: true, color: [150, 150, 150], markers: false };
  const right = lineChart({
    series: [...rejection, chance],
    title: 'BACKGROUND REJECTION',
    xLabel: 'SIGNAL EFFICIENCY',
    yLabel: '1 / BACKGROUND EFFICIENCY',
    x: { min: 0, max: 1 },
    y: { log: 10 },
    legend: 'top-right',
    width: 620,
    height: 520,
  });
  return tile([left, right], { gap: 10 });
}

/**
 * Like the paper's Figure 3: rows original / reconstructed / squared error, one column per
 * class, as fractions of the jet pT on a log grey scale of `decades` decades, each row scaled to
 * its own maximum (white = the row's maximum).
 */
export function figure3(rows: readonly (readonly [string, Float32Array, Float32Array])[], columns: readonly string[], title: string, decades = 5): PNG {
  const panelRows = rows.map(([label, a, b]) => {
    let max = 0;
    for (const v of [...a, ...b]) max = Math.max(max, v);
    const log = (img: Float32Array) => Float32Array.from(img, (v) => (v > 0 && max > 0 ? Math.max(0, 1 + Math.log10(v / max) / decades) : 0));
    return { label, images: [log(a), log(b)] };
  });
  return imagePanel({ rows: panelRows, side: 40, scale: 5, gap: 6, rowGap: 6, columnLabels: columns, title, subtitle: `LOG SCALE, ${decades} DECADES PER ROW` });
}

/** One model's QCD scores for the mass-decorrelation figure. */
export interface SculptInput {
  name: string;
  /** Scores of the QCD test jets. */
  scores: Float32Array;
  /** Thresholds that keep the fractions `keep` of the QCD test jets. */
  thresholds: readonly number[];
}

/**
 * The mass-decorrelation check for QCD jets: left, the median and 90 % quantile of each model's
 * score (relative to its overall median) in bins of the jet mass; right, the QCD mass
 * distribution before and after a cut on the headline model's score.
 */
export function sculptingFigure(masses: Float32Array, models: readonly SculptInput[], edges: readonly number[], keep: readonly number[]): PNG {
  const centres = edges.slice(0, -1).map((e, i) => (e + edges[i + 1]!) / 2);
  const series: LineSeries[] = models.flatMap((m, i) => {
    const overall = median(m.scores);
    const q = binnedQuantiles(masses, m.scores, edges, [0.5, 0.9]);
    const pts = (j: number) => centres.map((c, b) => [c, q[b]![j]! / overall] as const).filter(([, v]) => Number.isFinite(v) && v > 0);
    return [
      { name: `${m.name} MEDIAN`, points: pts(0), color: PALETTE[i % PALETTE.length]! },
      { name: `${m.name} 90 %`, points: pts(1), dashed: true, color: PALETTE[i % PALETTE.length]! },
    ];
  });
  const left = lineChart({
    series,
    title: 'QCD SCORE IN BINS OF JET MASS',
    xLabel: 'JET MASS (GEV)',
    yLabel: 'SCORE / MEDIAN SCORE',
    y: { log: 10 },
    legend: 'outside',
    width: 820,
    height: 520,
  });
  const head = models[0]!;
  const right = histogram({
    series: [
      { name: 'ALL QCD', values: masses },
      ...keep.map((k, i) => ({ name: `${head.name}: ${(100 * k).toFixed(0)} % KEPT`, values: masses.filter((_, j) => head.scores[j]! > head.thresholds[i]!) })),
    ],
    bins: 30,
    normalize: true,
    title: `QCD MASS AFTER A CUT (${head.name})`,
    xLabel: 'JET MASS (GEV)',
    yLabel: 'FRACTION OF JETS',
    x: { min: edges[0]!, max: edges.at(-1)! },
    width: 620,
    height: 520,
  });
  return tile([left, right], { gap: 10 });
}


function median(a: Float32Array): number {
  const sorted = Float64Array.from(a).sort();
  const h = (sorted.length - 1) / 2;
  return (sorted[Math.floor(h)]! + sorted[Math.ceil(h)]!) / 2;
}
