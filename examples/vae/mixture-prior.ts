// Ex-post density estimation (Ghosh et al. 2020): fit a 10-component Gaussian mixture on the codes
// the encoder gives the training digits (their posterior means μ(x)), and decode samples of the
// mixture instead of samples of the prior N(0, I). Writes mixture-samples.png (prior samples next
// to mixture samples) and prints which are closer to real digits: the mean Euclidean distance
// (pixels in [0, 1]) from each generated digit to its nearest test digit, with training digits and
// their reconstructions as the yardsticks of what real and decoded digits score.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GaussianMixture, type VAE } from '../../src/index.js';
import { MNIST_PIXELS } from '../../bench/mnist-data.js';
import { imagePanel } from '../shared/plot.js';
import { writePng } from '../shared/png.js';

/** What {@link mixturePrior} needs from the example. */
export interface MixturePriorInput {
  readonly vae: VAE;
  /** The training digits, `[n, 784]`. */
  readonly x: tf.Tensor2D;
  /** The test digits, `[m, 784]`. */
  readonly xTest: tf.Tensor2D;
  readonly outDir: string;
  readonly quick: boolean;
}

/** What it measured (nats and pixel distances), and the picture it wrote. */
export interface MixturePriorResult {
  readonly path: string;
  readonly priorDistance: number;
  readonly mixtureDistance: number;
  /** The same distance for training digits, and for their reconstructions decoder(μ(x)). */
  readonly realDistance: number;
  readonly reconstructionDistance: number;
  readonly priorTestLogDensity: number;
  readonly mixtureTestLogDensity: number;
}

/** Mean over the rows of `a` of the Euclidean distance to the nearest row of `b`. */
function meanNearestDistance(a: tf.Tensor2D, b: tf.Tensor2D): number {
  const value = tf.tidy(() => {
    const a2 = tf.sum(tf.square(a), 1, true); // [n, 1]
    const b2 = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]); // [1, m]
    const d2 = tf.sub(tf.add(a2, b2), tf.mul(2, tf.matMul(a, b, false, true)));
    return tf.mean(tf.sqrt(tf.relu(tf.min(d2, 1))));
  });
  const out = value.dataSync()[0]!;
  value.dispose();
  return out;
}

/** Mean log-density of the rows of `z` under N(0, I), in nats. */
function standardNormalLogDensity(z: Float32Array, d: number): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += z[i]! * z[i]!;
  const n = z.length / d;
  return -0.5 * (d * Math.log(2 * Math.PI)) - (0.5 * s) / n;
}

/** Fits the mixture on the training codes, compares its samples with the prior's, writes the picture. */
export async function mixturePrior({ vae, x, xTest, outDir, quick }: MixturePriorInput): Promise<MixturePriorResult> {
  const d = vae.latentDim;
  const codes = vae.encode(x); // μ(x), [n, d]
  const gm = new GaussianMixture({ components: 10, covariance: 'full', seed: 0, maxIter: 200 }).fit(codes);
  codes.dispose();
  console.log(
    `\nGaussian mixture on the ${x.shape[0]} training codes: 10 components, full covariances, ${gm.nIter} EM iterations` +
      `${gm.converged ? '' : ' (not converged)'}, mean log-likelihood ${gm.lowerBound.toFixed(2)} nats per code`,
  );

  // How likely the test digits' codes are under each prior.
  const testCodes = vae.encode(xTest);
  const zTest = (await testCodes.data()) as Float32Array;
  const mixtureTestLogDensity = gm.score(testCodes);
  testCodes.dispose();
  const priorTestLogDensity = standardNormalLogDensity(zTest, d);

  // Generated digits: decoder(z) for z from the prior and from the mixture.
  const count = quick ? 200 : 1000;
  const fromPrior = vae.sample(count, { seed: 7 }) as tf.Tensor2D;
  const fromMixture = vae.decode(gm.sample(count, { seed: 7 })) as tf.Tensor2D; // { data, shape } is a valid input
  const real = tf.slice(x, [0, 0], [Math.min(count, x.shape[0]), MNIST_PIXELS]);
  const priorDistance = meanNearestDistance(fromPrior, xTest);
  const mixtureDistance = meanNearestDistance(fromMixture, xTest);
  const realDistance = meanNearestDistance(real, xTest);
  // Decoded images are smooth (Bernoulli means), and a smooth image lies nearer to everything than
  // a crisp one: the decoder's own reconstructions of training digits are the fair yardstick.
  const reconstructed = vae.reconstruct(real) as tf.Tensor2D;
  const reconstructionDistance = meanNearestDistance(reconstructed, xTest);
  reconstructed.dispose();
  real.dispose();
  console.log(`mean log-density of the ${xTest.shape[0]} test codes: N(0, I) ${priorTestLogDensity.toFixed(2)}, mixture ${mixtureTestLogDensity.toFixed(2)} nats`);
  console.log(
    `mean distance from a generated digit to its nearest test digit (${count} each): ` +
      `prior ${priorDistance.toFixed(3)}, mixture ${mixtureDistance.toFixed(3)} ` +
      `(training digits: ${realDistance.toFixed(3)}, their reconstructions: ${reconstructionDistance.toFixed(3)}) — ` +
      `the ${mixtureDistance < priorDistance ? 'mixture' : 'prior'}'s samples are closer`,
  );

  const rowsOf = async (t: tf.Tensor, n: number): Promise<Float32Array[]> => {
    const data = (await t.data()) as Float32Array;
    t.dispose();
    return Array.from({ length: n }, (_, i) => data.slice(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
  };
  const priorImages = await rowsOf(fromPrior, 40);
  const mixtureImages = await rowsOf(fromMixture, 40);
  const path = join(outDir, 'mixture-samples.png');
  writePng(
    path,
    imagePanel({
      title: 'Prior samples next to mixture samples',
      subtitle: `decoder(z); mean distance to the nearest test digit: prior ${priorDistance.toFixed(2)}, mixture ${mixtureDistance.toFixed(2)}`,
      rows: [
        ...Array.from({ length: 4 }, (_, r) => ({ label: 'N(0, I)', images: priorImages.slice(10 * r, 10 * r + 10) })),
        ...Array.from({ length: 4 }, (_, r) => ({ label: 'mixture', images: mixtureImages.slice(10 * r, 10 * r + 10) })),
      ],
      scale: 2,
    }),
  );
  return { path, priorDistance, mixtureDistance, realDistance, reconstructionDistance, priorTestLogDensity, mixtureTestLogDensity };
}
