// The benchmark suite must keep running: `bench/run.ts --quick` on a tiny budget (a smoke test of
// the suite, not a timed test — nothing here looks at a time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm run bench -- --quick', () => {
  it('runs every default workload on a tiny budget and reports each implementation and ratio', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-quick-'));
    try {
      const json = join(dir, 'bench.json');
      const markdown = join(dir, 'benchmarks.md');
      const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/run.ts', '--quick', '--json', json, '--write', markdown], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 110_000,
        maxBuffer: 1 << 26,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('W1 dense autoencoder');
      const run = JSON.parse(readFileSync(json, 'utf8')) as {
        quick: boolean;
        reports: { id: string; rows: { impl: string }[]; ratios: { label: string }[] }[];
        profile?: { profiles: unknown[] };
      };
      expect(run.quick).toBe(true);
      expect(run.reports.map((w) => w.id)).toEqual(['w1', 'w2', 'w4', 'matmul', 'conv']);
      for (const report of run.reports) {
        expect(report.rows[0]!.impl).toMatch(/^package/);
        // The tfjs baseline: plain tfjs-layers code, or (matmul, conv) tfjs' own kernels.
        expect(report.rows.some((row) => row.impl.startsWith('plain tfjs-layers') || row.impl.startsWith("tfjs' "))).toBe(true);
        expect(report.ratios.length).toBeGreaterThan(0);
      }
      expect(run.profile?.profiles).toHaveLength(2);
      const doc = readFileSync(markdown, 'utf8');
      expect(doc).toContain('# Benchmarks');
      expect(doc).toContain('--quick');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
