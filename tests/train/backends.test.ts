// The trainer on other backends: WASM, and WebGPU in Node through the `webgpu` package
// (Dawn on OpenGL ES, which runs on Mesa's llvmpipe without a GPU when EGL_PLATFORM=surfaceless).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { NonFiniteLossError, evaluate, train } from '../../src/train/index.js';
import type { TrainOptions } from '../../src/train/index.js';
import { linearAutoencoder, lossesOf, makeRows } from './helpers.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

const rows = makeRows(60, 4);
const options: TrainOptions = { epochs: 3, batchSize: 16, learningRate: 0.02, seed: 3, validationSplit: 0.2, clipNorm: 5 };

async function cpuReference(): Promise<number[]> {
  await tf.setBackend('cpu');
  const model = linearAutoencoder({ features: 4, noise: true });
  const history = await train(model, rows, options);
  model.dispose();
  return history.epochs.map((e) => e.loss);
}

describe.each([
  ['wasm', () => useBackend('wasm')],
  ['webgpu', () => useBackend('webgpu', { nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } })],
] as const)('train on the %s backend', (name, start) => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // Also shows that neither train nor evaluate reads synchronously: dataSync throws on WebGPU in Node.
  it('trains reproducibly, close to the cpu backend, with flat memory', async () => {
    const reference = await cpuReference();
    await start();
    expect(tf.getBackend()).toBe(name);
    const a = linearAutoencoder({ features: 4, noise: true });
    const b = linearAutoencoder({ features: 4, noise: true });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const ha = await train(a, rows, { ...options, callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) } });
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    const hb = await train(b, rows, options);
    expect(lossesOf(hb)).toEqual(lossesOf(ha));
    ha.epochs.forEach((e, i) => expect(e.loss).toBeCloseTo(reference[i]!, 3));
    const result = await evaluate(a, rows);
    expect(Number.isFinite(result.loss)).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('stops on a NaN loss and restores finite weights', async () => {
    await start();
    const model = linearAutoencoder({ features: 4, nanAtTrainingCall: 5 });
    const before = tf.memory().numTensors;
    await expect(train(model, rows, { epochs: 2, batchSize: 16, seed: 0 })).rejects.toBeInstanceOf(NonFiniteLossError);
    expect((await model.weightsAsync()).flat().every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
