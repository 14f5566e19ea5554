import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { toHostMatrix, toTensor } from '../../src/core/index.js';

describe('toHostMatrix', () => {
  it('keeps the float64 values of a number[][] exactly (no detour through float32)', () => {
    const rows = [
      [0.1, 1 / 3],
      [Math.PI, 1e-300],
    ];
    const m = toHostMatrix(rows, 'f', 'x');
    expect([m.rows, m.cols]).toEqual([2, 2]);
    expect(Array.from(m.data)).toEqual([0.1, 1 / 3, Math.PI, 1e-300]);
  });

  it('copies float64 { data, shape } input rather than aliasing it', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const m = toHostMatrix({ data, shape: [3, 2] }, 'f', 'x');
    data[0] = 99;
    expect(m.data[0]).toBe(1);
    expect([m.rows, m.cols]).toEqual([3, 2]);
  });

  it('reads a tensor without disposing it or leaking', () => {
    const t = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const before = tf.memory().numTensors;
    expect(Array.from(toHostMatrix(t, 'f', 'x').data)).toEqual([1, 2, 3, 4]);
    expect(tf.memory().numTensors).toBe(before);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('names the ragged row and the non-number cell', () => {
    expect(() => toHostMatrix([[1, 2], [3]], 'f', 'x')).toThrow(/f: argument 'x' must be a rectangular number\[\]\[\]: row 0 has 2 values, row 1 is/);
    expect(() => toHostMatrix([[1, 2], [3, '4']] as never, 'f', 'x')).toThrow(/f: argument 'x\[1\]\[1\]' must be a number/);
    expect(() => toHostMatrix({ data: new Float32Array(3), shape: [3] }, 'f', 'x')).toThrow(/must be 2-D/);
  });
});

describe('toTensor', () => {
  it('gives a float32 tensor of a number[][] that the caller owns', () => {
    const t = toTensor([[0.1, 0.2]], 'f', 'x');
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([1, 2]);
    expect(Array.from(t.dataSync())).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    t.dispose();
  });
});
