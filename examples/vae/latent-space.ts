// The latent-space pictures of the vae example: interpolate between test digits (linear and
// slerp) and latentTraversal of one digit, both with the 16-D VAE.
//   interpolation.png   rows of decoded paths between pairs of test digits, linear above slerp;
//   traversal.png       one test digit's code with each of its 16 dimensions set to −3 … 3.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type VAE, interpolate, latentTraversal } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imagePanel } from '../shared/plot.js';
import { writePng } from '../shared/png.js';

/** Splits a tensor of digits into `[784]` rows (and disposes it). */
async function rowsOf(t: tf.Tensor): Promise<Float32Array[]> {
  const data = (await t.data()) as Float32Array;
  const n = t.size / MNIST_PIXELS;
  t.dispose();
  return Array.from({ length: n }, (_, i) => data.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
}

/** Writes interpolation.png and traversal.png into `outDir`; returns their paths. */
export async function latentPictures(vae: VAE, xTest: tf.Tensor2D, labels: ArrayLike<number>, outDir: string): Promise<string[]> {
  // Pairs of test digits of different classes: the first test digit of classes (0, 6), (1, 7), (3, 8), (4, 9).
  const firstOf = (digit: number): number => Array.prototype.findIndex.call(labels, (l: number) => l === digit);
  const pairs: [number, number][] = [[0, 6], [1, 7], [3, 8], [4, 9]].map(([a, b]) => [firstOf(a!), firstOf(b!)]);
  const steps = 10;
  const rows: { label: string; images: Float32Array[] }[] = [];
  for (const [i, j] of pairs) {
    const a = tf.slice(xTest, [i, 0], [1, MNIST_PIXELS]);
    const b = tf.slice(xTest, [j, 0], [1, MNIST_PIXELS]);
    for (const method of ['linear', 'slerp'] as const) {
      rows.push({ label: `${labels[i]}→${labels[j]} ${method}`, images: await rowsOf(interpolate(vae, a, b, { steps, method })) });
    }
    tf.dispose([a, b]);
  }
  const interpolationPath = join(outDir, 'interpolation.png');
  writePng(
    interpolationPath,
    imagePanel({
      title: 'Decoded paths between the codes of two test digits',
      subtitle: `interpolate(vae, a, b) in ${steps} steps, linear or slerp, between posterior means of the 16-D VAE`,
      rows,
      scale: 2,
    }),
  );

  const digit = tf.slice(xTest, [firstOf(2), 0], [1, MNIST_PIXELS]);
  const values = [-3, -2, -1, 0, 1, 2, 3];
  const grid = await rowsOf(latentTraversal(vae, digit, { values }));
  digit.dispose();
  const dims = vae.latentDim;
  const traversalPath = join(outDir, 'traversal.png');
  writePng(
    traversalPath,
    imagePanel({
      title: 'One digit, one latent dimension at a time',
      subtitle: 'latentTraversal(vae, x): z = μ(x) with z_d set to -3 to 3, for each d of the 16-D VAE',
      columnLabels: values.map(String),
      rows: Array.from({ length: dims }, (_, d) => ({ label: `z${d + 1}`, images: grid.slice(d * values.length, (d + 1) * values.length) })),
      scale: 2,
    }),
  );
  return [interpolationPath, traversalPath];
}
