// logLikelihood: the importance-sampled log p(x) of VAEs and CVAEs.
// Ref: the per-sample estimates and log weights come from PyTorch (torch.distributions and
// torch.logsumexp, float64 from the same float32 weights and the same noise ε), written to
// tests/fixtures/variational.json by tests/fixtures/make-variational-fixtures.py.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/variational.json' with { type: 'json' };
import { CVAE, VAE, denseAutoencoder, denseCvae, denseVae } from '../../src/models/index.js';
import type { ImportanceSampledModel } from '../../src/models/index.js';
import { evaluate, logLikelihood, train } from '../../src/train/index.js';
import { prepareData } from '../../src/train/data.js';
import { estimateLogLikelihood } from '../../src/train/likelihood.js';
import { manifoldData } from '../models/helpers.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface DenseWeights {
  kernel: Encoded;
  bias: Encoded;
}
interface FixtureModel {
  name: string;
  model: { likelihood: 'bernoulli' | 'gaussian'; encoder: DenseWeights[]; decoder: DenseWeights[] };
  x: Encoded;
  labels?: number[];
  logLikelihood: Encoded;
  logLikelihoodK1: Encoded;
  logWeights: Encoded;
}

const models = fixture.models as unknown as FixtureModel[];

function setDense(layer: tfl.layers.Layer, w: DenseWeights): void {
  layer.setWeights([tf.tensor(w.kernel.data, w.kernel.shape), tf.tensor(w.bias.data, w.bias.shape)]);
}

/** The fixture's networks in tfjs-layers, with its weights. */
function build(f: FixtureModel): VAE | CVAE {
  const { likelihood, encoder, decoder } = f.model;
  const [inDim, hidden] = encoder[0]!.kernel.shape as [number, number];
  const latent = encoder[1]!.kernel.shape[1]!;
  const zIn = decoder[0]!.kernel.shape[0]!;
  const outDim = decoder[1]!.kernel.shape[1]!;
  const input = tfl.input({ shape: [inDim] });
  const h = tfl.layers.dense({ units: hidden, activation: 'relu' });
  const mu = tfl.layers.dense({ units: latent });
  const lv = tfl.layers.dense({ units: latent });
  const hOut = h.apply(input) as tfl.SymbolicTensor;
  const enc = tfl.model({ inputs: input, outputs: [mu.apply(hOut) as tfl.SymbolicTensor, lv.apply(hOut) as tfl.SymbolicTensor] });
  const zInput = tfl.input({ shape: [zIn] });
  const d1 = tfl.layers.dense({ units: hidden, activation: 'relu' });
  const d2 = tfl.layers.dense({ units: outDim });
  let out = d2.apply(d1.apply(zInput)) as tfl.SymbolicTensor;
  if (likelihood === 'bernoulli') out = tfl.layers.activation({ activation: 'sigmoid' }).apply(out) as tfl.SymbolicTensor;
  const dec = tfl.model({ inputs: zInput, outputs: out });
  [h, mu, lv].forEach((l, i) => setDense(l, encoder[i]!));
  [d1, d2].forEach((l, i) => setDense(l, decoder[i]!));
  const numClasses = inDim - outDim;
  return numClasses > 0 ? new CVAE({ encoder: enc, decoder: dec, numClasses, likelihood }) : new VAE({ encoder: enc, decoder: dec, likelihood });
}

/** ε `[K, n, latentDim]`, shared by the fixture's models. */
const NOISE = fixture.noise as unknown as Encoded;

function dataOf(f: FixtureModel): tf.Tensor | { x: tf.Tensor; y: number[] } {
  const x = tf.tensor(f.x.data, f.x.shape);
  return f.labels === undefined ? x : { x, y: f.labels };
}

/** The estimate with the fixture's ε, `chunk` draws at a time over batches of `batchSize`. */
async function withFixtureNoise(model: ImportanceSampledModel, f: FixtureModel, batchSize: number, chunk: number, samples?: number): Promise<Float32Array> {
  const all = tf.tensor3d(NOISE.data, NOISE.shape as [number, number, number]);
  const data = dataOf(f);
  const { source, owned } = prepareData(data, 'test', 'data', {});
  try {
    return await estimateLogLikelihood(model, source, {
      fn: 'test',
      samples: samples ?? all.shape[0],
      batchSize,
      chunk,
      noise: (b, c, k, n, d) => tf.slice(all, [c * chunk, b * batchSize, 0], [k, n, d]) as tf.Tensor3D,
    });
  } finally {
    tf.dispose([all, owned, data instanceof tf.Tensor ? data : data.x]);
  }
}

function closeRel(got: ArrayLike<number>, want: Encoded, rtol: number, label: string): void {
  expect(got.length).toBe(want.data.length);
  want.data.forEach((w, i) => {
    const err = Math.abs(got[i]! - w);
    if (!(err <= rtol * Math.abs(w))) throw new Error(`${label}[${i}]: got ${got[i]}, PyTorch ${w} (relative error ${(err / Math.abs(w)).toExponential(2)})`);
  });
}

