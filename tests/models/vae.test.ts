import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bce, gaussianKl, mse } from '../../src/losses/index.js';
import { VAE, denseVae, reparameterize } from '../../src/models/index.js';
import { denseDecoder, denseEncoder, gaussianEncoder } from '../../src/nn/index.js';
import { evaluate, fit, manifoldData, meanPredictorMse } from './helpers.js';

function tiny(options: Partial<Parameters<typeof denseVae>[0]> = {}): VAE {
  return denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 1, ...options });
}

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('VAE', () => {
  it('learns data on a 2-D manifold: the negative ELBO falls and reconstructions beat the mean predictor', () => {
    const x = manifoldData(128, 8, 21);
    const vae = tiny();
    const before = evaluate(vae, { x });
    fit(vae, { x }, { steps: 200, learningRate: 0.02, seed: 3 });
    const after = evaluate(vae, { x });
    expect(after.loss).toBeLessThan(before.loss! - 0.1);
    const recMse = tf.tidy(() => mse(x, vae.reconstruct(x)).dataSync()[0]!);
    expect(recMse).toBeLessThan(0.5 * meanPredictorMse(x));
    expect(after.kl).toBeGreaterThan(0.1); // the latent space is in use
    vae.dispose();
    x.dispose();
  });

  it('reports a KL term that is non-negative and equals gaussianKl of the posterior', () => {
    const x = manifoldData(32, 8, 5);
    const vae = tiny({ seed: 7 });
    fit(vae, { x }, { steps: 20, learningRate: 0.01 });
    const { kl } = evaluate(vae, { x });
    const reference = tf.tidy(() => {
      const { mean, logVar } = vae.posterior(x);
      return tf.mean(gaussianKl(mean, logVar)).dataSync()[0]!;
    });
    expect(kl).toBeGreaterThanOrEqual(0);
    expect(kl).toBeCloseTo(reference, 5);
    vae.dispose();
    x.dispose();
  });

  it('evaluates at z = μ: the reconstruction term is the summed cross-entropy of reconstruct(x)', () => {
    const x = manifoldData(16, 8, 6);
    const vae = tiny();
    const { reconstruction, loss, kl } = evaluate(vae, { x });
    const reference = tf.tidy(() => bce(x, vae.reconstruct(x)).dataSync()[0]! * 8);
    expect(reconstruction).toBeCloseTo(reference, 4);
    expect(loss).toBeCloseTo(reconstruction! + kl!, 5);
    vae.dispose();
    x.dispose();
  });

  it('weights the KL term by beta times klScale', () => {
    const x = manifoldData(16, 8, 6);
    const vae = tiny({ beta: 4 });
    const t = tf.tidy(() => {
      const out = vae.computeLoss({ x }, { training: false, klScale: 0.25 });
      return [out.loss, out.terms['reconstruction']!, out.terms['kl']!].map((s) => s.dataSync()[0]!);
    }) as unknown as number[];
    expect(t[0]).toBeCloseTo(t[1]! + 4 * 0.25 * t[2]!, 5);
    expect(() => vae.computeLoss({ x }, { training: false, klScale: -1 })).toThrow(/klScale/);
    vae.dispose();
    x.dispose();
  });

  it('draws the same samples, codes and training losses for the same seed and different ones for another', () => {
    const x = manifoldData(8, 8, 2);
    const vae = tiny();
    const before = tf.memory().numTensors;
    const s1 = vae.sample(4, { seed: 9 });
    const s2 = vae.sample(4, { seed: 9 });
    const s3 = vae.sample(4, { seed: 10 });
    expect(s1.shape).toEqual([4, 8]);
    expect(values(s1)).toEqual(values(s2));
    expect(values(s1)).not.toEqual(values(s3));
    const z1 = vae.encode(x, { sample: true, seed: 5 });
    const z2 = vae.encode(x, { sample: true, seed: 5 });
    const mu = vae.encode(x);
    expect(values(z1)).toEqual(values(z2));
    expect(values(z1)).not.toEqual(values(mu));
    const f1 = vae.forward(x, { seed: 5 });
    expect(values(f1.z)).toEqual(values(z1));
    const l1 = vae.computeLoss({ x }, { training: true, seed: 1 });
    const l2 = vae.computeLoss({ x }, { training: true, seed: 1 });
    const l3 = vae.computeLoss({ x }, { training: true, seed: 2 });
    expect(values(l1.loss)).toEqual(values(l2.loss));
    expect(values(l1.loss)).not.toEqual(values(l3.loss));
    tf.dispose([s1, s2, s3, z1, z2, mu, f1, ...[l1, l2, l3].flatMap((l) => [l.loss, l.terms])]);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });

  it('returns a VaeOutput whose parts fit together, from every method without leaks', () => {
    const x = manifoldData(5, 8, 3);
    const vae = tiny();
    const before = tf.memory().numTensors;
    const out = vae.forward(x, { seed: 1 });
    expect(out.reconstruction.shape).toEqual([5, 8]);
    expect(out.mean.shape).toEqual([5, 2]);
    expect(out.logVar.shape).toEqual([5, 2]);
    expect(out.z.shape).toEqual([5, 2]);
    const decoded = vae.decode(out.z);
    expect(values(decoded)).toEqual(values(out.reconstruction));
    const rec = vae.reconstruct(x);
    const fromMean = vae.decode(out.mean);
    expect(values(rec)).toEqual(values(fromMean));
    const post = vae.posterior(x);
    expect(values(post.mean)).toEqual(values(out.mean));
    tf.dispose([out, decoded, rec, fromMean, post]);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });

  it('uses the unit-variance Gaussian likelihood with a linear decoder output', () => {
    const x = tf.tidy(() => tf.mul(manifoldData(16, 8, 8), 5));
    const vae = tiny({ likelihood: 'gaussian' });
    expect(vae.decoder.layers.at(-1)!.getClassName()).toBe('Dense');
    const { reconstruction } = evaluate(vae, { x });
    const reference = tf.tidy(() => {
      const sq = tf.sum(tf.squaredDifference(x, vae.reconstruct(x)), 1);
      return tf.mean(tf.mul(tf.add(sq, 8 * Math.log(2 * Math.PI)), 0.5)).dataSync()[0]!;
    });
    expect(reconstruction).toBeCloseTo(reference, 3);
    expect(vae.getConfig()).toEqual({ kind: 'vae', inputShape: [8], latentDim: 2, likelihood: 'gaussian', beta: 1, objective: { kind: 'elbo', beta: 1, freeBits: 0 } });
    vae.dispose();
    x.dispose();
  });

  it('leaves the tensor count where it started after creating, training and disposing', () => {
    const x = manifoldData(16, 8, 1);
    const before = tf.memory().numTensors;
    const vae = tiny();
    fit(vae, { x }, { steps: 3 });
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('checks the networks and options at construction with errors naming what was expected', () => {
    const enc = gaussianEncoder({ inputDim: 8, latentDim: 2 });
    const plainEnc = denseEncoder({ inputDim: 8, latentDim: 2 });
    const dec = denseDecoder({ latentDim: 2, outputDim: 8 });
    const wrongDec = denseDecoder({ latentDim: 3, outputDim: 8 });
    const wrongOut = denseDecoder({ latentDim: 2, outputDim: 9 });
    expect(() => new VAE({ encoder: plainEnc, decoder: dec })).toThrow("VAE: argument 'encoder' must have 2 output(s), got 1");
    expect(() => new VAE({ encoder: enc, decoder: wrongDec })).toThrow("VAE: the decoder's input must have shape [?,2] (latentDim), got [?,3]");
    expect(() => new VAE({ encoder: enc, decoder: wrongOut })).toThrow("VAE: the decoder's output must have shape [?,8] (the encoder's input shape), got [?,9]");
    expect(() => new VAE({ encoder: enc, decoder: dec, latentDim: 3 })).toThrow(/latentDim' is 3 but the encoder's heads give \[\?,2\]/);
    expect(() => new VAE({ encoder: enc, decoder: dec, likelihood: 'poisson' as 'gaussian' })).toThrow(/likelihood/);
    expect(() => new VAE({ encoder: enc, decoder: dec, beta: -1 })).toThrow(/beta/);
    for (const m of [enc, plainEnc, dec, wrongDec, wrongOut]) m.dispose();
  });

  it('rejects wrong inputs and a disposed model', () => {
    const vae = tiny();
    expect(() => vae.encode([[1, 2, 3]])).toThrow("VAE.encode: argument 'x' must have shape [?,8] (the encoder's input shape), got shape [1,3]");
    expect(() => vae.sample(0)).toThrow(/VAE.sample: argument 'n'/);
    expect(() => vae.sample(2, { seed: -1 })).toThrow(/options.seed/);
    vae.dispose();
    expect(() => vae.sample(1)).toThrow('VAE.sample: the model was disposed');
  });
});

describe('reparameterize', () => {
  it('draws z = μ + σ·ε with the asked mean and standard deviation, seeded', () => {
    const before = tf.memory().numTensors;
    const mean = tf.fill([20000, 1], 3);
    const logVar = tf.fill([20000, 1], Math.log(4));
    const z = reparameterize(mean, logVar, { seed: 1 });
    const again = reparameterize(mean, logVar, { seed: 1 });
    const { mean: m, variance: v } = tf.moments(z);
    expect(m.dataSync()[0]).toBeCloseTo(3, 1);
    expect(Math.sqrt(v.dataSync()[0]!)).toBeCloseTo(2, 1);
    expect(values(again)).toEqual(values(z));
    tf.dispose([mean, logVar, z, again, m, v]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes gradients to the mean and the log-variance', () => {
    const mean = tf.zeros([3, 2]);
    const logVar = tf.zeros([3, 2]);
    const [gm, gv] = tf.grads((m: tf.Tensor, v: tf.Tensor) => tf.sum(reparameterize(m, v, { seed: 4 })))([mean, logVar]);
    expect(values(gm!)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(values(gv!).some((g) => g !== 0)).toBe(true);
    tf.dispose([mean, logVar, gm!, gv!]);
  });

  it('rejects tensors of different shapes', () => {
    const a = tf.zeros([2, 2]);
    const b = tf.zeros([2, 3]);
    expect(() => reparameterize(a, b)).toThrow("reparameterize: arguments 'mean' and 'logVar' must have the same shape, got [2,2] and [2,3]");
    tf.dispose([a, b]);
  });
});
