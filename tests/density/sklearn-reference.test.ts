// Reference values: scikit-learn 1.2 (GaussianMixture), computed by
// tests/fixtures/make-gaussian-mixture-fixtures.py into tests/fixtures/gaussian-mixture-sklearn.json.
// "fromMeans" cases start both tools from the same parameters (see the script) and must follow the
// same EM path; "separated" cases must reach scikit-learn's optimum from any of our seeds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GaussianMixture, type GaussianMixtureStateJSON } from '../../src/density/index.js';

/** The fitted fields as the document writes them, plus scikit-learn's scores of `xTest`. */
interface Expected extends Pick<GaussianMixtureStateJSON, 'weights' | 'means' | 'covariances' | 'lowerBound' | 'nIter' | 'converged'> {
  score: number;
  scoreSamplesTest: number[];
  predictTest: number[];
}

interface Case {
  name: string;
  kind: 'fromMeans' | 'separated';
  x: number[][];
  xTest: number[][];
  options: { components: number; covariance: 'full' | 'diag'; maxIter: number; tol: number; regCovar?: number; initialMeans?: number[][] };
  expected: Expected;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/gaussian-mixture-sklearn.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** max |a − b| / max(|b|, floor). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return m;
}

/** Our component order → scikit-learn's, matched by nearest means. */
function matchComponents(ours: Float64Array, theirs: number[], k: number, d: number): number[] {
  const order: number[] = [];
  for (let j = 0; j < k; j++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (ours[i * d + c]! - theirs[j * d + c]!) ** 2;
      if (s < bestDistance) [best, bestDistance] = [i, s];
    }
    order.push(best);
  }
  expect(new Set(order).size).toBe(k);
  return order;
}

describe('GaussianMixture matches scikit-learn from the same initial means', () => {
  for (const c of fixture.cases.filter((f) => f.kind === 'fromMeans')) {
    it(c.name, () => {
      const gm = new GaussianMixture(c.options).fit(c.x);
      const e = c.expected;
      expect(gm.nIter).toBe(e.nIter);
      expect(gm.converged).toBe(e.converged);
      // The log-likelihood of the fit, to 1e-9 relative (the issue asks 1e-6; both run the same float64
      // EM, and agree to ~1e-14: doubling regCovar alone moves the score by 1e-10 to 5e-4).
      expect(maxRelDiff([gm.lowerBound], [e.lowerBound])).toBeLessThan(1e-9);
      expect(maxRelDiff([gm.score(c.x)], [e.score])).toBeLessThan(1e-9);
      expect(maxRelDiff(gm.scoreSamples(c.xTest), e.scoreSamplesTest)).toBeLessThan(1e-9);
      expect(maxRelDiff(gm.weights, e.weights)).toBeLessThan(1e-9);
      expect(maxRelDiff(gm.means.data, e.means)).toBeLessThan(1e-9);
      expect(maxRelDiff(gm.covariances.data, e.covariances)).toBeLessThan(1e-9);
      expect(Array.from(gm.predict(c.xTest))).toEqual(e.predictTest);
    });
  }
});

describe('GaussianMixture reaches scikit-learn\'s fit on well-separated data from any start', () => {
  for (const c of fixture.cases.filter((f) => f.kind === 'separated')) {
    it(c.name, () => {
      const e = c.expected;
      const k = c.options.components;
      const d = c.x[0]!.length;
      const per = c.options.covariance === 'full' ? d * d : d;
      for (const seed of [0, 1, 2, 3, 4]) {
        const gm = new GaussianMixture({ ...c.options, seed }).fit(c.x);
        expect(gm.converged).toBe(true);
        expect(maxRelDiff([gm.lowerBound], [e.lowerBound])).toBeLessThan(1e-6);
        expect(maxRelDiff([gm.score(c.x)], [e.score])).toBeLessThan(1e-6);
        expect(maxRelDiff(gm.scoreSamples(c.xTest), e.scoreSamplesTest)).toBeLessThan(1e-6);
        const means = gm.means.data;
        const order = matchComponents(means, e.means, k, d);
        const weights = gm.weights;
        const cov = gm.covariances.data;
        expect(maxRelDiff(order.map((i) => weights[i]!), e.weights)).toBeLessThan(1e-6);
        expect(maxRelDiff(order.flatMap((i) => Array.from(means.subarray(i * d, (i + 1) * d))), e.means)).toBeLessThan(1e-6);
        expect(maxRelDiff(order.flatMap((i) => Array.from(cov.subarray(i * per, (i + 1) * per))), e.covariances)).toBeLessThan(1e-6);
        const labels = gm.predict(c.xTest);
        expect(e.predictTest.map((j) => order[j])).toEqual(Array.from(labels));
      }
    });
  }
});
