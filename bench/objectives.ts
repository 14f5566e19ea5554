/**
 * The cost of the VAE objectives and priors beyond the ELBO (a benchmark, not a unit test: a few
 * minutes on a shared two-core machine; run it alone, e.g. `nice -n 10`).
 *
 * One model per row, all the W2 shape `784-512-(20, 20) / 20-512-784` (Bernoulli, Adam 1e-3,
 * batch 128) on the first `--digits` training digits (bench/mnist-data.ts, shuffled):
 * - the VAE with `{ kind: 'elbo' }` (the reference), `{ kind: 'beta-tc' }`, `{ kind: 'mmd', lambda: 10,
 *   kernel: 'rbf' }`, and the VampPrior `prior: { kind: 'vamp', pseudoInputs: K }`;
 * - the CVAE (10 digit classes) with the standard prior and with the conditional VampPrior (which
 *   encodes all 10·K (class, pseudo-input) pairs every step).
 * Each model trains one epoch (untimed, to warm the kernels), then `--repeat` timed epochs; the
 * models take turns, so that the machine's load falls on all of them alike, and each keeps its
 * fastest epoch. The table gives seconds per epoch and the ratio to the VAE's (or the CVAE's) ELBO.
 *
 * Run: `npx tsx bench/objectives.ts [--digits N] [--repeat R] [--pseudo K] [--backend wasm|cpu]
 * [--write [PATH]]` (defaults 2048, 3, 50, wasm; --write puts the section into docs/benchmarks.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/backend/index.js';
import { type CVAE, type VAE, denseCvae, denseVae } from '../src/models/index.js';
import type { DenseVaeOptions } from '../src/models/index.js';
import { train } from '../src/train/index.js';
import { cpuModel, load1 } from './lib/env.js';
import { markdownTable } from './lib/report.js';
import { writeSection } from './lib/sections.js';
import { MNIST_PIXELS, loadMnistSplit } from './mnist-data.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const digits = Number(flag('digits', '2048'));
const repeats = Number(flag('repeat', '3'));
const pseudo = Number(flag('pseudo', '50'));
const backendName = flag('backend', 'wasm') as 'wasm' | 'cpu';
const writeAt = process.argv.indexOf('--write');
const writePath = writeAt < 0 ? undefined : process.argv[writeAt + 1] !== undefined && !process.argv[writeAt + 1]!.startsWith('--') ? process.argv[writeAt + 1]! : 'docs/benchmarks.md';

interface Row {
  readonly label: string;
  /** The row this one is compared with. */
  readonly reference: string;
  readonly model: VAE | CVAE;
  readonly conditional: boolean;
  best: number;
  worst: number;
}

const W2: DenseVaeOptions = { inputDim: MNIST_PIXELS, hidden: [512], latentDim: 20, seed: 0, init: 'torch' };

