/**
 * The ratio tables of docs/benchmarks.md as one chart: for every workload, each time ratio "package
 * / other" as a bar from 1 (same speed) to the ratio on a log axis, coloured by what the package is
 * compared with (plain tfjs, PyTorch, scikit-learn, …). Fed by the suite's rows (WorkloadReport) after
 * a run, or by the rows read back from a committed docs/benchmarks.md (`parseRatioTables`).
 */
import type { TopLevelSpec } from 'vega-lite';
import { asSpec, CHART_CONFIG, hex, PALETTE } from '../../examples/shared/charts.js';
import type { Ratio, WorkloadReport } from './report.js';

/** What the chart needs of a workload's report. */
export type RatioRows = Pick<WorkloadReport, 'title' | 'backend' | 'ratios'>;

/** One bar of the chart. */
export interface RatioBar {
  readonly workload: string;
  /** "package / other", as the table says it (or turned round, when the table put the package second). */
  readonly comparison: string;
  readonly ratio: number;
  /** Which clock the ratio is from: CPU time where the table has it, else the wall clock. */
  readonly clock: 'CPU' | 'wall';
  /** What the package is compared with. */
  readonly against: string;
}

/** The group of a comparison's other side, for the colour. */
function against(comparison: string): string {
  const other = comparison.split(' / ')[1] ?? comparison;
  if (/PyTorch/.test(other)) return 'PyTorch';
  if (/scikit-learn/.test(other)) return 'scikit-learn';
  if (/ml-pca/.test(other)) return 'ml-pca';
  if (/tfjs/.test(other)) return 'plain tfjs / tfjs kernels';
  return 'other';
}

/** A workload's title up to its first comma outside parentheses ("W2 VAE 784-512-(20, 20) / 20-512-784, Bernoulli, …" → "W2 VAE 784-512-(20, 20) / 20-512-784"). */
export function shortTitle(title: string): string {
  let depth = 0;
  for (let i = 0; i < title.length; i++) {
    if (title[i] === '(') depth++;
    else if (title[i] === ')') depth--;
    else if (title[i] === ',' && depth === 0) return title.slice(0, i);
  }
  return title;
}

const mentionsPackage = (s: string): boolean => /\b(package|ours)\b/.test(s);

/**
 * The bars of the chart from the reports' ratios: CPU time where there is one, else the wall clock.
 * A ratio written "other / package" (W3's ml-pca rows) is turned round to "package / other", so that
 * left of 1 always means the package is faster.
 */
export function ratioBars(reports: readonly RatioRows[]): RatioBar[] {
  const bars: RatioBar[] = [];
  for (const report of reports) {
    const workload = `${shortTitle(report.title)} (${report.backend})`;
    for (const r of report.ratios) {
      const value = r.cpu ?? r.wall;
      if (value === undefined || !Number.isFinite(value) || value <= 0) continue;
      const clock = r.cpu !== undefined ? 'CPU' : 'wall';
      const match = /^(.*?)(\S+ [^/]*?) \/ (.+)$/.exec(r.label);
      let comparison = r.label;
      let ratio = value;
      if (match !== null && !mentionsPackage(match[2]!) && mentionsPackage(match[3]!)) {
        // "[prefix: ]other / package (note)" → "[prefix: ]package / other (note)", and 1 / ratio.
        const [, prefix, other, rest] = match;
        const note = /^(.*?)( \(.*\))?$/.exec(rest!)!;
        comparison = `${prefix}${note[1]} / ${other}${note[2] ?? ''}`;
        ratio = 1 / value;
      }
      bars.push({ workload, comparison, ratio, clock, against: against(comparison) });
    }
  }
  return bars;
}

