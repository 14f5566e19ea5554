// WebGPU in Node without a GPU: the `webgpu` package (Dawn) on its OpenGL ES backend, which
// runs on Mesa's llvmpipe when EGL_PLATFORM=surfaceless. This is the route the package's
// WebGPU code path is tested on in CI.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/index.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

describe('useBackend on WebGPU in Node (Dawn, OpenGL ES)', () => {
  it('starts webgpu by name and trains a gradient step on it', async () => {
    const info = await useBackend('webgpu', { nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } });
    expect(info.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.adapter).toBeDefined();
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const w = tf.variable(tf.tensor2d([[0.5], [-0.5]]));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(x, w))), [w]);
    // f = (0.5·1 − 0.5·2)² + (0.5·3 − 0.5·4)² = 0.5; ∂f/∂w = 2·xᵀ(xw) = 2·[1·(−0.5) + 3·(−0.5), 2·(−0.5) + 4·(−0.5)]
    expect(await value.data()).toEqual(new Float32Array([0.5]));
    expect(Array.from(await grads[w.name]!.data())).toEqual([-4, -6]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
