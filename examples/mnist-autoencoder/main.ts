// A dense autoencoder on MNIST: `npm run example -- mnist-autoencoder [--quick] [--out DIR]`.
// Trains a 784-256-32 autoencoder and a 784-256-64-2 one on the digits of the `mnist` package,
// prints their test reconstruction errors and writes
//   reconstructions.png  test digits, their reconstructions from a 32-D code and from a 2-D code;
//   latent-2d.png        the 2-D codes of the test digits, coloured by digit.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type Autoencoder, denseAutoencoder, evaluate, train } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imagePanel, scatterPlot } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs, startMnistExample } from '../shared/setup.js';

const { quick, outDir } = exampleArgs(import.meta.url);

const { test, x, xTest } = await startMnistExample({ quick });

/** Trains `model`, then prints and returns its test errors (BCE and MSE per pixel). */
async function fit(name: string, model: Autoencoder, epochs: number): Promise<{ bce: number; mse: number }> {
  console.log(`\n${name}: ${epochs} epoch${epochs === 1 ? '' : 's'}`);
  await train(model, x, { epochs, batchSize: 128, learningRate: 1e-3, seed: 0, progress: true });
  const { loss: bce } = await evaluate(model, xTest);
  const mseT = tf.tidy(() => tf.mean(tf.squaredDifference(xTest, model.reconstruct(xTest))));
  const mse = (await mseT.data())[0]!;
  mseT.dispose();
  console.log(`${name}: test BCE ${bce.toFixed(4)}, MSE ${mse.toFixed(4)} per pixel`);
  return { bce, mse };
}

const ae32 = denseAutoencoder({ inputDim: MNIST_PIXELS, hidden: [256], latentDim: 32, latentActivation: 'relu', loss: 'bce', seed: 0 });
const err32 = await fit('784-256-32 autoencoder', ae32, quick ? 1 : 15);
const ae2 = denseAutoencoder({ inputDim: MNIST_PIXELS, hidden: [256, 64], latentDim: 2, loss: 'bce', seed: 0 });
const err2 = await fit('784-256-64-2 autoencoder', ae2, quick ? 1 : 30);

// Reconstructions of twelve test digits, spread over the classes.
const picks = Array.from({ length: 12 }, (_, i) => Math.floor(((i + 0.5) * test.n) / 12));
const rowsOf = async (t: tf.Tensor): Promise<Float32Array[]> => {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return picks.map((i) => data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
};
const pickX = picks.map((i) => test.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
const out32 = await rowsOf(ae32.reconstruct(xTest));
const out2 = await rowsOf(ae2.reconstruct(xTest));
const reconstructions = join(outDir, 'reconstructions.png');
writePng(
  reconstructions,
  imagePanel({
    title: 'Test digits and their reconstructions',
    subtitle: `test MSE per pixel: ${err32.mse.toFixed(4)} with 32 numbers, ${err2.mse.toFixed(4)} with 2`,
    rows: [
      { label: 'original', images: pickX },
      { label: '32-D code', images: out32 },
      { label: '2-D code', images: out2 },
    ],
    scale: 2,
  }),
);
console.log(`\nwrote ${reconstructions}`);

// The 2-D code of every test digit.
const codes = ae2.encode(xTest);
const z = (await codes.data()) as Float32Array;
codes.dispose();
const latent = join(outDir, 'latent-2d.png');
writePng(
  latent,
  scatterPlot({
    title: `2-D code of the ${test.n} test digits`,
    xLabel: 'code unit 1',
    yLabel: 'code unit 2',
    x: { values: z.filter((_, i) => i % 2 === 0) },
    y: { values: z.filter((_, i) => i % 2 === 1) },
    classes: test.labels,
    width: 760,
    height: 620,
  }),
);
console.log(`wrote ${latent}`);

tf.dispose([x, xTest]);
ae32.dispose();
ae2.dispose();
