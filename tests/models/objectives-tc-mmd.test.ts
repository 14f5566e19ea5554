// The 'beta-tc' (β-TC-VAE) and 'mmd' (InfoVAE / WAE-MMD) objectives of the VAE and the CVAE: that
// computeLoss is betaTcLoss / mmdLoss of the model's own seeded draws, that train passes the
// dataset size, that tiny models learn, and saving, evaluation, leaks and bad options. The pure
// betaTcLoss and mmdLoss are checked against PyTorch (values and gradients) in
// tests/losses/divergences-suite.ts, from tests/fixtures/make-divergence-fixtures.py.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/core/index.js';
import { loadModel, saveModel } from '../../src/io/index.js';
import { type Batch, type LossContext, type TrainableModel, type VAE, convVae, denseCvae, denseVae } from '../../src/models/index.js';
import { SALT } from '../../src/models/internal.js';
import { betaTcLoss, mmdLoss } from '../../src/models/objectives.js';
import { evaluate, train } from '../../src/train/index.js';
import { editJson, expectRejectsClean } from '../io/helpers.js';
import { manifoldData } from './helpers.js';

const values = (out: { loss: tf.Scalar; terms: Record<string, tf.Scalar> }): Record<string, number> =>
  Object.fromEntries([['loss', out.loss] as const, ...Object.entries(out.terms)].map(([k, t]) => [k, t.dataSync()[0]!]));

function lossOf(model: { computeLoss(b: Batch, c: LossContext): { loss: tf.Scalar; terms: Record<string, tf.Scalar> } }, batch: Batch, context: LossContext): Record<string, number> {
  return tf.tidy(() => values(model.computeLoss(batch, context) as never)) as unknown as Record<string, number>;
}

/** z = μ + σ·ε with the ε the model draws for `seed`. */
function ownDraw(vae: VAE, x: tf.Tensor, seed: number): { z: tf.Tensor; mean: tf.Tensor; logVar: tf.Tensor } {
  const { mean, logVar } = vae.posterior(x);
  const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', deriveSeed(seed, SALT.epsilon));
  return { z: tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)), mean, logVar };
}

describe("the 'beta-tc' objective", () => {
  it("is betaTcLoss of the model's own draw with context.datasetSize; without it N = M, which shifts the terms but not the gradients", () => {
    const x = manifoldData(16, 8, 3);
    const objective = { kind: 'beta-tc', alpha: 1, beta: 6, gamma: 1 } as const;
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 3, seed: 1, objective });
    const seed = 5;
    const got = lossOf(vae, { x }, { training: true, seed, datasetSize: 1000, klScale: 0.5 });
    expect(Object.keys(got)).toEqual(['loss', 'reconstruction', 'mutualInformation', 'totalCorrelation', 'dimensionwiseKl']);
    const want = tf.tidy(() => {
      const { z, mean, logVar } = ownDraw(vae, x, seed);
      return values(betaTcLoss(x, vae.decode(z), z, mean, logVar, 'bernoulli', 1000, objective, 0.5));
    }) as unknown as Record<string, number>;
    for (const k of Object.keys(want)) expect(got[k]).toBeCloseTo(want[k]!, 4);
    // The three terms add up to the KL estimate; the loss weights them (β = 6 on the TC).
    expect(got['loss']).toBeCloseTo(got['reconstruction']! + 0.5 * (got['mutualInformation']! + 6 * got['totalCorrelation']! + got['dimensionwiseKl']!), 4);
    // N = M = 16 instead of 1000 moves log q(z) up by s = log(1000/16) and each log q(z_d) too:
    // MI by −s, TC by −(D−1)·s, the dimension-wise KL by +D·s (D = 3), their sum unchanged.
    const small = lossOf(vae, { x }, { training: true, seed, klScale: 0.5 });
    const shift = Math.log(1000 / 16);
    expect(small['mutualInformation']).toBeCloseTo(got['mutualInformation']! - shift, 3);
    expect(small['totalCorrelation']).toBeCloseTo(got['totalCorrelation']! - 2 * shift, 3);
    expect(small['dimensionwiseKl']).toBeCloseTo(got['dimensionwiseKl']! + 3 * shift, 3);
    const gradsAt = (context: LossContext): number[] =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => vae.computeLoss({ x }, context).loss, vae.trainableVariables as tf.Variable[]);
        return Array.from(tf.concat(Object.values(grads).map((g) => tf.reshape(g, [-1]))).dataSync());
      }) as unknown as number[];
    const g1 = gradsAt({ training: true, seed, datasetSize: 1000 });
    const g2 = gradsAt({ training: true, seed });
    g1.forEach((v, i) => expect(g2[i]).toBeCloseTo(v, 4));
    expect(vae.beta).toBe(1);
    expect(vae.objective).toEqual(objective);
    vae.dispose();
    x.dispose();
  });

  it('train passes the training-set size (after the validation split) in context.datasetSize', async () => {
    const x = manifoldData(40, 8, 2);
    const vae = denseVae({ inputDim: 8, hidden: [8], latentDim: 2, seed: 2, objective: { kind: 'beta-tc' } });
    const seen: (number | undefined)[] = [];
    const spy: TrainableModel = {
      get trainableVariables() {
        return vae.trainableVariables;
      },
      computeLoss(batch, context) {
        if (context.training) seen.push(context.datasetSize);
        return vae.computeLoss(batch, context);
      },
    };
    await train(spy, x, { epochs: 1, batchSize: 16, validationSplit: 0.25, seed: 1 });
    expect(seen).toEqual([30, 30]);
    // An async iterable has no known size: none is passed (the objective then takes N = M).
    seen.length = 0;
    const stream = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 40; i += 20) {
          const part = tf.slice(x, [i, 0], [20, -1]);
          yield { x: part };
          part.dispose();
        }
      },
    };
    await train(spy, stream, { epochs: 1, seed: 1 });
    expect(seen).toEqual([undefined, undefined]);
    vae.dispose();
    x.dispose();
  });

  it('a tiny β-TC-VAE learns the toy manifold (reconstruction falls), is evaluated by the plain negative ELBO, and leaks nothing', async () => {
    const x = manifoldData(128, 8, 7);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 4, objective: { kind: 'beta-tc', beta: 6 } });
    const before = tf.memory().numTensors;
    const history = await train(vae, x, { epochs: 30, batchSize: 32, learningRate: 0.01, seed: 1 });
    const first = history.epochs[0]!;
    const last = history.epochs.at(-1)!;
    expect(Object.keys(last.terms)).toEqual(['reconstruction', 'mutualInformation', 'totalCorrelation', 'dimensionwiseKl']);
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.terms['reconstruction']!).toBeLessThan(0.9 * first.terms['reconstruction']!);
    // Evaluation is the plain negative ELBO, as for every objective.
    const evaluated = await evaluate(vae, x, { seed: 1 });
    expect(Object.keys(evaluated.terms)).toEqual(['reconstruction', 'kl']);
    expect(evaluated.loss).toBeCloseTo(evaluated.terms['reconstruction']! + evaluated.terms['kl']!, 3);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });
});

