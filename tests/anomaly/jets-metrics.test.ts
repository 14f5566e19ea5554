// The jet example's mass-decorrelation helpers against NumPy: tests/fixtures/jet-metrics.json,
// written by tests/fixtures/make-jet-metrics-fixtures.py (numpy.histogram, numpy.quantile).
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/jet-metrics.json' with { type: 'json' };
import { binnedQuantiles, histogram } from '../../examples/anomaly-jets/metrics.js';

const { mass, score, edges, quantiles } = fixture.binned;

describe('the mass-decorrelation helpers of the jet example', () => {
  it('histogram counts as numpy.histogram does (last bin closed, outside values dropped)', () => {
    expect(Array.from(histogram(mass, edges))).toEqual(fixture.binned.histogram);
    expect(Array.from(histogram([0, 1, 2, 3, -1, 3.5], [0, 1, 2, 3]))).toEqual([1, 1, 2]);
  });

  it('binnedQuantiles gives numpy.quantile of y in each bin of x', () => {
    const got = binnedQuantiles(mass, score, edges, quantiles);
    expect(got).toHaveLength(fixture.binned.binnedQuantiles.length);
    got.forEach((row, b) => row.forEach((v, j) => expect(v).toBeCloseTo(fixture.binned.binnedQuantiles[b]![j]!, 9)));
    expect(Array.from(binnedQuantiles([5], [1], [0, 1, 10], [0.5])[0]!)).toEqual([NaN]);
  });

  it('refuses bad edges, lengths and quantiles', () => {
    expect(() => histogram([1], [0])).toThrow(/histogram: argument 'edges'/);
    expect(() => histogram([1], [0, 2, 1])).toThrow(/histogram: argument 'edges'/);
    expect(() => binnedQuantiles([1], [1, 2], [0, 1], [0.5])).toThrow(/binnedQuantiles.*same length/);
    expect(() => binnedQuantiles([1], [1], [0, 1], [1.5])).toThrow(/binnedQuantiles.*'qs'/);
  });
});
