// The chart specs of the examples (examples/shared/charts.ts) and of the benchmark report
// (bench/lib/charts.ts), rendered the way the examples render them: vega → SVG, resvg → PNG.
// Checks what each chart is fed and what it shows (titles, tick labels, legend names, bar values),
// that the text is drawn with a real font, and that bad specs fail with vega's message.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { parseRatioTables, ratioBars, ratioChartSpec, shortTitle } from '../../bench/lib/charts.js';
import { lossChartSpec } from '../../examples/browser/page/chart.js';
import { groupedBarSpec, histogramSpec, LINE_DATA, lineChartSpec, logTicks, scatterSpec } from '../../examples/shared/charts.js';
import { chart, imagePanelSvg, svgDocument, svgText, tileSvg } from '../../examples/shared/plot.js';
import { renderSvg, svgSize, svgToPng } from '../../examples/shared/render.js';
import { barChart, heatmapGrid, powerOfTen, rocFigure } from '../../examples/anomaly-jets/plot.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The text of every <text> element of an SVG, in order. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'));
}

/** Fraction of the pixels of a PNG darker than `level` (0–255) in every channel. */
function darkShare(png: { width: number; height: number; data: Uint8Array }, level = 128): number {
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < level && png.data[i + 1]! < level && png.data[i + 2]! < level) dark++;
  return dark / (png.width * png.height);
}

