/** What a workload reports, and how the suite prints it and writes docs/benchmarks.md. */
import { fmt, ratio } from './stats.js';

/** One implementation's result in a workload. */
export interface ImplResult {
  /** 'package', 'plain tfjs-layers', 'PyTorch 1 thread', … */
  readonly impl: string;
  /** Training workloads: wall-clock seconds per epoch (median of epochs 2..N). */
  readonly secondsPerEpoch?: number;
  /** Training workloads: every epoch's wall-clock seconds. */
  readonly perEpoch?: readonly number[];
  /**
   * Training workloads: CPU seconds of the process per epoch (median of epochs 2..N) — for a
   * single-threaded run, its wall-clock time on an idle machine.
   */
  readonly cpuSecondsPerEpoch?: number;
  readonly cpuPerEpoch?: readonly number[];
  /** Training workloads: per-sample mean training loss of the last epoch. */
  readonly trainLoss?: number;
  /** The workload's test metric (W1 test BCE, W2 test −ELBO). */
  readonly test?: number;
  /** Fit seconds (W3) or samples per second by operation (W4), by the wall clock. */
  readonly values?: Readonly<Record<string, number>>;
  /** W4: samples per CPU second of the process, by operation. */
  readonly cpuValues?: Readonly<Record<string, number>>;
  readonly note?: string;
}

/**
 * A time ratio of two results (time of the first / time of the second), by CPU time and by the
 * wall clock, with the target when there is one (judged on CPU time where both sides
 * have it: it is what the wall clock of a single-threaded run is on an idle machine).
 */
export interface Ratio {
  readonly label: string;
  readonly cpu?: number;
  readonly wall?: number;
  /** e.g. '≤ 0.33'. */
  readonly target?: string;
  readonly met?: boolean;
}

/** Everything one workload reports. */
export interface WorkloadReport {
  readonly id: string;
  readonly title: string;
  readonly backend: string;
  /** Column names of `values` (W3, W4), with their unit. */
  readonly valueColumns?: readonly string[];
  /** Name of the test metric column (training workloads). */
  readonly testMetric?: string;
  readonly rows: readonly ImplResult[];
  readonly ratios: readonly Ratio[];
  readonly notes: readonly string[];
}

/** A table as header + rows of cells. */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The rows table of a workload. */
export function resultTable(report: WorkloadReport): Table {
  if (report.valueColumns !== undefined) {
    const cols = report.valueColumns;
    const withCpu = report.rows.some((r) => r.cpuValues !== undefined);
    return {
      header: ['implementation', ...cols.flatMap((c) => (withCpu ? [`${c} (wall)`, `${c} (CPU)`] : [c])), 'note'],
      rows: report.rows.map((r) => [
        r.impl,
        ...cols.flatMap((c) => (withCpu ? [fmt(r.values?.[c], 4), fmt(r.cpuValues?.[c], 4)] : [fmt(r.values?.[c], 4)])),
        r.note ?? '',
      ]),
    };
  }
  return {
    header: ['implementation', 's / epoch (wall)', 's / epoch (CPU)', 'epochs', 'final train loss', report.testMetric ?? 'test', 'note'],
    rows: report.rows.map((r) => [
      r.impl,
      fmt(r.secondsPerEpoch, 3),
      fmt(r.cpuSecondsPerEpoch, 3),
      String(r.perEpoch?.length ?? '—'),
      fmt(r.trainLoss, 4),
      fmt(r.test, 4),
      r.note ?? '',
    ]),
  };
}

/** The ratios table of a workload. */
export function ratioTable(report: WorkloadReport): Table {
  return {
    header: ['time ratio', 'CPU time', 'wall clock', 'target', ''],
    rows: report.ratios.map((r) => [r.label, ratio(r.cpu), ratio(r.wall), r.target ?? '', r.met === undefined ? '' : r.met ? 'met' : 'missed']),
  };
}

/** A table as aligned plain text. */
export function textTable(table: Table): string {
  const widths = table.header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(table.header), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)].join('\n');
}

/** A table as GitHub markdown. */
export function markdownTable(table: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  return [line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line)].join('\n');
}

/** Prints a workload's tables and notes. */
export function printReport(report: WorkloadReport): void {
  console.log(`\n${report.title} — backend ${report.backend}`);
  console.log(textTable(resultTable(report)));
  if (report.ratios.length > 0) console.log(`\n${textTable(ratioTable(report))}`);
  for (const note of report.notes) console.log(`  note: ${note}`);
}

/** A workload's section of docs/benchmarks.md. */
export function markdownReport(report: WorkloadReport): string {
  const parts = [`### ${report.title} (${report.backend})`, '', markdownTable(resultTable(report))];
  if (report.ratios.length > 0) parts.push('', markdownTable(ratioTable(report)));
  if (report.notes.length > 0) parts.push('', ...report.notes.map((n) => `- ${n}`));
  return parts.join('\n');
}
