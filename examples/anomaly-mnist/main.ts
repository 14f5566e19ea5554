// Anomaly detection on MNIST: train on every digit but one, score the held-out digit.
//
//   npm run example -- anomaly-mnist            all ten digits held out in turn (a few minutes)
//   npm run example -- anomaly-mnist --digit 7  only digit 7
//   npm run example -- anomaly-mnist --quick    a tiny budget (CI): digit 0, 1,500 digits, 1 epoch
//   … --out DIR                                 the pictures into DIR instead of out/
//
// For each held-out digit d, a dense autoencoder and a PCA with as many components as the
// autoencoder's code are fitted on the training digits other than d (the "background"); every
// test digit is scored by its reconstruction error, and the ROC AUC says how well the scores
// single out the d's. Writes out/auc-by-digit.png and out/most-anomalous.png.
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { anomalyScores, anomalyThreshold, averagePrecision, rocAuc } from '../../src/anomaly/index.js';
import { useBackend } from '../../src/backend/index.js';
import { denseAutoencoder } from '../../src/models/index.js';
import { PCA } from '../../src/pca/index.js';
import { train } from '../../src/train/index.js';
import { loadMnistSplit, MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imageGrid, writePng } from '../shared/png.js';
import { barChart } from '../anomaly-jets/plot.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env['QUICK'] === '1';
const digitFlag = args.indexOf('--digit');
const only = digitFlag >= 0 ? Number(args[digitFlag + 1]) : quick ? 0 : null;
if (only !== null && !(Number.isInteger(only) && only >= 0 && only <= 9)) throw new Error(`--digit must be 0…9, got ${args[digitFlag + 1]}`);
const digits = only === null ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] : [only];
const budget = quick ? { trainRows: 1500, epochs: 1 } : { trainRows: Infinity, epochs: 5 };
const LATENT = 16;
/** Where the pictures go: `--out DIR`, else this example's own out/ folder (git-ignored). */
const outFlag = args.indexOf('--out');
const outDir = outFlag >= 0 && args[outFlag + 1] !== undefined ? resolve(args[outFlag + 1]!) : join(dirname(fileURLToPath(import.meta.url)), 'out');

const backend = await useBackend('wasm');
console.log(`backend: ${backend.name}${backend.simd ? ' (SIMD)' : ''}${quick ? ' — quick run' : ''}`);

const { train: trainSplit, test } = loadMnistSplit();
const xTest = tf.tensor2d(test.x, [test.n, MNIST_PIXELS]);

/**
 * The background for held-out digit `d`: the training digits other than `d`, at most `limit` of
 * them. The split is grouped by digit, so a limited budget takes every k-th of them and still
 * sees all nine other digits.
 */
function background(d: number, limit: number): { x: Float32Array; n: number } {
  const rows: number[] = [];
  for (let i = 0; i < trainSplit.n; i++) if (trainSplit.labels[i] !== d) rows.push(i);
  const n = Math.min(rows.length, limit);
  const step = Math.floor(rows.length / n);
  const x = new Float32Array(n * MNIST_PIXELS);
  for (let k = 0; k < n; k++) {
    const r = rows[k * step]!;
    x.set(trainSplit.x.subarray(r * MNIST_PIXELS, (r + 1) * MNIST_PIXELS), k * MNIST_PIXELS);
  }
  return { x, n };
}

interface Result {
  digit: number;
  aeAuc: number;
  pcaAuc: number;
  aeAp: number;
  pcaAp: number;
  flagged: number;
  falseAlarms: number;
}
const results: Result[] = [];
const started = performance.now();

