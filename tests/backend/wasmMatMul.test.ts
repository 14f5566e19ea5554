import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastWasmMatMul, useBackend } from '../../src/index.js';

// The reference is the product of explicitly transposed operands with no transpose flags,
// which takes the kernel's untransposed path both before and after the patch.
function reference(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): Float32Array {
  return tf.tidy(() => {
    const swap = (t: tf.Tensor) => tf.transpose(t, t.shape.map((_, i, s) => (i < s.length - 2 ? i : i === s.length - 2 ? s.length - 1 : s.length - 2)));
    return tf.matMul(transposeA ? swap(a) : a, transposeB ? swap(b) : b).dataSync() as Float32Array;
  });
}

describe('installFastWasmMatMul', () => {
  beforeAll(async () => {
    await useBackend('wasm', { fastWasmMatMul: false });
  });

  it('leaves products unchanged on the wasm backend, for every transpose flag, plain and fused', () => {
    const a = tf.randomNormal([2, 5, 7], 0, 1, 'float32', 1);
    const b = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 2);
    const aT = tf.transpose(a, [0, 2, 1]);
    const bT = tf.transpose(b, [0, 2, 1]);
    const bias = tf.randomNormal([3], 0, 1, 'float32', 3);
    const cases: [tf.Tensor, tf.Tensor, boolean, boolean][] = [
      [a, b, false, false],
      [aT, b, true, false],
      [a, bT, false, true],
      [aT, bT, true, true],
    ];
    const unpatched = cases.map(([x, y, ta, tb]) => tf.tidy(() => tf.matMul(x, y, ta, tb).dataSync()));
    const fusedBefore = tf.tidy(() => tf.fused.matMul({ a: aT, b, transposeA: true, bias, activation: 'relu' }).dataSync());
    expect(installFastWasmMatMul()).toBe(true);
    expect(installFastWasmMatMul()).toBe(true);
    const before = tf.memory().numTensors;
    cases.forEach(([x, y, ta, tb], i) => {
      const patched = tf.tidy(() => tf.matMul(x, y, ta, tb).dataSync());
      const expected = reference(x, y, ta, tb);
      for (let j = 0; j < expected.length; j++) {
        expect(patched[j]).toBeCloseTo(expected[j]!, 5);
        expect(patched[j]).toBeCloseTo(unpatched[i]![j]!, 5);
      }
    });
    const fusedAfter = tf.tidy(() => tf.fused.matMul({ a: aT, b, transposeA: true, bias, activation: 'relu' }).dataSync());
    fusedAfter.forEach((v, j) => expect(v).toBeCloseTo(fusedBefore[j]!, 5));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, aT, bT, bias]);
  });

  it('keeps the gradients of a dense layer equal to those computed without the patch', () => {
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 4);
    const w = tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 5));
    const f = (): tf.Scalar => tf.sum(tf.square(tf.relu(tf.matMul(x, w))));
    const { grads } = tf.variableGrads(f, [w]);
    const g = grads[w.name]!;
    // ∂/∂W Σ relu(XW)² = Xᵀ·(2·relu(XW)), computed here without any transposed product.
    const expected = tf.tidy(() => tf.matMul(tf.transpose(x), tf.mul(2, tf.relu(tf.matMul(x, w)))).dataSync());
    g.dataSync().forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 4));
    tf.dispose([x, w, g]);
  });
});