async function epochSeconds(row: Row, x: tf.Tensor2D, y: tf.Tensor1D, seed: number): Promise<number> {
  const history = await train(row.model as never, row.conditional ? { x, y } : x, { epochs: 1, batchSize: 128, learningRate: 1e-3, seed, shuffle: true });
  const epoch = history.epochs[0]!;
  if (!Number.isFinite(epoch.loss)) throw new Error(`${row.label}: the loss is ${epoch.loss}`);
  return epoch.seconds;
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = load1();
  const info = await useBackend(backendName);
  const { train: part } = loadMnistSplit();
  // A fixed shuffle (the split is grouped by digit), then the first `digits`.
  const order = Array.from({ length: part.n }, (_, i) => i);
  let s = 12345;
  for (let i = order.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const rows = order.slice(0, digits);
  const xs = new Float32Array(rows.length * MNIST_PIXELS);
  rows.forEach((r, i) => xs.set(part.x.subarray(r * MNIST_PIXELS, (r + 1) * MNIST_PIXELS), i * MNIST_PIXELS));
  const x = tf.tensor2d(xs, [rows.length, MNIST_PIXELS]);
  const y = tf.tensor1d(rows.map((r) => part.labels[r]!), 'int32');
  const vamp = { kind: 'vamp', pseudoInputs: pseudo } as const;
  const models: Row[] = [
    { label: "VAE, { kind: 'elbo' }", reference: '', model: denseVae(W2), conditional: false, best: Infinity, worst: 0 },
    { label: "VAE, { kind: 'beta-tc' }", reference: "VAE, { kind: 'elbo' }", model: denseVae({ ...W2, objective: { kind: 'beta-tc' } }), conditional: false, best: Infinity, worst: 0 },
    { label: "VAE, { kind: 'mmd', kernel: 'rbf' }", reference: "VAE, { kind: 'elbo' }", model: denseVae({ ...W2, objective: { kind: 'mmd', lambda: 10, kernel: 'rbf' } }), conditional: false, best: Infinity, worst: 0 },
    { label: `VAE, VampPrior K = ${pseudo}`, reference: "VAE, { kind: 'elbo' }", model: denseVae({ ...W2, prior: vamp }), conditional: false, best: Infinity, worst: 0 },
    { label: "CVAE (10 classes), { kind: 'elbo' }", reference: '', model: denseCvae({ ...W2, numClasses: 10 }), conditional: true, best: Infinity, worst: 0 },
    { label: `CVAE (10 classes), conditional VampPrior K = ${pseudo}`, reference: "CVAE (10 classes), { kind: 'elbo' }", model: denseCvae({ ...W2, numClasses: 10, prior: vamp }), conditional: true, best: Infinity, worst: 0 },
  ];
  console.log(`backend ${info.name}; ${rows.length} digits, batch 128; ${repeats} timed epochs per model, taking turns`);
  try {
    for (const row of models) await epochSeconds(row, x, y, 99);
    for (let r = 0; r < repeats; r++) {
      for (const row of models) {
        const sec = await epochSeconds(row, x, y, r);
        row.best = Math.min(row.best, sec);
        row.worst = Math.max(row.worst, sec);
        console.log(`  round ${r + 1}: ${row.label}: ${sec.toFixed(2)} s`);
      }
    }
  } finally {
    for (const row of models) row.model.dispose();
    tf.dispose([x, y]);
  }
  const byLabel = new Map(models.map((m) => [m.label, m]));
  const table = markdownTable({
    header: ['model, objective / prior', 's / epoch (fastest)', 'slowest timed epoch', 'against its ELBO (fastest / fastest)'],
    rows: models.map((m) => [m.label, m.best.toFixed(2), m.worst.toFixed(2), m.reference === '' ? '1 (reference)' : `${(m.best / byLabel.get(m.reference)!.best).toFixed(2)}×`]),
  });
  const seconds = (performance.now() - started) / 1000;
  const body = [
    '## The cost of the VAE objectives and priors',
    '',
    `<!-- Generated by \`npx tsx bench/objectives.ts${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`; rerun it to update (bench/run.ts keeps this section). -->`,
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${cpuModel()}, ${info.name} backend; load average ${loadStart.toFixed(2)} at the start and ${load1().toFixed(2)} at the end (${seconds.toFixed(0)} s), the run nice'd. W2 784-512-(20, 20) / 20-512-784, Bernoulli, Adam 1e-3, batch 128, one epoch of ${rows.length} digits; each model's fastest of ${repeats} epochs, the models taking turns.`,
    '',
    table,
    '',
    '- On a shared machine the slowest epoch shows the noise: ratios are good to the spread between the two columns, not to two digits.',
    "- β-TC-VAE: `tcDecomposition` builds `[M, M, 20]` log-densities per batch of M = 128; MMD: three `[M, M]` Gram matrices.",
    `- VampPrior: the encoder also runs on the K = ${pseudo} pseudo-inputs every step; the conditional one of the CVAE on all 10 · ${pseudo} (class, pseudo-input) pairs.`,
  ].join('\n');
  console.log(`\n${table}`);
  if (writePath !== undefined) writeSection(writePath, 'objectives', body);
}

await main();
