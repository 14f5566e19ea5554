import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { gaussianKl } from '../../src/losses/index.js';
import { CVAE, denseCvae } from '../../src/models/index.js';
import { oneHotLabels } from '../../src/models/internal.js';
import { denseDecoder, gaussianEncoder } from '../../src/nn/index.js';
import { evaluate, fit } from './helpers.js';

const K = 3;
const D = 9;

/** Class k lights up features 3k..3k+2 (≈0.9), the others stay dark (≈0.1), with noise. */
function separable(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D; prototypes: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = Array.from({ length: n }, (_, i) => i % K);
    const y = tf.tensor1d(labels, 'int32');
    const prototypes = tf.tensor2d(
      Array.from({ length: K }, (_, k) => Array.from({ length: D }, (_, j) => (Math.floor(j / 3) === k ? 0.9 : 0.1))),
    );
    const noise = tf.randomUniform([n, D], -0.08, 0.08, 'float32', seed);
    const x = tf.add(tf.gather(prototypes, y), noise) as tf.Tensor2D;
    return { x, y, prototypes };
  });
}

/** Index of the nearest prototype of each row. */
function nearest(samples: tf.Tensor2D, prototypes: tf.Tensor2D): number[] {
  return tf.tidy(() => {
    const d = tf.sum(tf.squaredDifference(tf.expandDims(samples, 1), tf.expandDims(prototypes, 0)), 2);
    return Array.from(tf.argMin(d, 1).dataSync());
  });
}

function tiny(options: Partial<Parameters<typeof denseCvae>[0]> = {}): CVAE {
  return denseCvae({ inputDim: D, numClasses: K, hidden: [16], latentDim: 2, seed: 1, ...options });
}

