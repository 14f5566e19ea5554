// Ref: every expected value here comes from scikit-learn (roc_auc_score, average_precision_score,
// roc_curve with drop_intermediate=False) on the same float32 scores, written to
// tests/fixtures/anomaly.json by tests/fixtures/make-anomaly-fixtures.py.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/anomaly.json' with { type: 'json' };
import { averagePrecision, rocAuc, rocCurve } from '../../src/anomaly/index.js';

interface MetricCase {
  name: string;
  scores: number[];
  labels: number[];
  rocAuc: number;
  averagePrecision: number;
  rocCurve: { fpr: number[]; tpr: number[]; thresholdsAfterFirst: number[] };
}
const cases = fixture.metrics as MetricCase[];

function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}

describe('rocAuc', () => {
  it.each(cases.map((c) => [c.name, c] as const))('matches scikit-learn for %s', (_name, c) => {
    expect(rocAuc(c.scores, c.labels)).toBeCloseTo(c.rocAuc, 12);
  });

  it('gives the same area for Float32Array scores and boolean labels', () => {
    const c = cases.find((k) => k.name.startsWith('balanced, many ties'))!;
    expect(rocAuc(Float32Array.from(c.scores), c.labels.map((l) => l === 1))).toBeCloseTo(c.rocAuc, 12);
  });

  it('does not depend on the order of the samples', () => {
    const c = cases.find((k) => k.name.startsWith('imbalanced with ties'))!;
    const order = c.scores.map((_, i) => i).reverse();
    expect(rocAuc(order.map((i) => c.scores[i]!), order.map((i) => c.labels[i]!))).toBeCloseTo(c.rocAuc, 12);
  });

  it('equals the pairwise probability that an anomaly outscores a normal sample, ties counting one half', () => {
    const c = cases.find((k) => k.name.startsWith('balanced, many ties'))!;
    let wins = 0;
    let pairs = 0;
    c.scores.forEach((si, i) => {
      if (c.labels[i] !== 1) return;
      c.scores.forEach((sj, j) => {
        if (c.labels[j] !== 0) return;
        pairs++;
        wins += si > sj ? 1 : si === sj ? 0.5 : 0;
      });
    });
    expect(rocAuc(c.scores, c.labels)).toBeCloseTo(wins / pairs, 14);
  });

  it('throws when only one class is present', () => {
    expect(() => rocAuc([0.1, 0.2], [0, 0])).toThrow(/rocAuc: argument 'labels' must hold both classes, 0 and 1, got only 0/);
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/got only 1 \(anomaly\)/);
  });

  it('throws on labels other than 0 and 1, naming the value and its index', () => {
    expect(() => rocAuc([0.1, 0.2, 0.3], [0, 1, 2])).toThrow(/rocAuc: argument 'labels' must hold only 0 and 1.*the number 2 at index 2/);
    expect(() => rocAuc([0.1, 0.2], [0, -1])).toThrow(/the number -1 at index 1/);
  });

  it('throws on NaN or infinite scores, naming the index', () => {
    expect(() => rocAuc([0.1, NaN, 0.3], [0, 1, 1])).toThrow(/rocAuc: argument 'scores' must hold finite numbers, found NaN at index 1/);
    expect(() => rocAuc([Infinity, 0], [0, 1])).toThrow(/found Infinity at index 0/);
  });

  it('throws on mismatched lengths, empty input and non-arrays', () => {
    expect(() => rocAuc([0.1, 0.2, 0.3], [0, 1])).toThrow(/rocAuc: argument 'labels' must hold one label per score \(3\), got 2/);
    expect(() => rocAuc([], [])).toThrow(/rocAuc: argument 'scores' must hold at least one score/);
    expect(() => rocAuc('0.1' as never, [0])).toThrow(TypeError);
    expect(() => rocAuc([0.1, 0.2], null as never)).toThrow(/rocAuc: argument 'labels' must be an array/);
  });
});

describe('rocCurve', () => {
  it.each(cases.map((c) => [c.name, c] as const))('gives the points and thresholds of scikit-learn for %s', (_name, c) => {
    const curve = rocCurve(c.scores, c.labels);
    expectClose(curve.fpr, c.rocCurve.fpr);
    expectClose(curve.tpr, c.rocCurve.tpr);
    expect(curve.thresholds[0]).toBe(Infinity);
    expect(Array.from(curve.thresholds.subarray(1))).toEqual(c.rocCurve.thresholdsAfterFirst);
  });

  it('has an area by the trapezoidal rule equal to rocAuc', () => {
    const c = cases.find((k) => k.name.startsWith('larger'))!;
    const { fpr, tpr } = rocCurve(c.scores, c.labels);
    let area = 0;
    for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
    expect(area).toBeCloseTo(rocAuc(c.scores, c.labels), 12);
  });

  it('throws when only one class is present, naming the function', () => {
    expect(() => rocCurve([1, 2, 3], [1, 1, 1])).toThrow(/rocCurve: argument 'labels' must hold both classes/);
  });
});

describe('averagePrecision', () => {
  it.each(cases.map((c) => [c.name, c] as const))('matches scikit-learn for %s', (_name, c) => {
    expect(averagePrecision(c.scores, c.labels)).toBeCloseTo(c.averagePrecision, 12);
  });

  it('is defined when every sample is an anomaly (precision 1 at every recall)', () => {
    expect(averagePrecision([0.3, 0.1, 0.2], [1, 1, 1])).toBe(1);
  });

  it('throws when there is no anomaly', () => {
    expect(() => averagePrecision([0.1, 0.2], [0, 0])).toThrow(/averagePrecision: argument 'labels' must hold at least one 1/);
  });

  it('throws on NaN scores and on labels other than 0 and 1', () => {
    expect(() => averagePrecision([NaN, 1], [0, 1])).toThrow(/averagePrecision: argument 'scores' must hold finite numbers, found NaN/);
    expect(() => averagePrecision([0, 1], [0, 0.5])).toThrow(/averagePrecision: argument 'labels' must hold only 0 and 1/);
  });
});

describe('the metrics', () => {
  it('run on the host and create no tensor', () => {
    const c = cases[2]!;
    const before = tf.memory().numTensors;
    rocAuc(c.scores, c.labels);
    rocCurve(c.scores, c.labels);
    averagePrecision(c.scores, c.labels);
    expect(tf.memory().numTensors).toBe(before);
  });
});
