/**
 * Kernel PCA benchmark: fit an rbf Kernel PCA with k = 50 components on the first 2,000 MNIST
 * training digits (2,000 × 784, γ = 1/784, no pre-image map), ours against scikit-learn's
 * `KernelPCA` on the same data in the same run (when /usr/bin/python3 has it).
 *
 *   npx tsx bench/kernel-pca.ts [--reps=3] [--n=2000] [--dense] [--json=bench/out/kernel-pca.json]
 *
 * Ours runs the `'randomized'` solver (the `'dense'` one too with `--dense`: its tridiagonalisation
 * of the 2,000 × 2,000 kernel is plain JavaScript, O(n³)); scikit-learn runs `eigen_solver=
 * 'randomized'` and `'dense'` (LAPACK's eigh on the top 50), with its default BLAS threads. Times
 * are wall-clock and CPU-time (of all the process' threads) medians over `--reps` rounds, each round fitting ours and then scikit-learn, so
 * that both meet the same machine load. Accuracy: the largest relative difference of the 50
 * eigenvalues from scikit-learn's dense ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { KernelPCA } from '../src/pca/index.js';
import { loadMnistSplit, MNIST_PIXELS } from './mnist-data.js';
import { runSklearnScript } from './lib/sklearn.js';
import { maxRel, median } from './lib/stats.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [key, value] = a.replace(/^--/, '').split('=');
    return [key!, value ?? 'true'] as const;
  }),
);
const reps = Number(args.get('reps') ?? 3);
const n = Number(args.get('n') ?? 2000);
const withDense = args.has('dense');
const jsonPath = args.get('json') ?? 'bench/out/kernel-pca.json';
const K = 50;
const d = MNIST_PIXELS;

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np, sklearn
from sklearn.decomposition import KernelPCA
path, n, d, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(path, dtype=np.float64).reshape(n, d)
out = {}
for solver in ['randomized', 'dense']:
    m = KernelPCA(n_components=k, kernel='rbf', eigen_solver=solver, random_state=0)
    t0, c0 = time.perf_counter(), time.process_time()
    m.fit(X)
    out[solver] = {'seconds': time.perf_counter() - t0, 'cpu': time.process_time() - c0, 'eigenvalues': m.eigenvalues_.tolist()}
print(json.dumps({'sklearn': sklearn.__version__, 'results': out}))
`;

interface SklearnRun {
  sklearn: string;
  results: Record<string, { seconds: number; cpu: number; eigenvalues: number[] }>;
}

function runSklearn(x: Float64Array): SklearnRun | null {
  return runSklearnScript<SklearnRun>('kpca-bench-', SKLEARN_SCRIPT, x, [String(n), String(d), String(K)]);
}

const { train } = loadMnistSplit();
if (n > train.n) throw new Error(`bench/kernel-pca.ts: --n=${n} is more than the ${train.n} training digits`);
const x64 = Float64Array.from(train.x.subarray(0, n * d));
const input = { data: x64, shape: [n, d] as [number, number] };
console.log(`Kernel PCA benchmark: rbf, k = ${K} on the first ${n} MNIST training digits (${n} × ${d}), median of ${reps}`);
console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores), Node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`);

const solvers = withDense ? (['randomized', 'dense'] as const) : (['randomized'] as const);
const ours: Record<string, number[]> = {};
const oursCpu: Record<string, number[]> = {};
const skCpu: Record<string, number[]> = {};
const oursValues: Record<string, Float64Array> = {};
const sk: Record<string, number[]> = {};
let skRun: SklearnRun | null = null;
let skAvailable = true;
// Warm-up: compiles the WebAssembly kernel and the JIT on a small fit.
new KernelPCA({ nComponents: 10, kernel: 'rbf', solver: 'randomized' }).fit({ data: x64.subarray(0, 200 * d), shape: [200, d] });
for (let round = 0; round < reps; round++) {
  for (const solver of solvers) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const m = new KernelPCA({ nComponents: K, kernel: 'rbf', solver, seed: 0 }).fit(input);
    const c = process.cpuUsage(c0);
    (ours[solver] ??= []).push((performance.now() - t0) / 1000);
    (oursCpu[solver] ??= []).push((c.user + c.system) / 1e6);
    oursValues[solver] = m.eigenvalues;
  }
  if (skAvailable) {
    const r = runSklearn(x64);
    if (r === null) skAvailable = false;
    else {
      skRun = r;
      for (const [s, v] of Object.entries(r.results)) {
        (sk[s] ??= []).push(v.seconds);
        (skCpu[s] ??= []).push(v.cpu);
      }
    }
  }
  console.log(
    `round ${round + 1}/${reps}: ours ${solvers.map((s) => `${s} ${ours[s]!.at(-1)!.toFixed(2)} s`).join(', ')}` +
      (skAvailable ? `; scikit-learn ${Object.keys(sk).map((s) => `${s} ${sk[s]!.at(-1)!.toFixed(2)} s`).join(', ')}` : ''),
  );
}

const ratios: Record<string, number> = {};
const cpuRatios: Record<string, number> = {};
const accuracy: Record<string, number> = {};
if (skRun !== null) {
  const ref = skRun.results['dense']!.eigenvalues;
  for (const s of solvers) {
    accuracy[`ours ${s}`] = maxRel(oursValues[s]!, ref);
    ratios[`ours ${s} / scikit-learn ${s}`] = median(ours[s]!) / median(sk[s]!);
    cpuRatios[`ours ${s} / scikit-learn ${s}`] = median(oursCpu[s]!) / median(skCpu[s]!);
  }
  accuracy['scikit-learn randomized'] = maxRel(skRun.results['randomized']!.eigenvalues, ref);
}
console.log('\n  implementation            fit s (median, wall)  CPU s (median)');
for (const s of solvers) console.log(`  package ${s.padEnd(17)} ${median(ours[s]!).toFixed(3).padEnd(21)} ${median(oursCpu[s]!).toFixed(3)}`);
for (const s of Object.keys(sk)) console.log(`  scikit-learn ${s.padEnd(12)} ${median(sk[s]!).toFixed(3).padEnd(21)} ${median(skCpu[s]!).toFixed(3)}`);
for (const [label, v] of Object.entries(ratios)) console.log(`  ${label}: ${v.toFixed(2)}× wall clock, ${cpuRatios[label]!.toFixed(2)}× CPU time`);
for (const [label, v] of Object.entries(accuracy)) console.log(`  ${label}: eigenvalues within ${v.toExponential(1)} (relative) of scikit-learn dense`);

mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(
  jsonPath,
  JSON.stringify(
    { data: { n, d, k: K }, load: loadavg()[0], ours, oursCpu, sklearn: skRun === null ? null : { version: skRun.sklearn, times: sk, cpu: skCpu }, ratios, cpuRatios, accuracy },
    null,
    2,
  ),
);
console.log(`\nwrote ${jsonPath}`);
