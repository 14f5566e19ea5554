// The `objective` option of the VAE and the CVAE: what computeLoss minimises for each kind, and
// that saveModel/loadModel keep it. The pure losses it dispatches to (regularizedElbo, iwae) are
// checked against PyTorch in tests/losses/objectives.test.ts; here each kind is tied to them with
// the ε the model draws.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/core/index.js';
import { loadModel, saveModel } from '../../src/io/index.js';
import { regularizedElbo } from '../../src/losses/index.js';
import { type CVAE, type VAE, denseCvae, denseVae } from '../../src/models/index.js';
import { SALT } from '../../src/models/internal.js';
import { evaluate, logLikelihood, train } from '../../src/train/index.js';
import { editJson, expectRejectsClean } from '../io/helpers.js';
import { manifoldData } from './helpers.js';

const scalar = (t: tf.Tensor): number => t.dataSync()[0]!;

function lossOf(model: VAE | CVAE, batch: { x: tf.Tensor; y?: tf.Tensor1D }, context: Parameters<VAE['computeLoss']>[1]): number[] {
  return tf.tidy(() => {
    const out = model.computeLoss(batch, context);
    return [out.loss, out.terms['reconstruction']!, out.terms['kl']!].map(scalar);
  }) as unknown as number[];
}

describe('VAE objectives', () => {
  it("elbo with free bits and capacity is regularizedElbo of the model's own draw, C ramped by context.epoch", () => {
    const x = manifoldData(16, 8, 3);
    const objective = { kind: 'elbo', beta: 2, freeBits: 0.4, capacity: { max: 3, epochs: 4 } } as const;
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 3, seed: 1, objective });
    const seed = 11;
    for (const epoch of [0, 2, 4, 9]) {
      const [loss] = lossOf(vae, { x }, { training: true, seed, epoch });
      const expected = tf.tidy(() => {
        const { mean, logVar } = vae.posterior(x);
        const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', deriveSeed(seed, SALT.epsilon));
        const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
        const capacity = 3 * Math.min(1, epoch / 4);
        return scalar(regularizedElbo({ target: x, reconstruction: vae.decode(z), mean, logVar, beta: 2, freeBits: 0.4, capacity }).loss);
      }) as unknown as number;
      expect(loss).toBeCloseTo(expected, 3);
    }
    expect(vae.beta).toBe(2);
    expect(vae.getConfig().objective).toEqual(objective);
    vae.dispose();
    x.dispose();
  });

  it('iwae trains on −log mean_k w_k of its K draws, the same weights logLikelihood averages', () => {
    const x = manifoldData(8, 8, 5);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 2, objective: { kind: 'iwae', samples: 5 } });
    const seed = 3;
    const [loss, reconstruction, kl] = lossOf(vae, { x }, { training: true, seed });
    const expected = tf.tidy(() => {
      const noise = tf.randomNormal([5, 8, 2], 0, 1, 'float32', deriveSeed(seed, SALT.epsilon));
      const logW = vae.logImportanceWeights({ x }, noise);
      return -scalar(tf.mean(tf.sub(tf.logSumExp(logW, 0), Math.log(5))));
    }) as unknown as number;
    expect(loss).toBeCloseTo(expected, 4);
    expect(reconstruction).toBeGreaterThan(0);
    expect(kl).toBeGreaterThan(0);
    // klScale weights log p(z) − log q(z|x): at 0 only the reconstruction terms remain.
    const [atZero] = lossOf(vae, { x }, { training: true, seed, klScale: 0 });
    expect(atZero).not.toBeCloseTo(loss!, 2);
    expect(vae.beta).toBe(1);
    vae.dispose();
    x.dispose();
  });

  it('an IWAE-trained model (K = 5) is evaluated like any VAE and its bound is tighter than its ELBO', async () => {
    const x = manifoldData(128, 8, 7);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 4, objective: { kind: 'iwae', samples: 5 } });
    const before = tf.memory().numTensors;
    const history = await train(vae, x, { epochs: 8, batchSize: 32, learningRate: 0.01, seed: 1 });
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss);
    const { loss: nelbo } = await evaluate(vae, x, { samples: 16, seed: 1 });
    const logP = await logLikelihood(vae, x, { samples: 50, seed: 2 });
    const nll = -logP.reduce((a, b) => a + b, 0) / logP.length;
    expect(nll).toBeLessThan(nelbo);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });

  it('the CVAE takes an objective too, its labels repeated for each of the K draws', () => {
    const x = manifoldData(6, 8, 1);
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const cvae = denseCvae({ inputDim: 8, numClasses: 3, hidden: [8], latentDim: 2, seed: 1, objective: { kind: 'iwae', samples: 3 } });
    const [loss] = lossOf(cvae, { x, y }, { training: true, seed: 4 });
    const expected = tf.tidy(() => {
      const noise = tf.randomNormal([3, 6, 2], 0, 1, 'float32', deriveSeed(4, SALT.epsilon));
      return -scalar(tf.mean(tf.sub(tf.logSumExp(cvae.logImportanceWeights({ x, y }, noise), 0), Math.log(3))));
    }) as unknown as number;
    expect(loss).toBeCloseTo(expected, 4);
    cvae.dispose();
    tf.dispose([x, y]);
  });

  it('saveModel and loadModel keep the objective; older files without one load as β-VAEs', async () => {
    const x = manifoldData(4, 8, 2);
    for (const objective of [{ kind: 'iwae', samples: 4 }, { kind: 'elbo', beta: 0.5, freeBits: 0.1, capacity: { max: 5, epochs: 10 } }] as const) {
      const vae = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1, objective });
      const again = await loadModel(await saveModel(vae, { type: 'memory' }), { kind: 'vae' });
      expect(again.objective).toEqual(vae.objective);
      expect(lossOf(again, { x }, { training: true, seed: 1 })).toEqual(lossOf(vae, { x }, { training: true, seed: 1 }));
      vae.dispose();
      again.dispose();
    }
    const cvae = denseCvae({ inputDim: 8, numClasses: 2, hidden: [4], latentDim: 2, seed: 1, beta: 3 });
    const saved = await saveModel(cvae, { type: 'memory' });
    const old = await loadModel(
      editJson(saved, (j) => {
        delete j['modelTopology'].config.objective;
      }),
      { kind: 'cvae' },
    );
    expect(old.objective).toEqual({ kind: 'elbo', beta: 3, freeBits: 0 });
    old.dispose();
    await expectRejectsClean(
      () => loadModel(editJson(saved, (j) => void (j['modelTopology'].config.objective = { kind: 'iwae', samples: 0 }))),
      /loadModel: field 'modelTopology.config.objective' is invalid: argument 'modelTopology.config.objective.samples' must be an integer >= 1/,
    );
    await expectRejectsClean(
      () => loadModel(editJson(saved, (j) => void (j['modelTopology'].config.objective = { kind: 'wae' }))),
      /loadModel: field 'modelTopology.config.objective' is invalid: argument 'modelTopology.config.objective.kind' must be 'elbo', 'iwae', 'beta-tc' or 'mmd'/,
    );
    await expectRejectsClean(
      () => loadModel(editJson(saved, (j) => void (j['modelTopology'].config.beta = 2))),
      /loadModel: field 'modelTopology.config.beta' must be 3 \(the β of 'modelTopology.config.objective'\), got the number 2/,
    );
    cvae.dispose();
    x.dispose();
  });

  it('refuses bad objectives, naming the function and the argument', () => {
    const base = { inputDim: 8, hidden: [4], latentDim: 2 };
    expect(() => denseVae({ ...base, objective: { kind: 'wae' } as never })).toThrow("denseVae: argument 'objective.kind' must be 'elbo', 'iwae', 'beta-tc' or 'mmd'");
    expect(() => denseVae({ ...base, objective: { kind: 'iwae', samples: 0 } })).toThrow("denseVae: argument 'objective.samples' must be an integer >= 1");
    expect(() => denseVae({ ...base, objective: { kind: 'elbo', freeBits: -1 } })).toThrow("denseVae: argument 'objective.freeBits' must be a finite number >= 0");
    expect(() => denseVae({ ...base, objective: { kind: 'elbo', capacity: { max: 1 } } as never })).toThrow(
      "denseVae: argument 'objective.capacity.epochs' must be an integer >= 1",
    );
    expect(() => denseVae({ ...base, objective: { kind: 'elbo', bta: 2 } as never })).toThrow("denseVae: unknown option 'bta' in 'objective'");
    expect(() => denseVae({ ...base, beta: 2, objective: { kind: 'elbo' } })).toThrow("denseVae: give either 'beta' or 'objective', not both");
    expect(() => denseCvae({ ...base, numClasses: 2, objective: 'iwae' as never })).toThrow(TypeError);
  });
});