describe("the 'mmd' objective", () => {
  it("is mmdLoss of the model's own draw and seeded prior draws (N(0, I), salt SALT.prior)", () => {
    const x = manifoldData(12, 8, 4);
    const objective = { kind: 'mmd', lambda: 50, kernel: 'imq', bandwidth: 1.5 } as const;
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 3, seed: 3, likelihood: 'gaussian', objective });
    const seed = 9;
    const got = lossOf(vae, { x }, { training: true, seed, klScale: 0.3 });
    expect(Object.keys(got)).toEqual(['loss', 'reconstruction', 'mmd']);
    const want = tf.tidy(() => {
      const { z } = ownDraw(vae, x, seed);
      const prior = tf.randomNormal(z.shape, 0, 1, 'float32', deriveSeed(seed, SALT.prior));
      return values(mmdLoss(x, vae.decode(z), z, prior, 'gaussian', objective, 0.3));
    }) as unknown as Record<string, number>;
    for (const k of Object.keys(want)) expect(got[k]).toBeCloseTo(want[k]!, 4);
    expect(got['loss']).toBeCloseTo(got['reconstruction']! + 0.3 * 50 * got['mmd']!, 3);
    // Same seed, same value; another seed, other draws.
    expect(lossOf(vae, { x }, { training: true, seed, klScale: 0.3 })).toEqual(got);
    expect(lossOf(vae, { x }, { training: true, seed: seed + 1, klScale: 0.3 })['mmd']).not.toBe(got['mmd']);
    // A batch of one sample has no unbiased MMD: the term is 0, not an error.
    const one = tf.slice(x, [0, 0], [1, 8]);
    expect(lossOf(vae, { x: one }, { training: true, seed })['mmd']).toBe(0);
    vae.dispose();
    tf.dispose([x, one]);
  });

  it('a tiny InfoVAE (rbf) and a CVAE (imq) learn the toy manifold, their codes drawn towards the prior, and leak nothing', async () => {
    const x = manifoldData(128, 8, 6);
    const y = tf.tensor1d(Array.from({ length: 128 }, (_, i) => i % 2), 'int32');
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 5, objective: { kind: 'mmd', lambda: 10, kernel: 'rbf' } });
    const cvae = denseCvae({ inputDim: 8, numClasses: 2, hidden: [16], latentDim: 2, seed: 6, objective: { kind: 'mmd', lambda: 10, kernel: 'imq' } });
    const before = tf.memory().numTensors;
    for (const [model, data] of [
      [vae, x],
      [cvae, { x, y }],
    ] as const) {
      const history = await train(model, data as never, { epochs: 30, batchSize: 32, learningRate: 0.01, seed: 2 });
      const first = history.epochs[0]!;
      const last = history.epochs.at(-1)!;
      expect(Object.keys(last.terms)).toEqual(['reconstruction', 'mmd']);
      expect(last.terms['reconstruction']!).toBeLessThan(0.9 * first.terms['reconstruction']!);
      expect(last.terms['mmd']!).toBeLessThan(0.05);
    }
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    cvae.dispose();
    tf.dispose([x, y]);
  });
});

