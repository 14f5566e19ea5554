import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/train/index.js';
import { linearAutoencoder, makeRows } from './helpers.js';

describe('train', () => {
  it('lowers the loss of a linear autoencoder and records one log per epoch', async () => {
    const model = linearAutoencoder({ features: 4 });
    const history = await train(model, makeRows(64, 4), { epochs: 6, batchSize: 16, learningRate: 0.05, seed: 0 });
    expect(history.epochs).toHaveLength(6);
    expect(history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(history.epochs[5]!.loss).toBeLessThan(history.epochs[0]!.loss * 0.8);
    expect(history.stoppedEarly).toBe(false);
    expect(history.aborted).toBe(false);
    expect(history.seed).toBe(0);
    const last = history.epochs[5]!;
    expect(Object.keys(last.terms)).toEqual(['reconstruction', 'weightPenalty']);
    expect(last.terms.reconstruction! + last.terms.weightPenalty!).toBeCloseTo(last.loss, 5);
    expect(last.learningRate).toBe(0.05);
    expect(last.seconds).toBeGreaterThan(0);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(last.valLoss).toBeUndefined();
    model.dispose();
  });

  it('weights every batch by its size in the epoch loss (a last, smaller batch counts less)', async () => {
    const model = linearAutoencoder({ features: 3 });
    const batchLosses: { size: number; loss: number }[] = [];
    const history = await train(model, makeRows(10, 3), {
      epochs: 1,
      batchSize: 4,
      optimizer: tf.train.sgd(0),
      shuffle: false,
      callbacks: { onBatchEnd: (_b, log) => void batchLosses.push({ size: log.size, loss: log.loss }) },
    });
    expect(batchLosses.map((b) => b.size)).toEqual([4, 4, 2]);
    const expected = batchLosses.reduce((s, b) => s + b.loss * b.size, 0) / 10;
    expect(history.epochs[0]!.loss).toBeCloseTo(expected, 12);
    model.dispose();
  });

  it('leaves no tensor behind when it created the optimizer, and never disposes the data tensor', async () => {
    const model = linearAutoencoder({ features: 4 });
    const x = tf.tensor2d(makeRows(40, 4));
    const before = tf.memory().numTensors;
    await train(model, x, { epochs: 3, batchSize: 8, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    x.dispose();
    model.dispose();
  });

  it('keeps tf.memory().numTensors the same after every epoch', async () => {
    const model = linearAutoencoder({ features: 4, noise: true });
    const counts: number[] = [];
    await train(model, makeRows(50, 4), {
      epochs: 5,
      batchSize: 8,
      seed: 2,
      validationSplit: 0.2,
      earlyStopping: { patience: 10 },
      clipNorm: 1,
      callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
    });
    expect(counts).toHaveLength(5);
    expect(new Set(counts).size).toBe(1);
    model.dispose();
  });

  it('leaves only the optimizer state behind when the optimizer is passed in, and does not dispose it', async () => {
    const model = linearAutoencoder({ features: 4 });
    const optimizer = tf.train.adam(0.01);
    const before = tf.memory().numTensors;
    await train(model, makeRows(32, 4), { epochs: 2, batchSize: 8, optimizer, seed: 3 });
    // Adam keeps two moments per variable (2 variables).
    expect(tf.memory().numTensors).toBe(before + 4);
    // Still usable.
    await train(model, makeRows(32, 4), { epochs: 1, batchSize: 8, optimizer, seed: 3 });
    expect(tf.memory().numTensors).toBe(before + 4);
    optimizer.dispose();
    model.dispose();
  });

  it('accepts number[][], { data, shape } and tensors and gives the same losses for each', async () => {
    const rows = makeRows(24, 3);
    const flat = { data: Float32Array.from(rows.flat()), shape: [24, 3] };
    const tensor = tf.tensor2d(rows);
    const results: number[][] = [];
    for (const data of [rows, flat, tensor]) {
      const model = linearAutoencoder({ features: 3 });
      const h = await train(model, data, { epochs: 2, batchSize: 5, seed: 4 });
      results.push(h.epochs.map((e) => e.loss));
      model.dispose();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    tensor.dispose();
  });

  it('trains on 4-D image tensors, gathering whole images', async () => {
    const model = linearAutoencoder({ features: 4, recordRows: true });
    const images = tf.tensor4d(makeRows(12, 4).flat(), [12, 2, 2, 1]);
    const before = tf.memory().numTensors;
    const h = await train(model, images, { epochs: 1, batchSize: 5, seed: 5 });
    expect(h.epochs[0]!.loss).toBeGreaterThan(0);
    expect(model.calls.map((c) => c.size)).toEqual([5, 5, 2]);
    const seen = model.calls.flatMap((c) => c.firstColumn ?? []).sort((a, b) => a - b);
    expect(seen).toEqual(makeRows(12, 4).map((r) => Math.fround(r[0]!)).sort((a, b) => a - b));
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    model.dispose();
  });

  it('passes { x, y } labels with their rows, also after shuffling', async () => {
    const model = linearAutoencoder({ features: 3, recordRows: true });
    const rows = makeRows(20, 3);
    const y = rows.map((_, i) => i % 4);
    await train(model, { x: rows, y }, { epochs: 2, batchSize: 6, seed: 6 });
    for (const call of model.calls) {
      // The first column is i / 20, the label i % 4.
      const expected = call.firstColumn!.map((v) => Math.round(v * 20) % 4);
      expect(call.labels).toEqual(expected);
    }
    const labelTensor = tf.tensor1d(y, 'float32') as tf.Tensor1D;
    const before = tf.memory().numTensors;
    await train(model, { x: rows, y: labelTensor }, { epochs: 1, batchSize: 6, seed: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.calls.at(-1)!.labels!.every((v) => Number.isInteger(v))).toBe(true);
    labelTensor.dispose();
    model.dispose();
  });

  it('visits every sample exactly once per epoch, in a new order each epoch when shuffling', async () => {
    const model = linearAutoencoder({ features: 2, recordRows: true });
    await train(model, makeRows(20, 2), { epochs: 2, batchSize: 7, seed: 7 });
    const epoch0 = model.calls.slice(0, 3).flatMap((c) => c.firstColumn!);
    const epoch1 = model.calls.slice(3, 6).flatMap((c) => c.firstColumn!);
    const all = makeRows(20, 2).map((r) => Math.fround(r[0]!));
    expect([...epoch0].sort((a, b) => a - b)).toEqual(all);
    expect([...epoch1].sort((a, b) => a - b)).toEqual(all);
    expect(epoch0).not.toEqual(epoch1);
    expect(epoch0).not.toEqual(all);
    model.dispose();
  });

  it('keeps the data order when shuffle is false', async () => {
    const model = linearAutoencoder({ features: 2, recordRows: true });
    await train(model, makeRows(9, 2), { epochs: 1, batchSize: 4, shuffle: false, seed: 8 });
    expect(model.calls.flatMap((c) => c.firstColumn!)).toEqual(makeRows(9, 2).map((r) => Math.fround(r[0]!)));
    model.dispose();
  });

  it('passes training: true, a derived seed and klScale 1 to computeLoss by default', async () => {
    const model = linearAutoencoder({ features: 2 });
    await train(model, makeRows(8, 2), { epochs: 1, batchSize: 4, seed: 9 });
    expect(model.calls.map((c) => [c.training, c.klScale])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    expect(model.calls[0]!.seed).not.toBe(model.calls[1]!.seed);
    model.dispose();
  });

  it('draws a random seed when none is given and reports it', async () => {
    const model = linearAutoencoder({ features: 2 });
    const a = await train(model, makeRows(8, 2), { epochs: 1 });
    const b = await train(model, makeRows(8, 2), { epochs: 1 });
    expect(Number.isInteger(a.seed)).toBe(true);
    expect(a.seed).not.toBe(b.seed);
    model.dispose();
  });

  it('cleans up and rejects with the error of a model that throws', async () => {
    const inner = linearAutoencoder({ features: 2 });
    let calls = 0;
    const model = {
      trainableVariables: inner.trainableVariables,
      computeLoss: (batch: Parameters<typeof inner.computeLoss>[0], ctx: Parameters<typeof inner.computeLoss>[1]) => {
        calls++;
        if (calls === 3) throw new Error('model broke');
        return inner.computeLoss(batch, ctx);
      },
    };
    const before = tf.memory().numTensors;
    await expect(train(model, makeRows(20, 2), { epochs: 1, batchSize: 4, seed: 10 })).rejects.toThrow('model broke');
    expect(tf.memory().numTensors).toBe(before);
    inner.dispose();
  });
});
