// Tiny hand-written TrainableModels for the trainer's tests (no dependency on src/models).
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LossContext, LossOutput, TrainableModel } from '../../src/models/contract.js';

/** What a test model saw in one computeLoss call. */
export interface CallRecord {
  readonly training: boolean;
  readonly seed: number | undefined;
  readonly klScale: number | undefined;
  readonly size: number;
  /** First feature of every row (only with `recordRows`). */
  readonly firstColumn?: number[];
  /** Labels of the batch (only with `recordRows` and labels present). */
  readonly labels?: number[];
}

export interface TestModelOptions {
  /** Features per sample (after flattening). */
  readonly features: number;
  readonly hidden?: number;
  /** Seed of the initial weights. */
  readonly initSeed?: number;
  /** Add seeded Gaussian noise to the input while training (uses ctx.seed). */
  readonly noise?: boolean;
  /** Read the batch's first column and labels in every call (slow; small tests only). */
  readonly recordRows?: boolean;
  /** Return a NaN loss on this call index (counting training calls from 0). */
  readonly nanAtTrainingCall?: number;
  /** Loss returned in evaluation calls, by evaluation call index (overrides the real loss). */
  readonly scriptedEvalLoss?: readonly number[];
}

export interface TestModel extends TrainableModel {
  readonly calls: CallRecord[];
  /** Weights as plain arrays (a synchronous read; tests only; not on WebGPU in Node). */
  weights(): number[][];
  /** Weights as plain arrays, read asynchronously (works on every backend). */
  weightsAsync(): Promise<number[][]>;
  dispose(): void;
}

/**
 * A linear autoencoder x → x·W1·W2 with loss = reconstruction + 1e-3·Σw² and terms
 * { reconstruction, weightPenalty }; the KL-like term 0.01·klScale·Σw² exercises klScale.
 */
export function linearAutoencoder(options: TestModelOptions): TestModel {
  const { features, hidden = 2, initSeed = 1, noise = false, recordRows = false } = options;
  const w1 = tf.variable(tf.randomNormal([features, hidden], 0, 0.5, 'float32', initSeed));
  const w2 = tf.variable(tf.randomNormal([hidden, features], 0, 0.5, 'float32', initSeed + 1));
  const calls: CallRecord[] = [];
  let trainingCalls = 0;
  let evalCalls = 0;
  return {
    trainableVariables: [w1, w2],
    calls,
    computeLoss(batch: Batch, ctx: LossContext): LossOutput {
      const size = batch.x.shape[0]!;
      const record: { -readonly [K in keyof CallRecord]: CallRecord[K] } = {
        training: ctx.training,
        seed: ctx.seed,
        klScale: ctx.klScale,
        size,
      };
      if (recordRows) {
        record.firstColumn = tf.tidy(() => Array.from(tf.slice(tf.reshape(batch.x, [size, -1]), [0, 0], [size, 1]).dataSync()));
        if (batch.y !== undefined) record.labels = Array.from(batch.y.dataSync());
      }
      calls.push(record);
      const x = tf.reshape(batch.x, [size, features]);
      const input = noise && ctx.training ? tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', ctx.seed)) : x;
      const reconstruction = tf.mean(tf.square(tf.sub(tf.matMul(tf.matMul(input, w1), w2), x))) as tf.Scalar;
      const squares = tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))) as tf.Scalar;
      const weightPenalty = tf.mul(squares, 1e-3 + 0.01 * (ctx.klScale ?? 1)) as tf.Scalar;
      let loss = tf.add(reconstruction, weightPenalty) as tf.Scalar;
      if (ctx.training) {
        if (trainingCalls === options.nanAtTrainingCall) loss = tf.mul(loss, NaN) as tf.Scalar;
        trainingCalls++;
      } else {
        const scripted = options.scriptedEvalLoss?.[evalCalls];
        evalCalls++;
        if (scripted !== undefined) loss = tf.scalar(scripted);
      }
      return { loss, terms: { reconstruction, weightPenalty } };
    },
    weights: () => [Array.from(w1.dataSync()), Array.from(w2.dataSync())],
    weightsAsync: async () => [Array.from(await w1.data()), Array.from(await w2.data())],
    dispose: () => {
      w1.dispose();
      w2.dispose();
    },
  };
}

/** A deterministic `n × d` data set (rows on a low-dimensional curve, first column = row index / n). */
export function makeRows(n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => (j === 0 ? i / n : Math.sin(0.37 * i + 1.3 * j))));
}

/** Losses of a history, for bit-exact comparisons. */
export function lossesOf(history: { epochs: readonly { loss: number; terms: Readonly<Record<string, number>>; valLoss?: number }[] }): unknown[] {
  return history.epochs.map((e) => [e.loss, e.terms, e.valLoss]);
}