describe('saving, the conv factories and bad options', () => {
  it('saveModel and loadModel keep both objectives; a bad saved one is refused naming the field', async () => {
    const x = manifoldData(6, 8, 2);
    for (const objective of [
      { kind: 'beta-tc', alpha: 0.5, beta: 4, gamma: 2 },
      { kind: 'mmd', lambda: 10, kernel: 'rbf', bandwidth: 0.8 },
      { kind: 'mmd', lambda: 10, kernel: 'imq' },
    ] as const) {
      const vae = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1, objective });
      const saved = await saveModel(vae, { type: 'memory' });
      const again = await loadModel(saved, { kind: 'vae' });
      expect(again.objective).toEqual(objective);
      expect(lossOf(again, { x }, { training: true, seed: 1, datasetSize: 50 })).toEqual(lossOf(vae, { x }, { training: true, seed: 1, datasetSize: 50 }));
      again.dispose();
      vae.dispose();
      if (objective.kind === 'mmd') {
        await expectRejectsClean(
          () => loadModel(editJson(saved, (j) => void (j['modelTopology'].config.objective = { ...objective, kernel: 'laplace' }))),
          /loadModel: field 'modelTopology.config.objective' is invalid: argument 'modelTopology.config.objective.kernel' must be one of/,
        );
      } else {
        await expectRejectsClean(
          () => loadModel(editJson(saved, (j) => void (j['modelTopology'].config.objective = { ...objective, beta: -1 }))),
          /loadModel: field 'modelTopology.config.objective' is invalid: argument 'modelTopology.config.objective.beta' must be a finite number >= 0/,
        );
      }
    }
    x.dispose();
  });

  it('convVae takes an objective and fills in the β-TC defaults', () => {
    const vae = convVae({ inputShape: [8, 8, 1], filters: [4], latentDim: 2, seed: 1, objective: { kind: 'beta-tc' } });
    expect(vae.objective).toEqual({ kind: 'beta-tc', alpha: 1, beta: 6, gamma: 1 });
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 3);
    const out = lossOf(vae, { x }, { training: true, seed: 1, datasetSize: 100 });
    expect(Number.isFinite(out['loss'])).toBe(true);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [4], latentDim: 2, objective: { kind: 'mmd', lambda: 1 } as never })).toThrow(
      "convVae: argument 'objective.kernel' must be one of",
    );
    vae.dispose();
    x.dispose();
  });

  it('refuses bad options, naming the function and the field', () => {
    const base = { inputDim: 8, hidden: [4], latentDim: 2 };
    expect(() => denseVae({ ...base, objective: { kind: 'beta-tc', alpha: -1 } })).toThrow("denseVae: argument 'objective.alpha' must be a finite number >= 0");
    expect(() => denseVae({ ...base, objective: { kind: 'beta-tc', gamma: NaN } })).toThrow("denseVae: argument 'objective.gamma' must be a finite number >= 0");
    expect(() => denseVae({ ...base, objective: { kind: 'beta-tc', lambda: 1 } as never })).toThrow("denseVae: unknown option 'lambda' in 'objective'");
    expect(() => denseVae({ ...base, objective: { kind: 'mmd', kernel: 'rbf' } as never })).toThrow("denseVae: argument 'objective.lambda' must be a finite number >= 0");
    expect(() => denseVae({ ...base, objective: { kind: 'mmd', lambda: 1, kernel: 'rbf', bandwidth: 0 } })).toThrow(
      "denseVae: argument 'objective.bandwidth' must be a finite number > 0",
    );
    expect(() => denseCvae({ ...base, numClasses: 2, objective: { kind: 'mmd', lambda: 1, kernel: 'gauss' } as never })).toThrow(
      "denseCvae: argument 'objective.kernel' must be one of",
    );
  });
});
