import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NonFiniteLossError, evaluate, train } from '../../src/train/index.js';
import type { BatchLog, EpochLog } from '../../src/train/index.js';
import { linearAutoencoder, makeRows } from './helpers.js';

const rows = makeRows(40, 3);

describe('train callbacks', () => {
  it('calls onEpochBegin, every onBatchEnd in order, then onEpochEnd, with their arguments', async () => {
    const model = linearAutoencoder({ features: 3 });
    const events: string[] = [];
    const batchLogs: BatchLog[] = [];
    const epochLogs: EpochLog[] = [];
    const history = await train(model, rows, {
      epochs: 3,
      initialEpoch: 1,
      batchSize: 16,
      seed: 0,
      validationSplit: 0.2,
      callbacks: {
        onEpochBegin: (epoch) => void events.push(`begin ${epoch}`),
        onBatchEnd: async (batch, log) => {
          await Promise.resolve();
          events.push(`batch ${log.epoch}.${batch}`);
          batchLogs.push(log);
        },
        onEpochEnd: (epoch, log) => {
          events.push(`end ${epoch}`);
          epochLogs.push(log);
        },
      },
    });
    // 32 training samples in batches of 16.
    expect(events).toEqual(['begin 1', 'batch 1.0', 'batch 1.1', 'end 1', 'begin 2', 'batch 2.0', 'batch 2.1', 'end 2']);
    expect(epochLogs).toEqual(history.epochs);
    expect(batchLogs[0]).toMatchObject({ epoch: 1, batch: 0, size: 16 });
    expect(Object.keys(batchLogs[0]!.terms)).toEqual(['reconstruction', 'weightPenalty']);
    expect(epochLogs[0]!.valLoss).toBeGreaterThan(0);
    model.dispose();
  });

  it('rejects with a callback error after cleaning up', async () => {
    const model = linearAutoencoder({ features: 3 });
    const before = tf.memory().numTensors;
    const run = train(model, rows, {
      epochs: 3,
      batchSize: 8,
      seed: 0,
      callbacks: {
        onBatchEnd: (batch) => {
          if (batch === 2) throw new Error('callback failed');
        },
      },
    });
    await expect(run).rejects.toThrow('callback failed');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('train abort', () => {
  it('stops after the current batch, resolves marked aborted and leaves a usable model', async () => {
    const model = linearAutoencoder({ features: 3 });
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    let callsAtAbort = 0;
    const history = await train(model, rows, {
      epochs: 5,
      batchSize: 4,
      seed: 0,
      signal: controller.signal,
      callbacks: {
        onBatchEnd: (batch, log) => {
          if (log.epoch === 1 && batch === 3) {
            controller.abort();
            callsAtAbort = model.calls.length;
          }
        },
      },
    });
    expect(history.aborted).toBe(true);
    expect(history.epochs.map((e) => e.epoch)).toEqual([0]);
    // The batch already queued when the signal fired completes; nothing after it runs.
    expect(model.calls.length - callsAtAbort).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(before);
    const { loss } = await evaluate(model, rows);
    expect(Number.isFinite(loss)).toBe(true);
    model.dispose();
  });

  it('runs nothing when the signal is already aborted', async () => {
    const model = linearAutoencoder({ features: 3 });
    const history = await train(model, rows, { epochs: 3, seed: 0, signal: AbortSignal.abort() });
    expect(history).toMatchObject({ aborted: true, epochs: [] });
    expect(model.calls).toEqual([]);
    model.dispose();
  });

  it('stops during validation without recording the unfinished epoch', async () => {
    const model = linearAutoencoder({ features: 3 });
    const controller = new AbortController();
    let evalCalls = 0;
    const aborting = {
      trainableVariables: model.trainableVariables,
      computeLoss: (...args: Parameters<typeof model.computeLoss>) => {
        // Validation has 8 batches of 4: abort in the third batch of epoch 1's validation.
        if (!args[1].training && ++evalCalls === 8 + 3) controller.abort();
        return model.computeLoss(...args);
      },
    };
    const before = tf.memory().numTensors;
    const history = await train(aborting, rows, {
      epochs: 3,
      batchSize: 4,
      seed: 0,
      validationData: makeRows(30, 3),
      signal: controller.signal,
    });
    expect(history.aborted).toBe(true);
    expect(history.epochs).toHaveLength(1);
    expect(evalCalls).toBe(11);
    expect(model.calls.filter((c) => c.training)).toHaveLength(20);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('train NaN guard', () => {
  it('stops with an error naming the epoch and batch, and restores the weights from before that batch', async () => {
    // 40 samples in batches of 8: training call 7 is epoch 1, batch 2.
    const model = linearAutoencoder({ features: 3, nanAtTrainingCall: 7 });
    const weightsBefore: number[][][] = [];
    const spy = {
      trainableVariables: model.trainableVariables,
      computeLoss: (...args: Parameters<typeof model.computeLoss>) => {
        if (args[1].training) weightsBefore.push(model.weights());
        return model.computeLoss(...args);
      },
    };
    const before = tf.memory().numTensors;
    const error: unknown = await train(spy, rows, { epochs: 3, batchSize: 8, seed: 0, learningRate: 0.01 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect(e.message).toMatch(/^train: the loss became NaN at epoch 1, batch 2 /);
    expect([e.epoch, e.batch]).toEqual([1, 2]);
    expect(e.history.epochs.map((l) => l.epoch)).toEqual([0]);
    // The step after the bad one had already been queued; both were undone.
    expect(model.weights()).toEqual(weightsBefore[7]);
    expect(model.weights().flat().every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('catches a NaN in the last batch of an epoch', async () => {
    const model = linearAutoencoder({ features: 3, nanAtTrainingCall: 4 });
    await expect(train(model, rows, { epochs: 2, batchSize: 8, seed: 0 })).rejects.toThrow(/epoch 0, batch 4/);
    expect(model.weights().flat().every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('catches non-finite data: a number[][] before the first step, naming the cell; a tensor (not read back) at its batch', async () => {
    const model = linearAutoencoder({ features: 3 });
    const bad = makeRows(16, 3);
    bad[5]![1] = Infinity;
    await expect(train(model, bad, { epochs: 1, batchSize: 16, seed: 0 })).rejects.toThrow(
      "train: argument 'data' must hold finite numbers, found Infinity at row 5, column 1",
    );
    const badTensor = tf.tensor2d(bad);
    await expect(train(model, badTensor, { epochs: 1, batchSize: 16, seed: 0 })).rejects.toThrow(/epoch 0, batch 0/);
    badTensor.dispose();
    expect(model.weights().flat().every(Number.isFinite)).toBe(true);
    model.dispose();
  });
});

describe('train early stopping', () => {
  const script = [5, 4, 3, 3.5, 3.2, 2.95, 3.1, 3.3, 3.4, 3.6];

  it('stops after patience epochs without improvement of valLoss and restores the best weights', async () => {
    const model = linearAutoencoder({ features: 3, scriptedEvalLoss: script });
    const weightsAtEnd: number[][][] = [];
    const before = tf.memory().numTensors;
    const history = await train(model, rows, {
      epochs: 10,
      batchSize: 8,
      seed: 0,
      validationData: rows.slice(0, 8),
      earlyStopping: { patience: 2 },
      callbacks: { onEpochEnd: () => void weightsAtEnd.push(model.weights()) },
    });
    // Best at epoch 2 (3); epochs 3 and 4 do not improve.
    expect(history.epochs.map((e) => e.valLoss)).toEqual([5, 4, 3, 3.5, 3.2].map(Math.fround));
    expect(history.stoppedEarly).toBe(true);
    expect(history.bestEpoch).toBe(2);
    expect(model.weights()).toEqual(weightsAtEnd[2]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('counts only improvements larger than minDelta and keeps the last weights when asked', async () => {
    const model = linearAutoencoder({ features: 3, scriptedEvalLoss: script });
    const weightsAtEnd: number[][][] = [];
    const history = await train(model, rows, {
      epochs: 10,
      batchSize: 8,
      seed: 0,
      validationData: rows.slice(0, 8),
      earlyStopping: { patience: 4, minDelta: 0.1, restoreBestWeights: false },
      callbacks: { onEpochEnd: () => void weightsAtEnd.push(model.weights()) },
    });
    // 2.95 improves on 3 by less than 0.1: the best stays epoch 2, and epochs 3–6 do not count.
    expect(history.bestEpoch).toBe(2);
    expect(history.epochs).toHaveLength(7);
    expect(model.weights()).toEqual(weightsAtEnd[6]);
    model.dispose();
  });

  it('watches the training loss when there is no validation data', async () => {
    const model = linearAutoencoder({ features: 3 });
    // Learning rate 0 from epoch 1: the loss cannot improve any more.
    const history = await train(model, rows, {
      epochs: 20,
      batchSize: 8,
      seed: 0,
      learningRateSchedule: (epoch, base) => (epoch === 0 ? base : 0),
      earlyStopping: { patience: 3 },
    });
    expect(history.stoppedEarly).toBe(true);
    expect(history.bestEpoch).toBeLessThanOrEqual(1);
    expect(history.epochs.length).toBeLessThanOrEqual(5);
    model.dispose();
  });

  it('restores the best weights when training is aborted', async () => {
    const model = linearAutoencoder({ features: 3, scriptedEvalLoss: [2, 1, 3, 4] });
    const controller = new AbortController();
    const weightsAtEnd: number[][][] = [];
    const history = await train(model, rows, {
      epochs: 10,
      batchSize: 8,
      seed: 0,
      validationData: rows.slice(0, 8),
      earlyStopping: { patience: 5 },
      signal: controller.signal,
      callbacks: {
        onEpochEnd: (epoch) => {
          weightsAtEnd.push(model.weights());
          if (epoch === 2) controller.abort();
        },
      },
    });
    expect(history.aborted).toBe(true);
    expect(history.bestEpoch).toBe(1);
    expect(model.weights()).toEqual(weightsAtEnd[1]);
    model.dispose();
  });
});
