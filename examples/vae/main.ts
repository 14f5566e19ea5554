// Variational autoencoders on MNIST: `npm run example -- vae [--quick] [--out DIR]`.
// Trains a VAE with a 16-D latent space and one with a 2-D latent space (784-256-z, Bernoulli
// decoder) on the digits of the `mnist` package, prints their test negative ELBO, and writes
//   samples.png     new digits decoded from z ~ N(0, I) (the prior) by the 16-D VAE;
//   manifold.png    the 2-D VAE's decoder over a 13 × 13 grid of z (the classic manifold picture);
//   latent-2d.png   the posterior means μ(x) of the test digits in the 2-D VAE, coloured by digit;
//   mixture-samples.png  the 16-D VAE's prior samples next to samples of a 10-component Gaussian
//                   mixture fitted on its training codes (mixture-prior.ts).
//   interpolation.png, traversal.png   the 16-D VAE's latent space (see latent-space.ts).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type VAE, denseVae, evaluate, logLikelihood, train } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imagePanel, scatterPlot } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs, startMnistExample } from '../shared/setup.js';
import { mixturePrior } from './mixture-prior.js';
import { latentPictures } from './latent-space.js';

const { quick, outDir } = exampleArgs(import.meta.url);

/** The standard normal quantile Φ⁻¹(p), by bisection on Φ (erf after Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalQuantile(p: number): number {
  const erf = (x: number): number => {
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
    return x >= 0 ? y : -y;
  };
  let lo = -8;
  let hi = 8;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (0.5 * (1 + erf(mid / Math.SQRT2)) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const { test, x, xTest } = await startMnistExample({ quick });

/**
 * Trains a VAE and prints its test negative ELBO (one sample z ~ q(z|x) per digit, nats per digit)
 * with its two terms, and the test negative log-likelihood estimated with K = 100 importance samples.
 */
async function fit(name: string, model: VAE, epochs: number): Promise<void> {
  console.log(`\n${name}: ${epochs} epoch${epochs === 1 ? '' : 's'}`);
  await train(model, x, { epochs, batchSize: 128, learningRate: 1e-3, seed: 0, progress: true });
  const { loss, terms } = await evaluate(model, xTest);
  const logP = await logLikelihood(model, xTest, { samples: quick ? 10 : 100 });
  const nll = -logP.reduce((a, b) => a + b, 0) / logP.length;
  console.log(
    `${name}: test −ELBO ${loss.toFixed(1)} nats per digit = reconstruction ${terms.reconstruction?.toFixed(1)} + KL ${terms.kl?.toFixed(1)}; ` +
      `test NLL (K = ${quick ? 10 : 100}) ${nll.toFixed(1)}`,
  );
}

const vae16 = denseVae({ inputDim: MNIST_PIXELS, hidden: [256], latentDim: 16, seed: 0 });
await fit('784-256-16 VAE', vae16, quick ? 1 : 20);
const vae2 = denseVae({ inputDim: MNIST_PIXELS, hidden: [256], latentDim: 2, seed: 0 });
await fit('784-256-2 VAE', vae2, quick ? 1 : 30);

/** Splits `[n, 784]` into its rows. */
const rowsOf = async (t: tf.Tensor): Promise<Float32Array[]> => {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return Array.from({ length: t.shape[0]! }, (_, i) => data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
};

// 80 samples from the prior.
const samples = await rowsOf(vae16.sample(80, { seed: 7 }));
const samplesPath = join(outDir, 'samples.png');
writePng(
  samplesPath,
  imagePanel({
    title: 'Digits sampled from the prior',
    subtitle: 'decoder(z), z ~ N(0, I) in 16 dimensions; no digit was given',
    rows: Array.from({ length: 8 }, (_, r) => ({ images: samples.slice(10 * r, 10 * r + 10) })),
    scale: 2,
  }),
);

// The manifold: z on a 13 × 13 grid of normal quantiles, so that each cell covers the same prior mass.
const side = 13;
const q = Array.from({ length: side }, (_, i) => normalQuantile(0.05 + (0.9 * i) / (side - 1)));
const grid: number[] = [];
for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) grid.push(q[c]!, q[side - 1 - r]!); // z2 grows upwards
const zGrid = tf.tensor2d(grid, [side * side, 2]);
const manifold = await rowsOf(vae2.decode(zGrid));
zGrid.dispose();
const manifoldPath = join(outDir, 'manifold.png');
writePng(
  manifoldPath,
  imagePanel({
    title: 'The 2-D latent space, decoded',
    subtitle: `z1 → right, z2 → up, each from ${q[0]!.toFixed(2)} to ${q[side - 1]!.toFixed(2)} (5 % to 95 % of N(0, 1))`,
    rows: Array.from({ length: side }, (_, r) => ({ images: manifold.slice(side * r, side * (r + 1)) })),
    scale: 2,
    gap: 0,
  }),
);

// Where the test digits land: their posterior means.
const mu = vae2.encode(xTest);
const z = (await mu.data()) as Float32Array;
mu.dispose();
const latentPath = join(outDir, 'latent-2d.png');
writePng(
  latentPath,
  scatterPlot({
    title: `Posterior means of the ${test.n} test digits`,
    xLabel: 'z1',
    yLabel: 'z2',
    x: { values: z.filter((_, i) => i % 2 === 0) },
    y: { values: z.filter((_, i) => i % 2 === 1) },
    classes: test.labels,
    width: 760,
    height: 620,
  }),
);
// Ex-post density estimation: sample the codes from a mixture fitted on the training codes.
const mixture = await mixturePrior({ vae: vae16, x, xTest, outDir, quick });
const latentPaths = await latentPictures(vae16, xTest, test.labels, outDir);
console.log(`\nwrote ${[samplesPath, manifoldPath, latentPath, mixture.path, ...latentPaths].join('\nwrote ')}`);

tf.dispose([x, xTest]);
vae16.dispose();
vae2.dispose();
