/**
 * Where the time of one W1 training step goes: `tf.profile` of a few steps of the package's
 * `train` and of tfjs-layers `fit` (tfjs' own kernels), per kernel: milliseconds and calls per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { denseAutoencoder } from '../../src/models/index.js';
import { train } from '../../src/train/index.js';
import type { BenchContext } from '../lib/context.js';
import { subset, tensorOf } from '../lib/context.js';
import type { Table } from '../lib/report.js';
import { fmt, nowMs } from '../lib/stats.js';
import { BATCH, LEARNING_RATE } from './common.js';

/** Per-kernel totals of a profiled run, per step. */
export interface KernelProfile {
  readonly label: string;
  readonly steps: number;
  readonly wallMsPerStep: number;
  readonly kernelMsPerStep: number;
  readonly kernelsPerStep: number;
  readonly byKernel: ReadonlyMap<string, { ms: number; calls: number }>;
}

async function profile(label: string, steps: number, run: () => Promise<unknown>): Promise<KernelProfile> {
  const backend = tf.getBackend();
  const t0 = nowMs();
  const info = await tf.profile(async () => {
    await run();
  });
  const wall = nowMs() - t0;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  let count = 0;
  for (const k of info.kernels) {
    // Scopes (customGrad, op wrappers) time their nested kernels again: count real kernels only.
    if (tf.getKernel(k.name, backend) === undefined) continue;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms / steps;
    entry.calls += 1 / steps;
    byKernel.set(k.name, entry);
    total += ms;
    count++;
  }
  return { label, steps, wallMsPerStep: wall / steps, kernelMsPerStep: total / steps, kernelsPerStep: count / steps, byKernel };
}

/** Profiles `steps` W1 steps of the package and of plain tfjs-layers fit (after a warm-up of each). */
export async function profileW1(ctx: BenchContext, steps: number): Promise<KernelProfile[]> {
  const x = tensorOf(subset(ctx.data.train, steps * BATCH));
  const ae = denseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, latentActivation: 'relu', loss: 'bce', seed: ctx.seed, init: 'torch' });
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 784, activation: 'sigmoid' }),
    ],
  });
  const optimizer = tf.train.adam(LEARNING_RATE);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  try {
    ctx.kernels?.fast();
    const runPackage = () => train(ae, x, { epochs: 1, batchSize: BATCH, seed: ctx.seed });
    await runPackage();
    const pkg = await profile('package train', steps, runPackage);
    ctx.kernels?.stock();
    const runPlain = () => model.fit(x, x, { epochs: 1, batchSize: BATCH, verbose: 0 });
    await runPlain();
    const plain = await profile('plain tfjs-layers fit', steps, runPlain);
    ctx.kernels?.fast();
    return [pkg, plain];
  } finally {
    ae.dispose();
    model.dispose();
    optimizer.dispose();
    x.dispose();
  }
}

/** The profiles side by side: the `top` kernels by time (over all profiles), then totals. */
export function profileTable(profiles: readonly KernelProfile[], top = 14): Table {
  const names = new Map<string, number>();
  for (const p of profiles) for (const [k, v] of p.byKernel) names.set(k, Math.max(names.get(k) ?? 0, v.ms));
  const ordered = [...names].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = ordered.slice(0, top);
  const rest = ordered.slice(top);
  const header = ['kernel', ...profiles.flatMap((p) => [`${p.label} ms/step`, 'calls/step'])];
  const rows: string[][] = shown.map((k) => [k, ...profiles.flatMap((p) => [fmt(p.byKernel.get(k)?.ms, 3), fmt(p.byKernel.get(k)?.calls, 3)])]);
  if (rest.length > 0) {
    rows.push([
      `${rest.length} other kernels`,
      ...profiles.flatMap((p) => {
        let ms = 0;
        let calls = 0;
        for (const k of rest) {
          ms += p.byKernel.get(k)?.ms ?? 0;
          calls += p.byKernel.get(k)?.calls ?? 0;
        }
        return [fmt(ms, 3), fmt(calls, 3)];
      }),
    ]);
  }
  rows.push(['all kernels', ...profiles.flatMap((p) => [fmt(p.kernelMsPerStep, 3), fmt(p.kernelsPerStep, 3)])]);
  rows.push(['wall clock (profiled)', ...profiles.flatMap((p) => [fmt(p.wallMsPerStep, 3), ''])]);
  return { header, rows };
}
