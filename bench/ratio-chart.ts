/**
 * Draws the ratio chart of docs/benchmarks.md (bench/lib/charts.ts) into docs/images/benchmarks-ratios.svg.
 * `npm run bench -- --write` calls {@link writeRatioChart} with the rows of its run; run directly,
 * `tsx bench/ratio-chart.ts [docs/benchmarks.md]` draws it from the numbers already in the markdown
 * (no benchmark is re-run).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderSvg, writeText } from '../examples/shared/render.js';
import { parseRatioTables, ratioChartSpec, type RatioRows } from './lib/charts.js';

/** Where the chart of a markdown report goes: `images/benchmarks-ratios.svg` beside it. */
export function ratioChartPath(markdownPath: string): string {
  return join(dirname(markdownPath), 'images', 'benchmarks-ratios.svg');
}

/** Renders the ratio chart of `reports` and writes it as SVG to `path`; returns whether there was anything to draw. */
export function writeRatioChart(reports: readonly RatioRows[], path: string): boolean {
  if (!reports.some((r) => r.ratios.length > 0)) return false;
  writeText(path, renderSvg(ratioChartSpec(reports)));
  return true;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const markdown = resolve(process.argv[2] ?? join(root, 'docs', 'benchmarks.md'));
  const reports = parseRatioTables(readFileSync(markdown, 'utf8'));
  const path = ratioChartPath(markdown);
  if (!writeRatioChart(reports, path)) throw new Error(`ratio-chart: ${relative(root, markdown)} has no ratio table`);
  console.log(`wrote ${relative(root, path)} from the ${reports.reduce((n, r) => n + r.ratios.length, 0)} ratios of ${reports.length} workloads in ${relative(root, markdown)}`);
}
