// A vector-quantised VAE on MNIST: `npm run example -- vq-vae [--quick] [--out DIR]`.
// Trains a conv VQ-VAE (a 7×7 grid of code indices from a codebook of 64 vectors: 49 × 6 = 294 bits
// per digit) and, for comparison, a plain conv autoencoder with a code of the same size in bits
// (9 float32 numbers = 288 bits), prints both test MSEs and the codebook perplexity, and writes
//   reconstructions.png   test digits, the VQ-VAE's reconstructions and the autoencoder's;
//   codebook-usage.png    how often each of the 64 codes is picked over the test digits;
//   samples.png           digits decoded from code grids drawn uniformly (no learned prior).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Autoencoder, convDecoder, convEncoder, convVqVae, train } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { histogram, imagePanel } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs, startMnistExample } from '../shared/setup.js';

const { quick, outDir } = exampleArgs(import.meta.url);
const epochs = quick ? 1 : 3;
const CODEBOOK = 64;
const FILTERS = [8, 16];
// 5×5 kernels: each code sees enough of the digit around it that blank cells near strokes, at the
// border and in the middle get different codes (with 3×3, one 'blank' code took a quarter of all cells).
const KERNEL = 5;

const { test, x: flatX, xTest: flatTest } = await startMnistExample({ quick, detail: ', as 28×28×1 images' });
const x = tf.reshape(flatX, [-1, 28, 28, 1]);
const xTest = tf.reshape(flatTest, [-1, 28, 28, 1]);
flatX.dispose();
flatTest.dispose();

/** Test MSE per pixel of `reconstruct`. */
async function testMse(reconstruct: (x: tf.Tensor) => tf.Tensor): Promise<number> {
  const t = tf.tidy(() => tf.mean(tf.squaredDifference(xTest, reconstruct(xTest))));
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}

const vq = convVqVae({
  inputShape: [28, 28, 1],
  filters: FILTERS,
  kernelSize: KERNEL,
  codebookSize: CODEBOOK,
  codeDim: 8,
  ema: { decay: 0.95 },
  deadCodes: { kind: 'restart', threshold: 0.5 },
  reconstruction: 'bce',
  seed: 0,
});
console.log(`\nconv VQ-VAE (filters ${FILTERS.join(', ')}, ${KERNEL}×${KERNEL}; ${vq.codeShape.slice(0, 2).join('×')} codes of ${CODEBOOK}, EMA): ${epochs} epoch${epochs === 1 ? '' : 's'}`);
let started = performance.now();
await train(vq, x, { epochs, batchSize: 64, learningRate: 2e-3, seed: 0, progress: true });
const vqSeconds = (performance.now() - started) / 1000;
const vqMse = await testMse((t) => vq.reconstruct(t));
const usage = await vq.codebookUsage(xTest);
const used = usage.counts.filter((c) => c > 0).length;
const bits = (vq.codeShape[0]! * vq.codeShape[1]! * Math.log2(CODEBOOK)).toFixed(0);
console.log(`VQ-VAE: test MSE ${vqMse.toFixed(4)} per pixel, ${bits} bits per digit; codebook perplexity ${usage.perplexity.toFixed(1)} of ${CODEBOOK} (${used} codes used); ${vqSeconds.toFixed(0)} s`);

const latent = 9; // 9 float32 numbers = 288 bits, the VQ-VAE's 294 rounded down
const ae = new Autoencoder({
  encoder: convEncoder({ inputShape: [28, 28, 1], filters: FILTERS, kernelSize: KERNEL, latentDim: latent, seed: 1 }),
  decoder: convDecoder({ latentDim: latent, outputShape: [28, 28, 1], filters: [...FILTERS].reverse(), kernelSize: KERNEL, seed: 2 }),
  loss: 'bce',
});
console.log(`\nconv autoencoder (filters ${FILTERS.join(', ')}, ${KERNEL}×${KERNEL}; ${latent} float32 numbers = ${latent * 32} bits): ${epochs} epoch${epochs === 1 ? '' : 's'}`);
started = performance.now();
await train(ae, x, { epochs, batchSize: 64, learningRate: 2e-3, seed: 0, progress: true });
const aeSeconds = (performance.now() - started) / 1000;
const aeMse = await testMse((t) => ae.reconstruct(t));
console.log(`conv autoencoder: test MSE ${aeMse.toFixed(4)} per pixel, ${latent * 32} bits per digit; ${aeSeconds.toFixed(0)} s`);
console.log(`\nVQ-VAE / autoencoder test MSE: ${(vqMse / aeMse).toFixed(2)}`);

/** The rows of `[n, 28, 28, 1]` as 784-pixel images (the tensor is disposed). */
const imagesOf = async (t: tf.Tensor, picks?: number[]): Promise<Float32Array[]> => {
  const data = (await t.data()) as Float32Array;
  const n = t.shape[0]!;
  t.dispose();
  return (picks ?? Array.from({ length: n }, (_, i) => i)).map((i) => data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
};

const picks = Array.from({ length: 12 }, (_, i) => Math.floor(((i + 0.5) * test.n) / 12));
const chosen = tf.tidy(() => tf.gather(xTest, tf.tensor1d(picks, 'int32')));
const reconstructions = join(outDir, 'reconstructions.png');
writePng(
  reconstructions,
  imagePanel({
    title: 'Test digits and their reconstructions',
    subtitle: `test MSE per pixel: VQ-VAE ${vqMse.toFixed(4)} (${bits} bits), autoencoder ${aeMse.toFixed(4)} (${latent * 32} bits)`,
    rows: [
      { label: 'original', images: await imagesOf(tf.clone(chosen)) },
      { label: 'VQ-VAE', images: await imagesOf(vq.reconstruct(chosen)) },
      { label: 'autoencoder', images: await imagesOf(ae.reconstruct(chosen)) },
    ],
    scale: 2,
  }),
);
chosen.dispose();
console.log(`\nwrote ${reconstructions}`);

// The code index of every position of every test digit, binned one bin per code.
const codes = vq.encode(xTest);
const indices = Float64Array.from((await codes.data()) as Int32Array, (k) => k + 0.5);
codes.dispose();
const usagePng = join(outDir, 'codebook-usage.png');
writePng(
  usagePng,
  histogram({
    title: `Codebook usage over the test digits: perplexity ${usage.perplexity.toFixed(1)} of ${CODEBOOK}`,
    xLabel: 'code index',
    yLabel: 'fraction of the 7×7 positions',
    series: [{ name: `${used} of ${CODEBOOK} codes used`, values: indices }],
    bins: CODEBOOK,
    x: { min: 0, max: CODEBOOK },
  }),
);
console.log(`wrote ${usagePng}`);

// Code grids drawn uniformly: what the decoder makes of codes without a learned prior over them.
const samples = join(outDir, 'samples.png');
const drawn = await imagesOf(vq.sample(24, { seed: 5 }));
writePng(
  samples,
  imagePanel({
    title: 'Samples from a uniform prior over the 7×7 code indices',
    subtitle: 'each of the 49 indices uniform in 0 to 63; a learned prior (e.g. a PixelCNN) would give digits',
    rows: [{ images: drawn.slice(0, 12) }, { images: drawn.slice(12) }],
    scale: 2,
  }),
);
console.log(`wrote ${samples}`);
tf.dispose([x, xTest]);
vq.dispose();
ae.dispose();
