import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { loadModel, saveModel } from '../../src/io/index.js';
import { mse } from '../../src/losses/index.js';
import { CVAE, VAE, convCvae, convVae, convVqVae } from '../../src/models/index.js';
import { train } from '../../src/train/index.js';
import { bars } from './helpers.js';

/** The MSE of predicting the mean image. */
function meanImageMse(x: tf.Tensor): number {
  return tf.tidy(() => mse(x, tf.broadcastTo(tf.mean(x, 0, true), x.shape)).dataSync()[0]!);
}

/** Epochs of the learning test (on wasm, a few seconds). */
const EPOCHS = 60;

describe('convVae and convCvae', () => {
  afterAll(async () => {
    await useBackend('cpu');
  });

  it('builds networks of the documented shapes, odd sizes cropped back', () => {
    const start = tf.memory().numTensors;
    const vae = convVae({ inputShape: [28, 28, 1], filters: [8, 16], latentDim: 5, seed: 1 });
    expect(vae.encoder.outputs.map((o) => o.shape)).toEqual([[null, 5], [null, 5]]);
    expect(vae.decoder.inputs[0]!.shape).toEqual([null, 5]);
    expect(vae.decoder.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    // the decoder's dense layer feeds a 7×7×16 map
    expect(vae.decoder.layers.find((l) => l.getClassName() === 'Reshape')!.outputShape).toEqual([null, 7, 7, 16]);
    const odd = convVae({ inputShape: [10, 9, 3], filters: [4, 4], latentDim: 2, likelihood: 'gaussian', seed: 1 });
    const x = tf.randomUniform([2, 10, 9, 3]);
    const rec = odd.reconstruct(x);
    expect(rec.shape).toEqual([2, 10, 9, 3]);
    expect(odd.decoder.layers.at(-1)!.getClassName()).not.toBe('Activation'); // linear output for the Gaussian likelihood
    const cvae = convCvae({ inputShape: [28, 28, 1], filters: [8, 16], latentDim: 4, numClasses: 10, seed: 2 });
    expect(cvae.encoder.inputs.map((i) => i.shape)).toEqual([[null, 28, 28, 1], [null, 10]]);
    expect(cvae.decoder.inputs[0]!.shape).toEqual([null, 14]);
    const g = cvae.generate([1, 2, 3], { seed: 1 });
    expect(g.shape).toEqual([3, 28, 28, 1]);
    tf.dispose([x, rec, g]);
    vae.dispose();
    odd.dispose();
    cvae.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('trains a conv VAE and a conv CVAE on toy bar images on wasm: reconstructions beat the mean image threefold', async () => {
    await useBackend('wasm');
    const { x, y } = bars(96, 3);
    const baseline = meanImageMse(x);
    const vae = convVae({ inputShape: [8, 8, 1], filters: [8, 16], latentDim: 3, seed: 1 });
    const history = await train(vae, x, { epochs: EPOCHS, batchSize: 16, learningRate: 0.01, seed: 2 });
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss);
    const rec = tf.tidy(() => mse(x, vae.reconstruct(x)).dataSync()[0]!);
    expect(rec).toBeLessThan(baseline / 3);
    const cvae = convCvae({ inputShape: [8, 8, 1], filters: [8, 16], latentDim: 2, numClasses: 2, seed: 1 });
    const h2 = await train(cvae, { x, y }, { epochs: EPOCHS, batchSize: 16, learningRate: 0.01, seed: 2 });
    expect(h2.epochs.at(-1)!.loss).toBeLessThan(h2.epochs[0]!.loss);
    const rec2 = tf.tidy(() => mse(x, cvae.reconstruct(x, y)).dataSync()[0]!);
    expect(rec2).toBeLessThan(baseline / 3);
    vae.dispose();
    cvae.dispose();
    tf.dispose([x, y]);
  });

  it('trains the same on cpu as on wasm: the first epochs give the same losses', async () => {
    const losses: number[][] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      await useBackend(backend);
      const { x } = bars(32, 3);
      const vae = convVae({ inputShape: [8, 8, 1], filters: [4, 8], latentDim: 2, seed: 1 });
      const history = await train(vae, x, { epochs: 3, batchSize: 16, learningRate: 0.01, seed: 2 });
      losses.push(history.epochs.map((e) => e.loss));
      vae.dispose();
      x.dispose();
    }
    expect(losses[1]![2]).toBeLessThan(losses[1]![0]!);
    losses[1]!.forEach((l, i) => expect(Math.abs(l - losses[0]![i]!)).toBeLessThan(1e-3 * Math.abs(l)));
  });

  it('trains a conv VQ-VAE on wasm too', async () => {
    await useBackend('wasm');
    const { x } = bars(64, 5);
    const vq = convVqVae({ inputShape: [8, 8, 1], filters: [8], codebookSize: 16, codeDim: 4, seed: 1 });
    const history = await train(vq, x, { epochs: 10, batchSize: 16, learningRate: 0.01, seed: 2 });
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss);
    vq.dispose();
    x.dispose();
    await useBackend('cpu');
  });

  it('saves and loads both, the CVAE with its two-input encoder', async () => {
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 1);
    const vae = convVae({ inputShape: [8, 8, 1], filters: [2, 3], latentDim: 2, seed: 1 });
    const a = await loadModel(await saveModel(vae, { type: 'memory' }), { kind: 'vae' });
    expect(a).toBeInstanceOf(VAE);
    const [r1, r2] = [vae.reconstruct(x), a.reconstruct(x)];
    expect(Array.from(r2.dataSync())).toEqual(Array.from(r1.dataSync()));
    const cvae = convCvae({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, numClasses: 3, seed: 1 });
    const b = await loadModel(await saveModel(cvae, { type: 'memory' }), { kind: 'cvae' });
    expect(b).toBeInstanceOf(CVAE);
    const [s1, s2] = [cvae.reconstruct(x, [0, 1, 2]), b.reconstruct(x, [0, 1, 2])];
    expect(Array.from(s2.dataSync())).toEqual(Array.from(s1.dataSync()));
    tf.dispose([x, r1, r2, s1, s2]);
    [vae, a, cvae, b].forEach((m) => m.dispose());
  });

  it('rejects bad options in the factory name, building nothing', () => {
    const start = tf.memory().numTensors;
    expect(() => convVae({ inputShape: [8, 8], filters: [2], latentDim: 2 } as never)).toThrow(/convVae: argument 'inputShape' must be an \[height, width, channels\] array/);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [], latentDim: 2 })).toThrow(/convVae: argument 'filters' must be a non-empty array/);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [2], latentDim: 0 })).toThrow(/convVae: argument 'latentDim' must be an integer >= 1/);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, likelihood: 'poisson' as never })).toThrow(/convVae: argument 'likelihood' must be one of 'bernoulli', 'gaussian'/);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, beta: -1 })).toThrow(/convVae: argument 'beta'/);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, kernelSize: 0 })).toThrow(/convVae: argument 'kernelSize'/);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, objective: {} } as never)).toThrow(/convVae: argument 'objective.kind' must be 'elbo', 'iwae', 'beta-tc' or 'mmd'/);
    expect(() => convCvae({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, numClasses: 2, objective: { kind: 'beta-tc', beta: -1 } })).toThrow(
      /convCvae: argument 'objective.beta' must be a finite number >= 0/,
    );
    expect(() => convCvae({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, numClasses: 0 })).toThrow(/convCvae: argument 'numClasses' must be an integer >= 1/);
    expect(tf.memory().numTensors).toBe(start);
  });
});
