// The trainer's Adam (FusedAdam): one kernel per variable on wasm and cpu, the numbers of
// tfjs' tf.train.adam bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { setFusedAdamForTesting } from '../../src/backend/adamKernel.js';
import { FusedAdam } from '../../src/backend/adamOptimizer.js';
import { train } from '../../src/train/index.js';
import { linearAutoencoder, makeRows } from '../train/helpers.js';

/** Two sets of variables with the same values; sizes not multiples of 4 reach the scalar tail. */
function twins(): [tf.Variable[], tf.Variable[]] {
  const make = (): tf.Variable[] => [
    tf.variable(tf.randomNormal([37, 23], 0, 1, 'float32', 1)),
    tf.variable(tf.randomNormal([23], 0, 1, 'float32', 2)),
    tf.variable(tf.randomNormal([64, 16], 0, 1, 'float32', 3)),
  ];
  return [make(), make()];
}

function gradientsFor(vars: tf.Variable[], step: number): tf.Tensor[] {
  // Growing scales exercise the bias corrections and the ε term.
  return vars.map((v, i) => tf.randomNormal(v.shape, 0, 10 ** (step % 5 - 2), 'float32', 100 + 7 * step + i));
}

function bits(vars: tf.Variable[]): number[][] {
  return vars.map((v) => Array.from(new Int32Array((v.dataSync() as Float32Array).slice().buffer)));
}

