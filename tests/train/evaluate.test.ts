import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/core/index.js';
import type { Batch, LossContext, LossOutput, TrainableModel } from '../../src/models/contract.js';
import { evaluate } from '../../src/train/index.js';
import { linearAutoencoder, makeRows } from './helpers.js';

/** A model whose loss is the batch mean of the first column, and whose term is the batch mean of the second. */
function columnMeans(): TrainableModel & { contexts: LossContext[]; variable: tf.Variable } {
  const variable = tf.variable(tf.scalar(0));
  const contexts: LossContext[] = [];
  return {
    variable,
    contexts,
    trainableVariables: [variable],
    computeLoss(batch: Batch, ctx: LossContext): LossOutput {
      contexts.push(ctx);
      const first = tf.mean(tf.slice(batch.x, [0, 0], [-1, 1])) as tf.Scalar;
      const second = tf.mean(tf.slice(batch.x, [0, 1], [-1, 1])) as tf.Scalar;
      return { loss: tf.add(first, variable) as tf.Scalar, terms: { second } };
    },
  };
}

describe('evaluate', () => {
  it('returns per-sample means over the whole set, weighting batches by their size', async () => {
    const model = columnMeans();
    // Batches of 2, 2 and 1: plain batch means would average to 4.5, per-sample to 3.
    const data = [
      [1, 10],
      [1, 10],
      [2, 20],
      [2, 20],
      [9, 90],
    ];
    const result = await evaluate(model, data, { batchSize: 2 });
    expect(result.loss).toBeCloseTo(3, 6);
    expect(result.terms).toEqual({ second: expect.closeTo(30, 5) as number });
    expect(result.samples).toBe(5);
    model.variable.dispose();
  });

  it('calls computeLoss with training: false, klScale 1 and seeds deriveSeed(seed, batch)', async () => {
    const model = columnMeans();
    await evaluate(model, makeRows(5, 2), { batchSize: 2, seed: 7 });
    expect(model.contexts).toEqual([0, 1, 2].map((b) => ({ training: false, klScale: 1, seed: deriveSeed(7, b) })));
    model.variable.dispose();
  });

  it('does not change the weights and leaves no tensor behind', async () => {
    const model = linearAutoencoder({ features: 3 });
    const weights = model.weights();
    const x = tf.tensor2d(makeRows(50, 3));
    const before = tf.memory().numTensors;
    const result = await evaluate(model, x, { batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    expect(model.weights()).toEqual(weights);
    expect(result.loss).toBeCloseTo(result.terms.reconstruction! + result.terms.weightPenalty!, 6);
    x.dispose();
    model.dispose();
  });

  it('gives the same result, up to rounding, for any batch size', async () => {
    const model = linearAutoencoder({ features: 3 });
    const data = makeRows(37, 3);
    const whole = await evaluate(model, data, { batchSize: 37 });
    const small = await evaluate(model, data, { batchSize: 5 });
    expect(small.loss).toBeCloseTo(whole.loss, 6);
    model.dispose();
  });

  it('accepts { x, y } data', async () => {
    const model = linearAutoencoder({ features: 3, recordRows: true });
    const before = tf.memory().numTensors;
    await evaluate(model, { x: makeRows(4, 3), y: [3, 2, 1, 0] });
    expect(model.calls[0]!.labels).toEqual([3, 2, 1, 0]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects bad options and data, naming them', async () => {
    const model = linearAutoencoder({ features: 3 });
    await expect(evaluate(model, makeRows(4, 3), { batchSize: 0 })).rejects.toThrow(/evaluate: argument 'options.batchSize' must be an integer >= 1/);
    await expect(evaluate(model, makeRows(4, 3), { batch: 2 } as never)).rejects.toThrow(/evaluate: unknown option 'batch' in 'options' \(known: batchSize, seed/);
    await expect(evaluate(model, 42 as never)).rejects.toThrow(/evaluate: argument 'data' must be a tf.Tensor/);
    const empty = { async *[Symbol.asyncIterator]() {} };
    await expect(evaluate(model, empty)).rejects.toThrow(/evaluate: argument 'data' yielded no samples to evaluate/);
    model.dispose();
  });
});
