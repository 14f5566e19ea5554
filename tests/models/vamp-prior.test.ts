// The VampPrior (prior: { kind: 'vamp', pseudoInputs }) on the VAE. The KL term is vampKl of the
// model's own tensors; vampKl itself is checked against PyTorch in tests/losses/divergences-suite.ts
// (values from tests/fixtures/make-divergence-fixtures.py, case 'vampKl').
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { anomalyScores } from '../../src/anomaly/index.js';
import { deriveSeed } from '../../src/core/index.js';
import { exportLayersModel, loadModel, loadTrainingState, saveModel } from '../../src/io/index.js';
import { vampKl, vampLogPrior } from '../../src/losses/index.js';
import { gaussianLogDensity } from '../../src/losses/vamp.js';
import { type Batch, type LossContext, VAE, convVae, denseVae } from '../../src/models/index.js';
import { SALT } from '../../src/models/internal.js';
import { adam, evaluate, logLikelihood, train } from '../../src/train/index.js';
import { editJson, expectRejectsClean, expectSameBits, fuzzVampPriorFile } from '../io/helpers.js';
import { manifoldData } from './helpers.js';

const values = (out: { loss: tf.Scalar; terms: Record<string, tf.Scalar> }): Record<string, number> =>
  Object.fromEntries([['loss', out.loss] as const, ...Object.entries(out.terms)].map(([k, t]) => [k, t.dataSync()[0]!]));

function lossOf(model: VAE, batch: Batch, context: LossContext): Record<string, number> {
  return tf.tidy(() => values(model.computeLoss(batch, context) as never)) as unknown as Record<string, number>;
}

const vamp = (pseudoInputs: number, seed?: number) => ({ kind: 'vamp', pseudoInputs, ...(seed === undefined ? {} : { seed }) }) as const;

