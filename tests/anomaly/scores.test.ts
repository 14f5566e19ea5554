import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { anomalyScores } from '../../src/anomaly/index.js';
import type { VariationalModel } from '../../src/anomaly/index.js';
import { denseAutoencoder, denseVae } from '../../src/models/index.js';
import { PCA } from '../../src/pca/index.js';

/** Deterministic data in [0, 1], `n × d`, row-major. */
function rows(n: number, d: number, seed = 1): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => 0.5 + 0.45 * Math.sin(seed * 7.1 + i * 1.3 + j * 0.77)));
}

/** Per-row mean of f(x, x̂) computed on the host in float64. */
function rowMeans(x: number[][], xHat: ArrayLike<number>, f: (a: number, b: number) => number): number[] {
  const d = x[0]!.length;
  return x.map((row, i) => row.reduce((acc, v, j) => acc + f(v, xHat[i * d + j]!), 0) / d);
}

function expectAllClose(actual: ArrayLike<number>, expected: readonly number[], digits: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe('anomalyScores', () => {
  it('gives the mean squared error of each row for a model that halves its input (a hand computation)', async () => {
    const halver = { kind: 'autoencoder' as const, reconstruct: (x: tf.Tensor) => tf.mul(x, 0.5) };
    const x = [
      [2, 0, 0, 0],
      [1, 1, 1, 1],
      [0, -4, 2, 0],
    ];
    // (x − x/2)² = x²/4, averaged over 4 features: row 0 → 1/4, row 1 → (4 · 1/4)/4 = 1/4, row 2 → (4 + 1)/4.
    const scores = await anomalyScores(halver, x);
    expect(scores).toBeInstanceOf(Float32Array);
    expect(Array.from(scores)).toEqual([0.25, 0.25, 1.25]);
  });

  it('matches a host computation from Autoencoder.reconstruct, whatever the batch size', async () => {
    const ae = denseAutoencoder({ inputDim: 6, hidden: [5], latentDim: 2, seed: 3 });
    const x = rows(11, 6);
    const xHat = tf.tidy(() => ae.reconstruct(x).dataSync());
    const expected = rowMeans(x, xHat, (a, b) => (a - b) ** 2);
    for (const batchSize of [1, 4, 11, 256]) {
      expectAllClose(await anomalyScores(ae, x, { batchSize }), expected, 6);
    }
    ae.dispose();
  });

  it("gives the mean binary cross-entropy per row with metric 'bce'", async () => {
    const ae = denseAutoencoder({ inputDim: 5, hidden: [4], latentDim: 2, seed: 4, loss: 'bce', outputActivation: 'sigmoid' });
    const x = rows(7, 5, 2);
    const xHat = tf.tidy(() => ae.reconstruct(x).dataSync());
    const expected = rowMeans(x, xHat, (t, p) => -(t * Math.log(p) + (1 - t) * Math.log(1 - p)));
    expectAllClose(await anomalyScores(ae, x, { metric: 'bce', batchSize: 3 }), expected, 5);
    ae.dispose();
  });

  it('scores a VAE by the error of its reconstruction at z = μ', async () => {
    const vae = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, seed: 5 });
    const x = rows(9, 6, 3);
    const xHat = tf.tidy(() => vae.reconstruct(x).dataSync());
    expectAllClose(await anomalyScores(vae, x, { batchSize: 4 }), rowMeans(x, xHat, (a, b) => (a - b) ** 2), 6);
    vae.dispose();
  });

  it("gives the negative ELBO with β = 1 for metric 'elbo' (a hand computation on a fixed posterior)", async () => {
    // A VAE-shaped object whose forward pass ignores the seed: reconstruction p = 0.25 everywhere,
    // μ = [1, 0], log σ² = [0, log 2] for every sample.
    const fixed: VariationalModel = {
      kind: 'vae',
      likelihood: 'bernoulli',
      reconstruct: (x) => tf.fill(x.shape, 0.25),
      forward: (x) => {
        const n = x.shape[0]!;
        return {
          reconstruction: tf.fill(x.shape, 0.25),
          mean: tf.tile(tf.tensor2d([[1, 0]]), [n, 1]),
          logVar: tf.tile(tf.tensor2d([[0, Math.log(2)]]), [n, 1]),
          z: tf.zeros([n, 2]),
        };
      },
    };
    const x = [
      [1, 0, 1],
      [0, 0, 0],
    ];
    // −log p(x|z) = Σ_j −(x log 0.25 + (1−x) log 0.75); KL = ½ Σ (σ² + μ² − 1 − log σ²) = ½(1 + (2 − 1 − log 2)).
    const kl = 0.5 * (1 + 1 - Math.log(2));
    const expected = [-(2 * Math.log(0.25) + Math.log(0.75)) + kl, -3 * Math.log(0.75) + kl];
    expectAllClose(await anomalyScores(fixed, x, { metric: 'elbo' }), expected, 5);
    // With several draws the same fixed pass is averaged: same result.
    expectAllClose(await anomalyScores(fixed, x, { metric: 'elbo', samples: 3 }), expected, 5);
  });

  it("gives the same 'elbo' scores for the same seed and different ones for another seed", async () => {
    const vae = denseVae({ inputDim: 6, hidden: [5], latentDim: 2, seed: 6 });
    const x = rows(8, 6, 4);
    const a = await anomalyScores(vae, x, { metric: 'elbo', seed: 11, batchSize: 3 });
    const b = await anomalyScores(vae, x, { metric: 'elbo', seed: 11, batchSize: 3 });
    const c = await anomalyScores(vae, x, { metric: 'elbo', seed: 12, batchSize: 3 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // The negative ELBO bounds −log p(x) from above: it is at least the KL term's floor of 0
    // plus a positive reconstruction term.
    a.forEach((v) => expect(v).toBeGreaterThan(0));
    vae.dispose();
  });

  it('divides a PCA-like squared reconstruction error by the number of features', async () => {
    // A projection onto nothing: the squared error of a row is the sum of its squares.
    const zero = {
      reconstructionError: (x: tf.Tensor2D) => tf.tidy(() => tf.sum(tf.square(x), 1).dataSync()),
    };
    const x = [
      [3, 4],
      [1, 1],
    ];
    expect(Array.from(await anomalyScores(zero, x, { batchSize: 1 }))).toEqual([12.5, 1]);
  });

  it('scores a fitted PCA by its squared reconstruction error per feature, computed on the host in float64', async () => {
    const train = rows(40, 5, 6);
    const pca = new PCA({ nComponents: 2 }).fit(train);
    const test = rows(13, 5, 7);
    const sums = pca.reconstructionError(test); // Float64Array: Σ_j (x_ij − x̂_ij)², in float64
    const scores = await anomalyScores(pca, test, { batchSize: 5 });
    expectAllClose(scores, Array.from(sums, (v) => v / 5), 6);
  });

  it('flattens images [n, h, w, 1] for a PCA fitted on [n, h·w] rows', async () => {
    const flat = rows(30, 4, 8);
    const pca = new PCA({ nComponents: 1 }).fit(flat);
    const images = tf.tensor4d(flat.flat(), [30, 2, 2, 1]);
    const before = tf.memory().numTensors;
    const scores = await anomalyScores(pca, images, { batchSize: 7 });
    expect(tf.memory().numTensors).toBe(before);
    expectAllClose(scores, Array.from(pca.reconstructionError(flat), (v) => v / 4), 6);
    images.dispose();
  });

  it('accepts images [n, h, w, c] and { data, shape } inputs', async () => {
    const halver = { kind: 'autoencoder' as const, reconstruct: (x: tf.Tensor) => tf.mul(x, 0.5) };
    const data = Float32Array.from({ length: 2 * 2 * 2 * 1 }, (_, i) => i);
    const scores = await anomalyScores(halver, { data, shape: [2, 2, 2, 1] });
    // Row 0: (0² + 1² + 2² + 3²)/4 / 4 = 14/16; row 1: (16 + 25 + 36 + 49)/16.
    expect(Array.from(scores)).toEqual([14 / 16, 126 / 16]);
  });

  it('leaves no tensor behind, for tensor and array inputs and every metric', async () => {
    const ae = denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2, seed: 7 });
    const vae = denseVae({ inputDim: 4, hidden: [3], latentDim: 2, seed: 8 });
    const x = rows(10, 4);
    const xt = tf.tensor2d(x);
    const before = tf.memory().numTensors;
    await anomalyScores(ae, x, { batchSize: 3 });
    await anomalyScores(ae, xt, { batchSize: 3, metric: 'bce' });
    await anomalyScores(vae, xt, { batchSize: 4 });
    await anomalyScores(vae, x, { batchSize: 4, metric: 'elbo', samples: 2 });
    await expect(anomalyScores(ae, x, { metric: 'elbo' })).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    expect(xt.isDisposed).toBe(false);
    xt.dispose();
    ae.dispose();
    vae.dispose();
  });

  it('leaves no tensor behind when the scores are NaN and it throws', async () => {
    const ae = denseAutoencoder({ inputDim: 3, hidden: [3], latentDim: 1, seed: 9 });
    const nan = tf.tensor2d([[0, 1, 2], [NaN, 1, 2]]);
    const before = tf.memory().numTensors;
    // A number[][] is checked as it is copied; a tensor is not read back, so its NaN shows in the scores.
    await expect(anomalyScores(ae, [[0, 1, 2], [NaN, 1, 2]])).rejects.toThrow("anomalyScores: argument 'x' must hold finite numbers, found NaN at row 1, column 0");
    await expect(anomalyScores(ae, nan)).rejects.toThrow(
      /anomalyScores: the score of sample 1 of argument 'x' is NaN: the input holds NaN\/Infinity or the model diverged/,
    );
    expect(tf.memory().numTensors).toBe(before);
    nan.dispose();
    ae.dispose();
  });

  it('rejects a metric that does not fit the model', async () => {
    const ae = denseAutoencoder({ inputDim: 3, hidden: [3], latentDim: 1, seed: 9 });
    const pca = { reconstructionError: () => new Float64Array(1) };
    await expect(anomalyScores(ae, [[0, 1, 2]], { metric: 'elbo' })).rejects.toThrow(/anomalyScores: metric 'elbo' needs a VAE, got an autoencoder/);
    await expect(anomalyScores(pca, [[0, 1, 2]], { metric: 'bce' })).rejects.toThrow(/a PCA is scored by its squared reconstruction error: metric must be 'mse', got 'bce'/);
    ae.dispose();
  });

  it('rejects what is not a model, a CVAE, bad options and empty input, naming the argument', async () => {
    const ae = denseAutoencoder({ inputDim: 3, hidden: [3], latentDim: 1, seed: 9 });
    await expect(anomalyScores({} as never, [[1]])).rejects.toThrow(/anomalyScores: argument 'model' must be an Autoencoder, a VAE or a fitted PCA/);
    await expect(anomalyScores({ kind: 'cvae', reconstruct: () => null } as never, [[1]])).rejects.toThrow(/is a CVAE, whose reconstruction needs class labels/);
    await expect(anomalyScores(ae, [[0, 1, 2]], { batchSize: 0 })).rejects.toThrow(/argument 'options.batchSize' must be an integer >= 1, got the number 0/);
    await expect(anomalyScores(ae, [[0, 1, 2]], { metric: 'mae' as never })).rejects.toThrow(/argument 'options.metric' must be one of 'mse', 'bce', 'elbo'/);
    await expect(anomalyScores(ae, [[0, 1, 2]], { batch: 3 } as never)).rejects.toThrow(/unknown option 'batch'/);
    await expect(anomalyScores(ae, [])).rejects.toThrow(/argument 'x' must be a non-empty number\[\]\[\]/);
    await expect(anomalyScores(ae, [[0, 1]])).rejects.toThrow(/must have shape \[\?,3\]/);
    ae.dispose();
  });
});
