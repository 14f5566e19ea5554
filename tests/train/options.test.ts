import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluate, train } from '../../src/train/index.js';
import type { TrainOptions } from '../../src/train/index.js';
import { linearAutoencoder, makeRows } from './helpers.js';

const rows = makeRows(20, 3);

describe('train options', () => {
  it.each<[string, TrainOptions, RegExp]>([
    ['epochs', { epochs: 0 }, /train: argument 'options.epochs' must be an integer >= 1, got the number 0/],
    ['epochs', { epochs: 2.5 }, /'options.epochs' must be an integer/],
    ['initialEpoch', { epochs: 2, initialEpoch: 3 }, /'options.initialEpoch' must be an integer >= 0 <= 2, got the number 3/],
    ['batchSize', { batchSize: 0 }, /'options.batchSize' must be an integer >= 1/],
    ['learningRate', { learningRate: -1 }, /'options.learningRate' must be a finite number > 0, got the number -1/],
    ['learningRate with optimizer', { learningRate: 0.1, optimizer: tf.train.sgd(0.1) }, /'options.learningRate' must be absent when options.optimizer is given/],
    ['optimizer', { optimizer: {} as tf.Optimizer }, /'options.optimizer' must be a tfjs Optimizer/],
    ['shuffle', { shuffle: 'yes' as unknown as boolean }, /'options.shuffle' must be a boolean, got the string "yes"/],
    ['seed', { seed: 1.5 }, /'options.seed' must be an integer/],
    ['validationSplit', { validationSplit: 1 }, /'options.validationSplit' must be a finite number > 0 < 1/],
    ['validationSplit with validationData', { validationSplit: 0.2, validationData: rows }, /'options.validationSplit' must be absent when options.validationData is given/],
    ['validationSplit too large', { validationSplit: 0.99 }, /'options.validationSplit' must be a fraction that leaves samples on both sides \(the data has 20 samples\)/],
    ['callbacks', { callbacks: { onEpochEnd: 3 } as never }, /'options.callbacks.onEpochEnd' must be a function/],
    ['callbacks name', { callbacks: { onBatchBegin: () => undefined } as never }, /train: unknown option 'onBatchBegin' in 'options.callbacks' \(known: onEpochBegin, onBatchEnd, onEpochEnd\)/],
    ['patience', { earlyStopping: { patience: 0 } }, /'options.earlyStopping.patience' must be an integer >= 1/],
    ['minDelta', { earlyStopping: { minDelta: -1 } }, /'options.earlyStopping.minDelta' must be a finite number >= 0/],
    ['klWarmup', { klWarmup: { epochs: 0 } }, /'options.klWarmup.epochs' must be an integer >= 1/],
    ['clipNorm', { clipNorm: 0 }, /'options.clipNorm' must be a finite number > 0/],
    ['signal', { signal: {} as AbortSignal }, /'options.signal' must be an AbortSignal/],
    ['progress', { progress: 1 as unknown as boolean }, /'options.progress' must be a boolean/],
    ['a misspelt option', { batch_size: 8 } as TrainOptions, /train: unknown option 'batch_size' in 'options' \(known: epochs, initialEpoch, batchSize/],
  ])('rejects an invalid %s, naming the option', async (_name, options, message) => {
    const model = linearAutoencoder({ features: 3 });
    const before = tf.memory().numTensors;
    await expect(train(model, rows, options)).rejects.toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.calls).toEqual([]);
    model.dispose();
  });

  it('rejects a schedule that returns a negative or non-finite rate, naming the epoch', async () => {
    const model = linearAutoencoder({ features: 3 });
    const before = tf.memory().numTensors;
    await expect(train(model, rows, { epochs: 3, learningRateSchedule: (e) => (e === 1 ? NaN : 0.01) })).rejects.toThrow(
      /train: argument 'options.learningRateSchedule\(1, 0.001\)' must be a finite number >= 0, got the number NaN/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects bad data and models, naming the argument', async () => {
    const model = linearAutoencoder({ features: 3 });
    await expect(train(model, [] as number[][])).rejects.toThrow(/train: argument 'data' must be a non-empty number\[\]\[\]/);
    await expect(train(model, 'rows' as never)).rejects.toThrow(/train: argument 'data' must be a tf.Tensor/);
    await expect(train(model, { x: rows, y: [1, 2] })).rejects.toThrow(/train: argument 'data.y' must be 20 class indices \(one per sample\), got an array of length 2/);
    await expect(train(model, { x: rows, y: rows.map(() => -1) })).rejects.toThrow(/'data.y\[0\]' must be a non-negative integer class index, got the number -1/);
    const vector = tf.tensor1d([1, 2, 3]);
    await expect(train(model, vector)).rejects.toThrow(/train: argument 'data' must have rank ≥ 2 \(\[samples, ...features\]\), got shape \[3\]/);
    vector.dispose();
    await expect(train({} as never, rows)).rejects.toThrow(/train: argument 'model.computeLoss' must be a function/);
    const frozen = { trainableVariables: [], computeLoss: model.computeLoss };
    await expect(train(frozen, rows)).rejects.toThrow(/train: argument 'model.trainableVariables' must be at least one trainable variable/);
    const noScalar = { trainableVariables: model.trainableVariables, computeLoss: () => ({ loss: tf.zeros([2]), terms: {} }) } as never;
    await expect(train(noScalar, rows)).rejects.toThrow(/train: model.computeLoss must return a scalar tensor as 'loss', got a tensor of shape \[2\]/);
    model.dispose();
  });
});

describe('train learning rate', () => {
  it('sets the rate from learningRateSchedule each epoch and puts the base rate back on a passed optimizer', async () => {
    const model = linearAutoencoder({ features: 3 });
    const optimizer = tf.train.sgd(0.1);
    const seen: [number, number][] = [];
    const weights: number[][][] = [];
    const history = await train(model, rows, {
      epochs: 3,
      optimizer,
      seed: 0,
      learningRateSchedule: (epoch, base) => {
        seen.push([epoch, base]);
        return epoch === 2 ? 0 : base / 2;
      },
      callbacks: { onEpochEnd: () => void weights.push(model.weights()) },
    });
    expect(seen).toEqual([
      [0, 0.1],
      [1, 0.1],
      [2, 0.1],
    ]);
    expect(history.epochs.map((e) => e.learningRate)).toEqual([0.05, 0.05, 0]);
    // A zero rate in epoch 2 leaves the weights where epoch 1 left them.
    expect(weights[2]).toEqual(weights[1]);
    expect(weights[1]).not.toEqual(weights[0]);
    expect((optimizer as unknown as { learningRate: number }).learningRate).toBe(0.1);
    optimizer.dispose();
    model.dispose();
  });

  it('works with the rate field of Adam-like optimizers', async () => {
    const model = linearAutoencoder({ features: 3 });
    const optimizer = tf.train.rmsprop(0.01);
    const history = await train(model, rows, { epochs: 2, optimizer, seed: 0, learningRateSchedule: (e, base) => base * 10 ** -e });
    expect(history.epochs.map((e) => e.learningRate)).toEqual([0.01, 0.001]);
    expect((optimizer as unknown as { learningRate: number }).learningRate).toBe(0.01);
    optimizer.dispose();
    model.dispose();
  });
});

describe('train klWarmup', () => {
  it('ramps ctx.klScale as min(1, epoch / epochs) per epoch, and validates with klScale 1', async () => {
    const model = linearAutoencoder({ features: 3 });
    await train(model, rows, { epochs: 5, batchSize: 8, seed: 0, klWarmup: { epochs: 2 }, validationSplit: 0.2 });
    const training = model.calls.filter((c) => c.training).map((c) => c.klScale);
    // 16 training samples in batches of 8: two steps per epoch.
    expect(training).toEqual([0, 0, 0.5, 0.5, 1, 1, 1, 1, 1, 1]);
    expect(model.calls.filter((c) => !c.training).every((c) => c.klScale === 1)).toBe(true);
    model.dispose();
  });
});

describe('train clipNorm', () => {
  it('scales all gradients together so that their global norm is at most clipNorm', async () => {
    const clipNorm = 0.01;
    const data = makeRows(8, 3);
    const reference = linearAutoencoder({ features: 3 });
    const { grads, value } = tf.variableGrads(() => reference.computeLoss({ x: tf.tensor2d(data) }, { training: true, klScale: 1 }).loss, [
      ...reference.trainableVariables,
    ]);
    const gradList = reference.trainableVariables.map((v) => Array.from(grads[v.name]!.dataSync()));
    tf.dispose([value, ...Object.values(grads)]);
    const norm = Math.hypot(...gradList.flat());
    expect(norm).toBeGreaterThan(clipNorm);

    const model = linearAutoencoder({ features: 3 });
    const start = model.weights();
    await train(model, data, { epochs: 1, batchSize: 8, optimizer: tf.train.sgd(1), clipNorm, shuffle: false });
    const step = model.weights().map((w, i) => w.map((v, j) => start[i]![j]! - v));
    const stepNorm = Math.hypot(...step.flat());
    expect(stepNorm).toBeCloseTo(clipNorm, 6);
    // Same direction as the unclipped gradient.
    step.flat().forEach((s, k) => expect(s).toBeCloseTo((gradList.flat()[k]! * clipNorm) / norm, 6));
    reference.dispose();
    model.dispose();
  });
});

describe('train validation', () => {
  it('holds out the last samples with validationSplit, before shuffling, and never trains on them', async () => {
    const model = linearAutoencoder({ features: 3, recordRows: true });
    const data = makeRows(10, 3);
    const history = await train(model, data, { epochs: 2, batchSize: 3, seed: 0, validationSplit: 0.3 });
    const trained = model.calls.filter((c) => c.training).flatMap((c) => c.firstColumn!);
    const validated = model.calls.filter((c) => !c.training).flatMap((c) => c.firstColumn!);
    const column = data.map((r) => Math.fround(r[0]!));
    expect([...new Set(trained)].sort((a, b) => a - b)).toEqual(column.slice(0, 7));
    expect(validated).toEqual([...column.slice(7), ...column.slice(7)]);
    // valLoss is the per-sample mean over the held-out rows, as evaluate gives it.
    const check = await evaluate(model, data.slice(7), { batchSize: 3 });
    expect(history.epochs[1]!.valLoss).toBe(check.loss);
    expect(history.epochs[1]!.valTerms).toEqual(check.terms);
    model.dispose();
  });

  it('evaluates validationData of any kind after each epoch without leaking', async () => {
    const model = linearAutoencoder({ features: 3 });
    const validationData = { data: Float32Array.from(makeRows(7, 3).flat()), shape: [7, 3] };
    const before = tf.memory().numTensors;
    const history = await train(model, rows, { epochs: 2, batchSize: 4, seed: 0, validationData });
    expect(history.epochs.every((e) => e.valLoss !== undefined && e.valLoss > 0)).toBe(true);
    expect(Object.keys(history.epochs[0]!.valTerms!)).toEqual(['reconstruction', 'weightPenalty']);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
