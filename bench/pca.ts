/**
 * PCA benchmark: fit k = 50 components on the 8,000 × 784 MNIST train split with each of our
 * solvers, side by side in the same run with scikit-learn (full and randomized PCA,
 * IncrementalPCA; when /usr/bin/python3 has it) and ml-pca (SVD and covarianceMatrix methods).
 * Also times the one large product (the 784 × 784 covariance) four ways, to show why PCA uses its
 * own float64 WebAssembly kernel rather than the tfjs backends.
 *
 *   npx tsx bench/pca.ts [--reps=3] [--threads=auto] [--dense] [--skip-ml-pca] [--ml-pca-rows=2000] [--skip-backends] [--json=bench/out/pca.json]
 *
 * ml-pca takes about a minute per method on the whole split: `--ml-pca-rows=N` runs it (and,
 * for its ratio, our full solver again) on the first N rows of every digit instead; the table says
 * which. Timings are wall-clock medians over `--reps` rounds, each round fitting ours and then
 * scikit-learn (2 BLAS threads, then 1), so that both meet the same machine load; ml-pca and the
 * product comparison run once. Ours runs on `--threads` (default `'auto'`: every core) through the
 * wasm backend's worker pool (`useBackend('wasm', { threads })`), and on one thread, each against
 * scikit-learn on as many BLAS threads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { PCA as MlPCA } from 'ml-pca';
import { createRng } from '../src/core/index.js';
import { PCA } from '../src/pca/index.js';
import { disposeBackend, useBackend, type ThreadCount } from '../src/backend/index.js';
import { centeredGram, columnStats } from '../src/pca/linalg/gram.js';
import { setKernelForTesting } from '../src/pca/linalg/workspace.js';
import { loadMnistSplit, MNIST_PIXELS } from './mnist-data.js';
import { blasLine, honestBlas } from './lib/blas.js';
import { cpuModel } from './lib/env.js';
import { runSklearnScript } from './lib/sklearn.js';
import { maxRel, median } from './lib/stats.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [key, value] = a.replace(/^--/, '').split('=');
    return [key!, value ?? 'true'] as const;
  }),
);
const reps = Number(args.get('reps') ?? 3);
const skipMlPca = args.has('skip-ml-pca');
const mlPcaRows = args.has('ml-pca-rows') ? Number(args.get('ml-pca-rows')) : null;
const skipBackends = args.has('skip-backends');
const jsonPath = args.get('json') ?? (args.has('dense') ? 'bench/out/pca-dense.json' : 'bench/out/pca.json');
const K = 50;
const threadsArg = args.get('threads') ?? 'auto';
const threadsWanted: ThreadCount = threadsArg === 'auto' ? 'auto' : Number(threadsArg);

// Before scikit-learn runs: the BLAS it uses, with OPENBLAS_CORETYPE set where OpenBLAS would fall back.
const blas = honestBlas(cpus().length);
console.log(blasLine(blas));

function time<T>(f: () => T): { seconds: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { seconds: (performance.now() - t0) / 1000, value };
}

function timeReps<T>(f: () => T, n = reps): { seconds: number; all: number[]; value: T } {
  const all: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < n; i++) {
    const r = time(f);
    all.push(r.seconds);
    value = r.value;
  }
  return { seconds: median(all), all, value: value as T };
}

interface SklearnRun {
  sklearn: string;
  numpy: string;
  threads: string;
  results: Record<string, { times: number[]; explainedVariance: number[] }>;
}

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np, sklearn
from sklearn.decomposition import PCA, IncrementalPCA
path, n, d, k, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(path, dtype=np.float64).reshape(n, d)
makers = {
    'full': lambda: PCA(n_components=k, svd_solver='full'),
    'randomized': lambda: PCA(n_components=k, svd_solver='randomized', random_state=0),
    'incremental': lambda: IncrementalPCA(n_components=k),
}
out = {}
for name, make in makers.items():
    times = []
    for _ in range(reps):
        m = make()
        t0 = time.perf_counter()
        m.fit(X)
        times.append(time.perf_counter() - t0)
    out[name] = {'times': times, 'explainedVariance': m.explained_variance_.tolist()}
import os
print(json.dumps({'sklearn': sklearn.__version__, 'numpy': np.__version__,
                  'threads': os.environ.get('OPENBLAS_NUM_THREADS', 'default'), 'results': out}))
`;

function runSklearn(x: Float64Array, n: number, d: number, threads: string | null): SklearnRun | null {
  const env = threads === null ? {} : { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads };
  return runSklearnScript<SklearnRun>('pca-bench-', SKLEARN_SCRIPT, x, [String(n), String(d), String(K), '1'], env);
}

const { train } = loadMnistSplit();
const n = train.n;
const d = MNIST_PIXELS;
// --dense: add N(0, 0.01²) noise to every pixel, so that no column is constant or sparse (the
// worst case for our Gram matrix, which sets those apart; no effect on scikit-learn's cost).
const dense = args.has('dense');
const pixels = dense ? noisy(train.x, 0.01) : train.x;
const input = { data: pixels, shape: [n, d] as [number, number] };
const x64 = Float64Array.from(pixels);

function noisy(x: Float32Array, sigma: number): Float32Array {
  const rng = createRng(1);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += 2) {
    const r = sigma * Math.sqrt(-2 * Math.log(1 - rng()));
    const a = 2 * Math.PI * rng();
    out[i] = x[i]! + r * Math.cos(a);
    if (i + 1 < x.length) out[i + 1] = x[i + 1]! + r * Math.sin(a);
  }
  return out;
}

console.log(`PCA benchmark: k = ${K} on MNIST train ${n} × ${d}${dense ? ' + N(0, 0.01²) noise (dense)' : ''}, median of ${reps}`);
console.log(`CPU: ${cpuModel()} (${cpus().length} logical cores), Node ${process.version}`);

// Rounds alternate ours and scikit-learn, so that both see the same machine load; each time is
// the median over the rounds. The first fit warms up the JIT and compiles the kernels.
new PCA({ nComponents: K, solver: 'full' }).fit(input);
const threadsInfo = await useBackend('wasm', { threads: threadsWanted });
const oursThreads = threadsInfo.threads ?? 1;
console.log(`ours: ${oursThreads} thread(s) (the wasm backend's worker pool${threadsInfo.threadsNote ? `; ${threadsInfo.threadsNote}` : ''}), and 1 thread`);
const SOLVERS = ['full', 'randomized', 'incremental'] as const;
const oursTimes: Record<string, number[]> = { full: [], randomized: [], incremental: [] };
const ours1Times: Record<string, number[]> = { full: [], randomized: [], incremental: [] };
const oursModels: Record<string, PCA> = {};
const skTimes: Record<string, number[]> = { full: [], randomized: [], incremental: [] };
const sk1Times: Record<string, number[]> = { full: [], randomized: [], incremental: [] };
let sk: SklearnRun | null = null;
let skAvailable = true;
for (let round = 0; round < reps; round++) {
  for (const solver of SOLVERS) {
    const r = time(() => new PCA({ nComponents: K, solver, seed: 0 }).fit(input));
    oursTimes[solver]!.push(r.seconds);
    oursModels[solver] = r.value;
  }
  if (oursThreads > 1) {
    await useBackend('wasm', { threads: 1 });
    for (const solver of SOLVERS) ours1Times[solver]!.push(time(() => new PCA({ nComponents: K, solver, seed: 0 }).fit(input)).seconds);
    await useBackend('wasm', { threads: oursThreads });
  } else {
    for (const solver of SOLVERS) ours1Times[solver]!.push(oursTimes[solver]!.at(-1)!);
  }
  if (skAvailable) {
    const two = runSklearn(x64, n, d, null);
    const one = two === null ? null : runSklearn(x64, n, d, '1');
    if (two === null || one === null) {
      skAvailable = false;
    } else {
      sk = two;
      for (const s of SOLVERS) {
        skTimes[s]!.push(...two.results[s]!.times);
        sk1Times[s]!.push(...one.results[s]!.times);
      }
    }
  }
  console.log(`round ${round + 1}/${reps}: ours ${SOLVERS.map((s) => oursTimes[s]!.at(-1)!.toFixed(3)).join(' / ')} s (${oursThreads} threads), ${SOLVERS.map((s) => ours1Times[s]!.at(-1)!.toFixed(3)).join(' / ')} s (1 thread)` +
    (skAvailable ? `; scikit-learn ${SOLVERS.map((s) => skTimes[s]!.at(-1)!.toFixed(3)).join(' / ')} s (2 threads), ${SOLVERS.map((s) => sk1Times[s]!.at(-1)!.toFixed(3)).join(' / ')} s (1 thread)` : ''));
}
const ours: Record<string, { seconds: number; all: number[]; model: PCA }> = {};
for (const s of SOLVERS) ours[s] = { seconds: median(oursTimes[s]!), all: oursTimes[s]!, model: oursModels[s]! };
setKernelForTesting('js');
const oursJs = timeReps(() => new PCA({ nComponents: K, solver: 'full' }).fit(input), 1);
setKernelForTesting(null);
console.log(`ours full with the JavaScript kernels (WebAssembly switched off): ${oursJs.seconds.toFixed(3)} s`);
const skMedian = (s: string): number => median(skTimes[s]!);
const sk1Median = (s: string): number => median(sk1Times[s]!);

// ml-pca, on all rows or a subset (then our full solver is timed on the same subset).
let mlRows = n;
let mlInput = x64;
if (mlPcaRows !== null && mlPcaRows < n) {
  mlRows = mlPcaRows;
  mlInput = x64.subarray(0, mlRows * d);
}
const ml: Record<string, number> = {};
let oursOnMlRows = ours['full']!.seconds;
if (!skipMlPca) {
  const rows = Array.from({ length: mlRows }, (_, i) => Array.from(mlInput.subarray(i * d, (i + 1) * d)));
  for (const method of ['SVD', 'covarianceMatrix'] as const) {
    const r = time(() => new MlPCA(rows, { method }));
    ml[method] = r.seconds;
    console.log(`ml-pca ${method.padEnd(16)} ${r.seconds.toFixed(2)} s on ${mlRows} rows`);
  }
  if (mlRows !== n) {
    oursOnMlRows = timeReps(() => new PCA({ nComponents: K, solver: 'full' }).fit({ data: mlInput, shape: [mlRows, d] })).seconds;
  }
}

// The covariance product alone, four ways.
const products: Record<string, number> = {};
{
  const stats = columnStats(x64, n, d);
  centeredGram(x64, n, d, stats, false);
  products['ours float64, WebAssembly SIMD'] = timeReps(() => centeredGram(x64, n, d, stats, false)).seconds;
  products['ours float64, WebAssembly SIMD, sparse columns apart'] = timeReps(() => centeredGram(x64, n, d, stats)).seconds;
  setKernelForTesting('js');
  products['ours float64, plain JS'] = timeReps(() => centeredGram(x64, n, d, stats, false), 1).seconds;
  setKernelForTesting(null);
  if (!skipBackends) {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      await tf.ready();
      const xc = tf.tidy(() => {
        const t = tf.tensor2d(train.x, [n, d]);
        return tf.sub(t, tf.mean(t, 0));
      });
      const r = time(() => {
        const c = tf.matMul(xc, xc, true, false);
        c.dataSync();
        c.dispose();
      });
      xc.dispose();
      products[`tfjs ${backend} backend, float32`] = r.seconds;
    }
  }
  for (const [label, s] of Object.entries(products)) console.log(`covariance XcᵀXc ${label.padEnd(52)} ${s.toFixed(3)} s`);
}

// The comparison table.
const rowsOut: { label: string; seconds: number; note?: string }[] = [];
for (const s of SOLVERS) rowsOut.push({ label: `ours ${s}`, seconds: ours[s]!.seconds, note: `${oursThreads} thread(s)` });
for (const s of SOLVERS) rowsOut.push({ label: `ours ${s}, 1 thread`, seconds: median(ours1Times[s]!) });
if (sk !== null) {
  for (const s of SOLVERS) rowsOut.push({ label: `scikit-learn ${s}`, seconds: skMedian(s) });
  for (const s of SOLVERS) rowsOut.push({ label: `scikit-learn ${s}, 1 BLAS thread`, seconds: sk1Median(s) });
}
for (const [m, s] of Object.entries(ml)) rowsOut.push({ label: `ml-pca ${m}`, seconds: s, note: mlRows === n ? '' : `on ${mlRows} rows` });

console.log('\nfit seconds (k = 50, medians)');
for (const r of rowsOut) console.log(`  ${r.label.padEnd(40)} ${r.seconds.toFixed(3).padStart(8)} ${r.note ?? ''}`);

const ratios: Record<string, number> = {};
if (sk !== null) {
  for (const s of SOLVERS) ratios[`ours ${s} / scikit-learn ${s}`] = ours[s]!.seconds / skMedian(s);
  for (const s of SOLVERS) ratios[`ours ${s} / scikit-learn ${s} (1 thread each)`] = median(ours1Times[s]!) / sk1Median(s);
}
for (const [m, s] of Object.entries(ml)) {
  ratios[`ml-pca ${m} / ours full${mlRows === n ? '' : ` (both on ${mlRows} rows)`}`] = s / oursOnMlRows;
  if (mlRows === n) ratios[`ml-pca ${m} / ours randomized`] = s / ours['randomized']!.seconds;
}
console.log('\nratios (time / time)');
for (const [label, v] of Object.entries(ratios)) console.log(`  ${label.padEnd(60)} ${v.toFixed(2)}`);

// Accuracy of each solver against scikit-learn's full solver.
const accuracy: Record<string, number> = {};
if (sk !== null) {
  const ref = sk.results['full']!.explainedVariance;
  for (const s of ['full', 'randomized', 'incremental'] as const) {
    accuracy[`ours ${s}`] = maxRel(ours[s]!.model.explainedVariance, ref);
  }
  accuracy['scikit-learn randomized'] = maxRel(sk.results['randomized']!.explainedVariance, ref);
  accuracy['scikit-learn incremental'] = maxRel(sk.results['incremental']!.explainedVariance, ref);
  console.log('\nmax relative difference of the 50 explained variances from scikit-learn full');
  for (const [label, v] of Object.entries(accuracy)) console.log(`  ${label.padEnd(28)} ${v.toExponential(1)}`);
}

mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(
  jsonPath,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      cpu: cpuModel(),
      cores: cpus().length,
      node: process.version,
      tfjs: tf.version_core,
      sklearn: sk === null ? null : { version: sk.sklearn, numpy: sk.numpy },
      blas: blasLine(blas),
      data: { n, d, k: K, dense },
      reps,
      oursThreads,
      ours: Object.fromEntries(Object.entries(ours).map(([s, r]) => [s, r.all])),
      ours1thread: ours1Times,
      oursFullJsKernel: oursJs.seconds,
      sklearn2threads: sk === null ? null : skTimes,
      sklearn1thread: sk === null ? null : sk1Times,
      mlPca: { rows: mlRows, seconds: ml, oursFullOnSameRows: oursOnMlRows },
      products,
      ratios,
      accuracy,
    },
    null,
    2,
  ),
);
console.log(`\nwrote ${jsonPath}`);
await disposeBackend();
