// evaluate on variational models: the Monte-Carlo negative ELBO (samples, seed) and atMean.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bce, gaussianKl } from '../../src/losses/index.js';
import { deriveSeed } from '../../src/core/index.js';
import { denseAutoencoder, denseCvae, denseVae } from '../../src/models/index.js';
import { evaluate } from '../../src/train/index.js';
import { manifoldData } from '../models/helpers.js';

describe('evaluate on variational models', () => {
  it('reports the one-sample negative ELBO by default: the training estimate with the same ε', async () => {
    const x = manifoldData(32, 8, 3);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 1 });
    const before = tf.memory().numTensors;
    const result = await evaluate(vae, x, { seed: 7, batchSize: 32 });
    // Batch 0 gets ctx.seed = deriveSeed(7, 0); one draw uses the ε training would draw.
    const training = tf.tidy(() => {
      const out = vae.computeLoss({ x }, { training: true, seed: deriveSeed(7, 0) });
      return [out.loss, out.terms['reconstruction']!, out.terms['kl']!].map((t) => t.dataSync()[0]!);
    }) as unknown as number[];
    expect(result.loss).toBeCloseTo(training[0]!, 3);
    expect(result.terms['reconstruction']).toBeCloseTo(training[1]!, 3);
    expect(result.terms['kl']).toBeCloseTo(training[2]!, 4);
    expect(result.loss).toBeCloseTo(result.terms['reconstruction']! + result.terms['kl']!, 4);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });

  it('keeps the deterministic value at z = μ with atMean: true', async () => {
    const x = manifoldData(16, 8, 6);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 2 });
    const a = await evaluate(vae, x, { atMean: true, seed: 1 });
    const b = await evaluate(vae, x, { atMean: true, seed: 2 });
    expect(a.loss).toBe(b.loss);
    const reference = tf.tidy(() => {
      const { mean, logVar } = vae.posterior(x);
      return [bce(x, vae.reconstruct(x)).dataSync()[0]! * 8, tf.mean(gaussianKl(mean, logVar)).dataSync()[0]!];
    }) as unknown as number[];
    expect(a.terms['reconstruction']).toBeCloseTo(reference[0]!, 4);
    expect(a.terms['kl']).toBeCloseTo(reference[1]!, 5);
    vae.dispose();
    x.dispose();
  });

  it('averages `samples` seeded draws: the same seed gives the same value, and the spread shrinks', async () => {
    const x = manifoldData(8, 8, 4);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 3, logVarLimit: 2 });
    const many = await evaluate(vae, x, { samples: 32, seed: 5 });
    const again = await evaluate(vae, x, { samples: 32, seed: 5 });
    expect(many.loss).toBe(again.loss);
    const singles: number[] = [];
    const averaged: number[] = [];
    for (let s = 0; s < 12; s++) {
      singles.push((await evaluate(vae, x, { seed: 100 + s })).loss);
      averaged.push((await evaluate(vae, x, { samples: 32, seed: 100 + s })).loss);
    }
    const spread = (v: number[]): number => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    };
    expect(spread(singles)).toBeGreaterThan(0);
    expect(spread(averaged)).toBeLessThan(0.5 * spread(singles));
    // The KL is analytic: it does not depend on the draws.
    expect(many.terms['kl']).toBeCloseTo((await evaluate(vae, x, { atMean: true })).terms['kl']!, 5);
    vae.dispose();
    x.dispose();
  });

  it('covers the CVAE and leaves other models alone', async () => {
    const x = manifoldData(6, 8, 1);
    const y = [0, 1, 0, 1, 0, 1];
    const cvae = denseCvae({ inputDim: 8, numClasses: 2, hidden: [8], latentDim: 2, seed: 1 });
    const sampled = await evaluate(cvae, { x, y }, { seed: 1 });
    const atMean = await evaluate(cvae, { x, y }, { atMean: true });
    expect(sampled.loss).not.toBe(atMean.loss);
    expect(Number.isFinite(sampled.loss)).toBe(true);
    const ae = denseAutoencoder({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1 });
    expect((await evaluate(ae, x, { samples: 5 })).loss).toBe((await evaluate(ae, x)).loss);
    cvae.dispose();
    ae.dispose();
    x.dispose();
  });

  it('refuses bad sampling options, naming them', async () => {
    const x = manifoldData(4, 8, 1);
    const vae = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1 });
    await expect(evaluate(vae, x, { samples: 0 })).rejects.toThrow("evaluate: argument 'options.samples' must be an integer >= 1");
    await expect(evaluate(vae, x, { atMean: 'yes' as never })).rejects.toThrow("evaluate: argument 'options.atMean' must be a boolean");
    await expect(evaluate(vae, x, { atMean: true, samples: 3 })).rejects.toThrow("evaluate: argument 'options.samples' must be absent with options.atMean: true");
    expect(() => vae.computeLoss({ x }, { training: true, samples: 2 })).toThrow("VAE.computeLoss: argument 'context.samples' must be absent when training");
    vae.dispose();
    x.dispose();
  });
});
