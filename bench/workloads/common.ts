/** Pieces the training workloads share: timing the package's trainer and PyTorch rows. */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainableModel } from '../../src/models/index.js';
import { train } from '../../src/train/index.js';
import type { BenchContext } from '../lib/context.js';
import { tensorOf } from '../lib/context.js';
import type { ImplResult, Ratio, WorkloadReport } from '../lib/report.js';
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

/**
 * The fastest of several runs of one implementation, noting all of them: by CPU seconds per
 * epoch, or by the wall clock for a run on several threads (`wall`), whose CPU time counts every thread.
 */
function fastest(runs: readonly ImplResult[], wall = false): ImplResult {
  const key = (r: ImplResult): number => (wall ? r.secondsPerEpoch : r.cpuSecondsPerEpoch) ?? Infinity;
  const best = runs.reduce((a, b) => (key(b) < key(a) ? b : a));
  if (runs.length < 2) return best;
  const all = runs.map((r) => key(r).toFixed(3)).join(', ');
  return { ...best, note: `fastest of ${runs.length} runs (${wall ? 'wall-clock' : 'CPU'} s / epoch: ${all})` };
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
): Promise<{ pkg: ImplResult; pkgOne: ImplResult | undefined; torch: ImplResult[] }> {
  const pkgRuns: ImplResult[] = [];
  const oneRuns: ImplResult[] = [];
  const torchRuns = new Map<string, ImplResult[]>();
  const threaded = ctx.useThreads !== null && ctx.threads > 1;
  for (let r = 0; r < ctx.repeats; r++) {
    // Side by side: the package on every core, on one thread, then PyTorch on one and two.
    if (threaded) await ctx.useThreads!(ctx.threads);
    pkgRuns.push(await runPackage());
    if (threaded) {
      await ctx.useThreads!(1);
      oneRuns.push({ ...(await runPackage()), impl: 'package 1 thread' });
      await ctx.useThreads!(ctx.threads);
    }
    for (const row of torchRows(ctx, workload, epochs, r === 0 ? notes : [])) {
      torchRuns.set(row.impl, [...(torchRuns.get(row.impl) ?? []), row]);
    }
  }
  const pkg = fastest(pkgRuns, true);
  return { pkg: threaded ? { ...pkg, impl: `package ${ctx.threads} threads` } : pkg, pkgOne: oneRuns.length > 0 ? fastest(oneRuns) : undefined, torch: [...torchRuns.values()].map((runs) => fastest(runs, runs[0]!.impl !== 'PyTorch 1 thread')) };
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

/** What distinguishes W1 from W2 in {@link runTrainingWorkload}. */
export interface TrainingWorkload {
  readonly id: 'w1' | 'w2';
  readonly title: string;
  /** Name of the test metric, e.g. `'test BCE'`. */
  readonly testMetric: string;
  readonly epochs: number;
  /** Epochs of the run the reference value was measured with. */
  readonly referenceEpochs: number;
  /** PyTorch's test value after `referenceEpochs` (lower is better). */
  readonly reference: number;
  /** How the plain tfjs-layers baseline trains, for the row names: `'fit'` or `'loop'`. */
  readonly plain: string;
  /** Trains and measures the package's model. */
  runPackage(xTrain: tf.Tensor2D, xTest: tf.Tensor2D): Promise<ImplResult>;
  /** Trains and measures the plain tfjs-layers baseline, reported as `impl`. */
  runPlain(xTrain: tf.Tensor2D, xTest: tf.Tensor2D, impl: string): Promise<ImplResult>;
  /** Called after the package's runs (e.g. to note the peak memory). */
  afterPackage?(notes: string[]): void;
  /** Notes that explain the rows. */
  readonly notes?: readonly string[];
}

/**
 * Runs a training workload on the active backend: the package and PyTorch (alternating,
 * {@link packageAndTorch}), then the plain tfjs-layers baseline — with tfjs' own wasm kernels and
 * again with the package's when the backend is wasm — and the ratios the issue sets targets for.
 */
export async function runTrainingWorkload(ctx: BenchContext, backend: string, workload: TrainingWorkload): Promise<WorkloadReport> {
  const notes: string[] = [];
  const xTrain = tensorOf(ctx.data.train);
  const xTest = tensorOf(ctx.data.test);
  const plainName = `plain tfjs-layers ${workload.plain}`;
  const plainFastName = `${plainName} + package wasm kernels`;
  const plainRows: ImplResult[] = [];
  let measured: { pkg: ImplResult; pkgOne: ImplResult | undefined; torch: ImplResult[] };
  try {
    ctx.kernels?.fast();
    measured = await packageAndTorch(ctx, workload.id, workload.epochs, () => workload.runPackage(xTrain, xTest), notes);
    workload.afterPackage?.(notes);
    if (ctx.kernels !== null) {
      ctx.kernels.stock();
      plainRows.push(await workload.runPlain(xTrain, xTest, plainName));
      ctx.kernels.fast();
      plainRows.push(await workload.runPlain(xTrain, xTest, plainFastName));
      notes.push(
        `'${plainName}' runs with tfjs' own wasm kernels, as a user of tfjs has them; the second plain row runs it with the package's wasm kernels (installFastWasmKernels: matrix products, Slice, GatherV2, Identity, Sum, Exp, Log1p), to separate the kernel work from the trainer's`,
      );
    } else {
      plainRows.push(await workload.runPlain(xTrain, xTest, plainName));
    }
  } finally {
    tf.dispose([xTrain, xTest]);
  }
  notes.push(...(workload.notes ?? []));
  const rows: ImplResult[] = [measured.pkg, ...(measured.pkgOne === undefined ? [] : [measured.pkgOne]), ...plainRows, ...measured.torch];
  const pkg = measured.pkg;
  const one = measured.pkgOne ?? pkg;
  const threaded = measured.pkgOne !== undefined;
  const byName = (impl: string): ImplResult | undefined => rows.find((r) => r.impl === impl);
  const full = !ctx.quick && workload.epochs === workload.referenceEpochs;
  notes.push(qualityNote(`package ${workload.testMetric}`, pkg.test, workload.reference, full));
  return {
    id: workload.id,
    title: workload.title,
    backend,
    testMetric: workload.testMetric,
    rows,
    ratios: [
      ...timeRatio(`package 1 thread / ${plainName}`, one, byName(plainName), { max: 1 / 3, text: '≤ 0.33 (≥ 3× faster)' }),
      ...timeRatio(`package 1 thread / ${plainFastName}`, one, byName(plainFastName)),
      ...timeRatio('package 1 thread / PyTorch 1 thread', one, byName('PyTorch 1 thread'), { max: 2.2, text: '≤ 2.2' }),
      ...(threaded ? timeRatio(`${pkg.impl} / PyTorch 1 thread`, pkg, byName('PyTorch 1 thread'), { max: 1.5, text: '≤ 1.5 (wall clock)' }, true) : []),
      ...timeRatio(`${pkg.impl} / PyTorch 2 threads`, pkg, byName('PyTorch 2 threads'), undefined, true),
    ],
    notes,
  };
}
