// The conditional VampPrior (prior: { kind: 'vamp', pseudoInputs }) on the CVAE:
// p(z | y) = (1/K) Σ_k q(z | u_k, y). The KL term is vampKl with labels of the model's own tensors;
// vampKl/vampLogPrior with labels are checked against PyTorch in tests/losses/divergences-suite.ts
// (values and gradients from tests/fixtures/make-divergence-fixtures.py, cases '…, conditional').
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/core/index.js';
import { exportLayersModel, loadModel, loadTrainingState, saveModel } from '../../src/io/index.js';
import { vampKl, vampLogPrior } from '../../src/losses/index.js';
import { gaussianLogDensity } from '../../src/losses/vamp.js';
import { CVAE, type Batch, type LossContext, convCvae, denseCvae } from '../../src/models/index.js';
import { SALT } from '../../src/models/internal.js';
import { adam, evaluate, logLikelihood, train } from '../../src/train/index.js';
import { editJson, expectRejectsClean, expectSameBits, fuzzVampPriorFile } from '../io/helpers.js';
import { manifoldData } from './helpers.js';

const C = 3;
const vamp = (pseudoInputs: number, seed?: number) => ({ kind: 'vamp', pseudoInputs, ...(seed === undefined ? {} : { seed }) }) as const;

function lossOf(model: CVAE, batch: Batch, context: LossContext): Record<string, number> {
  return tf.tidy(() => {
    const out = model.computeLoss(batch, context);
    return Object.fromEntries([['loss', out.loss] as const, ...Object.entries(out.terms)].map(([k, t]) => [k, t.dataSync()[0]!]));
  }) as unknown as Record<string, number>;
}

/** The encoder at every (class, pseudo-input) pair, `[C, K, D]`: row c·K + k is (u_k, c). */
function priorComponents(cvae: CVAE): { mean: tf.Tensor3D; logVar: tf.Tensor3D } {
  return tf.tidy(() => {
    const u = cvae.pseudoInputs!;
    const k = u.shape[0]!;
    const tiled = tf.tile(u, [C, ...u.shape.slice(1).map(() => 1)]);
    const labels = Array.from({ length: C * k }, (_, i) => Math.floor(i / k));
    const { mean, logVar } = cvae.posterior(tiled, labels);
    const d = mean.shape[1]!;
    return { mean: tf.reshape(mean, [C, k, d]) as tf.Tensor3D, logVar: tf.reshape(logVar, [C, k, d]) as tf.Tensor3D };
  }) as unknown as { mean: tf.Tensor3D; logVar: tf.Tensor3D };
}

const labelsOf = (n: number): tf.Tensor1D => tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7 + 1) % C), 'int32');

