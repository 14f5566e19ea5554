import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mse } from '../../src/losses/index.js';
import { VQVAE, convVqVae, denseVqVae } from '../../src/models/index.js';
import { denseDecoder, denseEncoder } from '../../src/nn/index.js';
import { straightThrough } from '../../src/nn/vector-quantizer.js';
import { train } from '../../src/train/index.js';
import { evaluate, meanPredictorMse } from './helpers.js';

/** Toy data: 12 well separated cluster centres in 8 dimensions, each sample a centre plus small noise. */
function clusters(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const centres = tf.randomUniform([12, 8], 0, 1, 'float32', seed);
    const which = tf.cast(tf.floor(tf.randomUniform([n], 0, 12 - 1e-4, 'float32', seed + 1)), 'int32');
    return tf.clipByValue(tf.add(tf.gather(centres, which), tf.randomNormal([n, 8], 0, 0.02, 'float32', seed + 2)), 0, 1) as tf.Tensor2D;
  });
}

function tiny(options: Partial<Parameters<typeof denseVqVae>[0]> = {}): VQVAE {
  return denseVqVae({ inputDim: 8, hidden: [32], codebookSize: 16, codeDim: 4, seed: 1, ...options });
}

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('VQVAE', () => {
  it('learns 12 clusters through train: reconstructions beat the mean predictor tenfold and many codes are used', async () => {
    const x = clusters(256, 3);
    const vq = tiny();
    const before = evaluate(vq, { x });
    await train(vq, x, { epochs: 30, batchSize: 32, learningRate: 0.01, seed: 4 });
    const after = evaluate(vq, { x });
    expect(after.loss).toBeLessThan(before.loss!);
    const rec = tf.tidy(() => mse(x, vq.reconstruct(x)).dataSync()[0]!);
    expect(rec).toBeLessThan(0.1 * meanPredictorMse(x));
    const usage = await vq.codebookUsage(x);
    expect(usage.counts.reduce((a, b) => a + b, 0)).toBe(256);
    expect(usage.perplexity).toBeGreaterThan(6);
    vq.dispose();
    x.dispose();
  });

  it('learns with EMA codebook updates: the codebook is not a trainable variable but moves in training', async () => {
    const x = clusters(256, 5);
    const vq = tiny({ ema: { decay: 0.9 } });
    expect(vq.trainableVariables).not.toContain(vq.codebook);
    const start = values(vq.codebook);
    await train(vq, x, { epochs: 30, batchSize: 32, learningRate: 0.01, seed: 4 });
    expect(values(vq.codebook)).not.toEqual(start);
    const rec = tf.tidy(() => mse(x, vq.reconstruct(x)).dataSync()[0]!);
    expect(rec).toBeLessThan(0.1 * meanPredictorMse(x));
    const plain = tiny();
    expect(plain.trainableVariables).toContain(plain.codebook);
    plain.dispose();
    vq.dispose();
    x.dispose();
  });

  it('restarts dead codes: more codes end up in use than without restarts', async () => {
    const x = clusters(256, 7);
    const perplexity = async (deadCodes: { kind: 'restart' } | { kind: 'keep' }): Promise<number> => {
      const vq = tiny({ codebookSize: 32, deadCodes, seed: 2 });
      await train(vq, x, { epochs: 15, batchSize: 32, learningRate: 0.01, seed: 4 });
      const { perplexity: p } = await vq.codebookUsage(x);
      vq.dispose();
      return p;
    };
    const kept = await perplexity({ kind: 'keep' });
    const restarted = await perplexity({ kind: 'restart' });
    // (over three data seeds and two model seeds: kept 7.3–9.7, restarted 15.0–19.3)
    expect(restarted).toBeGreaterThan(1.4 * kept);
    x.dispose();
  });

  it('changes no state in evaluation: computeLoss with training false leaves the codebook as it was', () => {
    const x = clusters(32, 9);
    const vq = tiny({ ema: { decay: 0.5 } });
    const start = values(vq.codebook);
    tf.dispose(vq.computeLoss({ x }, { training: false }));
    expect(values(vq.codebook)).toEqual(start);
    tf.dispose(vq.computeLoss({ x }, { training: true, seed: 1 }));
    expect(values(vq.codebook)).not.toEqual(start);
    vq.dispose();
    x.dispose();
  });

  it('passes the decoder gradient straight through the quantisation to the encoder output', () => {
    const z = tf.tensor2d([[0.1, 0.2], [0.3, -0.4]]);
    const q = tf.tensor2d([[1, 2], [3, 4]]);
    const w = tf.tensor2d([[1, -2], [0.5, 3]]);
    const value = straightThrough(z, q);
    expect(values(value)).toEqual(values(q));
    const [dz, dq] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(w, straightThrough(a, b))))([z, q]);
    expect(values(dz!)).toEqual(values(w));
    expect(values(dq!)).toEqual([0, 0, 0, 0]);
    tf.dispose([z, q, w, value, dz, dq]);
  });

  it('gives every encoder weight a gradient through the straight-through estimator', () => {
    const x = clusters(16, 11);
    const vq = tiny({ deadCodes: { kind: 'keep' } });
    const encoderVars = vq.encoder.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => vq.computeLoss({ x }, { training: false }).loss, encoderVars);
    for (const v of encoderVars) expect(tf.tidy(() => tf.sum(tf.abs(grads[v.name]!)).dataSync()[0]!)).toBeGreaterThan(0);
    tf.dispose(grads);
    vq.dispose();
    x.dispose();
  });

  it('reports loss = reconstruction + codebook + β·commitment (EMA: reconstruction + β·commitment)', () => {
    const x = clusters(16, 12);
    for (const ema of [undefined, { decay: 0.9 }]) {
      const vq = tiny({ commitment: 0.5, ...(ema === undefined ? {} : { ema }) });
      const [loss, rec, cb, cm] = tf.tidy(() => {
        const out = vq.computeLoss({ x }, { training: false });
        return [out.loss, out.terms['reconstruction']!, out.terms['codebook']!, out.terms['commitment']!].map((s) => s.dataSync()[0]!);
      }) as unknown as number[];
      expect(cb).toBeCloseTo(cm!, 6); // the same squared distances, detached differently
      expect(loss).toBeCloseTo(rec! + (ema === undefined ? cb! : 0) + 0.5 * cm!, 5);
      const recRef = tf.tidy(() => mse(x, vq.reconstruct(x)).dataSync()[0]!);
      expect(rec).toBeCloseTo(recRef, 5);
      vq.dispose();
    }
    x.dispose();
  });

  it('encodes to indices, quantizes to their codes and decodes either', () => {
    const x = clusters(5, 13);
    const vq = tiny({ numCodes: 3 });
    const idx = vq.encode(x);
    expect(idx.shape).toEqual([5, 3]);
    expect(idx.dtype).toBe('int32');
    const q = vq.quantize(x);
    expect(q.shape).toEqual([5, 3, 4]);
    const looked = tf.gather(vq.codebook, idx);
    expect(values(q)).toEqual(values(looked));
    const a = vq.decode(idx);
    const b = vq.decode(q);
    const c = vq.reconstruct(x);
    const d = vq.decode((idx.arraySync() as number[][]).map((r) => r.map(Number)));
    expect(a.shape).toEqual([5, 8]);
    expect(values(a)).toEqual(values(b));
    expect(values(a)).toEqual(values(c));
    expect(values(a)).toEqual(values(d));
    tf.dispose([x, idx, q, looked, a, b, c, d]);
    vq.dispose();
  });

  it('assigns each vector its nearest code (checked by brute force)', () => {
    const x = clusters(20, 14);
    const vq = tiny({ numCodes: 2 });
    const z = vq.encoder.predict(x) as tf.Tensor;
    const zs = z.arraySync() as number[][][];
    const book = vq.codebook.arraySync() as number[][];
    const idx = vq.encode(x).arraySync() as number[][];
    zs.forEach((row, i) =>
      row.forEach((v, j) => {
        const d = book.map((e) => e.reduce((s, ek, k) => s + (v[k]! - ek) ** 2, 0));
        expect(d[idx[i]![j]!]).toBeLessThanOrEqual(Math.min(...d) + 1e-6);
      }),
    );
    tf.dispose([x, z]);
    vq.dispose();
  });

  it('builds a conv VQ-VAE on 28×28 images with a 7×7 grid of codes', async () => {
    const vq = convVqVae({ inputShape: [28, 28, 1], filters: [4, 8], codebookSize: 64, codeDim: 3, seed: 1 });
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1);
    const idx = vq.encode(x);
    expect(idx.shape).toEqual([2, 7, 7]);
    expect(vq.codeShape).toEqual([7, 7, 3]);
    const rec = vq.reconstruct(x);
    expect(rec.shape).toEqual([2, 28, 28, 1]);
    const s = vq.sample(3, { seed: 2 });
    expect(s.shape).toEqual([3, 28, 28, 1]);
    const usage = await vq.codebookUsage(x);
    expect(usage.counts).toHaveLength(64);
    expect(usage.counts.reduce((a, b) => a + b, 0)).toBe(2 * 49);
    tf.dispose([x, idx, rec, s]);
    vq.dispose();
  });

  it('gives odd shapes a crop: a 10×9 image with strides 2 twice decodes to 10×9', () => {
    const vq = convVqVae({ inputShape: [10, 9, 2], filters: [3, 4], codebookSize: 8, codeDim: 2, seed: 1 });
    const x = tf.randomUniform([2, 10, 9, 2], 0, 1, 'float32', 1);
    const rec = vq.reconstruct(x);
    expect(rec.shape).toEqual([2, 10, 9, 2]);
    expect(vq.encode(x).shape).toEqual([2, 3, 3]);
    tf.dispose([x, rec]);
    vq.dispose();
  });

  it('leaks no tensors in any method', async () => {
    const x = clusters(8, 15);
    const vq = tiny({ ema: { decay: 0.9 } });
    const start = tf.memory().numTensors;
    tf.dispose(vq.encode(x));
    tf.dispose(vq.quantize(x));
    tf.dispose(vq.reconstruct(x));
    tf.dispose(vq.sample(2, { seed: 1 }));
    tf.dispose(tf.tidy(() => vq.decode(vq.encode(x))));
    tf.dispose(vq.decode([[1], [2]]));
    await vq.codebookUsage(x);
    tf.dispose(vq.computeLoss({ x }, { training: true, seed: 1 }));
    tf.dispose(vq.computeLoss({ x }, { training: false }));
    vq.getConfig();
    expect(tf.memory().numTensors).toBe(start);
    const before = tf.memory().numTensors;
    const other = denseVqVae({ inputDim: 8, hidden: [4], codebookSize: 4, codeDim: 2, seed: 1 });
    other.dispose();
    other.dispose();
    const conv = convVqVae({ inputShape: [8, 8, 1], filters: [2], codebookSize: 4, codeDim: 2, seed: 1 });
    conv.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vq.dispose();
    x.dispose();
  });

  it('rejects bad options and inputs with errors that name the function and the argument', () => {
    expect(() => tiny({ codebookSize: 0 })).toThrow(/denseVqVae: argument 'codebookSize' must be an integer >= 1, got the number 0/);
    expect(() => tiny({ ema: { decay: 1 } })).toThrow(/denseVqVae: argument 'ema.decay' must be a finite number > 0 < 1, got the number 1/);
    expect(() => tiny({ deadCodes: { kind: 'sometimes' } as never })).toThrow(/denseVqVae: argument 'deadCodes.kind' must be one of 'restart', 'keep'/);
    expect(() => tiny({ commitment: -1 })).toThrow(/denseVqVae: argument 'commitment' must be a finite number >= 0, got the number -1/);
    expect(() => tiny({ numCodes: 1.5 })).toThrow(/denseVqVae: argument 'numCodes'/);
    expect(() => convVqVae({ inputShape: [28, 28] as never, filters: [4], codebookSize: 4, codeDim: 2 })).toThrow(/convVqVae: argument 'inputShape'/);
    expect(() => convVqVae({ inputShape: [28, 28, 1], filters: [], codebookSize: 4, codeDim: 2 })).toThrow(/convVqVae: argument 'filters' must be a non-empty array/);
    const bad = { x7: tf.zeros([2, 7]), v: tf.zeros([2, 3, 3]), w: tf.zeros([2, 5]), x: tf.zeros([2, 8]) };
    const start = tf.memory().numTensors;
    const vq = tiny();
    const made = tf.memory().numTensors;
    expect(() => vq.encode(bad.x7)).toThrow(/VQVAE.encode: argument 'x' must have shape \[\?,8\]/);
    expect(() => vq.decode([[16]])).toThrow(/VQVAE.decode: argument 'codes' must hold integer code indices in \[0, 16\), found 16/);
    expect(() => vq.decode(bad.v)).toThrow(/VQVAE.decode: argument 'codes' must have shape \[\?,1,4\]/);
    expect(() => vq.decode(bad.w)).toThrow(/VQVAE.decode: argument 'codes' must be code indices \[\?,1\] or code vectors \[\?,1,4\], got shape \[2,5\]/);
    expect(() => vq.sample(0)).toThrow(/VQVAE.sample: argument 'n'/);
    expect(() => vq.computeLoss({ x: bad.x }, { training: 'yes' } as never)).toThrow(/VQVAE.computeLoss: argument 'context.training' must be a boolean/);
    expect(tf.memory().numTensors).toBe(made);
    vq.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(() => vq.encode(bad.x)).toThrow(/VQVAE.encode: the model was disposed/);
    tf.dispose(bad);
  });

  it('takes any encoder and decoder whose shapes fit, and names the misfit otherwise', () => {
    const start = tf.memory().numTensors;
    const enc = denseEncoder({ inputDim: 6, units: [5], latentDim: 4, seed: 1 });
    const dec = denseDecoder({ latentDim: 4, units: [5], outputDim: 6, seed: 2 });
    const wrong = denseDecoder({ latentDim: 3, units: [], outputDim: 6, seed: 3 });
    const built = tf.memory().numTensors;
    expect(() => new VQVAE({ encoder: enc, decoder: wrong, codebookSize: 8 })).toThrow(/VQVAE: the decoder's input must have shape \[\?,4\] \(the encoder's output shape\), got \[\?,3\]/);
    expect(() => new VQVAE({ encoder: enc, decoder: dec, codebookSize: 8, codeDim: 5 })).toThrow(/VQVAE: argument 'codeDim' is 5 but the encoder's output \[\?,4\] ends in 4/);
    expect(() => new VQVAE({ encoder: enc, decoder: dec, codebookSize: 8, commitmnt: 1 } as never)).toThrow(/VQVAE: unknown option 'commitmnt' in 'options'/);
    expect(() => new VQVAE({ encoder: 'net' as never, decoder: dec, codebookSize: 8 })).toThrow(/VQVAE: argument 'encoder' must be a tf.LayersModel/);
    expect(tf.memory().numTensors).toBe(built); // a refused constructor makes no codebook
    const vq = new VQVAE({ encoder: enc, decoder: dec, codebookSize: 8, seed: 1 });
    const x = tf.randomUniform([3, 6]);
    const idx = vq.encode(x);
    expect(idx.shape).toEqual([3]);
    tf.dispose([x, idx]);
    vq.dispose();
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(() => denseVqVae({ inputDim: 4, hidden: [], codebookSize: 4, codeDim: 2, numcodes: 2 } as never)).toThrow(/denseVqVae: unknown option 'numcodes'/);
    expect(() => convVqVae({ inputShape: [8, 8, 1], filters: [2], codebookSize: 4, codeDim: 2, stride: 1 } as never)).toThrow(/convVqVae: unknown option 'stride'/);
    expect(() => tiny({ deadCodes: { kind: 'restart', treshold: 0.1 } as never })).toThrow(/denseVqVae: unknown option 'treshold' in 'deadCodes'/);
    expect(tf.memory().numTensors).toBe(start);
  });
});
