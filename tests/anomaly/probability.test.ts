// Ref: the expected probabilities and confidences are PyOD's predict_proba ('linear', 'unify')
// and predict_confidence (ExCeeD) formulas written out in numpy/scipy (scipy.special.erf,
// scipy.stats.binom.cdf) by tests/fixtures/make-anomaly-detector-fixtures.py, stored in
// tests/fixtures/anomaly-detector.json.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/anomaly-detector.json' with { type: 'json' };
import { exceedConfidence, outlierProbability, summarize } from '../../src/anomaly/probability.js';
import { betaInc, binomialCdf, erf, logGamma } from '../../src/anomaly/special.js';

interface ProbaCase {
  name: string;
  background: number[];
  scores: number[];
  contamination: number;
  threshold: number;
  linear: number[];
  unify: number[];
  confidence: number[];
}
const cases = fixture.probabilities as ProbaCase[];

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol) throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
  }
}

describe('outlier probabilities and ExCeeD confidence', () => {
  it.each(cases.map((c) => [c.name, c] as const))('match the numpy formulas for %s', (_n, c) => {
    const b = summarize(c.background);
    // Float32Array output: 1e-6 absolute is float32 rounding of values in [0, 1].
    expectClose(outlierProbability(c.scores, b, 'linear'), c.linear, 1e-6);
    expectClose(outlierProbability(c.scores, b, 'unify'), c.unify, 1e-6);
    expectClose(exceedConfidence(c.scores, b, c.threshold, Math.trunc(b.n * c.contamination)), c.confidence, 1e-6);
  });

  it('gives 0 or 1 for a constant background instead of NaN', () => {
    const b = summarize([2, 2, 2]);
    expect(Array.from(outlierProbability([1, 2, 3], b, 'linear'))).toEqual([0, 0, 1]);
    expect(Array.from(outlierProbability([1, 2, 3], b, 'unify'))).toEqual([0, 0, 1]);
  });
});

describe('special functions', () => {
  it('agree with known values', () => {
    // Ref: log Γ(0.5) = log √π, Γ(10) = 9!; erf(1) = 0.8427007929497149 (DLMF / scipy.special.erf).
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-2.5)).toBeCloseTo(-0.999593047982555, 14);
    expect(erf(0.01)).toBeCloseTo(0.011283415555849618, 15);
    // I_x(1, 1) = x; Binomial(4, 0.5): P(X <= 1) = 5/16.
    expect(betaInc(1, 1, 0.3)).toBeCloseTo(0.3, 14);
    expect(binomialCdf(1, 4, 0.5)).toBeCloseTo(5 / 16, 14);
    expect(binomialCdf(4, 4, 0.5)).toBe(1);
  });
});
