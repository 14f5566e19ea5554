// Sparse autoencoders on MNIST: `npm run example -- sparse [--quick] [--out DIR]`.
// Trains four one-layer autoencoders 784 → 196 → 784 on the digits of the `mnist` package: a
// ReLU code plain and with an L1 penalty λ·Σ|aⱼ|, and a sigmoid code plain and with the
// KL-Bernoulli penalty w·Σ KL(ρ ‖ ρ̂ⱼ) towards a mean activation ρ = 0.05. Prints how sparse each
// code is and writes
//   code-histogram.png    histograms of the code activations of the test digits;
//   mean-activation.png   each unit's mean activation ρ̂ⱼ over the test digits, against ρ;
//   features.png          the weights of the first layer (what each code unit looks for).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type Autoencoder, denseAutoencoder, evaluate, sparseAutoencoder, train } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { chart, histogramSpec, imagePanel, lineChartSpec, PALETTE, tile, tileFigure } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs, startMnistExample } from '../shared/setup.js';

const { quick, outDir } = exampleArgs(import.meta.url);
const epochs = quick ? 1 : 12;
const units = 196;
const rho = 0.05;
const l1Weight = 3e-4;
const klWeight = 1e-2;

const { test, x, xTest } = await startMnistExample({ quick, quickTest: true, detail: `; ${epochs} epoch${epochs === 1 ? '' : 's'} per model` });

// One layer each way (hidden: []), so that the first layer's weights are the code units' features.
const shape = { inputDim: MNIST_PIXELS, hidden: [], latentDim: units, loss: 'bce', seed: 0 } as const;
const variants: { name: string; make: () => Autoencoder }[] = [
  { name: 'ReLU, plain', make: () => denseAutoencoder({ ...shape, latentActivation: 'relu' }) },
  { name: `ReLU, L1 λ = ${l1Weight}`, make: () => sparseAutoencoder({ ...shape, sparsity: { kind: 'l1', weight: l1Weight } }) },
  { name: 'sigmoid, plain', make: () => denseAutoencoder({ ...shape, latentActivation: 'sigmoid' }) },
  { name: `sigmoid, KL ρ = ${rho}`, make: () => sparseAutoencoder({ ...shape, sparsity: { kind: 'kl-bernoulli', rho, weight: klWeight } }) },
];

interface Result {
  readonly name: string;
  /** Test codes, `[n, units]` row-major. */
  readonly codes: Float32Array;
  /** Mean activation of each unit over the test digits, largest first. */
  readonly unitMeans: number[];
  /** First-layer weights of the 20 units whose activation varies most over the test digits, one 784-vector each. */
  readonly features: Float32Array[];
  readonly bce: number;
}

const results: Result[] = [];
for (const variant of variants) {
  console.log(`\n${variant.name}`);
  const model = variant.make();
  await train(model, x, { epochs, batchSize: 128, learningRate: 3e-3, seed: 0, progress: true });
  const { terms } = await evaluate(model, xTest);
  const codeT = model.encode(xTest);
  const codes = (await codeT.data()) as Float32Array;
  codeT.dispose();
  const means = new Array<number>(units).fill(0);
  for (let i = 0; i < codes.length; i++) means[i % units]! += codes[i]! / test.n;
  // The encoder's first (and only) dense layer: its kernel is [784, units]; column j is unit j's feature.
  // getWeights() hands out the variables' own tensors: read them, do not dispose them.
  const kernel = model.encoder.layers.flatMap((l) => l.getWeights()).find((w) => w.shape.length === 2)!;
  const k = (await kernel.data()) as Float32Array;
  // The units that tell digits apart: largest spread of activation (a unit stuck at 0 or 1 says nothing).
  const spreadOf = new Array<number>(units).fill(0);
  for (let i = 0; i < codes.length; i++) spreadOf[i % units]! += (codes[i]! - means[i % units]!) ** 2 / test.n;
  const varying = spreadOf.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]);
  const features = varying.slice(0, 20).map(([, j]) => Float32Array.from({ length: MNIST_PIXELS }, (_, p) => k[p * units + j]!));
  results.push({ name: variant.name, codes, unitMeans: [...means].sort((a, b) => b - a), features, bce: terms.reconstruction ?? NaN });
  model.dispose();
}