describe('charts of the examples', () => {
  it('draws text with a real font (DejaVu Sans; Debian: fonts-dejavu-core)', () => {
    const withText = svgToPng(svgDocument(200, 60, [svgText('Reconstruction 0123', 10, 40, { size: 20 })]));
    const blank = svgToPng(svgDocument(200, 60, []));
    expect(darkShare(blank)).toBe(0);
    // Without any font resvg draws no text at all: the picture would stay white.
    expect(darkShare(withText), 'no font found for the charts: install fonts-dejavu-core').toBeGreaterThan(0.02);
  });

  it('line chart: sizes the whole picture as asked, titles, legend names and log-axis ticks', () => {
    const ks = [2, 4, 8, 16, 32, 64];
    const spec = lineChartSpec({
      title: 'Test error against k',
      xLabel: 'code size k',
      yLabel: 'test MSE',
      width: 760,
      height: 480,
      x: { log: 2, ticks: ks },
      y: { log: 10 },
      series: [
        { name: 'PCA', points: ks.map((k) => [k, 0.1 / k]) },
        { name: 'autoencoder', points: ks.map((k) => [k, 0.05 / k]), dashed: true },
      ],
      references: [{ y: 0.01, label: 'one percent' }],
    });
    const svg = renderSvg(spec);
    expect(svgSize(svg)).toEqual({ width: 760, height: 480 });
    const t = texts(svg);
    for (const s of ['Test error against k', 'code size k', 'test MSE', 'PCA', 'autoencoder', 'one percent', ...ks.map(String)]) expect(t).toContain(s);
    // y from 0.1/64 to 0.1/2 (padded): round ticks 0.003, 0.01, 0.03 (1-3 steps, the coarsest with ≥ 3 ticks).
    expect(logTicks(0.05 / 64, 0.1 / 2, 10)).toEqual([0.001, 0.003, 0.01, 0.03]);
    for (const s of ['0.003', '0.01', '0.03']) expect(t).toContain(s);
    // The data set the page streams into: one row per finite point.
    const data = (spec as { data: { name: string; values: unknown[] } }).data;
    expect(data.name).toBe(LINE_DATA);
    expect(data.values).toHaveLength(12);
  });

  it('line chart: leaves out points that are not finite or not positive on a log axis; a format labels the ticks', () => {
    const spec = lineChartSpec({
      y: { log: 10 },
      x: { format: (v) => `${v} units`, ticks: [0, 5, 10] },
      series: [{ name: 'a', points: [[0, 1], [5, Number.NaN], [10, 0], [10, 2]] }],
    });
    expect((spec as { data: { values: unknown[] } }).data.values).toEqual([
      { series: 'a', x: 0, y: 1, order: 0 },
      { series: 'a', x: 10, y: 2, order: 1 },
    ]);
    const t = texts(renderSvg(spec));
    for (const s of ['0 units', '5 units', '10 units']) expect(t).toContain(s);
  });

  it('scatter plot: every point a mark, class names at their medians and in the legend', () => {
    const n = 300;
    const classes = Array.from({ length: n }, (_, i) => i % 3);
    const x = classes.map((c, i) => c * 10 + (i % 7) / 7);
    const y = classes.map((c, i) => -c * 10 + (i % 5) / 5);
    const spec = scatterSpec({ title: 'three clusters', x: { values: x }, y: { values: y }, classes, classNames: ['zero', 'one', 'two'] });
    const layers = (spec as { layer: { data: { values: { c: string; x: number; y: number }[] } }[] }).layer;
    expect(layers[0]!.data.values).toHaveLength(n);
    // Medians of class 1: x in 10 + {0…6}/7, y in −10 + {0…4}/5.
    const medians = layers[1]!.data.values;
    expect(medians.map((m) => m.c)).toEqual(['zero', 'one', 'two']);
    expect(medians[1]!.x).toBeGreaterThanOrEqual(10);
    expect(medians[1]!.x).toBeLessThan(11);
    expect(medians[1]!.y).toBeGreaterThanOrEqual(-10);
    expect(medians[1]!.y).toBeLessThan(-9);
    const svg = renderSvg(spec);
    expect(svg.match(/<path [^>]*d="M[^"]*A/g)?.length ?? 0).toBeGreaterThanOrEqual(n); // discs are arcs
    expect(texts(svg).filter((s) => s === 'one').length).toBeGreaterThanOrEqual(2); // median label (halo + fill) and legend
  });

  it('histogram: shared bins, end bins take what lies outside, fractions of each series', () => {
    const spec = histogramSpec({ bins: 4, x: { min: 0, max: 4 }, series: [{ name: 'a', values: [-1, 0.5, 1.5, 1.6, 9, Number.NaN] }, { name: 'b', values: [3.5, 3.5] }] });
    const rows = (spec as { data: { values: { series: string; x0: number; x1: number; v: number }[] } }).data.values;
    expect(rows.filter((r) => r.series === 'a').map((r) => r.v)).toEqual([2 / 6, 2 / 6, 0, 1 / 6]);
    expect(rows.filter((r) => r.series === 'b').map((r) => r.v)).toEqual([0, 0, 0, 1]);
    expect(rows.slice(0, 4).map((r) => [r.x0, r.x1])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4]]);
    const t = texts(renderSvg(spec));
    expect(t).toEqual(expect.arrayContaining(['a', 'b', 'fraction of values']));
    // A log y axis leaves the empty bins out.
    const logRows = (histogramSpec({ bins: 4, x: { min: 0, max: 4 }, y: { log: 10 }, series: [{ name: 'b', values: [3.5] }] }) as { data: { values: unknown[] } }).data.values;
    expect(logRows).toHaveLength(1);
  });

  it('grouped bars, ROC figure and heat maps render with their labels', () => {
    const bars = renderSvg(groupedBarSpec({ title: 'AUC', groups: [{ label: '0', values: [0.9, 0.8] }, { label: '1', values: [0.4, 0.5] }], series: ['autoencoder', 'PCA'], reference: 0.5, y: { min: 0, max: 1 } }));
    expect(texts(bars)).toEqual(expect.arrayContaining(['AUC', 'autoencoder', 'PCA', '0', '1']));
    expect(barChart([{ label: '3', values: [0.7, 0.6] }], ['a', 'b'], 'title', 'ROC AUC', 0.5, 'held-out digit').svg).toContain('held-out digit');
    const fpr = [0, 0.1, 0.5, 1];
    const roc = rocFigure([{ label: 'model (AUC 0.8)', fpr, tpr: [0, 0.6, 0.9, 1] }], 'top', 'QCD');
    expect(texts(roc.svg)).toEqual(expect.arrayContaining(['ROC curve', 'Background rejection', 'model (AUC 0.8)', 'false-positive rate (QCD)']));
    expect(darkShare(roc.png, 200)).toBeGreaterThan(0.005);
    const image = Float32Array.from({ length: 16 }, (_, i) => 10 ** (-i / 4));
    const heat = heatmapGrid([[image, image]], { side: 4, scale: 5, columns: ['QCD-like', 'top-like'], rows: ['squared\nerror'], decades: 4 });
    expect(texts(heat.svg)).toEqual(['QCD-like', 'top-like', 'squared', 'error', '10⁰', '10⁻⁴']);
    expect(powerOfTen(-12)).toBe('10⁻¹²');
  });

  it('image panel and tile: the pixels pixel for pixel, the labels as text', () => {
    const image = Float32Array.from({ length: 4 }, (_, i) => i / 3); // 2 × 2: 0, 1/3, 2/3, 1
    const svg = imagePanelSvg({ side: 2, scale: 10, gap: 0, title: 'digits', rows: [{ label: 'row', images: [image] }] });
    expect(texts(svg)).toEqual(['digits', 'row']);
    const png = svgToPng(svg);
    // Find the 20 × 20 image: its top-left block is black, its bottom-right block white, the others the greys.
    let found = false;
    for (let y = 0; y + 20 <= png.height && !found; y++) {
      for (let x = 0; x + 20 <= png.width && !found; x++) {
        const at = (px: number, py: number): number => png.data[((y + py) * png.width + x + px) * 4]!;
        if (at(5, 5) === 0 && at(15, 5) === 85 && at(5, 15) === 170 && at(15, 15) === 255 && at(0, 0) === 0 && at(9, 9) === 0) found = true;
      }
    }
    expect(found).toBe(true);
    const tiled = tileSvg([svg, svg], { title: 'two', gap: 4 });
    const one = svgSize(svg);
    expect(svgSize(tiled)).toEqual({ width: 2 * one.width + 4, height: one.height + 40 });
  });

  it('names vega’s complaint when a spec is wrong', () => {
    expect(() => renderSvg({ data: { values: [] }, mark: 'nonsense' } as never)).toThrow(/renderSvg: vega could not render the chart: /);
  });

  it('the browser page compiles the same line-chart spec, with the data set it streams into', () => {
    const spec = lossChartSpec(430);
    const compiled = compile(spec).spec;
    expect(compiled.data?.[0]?.name).toBe(LINE_DATA);
    expect(texts(chart(spec).svg)).toEqual(expect.arrayContaining(['batch', 'loss', 'loss per batch', 'mean loss of the epoch']));
  });
});

