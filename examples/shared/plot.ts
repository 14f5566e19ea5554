// The pictures of the examples in Node. Charts are the Vega-Lite specs of charts.ts, rendered by
// vega (SVG) and resvg (PNG); image grids are drawn pixel by pixel with pngjs (the right tool for
// pixel images) and labelled in an SVG around them that resvg renders with a real font.
// `lineChart`, `scatterPlot`, `histogram`, `imagePanel` and `tile` return pngjs PNGs, as before, for
// `writePng`; `writeChart` and `Figure.write` write the SVG next to the PNG.
import { PNG } from 'pngjs';
import { FONT, hex, histogramSpec, INK, lineChartSpec, scatterSpec, type HistogramOptions, type LineChartOptions, type Rgb, type ScatterOptions } from './charts.js';
import { writePng } from './png.js';
import { pngDataUrl, renderSvg, svgSize, svgToPng, writeText, xml, type ChartSpec } from './render.js';

export {
  BLACK,
  DIGIT_COLORS,
  FONT,
  formatNumber,
  GRID,
  groupedBarSpec,
  hex,
  histogramSpec,
  INK,
  lineChartSpec,
  niceTicks,
  PALETTE,
  scatterSpec,
  WHITE,
  type AxisOptions,
  type BarGroup,
  type ChartOptions,
  type GroupedBarOptions,
  type HistogramOptions,
  type HistogramSeries,
  type LegendPosition,
  type LineChartOptions,
  type LineSeries,
  type ReferenceLine,
  type Rgb,
  type ScatterOptions,
} from './charts.js';
export { renderSvg, svgToPng, type ChartSpec } from './render.js';

/** A finished picture as SVG, with its PNG rendered on demand and the chart specs (with their data) it was drawn from. */
export class Figure {
  #png: PNG | undefined;

  constructor(
    readonly svg: string,
    readonly specs: readonly ChartSpec[] = [],
  ) {}

  /** Width and height in pixels. */
  get size(): { width: number; height: number } {
    return svgSize(this.svg);
  }

  /** The picture rasterised by resvg, one pixel per SVG unit. */
  get png(): PNG {
    this.#png ??= svgToPng(this.svg);
    return this.#png;
  }

  /**
   * Writes the PNG to `path` (a name ending in `.png`, or without extension) and the SVG beside it
   * (same name, `.svg`), creating the folder; a chart's specs go into `.vl.json` too, so that it can
   * be drawn again from the same data without running the example again. Returns the paths.
   */
  write(path: string): { png: string; svg: string } {
    const base = path.replace(/\.(png|svg)$/, '');
    writePng(`${base}.png`, this.png);
    writeText(`${base}.svg`, this.svg);
    if (this.specs.length > 0) writeText(`${base}.vl.json`, `${JSON.stringify(this.specs.length === 1 ? this.specs[0] : this.specs)}\n`);
    return { png: `${base}.png`, svg: `${base}.svg` };
  }
}

/** Renders a chart spec (charts.ts) to a {@link Figure}. */
export function chart(spec: ChartSpec): Figure {
  return new Figure(renderSvg(spec), [spec]);
}

/** Renders a chart spec and writes `<path>.png` and `<path>.svg` (see {@link Figure.write}). */
export function writeChart(path: string, spec: ChartSpec): { png: string; svg: string } {
  return chart(spec).write(path);
}

/** A line chart as a PNG (the spec: {@link lineChartSpec}). */
export function lineChart(options: LineChartOptions): PNG {
  return chart(lineChartSpec(options)).png;
}

/** A scatter plot coloured by class as a PNG (the spec: {@link scatterSpec}). */
export function scatterPlot(options: ScatterOptions): PNG {
  return chart(scatterSpec(options)).png;
}

/** Histograms over shared bins as a PNG (the spec: {@link histogramSpec}). */
export function histogram(options: HistogramOptions): PNG {
  return chart(histogramSpec(options)).png;
}

// ---------------------------------------------------------------------------------------------
// Text in composed SVGs.

/**
 * A generous estimate of the width of `text` in DejaVu Sans at `size` px (its average advance is
 * about 0.6 em): composed pictures reserve this much room, so labels are never cut.
 */
