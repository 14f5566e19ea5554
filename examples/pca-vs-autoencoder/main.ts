// Linear vs nonlinear dimensionality reduction: `npm run example -- pca-vs-autoencoder [--quick] [--out DIR]`.
// For each code size k = 2, 4, 8, 16, 32, 64, fits PCA with k components, Kernel PCA (rbf kernel,
// k components, pre-images by kernel ridge regression; on the first 2,000 training digits: its
// kernel matrix is n × n) and trains two autoencoders with a k-wide code on the digits of the
// `mnist` package: a linear one (784 → k → 784, no activations, MSE: it can at best find PCA's
// subspace) and a nonlinear one (784-256-k-256-784, ReLU, sigmoid output). Prints the test
// reconstruction error of each and writes
//   error-vs-k.png        test MSE per pixel against k, one line per method;
//   components.png        the first 16 principal components, with their share of the variance;
//   reconstructions.png   test digits rebuilt by PCA and by the autoencoder from k numbers.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type Autoencoder, denseAutoencoder, KernelPCA, PCA, train } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imagePanel, lineChartSpec, PALETTE, writeChart } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs, startMnistExample } from '../shared/setup.js';

const { quick, outDir } = exampleArgs(import.meta.url);
const ks = quick ? [2, 8] : [2, 4, 8, 16, 32, 64];
const epochs = quick ? 1 : 10;

const { test, x, xTest } = await startMnistExample({ quick, detail: `; k = ${ks.join(', ')}; ${epochs} epoch${epochs === 1 ? '' : 's'} per autoencoder` });

/** Test MSE per pixel of a reconstruction of xTest (disposes it). */
async function testMse(reconstruction: tf.Tensor): Promise<number> {
  const m = tf.tidy(() => tf.mean(tf.squaredDifference(xTest, reconstruction)));
  const v = (await m.data())[0]!;
  tf.dispose([m, reconstruction]);
  return v;
}

// Twelve test digits spread over the classes, for the reconstruction picture.
const picks = Array.from({ length: 12 }, (_, i) => Math.floor(((i + 0.5) * test.n) / 12));
const rowsOf = async (t: tf.Tensor): Promise<Float32Array[]> => {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return picks.map((i) => data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
};
const shownKs = ks.filter((k) => [2, 8, 32].includes(k));
const pictureRows: { label: string; images: Float32Array[] }[] = [
  { label: 'original', images: picks.map((i) => test.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS)) },
];

// Kernel PCA keeps an n × n kernel: it is fitted on (at most) the first 2,000 training digits.
const kernelRows = Math.min(2000, x.shape[0]);
const xKernel = tf.slice(x, [0, 0], [kernelRows, MNIST_PIXELS]);

