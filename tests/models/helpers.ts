import * as tf from '@tensorflow/tfjs-core';
import type { Batch, TrainableModel } from '../../src/models/index.js';
import { createRng } from '../../src/core/index.js';

/**
 * Trains `model` with a hand-written loop (Adam over `trainableVariables`, gradients of
 * `computeLoss` by `tf.variableGrads`); the whole data set is one batch unless `batchSize` is given.
 * Returns the last training loss. Leaves no tensors behind.
 */
export function fit(
  model: TrainableModel,
  data: { x: tf.Tensor; y?: tf.Tensor1D },
  options: { steps: number; learningRate?: number; batchSize?: number; seed?: number; klScale?: number },
): number {
  const { steps, learningRate = 0.01, batchSize, seed = 0 } = options;
  const optimizer = tf.train.adam(learningRate);
  const n = data.x.shape[0]!;
  const rng = createRng(seed);
  let last = NaN;
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      let batch: Batch = data.y === undefined ? { x: data.x } : { x: data.x, y: data.y };
      if (batchSize !== undefined && batchSize < n) {
        const idx = tf.tensor1d(Array.from({ length: batchSize }, () => Math.floor(rng() * n)), 'int32');
        const x = tf.gather(data.x, idx);
        batch = data.y === undefined ? { x } : { x, y: tf.gather(data.y, idx) as tf.Tensor1D };
      }
      const context = { training: true, seed: seed * 100_003 + step, ...(options.klScale === undefined ? {} : { klScale: options.klScale }) };
      const { value, grads } = tf.variableGrads(() => model.computeLoss(batch, context).loss, model.trainableVariables as tf.Variable[]);
      optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      if (step === steps - 1) last = value.dataSync()[0]!;
    });
  }
  optimizer.dispose();
  return last;
}

/**
 * Evaluation loss terms (training: false; variational models at z = μ, deterministic) as numbers.
 * Leaves no tensors behind.
 */
export function evaluate(model: TrainableModel, batch: Batch): Record<string, number> {
  return tf.tidy(() => {
    const out = model.computeLoss(batch, { training: false, atMean: true });
    const result: Record<string, number> = { loss: out.loss.dataSync()[0]! };
    for (const [k, v] of Object.entries(out.terms)) result[k] = v.dataSync()[0]!;
    return result;
  }) as unknown as Record<string, number>;
}

/**
 * Toy data on a 2-D manifold in [0, 1]^d: x = sigmoid(A·u + b), u ~ N(0, I₂), A and b fixed by `seed`.
 */
export function manifoldData(n: number, d: number, seed: number): tf.Tensor2D {
  return tf.tidy((): tf.Tensor2D => {
    const a = tf.randomNormal([2, d], 0, 2, 'float32', seed);
    const b = tf.randomNormal([d], 0, 0.5, 'float32', seed + 1);
    const u = tf.randomNormal([n, 2], 0, 1, 'float32', seed + 2);
    return tf.sigmoid(tf.add(tf.matMul(u, a), b)) as tf.Tensor2D;
  });
}

/** The MSE of predicting each feature's mean (the data's mean variance): the bar a model must beat. */
export function meanPredictorMse(x: tf.Tensor2D): number {
  return tf.tidy(() => tf.mean(tf.moments(x, 0).variance).dataSync()[0]!);
}

/**
 * Toy 8×8 images: one bar, horizontal (class 0) or vertical (class 1), at one of 8 positions;
 * pixel values 0.05 / 0.95. Returns the images `[n, 8, 8, 1]` and the classes.
 */
export function bars(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const data = new Float32Array(n * 64).fill(0.05);
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const vertical = rand() < 0.5 ? 1 : 0;
    const at = Math.floor(rand() * 8);
    classes[i] = vertical;
    for (let k = 0; k < 8; k++) data[i * 64 + (vertical ? k * 8 + at : at * 8 + k)] = 0.95;
  }
  return { x: tf.tensor4d(data, [n, 8, 8, 1]), y: tf.tensor1d(classes, 'int32') };
}