export function estimateTextWidth(text: string, size: number): number {
  return Math.ceil([...text].length * size * 0.64);
}

/** An SVG text element. */
export function svgText(text: string, x: number, y: number, options: { size?: number; anchor?: 'start' | 'middle' | 'end'; color?: Rgb; weight?: 'normal' | 'bold'; baseline?: 'auto' | 'middle' | 'hanging' } = {}): string {
  const { size = 13, anchor = 'start', color = INK, weight = 'normal', baseline = 'auto' } = options;
  const attrs = [`x="${x.toFixed(1)}"`, `y="${y.toFixed(1)}"`, `font-family="${FONT}"`, `font-size="${size}"`, `fill="${hex(color)}"`, `text-anchor="${anchor}"`];
  if (weight !== 'normal') attrs.push(`font-weight="${weight}"`);
  if (baseline !== 'auto') attrs.push(`dominant-baseline="${baseline === 'middle' ? 'central' : 'hanging'}"`);
  return `<text ${attrs.join(' ')}>${xml(text)}</text>`;
}

/** An SVG image element showing a PNG at its own size (pixel for pixel). */
export function svgImage(png: PNG, x: number, y: number): string {
  return `<image x="${x}" y="${y}" width="${png.width}" height="${png.height}" image-rendering="optimizeSpeed" preserveAspectRatio="none" href="${pngDataUrl(png)}"/>`;
}