const results: { k: number; pca: number; kernel: number; linear: number; nonlinear: number }[] = [];
let firstComponents: PCA | undefined;
for (const k of ks) {
  console.log(`\nk = ${k}`);
  const t0 = performance.now();
  const pca = new PCA({ nComponents: k }).fit(x);
  const pcaOut = pca.inverseTransform(pca.transform(xTest));
  console.log(`PCA fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // rbf kernel with its default γ = 1/784 (and 1/k on the code for the pre-images), a small ridge.
  const t1 = performance.now();
  const kpca = new KernelPCA({ nComponents: k, kernel: 'rbf', fitInverseTransform: true, alpha: 1e-3, solver: 'randomized', seed: 0 }).fit(xKernel);
  const codes = kpca.transform(xTest);
  const kernelOut = kpca.inverseTransform(codes);
  codes.dispose();
  console.log(`Kernel PCA (${kernelRows} digits) fitted in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

  // A linear autoencoder: one linear layer each way, squared error; its optimum spans PCA's subspace.
  const linear = denseAutoencoder({ inputDim: MNIST_PIXELS, hidden: [], latentDim: k, outputActivation: 'linear', loss: 'mse', seed: 0 });
  await train(linear, x, { epochs, batchSize: 128, learningRate: 3e-3, seed: 0, progress: true });
  const nonlinear: Autoencoder = denseAutoencoder({ inputDim: MNIST_PIXELS, hidden: [256], latentDim: k, loss: 'bce', seed: 0 });
  await train(nonlinear, x, { epochs, batchSize: 128, learningRate: 1e-3, seed: 0, progress: true });

  if (shownKs.includes(k)) {
    pictureRows.push({ label: `PCA, k = ${k}`, images: await rowsOf(pcaOut.clone()) });
    pictureRows.push({ label: `autoencoder, k = ${k}`, images: await rowsOf(nonlinear.reconstruct(xTest)) });
  }
  const r = { k, pca: await testMse(pcaOut), kernel: await testMse(kernelOut), linear: await testMse(linear.reconstruct(xTest)), nonlinear: await testMse(nonlinear.reconstruct(xTest)) };
  results.push(r);
  console.log(`test MSE per pixel: PCA ${r.pca.toFixed(4)}, Kernel PCA ${r.kernel.toFixed(4)}, linear AE ${r.linear.toFixed(4)}, nonlinear AE ${r.nonlinear.toFixed(4)}`);
  linear.dispose();
  nonlinear.dispose();
  if (firstComponents === undefined || pca.nComponents > firstComponents.nComponents) firstComponents = pca;
}

console.log('\n   k   PCA      Kernel PCA  linear AE  nonlinear AE   (test MSE per pixel)');
for (const r of results) {
  console.log(`  ${String(r.k).padStart(2)}   ${r.pca.toFixed(4)}   ${r.kernel.toFixed(4)}      ${r.linear.toFixed(4)}     ${r.nonlinear.toFixed(4)}`);
}

const chartPath = join(outDir, 'error-vs-k.png');
writeChart(
  chartPath,
  lineChartSpec({
    title: 'Test reconstruction error against code size',
    xLabel: 'code size k (numbers kept per digit)',
    yLabel: 'test MSE per pixel',
    width: 760,
    height: 480,
    x: { log: 2, ticks: ks },
    y: { log: 10 },
    series: [
      { name: 'PCA', points: results.map((r) => [r.k, r.pca]), color: PALETTE[0]! },
      { name: 'linear autoencoder', points: results.map((r) => [r.k, r.linear]), color: PALETTE[0]!, dashed: true },
      { name: `Kernel PCA (rbf, ${kernelRows} digits)`, points: results.map((r) => [r.k, r.kernel]), color: PALETTE[2]! },
      { name: 'autoencoder 784-256-k', points: results.map((r) => [r.k, r.nonlinear]), color: PALETTE[1]! },
    ],
  }),
);

// The principal components, blue negative, red positive.
const pca = firstComponents!;
const shown = Math.min(16, pca.nComponents);
const { data: components } = pca.components;
const ratio = pca.explainedVarianceRatio;
const componentImages = Array.from({ length: shown }, (_, i) => Float32Array.from(components.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS)));
const componentsPath = join(outDir, 'components.png');
writePng(
  componentsPath,
  imagePanel({
    title: `The first ${shown} principal components`,
    subtitle: 'red: weight > 0, blue: weight < 0; under each: its share of the pixel variance',
    rows: Array.from({ length: Math.ceil(shown / 8) }, (_, r) => ({
      images: componentImages.slice(8 * r, 8 * r + 8),
      captions: componentImages.slice(8 * r, 8 * r + 8).map((_, j) => `${(100 * ratio[8 * r + j]!).toFixed(1)} %`),
    })),
    colormap: 'diverging',
    normalize: 'each',
    scale: 3,
    gap: 8,
  }),
);

const picturePath = join(outDir, 'reconstructions.png');
writePng(picturePath, imagePanel({ title: 'Test digits rebuilt from k numbers', rows: pictureRows, scale: 2 }));
console.log(`\nwrote ${chartPath}\nwrote ${componentsPath}\nwrote ${picturePath}`);

tf.dispose([x, xTest, xKernel]);
