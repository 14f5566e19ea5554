/** Pieces the training workloads share: timing the package's trainer and PyTorch rows. */
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainableModel } from '../../src/models/index.js';
import { train } from '../../src/train/index.js';
import type { BenchContext } from '../lib/context.js';
import type { ImplResult, Ratio } from '../lib/report.js';
import { cpuMs, epochSeconds, nowMs } from '../lib/stats.js';
import type { TorchTraining } from '../lib/torch.js';

/** Batch size and learning rate of W1 and W2. */
export const BATCH = 128;
export const LEARNING_RATE = 1e-3;

/** Wall-clock and CPU seconds of every epoch, measured from epoch-begin to epoch-end callbacks. */
export class EpochClock {
  readonly wall: number[] = [];
  readonly cpu: number[] = [];
  #wall = 0;
  #cpu = 0;

  begin(): void {
    this.#wall = nowMs();
    this.#cpu = cpuMs();
  }

  end(): void {
    this.wall.push((nowMs() - this.#wall) / 1000);
    this.cpu.push((cpuMs() - this.#cpu) / 1000);
  }

  /** The result fields of the epochs timed. */
  fields(): Pick<ImplResult, 'secondsPerEpoch' | 'perEpoch' | 'cpuSecondsPerEpoch' | 'cpuPerEpoch'> {
    return { secondsPerEpoch: epochSeconds(this.wall), perEpoch: this.wall, cpuSecondsPerEpoch: epochSeconds(this.cpu), cpuPerEpoch: this.cpu };
  }
}

/** Trains with the package's `train` and times every epoch. */
export async function timePackage(
  model: TrainableModel,
  x: tf.Tensor2D,
  epochs: number,
  seed: number,
): Promise<{ clock: EpochClock; losses: number[] }> {
  const clock = new EpochClock();
  const history = await train(model, x, {
    epochs,
    batchSize: BATCH,
    learningRate: LEARNING_RATE,
    seed,
    callbacks: {
      onEpochBegin: () => clock.begin(),
      onEpochEnd: () => clock.end(),
    },
  });
  return { clock, losses: history.epochs.map((e) => e.loss) };
}

/** The fastest of several runs of one implementation (by CPU seconds per epoch), noting all of them. */
function fastest(runs: readonly ImplResult[]): ImplResult {
  const best = runs.reduce((a, b) => ((b.cpuSecondsPerEpoch ?? Infinity) < (a.cpuSecondsPerEpoch ?? Infinity) ? b : a));
  if (runs.length < 2) return best;
  const all = runs.map((r) => (r.cpuSecondsPerEpoch ?? Number.NaN).toFixed(3)).join(', ');
  return { ...best, note: `fastest of ${runs.length} runs (CPU s / epoch: ${all})` };
}

/**
 * The package's and PyTorch's rows of a training workload, run `ctx.repeats` times in
 * alternation (package, PyTorch, package, …) so that both meet the same ups and downs of a shared
 * machine; each implementation keeps its fastest run, and the note lists them all.
 */
export async function packageAndTorch(
  ctx: BenchContext,
  workload: 'w1' | 'w2',
  epochs: number,
  runPackage: () => Promise<ImplResult>,
  notes: string[],
): Promise<{ pkg: ImplResult; torch: ImplResult[] }> {
  const pkgRuns: ImplResult[] = [];
  const torchRuns = new Map<string, ImplResult[]>();
  for (let r = 0; r < ctx.repeats; r++) {
    pkgRuns.push(await runPackage());
    for (const row of torchRows(ctx, workload, epochs, r === 0 ? notes : [])) {
      torchRuns.set(row.impl, [...(torchRuns.get(row.impl) ?? []), row]);
    }
  }
  return { pkg: fastest(pkgRuns), torch: [...torchRuns.values()].map(fastest) };
}

/** PyTorch on one and on two threads, as result rows (empty, with a note, when PyTorch is absent). */
export function torchRows(ctx: BenchContext, workload: 'w1' | 'w2', epochs: number, notes: string[]): ImplResult[] {
  if (ctx.torch === null) {
    notes.push(`PyTorch skipped: ${ctx.torchNote}`);
    return [];
  }
  const rows: ImplResult[] = [];
  for (const threads of ctx.quick ? [1] : [1, 2]) {
    try {
      const r = ctx.torch.run<TorchTraining>(workload, threads, epochs, ctx.seed);
      rows.push({
        impl: `PyTorch ${r.threads} thread${r.threads === 1 ? '' : 's'}`,
        secondsPerEpoch: epochSeconds(r.seconds),
        perEpoch: r.seconds,
        cpuSecondsPerEpoch: epochSeconds(r.cpu_seconds),
        cpuPerEpoch: r.cpu_seconds,
        trainLoss: r.losses[r.losses.length - 1]!,
        test: r.test,
      });
    } catch (error) {
      notes.push(`PyTorch ${threads} thread(s) failed: ${(error as Error).message}`);
    }
  }
  return rows;
}

/**
 * `a`'s time per epoch over `b`'s, by CPU time and by the wall clock (a ratio row; none when
 * either is missing). The target is judged on CPU time unless `wallOnly` (PyTorch on two threads,
 * whose CPU time counts both).
 */
export function timeRatio(
  label: string,
  a: ImplResult | undefined,
  b: ImplResult | undefined,
  target?: { max: number; text: string },
  wallOnly = false,
): Ratio[] {
  if (a?.secondsPerEpoch === undefined || b?.secondsPerEpoch === undefined) return [];
  const wall = a.secondsPerEpoch / b.secondsPerEpoch;
  const cpu = !wallOnly && a.cpuSecondsPerEpoch !== undefined && b.cpuSecondsPerEpoch !== undefined ? a.cpuSecondsPerEpoch / b.cpuSecondsPerEpoch : undefined;
  const judged = cpu ?? wall;
  return [{ label, wall, ...(cpu === undefined ? {} : { cpu }), ...(target === undefined ? {} : { target: target.text, met: judged <= target.max }) }];
}

/** A quality check against the reference value (lower is better, within 2 %). */
export function qualityNote(name: string, value: number | undefined, reference: number, applies: boolean): string {
  if (value === undefined) return `${name}: not measured`;
  if (!applies) return `${name} ${value.toFixed(4)} (reference ${reference} applies to the full run only)`;
  const gap = (value - reference) / reference;
  return `${name} ${value.toFixed(4)} vs reference ${reference}: ${gap >= 0 ? '+' : ''}${(100 * gap).toFixed(1)} % (${gap <= 0.02 ? 'within' : 'outside'} 2 %)`;
}
