/**
 * The ceiling of the wasm backend: GFLOP/s of the three matrix products of a dense layer's
 * training step, at W2's sizes — X·W (forward), δ·Wᵀ (gradient of the input), Xᵀ·δ (gradient of
 * the weights) — each with a new right-hand operand per call, as in training (which is what makes
 * XNNPACK pack it every time). The package's kernels, tfjs' own, and PyTorch on one thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchContext } from '../lib/context.js';
import type { ImplResult, Ratio, WorkloadReport } from '../lib/report.js';
import { cpuMs } from '../lib/stats.js';

/** (form, m, k, n) as in bench/torch_bench.py: C[m×n] = A'·B' with k inner. */
const SHAPES = [
  ['nn', 128, 784, 512],
  ['nt', 128, 784, 512],
  ['tn', 784, 128, 512],
] as const;

const label = ([form, m, k, n]: (typeof SHAPES)[number]): string => `${form} ${m}x${k}x${n}`;

/**
 * GFLOP/s of each product, best of `rounds`, every call on operands it has not seen: per CPU
 * second, or by the wall clock (`wall`, for products on several threads).
 */
function rates(rounds: number, wall = false): Record<string, number> {
  const out: Record<string, number> = {};
  for (const shape of SHAPES) {
    const [form, m, k, n] = shape;
    let best = Infinity;
    for (let r = 0; r < rounds + 1; r++) {
      const [a, b] = tf.tidy(() => [
        form === 'tn' ? tf.randomNormal([k, m], 0, 1, 'float32', r) : tf.randomNormal([m, k], 0, 1, 'float32', r),
        form === 'nt' ? tf.randomNormal([n, k], 0, 1, 'float32', r + 1) : tf.randomNormal([k, n], 0, 1, 'float32', r + 1),
      ]);
      const clock = wall ? (): number => performance.now() : cpuMs;
      const c0 = clock();
      const c = tf.matMul(a!, b!, form === 'tn', form === 'nt');
      const ms = clock() - c0;
      tf.dispose([a!, b!, c]);
      if (r > 0) best = Math.min(best, ms);
    }
    out[label(shape)] = (2 * m * k * n) / best / 1e6;
  }
  return out;
}

/** Runs the product comparison on the active (wasm) backend. */
export async function runMatmul(ctx: BenchContext, backend: string): Promise<WorkloadReport> {
  const notes: string[] = [];
  const rounds = ctx.quick ? 2 : 12;
  const columns = SHAPES.map(label);
  const rows: ImplResult[] = [];
  ctx.kernels?.fast();
  const threaded = ctx.useThreads !== null && ctx.threads > 1;
  if (threaded) await ctx.useThreads!(1);
  rows.push({ impl: 'package kernels', values: rates(rounds) });
  const scaling: Ratio[] = [];
  if (threaded) {
    // Side by side by the wall clock, alternating: 1 thread, all threads, 1, all.
    const one: Record<string, number>[] = [];
    const all: Record<string, number>[] = [];
    for (let r = 0; r < 2; r++) {
      await ctx.useThreads!(1);
      one.push(rates(rounds, true));
      await ctx.useThreads!(ctx.threads);
      all.push(rates(rounds, true));
    }
    const best = (runs: Record<string, number>[]): Record<string, number> => Object.fromEntries(columns.map((c) => [c, Math.max(...runs.map((r) => r[c]!))]));
    const oneBest = best(one);
    const allBest = best(all);
    rows.push({ impl: 'package kernels, 1 thread, wall clock', values: oneBest });
    rows.push({ impl: `package kernels, ${ctx.threads} threads, wall clock`, values: allBest });
    for (const c of columns) {
      // A time ratio: 1-thread time over N-thread time is the speed-up; the target is on its inverse.
      const speedup = allBest[c]! / oneBest[c]!;
      const target = c.startsWith('nt') ? undefined : { text: '≥ 1.7× (ratio ≤ 0.59)', max: 1 / 1.7 };
      scaling.push({ label: `${c}: ${ctx.threads} threads / 1 thread (speed-up ${speedup.toFixed(2)}×)`, wall: 1 / speedup, ...(target === undefined ? {} : { target: target.text, met: 1 / speedup <= target.max }) });
    }
    notes.push(`threads: the same products on 1 and on ${ctx.threads} threads, by the wall clock (best of ${rounds} calls, twice each in alternation); a ratio is the ${ctx.threads}-thread time over the 1-thread time`);
  }
  if (ctx.kernels !== null) {
    ctx.kernels.stock();
    rows.push({ impl: "tfjs' own kernels", values: rates(Math.min(rounds, 3)) });
    ctx.kernels.fast();
  }
  let torch: ImplResult | undefined;
  if (ctx.torch === null) notes.push(`PyTorch skipped: ${ctx.torchNote}`);
  else {
    try {
      torch = { impl: 'PyTorch 1 thread', values: ctx.torch.run<Record<string, number>>('gemm', 1, 0, ctx.seed) };
      rows.push(torch);
    } catch (error) {
      notes.push(`PyTorch failed: ${(error as Error).message}`);
    }
  }
  const ratios: Ratio[] = [...scaling];
  if (torch?.values !== undefined) {
    // Time ratios: PyTorch's rate over the package's.
    for (const c of columns) ratios.push({ label: `${c}: package / PyTorch 1 thread`, cpu: torch.values[c]! / rows[0]!.values![c]! });
  }
  notes.push(
    'GFLOP/s per CPU second, best of repeated calls; nn = X·W, nt = δ·Wᵀ, tn = Xᵀ·δ with X 128 × 784, W 784 × 512 (the first layer of W2); every call gets operands it has not seen, as in training',
  );
  return { id: 'matmul', title: 'Matrix products of a training step, GFLOP/s', backend, valueColumns: columns, rows, ratios, notes };
}

/**
 * The package's 1024 × 1024 float32 product on the active backend, GFLOP/s by the wall clock,
 * best of `rounds` calls on new operands — the figure to set beside numpy's (bench/lib/blas.ts).
 */
export function sgemm1024(rounds: number): number {
  const n = 1024;
  let best = Infinity;
  for (let r = 0; r < rounds + 1; r++) {
    const [a, b] = tf.tidy(() => [tf.randomNormal([n, n], 0, 1, 'float32', 2 * r), tf.randomNormal([n, n], 0, 1, 'float32', 2 * r + 1)]);
    const t0 = performance.now();
    const c = tf.matMul(a!, b!);
    c.dataSync();
    const ms = performance.now() - t0;
    tf.dispose([a!, b!, c]);
    if (r > 0) best = Math.min(best, ms);
  }
  return (2 * n * n * n) / best / 1e6;
}
