// The fused WebGPU training step of Gaussian VAEs and CVAEs (src/kernels/webgpu/gaussian-step.ts)
// on Dawn → OpenGL ES → Mesa llvmpipe in Node: the path it takes, its losses, terms and weights
// against the cpu backend (tfjs' kernels on computeLoss) from the same weights and seeds, its GPU
// dispatch and queue-submit counts per step (counted at the WebGPU API), its fallbacks, and that
// it leaks neither tensors nor pooled GPU memory.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError, VAE, denseCvae, denseVae, train, useBackend } from '../../src/index.js';
import type { CVAE, TrainHistory, TrainOptions, VaeFactoryOptions } from '../../src/index.js';
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

type Model = VAE | CVAE;

async function weightsOf(model: Model): Promise<number[][]> {
  return Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
}

/** Trains a model built by `make` on `backend`, starting from `weights` when given. */
async function run(backend: 'cpu' | 'webgpu', make: () => Model, x: unknown, options: TrainOptions, weights?: number[][]) {
  await useBackend(backend, backend === 'webgpu' ? NODE_WEBGPU : {});
  const model = make();
  if (weights) model.trainableVariables.forEach((v, i) => v.assign(tf.tensor(weights[i]!, v.shape)));
  const initial = await weightsOf(model);
  const history = await train(model, x as never, options);
  const final = await weightsOf(model);
  model.dispose();
  return { history, initial, final };
}

function relativeGap(a: TrainHistory, b: TrainHistory, term?: string): number {
  const pick = (e: TrainHistory['epochs'][number]): number => (term === undefined ? e.loss : e.terms[term]!);
  return Math.max(...a.epochs.map((e, i) => Math.abs(pick(e) - pick(b.epochs[i]!)) / Math.abs(pick(b.epochs[i]!))));
}

function weightGap(a: number[][], b: number[][]): number {
  const [g, c] = [a.flat(), b.flat()];
  return Math.max(...g.map((v, i) => Math.abs(v - c[i]!)));
}

/** Runs on webgpu, then on cpu from the same initial weights, and checks the path and the numbers. */
async function expectSameAsCpu(make: () => Model, x: unknown, options: TrainOptions): Promise<{ gpu: TrainHistory; cpu: TrainHistory }> {
  const gpu = await run('webgpu', make, x, options);
  const cpu = await run('cpu', make, x, options, gpu.initial);
  expect(gpu.history.path).toBe('fused-webgpu');
  expect(cpu.history.path).toBe('per-op');
  expect(gpu.history.epochs).toHaveLength(options.epochs ?? 1);
  expect(relativeGap(gpu.history, cpu.history)).toBeLessThan(1e-4);
  for (const term of ['reconstruction', 'kl']) expect(relativeGap(gpu.history, cpu.history, term)).toBeLessThan(1e-4);
  if (options.validationSplit !== undefined) {
    // Validation runs computeLoss on tfjs' kernels, reading the weights the fused step wrote.
    const gaps = gpu.history.epochs.map((e, i) => Math.abs(e.valLoss! - cpu.history.epochs[i]!.valLoss!) / cpu.history.epochs[i]!.valLoss!);
    expect(Math.max(...gaps)).toBeLessThan(1e-4);
  }
  expect(gpu.final[0]).not.toEqual(gpu.initial[0]);
  expect(weightGap(gpu.final, cpu.final)).toBeLessThan(1e-4);
  return { gpu: gpu.history, cpu: cpu.history };
}

