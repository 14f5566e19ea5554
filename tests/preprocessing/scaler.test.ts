// Ref: the expected centres, scales and transformed values come from scikit-learn's
// StandardScaler, MinMaxScaler and RobustScaler, written to tests/fixtures/anomaly-detector.json by
// tests/fixtures/make-anomaly-detector-fixtures.py.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/anomaly-detector.json' with { type: 'json' };
import { Scaler } from '../../src/preprocessing/index.js';

const { fit, apply, cases } = fixture.scaler as {
  fit: number[][];
  apply: number[][];
  cases: { kind: 'standard' | 'minmax' | 'robust'; center: number[]; scale: number[]; transformed: number[][] }[];
};

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

describe('Scaler', () => {
  it.each(cases.map((c) => [c.kind, c] as const))('matches scikit-learn for kind %s (a constant feature gets scale 1)', (_k, c) => {
    const scaler = new Scaler({ kind: c.kind }).fit(fit);
    expect(scaler.isFitted).toBe(true);
    expect(scaler.featureShape).toEqual([5]);
    expect(maxRelDiff(scaler.center, c.center)).toBeLessThan(1e-6);
    expect(maxRelDiff(scaler.scale, c.scale)).toBeLessThan(1e-6);
    expect(scaler.scale[3]).toBe(1);
    const z = scaler.transform(apply);
    // float32 on the backend: 1e-5 relative.
    expect(maxRelDiff(z.dataSync(), c.transformed.flat())).toBeLessThan(1e-5);
    const back = scaler.inverseTransform(z);
    expect(maxRelDiff(back.dataSync(), apply.flat())).toBeLessThan(1e-5);
    tf.dispose([z, back]);
  });

  it('round-trips through JSON and scales images feature by feature', () => {
    const x = tf.randomUniform([6, 2, 2, 1], 0, 5, 'float32', 3);
    const before = tf.memory().numTensors;
    const scaler = new Scaler({ kind: 'minmax' }).fit(x);
    const copy = Scaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
    expect(copy.featureShape).toEqual([2, 2, 1]);
    const a = scaler.transform(x);
    const b = copy.transform(x);
    expect(a.shape).toEqual([6, 2, 2, 1]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Math.min(...a.dataSync())).toBeCloseTo(0, 6);
    expect(Math.max(...a.dataSync())).toBeCloseTo(1, 6);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('leaves no tensor behind in fit, transform and inverseTransform', () => {
    const before = tf.memory().numTensors;
    const s = new Scaler({ kind: 'standard' }).fit(fit);
    tf.dispose([s.transform(apply), s.inverseTransform(apply)]);
    Scaler.fromJSON(s.toJSON());
    expect(() => s.transform([[1, 2]])).toThrow();
    expect(() => new Scaler({ kind: 'minmax' }).fit([[1, NaN]])).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options, bad data and bad JSON, naming the argument', () => {
    expect(() => new Scaler({ kind: 'zscore' } as never)).toThrow(/Scaler: argument 'options.kind' must be one of 'standard', 'minmax', 'robust', got the string "zscore"/);
    expect(() => new Scaler(undefined as never)).toThrow(TypeError);
    expect(() => new Scaler({ kind: 'standard', eps: 1 } as never)).toThrow(/unknown option 'eps'/);
    const s = new Scaler({ kind: 'robust' });
    expect(() => s.transform([[1]])).toThrow(/Scaler.transform: the scaler is not fitted yet/);
    expect(() => s.fit([[1, NaN]])).toThrow(/Scaler.fit: argument 'x'.*NaN/);
    s.fit([[1, 2], [3, 4]]);
    expect(() => s.transform([[1, 2, 3]])).toThrow(/Scaler.transform: argument 'x' must have shape \[\?,2\] \(the fitted feature shape\), got shape \[1,3\]/);
    const good = s.toJSON();
    expect(() => Scaler.fromJSON({ ...good, format: 'x' })).toThrow(/Scaler.fromJSON: argument 'json.format'/);
    expect(() => Scaler.fromJSON({ ...good, version: 2 })).toThrow(/json.version/);
    expect(() => Scaler.fromJSON({ ...good, scale: [1, 0] })).toThrow(/argument 'json.scale\[1\]' must be a finite number > 0, got the number 0/);
    expect(() => Scaler.fromJSON({ ...good, center: [1] })).toThrow(/json.center' must be an array of 2 numbers/);
    expect(() => Scaler.fromJSON({ ...good, featureShape: [-1] })).toThrow(/json.featureShape/);
    expect(() => Scaler.fromJSON({ ...good, extra: 1 })).toThrow(/unknown option 'extra'/);
  });
});
