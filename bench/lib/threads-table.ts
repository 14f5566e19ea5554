/** The CPU-threads table of a run (W1, W2, GEMM scaling), for the printout and docs/benchmarks.md. */
import type { Table, WorkloadReport } from './report.js';

/**
 * The table of W1 and W2 on every core and on one, against PyTorch on one and two threads, and
 * the products' thread scaling: one place to read the CPU figures.
 */
export function threadsTable(reports: readonly WorkloadReport[]): Table {
  const w = (id: string): WorkloadReport | undefined => reports.find((r) => r.id === id);
  const cell = (report: WorkloadReport | undefined, match: (impl: string) => boolean): string => {
    const row = report?.rows.find((r) => match(r.impl));
    if (row?.secondsPerEpoch === undefined) return '—';
    return `${row.secondsPerEpoch.toFixed(2)} (${row.cpuSecondsPerEpoch?.toFixed(2) ?? '—'})`;
  };
  const impls: [string, (impl: string) => boolean][] = [
    ['package, every core', (i) => /^package( \d+ threads)?$/.test(i)],
    ['package, 1 thread', (i) => i === 'package 1 thread'],
    ['PyTorch, 1 thread', (i) => i === 'PyTorch 1 thread'],
    ['PyTorch, 2 threads', (i) => i === 'PyTorch 2 threads'],
  ];
  const rows = impls.map(([name, match]) => [name, cell(w('w1'), match), cell(w('w2'), match)]);
  for (const q of w('matmul')?.ratios ?? []) {
    if (q.label.includes('threads / 1 thread')) rows.push([`GEMM ${q.label}`, q.wall === undefined ? '—' : `${(1 / q.wall).toFixed(2)}×`, q.met === undefined ? '' : q.met ? 'target met' : 'target missed']);
  }
  return { header: ['', 'W1', 'W2'], rows };
}