describe('the benchmark ratio chart', () => {
  const markdown = readFileSync(join(root, 'docs', 'benchmarks.md'), 'utf8');

  it('reads the ratio tables of docs/benchmarks.md back (not the Targets summary)', () => {
    const reports = parseRatioTables(markdown);
    const w1 = reports.find((r) => r.title.startsWith('W1'));
    expect(w1?.backend).toBe('wasm (SIMD on, FMA (relaxed SIMD), 2 threads)');
    // The W1 table of the committed report: package 1 thread / plain tfjs-layers fit | 0.11× | 0.11×;
    // package 2 threads / PyTorch 2 threads | — | 1.67×.
    expect(w1?.ratios[0]).toEqual({ label: 'package 1 thread / plain tfjs-layers fit', cpu: 0.11, wall: 0.11 });
    expect(w1?.ratios.find((r) => r.label === 'package 2 threads / PyTorch 2 threads')).toEqual({ label: 'package 2 threads / PyTorch 2 threads', wall: 1.67 });
    expect(reports.map((r) => r.title.split(' ')[0])).not.toContain('workload');
    expect(shortTitle('W2 VAE 784-512-(20, 20) / 20-512-784, Bernoulli, Adam')).toBe('W2 VAE 784-512-(20, 20) / 20-512-784');
  });

  it('turns "other / package" round, so that left of 1 is always the package faster', () => {
    const bars = ratioBars([
      { title: 'W3 PCA, k = 50', backend: 'float64', ratios: [{ label: 'ml-pca SVD / ours full (both on 2000 rows)', wall: 95.7 }, { label: 'package full / scikit-learn full', wall: 0.16 }] },
    ]);
    expect(bars[0]).toMatchObject({ comparison: 'ours full / ml-pca SVD (both on 2000 rows)', clock: 'wall', against: 'ml-pca', workload: 'W3 PCA (float64)' });
    expect(bars[0]!.ratio).toBeCloseTo(1 / 95.7, 12);
    expect(bars[1]).toMatchObject({ comparison: 'package full / scikit-learn full', ratio: 0.16, against: 'scikit-learn' });
  });

  it('renders every ratio of the committed report, and the committed SVG is the one these numbers give', () => {
    const reports = parseRatioTables(markdown);
    const svg = renderSvg(ratioChartSpec(reports));
    const t = texts(svg);
    for (const r of reports) for (const q of r.ratios) expect(t).toContain(q.label.startsWith('ml-pca') ? q.label.replace(/^(ml-pca \S+) \/ (ours full)/, '$2 / $1') : q.label);
    expect(t).toContain('0.11×');
    expect(readFileSync(join(root, 'docs', 'images', 'benchmarks-ratios.svg'), 'utf8')).toBe(svg);
    expect(markdown).toContain('](images/benchmarks-ratios.svg)');
  });
});
