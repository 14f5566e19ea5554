// The fast path against the straightforward one: the same models trained on wasm with tfjs' own
// kernels and tf.train.adam, and with the package's kernels and its own Adam, give the same
// losses to float32 rounding.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastWasmKernels, useBackend } from '../../src/backend/index.js';
import { denseAutoencoder, denseVae } from '../../src/models/index.js';
import type { TrainableModel } from '../../src/models/index.js';
import { evaluate, train } from '../../src/train/index.js';

const NAMES = ['Slice', 'GatherV2', 'Identity', 'BatchMatMul', '_FusedMatMul', 'Sum', 'Exp', 'Log1p'] as const;
let stock: Map<string, tf.KernelConfig>;

beforeAll(async () => {
  await useBackend('wasm', { fastWasmKernels: false });
  stock = new Map(NAMES.map((n) => [n, tf.getKernel(n, 'wasm')!]));
});

afterAll(async () => {
  installFastWasmKernels();
  await tf.setBackend('cpu');
});

function useStock(): void {
  for (const [name, config] of stock) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
}

async function run(make: () => TrainableModel & { dispose(): void }, fast: boolean): Promise<{ losses: number[]; test: number }> {
  const x = tf.tidy(() => tf.randomUniform([200, 64], 0, 1, 'float32', 5));
  if (fast) installFastWasmKernels();
  else useStock();
  const model = make();
  const optimizer = fast ? undefined : tf.train.adam(1e-3);
  try {
    const history = await train(model, x, { epochs: 3, batchSize: 32, seed: 2, ...(optimizer === undefined ? { learningRate: 1e-3 } : { optimizer }) });
    const { loss } = await evaluate(model, x, { batchSize: 64 });
    return { losses: history.epochs.map((e) => e.loss), test: loss };
  } finally {
    model.dispose();
    optimizer?.dispose();
    x.dispose();
  }
}

describe('training on wasm with the package kernels and Adam', () => {
  it.each([
    ['a dense autoencoder with the cross-entropy', () => denseAutoencoder({ inputDim: 64, hidden: [48], latentDim: 8, latentActivation: 'relu', loss: 'bce', seed: 1, init: 'torch' })],
    ['a VAE', () => denseVae({ inputDim: 64, hidden: [32], latentDim: 4, seed: 1, init: 'torch' })],
  ] as const)('gives the losses of tfjs kernels and tf.train.adam for %s', async (_label, make) => {
    const before = tf.memory().numTensors;
    const straightforward = await run(make, false);
    const fast = await run(make, true);
    expect(tf.memory().numTensors).toBe(before);
    fast.losses.forEach((l, i) => expect(Math.abs(l - straightforward.losses[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(straightforward.losses[i]!)));
    expect(Math.abs(fast.test - straightforward.test)).toBeLessThanOrEqual(1e-6 * Math.abs(straightforward.test));
  });
});
