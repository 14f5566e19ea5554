// The fused WebGPU training step (src/kernels/webgpu) on Dawn → OpenGL ES → Mesa llvmpipe in
// Node: the path it takes, its numbers against the cpu backend from the same weights, its GPU
// dispatch and queue-submit counts per step (counted at the WebGPU API of the `webgpu` package),
// and that it leaks neither tensors nor pooled GPU memory.
import * as tf from '@tensorflow/tfjs-core';
import { globals } from 'webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError, adam, denseAutoencoder, denseVae, denoisingAutoencoder, gaussianNoise, sparseAutoencoder, train, useBackend } from '../../src/index.js';
import type { Autoencoder, TrainHistory, TrainOptions } from '../../src/index.js';
import fixture from '../fixtures/webgpu-fused.json' with { type: 'json' };
import { NODE_WEBGPU, countPerStep } from './webgpu-helpers.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

/** Deterministic data in [0, 1]: a fixed linear congruential sequence. */
function data(n: number, d: number): number[][] {
  let s = 12345;
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    }),
  );
}

/** Trains a model built by `make` on `backend`, starting from `weights` when given; returns its history and weights. */
async function run(backend: 'cpu' | 'webgpu', make: () => Autoencoder, x: number[][], options: TrainOptions, weights?: number[][]) {
  await useBackend(backend, backend === 'webgpu' ? NODE_WEBGPU : {});
  const model = make();
  if (weights) model.trainableVariables.forEach((v, i) => v.assign(tf.tensor(weights[i]!, v.shape)));
  const initial = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
  const history = await train(model, x, options);
  const final = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
  model.dispose();
  return { history, initial, final };
}

function relativeGap(a: TrainHistory, b: TrainHistory): number {
  return Math.max(...a.epochs.map((e, i) => Math.abs(e.loss - b.epochs[i]!.loss) / Math.abs(b.epochs[i]!.loss)));
}

