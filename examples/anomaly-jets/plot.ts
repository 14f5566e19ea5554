// The figures of the anomaly examples: ROC curves in two views (a Vega-Lite spec), heat maps of jet
// images with a colour bar per row (pngjs pixels, labelled in SVG), and grouped bars of ROC AUCs.
// Each function returns a Figure (examples/shared/plot.ts): `.write(path)` writes the PNG and the SVG.
import type { TopLevelSpec } from 'vega-lite';
import { asSpec, CHART_CONFIG, groupedBarSpec, hex, PALETTE, type BarGroup, type Rgb } from '../shared/charts.js';
import { blankPng, chart, estimateTextWidth, Figure, fillRect, paintImage, svgDocument, svgImage, svgText } from '../shared/plot.js';

export type { BarGroup, Rgb } from '../shared/charts.js';
export { PALETTE } from '../shared/charts.js';

/** One ROC curve to draw. */
export interface RocSeries {
  readonly label: string;
  readonly fpr: ArrayLike<number>;
  readonly tpr: ArrayLike<number>;
}

/** Points of a curve, thinned to steps of at least `step` in x or y (a ROC curve of 4,000 jets has 4,000 corners). */
function thin(xs: ArrayLike<number>, ys: ArrayLike<number>, step = 0.002): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < xs.length; i++) {
    const last = out[out.length - 1];
    if (last === undefined || i === xs.length - 1 || Math.abs(xs[i]! - last[0]) >= step || Math.abs(ys[i]! - last[1]) >= step) out.push([xs[i]!, ys[i]!]);
  }
  return out;
}

/** Largest background rejection shown: 10^3. */
const MAX_DECADE = 3;

/**
 * The spec of two panels of ROC curves: the usual true-positive rate against false-positive rate,
 * and the physicists' view of the same curves (as in the paper): background rejection 1 / ε_B on a
 * log scale against signal efficiency ε_S. The legend names each curve; grey: random guessing.
 */
export function rocSpec(series: readonly RocSeries[], signal: string, background: string): TopLevelSpec {
  const names = series.map((s) => s.label);
  // One legend for both panels (they share the colours), under them.
  const color = { field: 'curve', type: 'nominal', sort: names, legend: { orient: 'bottom', direction: 'horizontal', title: null }, scale: { domain: [...names, 'random guess'], range: [...names.map((_, k) => hex(PALETTE[k % PALETTE.length]!)), '#a0a0a0'] } };
  const roc = series.flatMap((s) => thin(s.fpr, s.tpr).map(([fpr, tpr], order) => ({ curve: s.label, fpr, tpr, order })));
  const rejection = series.flatMap((s) =>
    thin(s.fpr, s.tpr)
      .filter(([f, t]) => f > 0 && t > 0)
      .map(([f, t], order) => ({ curve: s.label, eff: t, rej: Math.min(1 / f, 10 ** MAX_DECADE), order })),
  );
  const guess = Array.from({ length: 99 }, (_, i) => (i + 2) / 100).map((e, order) => ({ curve: 'random guess', eff: e, rej: Math.min(1 / e, 10 ** MAX_DECADE), fpr: e, tpr: e, order }));
  const unit = { type: 'quantitative', scale: { domain: [0, 1], nice: false } } as const;
  const panel = { width: 400, height: 380 };
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    padding: 10,
    hconcat: [
      {
        ...panel,
        title: 'ROC curve',
        layer: [
          { data: { values: guess }, mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { x: { field: 'fpr', ...unit }, y: { field: 'tpr', ...unit }, color } },
          {
            data: { values: roc },
            mark: { type: 'line', strokeWidth: 2.5 },
            encoding: {
              x: { field: 'fpr', ...unit, title: `false-positive rate (${background})` },
              y: { field: 'tpr', ...unit, title: `true-positive rate (${signal})` },
              color,
              order: { field: 'order', type: 'quantitative' },
            },
          },
        ],
      },
      {
        ...panel,
        title: 'Background rejection',
        layer: [
          { data: { values: guess }, mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { x: { field: 'eff', ...unit }, y: { field: 'rej', type: 'quantitative', scale: { type: 'log', domain: [1, 10 ** MAX_DECADE] } }, color } },
          {
            data: { values: rejection },
            mark: { type: 'line', strokeWidth: 2.5, clip: true },
            encoding: {
              x: { field: 'eff', ...unit, title: `signal efficiency ε_S (${signal})` },
              y: { field: 'rej', type: 'quantitative', scale: { type: 'log', domain: [1, 10 ** MAX_DECADE] }, axis: { values: [1, 10, 100, 1000], format: '~g' }, title: `background rejection 1 / ε_B (${background})` },
              color,
              order: { field: 'order', type: 'quantitative' },
            },
          },
        ],
      },
    ],
  });
}

