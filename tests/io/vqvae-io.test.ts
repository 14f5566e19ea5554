// Saving and loading VQ-VAEs: the codebook and its statistics travel with the networks, resuming
// training is exact, and the codebook part of a file is checked like the rest (untrusted input).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadModel, loadTrainingState, saveModel, type SavedArtifacts } from '../../src/io/index.js';
import { VQVAE, convVqVae, denseVqVae } from '../../src/models/index.js';
import { createRng } from '../../src/core/index.js';
import { type EpochLog, train } from '../../src/train/index.js';
import { data, editJson, expectRejectsClean, expectSameBits, loadsOrRefusesClean } from './helpers.js';

const curve = (epochs: readonly EpochLog[]): unknown[] => epochs.map(({ epoch, loss, terms }) => ({ epoch, loss, terms }));

describe('saveModel and loadModel with a VQ-VAE', () => {
  it('brings back a trained EMA VQ-VAE with its codebook, statistics and codes, bit for bit', async () => {
    const x = data(32, 6);
    const vq = denseVqVae({ inputDim: 6, hidden: [8], codebookSize: 8, codeDim: 3, numCodes: 2, ema: { decay: 0.8 }, seed: 1 });
    await train(vq, x, { epochs: 2, batchSize: 8, seed: 2 });
    const saved = await saveModel(vq, { type: 'memory' });
    const names = (JSON.parse(saved.modelJson).weightsManifest[0].weights as { name: string }[]).map((w) => w.name).filter((n) => n.startsWith('codebook/'));
    expect(names).toEqual(['codebook/embeddings', 'codebook/counts', 'codebook/sums', 'codebook/usage']);
    const again = await loadModel(saved, { kind: 'vqvae' });
    expect(again).toBeInstanceOf(VQVAE);
    expect(again.getConfig()).toEqual(vq.getConfig());
    for (const [k, v] of Object.entries(vq.codebookVariables())) await expectSameBits(tf.clone(v), tf.clone(again.codebookVariables()[k as 'embeddings']!));
    await expectSameBits(vq.encode(x), again.encode(x));
    await expectSameBits(vq.reconstruct(x), again.reconstruct(x));
    // A training step updates the statistics identically.
    tf.dispose([vq.computeLoss({ x }, { training: true, seed: 5 }), again.computeLoss({ x }, { training: true, seed: 5 })]);
    await expectSameBits(tf.clone(vq.codebook), tf.clone(again.codebook));
    vq.dispose();
    again.dispose();
    x.dispose();
  });

  it('saves a conv VQ-VAE without EMA or restarts: only the trainable embeddings', async () => {
    const vq = convVqVae({ inputShape: [8, 8, 1], filters: [2, 3], codebookSize: 4, codeDim: 2, deadCodes: { kind: 'keep' }, reconstruction: 'bce', seed: 3 });
    const saved = await saveModel(vq, { type: 'memory' });
    const again = await loadModel(saved);
    expect(again).toBeInstanceOf(VQVAE);
    expect(Object.keys((again as VQVAE).codebookVariables())).toEqual(['embeddings']);
    expect((again as VQVAE).trainableVariables).toHaveLength(vq.trainableVariables.length);
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 4);
    await expectSameBits(vq.reconstruct(x), (again as VQVAE).reconstruct(x));
    tf.dispose([x]);
    vq.dispose();
    again.dispose();
  });

  it('resumes training exactly: 2 + 2 epochs with a save in between give the losses of 4 epochs', async () => {
    const x = data(24, 6, 4);
    const make = (): VQVAE => denseVqVae({ inputDim: 6, hidden: [8], codebookSize: 8, codeDim: 3, numCodes: 2, seed: 7 });
    const options = { batchSize: 8, seed: 17 };
    const a = make();
    const whole = await train(a, x, { ...options, epochs: 4 });
    const b = make();
    const { adam } = await import('../../src/train/index.js');
    const optimizer = adam({ learningRate: 0.001 });
    const head = await train(b, x, { ...options, optimizer, epochs: 2 });
    const saved = await saveModel(b, { type: 'memory' }, { training: { optimizer, initialEpoch: 2, seed: head.seed } });
    optimizer.dispose();
    b.dispose();
    const c = await loadModel(saved, { kind: 'vqvae' });
    const state = (await loadTrainingState(saved))!;
    const tail = await train(c, x, { ...options, ...state, epochs: 4 });
    state.optimizer.dispose();
    expect(curve([...head.epochs, ...tail.epochs])).toEqual(curve(whole.epochs));
    await expectSameBits(a.reconstruct(x), c.reconstruct(x));
    a.dispose();
    c.dispose();
    x.dispose();
  });
});