/** A whole SVG document of the given size on white. */
export function svgDocument(width: number, height: number, body: readonly string[]): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="${w}" height="${h}" fill="white"/>${body.join('')}</svg>`;
}

/** Places an SVG document inside another at (x, y). */
function nestSvg(svg: string, x: number, y: number): string {
  return svg.replace(/^<svg\b/, `<svg x="${x}" y="${y}"`);
}

// ---------------------------------------------------------------------------------------------
// Images.

/** A colour map from a value in [0, 1] (grey) or [−1, 1] (diverging) to a colour. */
export type ColorMap = 'grey' | 'diverging';

const DIVERGING: readonly Rgb[] = [
  [33, 102, 172],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [178, 24, 43],
];

/** The colour of `v`: grey maps [0, 1] black → white; diverging maps [−1, 1] blue → white → red. */
export function colorOf(v: number, map: ColorMap): Rgb {
  if (map === 'grey') {
    const g = Math.round(255 * Math.min(1, Math.max(0, v)));
    return [g, g, g];
  }
  const t = (Math.min(1, Math.max(-1, v)) + 1) * 2; // 0…4 over the stops
  const i = Math.min(3, Math.floor(t));
  const f = t - i;
  const a = DIVERGING[i]!;
  const b = DIVERGING[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** A white pngjs image of the given size. */
export function blankPng(width: number, height: number): PNG {
  const png = new PNG({ width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) });
  png.data.fill(255);
  return png;
}

/** Fills a rectangle of `png` (clipped to it) with one colour. */
export function fillRect(png: PNG, x: number, y: number, w: number, h: number, color: Rgb): void {
  for (let py = Math.max(0, Math.round(y)); py < Math.min(png.height, Math.round(y + h)); py++) {
    for (let px = Math.max(0, Math.round(x)); px < Math.min(png.width, Math.round(x + w)); px++) {
      const o = (py * png.width + px) * 4;
      png.data[o] = color[0];
      png.data[o + 1] = color[1];
      png.data[o + 2] = color[2];
      png.data[o + 3] = 255;
    }
  }
}

/** Paints the `side × side` image `values` (already mapped to colours by `colorAt`) into `png` at (x0, y0), `scale` pixels per image pixel. */
export function paintImage(png: PNG, x0: number, y0: number, side: number, scale: number, colorAt: (index: number) => Rgb): void {
  for (let py = 0; py < side * scale; py++) {
    const y = y0 + py;
    if (y < 0 || y >= png.height) continue;
    for (let px = 0; px < side * scale; px++) {
      const x = x0 + px;
      if (x < 0 || x >= png.width) continue;
      const c = colorAt(Math.floor(py / scale) * side + Math.floor(px / scale));
      const o = (y * png.width + x) * 4;
      png.data[o] = c[0];
      png.data[o + 1] = c[1];
      png.data[o + 2] = c[2];
      png.data[o + 3] = 255;
    }
  }
}

/** One row of an {@link imagePanel}: a label on the left and its images. */
export interface PanelRow {
  readonly label?: string;
  readonly images: readonly ArrayLike<number>[];
  /** A short caption under each image. */
  readonly captions?: readonly string[];
}

/** Options of {@link imagePanel}. */
export interface ImagePanelOptions {
  readonly rows: readonly PanelRow[];
  /** Image side in pixels (square images, row-major). Default 28. */
  readonly side?: number;
  /** Screen pixels per image pixel. Default 3. */
  readonly scale?: number;
  /** Gap between images in screen pixels. Default 2. */
  readonly gap?: number;
  /** Extra gap between rows. Default 0. */
  readonly rowGap?: number;
  readonly title?: string;
  /** A short note under the title. */
  readonly subtitle?: string;
  /** Labels above the columns. */
  readonly columnLabels?: readonly string[];
  /** Default `'grey'`. */
  readonly colormap?: ColorMap;
  /**
   * `'none'`: values are used as they are ([0, 1] grey, [−1, 1] diverging). `'each'`: every image
   * is stretched to its own range (grey: min → black, max → white; diverging: ±max |v|). Default `'none'`.
   */
  readonly normalize?: 'none' | 'each';
}

/** The colour of pixel i of an image under the panel's colour map and normalisation. */
function imageColors(image: ArrayLike<number>, side: number, colormap: ColorMap, normalize: 'none' | 'each'): (i: number) => Rgb {
  let lo = colormap === 'grey' ? 0 : -1;
  let hi = 1;
  if (normalize === 'each') {
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = 0; i < side * side; i++) {
      mn = Math.min(mn, image[i] ?? 0);
      mx = Math.max(mx, image[i] ?? 0);
    }
    if (colormap === 'grey') [lo, hi] = mx > mn ? [mn, mx] : [mn - 1, mn + 1];
    else {
      const m = Math.max(Math.abs(mn), Math.abs(mx)) || 1;
      [lo, hi] = [-m, m];
    }
  }
  return (i) => {
    const v = image[i] ?? 0;
    return colorOf(colormap === 'grey' ? (v - lo) / (hi - lo) : (2 * (v - lo)) / (hi - lo) - 1, colormap);
  };
}

/**
 * A grid of small images with an optional title, row labels on the left and column labels on top,
 * as an SVG: the images are one pngjs picture (pixel for pixel), the text is SVG text.
 */
export function imagePanelSvg(options: ImagePanelOptions): string {
  const { rows, side = 28, scale = 3, gap = 2, rowGap = 0, colormap = 'grey', normalize = 'none' } = options;
  const cell = side * scale;
  const columns = Math.max(1, ...rows.map((r) => r.images.length));
  const labelWidth = rows.some((r) => r.label) ? Math.max(...rows.map((r) => estimateTextWidth(r.label ?? '', 13))) + 14 : 0;
  const titleHeight = (options.title ? 30 : 0) + (options.subtitle ? 20 : 0);
  const headHeight = options.columnLabels ? 20 : 0;
  const captionHeight = (r: PanelRow): number => (r.captions ? 18 : 0);
  const gridWidth = columns * cell + (columns - 1) * gap;
  const gridHeight = rows.reduce((h, r) => h + cell + captionHeight(r), 0) + Math.max(0, rows.length - 1) * (gap + rowGap);
  const textWidest = Math.max(options.title ? estimateTextWidth(options.title, 18) : 0, options.subtitle ? estimateTextWidth(options.subtitle, 13) : 0);
  const width = 20 + Math.max(labelWidth + gridWidth, textWidest);
  const height = 10 + titleHeight + headHeight + gridHeight + 10;
  const gridLeft = 10 + labelWidth + Math.floor((width - 20 - labelWidth - gridWidth) / 2);
  const gridTop = 10 + titleHeight + headHeight;
  const pixels = blankPng(gridWidth, Math.max(1, gridHeight));
  const body: string[] = [];
  if (options.title) body.push(svgText(options.title, width / 2, 30, { size: 18, anchor: 'middle' }));
  if (options.subtitle) body.push(svgText(options.subtitle, width / 2, 10 + (options.title ? 30 : 0) + 15, { size: 13, anchor: 'middle', color: [110, 110, 110] }));
  options.columnLabels?.forEach((label, c) => body.push(svgText(label, gridLeft + c * (cell + gap) + cell / 2, gridTop - 6, { anchor: 'middle' })));
  let y0 = 0;
  for (const row of rows) {
    if (row.label) body.push(svgText(row.label, gridLeft - 12, gridTop + y0 + cell / 2, { anchor: 'end', baseline: 'middle' }));
    row.images.forEach((image, c) => {
      paintImage(pixels, c * (cell + gap), y0, side, scale, imageColors(image, side, colormap, normalize));
      const caption = row.captions?.[c];
      if (caption) body.push(svgText(caption, gridLeft + c * (cell + gap) + cell / 2, gridTop + y0 + cell + 14, { size: 12, anchor: 'middle' }));
    });
    y0 += cell + captionHeight(row) + gap + rowGap;
  }
  return svgDocument(width, height, [svgImage(pixels, gridLeft, gridTop), ...body]);
}

/** {@link imagePanelSvg} as a PNG (rendered by resvg): originals, reconstructions, samples, learned features. */
export function imagePanel(options: ImagePanelOptions): PNG {
  return svgToPng(imagePanelSvg(options));
}

/** Options of {@link tile}. */
export interface TileOptions {
  /** Pictures per row. Default: all in one row. */
  readonly columns?: number;
  /** Space between pictures. Default 0. */
  readonly gap?: number;
  readonly title?: string;
}

/** One picture to tile: an SVG document or a PNG. */
export type TilePicture = string | PNG | Figure;

/** Puts pictures (SVGs, PNGs or figures) side by side, in rows of `columns`, on white, under an optional title, as one SVG. */
export function tileSvg(pictures: readonly TilePicture[], options: TileOptions = {}): string {
  const { columns = pictures.length, gap = 0 } = options;
  const items = pictures.map((p) => (typeof p === 'string' ? { svg: p, ...svgSize(p) } : p instanceof Figure ? { svg: p.svg, ...p.size } : { png: p, width: p.width, height: p.height }));
  const rows: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += columns) rows.push(items.slice(i, i + columns));
  const rowHeights = rows.map((r) => Math.max(...r.map((p) => p.height)));
  const colWidths = Array.from({ length: columns }, (_, c) => Math.max(0, ...rows.map((r) => r[c]?.width ?? 0)));
  const titleHeight = options.title ? 40 : 0;
  const contentWidth = colWidths.reduce((s, w) => s + w, 0) + gap * (columns - 1);
  const width = Math.max(contentWidth, options.title ? estimateTextWidth(options.title, 20) + 20 : 0);
  const height = titleHeight + rowHeights.reduce((s, h) => s + h, 0) + gap * (rows.length - 1);
  const body: string[] = [];
  if (options.title) body.push(svgText(options.title, width / 2, 28, { size: 20, anchor: 'middle' }));
  let y = titleHeight;
  rows.forEach((row, r) => {
    let x = Math.floor((width - contentWidth) / 2);
    row.forEach((p, c) => {
      body.push('svg' in p ? nestSvg(p.svg, x, y) : svgImage(p.png, x, y));
      x += colWidths[c]! + gap;
    });
    y += rowHeights[r]! + gap;
  });
  return svgDocument(width, height, body);
}

/** {@link tileSvg} as a {@link Figure}, keeping the specs of the figures it tiles. */
export function tileFigure(pictures: readonly TilePicture[], options: TileOptions = {}): Figure {
  return new Figure(
    tileSvg(pictures, options),
    pictures.flatMap((p) => (p instanceof Figure ? p.specs : [])),
  );
}

/** {@link tileSvg} as a PNG. */
export function tile(pictures: readonly TilePicture[], options: TileOptions = {}): PNG {
  return svgToPng(tileSvg(pictures, options));
}
