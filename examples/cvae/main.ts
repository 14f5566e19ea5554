// A conditional VAE on MNIST: `npm run example -- cvae [--quick] [--out DIR]`.
// Trains a 784-256-2 CVAE (the label, one-hot, goes into both encoder and decoder) on the digits
// of the `mnist` package, prints its test negative ELBO and how many generated digits a nearest-
// neighbour reader takes for the asked class, and writes
//   digits.png      a 10 × 10 grid generated on demand: row d is `generate([d, d, …], { seed })`;
//                   the same seed gives every row the same ten z, so each column keeps one style;
//   analogies.png   test digits, then their style z = μ(x, y) decoded with each of the ten labels.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { denseCvae, evaluate, train } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imagePanel } from '../shared/plot.js';
import { writePng } from '../shared/png.js';
import { exampleArgs, startMnistExample } from '../shared/setup.js';

const { quick, outDir } = exampleArgs(import.meta.url);
const epochs = quick ? 1 : 25;

const { trainSet, test, x, xTest } = await startMnistExample({ quick, detail: `, with their labels` });

const cvae = denseCvae({ inputDim: MNIST_PIXELS, numClasses: 10, hidden: [256], latentDim: 2, seed: 0 });
console.log(`\n784-256-2 CVAE: ${epochs} epoch${epochs === 1 ? '' : 's'}`);
await train(cvae, { x, y: trainSet.labels }, { epochs, batchSize: 128, learningRate: 1e-3, seed: 0, progress: true });
const { loss, terms } = await evaluate(cvae, { x: xTest, y: test.labels });
console.log(`test −ELBO ${loss.toFixed(1)} nats per digit = reconstruction ${terms.reconstruction?.toFixed(1)} + KL ${terms.kl?.toFixed(1)}`);

/** Splits `[n, 784]` into its rows. */
const rowsOf = async (t: tf.Tensor): Promise<Float32Array[]> => {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return Array.from({ length: t.shape[0]! }, (_, i) => data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
};

// Ten digits of each class, generated on demand; one seed for all rows, so column j has the same z in every row.
const rows: { label: string; images: Float32Array[] }[] = [];
for (let d = 0; d < 10; d++) rows.push({ label: String(d), images: await rowsOf(cvae.generate(new Array<number>(10).fill(d), { seed: 11 })) });

// Does each generated digit look like its class? Ask a 5-nearest-neighbour vote over the training digits.
const generated = tf.tensor2d(rows.flatMap((r) => r.images.flatMap((image) => Array.from(image))), [100, MNIST_PIXELS]);
const votes = tf.tidy(() => {
  const d2 = tf.sub(tf.expandDims(tf.sum(tf.square(x), 1), 0), tf.mul(2, tf.matMul(generated, x, false, true))); // ‖x‖² − 2⟨g, x⟩
  return tf.topk(tf.neg(d2), 5).indices;
});
const nearest = (await votes.data()) as Int32Array;
tf.dispose([generated, votes]);
let agree = 0;
for (let i = 0; i < 100; i++) {
  const counts = new Array<number>(10).fill(0);
  for (let k = 0; k < 5; k++) counts[trainSet.labels[nearest[i * 5 + k]!]!]! += 1;
  if (counts.indexOf(Math.max(...counts)) === Math.floor(i / 10)) agree += 1;
}
console.log(`a 5-nearest-neighbour vote over the ${trainSet.n} training digits reads ${agree} of the 100 generated digits as the asked class`);

const digitsPath = join(outDir, 'digits.png');
writePng(
  digitsPath,
  imagePanel({
    title: 'Digits generated on demand',
    subtitle: 'row: the label asked for; column: one z ~ N(0, I)',
    rows,
    scale: 2,
  }),
);

// Style transfer: the z of a test digit (given its own label), decoded with every label.
const picks = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => Math.floor(((k * 1.25 + 0.6) * test.n) / 10));
const xPick = tf.tensor2d(picks.flatMap((i) => Array.from(test.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS))), [picks.length, MNIST_PIXELS]);
const zPick = cvae.encode(xPick, picks.map((i) => test.labels[i]!));
const zRepeated = tf.tidy(() => tf.reshape(tf.tile(zPick, [1, 10]), [picks.length * 10, cvae.latentDim]));
const transferred = await rowsOf(cvae.decode(zRepeated, Array.from({ length: picks.length * 10 }, (_, i) => i % 10)));
const originals = await rowsOf(xPick);
tf.dispose([zPick, zRepeated]);
const analogiesPath = join(outDir, 'analogies.png');
writePng(
  analogiesPath,
  imagePanel({
    title: 'One style, ten labels',
    subtitle: 'left: a test digit; right: its z = μ(x, y) decoded with the labels 0 to 9',
    columnLabels: ['test', ...Array.from({ length: 10 }, (_, d) => String(d))],
    rows: picks.map((_, r) => ({ images: [originals[r]!, ...transferred.slice(10 * r, 10 * r + 10)] })),
    scale: 2,
  }),
);
console.log(`\nwrote ${digitsPath}\nwrote ${analogiesPath}`);

tf.dispose([x, xTest]);
cvae.dispose();
