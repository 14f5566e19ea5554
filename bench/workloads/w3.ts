/**
 * W3: PCA with k = 50 on the 8,000 × 784 training digits. bench/pca.ts does the work (ours,
 * scikit-learn, ml-pca); this runs it as a child process and turns its JSON into the suite's table.
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

interface PcaJson {
  oursThreads?: number;
  ours: Record<string, number[]>;
  ours1thread?: Record<string, number[]>;
  sklearn: { version: string } | null;
  sklearn2threads: Record<string, number[]> | null;
  sklearn1thread: Record<string, number[]> | null;
  mlPca: { rows: number; seconds: Record<string, number> };
  ratios: Record<string, number>;
  accuracy: Record<string, number>;
  data: { n: number };
}

/** Runs bench/pca.ts and reports its fit times and ratios. */
export function runW3(ctx: BenchContext): WorkloadReport {
  const dir = mkdtempSync(join(tmpdir(), 'autoencoders-pca-'));
  const json = join(dir, 'pca.json');
  const args = ctx.quick
    ? ['--reps=1', '--skip-ml-pca', '--skip-backends']
    : ['--reps=3', '--ml-pca-rows=2000', '--skip-backends'];
  const notes: string[] = [`bench/pca.ts ${args.join(' ')} (its own run: \`npx tsx bench/pca.ts\` prints more)`];
  try {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/pca.ts', ...args, `--json=${json}`], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0) {
      const why = r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' / ');
      return { id: 'w3', title: 'W3 PCA, k = 50', backend: 'float64 WebAssembly (no tfjs backend)', rows: [], ratios: [], notes: [`bench/pca.ts failed: ${why}`] };
    }
    const out = JSON.parse(readFileSync(json, 'utf8')) as PcaJson;
    const rows: ImplResult[] = [];
    const threads = out.oursThreads ?? 1;
    for (const [solver, times] of Object.entries(out.ours)) {
      rows.push({ impl: `package ${solver}`, values: { 'fit s': median(times) }, note: `${threads} thread${threads === 1 ? '' : 's'}` });
    }
    if (threads > 1) {
      for (const [solver, times] of Object.entries(out.ours1thread ?? {})) rows.push({ impl: `package ${solver}, 1 thread`, values: { 'fit s': median(times) } });
    }
    for (const [solver, times] of Object.entries(out.sklearn2threads ?? {})) {
      rows.push({ impl: `scikit-learn ${solver}`, values: { 'fit s': median(times) } });
    }
    for (const [solver, times] of Object.entries(out.sklearn1thread ?? {})) {
      if (solver !== 'incremental') rows.push({ impl: `scikit-learn ${solver}, 1 BLAS thread`, values: { 'fit s': median(times) } });
    }
    for (const [method, seconds] of Object.entries(out.mlPca.seconds)) {
      rows.push({ impl: `ml-pca ${method}`, values: { 'fit s': seconds }, note: out.mlPca.rows === out.data.n ? '' : `on ${out.mlPca.rows} rows` });
    }
    if (out.sklearn === null) notes.push('scikit-learn skipped: /usr/bin/python3 has no sklearn');
    const ratios: Ratio[] = Object.entries(out.ratios).map(([label, value]) => ({ label: label.replace(/^ours/, 'package'), wall: value }));
    for (const [label, value] of Object.entries(out.accuracy)) {
      notes.push(`${label.replace(/^ours/, 'package')}: explained variances within ${value.toExponential(1)} (relative) of scikit-learn full`);
    }
    return { id: 'w3', title: 'W3 PCA, k = 50, 8,000 × 784', backend: 'float64 WebAssembly (no tfjs backend)', valueColumns: ['fit s'], rows, ratios, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
