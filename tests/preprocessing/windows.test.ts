// Ref: the expected windows come from numpy.lib.stride_tricks.sliding_window_view, and the
// per-time-step mean / max from numpy, written to tests/fixtures/anomaly-detector.json by
// tests/fixtures/make-anomaly-detector-fixtures.py.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/anomaly-detector.json' with { type: 'json' };
import { slidingWindows, windowScoresToPoints } from '../../src/preprocessing/index.js';

interface WindowCase {
  name: string;
  series: number[] | number[][];
  size: number;
  stride: number;
  windows: number[][];
  scores: number[];
  mean: number[];
  max: number[];
}
const cases = fixture.windows as WindowCase[];

describe('slidingWindows and windowScoresToPoints', () => {
  it.each(cases.map((c) => [c.name, c] as const))('match numpy for %s', (_n, c) => {
    const before = tf.memory().numTensors;
    const w = slidingWindows(c.series, { size: c.size, stride: c.stride });
    expect(w.shape).toEqual([c.windows.length, c.windows[0]!.length]);
    expect(Array.from(w.dataSync())).toEqual(c.windows.flat());
    w.dispose();
    // The same from a tensor.
    const t = tf.tensor(c.series as number[][]);
    const wt = slidingWindows(t as tf.Tensor2D, { size: c.size, stride: c.stride });
    expect(Array.from(wt.dataSync())).toEqual(c.windows.flat());
    tf.dispose([t, wt]);
    expect(tf.memory().numTensors).toBe(before);
    const length = c.series.length;
    const mean = windowScoresToPoints(c.scores, { size: c.size, stride: c.stride, length });
    const max = windowScoresToPoints(c.scores, { size: c.size, stride: c.stride, length, reduce: 'max' });
    mean.forEach((v, i) => expect(v).toBeCloseTo(c.mean[i]!, 5));
    expect(Array.from(max)).toEqual(c.max.map((v) => Math.fround(v)));
  });

  it('windowScoresToPoints and refused calls leave no tensor behind', () => {
    const before = tf.memory().numTensors;
    windowScoresToPoints([1, 2, 3], { size: 2, length: 4, reduce: 'max' });
    expect(() => slidingWindows([1, NaN], { size: 1 })).toThrow();
    const t = tf.tensor1d([1, 2, 3]);
    expect(() => slidingWindows(t, { size: 4 })).toThrow();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts typed arrays and defaults to stride 1', () => {
    const w = slidingWindows(Float64Array.of(1, 2, 3, 4), { size: 2 });
    expect(w.arraySync()).toEqual([[1, 2], [2, 3], [3, 4]]);
    w.dispose();
    expect(Array.from(windowScoresToPoints([1, 3], { size: 3, stride: 2, length: 5 }))).toEqual([1, 1, 2, 3, 3]);
  });

  it('rejects windows longer than the series, stride 0, NaN and ragged series, naming the argument', () => {
    expect(() => slidingWindows([1, 2, 3], { size: 4 })).toThrow(/slidingWindows: argument 'options.size' \(4\) must be at most the series length \(3\): the window is longer than the series/);
    expect(() => slidingWindows([1, 2, 3], { size: 2, stride: 0 })).toThrow(/slidingWindows: argument 'options.stride' must be an integer >= 1, got the number 0/);
    expect(() => slidingWindows([1, NaN, 3], { size: 2 })).toThrow(/slidingWindows: argument 'series' must hold finite numbers, found NaN at time step 1/);
    expect(() => slidingWindows([[1, 2], [3, Infinity]], { size: 1 })).toThrow(/found Infinity at time step 1, channel 1/);
    const nan = tf.tensor1d([1, 2, NaN]);
    expect(() => slidingWindows(nan, { size: 2 })).toThrow(/found NaN at time step 2/);
    nan.dispose();
    expect(() => slidingWindows([[1, 2], [3]], { size: 1 })).toThrow(/argument 'series\[1\]' must be an array of 2 numbers/);
    expect(() => slidingWindows([], { size: 1 })).toThrow(/at least one time step/);
    expect(() => slidingWindows('abc' as never, { size: 1 })).toThrow(TypeError);
    expect(() => slidingWindows([1, 2], { size: 1.5 })).toThrow(/options.size' must be an integer >= 1/);
    expect(() => slidingWindows([1, 2], { size: 1, step: 1 } as never)).toThrow(/unknown option 'step'/);
    expect(() => windowScoresToPoints([1, 2], { size: 3, stride: 1, length: 5 })).toThrow(/windowScoresToPoints: argument 'scores' must hold one score per window, 3 for length 5, size 3, stride 1; got 2/);
    expect(() => windowScoresToPoints([1, NaN, 2], { size: 3, length: 5 })).toThrow(/must hold finite numbers, found the number NaN at index 1/);
    expect(() => windowScoresToPoints([1], { size: 3, length: 2 })).toThrow(/options.size' \(3\) must be at most options.length \(2\)/);
    expect(() => windowScoresToPoints([1], { size: 1, length: 1, reduce: 'median' } as never)).toThrow(/options.reduce' must be one of 'mean', 'max'/);
  });
});
