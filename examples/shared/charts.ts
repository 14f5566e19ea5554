// The charts of the examples as Vega-Lite specs: a line chart (linear or log axes, reference
// lines), a scatter plot coloured by class, histograms and grouped bars. Pure functions from data to
// a spec, with no Node import, so that the same spec is rendered to SVG/PNG files in Node
// (examples/shared/render.ts) and live in the browser page (examples/browser/page/chart.ts).
import type { TopLevelSpec } from 'vega-lite';
import { positionChannel, type AxisOptions } from './chart-axes.js';

export { formatNumber, logTicks, niceTicks, positionChannel, type AxisOptions } from './chart-axes.js';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
/** Text and axis colour. */
export const INK: Rgb = [51, 51, 51];
/** Grid line colour. */
export const GRID: Rgb = [230, 230, 230];

/** Colours of curves and bars: the Okabe–Ito palette, safe for colour-blind readers. */
export const PALETTE: readonly Rgb[] = [
  [0, 114, 178], // blue
  [213, 94, 0], // vermillion
  [0, 158, 115], // green
  [204, 121, 167], // purple
  [230, 159, 0], // orange
  [86, 180, 233], // sky blue
  [120, 120, 120], // grey
];

/** One colour per digit class 0…9 (matplotlib's tab10, the colours readers know from MNIST scatter plots). */
export const DIGIT_COLORS: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/** The fonts the charts ask for, first to last (DejaVu Sans is what the Node renderer loads). */
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** `#rrggbb` of a colour. */
export function hex(c: Rgb): string {
  return `#${c.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The specs are built as plain objects (their shape follows the data, which Vega-Lite's types
 * cannot follow); vega-lite checks them when it compiles them, and the tests render every one.
 */
export function asSpec(spec: object): TopLevelSpec {
  return spec as TopLevelSpec;
}

/** The look shared by every chart: fonts, sizes and colours. */
export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  title: { fontSize: 17, fontWeight: 'normal', color: hex(INK), anchor: 'middle', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', labelColor: hex(INK), titleColor: hex(INK), gridColor: hex(GRID), domainColor: hex(INK), tickColor: hex(INK) },
  legend: { labelFontSize: 12, titleFontSize: 12, labelColor: hex(INK), symbolStrokeWidth: 2.5, symbolSize: 320, fillColor: 'rgba(255,255,255,0.88)', strokeColor: '#c8c8c8', padding: 6, labelLimit: 320 },
} as const;

// ---------------------------------------------------------------------------------------------
// Common options.

/** Common options of the charts. */
export interface ChartOptions {
  /** Width and height of the whole picture in pixels (axes and legend included). Default 720 × 450. */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly x?: AxisOptions;
  readonly y?: AxisOptions;
}

/** Where a legend goes: inside a corner of the plot, outside to its right, or under the plot. */
export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'outside' | 'bottom' | 'none';

function legendOf(position: LegendPosition, title: string | null = null): Record<string, unknown> | null {
  if (position === 'none') return null;
  if (position === 'bottom') return { orient: 'bottom', direction: 'horizontal', title, offset: 14 };
  return { orient: position === 'outside' ? 'right' : position, title, offset: position === 'outside' ? 12 : 10 };
}

/** The frame every chart shares: size (the whole picture, as the options say), title and config. */
function frame(options: ChartOptions): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: options.width ?? 720,
    height: options.height ?? 450,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 10,
    ...(options.title ? { title: options.title } : {}),
    config: CHART_CONFIG,
  };
}

// ---------------------------------------------------------------------------------------------
// Line chart.

/** One curve of a {@link lineChartSpec}. */
export interface LineSeries {
  readonly name: string;
  /** (x, y) pairs, drawn in order. */
  readonly points: readonly (readonly [number, number])[];
  /** Default: the next colour of {@link PALETTE}. */
  readonly color?: Rgb;
  /** Dashed instead of solid. Default false. */
  readonly dashed?: boolean;
  /** Mark each point with a disc. Default true when there are at most 30 points. */
  readonly markers?: boolean;
  /** Line width in pixels. Default 2.5. */
  readonly width?: number;
}

/** A horizontal reference line across the plot, with a label at its right end. */
export interface ReferenceLine {
  readonly y: number;
  readonly label?: string;
  readonly color?: Rgb;
  /** Which end of the line the label sits at. Default `'right'`. */
  readonly labelAt?: 'left' | 'right';
}

/** Options of {@link lineChartSpec}. */
export interface LineChartOptions extends ChartOptions {
  readonly series: readonly LineSeries[];
  readonly legend?: LegendPosition;
  readonly references?: readonly ReferenceLine[];
}

/** Name of the data set of a line chart's points (rows `{ series, x, y, order }`), for live updates in a page. */
export const LINE_DATA = 'points';

/**
 * A line chart: curves over shared axes (linear or logarithmic), with ticks, grid, axis labels,
 * a legend and optional horizontal reference lines (dashed, labelled). Points that are not finite
 * (or not positive on a log axis) are left out.
 */
export function lineChartSpec(options: LineChartOptions): TopLevelSpec {
  const { series, legend = 'top-right', references = [] } = options;
  const xo = options.x ?? {};
  const yo = options.y ?? {};
  const ok = (v: number, axis: AxisOptions): boolean => Number.isFinite(v) && (axis.log === undefined || v > 0);
  const rows = series.flatMap((s) => s.points.filter(([x, y]) => ok(x, xo) && ok(y, yo)).map(([x, y], order) => ({ series: s.name, x, y, order })));
  const names = series.map((s) => s.name);
  const colors = series.map((s, i) => hex(s.color ?? PALETTE[i % PALETTE.length]!));
  const x = positionChannel(xo, options.xLabel, rows.map((r) => r.x));
  const y = positionChannel(yo, options.yLabel, [...rows.map((r) => r.y), ...references.map((r) => r.y)]);
  const color = { field: 'series', type: 'nominal', scale: { domain: names, range: colors }, legend: legendOf(legend), sort: names };
  // Colour and dash share the field and the title, so Vega-Lite draws one legend with both.
  const strokeDash = { field: 'series', type: 'nominal', scale: { domain: names, range: series.map((s) => (s.dashed ? [9, 6] : [1, 0])) }, legend: legendOf(legend), sort: names };
  const encoding = {
    x: { field: 'x', type: 'quantitative', ...x },
    y: { field: 'y', type: 'quantitative', ...y },
    color,
  };
  const layers: Record<string, unknown>[] = series.map((s) => ({
    transform: [{ filter: { field: 'series', equal: s.name } }],
    mark: { type: 'line', strokeWidth: s.width ?? 2.5, clip: true },
    encoding: { ...encoding, strokeDash, order: { field: 'order', type: 'quantitative' } },
  }));
  const marked = series.filter((s) => s.markers ?? s.points.length <= 30).map((s) => s.name);
  if (marked.length > 0) {
    layers.push({
      transform: [{ filter: { field: 'series', oneOf: marked } }],
      mark: { type: 'circle', size: 60, opacity: 1, clip: true },
      // fill, not color: the legend stays the lines' (a stroke per series), not discs.
      encoding: { x: encoding.x, y: encoding.y, fill: { ...color, legend: null } },
    });
  }
  for (const r of references) {
    const c = hex(r.color ?? INK);
    const atLeft = r.labelAt === 'left';
    // One datum each (not the chart's rows, which would draw the line once per point).
    layers.push({ data: { values: [{}] }, mark: { type: 'rule', strokeDash: [8, 5], strokeWidth: 1.5, color: c }, encoding: { y: { datum: r.y } } });
    if (r.label) {
      layers.push({
        data: { values: [{}] },
        mark: { type: 'text', align: atLeft ? 'left' : 'right', baseline: 'bottom', dy: -5, color: c, fontSize: 13 },
        encoding: { y: { datum: r.y }, x: atLeft ? { value: 8 } : { value: { expr: 'width - 6' } }, text: { value: r.label } },
      });
    }
  }
  return asSpec({ ...frame(options), data: { name: LINE_DATA, values: rows }, layer: layers });
}

// ---------------------------------------------------------------------------------------------
// Scatter plot.

/** Options of {@link scatterSpec}. */
export interface ScatterOptions extends ChartOptions {
  readonly x: AxisOptions & { readonly values: ArrayLike<number> };
  readonly y: AxisOptions & { readonly values: ArrayLike<number> };
  /** Class index of each point (0…classes−1), for its colour. */
  readonly classes: ArrayLike<number>;
  /** Legend names of the classes; default their indices. */
  readonly classNames?: readonly string[];
  /** Colours of the classes. Default {@link DIGIT_COLORS}. */
  readonly colors?: readonly Rgb[];
  /** Disc radius in pixels. Default 2.5. */
  readonly radius?: number;
  /** Disc opacity. Default 0.6. */
  readonly alpha?: number;
  /** Write each class name, large, at the median of its points. Default true. */
  readonly labelClasses?: boolean;
  readonly legend?: LegendPosition;
}

const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/**
 * A scatter plot coloured by class: the points are drawn in a fixed pseudo-random order (so that
 * no class hides the others), each class's name is written at the median of its points, and a
 * legend names the colours.
 */
export function scatterSpec(options: ScatterOptions): TopLevelSpec {
  const { classes, colors = DIGIT_COLORS, radius = 2.5, alpha = 0.6, labelClasses = true, legend = 'outside' } = options;
  const n = Math.min(options.x.values.length, options.y.values.length, classes.length);
  const nClasses = Math.max(0, ...Array.from({ length: n }, (_, i) => classes[i]! + 1));
  const names = options.classNames ?? Array.from({ length: nClasses }, (_, c) => String(c));
  // A fixed shuffle (multiplicative hash order) so that later classes do not cover earlier ones.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 2654435761) % 4294967296) - ((b * 2654435761) % 4294967296));
  const rows = order.map((i) => ({ x: options.x.values[i]!, y: options.y.values[i]!, c: names[classes[i]!] ?? String(classes[i]) }));
  const x = positionChannel(options.x, options.xLabel, rows.map((r) => r.x));
  const y = positionChannel(options.y, options.yLabel, rows.map((r) => r.y));
  const color = { field: 'c', type: 'nominal', scale: { domain: names, range: names.map((_, c) => hex(colors[c % colors.length]!)) }, sort: names };
  const layers: Record<string, unknown>[] = [
    {
      data: { values: rows },
      mark: { type: 'circle', size: 4 * radius * radius, opacity: alpha, clip: true },
      encoding: { x: { field: 'x', type: 'quantitative', ...x }, y: { field: 'y', type: 'quantitative', ...y }, color: { ...color, legend: legendOf(legend) } },
    },
  ];
  if (labelClasses) {
    const medians = names.flatMap((name, c) => {
      const members = order.filter((i) => classes[i] === c);
      return members.length === 0 ? [] : [{ c: name, x: median(members.map((i) => options.x.values[i]!)), y: median(members.map((i) => options.y.values[i]!)) }];
    });
    const text = { type: 'text', fontSize: 20, fontWeight: 'bold', align: 'center', baseline: 'middle', clip: true } as const;
    const at = { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'c' } };
    layers.push(
      { data: { values: medians }, mark: { ...text, stroke: 'white', strokeWidth: 5, strokeJoin: 'round', opacity: 0.9 }, encoding: at },
      { data: { values: medians }, mark: text, encoding: { ...at, color: { ...color, legend: null } } },
    );
  }
  return asSpec({ ...frame(options), layer: layers });
}

// ---------------------------------------------------------------------------------------------
// Histogram.

/** One distribution of a {@link histogramSpec}. */
export interface HistogramSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly color?: Rgb;
}

/** Options of {@link histogramSpec}. */
export interface HistogramOptions extends ChartOptions {
  readonly series: readonly HistogramSeries[];
  /** Number of bins over the x range. Default 40. */
  readonly bins?: number;
  /** Show each series as a fraction of its values (so series of different sizes compare). Default true. */
  readonly normalize?: boolean;
  readonly legend?: LegendPosition;
}

/**
 * Histograms of one or more series over shared bins: translucent bars with a solid outline, so that
 * overlapping distributions stay visible. Values outside the x range are counted in the end bins.
 * With a logarithmic y axis, empty bins are left out. (Binned here, not by Vega-Lite, so that the
 * end bins and the normalisation are exactly as described.)
 */
export function histogramSpec(options: HistogramOptions): TopLevelSpec {
  const { series, bins = 40, normalize = true, legend = 'top-right' } = options;
  let lo = options.x?.min ?? Infinity;
  let hi = options.x?.max ?? -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (options.x?.min === undefined && v < lo) lo = v;
      if (options.x?.max === undefined && v > hi) hi = v;
    }
  }
  if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo - 0.5, lo + 0.5] : [0, 1];
  const logY = options.y?.log !== undefined;
  const rows = series.flatMap((s) => {
    const c = new Float64Array(bins);
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (Number.isFinite(v)) c[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]! += 1;
    }
    if (normalize) for (let b = 0; b < bins; b++) c[b]! /= Math.max(1, s.values.length);
    return Array.from(c, (v, b) => ({ series: s.name, x0: lo + ((hi - lo) * b) / bins, x1: lo + ((hi - lo) * (b + 1)) / bins, v })).filter((r) => !logY || r.v > 0);
  });
  const names = series.map((s) => s.name);
  const colors = series.map((s, i) => hex(s.color ?? PALETTE[i % PALETTE.length]!));
  const heights = rows.map((r) => r.v);
  const yAxis: AxisOptions = logY ? { min: Math.min(...heights) / 1.5, max: Math.max(...heights) * 1.5, ...options.y } : { min: 0, ...options.y };
  const x = positionChannel({ ...options.x, min: lo, max: hi }, options.xLabel, [lo, hi]);
  const y = positionChannel(yAxis, options.yLabel ?? (normalize ? 'fraction of values' : 'count'), heights, !logY);
  const floor = logY ? (yAxis.min ?? 1e-6) : 0;
  const color = { field: 'series', type: 'nominal', scale: { domain: names, range: colors }, sort: names };
  const bars = {
    mark: { type: 'rect', fillOpacity: 0.35, clip: true },
    encoding: {
      x: { field: 'x0', type: 'quantitative', ...x },
      x2: { field: 'x1' },
      y: { field: 'v', type: 'quantitative', ...y },
      y2: { datum: floor },
      fill: { ...color, legend: legendOf(legend) },
    },
  };
  // The outline: each series' bar tops as one stepped line.
  const outline = {
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, clip: true },
    transform: [{ fold: ['x0', 'x1'], as: ['edge', 'at'] }],
    encoding: { x: { field: 'at', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' }, color: { ...color, legend: null }, order: { field: 'at', type: 'quantitative' } },
  };
  return asSpec({ ...frame(options), data: { values: rows }, layer: [bars, outline] });
}

// ---------------------------------------------------------------------------------------------
// Grouped bars.

/** One group of bars of {@link groupedBarSpec}. */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
}

/** Options of {@link groupedBarSpec}. */
export interface GroupedBarOptions extends ChartOptions {
  readonly groups: readonly BarGroup[];
  /** Names of the bars of a group (the legend), in the order of `values`. */
  readonly series: readonly string[];
  /** A dashed horizontal line, e.g. 0.5 = chance for a ROC AUC. */
  readonly reference?: number;
  readonly legend?: LegendPosition;
}

/** A grouped bar chart: one bar per series in every group, a legend naming the series, an optional dashed reference line. */
export function groupedBarSpec(options: GroupedBarOptions): TopLevelSpec {
  const { groups, series, legend = 'outside' } = options;
  const rows = groups.flatMap((g) => g.values.map((v, k) => ({ group: g.label, series: series[k] ?? String(k), v })));
  const y = positionChannel(options.y ?? {}, options.yLabel, rows.map((r) => r.v), true);
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'group', type: 'nominal', sort: groups.map((g) => g.label), axis: { title: options.xLabel ?? null, labelAngle: 0 } },
        xOffset: { field: 'series', type: 'nominal', sort: [...series] },
        y: { field: 'v', type: 'quantitative', ...y },
        color: { field: 'series', type: 'nominal', sort: [...series], scale: { domain: [...series], range: series.map((_, k) => hex(PALETTE[k % PALETTE.length]!)) }, legend: legendOf(legend) },
      },
    },
  ];
  if (options.reference !== undefined) layers.push({ data: { values: [{}] }, mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5, color: hex(BLACK) }, encoding: { y: { datum: options.reference } } });
  return asSpec({ ...frame(options), data: { values: rows }, layer: layers });
}
