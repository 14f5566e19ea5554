/**
 * KPCA: Kernel PCA, rbf, k = 50 on the first 2,000 training digits. bench/kernel-pca.ts does the
 * work (ours against scikit-learn's KernelPCA); this runs it as a child process and turns its
 * JSON into the suite's table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../lib/context.js';
import type { ImplResult, Ratio, WorkloadReport } from '../lib/report.js';
import { median } from '../lib/stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface KernelPcaJson {
  data: { n: number };
  ours: Record<string, number[]>;
  oursCpu: Record<string, number[]>;
  sklearn: { version: string; times: Record<string, number[]>; cpu: Record<string, number[]> } | null;
  ratios: Record<string, number>;
  cpuRatios: Record<string, number>;
  accuracy: Record<string, number>;
}

/** Runs bench/kernel-pca.ts and reports its fit times and ratios. */
export function runKernelPca(ctx: BenchContext): WorkloadReport {
  const dir = mkdtempSync(join(tmpdir(), 'autoencoders-kpca-'));
  const json = join(dir, 'kpca.json');
  const args = ctx.quick ? ['--reps=1', '--n=300'] : ['--reps=3'];
  const title = 'KPCA Kernel PCA, rbf, k = 50';
  const backend = 'float64 WebAssembly (no tfjs backend)';
  const notes: string[] = [`bench/kernel-pca.ts ${args.join(' ')} (its own run: \`npx tsx bench/kernel-pca.ts\` prints more)`];
  try {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/kernel-pca.ts', ...args, `--json=${json}`], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0) {
      const why = r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' / ');
      return { id: 'kpca', title, backend, rows: [], ratios: [], notes: [`bench/kernel-pca.ts failed: ${why}`] };
    }
    const out = JSON.parse(readFileSync(json, 'utf8')) as KernelPcaJson;
    const rows: ImplResult[] = [];
    for (const [solver, times] of Object.entries(out.ours)) {
      rows.push({ impl: `package ${solver}`, values: { 'fit s': median(times), 'CPU s': median(out.oursCpu[solver]!) } });
    }
    for (const [solver, times] of Object.entries(out.sklearn?.times ?? {})) {
      rows.push({ impl: `scikit-learn ${solver}`, values: { 'fit s': median(times), 'CPU s': median(out.sklearn!.cpu[solver]!) } });
    }
    if (out.sklearn === null) notes.push('scikit-learn skipped: /usr/bin/python3 has no sklearn');
    const ratios: Ratio[] = Object.entries(out.ratios).map(([label, value]) => ({ label: label.replace(/^ours/, 'package'), wall: value, cpu: out.cpuRatios[label]! }));
    for (const [label, value] of Object.entries(out.accuracy)) {
      notes.push(`${label.replace(/^ours/, 'package')}: eigenvalues within ${value.toExponential(1)} (relative) of scikit-learn dense`);
    }
    return { id: 'kpca', title: `${title}, ${out.data.n} × 784`, backend, valueColumns: ['fit s', 'CPU s'], rows, ratios, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