describe('the conditional VampPrior on the CVAE', () => {
  it("trains with KL = vampKl (with labels) of the model's own draw and the pseudo-inputs' posteriors; the pseudo-inputs get gradients", () => {
    const x = manifoldData(12, 8, 3);
    const y = labelsOf(12);
    const cvae = denseCvae({ inputDim: 8, numClasses: C, hidden: [16], latentDim: 3, seed: 1, likelihood: 'gaussian', beta: 2, prior: vamp(5) });
    expect(cvae.prior).toEqual({ kind: 'vamp', pseudoInputs: 5 });
    expect(cvae.pseudoInputs!.shape).toEqual([5, 8]);
    expect(cvae.trainableVariables.at(-1)).toBe(cvae.pseudoInputs);
    const seed = 7;
    const got = lossOf(cvae, { x, y }, { training: true, seed, klScale: 0.5 });
    expect(Object.keys(got)).toEqual(['loss', 'reconstruction', 'kl']);
    const want = tf.tidy(() => {
      const { mean, logVar } = cvae.posterior(x, y);
      const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', deriveSeed(seed, SALT.epsilon));
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
      const prior = priorComponents(cvae);
      const kl = tf.mean(vampKl({ z, mean, logVar, priorMean: prior.mean, priorLogVar: prior.logVar, labels: y }));
      const rec = tf.mean(tf.neg(gaussianLogDensity(x, cvae.decode(z, y), tf.zerosLike(x))));
      return [kl.dataSync()[0]!, rec.dataSync()[0]!];
    }) as unknown as number[];
    expect(got['kl']).toBeCloseTo(want[0]!, 4);
    expect(got['reconstruction']).toBeCloseTo(want[1]!, 4);
    expect(got['loss']).toBeCloseTo(got['reconstruction']! + 2 * 0.5 * got['kl']!, 4);
    // The prior depends on the label: other labels give another KL for the same x.
    const other = tf.tidy(() => tf.tensor1d(Array.from(y.dataSync()).map((v) => (v + 1) % C), 'int32'));
    expect(Math.abs(lossOf(cvae, { x, y: other }, { training: true, seed })['kl']! - got['kl']!)).toBeGreaterThan(1e-4);
    const gradNorm = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => cvae.computeLoss({ x, y }, { training: true, seed }).loss, [cvae.pseudoInputs!]);
      return tf.norm(grads[cvae.pseudoInputs!.name]!).dataSync()[0]!;
    });
    expect(gradNorm).toBeGreaterThan(0);
    const evaluated = lossOf(cvae, { x, y }, { training: false, seed });
    expect(evaluated['kl']).toBeCloseTo(got['kl']!, 4);
    tf.dispose([x, y, other]);
    cvae.dispose();
  });

  it('a tiny VampPrior CVAE learns the toy manifold, generates from p(z|y), and logLikelihood works; no leaks', async () => {
    const x = manifoldData(96, 8, 6);
    const y = Array.from({ length: 96 }, (_, i) => i % C);
    const cvae = denseCvae({ inputDim: 8, numClasses: C, hidden: [16], latentDim: 2, seed: 5, prior: vamp(6) });
    const before = tf.memory().numTensors;
    const u0 = cvae.pseudoInputs!.dataSync().slice();
    const history = await train(cvae, { x, y }, { epochs: 30, batchSize: 16, learningRate: 0.01, seed: 2 });
    const first = history.epochs[0]!;
    const last = history.epochs.at(-1)!;
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.terms['reconstruction']!).toBeLessThan(0.9 * first.terms['reconstruction']!);
    expect(Array.from(cvae.pseudoInputs!.dataSync())).not.toEqual(Array.from(u0));
    const evaluated = await evaluate(cvae, { x, y }, { seed: 1 });
    expect(evaluated.loss).toBeCloseTo(evaluated.terms['reconstruction']! + evaluated.terms['kl']!, 3);
    const [g1, g2, s] = [cvae.generate([0, 1, 2, 2], { seed: 3 }), cvae.generate([0, 1, 2, 2], { seed: 3 }), cvae.sample(5, { seed: 4 })];
    expect(g1.shape).toEqual([4, 8]);
    expect(s.shape).toEqual([5, 8]);
    await expectSameBits(g1, g2);
    const ll = await logLikelihood(cvae, { x, y }, { samples: 20, seed: 1 });
    expect(ll.length).toBe(96);
    expect(ll.every((v) => Number.isFinite(v))).toBe(true);
    const meanLl = ll.reduce((a, b) => a + b, 0) / ll.length;
    expect(meanLl).toBeGreaterThan(-evaluated.loss - 0.5);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    cvae.dispose();
    x.dispose();
  });

  it('logImportanceWeights are log p(x|z,y) + log p(z|y) − log q(z|x,y); generate picks a pseudo-input then z ~ q(z|u_k, y)', () => {
    const x = manifoldData(4, 8, 2);
    const y = labelsOf(4);
    const cvae = denseCvae({ inputDim: 8, numClasses: C, hidden: [8], latentDim: 2, seed: 3, likelihood: 'gaussian', prior: vamp(3, 11) });
    const before = tf.memory().numTensors;
    const noise = tf.randomNormal([5, 4, 2], 0, 1, 'float32', 4);
    const got = cvae.logImportanceWeights({ x, y }, noise);
    expect(got.shape).toEqual([5, 4]);
    const want = tf.tidy(() => {
      const { mean, logVar } = cvae.posterior(x, y);
      const z = tf.reshape(tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)), [20, 2]);
      const ys = tf.tile(y, [5]);
      const prior = priorComponents(cvae);
      const xs = tf.tile(x, [5, 1]);
      const logLik = gaussianLogDensity(xs, cvae.decode(z, ys), tf.zerosLike(xs));
      const logQ = gaussianLogDensity(z, tf.tile(mean, [5, 1]), tf.tile(logVar, [5, 1]));
      return tf.reshape(tf.sub(tf.add(logLik, vampLogPrior({ z, mean: prior.mean, logVar: prior.logVar, labels: ys })), logQ), [5, 4]);
    });
    const g = got.dataSync();
    want.dataSync().forEach((w, i) => expect(g[i]).toBeCloseTo(w, 3));
    // generate = decoder(z, y), z = μ(u_0, y) + σ(u_0, y)·ε: with one pseudo-input, k is always 0.
    const one = denseCvae({ inputDim: 8, numClasses: C, hidden: [8], latentDim: 2, seed: 3, likelihood: 'gaussian', prior: vamp(1, 2) });
    const labels = [2, 0, 1];
    const drawn = one.generate(labels, { seed: 9 });
    const manual = tf.tidy(() => {
      const p = one.posterior(tf.tile(one.pseudoInputs!, [3, 1]), labels);
      const eps = tf.randomNormal([3, 2], 0, 1, 'float32', deriveSeed(9, 2));
      return one.decode(tf.add(p.mean, tf.mul(tf.exp(tf.mul(p.logVar, 0.5)), eps)), labels);
    });
    const d = drawn.dataSync();
    manual.dataSync().forEach((w, i) => expect(d[i]).toBeCloseTo(w, 5));
    tf.dispose([noise, got, want, drawn, manual]);
    one.dispose();
    expect(tf.memory().numTensors).toBe(before);
    y.dispose();
    cvae.dispose();
    x.dispose();
  });

  it("with { kind: 'iwae' } the training loss is −mean log (1/K) Σ_k w_k of logImportanceWeights at the model's own ε", () => {
    const x = manifoldData(5, 8, 4);
    const y = labelsOf(5);
    const cvae = denseCvae({ inputDim: 8, numClasses: C, hidden: [8], latentDim: 2, seed: 2, prior: vamp(3), objective: { kind: 'iwae', samples: 4 } });
    const seed = 3;
    const got = lossOf(cvae, { x, y }, { training: true, seed });
    const want = tf.tidy(() => {
      const noise = tf.randomNormal([4, 5, 2], 0, 1, 'float32', deriveSeed(seed, SALT.epsilon));
      const logW = cvae.logImportanceWeights({ x, y }, noise);
      return tf.neg(tf.mean(tf.sub(tf.logSumExp(logW, 0), Math.log(4)))).dataSync()[0]!;
    });
    expect(got['loss']).toBeCloseTo(want, 4);
    tf.dispose([x, y]);
    cvae.dispose();
  });

  it('convCvae and a two-input CVAE take it: image-shaped pseudo-inputs encoded with each label', () => {
    const cvae = convCvae({ inputShape: [8, 8, 1], filters: [4], latentDim: 2, numClasses: C, seed: 1, prior: vamp(3) });
    expect(cvae.pseudoInputs!.shape).toEqual([3, 8, 8, 1]);
    const g = cvae.generate([0, 2], { seed: 1 });
    expect(g.shape).toEqual([2, 8, 8, 1]);
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
    const y = labelsOf(4);
    const got = lossOf(cvae, { x, y }, { training: true, seed: 1 });
    const want = tf.tidy(() => {
      const { mean, logVar } = cvae.posterior(x, y);
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.randomNormal(mean.shape, 0, 1, 'float32', deriveSeed(1, SALT.epsilon))));
      const prior = priorComponents(cvae);
      return tf.mean(vampKl({ z, mean, logVar, priorMean: prior.mean, priorLogVar: prior.logVar, labels: y })).dataSync()[0]!;
    });
    expect(got['kl']).toBeCloseTo(want, 4);
    tf.dispose([g, x, y]);
    cvae.dispose();
    // The CVAE constructor with networks of two inputs each.
    const xIn = tfl.input({ shape: [6] });
    const yIn = tfl.input({ shape: [C] });
    const h = tfl.layers.concatenate().apply([xIn, yIn]) as tfl.SymbolicTensor;
    const encoder = tfl.model({ inputs: [xIn, yIn], outputs: [tfl.layers.dense({ units: 2 }).apply(h) as tfl.SymbolicTensor, tfl.layers.dense({ units: 2 }).apply(h) as tfl.SymbolicTensor] });
    const zIn = tfl.input({ shape: [2] });
    const y2 = tfl.input({ shape: [C] });
    const decoder = tfl.model({ inputs: [zIn, y2], outputs: tfl.layers.dense({ units: 6 }).apply(tfl.layers.concatenate().apply([zIn, y2])) as tfl.SymbolicTensor });
    const pair = new CVAE({ encoder, decoder, numClasses: C, likelihood: 'gaussian', prior: vamp(2, 1) });
    expect(pair.pseudoInputs!.shape).toEqual([2, 6]);
    const xs = tf.randomUniform([3, 6], 0, 1, 'float32', 2);
    const ys = tf.tensor1d([0, 1, 2], 'int32');
    expect(Number.isFinite(lossOf(pair, { x: xs, y: ys }, { training: true, seed: 2 })['kl']!)).toBe(true);
    tf.dispose([xs, ys]);
    pair.dispose();
  });

  it('a one-class CVAE (one-hot of depth 1) trains and generates, with the standard prior and with the VampPrior', async () => {
    const x = manifoldData(16, 4, 1);
    const y = new Array<number>(16).fill(0);
    for (const prior of [undefined, vamp(2)]) {
      const cvae = denseCvae({ inputDim: 4, numClasses: 1, hidden: [4], latentDim: 2, seed: 1, ...(prior === undefined ? {} : { prior }) });
      const history = await train(cvae, { x, y }, { epochs: 2, batchSize: 8, seed: 1 });
      expect(history.epochs.every((e) => Number.isFinite(e.loss))).toBe(true);
      const g = cvae.generate([0, 0], { seed: 1 });
      expect(g.shape).toEqual([2, 4]);
      g.dispose();
      expect(() => cvae.generate([1])).toThrow(/CVAE\.generate: argument 'labels'.*\[0, 1\)/);
      cvae.dispose();
    }
    x.dispose();
  });

  it('the initial pseudo-inputs are a seeded U(0, 1) draw from the factory seed (the prior seed overrides it); dispose frees them', () => {
    const before = tf.memory().numTensors;
    const a = denseCvae({ inputDim: 4, numClasses: 2, hidden: [4], latentDim: 2, seed: 1, prior: vamp(3) });
    const b = denseCvae({ inputDim: 4, numClasses: 2, hidden: [4], latentDim: 2, seed: 1, prior: vamp(3, 5) });
    const u = Array.from(a.pseudoInputs!.dataSync());
    expect(u).toEqual(tf.tidy(() => Array.from(tf.randomUniform([3, 4], 0, 1, 'float32', deriveSeed(1, 3)).dataSync())));
    expect(Array.from(b.pseudoInputs!.dataSync())).not.toEqual(u);
    a.dispose();
    b.dispose();
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => a.pseudoInputs).toThrow(/CVAE\.pseudoInputs: .*disposed/);
    const plain = denseCvae({ inputDim: 4, numClasses: 2, hidden: [4], latentDim: 2, seed: 1 });
    expect(plain.pseudoInputs).toBeNull();
    expect(plain.prior).toEqual({ kind: 'standard' });
    expect(plain.getConfig().prior).toBeUndefined();
    plain.dispose();
  });
});