describe('fused WebGPU training of dense VAEs and CVAEs', () => {
  beforeAll(async () => {
    await useBackend('webgpu', NODE_WEBGPU);
  });
  afterAll(async () => {
    await useBackend('cpu');
  });

  const x = data(96, 20);
  const options: TrainOptions = { epochs: 3, batchSize: 16, seed: 7, learningRate: 3e-3 };
  const vae = (extra: Partial<VaeFactoryOptions> & { hidden?: number[] } = {}) => (): VAE =>
    denseVae({ inputDim: 20, hidden: [12], latentDim: 3, seed: 5, ...extra });

  it('denseVae, Bernoulli: the fused path gives the cpu losses, terms, validation losses and weights within 1e-4 after 3 epochs', async () => {
    await expectSameAsCpu(vae(), x, { ...options, validationSplit: 0.25 });
  });

  it('denseVae, Gaussian likelihood, β = 4, two hidden layers, tanh', async () => {
    await expectSameAsCpu(vae({ likelihood: 'gaussian', beta: 4, hidden: [12, 8], activation: 'tanh' }), x, options);
  });

  it('KL warm-up, free bits and a ramped capacity follow the cpu numbers', async () => {
    const { gpu } = await expectSameAsCpu(vae({ objective: { kind: 'elbo', beta: 2, freeBits: 0.1, capacity: { max: 0.5, epochs: 2 } } }), x, {
      ...options,
      klWarmup: { epochs: 2 },
    });
    expect(gpu.epochs[0]!.terms['kl']).toBeGreaterThan(0);
  });

  it('no hidden layers (the heads read the input)', async () => {
    await expectSameAsCpu(vae({ hidden: [] }), x, { ...options, epochs: 2 });
  });

  it('denseCvae: the labels join z at the decoder, as computeLoss joins them', async () => {
    const y = x.map((_, i) => i % 4);
    const make = (): CVAE => denseCvae({ inputDim: 20, numClasses: 4, hidden: [12], latentDim: 3, seed: 6 });
    await expectSameAsCpu(make, { x, y }, options);
  });

  /** A VAE built from tfjs-layers by hand: an unclamped log-variance head, and the decoder's sigmoid as an Activation layer or inside its Dense. */
  const handBuilt = (sigmoidLayer: boolean) => (): VAE => {
    const init = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
    const input = tfl.input({ shape: [20] });
    const h = tfl.layers.dense({ units: 10, activation: 'elu', ...init(1) }).apply(input) as tfl.SymbolicTensor;
    const mean = tfl.layers.dense({ units: 2, ...init(2) }).apply(h) as tfl.SymbolicTensor;
    const logVar = tfl.layers.dense({ units: 2, ...init(3) }).apply(h) as tfl.SymbolicTensor;
    const encoder = tfl.model({ inputs: input, outputs: [mean, logVar] });
    const z = tfl.input({ shape: [2] });
    const g = tfl.layers.dense({ units: 10, activation: 'sigmoid', ...init(4) }).apply(z) as tfl.SymbolicTensor;
    let out = tfl.layers.dense({ units: 20, activation: sigmoidLayer ? 'linear' : 'sigmoid', ...init(5) }).apply(g) as tfl.SymbolicTensor;
    if (sigmoidLayer) out = tfl.layers.activation({ activation: 'sigmoid' }).apply(out) as tfl.SymbolicTensor;
    return new VAE({ encoder, decoder: tfl.model({ inputs: z, outputs: out }) });
  };

  it('a hand-built dense VAE (unclamped log-variance, elu and sigmoid layers) takes the fused path', async () => {
    await expectSameAsCpu(handBuilt(true), x, options);
  });

  it('a decoder giving Bernoulli probabilities from inside its last Dense layer stays on tfjs kernels (no logits to fuse)', async () => {
    await useBackend('webgpu', NODE_WEBGPU);
    const model = handBuilt(false)();
    expect(model.gaussianTrainingPlan()).toBeNull();
    expect((await train(model, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('per-op');
    model.dispose();
    expect(model.gaussianTrainingPlan()).toBeNull();
  });

  it('falls back to tfjs kernels (with the one-dispatch Adam) for other objectives and fastWebGpuKernels: false', async () => {
    await useBackend('webgpu', NODE_WEBGPU);
    for (const objective of [{ kind: 'iwae', samples: 2 }, { kind: 'beta-tc' }, { kind: 'mmd', lambda: 10, kernel: 'imq' }] as const) {
      const model = denseVae({ inputDim: 20, hidden: [12], latentDim: 3, seed: 5, objective });
      expect(model.gaussianTrainingPlan()).toBeNull();
      expect((await train(model, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('per-op');
      model.dispose();
    }
    const vamp = denseVae({ inputDim: 20, hidden: [12], latentDim: 3, seed: 5, prior: { kind: 'vamp', pseudoInputs: 4 } });
    expect((await train(vamp, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('per-op');
    vamp.dispose();
    await useBackend('webgpu', { ...NODE_WEBGPU, fastWebGpuKernels: false });
    const plain = denseVae({ inputDim: 20, hidden: [12], latentDim: 3, seed: 5 });
    expect((await train(plain, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('per-op');
    await useBackend('webgpu', NODE_WEBGPU);
    expect((await train(plain, x, { epochs: 1, batchSize: 48, seed: 1, clipNorm: 1 })).path).toBe('per-op');
    expect((await train(plain, x, { epochs: 1, batchSize: 48, seed: 1 })).path).toBe('fused-webgpu');
    plain.dispose();
  });

  it('W2 (784-512-(20, 20)-512-784, batch 128) and a deeper VAE: at most 6 GPU dispatches per dense layer and one queue submit per step', async () => {
    await useBackend('webgpu', NODE_WEBGPU);
    const cases = [
      // body, two heads, decoder hidden and output: 5 dense layers
      { model: denseVae({ inputDim: 784, hidden: [512], latentDim: 20, seed: 1 }), d: 784, batch: 128, layers: 5 },
      // 3 body layers, two heads, 4 decoder layers
      { model: denseVae({ inputDim: 40, hidden: [32, 24, 16], latentDim: 4, seed: 1 }), d: 40, batch: 32, layers: 9 },
    ];
    for (const { model, d, batch, layers } of cases) {
      const rows = tf.randomUniform([batch * 4, d], 0, 1, 'float32', 5) as tf.Tensor2D;
      for (const step of await countPerStep(model, rows, batch)) {
        expect(step.dispatches).toBeGreaterThan(0);
        expect(step.dispatches).toBeLessThanOrEqual(6 * layers);
        expect(step.submits).toBeLessThanOrEqual(1);
      }
      rows.dispose();
      model.dispose();
    }
  });

  it('leaks no tensor and no pooled GPU memory across train, a thrown NaN, and dispose', async () => {
    await useBackend('webgpu', NODE_WEBGPU);
    const start = { tensors: tf.memory().numTensors, bytes: (tf.memory() as unknown as { numBytesInGPU: number }).numBytesInGPU };
    const model = denseVae({ inputDim: 20, hidden: [12], latentDim: 3, seed: 5 });
    expect((await train(model, x, { epochs: 2, batchSize: 16, seed: 1 })).path).toBe('fused-webgpu');
    const before = await weightsOf(model);
    const error = await train(model, x, { epochs: 1, batchSize: 16, seed: 1, learningRate: 1e30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).history.path).toBe('fused-webgpu');
    const after = await weightsOf(model);
    expect(after.flat().every(Number.isFinite)).toBe(true);
    expect(after.flat()).not.toEqual(before.flat());
    model.dispose();
    expect(tf.memory().numTensors).toBe(start.tensors);
    expect((tf.memory() as unknown as { numBytesInGPU: number }).numBytesInGPU).toBe(start.bytes);
  });
});
