// Ref: the expected thresholds come from numpy.quantile(scores, 1 - contamination) (and
// numpy.percentile as PyOD calls it) on the same float32 scores, written to
// tests/fixtures/anomaly.json by tests/fixtures/make-anomaly-fixtures.py.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/anomaly.json' with { type: 'json' };
import { anomalyThreshold } from '../../src/anomaly/index.js';

interface ThresholdCase {
  name: string;
  scores: number[];
  contamination: number;
  threshold: number;
  pyodThreshold: number;
  flagged: number;
}
const cases = fixture.thresholds as ThresholdCase[];

function countAbove(scores: readonly number[], t: number): number {
  return scores.filter((s) => s > t).length;
}

describe('anomalyThreshold', () => {
  it.each(cases.map((c) => [c.name, c] as const))('matches numpy and PyOD for %s', (_name, c) => {
    const t = anomalyThreshold(c.scores, { contamination: c.contamination });
    expect(t).toBeCloseTo(c.threshold, 12);
    expect(t).toBeCloseTo(c.pyodThreshold, 12);
    expect(countAbove(c.scores, t)).toBe(c.flagged);
  });

  it('flags n - 1 - floor((n - 1)(1 - contamination)) of n distinct scores', () => {
    for (const n of [10, 57, 100, 101, 1000]) {
      const scores = Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453);
      for (const contamination of [0.01, 0.05, 0.1, 0.25, 0.5]) {
        const expected = n - 1 - Math.floor((n - 1) * (1 - contamination));
        const flagged = countAbove(scores, anomalyThreshold(scores, { contamination }));
        // Rounding of (n - 1)(1 - c) in float64 may move the count by one at an exact integer.
        expect(Math.abs(flagged - expected)).toBeLessThanOrEqual(1);
        expect(flagged).toBeLessThanOrEqual(Math.ceil(contamination * n));
      }
    }
  });

  it('defaults to a contamination of 0.1', () => {
    const scores = Float32Array.from({ length: 101 }, (_, i) => i);
    expect(anomalyThreshold(scores)).toBe(90);
    expect(anomalyThreshold(scores, {})).toBe(90);
  });

  it('rejects a contamination outside (0, 0.5]', () => {
    for (const contamination of [0, -0.1, 0.51, 1, NaN]) {
      expect(() => anomalyThreshold([1, 2, 3], { contamination })).toThrow(
        /anomalyThreshold: argument 'options.contamination' must be a finite number > 0 <= 0.5/,
      );
    }
    expect(() => anomalyThreshold([1, 2, 3], { contamination: '0.1' as never })).toThrow(TypeError);
  });

  it('rejects NaN scores, empty scores and unknown options', () => {
    expect(() => anomalyThreshold([1, NaN])).toThrow(/anomalyThreshold: argument 'scores' must hold finite numbers, found NaN at index 1/);
    expect(() => anomalyThreshold([])).toThrow(/at least one score/);
    expect(() => anomalyThreshold([1, 2], { contamnation: 0.1 } as never)).toThrow(/unknown option 'contamnation'/);
  });

  it('does not modify the scores it is given', () => {
    const scores = [3, 1, 2];
    anomalyThreshold(scores, { contamination: 0.5 });
    expect(scores).toEqual([3, 1, 2]);
  });
});