/** The Vega-Lite spec of the ratio chart (one panel per workload). */
export function ratioChartSpec(reports: readonly RatioRows[], title = 'Time ratios, package / other (left of 1: the package is faster)'): TopLevelSpec {
  const rows = ratioBars(reports).map((b) => {
    const text = `${b.ratio >= 10 ? b.ratio.toFixed(1) : b.ratio >= 0.1 ? b.ratio.toFixed(2) : b.ratio.toPrecision(2)}×${b.clock === 'wall' ? ' (wall)' : ''}`;
    return { ...b, slower: b.ratio >= 1 ? text : '', faster: b.ratio < 1 ? text : '' };
  });
  const colors = { 'plain tfjs / tfjs kernels': PALETTE[0]!, PyTorch: PALETTE[1]!, 'scikit-learn': PALETTE[2]!, 'ml-pca': PALETTE[3]!, other: PALETTE[6]! };
  const groups = Object.keys(colors).filter((g) => rows.some((r) => r.against === g)) as (keyof typeof colors)[];
  // Room left of the smallest bar for its label.
  const lo = Math.min(0.05, ...rows.map((r) => r.ratio / 25));
  const hi = Math.max(20, ...rows.map((r) => r.ratio * 2.5));
  const x = { field: 'ratio', type: 'quantitative', scale: { type: 'log', domain: [lo, hi], nice: false }, axis: { values: [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100].filter((v) => v >= lo && v <= hi), format: '~g', title: 'time ratio (log scale)' } };
  const y = { field: 'comparison', type: 'nominal', sort: null, axis: { title: null, labelLimit: 0 } };
  return asSpec({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CHART_CONFIG, axis: { ...CHART_CONFIG.axis, labelLimit: 0 }, legend: { ...CHART_CONFIG.legend, orient: 'bottom', direction: 'horizontal' }, header: { labelFontSize: 13, labelColor: CHART_CONFIG.title.color, labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFont: CHART_CONFIG.font } },
    padding: 10,
    title,
    data: { values: rows },
    facet: { row: { field: 'workload', type: 'nominal', sort: [...new Set(rows.map((r) => r.workload))], title: null } },
    resolve: { scale: { y: 'independent' } },
    spacing: 14,
    spec: {
      width: 360,
      height: { step: 22 },
      layer: [
        {
          mark: { type: 'bar', height: 14 },
          encoding: {
            x,
            x2: { datum: 1 },
            y,
            color: { field: 'against', type: 'nominal', title: 'compared with', scale: { domain: groups, range: groups.map((g) => hex(colors[g])) } },
          },
        },
        { mark: { type: 'rule', color: '#333', strokeWidth: 1 }, encoding: { x: { datum: 1 } } },
        // The value at the end of its bar: right of it when the package is slower, left of it when faster
        // (two text layers over the same rows, each with the other's text empty: one data source per panel).
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { x, y, text: { field: 'slower' } } },
        { mark: { type: 'text', align: 'right', dx: -4, fontSize: 11 }, encoding: { x, y, text: { field: 'faster' } } },
      ],
    },
  });
}

/** Reads a ratio cell ("0.11×", "95.7×", "—"). */
function ratioCell(cell: string | undefined): number | undefined {
  const v = Number((cell ?? '').replace('×', '').trim());
  return cell === undefined || cell.trim() === '—' || cell.trim() === '' || !Number.isFinite(v) ? undefined : v;
}

/** Splits a markdown table row into its cells (`\|` is a literal bar). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/**
 * The ratio tables of a docs/benchmarks.md written by the suite (bench/lib/markdown.ts), read back
 * as reports: each `### title (backend)` section with a `| time ratio | CPU time | wall clock | …`
 * table. (The Targets summary, which repeats some of them, has another header and is left out.)
 */
export function parseRatioTables(markdown: string): RatioRows[] {
  const reports: { title: string; backend: string; ratios: Ratio[] }[] = [];
  let current: (typeof reports)[number] | undefined;
  let inRatios = false;
  for (const line of markdown.split('\n')) {
    const heading = /^### (.*) \((.*)\)\s*$/.exec(line);
    if (heading !== null) {
      // The backend is the last parenthesised group, which may hold parentheses itself.
      const text = line.slice(4).trim();
      let depth = 0;
      let open = -1;
      for (let i = text.length - 1; i >= 0; i--) {
        if (text[i] === ')') depth++;
        else if (text[i] === '(' && --depth === 0) {
          open = i;
          break;
        }
      }
      current = { title: text.slice(0, open).trim(), backend: text.slice(open + 1, -1), ratios: [] };
      reports.push(current);
      inRatios = false;
      continue;
    }
    if (/^#{1,2} /.test(line)) current = undefined;
    if (!line.startsWith('|')) {
      inRatios = false;
      continue;
    }
    const row = cells(line);
    if (row[0] === 'time ratio' && row[1] === 'CPU time') {
      inRatios = current !== undefined;
      continue;
    }
    if (!inRatios || current === undefined || /^-+$/.test(row[0] ?? '')) continue;
    const cpu = ratioCell(row[1]);
    const wall = ratioCell(row[2]);
    current.ratios.push({ label: row[0]!, ...(cpu === undefined ? {} : { cpu }), ...(wall === undefined ? {} : { wall }) });
  }
  return reports.filter((r) => r.ratios.length > 0);
}
