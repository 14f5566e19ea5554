/**
 * The benchmark suite: `npm run bench -- [workloads…] [options]`.
 *
 * Workloads (default: w1 w2 w3 w4 profile matmul conv kpca webgpu):
 *   w1       dense autoencoder 784-256-64-256-784, BCE, Adam, batch 128: s/epoch, train loss, test BCE
 *   w2       VAE 784-512-(20, 20) / 20-512-784, Bernoulli, Adam, batch 128: s/epoch, test −ELBO
 *   w3, pca  PCA k = 50 (bench/pca.ts, against scikit-learn and ml-pca)
 *   kpca     Kernel PCA, rbf, k = 50 on 2,000 digits (bench/kernel-pca.ts, against scikit-learn)
 *   w4       inference: reconstruct and anomalyScores, samples/s on the test digits
 *   profile  per-kernel time of one W1 step, package against plain tfjs-layers fit
 *   matmul   GFLOP/s of the products of a training step: the package's wasm kernels, tfjs' own, PyTorch
 *   conv     a convolutional autoencoder on the digits: the package's wasm convolution kernels, tfjs' own
 *   webgpu   W1 and W2 again on WebGPU (the `webgpu` package in Node) when a GPU adapter is present
 *
 * Each training workload runs, in this process and on the same backend, the package (on every core,
 * then on one thread), the plain tfjs-layers code a user would write, and (when /usr/bin/python3
 * has torch) PyTorch on the same data on one and on two threads. Ratios measured side by side are
 * what the suite is for. Before any Python run, the suite probes the BLAS that numpy, scikit-learn
 * and PyTorch use (bench/lib/blas.ts) and sets OPENBLAS_CORETYPE where OpenBLAS would run older
 * kernels than the CPU supports; the BLAS line and numpy's and the package's 1024² sgemm are printed
 * first, and a table of W1, W2 and the products' thread scaling last. BENCH_BLAS_SIMULATE=Prescott
 * runs that path on a machine where OpenBLAS chooses well (its own choice is then forced to Prescott).
 *
 * In Node 20 the suite turns on relaxed SIMD (the FMA product kernel; on by default from Node 21)
 * with v8.setFlagsFromString, as `node --experimental-wasm-relaxed-simd` would; set
 * BENCH_NO_RELAXED_SIMD=1 to measure the SIMD128 kernel instead.
 *
 * Options:
 *   --quick             a tiny budget (256 training and 128 test digits, one epoch, PyTorch on one
 *                       thread; w3, kpca and webgpu only when named): checks that the suite runs, measures
 *                       nothing
 *   --backend NAME      tfjs backend of the CPU workloads: wasm (default, what useBackend('auto')
 *                       picks in Node without a GPU) or cpu
 *   --epochs N          epochs of the package and PyTorch runs (default: W1 10, W2 20, the quality references)
 *   --plain-epochs N    epochs of the plain tfjs-layers runs (default 3; they are slow)
 *   --seed N            seed of the package's and PyTorch's runs (default 0)
 *   --repeat N          run the package and PyTorch N times in W1 and W2, alternating, and keep
 *                       each one's fastest run (default 1; the shared machine's noise is ±15 %)
 *   --no-torch          skip PyTorch
 *   --webgpu-software   let the webgpu workload run on a software adapter (Dawn on OpenGL ES with
 *                       Mesa's llvmpipe, EGL_PLATFORM=surfaceless): checks the WebGPU path on a
 *                       machine without a GPU; its numbers say nothing about GPUs
 *   --write [PATH]      write the report to docs/benchmarks.md (or PATH)
 *   --json PATH         also write the raw results as JSON
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { disposeBackend, useBackend } from '../src/backend/index.js';
import { startThreads } from '../src/backend/threads.js';
import type { BackendInfo } from '../src/backend/index.js';
import { WasmKernelSwitch, subset } from './lib/context.js';
import type { BenchContext } from './lib/context.js';
import { blasLine, honestBlas } from './lib/blas.js';
import { describeMachine, load1, torchVersion } from './lib/env.js';
import { renderMarkdown } from './lib/markdown.js';
import { markedSectionsOf, putSection } from './lib/sections.js';
import type { BenchRun } from './lib/markdown.js';
import { printReport, textTable } from './lib/report.js';
import type { WorkloadReport } from './lib/report.js';
import { threadsTable } from './lib/threads-table.js';
import { TorchRunner } from './lib/torch.js';
import { loadMnistSplit } from './mnist-data.js';
import { profileTable, profileW1 } from './workloads/profile.js';
import { runW1 } from './workloads/w1.js';
import { runW2 } from './workloads/w2.js';
import { runW3 } from './workloads/w3.js';
import { runW4 } from './workloads/w4.js';
import { runConv } from './workloads/conv.js';
import { runKernelPca } from './workloads/kpca.js';
import { runMatmul, sgemm1024 } from './workloads/matmul.js';
import { ratioChartPath, writeRatioChart } from './ratio-chart.js';
import { hasRelaxedSimd } from '../src/kernels/wasm/gemm.js';

const WORKLOADS = ['w1', 'w2', 'w3', 'w4', 'profile', 'matmul', 'conv', 'kpca', 'webgpu'] as const;
type Workload = (typeof WORKLOADS)[number];

interface Args {
  readonly workloads: readonly Workload[];
  readonly named: boolean;
  readonly quick: boolean;
  readonly backend: 'wasm' | 'cpu';
  readonly epochs: number | undefined;
  readonly plainEpochs: number | undefined;
  readonly seed: number;
  readonly repeats: number | undefined;
  readonly torch: boolean;
  readonly webgpuSoftware: boolean;
  readonly write: string | undefined;
  readonly json: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const workloads: Workload[] = [];
  let quick = false;
  let backend: 'wasm' | 'cpu' = 'wasm';
  let epochs: number | undefined;
  let plainEpochs: number | undefined;
  let seed = 0;
  let repeats: number | undefined;
  let torch = true;
  let webgpuSoftware = false;
  let write: string | undefined;
  let json: string | undefined;
  const number = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`bench: ${name} needs a non-negative integer, got ${String(value)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string | undefined => argv[++i];
    if (a === '--quick') quick = true;
    else if (a === '--backend') {
      const b = next();
      if (b !== 'wasm' && b !== 'cpu') throw new Error(`bench: --backend must be wasm or cpu, got ${String(b)}`);
      backend = b;
    } else if (a === '--epochs') epochs = Math.max(1, number(a, next()));
    else if (a === '--plain-epochs') plainEpochs = Math.max(1, number(a, next()));
    else if (a === '--seed') seed = number(a, next());
    else if (a === '--repeat') repeats = Math.max(1, number(a, next()));
    else if (a === '--no-torch') torch = false;
    else if (a === '--webgpu-software') webgpuSoftware = true;
    else if (a === '--write') write = argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-') && !isWorkload(argv[i + 1]!) ? next() : 'docs/benchmarks.md';
    else if (a === '--json') json = next();
    else if (isWorkload(a)) workloads.push(a === 'pca' ? 'w3' : (a as Workload));
    else throw new Error(`bench: unknown argument '${a}' (workloads: ${WORKLOADS.join(', ')}, pca; see bench/run.ts)`);
  }
  const named = workloads.length > 0;
  const chosen = named ? WORKLOADS.filter((w) => workloads.includes(w)) : WORKLOADS.filter((w) => !quick || (w !== 'w3' && w !== 'kpca' && w !== 'webgpu'));
  return { workloads: chosen, named, quick, backend, epochs, plainEpochs, seed, repeats, torch, webgpuSoftware, write, json };
}

function isWorkload(a: string): boolean {
  return a === 'pca' || (WORKLOADS as readonly string[]).includes(a);
}

function describeBackend(info: BackendInfo): string {
  if (info.name === 'wasm') {
    const threads = info.threads ?? 1;
    return `wasm (SIMD ${info.simd ? 'on' : 'off'}, ${info.relaxedSimd === true ? 'FMA (relaxed SIMD)' : 'no FMA'}, ${threads} thread${threads === 1 ? '' : 's'}${info.threadsNote === undefined ? '' : `: ${info.threadsNote}`})`;
  }
  if (info.name === 'webgpu' && info.adapter !== undefined) {
    const a = info.adapter;
    return `webgpu (${[a.vendor, a.architecture, a.description].filter((s) => s !== '').join(' ') || 'unnamed adapter'})`;
  }
  return info.name;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Relaxed SIMD (the FMA product kernel) is on by default from Node 21; Node 20 compiles it behind
  // this flag, which an application passes as `node --experimental-wasm-relaxed-simd`. Set before
  // the first kernel is compiled (they compile on first use).
  if (Number(process.versions.node.split('.')[0]) < 21 && process.env['BENCH_NO_RELAXED_SIMD'] === undefined) {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  }
  const started = performance.now();
  const loadStart = load1();
  const torchInfo = args.torch ? torchVersion() : { missing: 'disabled with --no-torch' };
  let kernels: WasmKernelSwitch | null = null;
  let info: BackendInfo;
  let threads = 1;
  if (args.backend === 'wasm') {
    info = await useBackend('wasm', { fastWasmKernels: false });
    kernels = new WasmKernelSwitch();
    kernels.fast();
    const started = await startThreads('auto');
    threads = started.threads;
    info = { ...info, threads, relaxedSimd: hasRelaxedSimd() !== null, ...(started.note === undefined ? {} : { threadsNote: started.note }) };
  } else {
    info = await useBackend(args.backend);
  }
  const backend = describeBackend(info);
  const machine = describeMachine('version' in torchInfo ? torchInfo.version : `absent (${torchInfo.missing})`);
  console.log(`autoencoders benchmark${args.quick ? ' (--quick: a smoke run, not a measurement)' : ''}`);
  console.log(`CPU ${machine.cpu}, ${machine.cores} logical cores; Node ${machine.node}; tfjs ${machine.tfjs}; PyTorch ${machine.torch}`);
  console.log(`backend ${backend}; load average ${loadStart.toFixed(2)}; workloads ${args.workloads.join(' ')}`);
  // Before any Python run: sets OPENBLAS_CORETYPE where OpenBLAS would use kernels older than the CPU.
  const blas = args.torch ? honestBlas(machine.cores) : { missing: 'disabled with --no-torch' };
  let sgemmText = 'not measured (not on wasm)';
  if (args.backend === 'wasm') {
    await startThreads(1);
    const one = sgemm1024(args.quick ? 1 : 5);
    await startThreads(threads);
    const all = threads > 1 ? sgemm1024(args.quick ? 1 : 5) : one;
    sgemmText = `${one.toFixed(1)} GFLOP/s on 1 thread, ${all.toFixed(1)} on ${threads} (${backend})`;
  }
  const blasText = `${blasLine(blas)}; the package's 1024² sgemm ${sgemmText}`;
  console.log(blasText);

  const split = loadMnistSplit();
  const data = args.quick ? { train: subset(split.train, 256), test: subset(split.test, 128) } : split;
  const torch = 'version' in torchInfo ? new TorchRunner(data.train.x, data.train.n, data.test.x, data.test.n) : null;
  const ctx: BenchContext = {
    quick: args.quick,
    seed: args.seed,
    epochs: { w1: args.epochs ?? (args.quick ? 1 : 10), w2: args.epochs ?? (args.quick ? 1 : 20) },
    plainEpochs: args.plainEpochs ?? (args.quick ? 1 : 3),
    data,
    torch,
    torchNote: 'missing' in torchInfo ? `/usr/bin/python3 cannot import torch (${torchInfo.missing})` : '',
    kernels,
    inferenceRepeats: args.quick ? 1 : 7,
    repeats: args.repeats ?? 1,
    threads,
    useThreads: args.backend === 'wasm' ? async (n: number) => (await startThreads(n)).threads : null,
  };

  const reports: WorkloadReport[] = [];
  let profile: BenchRun['profile'];
  const webgpu: { note: string; reports: WorkloadReport[] } = { note: 'not run', reports: [] };
  try {
    for (const w of args.workloads) {
      let report: WorkloadReport | undefined;
      if (w === 'w1') report = await runW1(ctx, backend);
      else if (w === 'w2') report = await runW2(ctx, backend);
      else if (w === 'w3') report = runW3(ctx);
      else if (w === 'w4') report = await runW4(ctx, backend);
      else if (w === 'matmul') report = await runMatmul(ctx, backend);
      else if (w === 'conv') report = await runConv(ctx, backend);
      else if (w === 'kpca') report = runKernelPca(ctx);
      else if (w === 'profile') {
        profile = { backend, profiles: await profileW1(ctx, args.quick ? 1 : 8) };
        console.log(`\nW1 step profile — backend ${backend} (tf.profile, per step)`);
        console.log(textTable(profileTable(profile.profiles)));
      } else if (w === 'webgpu') {
        Object.assign(webgpu, await runWebGpu({ ...ctx, kernels: null, useThreads: null, torch: null, torchNote: 'PyTorch runs on the CPU (see the CPU tables)' }, args.webgpuSoftware));
      }
      if (report !== undefined) {
        reports.push(report);
        printReport(report);
      }
    }
  } finally {
    torch?.close();
    await disposeBackend();
  }

  const run: BenchRun = {
    machine,
    blas: blasText,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    quick: args.quick,
    loadStart,
    loadEnd: load1(),
    seconds: (performance.now() - started) / 1000,
    reports,
    profile,
    webgpu,
  };
  console.log(`\nCPU training, every core and FMA — wall-clock s / epoch (CPU s / epoch)`);
  console.log(textTable(threadsTable(reports)));
  console.log(run.blas);
  console.log(`\nload average ${run.loadStart.toFixed(2)} at the start, ${run.loadEnd.toFixed(2)} at the end; ${run.seconds.toFixed(0)} s in all`);
  if (args.write !== undefined) {
    mkdirSync(dirname(args.write), { recursive: true });
    // Sections written by standalone benchmarks (bench/likelihood.ts) are carried over.
    let text = renderMarkdown(run);
    for (const [name, block] of markedSectionsOf(args.write)) text = putSection(text, name, block);
    writeFileSync(args.write, text);
    console.log(`wrote ${args.write}`);
    const chartPath = ratioChartPath(args.write);
    if (writeRatioChart([...run.reports, ...run.webgpu.reports], chartPath)) console.log(`wrote ${chartPath}`);
  }
  if (args.json !== undefined) {
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, JSON.stringify(run, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v), 2));
    console.log(`wrote ${args.json}`);
  }
}

/** W1 and W2 on WebGPU when a hardware adapter is present; otherwise a note saying why not. */
async function runWebGpu(ctx: BenchContext, software: boolean): Promise<{ note: string; reports: WorkloadReport[] }> {
  let info: BackendInfo;
  try {
    if (software) process.env['EGL_PLATFORM'] ??= 'surfaceless';
    info = await useBackend(
      'webgpu',
      software ? { allowSoftwareAdapter: true, nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } } : { allowSoftwareAdapter: false },
    );
  } catch (error) {
    const note = `WebGPU skipped: ${(error as Error).message.replace(/^useBackend: /, '')}`;
    console.log(`\n${note}`);
    return { note, reports: [] };
  }
  const backend = `${describeBackend(info)}${info.adapter?.isFallbackAdapter === true ? ' — a software adapter, not a GPU' : ''}`;
  const reports: WorkloadReport[] = [];
  try {
    for (const run of [runW1, runW2]) {
      const report = await run(ctx, backend);
      reports.push(report);
      printReport(report);
    }
  } finally {
    await tf.setBackend('wasm').catch(() => false);
  }
  return { note: `ran on ${backend}`, reports };
}

await main();