describe('the VampPrior on the VAE', () => {
  it("trains with KL = vampKl of the model's own draw and the pseudo-inputs' posterior; the pseudo-inputs get gradients", () => {
    const x = manifoldData(12, 8, 3);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 3, seed: 1, likelihood: 'gaussian', beta: 2, prior: vamp(5) });
    expect(vae.prior).toEqual({ kind: 'vamp', pseudoInputs: 5 });
    expect(vae.pseudoInputs!.shape).toEqual([5, 8]);
    expect(vae.trainableVariables.at(-1)).toBe(vae.pseudoInputs);
    const seed = 7;
    const got = lossOf(vae, { x }, { training: true, seed, klScale: 0.5 });
    expect(Object.keys(got)).toEqual(['loss', 'reconstruction', 'kl']);
    const want = tf.tidy(() => {
      const { mean, logVar } = vae.posterior(x);
      const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', deriveSeed(seed, SALT.epsilon));
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
      const prior = vae.posterior(vae.pseudoInputs!);
      const kl = tf.mean(vampKl({ z, mean, logVar, priorMean: prior.mean, priorLogVar: prior.logVar }));
      const rec = tf.mean(tf.neg(gaussianLogDensity(x, vae.decode(z), tf.zerosLike(x))));
      return [kl.dataSync()[0]!, rec.dataSync()[0]!];
    }) as unknown as number[];
    expect(got['kl']).toBeCloseTo(want[0]!, 4);
    expect(got['reconstruction']).toBeCloseTo(want[1]!, 4);
    expect(got['loss']).toBeCloseTo(got['reconstruction']! + 2 * 0.5 * got['kl']!, 4);
    const gradNorm = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => vae.computeLoss({ x }, { training: true, seed }).loss, [vae.pseudoInputs!]);
      return tf.norm(grads[vae.pseudoInputs!.name]!).dataSync()[0]!;
    });
    expect(gradNorm).toBeGreaterThan(0);
    // Evaluation: the same sampled KL estimate (not the closed form against N(0, I)).
    const evaluated = lossOf(vae, { x }, { training: false, seed });
    expect(evaluated['kl']).toBeCloseTo(got['kl']!, 4);
    vae.dispose();
    x.dispose();
  });

  it('a tiny VampPrior VAE learns the toy manifold, samples from the mixture, and logLikelihood works; no leaks', async () => {
    const x = manifoldData(128, 8, 6);
    const vae = denseVae({ inputDim: 8, hidden: [16], latentDim: 2, seed: 5, prior: vamp(8) });
    const before = tf.memory().numTensors;
    const u0 = vae.pseudoInputs!.dataSync().slice();
    const history = await train(vae, x, { epochs: 30, batchSize: 32, learningRate: 0.01, seed: 2 });
    const first = history.epochs[0]!;
    const last = history.epochs.at(-1)!;
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.terms['reconstruction']!).toBeLessThan(0.9 * first.terms['reconstruction']!);
    expect(Array.from(vae.pseudoInputs!.dataSync())).not.toEqual(Array.from(u0));
    const evaluated = await evaluate(vae, x, { seed: 1 });
    expect(evaluated.loss).toBeCloseTo(evaluated.terms['reconstruction']! + evaluated.terms['kl']!, 3);
    // sample: seeded, [n, 8], in (0, 1).
    const s1 = vae.sample(6, { seed: 3 });
    const s2 = vae.sample(6, { seed: 3 });
    expect(s1.shape).toEqual([6, 8]);
    await expectSameBits(s1, s2);
    const ll = await logLikelihood(vae, x, { samples: 20, seed: 1 });
    expect(ll.length).toBe(128);
    expect(ll.every((v) => Number.isFinite(v))).toBe(true);
    // The estimate is at least the ELBO on average (Burda et al. 2016), within Monte-Carlo noise.
    const meanLl = ll.reduce((a, b) => a + b, 0) / ll.length;
    expect(meanLl).toBeGreaterThan(-evaluated.loss - 0.5);
    tf.dispose([s1, s2]);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });

  it('logImportanceWeights are log p(x|z) + log p_vamp(z) − log q(z|x); sample picks a pseudo-input then z ~ q(z|u_k)', () => {
    const x = manifoldData(4, 8, 2);
    const vae = denseVae({ inputDim: 8, hidden: [8], latentDim: 2, seed: 3, likelihood: 'gaussian', prior: vamp(3, 11) });
    const before = tf.memory().numTensors;
    const noise = tf.randomNormal([5, 4, 2], 0, 1, 'float32', 4);
    const got = vae.logImportanceWeights({ x }, noise);
    expect(got.shape).toEqual([5, 4]);
    const want = tf.tidy(() => {
      const { mean, logVar } = vae.posterior(x);
      const z = tf.reshape(tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)), [20, 2]);
      const prior = vae.posterior(vae.pseudoInputs!);
      const xs = tf.tile(x, [5, 1]);
      const logLik = gaussianLogDensity(xs, vae.decode(z), tf.zerosLike(xs));
      const logQ = gaussianLogDensity(z, tf.tile(mean, [5, 1]), tf.tile(logVar, [5, 1]));
      return tf.reshape(tf.sub(tf.add(logLik, vampLogPrior({ z, mean: prior.mean, logVar: prior.logVar })), logQ), [5, 4]);
    });
    const g = got.dataSync();
    want.dataSync().forEach((w, i) => expect(g[i]).toBeCloseTo(w, 3));
    // sample = decoder(z) with z = μ(u_k) + σ(u_k)·ε: with one pseudo-input, k is always 0.
    const one = denseVae({ inputDim: 8, hidden: [8], latentDim: 2, seed: 3, likelihood: 'gaussian', prior: vamp(1, 2) });
    const drawn = one.sample(3, { seed: 9 });
    const manual = tf.tidy(() => {
      const p = one.posterior(one.pseudoInputs!);
      const eps = tf.randomNormal([3, 2], 0, 1, 'float32', deriveSeed(9, 2));
      return one.decode(tf.add(tf.tile(p.mean, [3, 1]), tf.mul(tf.exp(tf.mul(tf.tile(p.logVar, [3, 1]), 0.5)), eps)));
    });
    const d = drawn.dataSync();
    manual.dataSync().forEach((w, i) => expect(d[i]).toBeCloseTo(w, 5));
    tf.dispose([noise, got, want, drawn, manual]);
    one.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });

  it("with { kind: 'iwae' } the training loss is −mean log (1/K) Σ_k w_k of logImportanceWeights at the model's own ε", () => {
    const x = manifoldData(5, 8, 4);
    const vae = denseVae({ inputDim: 8, hidden: [8], latentDim: 2, seed: 2, prior: vamp(3), objective: { kind: 'iwae', samples: 4 } });
    const seed = 3;
    const got = lossOf(vae, { x }, { training: true, seed });
    const want = tf.tidy(() => {
      const noise = tf.randomNormal([4, 5, 2], 0, 1, 'float32', deriveSeed(seed, SALT.epsilon));
      const logW = vae.logImportanceWeights({ x }, noise);
      const logMean = tf.sub(tf.logSumExp(logW, 0), Math.log(4));
      return tf.neg(tf.mean(logMean)).dataSync()[0]!;
    });
    expect(got['loss']).toBeCloseTo(want, 4);
    vae.dispose();
    x.dispose();
  });

  it("anomalyScores refuses metric 'elbo' (its KL is against N(0, I)) for a VampPrior VAE, naming the alternatives", async () => {
    const vae = denseVae({ inputDim: 4, hidden: [4], latentDim: 2, seed: 1, prior: vamp(2) });
    const x = tf.ones([2, 4]);
    const before = tf.memory().numTensors;
    await expect(anomalyScores(vae, x, { metric: 'elbo' })).rejects.toThrow(/anomalyScores: metric 'elbo' .*VampPrior; score it with logLikelihood/);
    expect(tf.memory().numTensors).toBe(before);
    expect((await anomalyScores(vae, x, { metric: 'mse' })).length).toBe(2);
    x.dispose();
    vae.dispose();
  });

  it('exportLayersModel refuses a VampPrior VAE, fromLayersModels settings naming one', async () => {
    const vae = denseVae({ inputDim: 4, hidden: [4], latentDim: 2, seed: 1, prior: vamp(2) });
    await expect(exportLayersModel(vae, { type: 'memory' } as never, { network: 'encoder' })).rejects.toThrow(/exportLayersModel: argument 'model' has a VampPrior/);
    const plain = denseVae({ inputDim: 4, hidden: [4], latentDim: 2, seed: 1 });
    const settings = { format: 'autoencoders/layers-settings', version: '1.0', kind: 'vae', network: 'encoder', config: { ...plain.getConfig(), prior: vamp(2) }, notCarried: [] };
    expect(() => VAE.fromLayersModels({ encoder: plain.encoder, decoder: plain.decoder, settings } as never)).toThrow(/VAE\.fromLayersModels: .*VampPrior/);
    plain.dispose();
    vae.dispose();
  });

  it('convVae takes the VampPrior: pseudo-inputs of the image shape, samples of it', () => {
    const vae = convVae({ inputShape: [8, 8, 1], filters: [4], latentDim: 2, seed: 1, prior: vamp(3) });
    expect(vae.pseudoInputs!.shape).toEqual([3, 8, 8, 1]);
    const s = vae.sample(2, { seed: 1 });
    expect(s.shape).toEqual([2, 8, 8, 1]);
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
    expect(Number.isFinite(lossOf(vae, { x }, { training: true, seed: 1 })['kl']!)).toBe(true);
    tf.dispose([s, x]);
    vae.dispose();
  });

  it('the initial pseudo-inputs are a seeded U(0, 1) draw: the same factory seed gives the same ones, the prior seed overrides it', () => {
    const a = denseVae({ inputDim: 4, hidden: [4], latentDim: 2, seed: 1, prior: vamp(3) });
    const b = denseVae({ inputDim: 4, hidden: [4], latentDim: 2, seed: 1, prior: vamp(3) });
    const c = denseVae({ inputDim: 4, hidden: [4], latentDim: 2, seed: 1, prior: vamp(3, 5) });
    const u = Array.from(a.pseudoInputs!.dataSync());
    expect(Array.from(b.pseudoInputs!.dataSync())).toEqual(u);
    expect(Array.from(c.pseudoInputs!.dataSync())).not.toEqual(u);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const want = tf.tidy(() => Array.from(tf.randomUniform([3, 4], 0, 1, 'float32', deriveSeed(1, 3)).dataSync()));
    expect(u).toEqual(want);
    for (const m of [a, b, c]) m.dispose();
  });
});