const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;

describe('logLikelihood', () => {
  for (const f of models) {
    it(`matches PyTorch per sample to 1e-4 relative with the same weights and ε: ${f.name}`, async () => {
      const model = build(f);
      const before = tf.memory().numTensors;
      // Uneven batches and chunks: the streamed log-sum-exp must not depend on how K is split.
      const streamed = await withFixtureNoise(model, f, 2, 7);
      closeRel(streamed, f.logLikelihood, 1e-4, 'log p(x)');
      const one = await withFixtureNoise(model, f, 5, 1, 1);
      closeRel(one, f.logLikelihoodK1, 1e-4, 'log p(x), K = 1');
      const logW = tf.tidy(() => {
        const all = tf.tensor(NOISE.data, NOISE.shape);
        const x = tf.tensor(f.x.data, f.x.shape);
        return model.logImportanceWeights(f.labels === undefined ? { x } : { x, y: tf.tensor1d(f.labels, 'int32') }, all);
      });
      closeRel(logW.dataSync(), f.logWeights, 1e-4, 'log w');
      logW.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  it('is at least the ELBO on average and rises with K (Burda et al. 2016, theorem 1)', async () => {
    const x = manifoldData(256, 8, 4);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 3 });
    await train(vae, x, { epochs: 15, batchSize: 64, learningRate: 0.01, seed: 1 });
    const before = tf.memory().numTensors;
    const elbo = -(await evaluate(vae, x, { samples: 64, seed: 2 })).loss;
    const byK = [];
    for (const samples of [1, 8, 64]) byK.push(mean(await logLikelihood(vae, x, { samples, seed: 5 })));
    expect(tf.memory().numTensors).toBe(before);
    // K = 1 is an unbiased estimate of the ELBO (with a sampled KL): close to it.
    expect(Math.abs(byK[0]! - elbo)).toBeLessThan(0.05 * Math.abs(elbo) + 0.2);
    expect(byK[1]!).toBeGreaterThan(elbo);
    expect(byK[1]!).toBeGreaterThan(byK[0]!);
    expect(byK[2]!).toBeGreaterThanOrEqual(byK[1]! - 1e-3);
    vae.dispose();
    x.dispose();
  });

  it('gives the same numbers for a stream of batches as for the same batches in memory, and covers the CVAE', async () => {
    const x = manifoldData(12, 8, 2);
    const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
    const cvae = denseCvae({ inputDim: 8, numClasses: 3, hidden: [8], latentDim: 2, seed: 4 });
    const before = tf.memory().numTensors;
    const memory = await logLikelihood(cvae, { x, y: labels }, { samples: 20, batchSize: 4, seed: 9 });
    const stream = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 12; i += 4) {
          const rows = tf.slice(x, [i, 0], [4, 8]);
          yield { x: rows, y: labels.slice(i, i + 4) };
          rows.dispose();
        }
      },
    };
    const streamed = await logLikelihood(cvae, stream, { samples: 20, seed: 9 });
    expect(Array.from(streamed)).toEqual(Array.from(memory));
    expect(memory.length).toBe(12);
    memory.forEach((v) => expect(Number.isFinite(v) && v < 0).toBe(true));
    expect(tf.memory().numTensors).toBe(before);
    cvae.dispose();
    x.dispose();
  });

  it('refuses bad input, naming the function and the argument', async () => {
    const x = manifoldData(4, 8, 1);
    const vae = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1 });
    const ae = denseAutoencoder({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1 });
    const cvae = denseCvae({ inputDim: 8, numClasses: 2, hidden: [4], latentDim: 2, seed: 1 });
    await expect(logLikelihood(vae, x, { samples: 0 })).rejects.toThrow("logLikelihood: argument 'options.samples' must be an integer >= 1");
    await expect(logLikelihood(vae, x, { sample: 3 } as never)).rejects.toThrow("logLikelihood: unknown option 'sample' in 'options'");
    await expect(logLikelihood(ae as never, x)).rejects.toThrow(/logLikelihood: argument 'model' must be a VAE or CVAE/);
    await expect(logLikelihood(vae, tf.zeros([2, 5]) as never)).rejects.toThrow(/logLikelihood: argument 'data' must have shape \[\?,8\]/);
    await expect(logLikelihood(cvae, x)).rejects.toThrow(/labels|'data'/);
    const nan = tf.fill([2, 8], NaN);
    await expect(logLikelihood(vae, nan, { samples: 3 })).rejects.toThrow(/logLikelihood: the estimate for sample 0 is NaN/);
    expect(() => vae.logImportanceWeights({ x }, tf.zeros([3, 4, 5]))).toThrow("VAE.logImportanceWeights: argument 'noise' must have shape [k,4,2]");
    vae.dispose();
    await expect(logLikelihood(vae, x)).rejects.toThrow("logLikelihood: argument 'model' was disposed");
    tf.dispose([x, nan]);
    ae.dispose();
    cvae.dispose();
  });
});
