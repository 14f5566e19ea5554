/**
 * W4: inference throughput on the 2,000 test digits with the W1 network (untrained weights: the
 * speed does not depend on them): `reconstruct` and `anomalyScores` (per-sample MSE), in samples
 * per second, against tfjs-layers `predict` and PyTorch under `torch.no_grad()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { anomalyScores } from '../../src/anomaly/index.js';
import { denseAutoencoder } from '../../src/models/index.js';
import type { BenchContext } from '../lib/context.js';
import { tensorOf } from '../lib/context.js';
import type { ImplResult, Ratio, WorkloadReport } from '../lib/report.js';
import { cpuMs, median, nowMs } from '../lib/stats.js';
import type { TorchInference } from '../lib/torch.js';

const OPS = ['reconstruct', 'anomalyScores'] as const;

/** Samples per second of an async call on `n` samples, by the wall clock and per CPU second: medians of `repeats` after one warm-up. */
async function throughput(n: number, repeats: number, f: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  await f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = nowMs();
    const c0 = cpuMs();
    await f();
    wall.push((nowMs() - t0) / 1000);
    cpu.push((cpuMs() - c0) / 1000);
  }
  return { wall: n / median(wall), cpu: n / Math.max(median(cpu), 1e-9) };
}

/** The row of one implementation from its two operations' throughputs. */
function row(impl: string, reconstruct: { wall: number; cpu: number }, scores: { wall: number; cpu: number }, note?: string): ImplResult {
  return {
    impl,
    values: { reconstruct: reconstruct.wall, anomalyScores: scores.wall },
    cpuValues: { reconstruct: reconstruct.cpu, anomalyScores: scores.cpu },
    ...(note === undefined ? {} : { note }),
  };
}

/** Awaits a tensor's values and disposes it. */
async function settle(t: tf.Tensor): Promise<void> {
  await t.data();
  t.dispose();
}

function plainModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 784, activation: 'sigmoid' }),
    ],
  });
}

/** Runs W4 on the active backend. */
export async function runW4(ctx: BenchContext, backend: string): Promise<WorkloadReport> {
  const notes: string[] = [];
  const x = tensorOf(ctx.data.test);
  const n = ctx.data.test.n;
  const reps = ctx.inferenceRepeats;
  const rows: ImplResult[] = [];
  ctx.kernels?.fast();
  const ae = denseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, latentActivation: 'relu', loss: 'bce', seed: ctx.seed, init: 'torch' });
  const model = plainModel();
  try {
    rows.push(
      row(
        'package',
        await throughput(n, reps, () => settle(ae.reconstruct(x))),
        await throughput(n, reps, async () => {
          await anomalyScores(ae, x);
        }),
        'anomalyScores with its default batchSize 256',
      ),
    );
    const plainScores = (batchSize?: number) => () =>
      settle(tf.tidy(() => tf.mean(tf.squaredDifference(model.predict(x, batchSize === undefined ? {} : { batchSize }) as tf.Tensor, x), 1)));
    const plainRows = async (label: string): Promise<void> => {
      rows.push(
        row(
          `${label} predict (default batchSize 32)`,
          await throughput(n, reps, () => settle(model.predict(x) as tf.Tensor)),
          await throughput(n, reps, plainScores()),
        ),
      );
      rows.push(
        row(
          `${label} predict (batchSize ${n})`,
          await throughput(n, reps, () => settle(model.predict(x, { batchSize: n }) as tf.Tensor)),
          await throughput(n, reps, plainScores(n)),
        ),
      );
    };
    if (ctx.kernels !== null) ctx.kernels.stock();
    await plainRows('plain tfjs-layers');
    ctx.kernels?.fast();
  } finally {
    ae.dispose();
    model.dispose();
    x.dispose();
  }
  if (ctx.torch === null) notes.push(`PyTorch skipped: ${ctx.torchNote}`);
  else {
    for (const threads of ctx.quick ? [1] : [1, 2]) {
      try {
        const r = ctx.torch.run<TorchInference>('w4', threads, 0, ctx.seed);
        rows.push({ impl: `PyTorch ${r.threads} thread${r.threads === 1 ? '' : 's'}`, values: { ...r.wall }, cpuValues: { ...r.cpu } });
      } catch (error) {
        notes.push(`PyTorch ${threads} thread(s) failed: ${(error as Error).message}`);
      }
    }
  }
  const pkg = rows[0]!;
  const plain = rows.filter((r) => r.impl.startsWith('plain'));
  const torch1 = rows.find((r) => r.impl === 'PyTorch 1 thread');
  const ratios: Ratio[] = [];
  for (const op of OPS) {
    // Time ratios (package time / other time) = other throughput / package throughput.
    const fastest = (key: 'values' | 'cpuValues'): number => Math.max(...plain.map((r) => r[key]?.[op] ?? 0));
    ratios.push({ label: `${op}: package / fastest plain tfjs-layers`, wall: fastest('values') / pkg.values![op]!, cpu: fastest('cpuValues') / pkg.cpuValues![op]! });
    if (torch1?.values?.[op] !== undefined && torch1.cpuValues?.[op] !== undefined) {
      ratios.push({ label: `${op}: package / PyTorch 1 thread`, wall: torch1.values[op] / pkg.values![op]!, cpu: torch1.cpuValues[op] / pkg.cpuValues![op]! });
    }
  }
  notes.push('throughput: samples per second (by the wall clock) and per CPU second of the process, medians of repeated calls on the whole test set, values read back');
  return { id: 'w4', title: `W4 inference on ${n} digits (W1 network), samples/s`, backend, valueColumns: [...OPS], rows, ratios, notes };
}