describe('saving a VampPrior VAE', () => {
  it('saveModel/loadModel keep the prior and the pseudo-inputs bit for bit; a standard VAE saves no prior field', async () => {
    const x = manifoldData(6, 8, 2);
    const vae = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1, prior: vamp(4) });
    await train(vae, x, { epochs: 2, batchSize: 3, learningRate: 0.01, seed: 1 });
    const saved = await saveModel(vae, { type: 'memory' });
    const again = await loadModel(saved, { kind: 'vae' });
    expect(again.prior).toEqual({ kind: 'vamp', pseudoInputs: 4 });
    await expectSameBits(again.pseudoInputs!.clone(), vae.pseudoInputs!.clone());
    expect(lossOf(again, { x }, { training: true, seed: 1 })).toEqual(lossOf(vae, { x }, { training: true, seed: 1 }));
    const [s1, s2] = [vae.sample(3, { seed: 2 }), again.sample(3, { seed: 2 })];
    await expectSameBits(s1, s2);
    tf.dispose([s1, s2]);
    again.dispose();
    const plain = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1 });
    const plainSaved = await saveModel(plain, { type: 'memory' });
    expect(JSON.parse(plainSaved.modelJson).modelTopology.config.prior).toBeUndefined();
    expect(plain.pseudoInputs).toBeNull();
    // A file naming the standard prior explicitly loads as the plain VAE.
    const explicit = await loadModel(editJson(plainSaved, (j) => void (j['modelTopology'].config.prior = { kind: 'standard' })), { kind: 'vae' });
    expect(explicit.prior).toEqual({ kind: 'standard' });
    explicit.dispose();
    plain.dispose();
    vae.dispose();
    x.dispose();
  });

  it('resumes training exactly with the pseudo-inputs in the optimizer state: 2 + 2 epochs with a save in between give the losses of 4', async () => {
    const x = manifoldData(24, 6, 4);
    const make = (): VAE => denseVae({ inputDim: 6, hidden: [8], latentDim: 2, seed: 7, prior: vamp(3) });
    const options = { batchSize: 8, seed: 17 };
    const curve = (epochs: readonly { loss: number }[]): number[] => epochs.map((e) => e.loss);
    const a = make();
    const whole = await train(a, x, { ...options, epochs: 4 });
    const b = make();
    const optimizer = adam({ learningRate: 0.001 });
    const head = await train(b, x, { ...options, optimizer, epochs: 2 });
    const saved = await saveModel(b, { type: 'memory' }, { training: { optimizer, initialEpoch: 2, seed: head.seed } });
    optimizer.dispose();
    b.dispose();
    const c = await loadModel(saved, { kind: 'vae' });
    const state = (await loadTrainingState(saved))!;
    const tail = await train(c, x, { ...options, ...state, epochs: 4 });
    state.optimizer.dispose();
    expect(curve([...head.epochs, ...tail.epochs])).toEqual(curve(whole.epochs));
    await expectSameBits(a.pseudoInputs!.clone(), c.pseudoInputs!.clone());
    a.dispose();
    c.dispose();
    x.dispose();
  });

  it('an untrusted file with a bad prior or bad pseudo-inputs is refused naming the field, leaving nothing behind', async () => {
    const vae = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1, prior: vamp(4) });
    const saved = await saveModel(vae, { type: 'memory' });
    vae.dispose();
    const config = (edit: (c: Record<string, unknown>) => void) => editJson(saved, (j) => void edit(j['modelTopology'].config));
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = { kind: 'vamp', pseudoInputs: 5 }))), /loadModel: weight 'prior\/pseudoInputs' must be float32 of shape \[5,8\], got float32 of shape \[4,8\]/);
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = { kind: 'vamp', pseudoInputs: 0 }))), /loadModel: .*modelTopology\.config\.prior\.pseudoInputs/);
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = { kind: 'mixture' }))), /loadModel: .*modelTopology\.config\.prior\.kind.*'standard' or 'vamp'/);
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = { kind: 'vamp', pseudoInputs: 4, extra: 1 }))), /loadModel: .*modelTopology\.config\.prior/);
    await expectRejectsClean(() => loadModel(config((c) => delete c['prior'])), /loadModel: the weights manifest holds 'prior\/pseudoInputs', which belongs to no part of the model/);
    const noWeight = editJson(saved, (j) => {
      for (const w of j['weightsManifest'][0].weights as { name: string }[]) if (w.name === 'prior/pseudoInputs') w.name = 'prior/other';
    });
    await expectRejectsClean(() => loadModel(noWeight), /loadModel: the weights manifest lacks 'prior\/pseudoInputs'/);
  });

  it('a seeded fuzz of the prior field and the pseudo-input manifest entry: a clean loadModel error or a load, never a leak', async () => {
    const vae = denseVae({ inputDim: 8, hidden: [4], latentDim: 2, seed: 1, prior: vamp(4) });
    const saved = await saveModel(vae, { type: 'memory' });
    vae.dispose();
    await fuzzVampPriorFile(saved, 2026, ['inputShape']);
  });
});