describe('fused WebGPU training of dense autoencoders', () => {
  beforeAll(async () => {
    await useBackend('webgpu', NODE_WEBGPU);
  });
  afterAll(async () => {
    await useBackend('cpu');
  });

  const x = data(96, 20);
  const options: TrainOptions = { epochs: 3, batchSize: 16, seed: 7, learningRate: 3e-3 };
  for (const loss of ['mse', 'bce'] as const) {
    it(`${loss}: takes the fused path and gives the cpu backend's losses within 1e-4 after 3 epochs`, async () => {
      const make = (): Autoencoder => denseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, loss, seed: 3 });
      const gpu = await run('webgpu', make, x, options);
      const cpu = await run('cpu', make, x, options, gpu.initial);
      expect(gpu.history.path).toBe('fused-webgpu');
      expect(cpu.history.path).toBe('per-op');
      expect(gpu.history.epochs).toHaveLength(3);
      expect(relativeGap(gpu.history, cpu.history)).toBeLessThan(1e-4);
      // The training moved the weights, the same way on both.
      expect(gpu.final[0]).not.toEqual(gpu.initial[0]);
      const flat = (w: number[][]): number[] => w.flat();
      const [g, c] = [flat(gpu.final), flat(cpu.final)];
      expect(Math.max(...g.map((v, i) => Math.abs(v - c[i]!)))).toBeLessThan(1e-4);
    });
  }

  // tests/fixtures/webgpu-fused.json, made by tests/fixtures/make-webgpu-fused-fixtures.py (PyTorch, float32).
  for (const loss of ['mse', 'bce'] as const) {
    it(`${loss}: gives PyTorch's epoch losses and final weights from the same weights and batches`, async () => {
      await useBackend('webgpu', NODE_WEBGPU);
      const [d, h, k] = fixture.sizes as [number, number, number];
      const model = denseAutoencoder({ inputDim: d, hidden: [h], latentDim: k, loss, seed: 1 });
      model.trainableVariables.forEach((v, i) => v.assign(tf.tensor(fixture.initialWeights[i]!, v.shape)));
      const history = await train(model, fixture.x, { epochs: fixture.epochs, batchSize: fixture.batchSize, learningRate: fixture.learningRate, shuffle: false, seed: 1 });
      expect(history.path).toBe('fused-webgpu');
      const reference = fixture.runs[loss];
      history.epochs.forEach((e, i) => expect(Math.abs(e.loss - reference.epochLosses[i]!) / reference.epochLosses[i]!).toBeLessThan(1e-4));
      const weights = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
      const gap = Math.max(...weights.flatMap((w, i) => w.map((v, j) => Math.abs(v - reference.finalWeights[i]![j]!))));
      expect(gap).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it('trains a model built while the cpu backend was active (its variables move over)', async () => {
    await useBackend('cpu');
    const model = denseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, seed: 3 });
    const initial = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
    await useBackend('webgpu', NODE_WEBGPU);
    const history = await train(model, x, { epochs: 1, batchSize: 48, seed: 1 });
    expect(history.path).toBe('fused-webgpu');
    const cpu = await run('cpu', () => denseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, seed: 3 }), x, { epochs: 1, batchSize: 48, seed: 1 }, initial);
    expect(relativeGap(history, cpu.history)).toBeLessThan(1e-4);
    model.dispose();
  });

  it('IWAE VAE (not fused): tfjs kernels with the one-dispatch Adam give the cpu losses, in fewer dispatches than tfjs\' Adam', async () => {
    await useBackend('webgpu', NODE_WEBGPU);
    const g = globalThis as unknown as Record<string, { prototype: { dispatchWorkgroups: (...a: number[]) => void } }>;
    const pass = g['GPUComputePassEncoder']!.prototype;
    const dispatch = pass.dispatchWorkgroups;
    let dispatches = 0;
    pass.dispatchWorkgroups = function (this: unknown, ...a: number[]) {
      dispatches++;
      return dispatch.apply(this, a);
    };
    const counts: Record<string, number> = {};
    const histories: Record<string, TrainHistory> = {};
    let initial: number[][] | undefined;
    try {
      for (const fast of [true, false]) {
        await useBackend('webgpu', { ...NODE_WEBGPU, fastWebGpuKernels: fast });
        const vae = denseVae({ inputDim: 20, hidden: [12], latentDim: 3, seed: 5, objective: { kind: 'iwae', samples: 2 } });
        if (initial === undefined) initial = await Promise.all(vae.trainableVariables.map(async (v) => Array.from(await v.data())));
        else vae.trainableVariables.forEach((v, i) => v.assign(tf.tensor(initial![i]!, v.shape)));
        const start = dispatches;
        histories[String(fast)] = await train(vae, x, { ...options, epochs: 2 });
        counts[String(fast)] = dispatches - start;
        vae.dispose();
      }
    } finally {
      pass.dispatchWorkgroups = dispatch;
    }
    await useBackend('webgpu', NODE_WEBGPU);
    const cpu = await (async () => {
      await useBackend('cpu');
      const vae = denseVae({ inputDim: 20, hidden: [12], latentDim: 3, seed: 5, objective: { kind: 'iwae', samples: 2 } });
      vae.trainableVariables.forEach((v, i) => v.assign(tf.tensor(initial![i]!, v.shape)));
      const h = await train(vae, x, { ...options, epochs: 2 });
      vae.dispose();
      return h;
    })();
    expect(histories['true']!.path).toBe('per-op');
    expect(relativeGap(histories['true']!, cpu)).toBeLessThan(1e-4);
    expect(relativeGap(histories['false']!, cpu)).toBeLessThan(1e-4);
    // 12 steps; tfjs' Adam runs about 13 kernels for each of the 10 variables per step.
    expect(counts['true']!).toBeLessThan(counts['false']! - 12 * 10 * 10);
  });

  it("keeps Adam's moments in the optimizer (as cpu computes them), and encode sees the trained weights", async () => {
    const runWith = async (backend: 'cpu' | 'webgpu', weights?: number[][]) => {
      await useBackend(backend, backend === 'webgpu' ? NODE_WEBGPU : {});
      const model = denseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, seed: 3 });
      if (weights) model.trainableVariables.forEach((v, i) => v.assign(tf.tensor(weights[i]!, v.shape)));
      const initial = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
      const optimizer = adam({ learningRate: 3e-3 });
      const history = await train(model, x, { epochs: 2, batchSize: 16, seed: 2, optimizer });
      const state = await optimizer.getWeights();
      const moments = await Promise.all(state.slice(1).map(async (w) => Array.from(await w.tensor.data())));
      const code = model.encode(x.slice(0, 4));
      const encoded = Array.from(await code.data());
      code.dispose();
      state[0]!.tensor.dispose(); // the iteration count, a new tensor (the moments are the optimizer's variables)
      optimizer.dispose();
      model.dispose();
      return { history, initial, moments, encoded, iterations: optimizer.iterations };
    };
    const gpu = await runWith('webgpu');
    const cpu = await runWith('cpu', gpu.initial);
    expect(gpu.history.path).toBe('fused-webgpu');
    expect(gpu.iterations).toBe(12);
    expect(gpu.moments).toHaveLength(16); // m and v of 8 variables
    const gap = Math.max(...gpu.moments.flatMap((m, i) => m.map((v, j) => Math.abs(v - cpu.moments[i]![j]!))));
    expect(gap).toBeLessThan(1e-5);
    expect(Math.max(...gpu.encoded.map((v, i) => Math.abs(v - cpu.encoded[i]!)))).toBeLessThan(1e-4);
  });

  it('rejects a fastWebGpuKernels that is not a boolean, naming the option', async () => {
    await expect(useBackend('webgpu', { ...NODE_WEBGPU, fastWebGpuKernels: 'no' as unknown as boolean })).rejects.toThrow(
      "useBackend: argument 'options.fastWebGpuKernels' must be a boolean, got",
    );
  });

  it('sparse (L1 on the code): the penalty and its gradient fused, the cpu losses and terms', async () => {
    const make = (): Autoencoder =>
      sparseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, latentActivation: 'relu', sparsity: { kind: 'l1', weight: 0.05 }, seed: 6 });
    const gpu = await run('webgpu', make, x, options);
    const cpu = await run('cpu', make, x, options, gpu.initial);
    expect(gpu.history.path).toBe('fused-webgpu');
    expect(relativeGap(gpu.history, cpu.history)).toBeLessThan(1e-4);
    gpu.history.epochs.forEach((e, i) => {
      const c = cpu.history.epochs[i]!;
      expect(Object.keys(e.terms)).toEqual(['reconstruction', 'sparsity']);
      expect(c.terms['sparsity']!).toBeGreaterThan(0);
      for (const name of ['reconstruction', 'sparsity']) expect(Math.abs(e.terms[name]! - c.terms[name]!) / c.terms[name]!).toBeLessThan(1e-4);
    });
    const [g, c] = [gpu.final.flat(), cpu.final.flat()];
    expect(Math.max(...g.map((v, i) => Math.abs(v - c[i]!)))).toBeLessThan(1e-4);
  });

  it('denoising: corrupts the batch as computeLoss does, and scores against the clean batch', async () => {
    const make = (): Autoencoder =>
      denoisingAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, corruptor: gaussianNoise({ stddev: 0.2 }), seed: 4 });
    const gpu = await run('webgpu', make, x, options);
    const cpu = await run('cpu', make, x, options, gpu.initial);
    expect(gpu.history.path).toBe('fused-webgpu');
    expect(relativeGap(gpu.history, cpu.history)).toBeLessThan(1e-4);
  });

  it('falls back to per-op kernels with fastWebGpuKernels: false, with clipNorm, and for a KL-sparse model', async () => {
    await useBackend('webgpu', { ...NODE_WEBGPU, fastWebGpuKernels: false });
    const plain = denseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, seed: 3 });
    expect((await train(plain, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('per-op');
    await useBackend('webgpu', NODE_WEBGPU);
    expect((await train(plain, x, { epochs: 1, batchSize: 48, seed: 1, clipNorm: 1 })).path).toBe('per-op');
    expect((await train(plain, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('fused-webgpu');
    plain.dispose();
    const sparse = sparseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, latentActivation: 'sigmoid', sparsity: { kind: 'kl-bernoulli', rho: 0.1 }, seed: 3 });
    expect((await train(sparse, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('per-op');
    sparse.dispose();
  });

  it('W1 (784-256-64-256-784, batch 128): at most 24 GPU dispatches and one queue submit per step', async () => {
    await useBackend('webgpu', NODE_WEBGPU);
    const w1 = denseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, loss: 'bce', seed: 1 });
    const images = tf.randomUniform([128 * 4, 784], 0, 1, 'float32', 5);
    // useBackend put the `webgpu` package's globals (its GPU classes) on globalThis.
    const g = globalThis as unknown as Record<string, { prototype: unknown }>;
    expect(g['GPUQueue']).toBe((globals as Record<string, unknown>)['GPUQueue']);
    for (const step of await countPerStep(w1, images as tf.Tensor2D, 128)) {
      expect(step.dispatches).toBeGreaterThan(0);
      expect(step.dispatches).toBeLessThanOrEqual(24);
      expect(step.submits).toBeLessThanOrEqual(1);
    }
    tf.dispose(images);
    w1.dispose();
  });

  it('leaks no tensor and no pooled GPU memory across train, a thrown NaN, and dispose', async () => {
    await useBackend('webgpu', NODE_WEBGPU);
    const start = { tensors: tf.memory().numTensors, bytes: (tf.memory() as unknown as { numBytesInGPU: number }).numBytesInGPU };
    const model = denseAutoencoder({ inputDim: 20, hidden: [12], latentDim: 5, seed: 3 });
    await train(model, x, { epochs: 2, batchSize: 16, seed: 1 });
    const before = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
    // Adam moves each weight by about the learning rate per step: 1e30 overflows the next forward pass.
    const error = await train(model, x, { epochs: 1, batchSize: 16, seed: 1, learningRate: 1e30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const failed = (error as NonFiniteLossError).batch;
    expect(failed).toBeGreaterThan(0);
    // Set back to the finite weights from before the failing batch (which the steps before it had moved).
    const after = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
    expect(after.flat().every(Number.isFinite)).toBe(true);
    expect(after.flat()).not.toEqual(before.flat());
    model.dispose();
    expect(tf.memory().numTensors).toBe(start.tensors);
    expect((tf.memory() as unknown as { numBytesInGPU: number }).numBytesInGPU).toBe(start.bytes);
  });
});