describe('saving a VampPrior CVAE', () => {
  it('saveModel/loadModel keep the prior and the pseudo-inputs bit for bit: same losses, same draws', async () => {
    const x = manifoldData(6, 8, 2);
    const y = [0, 1, 2, 0, 1, 2];
    const cvae = denseCvae({ inputDim: 8, numClasses: C, hidden: [4], latentDim: 2, seed: 1, prior: vamp(4) });
    await train(cvae, { x, y }, { epochs: 2, batchSize: 3, learningRate: 0.01, seed: 1 });
    const saved = await saveModel(cvae, { type: 'memory' });
    expect(JSON.parse(saved.modelJson).modelTopology.config.prior).toEqual({ kind: 'vamp', pseudoInputs: 4 });
    const again = await loadModel(saved, { kind: 'cvae' });
    expect(again.prior).toEqual({ kind: 'vamp', pseudoInputs: 4 });
    await expectSameBits(again.pseudoInputs!.clone(), cvae.pseudoInputs!.clone());
    const yt = tf.tensor1d(y, 'int32');
    expect(lossOf(again, { x, y: yt }, { training: true, seed: 1 })).toEqual(lossOf(cvae, { x, y: yt }, { training: true, seed: 1 }));
    yt.dispose();
    await expectSameBits(cvae.generate([2, 1], { seed: 2 }), again.generate([2, 1], { seed: 2 }));
    again.dispose();
    cvae.dispose();
    x.dispose();
  });

  it('resumes training exactly with the pseudo-inputs in the optimizer state: 2 + 2 epochs with a save in between give the losses of 4', async () => {
    const x = manifoldData(24, 6, 4);
    const y = Array.from({ length: 24 }, (_, i) => i % C);
    const make = (): CVAE => denseCvae({ inputDim: 6, numClasses: C, hidden: [8], latentDim: 2, seed: 7, prior: vamp(3) });
    const options = { batchSize: 8, seed: 17 };
    const curve = (epochs: readonly { loss: number }[]): number[] => epochs.map((e) => e.loss);
    const a = make();
    const whole = await train(a, { x, y }, { ...options, epochs: 4 });
    const b = make();
    const optimizer = adam({ learningRate: 0.001 });
    const head = await train(b, { x, y }, { ...options, optimizer, epochs: 2 });
    const saved = await saveModel(b, { type: 'memory' }, { training: { optimizer, initialEpoch: 2, seed: head.seed } });
    optimizer.dispose();
    b.dispose();
    const c = await loadModel(saved, { kind: 'cvae' });
    const state = (await loadTrainingState(saved))!;
    const tail = await train(c, { x, y }, { ...options, ...state, epochs: 4 });
    state.optimizer.dispose();
    expect(curve([...head.epochs, ...tail.epochs])).toEqual(curve(whole.epochs));
    await expectSameBits(a.pseudoInputs!.clone(), c.pseudoInputs!.clone());
    a.dispose();
    c.dispose();
    x.dispose();
  });

  it('an untrusted file with a bad prior or bad pseudo-inputs is refused naming the field, leaving nothing behind', async () => {
    const cvae = denseCvae({ inputDim: 8, numClasses: C, hidden: [4], latentDim: 2, seed: 1, prior: vamp(4) });
    const saved = await saveModel(cvae, { type: 'memory' });
    cvae.dispose();
    const config = (edit: (c: Record<string, unknown>) => void) => editJson(saved, (j) => void edit(j['modelTopology'].config));
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = vamp(5)))), /loadModel: weight 'prior\/pseudoInputs' must be float32 of shape \[5,8\], got float32 of shape \[4,8\]/);
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = { kind: 'vamp', pseudoInputs: 0 }))), /loadModel: .*modelTopology\.config\.prior\.pseudoInputs/);
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = { kind: 'mixture' }))), /loadModel: .*modelTopology\.config\.prior\.kind.*'standard' or 'vamp'/);
    await expectRejectsClean(() => loadModel(config((c) => (c['prior'] = { kind: 'vamp', pseudoInputs: 4, seed: 1 }))), /loadModel: .*modelTopology\.config\.prior/);
    await expectRejectsClean(() => loadModel(config((c) => delete c['prior'])), /loadModel: the weights manifest holds 'prior\/pseudoInputs', which belongs to no part of the model/);
    // A VampPrior with an objective it does not support: refused in loadModel's name.
    await expectRejectsClean(
      () => loadModel(config((c) => (c['objective'] = { kind: 'beta-tc', alpha: 1, beta: 6, gamma: 1 }))),
      /loadModel: .*(beta|prior)/,
    );
    const noWeight = editJson(saved, (j) => {
      for (const w of j['weightsManifest'][0].weights as { name: string }[]) if (w.name === 'prior/pseudoInputs') w.name = 'prior/other';
    });
    await expectRejectsClean(() => loadModel(noWeight), /loadModel: the weights manifest lacks 'prior\/pseudoInputs'/);
  });

  it('a seeded fuzz of the prior field and the pseudo-input manifest entry: a clean loadModel error or a load, never a leak', async () => {
    const cvae = denseCvae({ inputDim: 8, numClasses: C, hidden: [4], latentDim: 2, seed: 1, prior: vamp(4) });
    const saved = await saveModel(cvae, { type: 'memory' });
    cvae.dispose();
    await fuzzVampPriorFile(saved, 2027, ['inputShape', 'numClasses']);
  });
});

