import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluate, train } from '../../src/train/index.js';
import type { BatchInput } from '../../src/train/index.js';
import { linearAutoencoder, lossesOf, makeRows } from './helpers.js';

const rows = makeRows(30, 3);

/** Batches of `size` rows as tensors the generator owns and disposes once resumed. */
function tensorBatches(size: number, disposed: tf.Tensor[] = []): AsyncIterable<BatchInput> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < rows.length; i += size) {
        const x = tf.tensor2d(rows.slice(i, i + size));
        yield x;
        // The trainer has queued the step; the batch is ours to free.
        expect(x.isDisposed).toBe(false);
        x.dispose();
        disposed.push(x);
      }
    },
  };
}

describe('train on an async iterable', () => {
  it('trains on tensor batches, never disposing them, and keeps memory flat', async () => {
    const model = linearAutoencoder({ features: 3 });
    const counts: number[] = [];
    const disposed: tf.Tensor[] = [];
    const before = tf.memory().numTensors;
    const history = await train(model, tensorBatches(8, disposed), {
      epochs: 3,
      seed: 0,
      callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
    });
    expect(history.epochs).toHaveLength(3);
    expect(history.epochs[2]!.loss).toBeLessThan(history.epochs[0]!.loss);
    expect(model.calls.filter((c) => c.training).map((c) => c.size)).toEqual([8, 8, 8, 6, 8, 8, 8, 6, 8, 8, 8, 6]);
    expect(disposed).toHaveLength(12);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('gives the same losses as the same batches in memory without shuffling', async () => {
    const a = linearAutoencoder({ features: 3 });
    const b = linearAutoencoder({ features: 3 });
    const streamed = await train(a, tensorBatches(8), { epochs: 2, seed: 3 });
    const inMemory = await train(b, rows, { epochs: 2, seed: 3, batchSize: 8, shuffle: false });
    expect(lossesOf(streamed)).toEqual(lossesOf(inMemory));
    a.dispose();
    b.dispose();
  });

  it('converts { x, y } items given as arrays and disposes what it converted', async () => {
    const model = linearAutoencoder({ features: 3, recordRows: true });
    const labelled = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < rows.length; i += 10) {
          yield { x: rows.slice(i, i + 10), y: Int32Array.from({ length: 10 }, (_, k) => (i + k) % 3) };
        }
      },
    };
    const before = tf.memory().numTensors;
    await train(model, labelled, { epochs: 2, seed: 0, validationData: labelled });
    expect(tf.memory().numTensors).toBe(before);
    for (const call of model.calls) {
      expect(call.labels).toEqual(call.firstColumn!.map((v) => Math.round(v * 30) % 3));
    }
    model.dispose();
  });

  it('passes the batch index into the step seed', async () => {
    const model = linearAutoencoder({ features: 3 });
    await train(model, tensorBatches(10), { epochs: 1, seed: 1 });
    const seeds = model.calls.map((c) => c.seed);
    expect(new Set(seeds).size).toBe(3);
    model.dispose();
  });

  it('explains a one-shot generator that cannot start over in the second epoch', async () => {
    const model = linearAutoencoder({ features: 3 });
    async function* once(): AsyncGenerator<BatchInput> {
      yield { x: rows };
    }
    const before = tf.memory().numTensors;
    await expect(train(model, once(), { epochs: 2, seed: 0 })).rejects.toThrow(
      /train: argument 'data' \(an async iterable\) yielded no batches in epoch 1; its \[Symbol.asyncIterator\]\(\) must start over/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects items that are not batches, naming the batch, and closes the iterator', async () => {
    const model = linearAutoencoder({ features: 3 });
    let closed = false;
    const bad = {
      async *[Symbol.asyncIterator]() {
        try {
          yield { x: rows.slice(0, 5) };
          yield 'oops';
        } finally {
          closed = true;
        }
      },
    };
    await expect(train(model, bad as AsyncIterable<never>, { epochs: 1, seed: 0 })).rejects.toThrow(
      /train: argument 'data \(batch 1\)' must be a tf.Tensor or \{ x, y\? \}/,
    );
    expect(closed).toBe(true);
    model.dispose();
  });

  it('rejects validationSplit with an iterable', async () => {
    const model = linearAutoencoder({ features: 3 });
    await expect(train(model, tensorBatches(8), { validationSplit: 0.2 })).rejects.toThrow(
      /'options.validationSplit' must be absent for an async-iterable data source/,
    );
    model.dispose();
  });

  it('closes the iterator when aborted mid-epoch', async () => {
    const model = linearAutoencoder({ features: 3 });
    const controller = new AbortController();
    let closed = false;
    const source = {
      async *[Symbol.asyncIterator]() {
        try {
          for (let i = 0; i < 100; i++) yield { x: rows.slice(0, 4) };
        } finally {
          closed = true;
        }
      },
    };
    const history = await train(model, source, {
      epochs: 2,
      seed: 0,
      signal: controller.signal,
      callbacks: { onBatchEnd: (b) => (b === 5 ? controller.abort() : undefined) },
    });
    expect(history.aborted).toBe(true);
    expect(closed).toBe(true);
    expect(model.calls.length).toBeLessThanOrEqual(8);
    model.dispose();
  });

  it('is accepted by evaluate too', async () => {
    const model = linearAutoencoder({ features: 3 });
    const streamed = await evaluate(model, tensorBatches(7));
    const inMemory = await evaluate(model, rows, { batchSize: 7 });
    expect(streamed.samples).toBe(30);
    expect(streamed.loss).toBeCloseTo(inMemory.loss, 6);
    model.dispose();
  });
});