describe('CVAE', () => {
  it('generates samples of the asked class after training on a separable toy set', () => {
    const { x, y, prototypes } = separable(96, 1);
    const cvae = tiny();
    const asked = Array.from({ length: 60 }, (_, i) => (i * 7) % K);
    const accuracy = (): number => {
      const generated = cvae.generate(asked, { seed: 3 }) as tf.Tensor2D;
      expect(generated.shape).toEqual([60, D]);
      const got = nearest(generated, prototypes);
      generated.dispose();
      return got.filter((g, i) => g === asked[i]).length / asked.length;
    };
    expect(accuracy()).toBeLessThan(0.7); // untrained: about chance (1/3)
    fit(cvae, { x, y }, { steps: 150, learningRate: 0.02, seed: 2 });
    expect(accuracy()).toBeGreaterThanOrEqual(0.95);
    tf.dispose([x, y, prototypes]);
    cvae.dispose();
  });

  it('samples the classes 0, 1, …, K−1 in turn, seeded', () => {
    const cvae = tiny();
    const before = tf.memory().numTensors;
    const a = cvae.sample(5, { seed: 4 });
    const b = cvae.generate([0, 1, 2, 0, 1], { seed: 4 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    cvae.dispose();
  });

  it('reports a KL term equal to gaussianKl of the label-conditioned posterior', () => {
    const { x, y, prototypes } = separable(30, 2);
    const cvae = tiny();
    const { kl, loss, reconstruction } = evaluate(cvae, { x, y });
    const reference = tf.tidy(() => {
      const { mean, logVar } = cvae.posterior(x, y);
      return tf.mean(gaussianKl(mean, logVar)).dataSync()[0]!;
    });
    expect(kl).toBeCloseTo(reference, 5);
    expect(loss).toBeCloseTo(reconstruction! + kl!, 4);
    tf.dispose([x, y, prototypes]);
    cvae.dispose();
  });

  it('runs every method with labels as a tensor, an array or an Int32Array, without leaks', () => {
    const { x, y, prototypes } = separable(6, 3);
    const cvae = tiny();
    const before = tf.memory().numTensors;
    const labels = [0, 1, 2, 0, 1, 2];
    const z = cvae.encode(x, y);
    const zArr = cvae.encode(x, labels);
    const zInt = cvae.encode(x, Int32Array.from(labels));
    expect(Array.from(z.dataSync())).toEqual(Array.from(zArr.dataSync()));
    expect(Array.from(z.dataSync())).toEqual(Array.from(zInt.dataSync()));
    const zs = cvae.encode(x, y, { sample: true, seed: 1 });
    const dec = cvae.decode(z, y);
    const rec = cvae.reconstruct(x, y);
    expect(Array.from(dec.dataSync())).toEqual(Array.from(rec.dataSync()));
    const out = cvae.forward(x, y, { seed: 1 });
    expect(Array.from(out.z.dataSync())).toEqual(Array.from(zs.dataSync()));
    const loss = cvae.computeLoss({ x, y }, { training: true, seed: 1 });
    tf.dispose([z, zArr, zInt, zs, dec, rec, out, loss.loss, loss.terms]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, prototypes]);
    cvae.dispose();
  });

  it('rejects labels that are missing, out of range or of the wrong count', () => {
    const { x, y, prototypes } = separable(6, 3);
    const cvae = tiny();
    const before = tf.memory().numTensors;
    expect(() => cvae.computeLoss({ x }, { training: true })).toThrow("CVAE.computeLoss: argument 'batch.y' is required: class labels, integers in [0, 3), 6 of them");
    expect(() => cvae.encode(x, [0, 1, 2, 0, 1, 3])).toThrow("CVAE.encode: argument 'labels' must hold integers in [0, 3), found the number 3 at index 5");
    expect(() => cvae.encode(x, [0, 1])).toThrow("CVAE.encode: argument 'labels' must hold 6 labels (one per row of the data), got 2");
    expect(() => cvae.generate([0.5])).toThrow(/found the number 0.5 at index 0/);
    expect(() => cvae.generate('0' as never)).toThrow(TypeError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, prototypes]);
    cvae.dispose();
  });

  it('accepts two-input networks that take the one-hot label separately', () => {
    const start = tf.memory().numTensors;
    const xIn = tfl.input({ shape: [D] });
    const yIn = tfl.input({ shape: [K] });
    const joined = tfl.layers.concatenate().apply([xIn, yIn]) as tfl.SymbolicTensor;
    const heads = gaussianEncoder({ inputDim: D + K, latentDim: 2, seed: 1 });
    const encoder = tfl.model({ inputs: [xIn, yIn], outputs: heads.apply(joined) as tfl.SymbolicTensor[] });
    const zIn = tfl.input({ shape: [2] });
    const yIn2 = tfl.input({ shape: [K] });
    const body = denseDecoder({ latentDim: 2 + K, outputDim: D, seed: 2 });
    const decoder = tfl.model({
      inputs: [zIn, yIn2],
      outputs: body.apply(tfl.layers.concatenate().apply([zIn, yIn2])) as tfl.SymbolicTensor,
    });
    const cvae = new CVAE({ encoder, decoder, numClasses: K });
    expect(cvae.inputShape).toEqual([D]);
    const { x, y, prototypes } = separable(6, 1);
    const before = tf.memory().numTensors;
    const out = cvae.generate([0, 2]);
    expect(out.shape).toEqual([2, D]);
    const t = evaluate(cvae, { x, y });
    expect(Number.isFinite(t.loss)).toBe(true);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, prototypes]);
    cvae.dispose(); // the nested networks are layers of the wrappers and go with them
    expect(tf.memory().numTensors).toBe(start);
  });

  it('checks the label width of the networks at construction', () => {
    const encoder = gaussianEncoder({ inputDim: D + K, latentDim: 2 });
    const decoder = denseDecoder({ latentDim: 2 + K, outputDim: D });
    const badDecoder = denseDecoder({ latentDim: 2, outputDim: D });
    expect(() => new CVAE({ encoder, decoder: badDecoder, numClasses: K })).toThrow(
      "CVAE: the decoder's input must have shape [?,5] (latentDim + numClasses: z joined to the one-hot label), got [?,2]",
    );
    expect(() => new CVAE({ encoder, decoder, numClasses: 12 })).toThrow(
      "CVAE: the encoder's input must have shape [?,d+12] (the data joined to the one-hot label of numClasses = 12), got [?,12]",
    );
    expect(() => new CVAE({ encoder, decoder, numClasses: 0 })).toThrow(/numClasses/);
    const cvae = new CVAE({ encoder, decoder, numClasses: K, beta: 0.5 });
    expect(cvae.getConfig()).toEqual({ kind: 'cvae', inputShape: [D], latentDim: 2, numClasses: K, likelihood: 'bernoulli', beta: 0.5, objective: { kind: 'elbo', beta: 0.5, freeBits: 0 } });
    cvae.dispose();
    badDecoder.dispose();
  });

  it('leaves the tensor count where it started after creating, training and disposing', () => {
    const { x, y, prototypes } = separable(12, 1);
    const before = tf.memory().numTensors;
    const cvae = tiny();
    fit(cvae, { x, y }, { steps: 3 });
    cvae.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, prototypes]);
  });

  it('does not read tensor labels back where that would stall a GPU: an out-of-range label gives a row of NaN', () => {
    const before = tf.memory().numTensors;
    const good = tf.tensor1d([0, 2, 1], 'int32');
    const bad = tf.tensor1d([0, 3, -1], 'int32');
    const ok = tf.tidy(() => oneHotLabels(good, 3, 3, 'test', 'y', false));
    const poisoned = tf.tidy(() => oneHotLabels(bad, 3, 3, 'test', 'y', false));
    expect(Array.from(ok.dataSync())).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(Array.from(poisoned.dataSync()).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([1, 0, 0, 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN']);
    // On the cpu backend the same labels are read back and rejected.
    expect(() => tf.tidy(() => oneHotLabels(bad, 3, 3, 'test', 'y'))).toThrow("test: argument 'y' must hold integers in [0, 3), found the number 3 at index 1");
    tf.dispose([good, bad, ok, poisoned]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
