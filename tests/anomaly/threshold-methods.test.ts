// Ref: the expected MAD, IQR and POT thresholds come from numpy.quantile,
// scipy.stats.median_abs_deviation(scale='normal') and scipy.stats.genpareto (fit with floc=0,
// isf), written to tests/fixtures/anomaly-detector.json by
// tests/fixtures/make-anomaly-detector-fixtures.py.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/anomaly-detector.json' with { type: 'json' };
import { anomalyThreshold, fitAnomalyThreshold } from '../../src/anomaly/index.js';

interface Case {
  name: string;
  method: 'mad' | 'iqr' | 'pot';
  scores: number[];
  threshold: number;
  k?: number;
  median?: number;
  mad?: number;
  q1?: number;
  q3?: number;
  risk?: number;
  initialQuantile?: number;
  initialThreshold?: number;
  peaks?: number;
  shape?: number;
  scale?: number;
  logLikelihood?: number;
}
const cases = fixture.thresholds as Case[];

/** Log-likelihood of excesses y under GPD(ξ, σ), location 0. */
function gpdLogLik(y: number[], shape: number, scale: number): number {
  let ll = 0;
  for (const v of y) ll += Math.abs(shape) < 1e-12 ? -Math.log(scale) - v / scale : -Math.log(scale) - (1 + 1 / shape) * Math.log1p((shape * v) / scale);
  return ll;
}

describe('anomalyThreshold with method mad and iqr', () => {
  const robust = cases.filter((c) => c.method !== 'pot');
  it.each(robust.map((c) => [`${c.method}: ${c.name}`, c] as const))('matches numpy/scipy for %s', (_n, c) => {
    const options = { method: c.method as 'mad', k: c.k! };
    const fit = fitAnomalyThreshold(c.scores, options);
    expect(fit.threshold).toBeCloseTo(c.threshold, 10);
    expect(anomalyThreshold(c.scores, options)).toBe(fit.threshold);
    if (fit.method === 'mad') {
      expect(fit.median).toBeCloseTo(c.median!, 12);
      expect(fit.mad).toBeCloseTo(c.mad!, 10);
    } else if (fit.method === 'iqr') {
      expect(fit.q1).toBeCloseTo(c.q1!, 12);
      expect(fit.q3).toBeCloseTo(c.q3!, 12);
    } else throw new Error('unexpected method');
  });

  it('defaults to k = 3 for mad and k = 1.5 for iqr', () => {
    const s = Array.from({ length: 101 }, (_, i) => i);
    expect(anomalyThreshold(s, { method: 'mad' })).toBeCloseTo(50 + 3 * 1.482602218505602 * 25, 12);
    expect(anomalyThreshold(s, { method: 'iqr' })).toBe(75 + 1.5 * 50);
  });
});

describe('anomalyThreshold with method pot', () => {
  const pot = cases.filter((c) => c.method === 'pot');
  it.each(pot.map((c) => [c.name, c] as const))('fits the same generalized Pareto tail as scipy for %s', (_n, c) => {
    const fit = fitAnomalyThreshold(c.scores, { method: 'pot', risk: c.risk!, initialQuantile: c.initialQuantile! });
    if (fit.method !== 'pot') throw new Error('unexpected method');
    expect(fit.initialThreshold).toBeCloseTo(c.initialThreshold!, 12);
    expect(fit.peaks).toBe(c.peaks);
    expect(fit.n).toBe(c.scores.length);
    // Both maximise the same likelihood: parameters to 1e-5 relative, and ours is never worse.
    expect(Math.abs(fit.shape - c.shape!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(c.shape!)));
    expect(Math.abs(fit.scale / c.scale! - 1)).toBeLessThan(1e-5);
    const y = c.scores.filter((s) => s > c.initialThreshold!).map((s) => s - c.initialThreshold!);
    expect(gpdLogLik(y, fit.shape, fit.scale)).toBeGreaterThanOrEqual(c.logLikelihood! - 1e-8 * Math.abs(c.logLikelihood!));
    expect(Math.abs(fit.threshold / c.threshold - 1)).toBeLessThan(1e-5);
  });

  it('puts a smaller risk further out', () => {
    const s = cases.find((c) => c.method === 'pot')!.scores;
    const a = anomalyThreshold(s, { method: 'pot', risk: 1e-2 });
    const b = anomalyThreshold(s, { method: 'pot', risk: 1e-3 });
    const c = anomalyThreshold(s, { method: 'pot', risk: 1e-4 });
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(c);
  });

  it('refuses too few peaks, naming the scores and what to do', () => {
    const s = Array.from({ length: 50 }, (_, i) => i);
    expect(() => anomalyThreshold(s, { method: 'pot' })).toThrow(
      /anomalyThreshold: argument 'scores' has 5 score\(s\) above the initial threshold .* at least 10 distinct peaks.*lower initialQuantile, or use method 'mad'/,
    );
    expect(() => anomalyThreshold([...Array(100).fill(0), ...Array(20).fill(1)], { method: 'pot', initialQuantile: 0.5 })).toThrow(/all equal/);
  });
});

describe('anomalyThreshold options', () => {
  it('rejects an unknown method, a key of another method and values out of range', () => {
    expect(() => anomalyThreshold([1, 2], { method: 'zscore' } as never)).toThrow(
      /anomalyThreshold: argument 'options.method' must be one of 'quantile', 'mad', 'iqr', 'pot', got the string "zscore"/,
    );
    expect(() => anomalyThreshold([1, 2], { method: 'mad', contamination: 0.1 } as never)).toThrow(/unknown option 'contamination' in 'options' \(known: method, k\)/);
    expect(() => anomalyThreshold([1, 2], { method: 'iqr', k: -1 })).toThrow(/argument 'options.k' must be a finite number >= 0, got the number -1/);
    expect(() => anomalyThreshold([1, 2], { method: 'mad', k: NaN })).toThrow(/options.k/);
    expect(() => anomalyThreshold([1, 2], { method: 'pot', risk: 0.2 })).toThrow(/argument 'options.risk' must be below 1 − initialQuantile \(0.1, the fraction of peaks\), got the number 0.2/);
    expect(() => anomalyThreshold([1, 2], { method: 'pot', initialQuantile: 1 })).toThrow(/options.initialQuantile' must be a finite number >= 0.5 < 1/);
    expect(() => anomalyThreshold([1, 2], 'mad' as never)).toThrow(TypeError);
    expect(() => anomalyThreshold([1, NaN], { method: 'mad' })).toThrow(/must hold finite numbers, found NaN at index 1/);
  });

  it('keeps the contamination quantile as the default method', () => {
    const s = Float32Array.from({ length: 101 }, (_, i) => i);
    expect(anomalyThreshold(s, { method: 'quantile', contamination: 0.05 })).toBe(95);
    expect(fitAnomalyThreshold(s)).toEqual({ method: 'quantile', contamination: 0.1, threshold: 90 });
  });
});

describe('anomalyThreshold and fitAnomalyThreshold memory', () => {
  it('leave no tensor behind (they work on host arrays)', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const before = tf.memory().numTensors;
    const s = cases.find((c) => c.method === 'pot')!.scores;
    for (const method of ['quantile', 'mad', 'iqr', 'pot'] as const) {
      anomalyThreshold(s, { method } as never);
      fitAnomalyThreshold(s, { method } as never);
    }
    expect(() => anomalyThreshold([], { method: 'mad' })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