describe.each(['wasm', 'cpu'] as const)('FusedAdam on the %s backend', (backend) => {
  afterEach(() => {
    setFusedAdamForTesting(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['the fused kernel', true],
    ['the composed kernels', false],
  ])('updates the weights bit for bit as tf.train.adam does, with %s', async (_label, fused) => {
    await useBackend(backend);
    setFusedAdamForTesting(fused);
    const [a, b] = twins();
    const reference = tf.train.adam(0.01, 0.8, 0.99);
    const ours = new FusedAdam(0.01, 0.8, 0.99);
    for (let step = 0; step < 12; step++) {
      const grads = gradientsFor(a, step);
      if (step === 6) {
        (reference as unknown as { learningRate: number }).learningRate = 0.003;
        ours.learningRate = 0.003;
      }
      reference.applyGradients(a.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
      ours.applyGradients(b.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
      tf.dispose(grads);
    }
    expect(bits(b)).toEqual(bits(a));
    expect(ours.iterations).toBe(12);
    reference.dispose();
    ours.dispose();
    tf.dispose([...a, ...b]);
  });

  it('returns the sum of the gradient entries as its check, NaN when a gradient is', async () => {
    await useBackend(backend);
    const [vars] = twins();
    const adam = new FusedAdam(0.01);
    const grads = gradientsFor(vars, 1);
    const check = adam.applyGradientsWithCheck(vars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    const expected = grads.reduce((s, g) => s + (g.dataSync() as Float32Array).reduce((a, x) => a + x, 0), 0);
    expect(check.dataSync()[0]).toBeCloseTo(expected, 3);
    const bad = tf.tensor1d(new Float32Array(23).fill(0).map((_, i) => (i === 5 ? Number.NaN : 1)));
    const nanCheck = adam.applyGradientsWithCheck([{ name: vars[1]!.name, tensor: bad }]);
    expect(Number.isNaN(nanCheck.dataSync()[0])).toBe(true);
    tf.dispose([check, nanCheck, bad, ...grads, ...vars]);
    adam.dispose();
  });

  it('skips null gradients and leaves only its moments behind, which dispose() frees', async () => {
    await useBackend(backend);
    const [vars] = twins();
    const before = tf.memory().numTensors;
    const adam = new FusedAdam(0.01);
    const grads = gradientsFor(vars, 0);
    const untouched = vars[1]!.dataSync().slice();
    adam.applyGradients([
      { name: vars[0]!.name, tensor: grads[0]! },
      { name: vars[1]!.name, tensor: null as unknown as tf.Tensor },
      { name: vars[2]!.name, tensor: grads[2]! },
    ]);
    expect(Array.from(vars[1]!.dataSync())).toEqual(Array.from(untouched));
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before + 6);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(vars);
  });

  it('saves and restores its state so that a restored copy continues identically', async () => {
    await useBackend(backend);
    const [a, b] = twins();
    const first = new FusedAdam(0.01);
    for (let step = 0; step < 3; step++) {
      const grads = gradientsFor(a, step);
      first.applyGradients(a.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
      b.forEach((v, i) => v.assign(a[i]!));
      tf.dispose(grads);
    }
    const saved = await first.getWeights();
    const second = new FusedAdam(0.01);
    await second.setWeights(saved.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })));
    const grads = gradientsFor(a, 3);
    first.applyGradients(a.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    second.applyGradients(b.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    expect(bits(b)).toEqual(bits(a));
    expect(second.getConfig()).toEqual(first.getConfig());
    tf.dispose([...grads, ...a, ...b, saved[0]!.tensor]);
    first.dispose();
    second.dispose();
  });
});

describe('train with its own Adam', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['wasm', 'cpu'] as const)('gives the losses and weights of tf.train.adam passed in, bit for bit, on %s', async (backend) => {
    await useBackend(backend);
    const rows = makeRows(48, 5);
    const options = { epochs: 3, batchSize: 16, seed: 4 } as const;
    const a = linearAutoencoder({ features: 5, noise: true });
    const b = linearAutoencoder({ features: 5, noise: true });
    const optimizer = tf.train.adam(0.02);
    const ha = await train(a, rows, { ...options, learningRate: 0.02 });
    const hb = await train(b, rows, { ...options, optimizer });
    expect(ha.epochs.map((e) => e.loss)).toEqual(hb.epochs.map((e) => e.loss));
    expect(a.weights()).toEqual(b.weights());
    optimizer.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('the Adam WebAssembly module', () => {
  it('validates, and binds to the wasm backend memory', async () => {
    const { adamModuleBytes, adamSimd } = await import('../../src/kernels/wasm/adam.js');
    expect(WebAssembly.validate(adamModuleBytes())).toBe(true);
    await useBackend('wasm');
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const adam = adamSimd(memory);
    expect(adam).not.toBeNull();
    expect(adamSimd(memory)).toBe(adam);
    await tf.setBackend('cpu');
  });
});

describe('the WebAssembly kernels on a shared memory (tfjs-backend-wasm with threads, or its heap made shared in Node)', () => {
  it('take it with a shared build of their own, which computes the same bits as the unshared one', async () => {
    const { adamSimd } = await import('../../src/kernels/wasm/adam.js');
    const { gemmFor } = await import('../../src/kernels/wasm/gemm.js');
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const plain = new WebAssembly.Memory({ initial: 1 });
    expect(gemmFor(shared)).not.toBeNull();
    expect(gemmFor(shared)).not.toBe(gemmFor(plain));
    const onShared = adamSimd(shared);
    const onPlain = adamSimd(plain);
    expect(onShared).not.toBeNull();
    expect(onShared).not.toBe(onPlain);
    // One Adam step over 64 entries on each memory, from the same w, m, v and g.
    const n = 64;
    const results = [shared, plain].map((memory, i) => {
      const f = new Float32Array(memory.buffer, 0, 7 * n);
      for (let j = 0; j < 4 * n; j++) f[j] = Math.sin(j * 0.37) * (j % 3 === 0 ? 0.5 : 2);
      for (let j = n; j < 3 * n; j++) f[j] = Math.abs(f[j]!) * 0.1;
      const sum = (i === 0 ? onShared : onPlain)!(0, 4 * n, 8 * n, 12 * n, 16 * n, 20 * n, 24 * n, n, 0.9, 0.1, 0.999, 0.001, 0.1, 0.001, 1e-7, 0.01);
      return { sum, out: Array.from(f.subarray(4 * n, 7 * n)) };
    });
    expect(results[0]!.out.every((x) => Number.isFinite(x))).toBe(true);
    expect(results[0]!.out).toEqual(results[1]!.out);
    expect(results[0]!.sum).toBe(results[1]!.sum);
  });
});