describe('bad conditional VampPrior uses', () => {
  it('the objectives it does not support, Layers export and import, are refused naming the function', async () => {
    const base = { inputDim: 4, numClasses: 2, hidden: [4], latentDim: 2, seed: 1 } as const;
    const before = tf.memory().numTensors;
    expect(() => denseCvae({ ...base, prior: vamp(2), objective: { kind: 'beta-tc' } })).toThrow(/denseCvae: argument 'prior' is \{ kind: 'vamp' \}, which works with the objectives/);
    expect(() => convCvae({ inputShape: [8, 8, 1], filters: [4], latentDim: 2, numClasses: 2, prior: vamp(2), objective: { kind: 'mmd', lambda: 1, kernel: 'rbf' } })).toThrow(
      /convCvae: argument 'prior' is \{ kind: 'vamp' \}/,
    );
    expect(() => denseCvae({ ...base, prior: { kind: 'vamp', pseudoInputs: 0 } })).toThrow(/denseCvae: argument 'prior\.pseudoInputs'/);
    expect(() => denseCvae({ ...base, prior: { kind: 'gmm' } as never })).toThrow(/denseCvae: argument 'prior\.kind' must be 'standard' or 'vamp'/);
    expect(tf.memory().numTensors).toBe(before);
    const plain = denseCvae(base);
    expect(() => new CVAE({ encoder: plain.encoder, decoder: plain.decoder, numClasses: 2, prior: vamp(2), objective: { kind: 'elbo', freeBits: 0.5 } })).toThrow(/CVAE: .*with free bits/);
    const settings = { format: 'autoencoders/layers-settings', version: '1.0', kind: 'cvae', network: 'encoder', config: { ...plain.getConfig(), prior: vamp(2) }, notCarried: [] };
    expect(() => CVAE.fromLayersModels({ encoder: plain.encoder, decoder: plain.decoder, settings } as never)).toThrow(/CVAE\.fromLayersModels: .*VampPrior/);
    plain.dispose();
    const cvae = denseCvae({ ...base, prior: vamp(2) });
    await expect(exportLayersModel(cvae, { type: 'memory' } as never, { network: 'encoder' })).rejects.toThrow(/exportLayersModel: argument 'model' has a VampPrior/);
    cvae.dispose();
  });

  it('vampLogPrior and vampKl refuse bad labels and component shapes naming the argument, leaving nothing behind', () => {
    const z = tf.zeros([4, 2]);
    const mean = tf.zeros([3, 2, 2]);
    const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
    const [floatLabels, short, outside, flat, narrow] = [tf.tensor1d([0, 1, 2, 1]), tf.tensor1d([0, 1], 'int32'), tf.tensor1d([0, 1, 3, 1], 'int32'), tf.zeros([2, 2]), tf.zeros([3, 2, 1])];
    const one = tf.randomNormal([1, 3, 2], 0, 1, 'float32', 1);
    const [oneFlat, zeros] = [tf.squeeze(one, [0]), tf.zeros([4], 'int32')];
    const before = tf.memory().numTensors;
    expect(() => vampLogPrior({ z, mean, logVar: mean, labels: floatLabels })).toThrow(/vampLogPrior: argument 'labels' must be an int32 tensor of shape \[4\]/);
    expect(() => vampLogPrior({ z, mean, logVar: mean, labels: short })).toThrow(/vampLogPrior: argument 'labels' must be an int32 tensor of shape \[4\].*got int32 of shape \[2\]/);
    expect(() => vampLogPrior({ z, mean, logVar: mean, labels: outside })).toThrow(/vampLogPrior: argument 'labels' must hold classes in \[0, 3\).*got 3 at index 2/);
    expect(() => vampLogPrior({ z, mean: flat, logVar: flat, labels })).toThrow(/vampLogPrior: argument 'mean' must have shape \[C,K,2\] with 'labels'/);
    expect(() => vampLogPrior({ z, mean, logVar: narrow, labels })).toThrow(/vampLogPrior: argument 'logVar' must have shape \[3,2,2\]/);
    expect(() => vampKl({ z, mean: z, logVar: z, priorMean: mean, priorLogVar: mean, labels: [0, 1] as never })).toThrow(/vampKl: argument 'labels'/);
    expect(() => vampKl({ z, mean: z, logVar: z, priorMean: mean, priorLogVar: mean })).toThrow(/vampKl: argument 'priorMean' must have shape \[K,2\]/);
    expect(tf.memory().numTensors).toBe(before);
    // The labelled mixture with one class is the unlabelled one; each call leaves only its result.
    const a = vampLogPrior({ z, mean: one, logVar: one, labels: zeros });
    const b = vampLogPrior({ z, mean: oneFlat, logVar: oneFlat });
    const kl = vampKl({ z, mean: z, logVar: z, priorMean: mean, priorLogVar: mean, labels });
    expect(tf.memory().numTensors).toBe(before + 3);
    const [av, bv] = [a.dataSync(), b.dataSync()];
    av.forEach((v, i) => expect(v).toBeCloseTo(bv[i]!, 6));
    tf.dispose([a, b, kl, z, mean, labels, floatLabels, short, outside, flat, narrow, one, oneFlat, zeros]);
  });
});