console.log(
  '\ntest digits: reconstruction BCE per pixel, mean code activation, share of activations below 0.01,\n' +
    'median unit mean ρ̂, units below 0.01 on every test digit:',
);
for (const r of results) {
  const mean = r.codes.reduce((s, v) => s + v, 0) / r.codes.length;
  const small = r.codes.reduce((s, v) => s + (v < 0.01 ? 1 : 0), 0) / r.codes.length;
  const peak = new Float32Array(units);
  r.codes.forEach((v, i) => (peak[i % units] = Math.max(peak[i % units]!, v)));
  const silent = peak.reduce((s, v) => s + (v < 0.01 ? 1 : 0), 0);
  console.log(
    `  ${r.name.padEnd(22)} BCE ${r.bce.toFixed(4)}   mean ${mean.toFixed(3)}   < 0.01: ${(100 * small).toFixed(1).padStart(5)} %` +
      `   median ρ̂ ${r.unitMeans[units / 2]!.toFixed(3)}   silent units ${silent}`,
  );
}
const [reluPlain, reluL1, sigPlain, sigKl] = results as [Result, Result, Result, Result];

// Histograms of the activations: ReLU codes up to the 99.5th percentile of the plain model's, sigmoid codes over [0, 1].
const sortedRelu = Float32Array.from(reluPlain.codes).sort();
const reluMax = Math.max(1e-3, sortedRelu[Math.floor(0.995 * (sortedRelu.length - 1))]!);
const histOptions = { bins: 40, width: 560, height: 400, yLabel: 'share of activations', y: { log: 10 as const } };
const histPath = join(outDir, 'code-histogram.png');
tileFigure(
  [
    chart(histogramSpec({
      ...histOptions,
      title: 'ReLU code: plain vs L1',
      xLabel: 'activation',
      x: { min: 0, max: reluMax },
      series: [
        { name: reluPlain.name, values: reluPlain.codes, color: PALETTE[6]! },
        { name: reluL1.name, values: reluL1.codes, color: PALETTE[0]! },
      ],
    })),
    chart(histogramSpec({
      ...histOptions,
      title: 'sigmoid code: plain vs KL',
      xLabel: 'activation',
      x: { min: 0, max: 1 },
      series: [
        { name: sigPlain.name, values: sigPlain.codes, color: PALETTE[6]! },
        { name: sigKl.name, values: sigKl.codes, color: PALETTE[1]! },
      ],
    })),
  ],
  { gap: 12, title: `Code activations of the ${test.n} test digits (${units} units)` },
).write(histPath);

// Each unit's mean activation, sorted: the KL penalty pulls every ρ̂ⱼ towards ρ.
const rank = (r: Result): [number, number][] => r.unitMeans.map((m, i) => [i + 1, m]);
const meanPath = join(outDir, 'mean-activation.png');
const chartOptions = { width: 560, height: 400, xLabel: 'unit, by mean activation', yLabel: 'mean activation over the digits', x: { min: 0, max: units + 1 } };
tileFigure(
  [
    chart(lineChartSpec({
      ...chartOptions,
      title: 'sigmoid code: plain vs KL',
      y: { log: 10, min: 0.02, max: 1.2 },
      series: [
        { name: sigPlain.name, points: rank(sigPlain), color: PALETTE[6]! },
        { name: sigKl.name, points: rank(sigKl), color: PALETTE[1]! },
      ],
      references: [{ y: rho, label: `target ρ = ${rho}`, labelAt: 'left' }],
    })),
    chart(lineChartSpec({
      ...chartOptions,
      title: 'ReLU code: plain vs L1',
      y: { min: 0 },
      series: [
        { name: reluPlain.name, points: rank(reluPlain), color: PALETTE[6]! },
        { name: reluL1.name, points: rank(reluL1), color: PALETTE[0]! },
      ],
    })),
  ],
  { gap: 12, title: 'Mean activation of each code unit over the test digits' },
).write(meanPath);

// What the first layer looks for: the 20 units of each model whose activation varies most from digit
// to digit, each weight vector stretched to its own range (20 keeps the picture under 100 KB: noisy
// weights hardly compress).
const featuresPath = join(outDir, 'features.png');
const grid = (r: Result) =>
  imagePanel({
    title: r.name,
    rows: Array.from({ length: 4 }, (_, i) => ({ images: r.features.slice(5 * i, 5 * i + 5) })),
    scale: 3,
    gap: 2,
    normalize: 'each',
  });
writePng(featuresPath, tile([grid(reluPlain), grid(reluL1), grid(sigPlain), grid(sigKl)], { columns: 2, gap: 8, title: 'First-layer features of the 20 most varying units' }));
console.log(`\nwrote ${histPath}\nwrote ${meanPath}\nwrote ${featuresPath}`);

tf.dispose([x, xTest]);