for (const d of digits) {
  const labels = Uint8Array.from(test.labels, (l) => (l === d ? 1 : 0));
  const bg = background(d, budget.trainRows);
  const n = bg.n;
  const x = tf.tensor2d(bg.x, [n, MNIST_PIXELS]);

  const ae = denseAutoencoder({ inputDim: MNIST_PIXELS, hidden: [256], latentDim: LATENT, loss: 'bce', seed: d });
  await train(ae, x, { epochs: budget.epochs, batchSize: 128, learningRate: 1e-3, seed: d });
  const aeScores = await anomalyScores(ae, xTest);
  const pca = new PCA({ nComponents: LATENT }).fit(x);
  const pcaScores = await anomalyScores(pca, xTest);

  // A threshold set on the background alone (5 % of it flagged): how many held-out digits does it catch?
  const threshold = anomalyThreshold(await anomalyScores(ae, x), { contamination: 0.05 });
  let flagged = 0;
  let falseAlarms = 0;
  aeScores.forEach((s, i) => {
    if (s > threshold) {
      if (labels[i] === 1) flagged++;
      else falseAlarms++;
    }
  });
  const anomalies = labels.reduce((a, b) => a + b, 0);
  const r: Result = {
    digit: d,
    aeAuc: rocAuc(aeScores, labels),
    pcaAuc: rocAuc(pcaScores, labels),
    aeAp: averagePrecision(aeScores, labels),
    pcaAp: averagePrecision(pcaScores, labels),
    flagged: flagged / anomalies,
    falseAlarms: falseAlarms / (labels.length - anomalies),
  };
  results.push(r);
  console.log(
    `held-out digit ${d}: ${n} background digits, ${anomalies} anomalies among ${labels.length} test digits — ` +
      `ROC AUC autoencoder ${r.aeAuc.toFixed(3)}, PCA(${LATENT}) ${r.pcaAuc.toFixed(3)}; ` +
      `average precision ${r.aeAp.toFixed(3)} / ${r.pcaAp.toFixed(3)}; ` +
      `at 5 % background contamination the autoencoder flags ${(100 * r.flagged).toFixed(0)} % of the ${d}s ` +
      `and ${(100 * r.falseAlarms).toFixed(1)} % of the other test digits`,
  );

  // The figure of the held-out digits for the first digit of the run: the 12 test digits with the
  // highest autoencoder scores, their reconstructions, and the 12 with the lowest.
  if (d === digits[0]) {
    const order = Array.from(aeScores.keys()).sort((a, b) => aeScores[b]! - aeScores[a]!);
    const highest = order.slice(0, 12);
    const lowest = order.slice(-12).reverse();
    const picks = [...highest, ...lowest];
    const recon = tf.tidy(() => ae.reconstruct(tf.gather(xTest, picks)));
    const pixels = await recon.data();
    recon.dispose();
    const image = (i: number) => test.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
    const rec = (k: number) => pixels.subarray(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS);
    const grid = [...highest.map(image), ...highest.map((_, k) => rec(k)), ...lowest.map(image), ...lowest.map((_, k) => rec(12 + k))];
    writePng(join(outDir, 'most-anomalous.png'), imageGrid(grid, { columns: 12, side: 28, scale: 3 }));
    console.log(
      `wrote most-anomalous.png (held-out ${d}): rows 1–2 the 12 highest scores and their reconstructions ` +
        `(${highest.filter((i) => labels[i] === 1).length} of them are ${d}s), rows 3–4 the 12 lowest`,
    );
  }
  x.dispose();
  ae.dispose();
}

const chart = barChart(
  results.map((r) => ({ label: String(r.digit), values: [r.aeAuc, r.pcaAuc] })),
  ['autoencoder', `PCA (${LATENT} components)`],
  'ROC AUC of the held-out digit (dashed: chance)',
  'ROC AUC',
  0.5,
  'held-out digit',
);
chart.write(join(outDir, 'auc-by-digit.png'));
console.log(`wrote auc-by-digit.png into ${outDir}`);
if (results.length > 1) {
  const mean = (f: (r: Result) => number) => results.reduce((s, r) => s + f(r), 0) / results.length;
  console.log(`mean ROC AUC over the digits: autoencoder ${mean((r) => r.aeAuc).toFixed(3)}, PCA ${mean((r) => r.pcaAuc).toFixed(3)}`);
}
console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
xTest.dispose();
