import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/core/index.js';
import { train } from '../../src/train/index.js';
import type { TrainOptions } from '../../src/train/index.js';
import { linearAutoencoder, lossesOf, makeRows } from './helpers.js';

const rows = makeRows(48, 4);

describe('train determinism', () => {
  it('gives the same loss history, bit for bit, for the same seed', async () => {
    const options: TrainOptions = { epochs: 4, batchSize: 10, seed: 11, validationSplit: 0.25, clipNorm: 2 };
    const a = linearAutoencoder({ features: 4, noise: true });
    const b = linearAutoencoder({ features: 4, noise: true });
    const ha = await train(a, rows, options);
    const hb = await train(b, rows, options);
    expect(lossesOf(hb)).toEqual(lossesOf(ha));
    expect(b.weights()).toEqual(a.weights());
    a.dispose();
    b.dispose();
  });

  it('gives a different history for a different seed', async () => {
    const a = linearAutoencoder({ features: 4, noise: true });
    const b = linearAutoencoder({ features: 4, noise: true });
    const ha = await train(a, rows, { epochs: 2, batchSize: 10, seed: 1 });
    const hb = await train(b, rows, { epochs: 2, batchSize: 10, seed: 2 });
    expect(lossesOf(hb)).not.toEqual(lossesOf(ha));
    a.dispose();
    b.dispose();
  });

  it('passes deriveSeed(seed, epoch, batch) to every training step', async () => {
    const model = linearAutoencoder({ features: 4 });
    await train(model, rows.slice(0, 20), { epochs: 2, initialEpoch: 0, batchSize: 8, seed: 42 });
    const expected = [0, 1].flatMap((e) => [0, 1, 2].map((b) => deriveSeed(42, e, b)));
    expect(model.calls.map((c) => c.seed)).toEqual(expected);
    model.dispose();
  });

  it('reproduces the remaining epochs of an uninterrupted run when resumed with initialEpoch', async () => {
    const common: TrainOptions = {
      batchSize: 8,
      seed: 5,
      validationSplit: 0.2,
      klWarmup: { epochs: 4 },
      learningRateSchedule: (epoch, base) => base / (1 + epoch),
    };
    // Uninterrupted: epochs 0–4.
    const full = linearAutoencoder({ features: 4, noise: true });
    const fullOptimizer = tf.train.adam(0.02);
    const whole = await train(full, rows, { ...common, epochs: 5, optimizer: fullOptimizer });

    // Interrupted after epoch 1, then resumed with the same model and optimizer.
    const resumed = linearAutoencoder({ features: 4, noise: true });
    const optimizer = tf.train.adam(0.02);
    const first = await train(resumed, rows, { ...common, epochs: 2, optimizer });
    const second = await train(resumed, rows, { ...common, epochs: 5, initialEpoch: 2, optimizer });

    expect(second.epochs.map((e) => e.epoch)).toEqual([2, 3, 4]);
    expect(lossesOf(first)).toEqual(lossesOf(whole).slice(0, 2));
    expect(lossesOf(second)).toEqual(lossesOf(whole).slice(2));
    expect(second.epochs.map((e) => e.learningRate)).toEqual(whole.epochs.slice(2).map((e) => e.learningRate));
    expect(resumed.weights()).toEqual(full.weights());
    fullOptimizer.dispose();
    optimizer.dispose();
    full.dispose();
    resumed.dispose();
  });

  it('runs nothing when initialEpoch equals epochs', async () => {
    const model = linearAutoencoder({ features: 4 });
    const h = await train(model, rows, { epochs: 3, initialEpoch: 3, seed: 0 });
    expect(h.epochs).toEqual([]);
    expect(model.calls).toEqual([]);
    model.dispose();
  });
});