describe('loadModel with a malformed VQ-VAE file', () => {
  let saved: SavedArtifacts;
  const rejects = async (artifacts: SavedArtifacts, pattern: RegExp): Promise<void> => {
    const bytes = tf.memory().numBytes;
    await expectRejectsClean(() => loadModel(artifacts), pattern);
    expect(tf.memory().numBytes).toBe(bytes);
  };
  const make = async (): Promise<SavedArtifacts> => {
    if (saved !== undefined) return saved;
    const vq = denseVqVae({ inputDim: 6, hidden: [5], codebookSize: 4, codeDim: 2, ema: { decay: 0.9 }, seed: 1 });
    saved = await saveModel(vq, { type: 'memory' });
    vq.dispose();
    return saved;
  };
  type Spec = { name: string; shape: number[]; dtype: string };
  const specs = (j: Record<string, never>): Spec[] => (j['weightsManifest'] as unknown as { weights: Spec[] }[])[0]!.weights;

  it('rejects missing, extra and misshapen codebook weights', async () => {
    const s = await make();
    await rejects(editJson(s, (j) => void specs(j as never).splice(specs(j as never).findIndex((w) => w.name === 'codebook/sums'), 1)), /loadModel: /);
    await rejects(
      editJson(s, (j) => void (specs(j as never).find((w) => w.name === 'codebook/counts')!.name = 'codebook/extra')),
      /the weights manifest lacks 'codebook\/counts', a weight of the codebook/,
    );
    await rejects(editJson(s, (j) => void (specs(j as never).find((w) => w.name === 'codebook/embeddings')!.shape = [2, 4])), /weight 'codebook\/embeddings' must be float32 of shape \[4,2\], got float32 of shape \[2,4\]/);
    await rejects(editJson(s, (j) => void (j.modelTopology.config.ema = null)), /the weights manifest holds 'codebook\/counts', which belongs to no part of the model/);
  });

  it('rejects bad codebook options in the configuration, with the constructor naming them', async () => {
    const s = await make();
    await rejects(editJson(s, (j) => void (j.modelTopology.config.codebookSize = 0)), /field 'modelTopology\.config\.codebookSize' must be an integer in \[1, 16777216\]/);
    await rejects(editJson(s, (j) => void (j.modelTopology.config.deadCodes = { kind: 'sometimes' })), /field 'modelTopology\.config\.deadCodes\.kind' must be 'restart' or 'keep'/);
    await rejects(editJson(s, (j) => void (j.modelTopology.config.ema = { decay: 2 })), /does not make a valid vqvae: VQVAE: argument 'ema\.decay' must be a finite number > 0 < 1/);
    await rejects(editJson(s, (j) => void (j.modelTopology.config.ema = { decay: 0.5, eps: 1 })), /does not make a valid vqvae: VQVAE: unknown option 'eps' in 'ema'/);
    await rejects(editJson(s, (j) => void (j.modelTopology.config.codeDim = 3)), /loadModel: /);
    await rejects(editJson(s, (j) => void (j.modelTopology.config.codeShape = [1, 3])), /loadModel: /);
    await rejects(editJson(s, (j) => void (j.modelTopology.config.commitment = -1)), /VQVAE: argument 'commitment' must be a finite number >= 0/);
    await rejects(editJson(s, (j) => void delete j.modelTopology.config.deadCodes), /field 'modelTopology\.config\.deadCodes' is missing/);
  });

  it('survives random edits of the configuration and manifest: each file loads or is refused cleanly', async () => {
    // A seeded fuzz: each case replaces one field of the config or one codebook manifest entry by
    // a value drawn from a pool of wrong types and edge values.
    const s = await make();
    const rng = createRng(2024);
    const pool: unknown[] = [null, 0, -1, 1.5, 2 ** 40, '', 'x', [], [0], {}, { kind: 'keep' }, { decay: 0.5 }, true, NaN];
    const configKeys = ['inputShape', 'codeShape', 'codebookSize', 'codeDim', 'commitment', 'ema', 'deadCodes', 'reconstruction'];
    let loaded = 0;
    for (let i = 0; i < 60; i++) {
      const value = pool[Math.floor(rng() * pool.length)];
      const edited = editJson(s, (j) => {
        if (rng() < 0.6) {
          j.modelTopology.config[configKeys[Math.floor(rng() * configKeys.length)]!] = value;
        } else {
          const book = specs(j as never).filter((w) => w.name.startsWith('codebook/'));
          const spec = book[Math.floor(rng() * book.length)]! as unknown as Record<string, unknown>;
          spec[['name', 'shape', 'dtype'][Math.floor(rng() * 3)]!] = value;
        }
      });
      if (await loadsOrRefusesClean(edited)) loaded++;
    }
    expect(loaded).toBeLessThan(60);
  });
});
