import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/index.js';

describe('useBackend', () => {
  it('starts the cpu backend by name and computes gradients on it', async () => {
    const info = await useBackend('cpu');
    expect(info).toEqual({ name: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.div(tf.square(x), 2)))(tf.tensor1d([1, -2, 3]));
    expect(Array.from(await g.data())).toEqual([1, -2, 3]);
    g.dispose();
  });

  it('starts wasm by name with SIMD and a thread per core in Node', async () => {
    const info = await useBackend('wasm');
    expect(info.name).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(availableParallelism());
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])));
    expect(Array.from(await y.data())).toEqual([11]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("with 'auto' never picks a software WebGPU adapter, and falls back to wasm here", async () => {
    const info = await useBackend('auto');
    if (info.name === 'webgpu') {
      expect(info.adapter?.isFallbackAdapter).toBe(false);
    } else {
      expect(info.name).toBe('wasm');
    }
    expect(tf.getBackend()).toBe(info.name);
  });

  it('takes the first backend of a list that can start', async () => {
    const info = await useBackend(['tensorflow', 'cpu']);
    expect(info.name).toBe('cpu');
  });

  it('throws naming the backend and the reason when a named backend cannot start', async () => {
    await expect(useBackend('tensorflow')).rejects.toThrow(
      /useBackend: backend 'tensorflow' cannot start: the optional package '@tensorflow\/tfjs-node' is not installed/,
    );
  });

  it('lists every reason when no backend of a list can start', async () => {
    await expect(useBackend(['tensorflow', 'tensorflow'])).rejects.toThrow(/no backend of \[tensorflow, tensorflow\] could start/);
  });

  it('rejects an unknown preference, naming the argument', async () => {
    await expect(useBackend('gpu' as never)).rejects.toThrow(/useBackend: argument 'preference' must be 'auto', one of/);
    await expect(useBackend([] as never)).rejects.toThrow(/argument 'preference'/);
  });
});