/** {@link rocSpec}, rendered. */
export function rocFigure(series: readonly RocSeries[], signal: string, background: string): Figure {
  return chart(rocSpec(series, signal, background));
}

/** A perceptual blue–green–yellow colour map (viridis-like), `t` in [0, 1]. */
export function colour(t: number): Rgb {
  const stops: readonly Rgb[] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Options of {@link heatmapGrid}. */
export interface HeatmapOptions {
  /** Pixels per side of one image. */
  readonly side: number;
  /** Screen pixels per image pixel. */
  readonly scale: number;
  /** Titles above the columns. */
  readonly columns: readonly string[];
  /** Titles left of the rows (a `\n` starts a second line). */
  readonly rows: readonly string[];
  /** Colour scale: log10 of the intensity, `decades` decades up to the power of ten at or above the row's maximum. */
  readonly decades: number;
}

const SUPERSCRIPT: Readonly<Record<string, string>> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** `10ⁿ` with a superscript exponent. */
export function powerOfTen(exponent: number): string {
  return `10${[...String(exponent)].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/**
 * A grid of images (`panels[row][column]`, each `side × side`, row-major) on a log colour
 * scale; each row has its own scale (its maximum at the top), shown by a colour bar on the right.
 * The pixels are pngjs images; titles and bar labels are SVG text.
 */
export function heatmapGrid(panels: readonly (readonly ArrayLike<number>[])[], options: HeatmapOptions): Figure {
  const { side, scale, columns, rows, decades } = options;
  const cell = side * scale;
  const gap = 16;
  const labelWidth = Math.max(...rows.flatMap((r) => r.split('\n').map((line) => estimateTextWidth(line, 14)))) + 20;
  const x0 = 10 + labelWidth;
  const y0 = 40;
  const nColumns = panels[0]?.length ?? 0;
  const barX = x0 + nColumns * (cell + gap);
  const width = barX + 16 + 10 + estimateTextWidth('10⁻¹⁰', 13) + 10;
  const height = y0 + panels.length * (cell + gap) + 4;
  const pixels = blankPng(width, height);
  const body: string[] = [];
  columns.forEach((title, c) => body.push(svgText(title, x0 + c * (cell + gap) + cell / 2, 26, { size: 14, anchor: 'middle' })));
  panels.forEach((row, r) => {
    const top = y0 + r * (cell + gap);
    const lines = (rows[r] ?? '').split('\n');
    lines.forEach((line, k) => body.push(svgText(line, x0 - 14, top + cell / 2 + (k - (lines.length - 1) / 2) * 18, { size: 14, anchor: 'end', baseline: 'middle' })));
    let max = 0;
    for (const image of row) for (let i = 0; i < side * side; i++) max = Math.max(max, image[i]!);
    const hi = Math.ceil(Math.log10(max));
    const lo = hi - decades;
    row.forEach((image, c) => {
      paintImage(pixels, x0 + c * (cell + gap), top, side, scale, (i) => {
        const v = image[i]!;
        const t = v > 0 ? (Math.log10(v) - lo) / decades : 0;
        return colour(t > 0 ? t : 0);
      });
    });
    // The colour bar, top = the row's 10^hi, bottom = 10^lo.
    for (let y = 0; y < cell; y++) fillRect(pixels, barX, top + y, 16, 1, colour(1 - y / cell));
    body.push(svgText(powerOfTen(hi), barX + 22, top + 12, { size: 13 }), svgText(powerOfTen(lo), barX + 22, top + cell, { size: 13 }));
  });
  return new Figure(svgDocument(width, height, [svgImage(pixels, 0, 0), ...body]));
}

/**
 * A grouped bar chart of values in [0, 1] (e.g. one ROC AUC per model and per group), with a
 * dashed reference line (e.g. 0.5 = chance) and a legend naming the series.
 */
export function barChart(groups: readonly BarGroup[], series: readonly string[], title: string, yTitle: string, reference = 0.5, xTitle?: string): Figure {
  return chart(
    groupedBarSpec({ groups, series, title, yLabel: yTitle, ...(xTitle === undefined ? {} : { xLabel: xTitle }), reference, y: { min: 0, max: 1 }, width: Math.max(560, groups.length * 70 + 200), height: 420, legend: 'bottom' }),
  );
}