describe('bad prior options', () => {
  const base = { inputDim: 4, hidden: [4], latentDim: 2, seed: 1 } as const;
  it('are refused naming the function and the field', () => {
    const before = tf.memory().numTensors;
    expect(() => denseVae({ ...base, prior: { kind: 'gmm' } as never })).toThrow(/denseVae: argument 'prior\.kind' must be 'standard' or 'vamp'/);
    expect(() => denseVae({ ...base, prior: { kind: 'vamp', pseudoInputs: 0 } })).toThrow(/denseVae: argument 'prior\.pseudoInputs'/);
    expect(() => denseVae({ ...base, prior: { kind: 'vamp', pseudoInputs: 2.5 } })).toThrow(/denseVae: argument 'prior\.pseudoInputs'/);
    expect(() => denseVae({ ...base, prior: { kind: 'vamp', pseudoInputs: 2, k: 1 } as never })).toThrow(/denseVae: unknown option 'k' in 'prior'/);
    expect(() => denseVae({ ...base, prior: 'vamp' as never })).toThrow(/denseVae: argument 'prior' must be/);
    expect(() => denseVae({ ...base, prior: { kind: 'vamp', pseudoInputs: 2, seed: -1 } })).toThrow(/denseVae: argument 'prior\.seed'/);
    expect(() => denseVae({ ...base, prior: vamp(2), objective: { kind: 'beta-tc' } })).toThrow(/denseVae: argument 'prior' is \{ kind: 'vamp' \}, which works with the objectives/);
    expect(() => denseVae({ ...base, prior: vamp(2), objective: { kind: 'elbo', freeBits: 0.5 } })).toThrow(/with free bits/);
    expect(() => convVae({ inputShape: [8, 8, 1], filters: [4], latentDim: 2, prior: vamp(2), objective: { kind: 'mmd', lambda: 1, kernel: 'rbf' } })).toThrow(/convVae: argument 'prior'/);
    // (The CVAE's conditional VampPrior: tests/models/cvae-vamp-prior.test.ts.)
    expect(tf.memory().numTensors).toBe(before);
  });
});
