import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { denseAutoencoder } from '../../src/models/index.js';
import { adam, train } from '../../src/train/index.js';

const rows = (n: number, d: number, seed: number): tf.Tensor2D => tf.randomUniform([n, d], 0, 1, 'float32', seed) as tf.Tensor2D;
const model = () => denseAutoencoder({ inputDim: 6, hidden: [5], latentDim: 2, seed: 4 });
const weightsOf = (m: ReturnType<typeof model>): Float32Array[] => m.trainableVariables.map((v) => v.dataSync() as Float32Array);

describe('adam()', () => {
  it('trains to the weights of tf.train.adam with the same hyperparameters, bit for bit', async () => {
    const x = rows(40, 6, 1);
    const ours = model();
    const theirs = model();
    const a = adam({ learningRate: 0.02, beta1: 0.5, beta2: 0.99, epsilon: 1e-6 });
    const b = tf.train.adam(0.02, 0.5, 0.99, 1e-6);
    const options = { epochs: 3, batchSize: 8, seed: 5 };
    const historyA = await train(ours, x, { ...options, optimizer: a });
    const historyB = await train(theirs, x, { ...options, optimizer: b });
    expect(historyA.epochs.map((e) => e.loss)).toEqual(historyB.epochs.map((e) => e.loss));
    expect(weightsOf(ours)).toEqual(weightsOf(theirs));
    expect(weightsOf(ours)).not.toEqual(weightsOf(model())); // it did train
    tf.dispose(x);
    for (const o of [a, b]) o.dispose();
    for (const m of [ours, theirs]) m.dispose();
  });

  it('keeps its moments from one train call to the next: 2 + 2 epochs equal 4', async () => {
    const x = rows(24, 6, 2);
    const whole = model();
    const split = model();
    const a = adam({ learningRate: 0.01 });
    const b = adam({ learningRate: 0.01 });
    await train(whole, x, { epochs: 4, batchSize: 8, seed: 3, optimizer: a });
    await train(split, x, { epochs: 2, batchSize: 8, seed: 3, optimizer: b });
    await train(split, x, { epochs: 4, initialEpoch: 2, batchSize: 8, seed: 3, optimizer: b });
    expect(weightsOf(split)).toEqual(weightsOf(whole));
    tf.dispose(x);
    for (const o of [a, b]) o.dispose();
    for (const m of [whole, split]) m.dispose();
  });

  it("is a tf.Optimizer named 'Adam' with tfjs' defaults, and leaves no tensors behind once disposed", async () => {
    const before = tf.memory().numTensors;
    const optimizer = adam();
    expect(optimizer).toBeInstanceOf(tf.Optimizer);
    expect(optimizer.getClassName()).toBe('Adam');
    expect(optimizer.getConfig()).toEqual({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: tf.backend().epsilon() });
    const ae = model();
    const x = rows(8, 6, 3);
    await train(ae, x, { epochs: 1, batchSize: 4, optimizer });
    optimizer.dispose();
    ae.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each<[string, unknown, RegExp]>([
    ['a zero learning rate', { learningRate: 0 }, /adam: argument 'options.learningRate' must be a finite number > 0, got the number 0/],
    ['a NaN learning rate', { learningRate: Number.NaN }, /adam: argument 'options.learningRate' must be a finite number > 0, got the number NaN/],
    ['β₁ = 1', { beta1: 1 }, /adam: argument 'options.beta1' must be a finite number >= 0 < 1, got the number 1/],
    ['a negative β₂', { beta2: -0.1 }, /adam: argument 'options.beta2' must be a finite number >= 0 < 1/],
    ['ε = 0', { epsilon: 0 }, /adam: argument 'options.epsilon' must be a finite number > 0/],
    ['a string learning rate', { learningRate: '0.01' }, /adam: argument 'options.learningRate' must be a finite number > 0, got the string "0.01"/],
    ['a misspelt option', { lr: 0.01 }, /adam: unknown option 'lr' in 'options' \(known: learningRate, beta1, beta2, epsilon\)/],
    ['options that are not an object', 0.01, /adam: argument 'options' must be an options object/],
  ])('refuses %s, naming the option', (_name, options, message) => {
    const before = tf.memory().numTensors;
    expect(() => adam(options as never)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});
