// What GaussianMixture does beyond matching scikit-learn (tests/density/sklearn-reference.test.ts):
// every input kind gives the same fit, seeds reproduce, samples follow the fitted distribution,
// and no call leaks a tensor.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GaussianMixture } from '../../src/density/index.js';
import { GaussianMixture as FromRoot } from '../../src/index.js';

/** A seeded standard normal (Box–Muller on mulberry32), independent of the code under test. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Three clusters in 3-D: 120, 80 and 50 rows, correlated within each. */
function clusters(): number[][] {
  const z = normals(11);
  const rows: number[][] = [];
  const specs: [number[], number][] = [[[0, 0, 0], 120], [[6, 1, -2], 80], [[-3, 7, 4], 50]];
  for (const [c, m] of specs) {
    for (let i = 0; i < m; i++) {
      const a = z();
      const b = z();
      const e = z();
      rows.push([c[0]! + a, c[1]! + 0.8 * a + 0.5 * b, c[2]! + 0.3 * e - 0.4 * b]);
    }
  }
  return rows;
}

const rows = clusters();

describe('GaussianMixture', () => {
  it('is exported from the package root', () => {
    expect(FromRoot).toBe(GaussianMixture);
  });

  it('separates two obvious clusters (the class example)', () => {
    const gm = new GaussianMixture({ components: 2, seed: 0 }).fit([[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [5, 5.1]]);
    expect(Array.from(gm.weights).map((w) => Math.round(w * 1e6) / 1e6)).toEqual([0.5, 0.5]);
    const [a, b] = gm.predict([[0, 0.05], [5, 5]]);
    expect(a).not.toBe(b);
    expect(gm.isFitted).toBe(true);
    expect(new GaussianMixture().isFitted).toBe(false);
  });

  it('fits the same mixture from a number[][], float64 and float32 { data, shape } and a tensor, leaking nothing', () => {
    const ref = new GaussianMixture({ components: 3, seed: 4 }).fit(rows);
    const n = rows.length;
    const flat64 = { data: Float64Array.from(rows.flat()), shape: [n, 3] as [number, number] };
    const fromFlat = new GaussianMixture({ components: 3, seed: 4 }).fit(flat64);
    expect(fromFlat.means.data).toEqual(ref.means.data);
    expect(fromFlat.covariances.data).toEqual(ref.covariances.data);
    // float32 rounds the data: the same fit up to float32 rounding.
    const flat32 = { data: Float32Array.from(rows.flat()), shape: [n, 3] as [number, number] };
    const before = tf.memory().numTensors;
    const t = tf.tensor2d(rows);
    const fromTensor = new GaussianMixture({ components: 3, seed: 4 }).fit(t);
    const fromF32 = new GaussianMixture({ components: 3, seed: 4 }).fit(flat32);
    expect(fromTensor.means.data).toEqual(fromF32.means.data);
    for (let i = 0; i < 9; i++) expect(fromTensor.means.data[i]).toBeCloseTo(ref.means.data[i]!, 5);
    const s1 = fromTensor.scoreSamples(t);
    const s2 = fromTensor.scoreSamples(flat32);
    expect(s1).toEqual(s2);
    expect(s1).toBeInstanceOf(Float64Array);
    expect(fromTensor.predict(t)).toEqual(fromTensor.predict(flat32));
    expect(fromTensor.score(t)).toBeCloseTo(fromTensor.lowerBound, 2);
    expect(t.isDisposed).toBe(false);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('creates no tensor in any method', () => {
    const before = tf.memory().numTensors;
    const t = tf.tensor2d(rows);
    const gm = new GaussianMixture({ components: 3, covariance: 'diag' }).fit(t);
    gm.scoreSamples(t);
    gm.score(t);
    gm.predict(t);
    gm.sample(10, { seed: 1 });
    GaussianMixture.fromJSON(JSON.stringify(gm)).scoreSamples(t);
    void [gm.weights, gm.means, gm.covariances, gm.lowerBound, gm.nIter, gm.converged, gm.nFeatures];
    const wrong = tf.tensor2d([[1, 2]]);
    expect(() => gm.predict(wrong)).toThrow('3 features');
    wrong.dispose();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same fit for the same seed, and the weights, means and covariances it promises', () => {
    const a = new GaussianMixture({ components: 3, seed: 9 }).fit(rows);
    const b = new GaussianMixture({ components: 3, seed: 9 }).fit(rows);
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a.means.shape).toEqual([3, 3]);
    expect(a.covariances.shape).toEqual([3, 3, 3]);
    const w = a.weights;
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    // The clusters are well apart: the weights are the cluster shares.
    expect(Array.from(w).sort().map((v) => Math.round(v * 250))).toEqual([50, 80, 120]);
    const diag = new GaussianMixture({ components: 3, covariance: 'diag' }).fit(rows);
    expect(diag.covariances.shape).toEqual([3, 3]);
    // A full covariance fits correlated clusters better than a diagonal one.
    expect(a.lowerBound).toBeGreaterThan(diag.lowerBound);
    expect(a.converged).toBe(true);
    expect(a.nIter).toBeGreaterThanOrEqual(1);
    expect(a.nFeatures).toBe(3);
  });

  it('returns copies from its getters', () => {
    const gm = new GaussianMixture({ components: 2 }).fit(rows);
    gm.weights[0] = 7;
    gm.means.data[0] = 7;
    gm.covariances.data[0] = 7;
    expect(gm.weights[0]).not.toBe(7);
    expect(gm.means.data[0]).not.toBe(7);
    expect(gm.covariances.data[0]).not.toBe(7);
  });

  it('never decreases the lower bound over EM iterations', () => {
    let previous = -Infinity;
    for (let maxIter = 1; maxIter <= 12; maxIter++) {
      const gm = new GaussianMixture({ components: 4, seed: 2, maxIter, tol: 0 }).fit(rows);
      expect(gm.lowerBound).toBeGreaterThanOrEqual(previous - 1e-12);
      previous = gm.lowerBound;
    }
  });

  it('stops when the lower bound moves less than tol, or at maxIter', () => {
    const loose = new GaussianMixture({ components: 4, seed: 2, tol: 1 }).fit(rows);
    expect(loose.converged).toBe(true);
    expect(loose.nIter).toBeLessThanOrEqual(2);
    const capped = new GaussianMixture({ components: 4, seed: 2, tol: 0, maxIter: 3 }).fit(rows);
    expect(capped.converged).toBe(false);
    expect(capped.nIter).toBe(3);
  });

  for (const covariance of ['full', 'diag'] as const) {
    it(`draws samples that follow the fitted ${covariance} mixture`, () => {
      const gm = new GaussianMixture({ components: 3, covariance, seed: 1 }).fit(rows);
      const n = 30_000;
      const s = gm.sample(n, { seed: 5 });
      expect(s.shape).toEqual([n, 3]);
      expect(s.data).toBeInstanceOf(Float64Array);
      const w = gm.weights;
      const mu = gm.means.data;
      const cov = gm.covariances.data;
      for (let j = 0; j < 3; j++) {
        const idx = Array.from(s.labels.keys()).filter((r) => s.labels[r] === j);
        // Binomial count: within 5 standard deviations.
        expect(Math.abs(idx.length - n * w[j]!)).toBeLessThan(5 * Math.sqrt(n * w[j]! * (1 - w[j]!)));
        for (let a = 0; a < 3; a++) {
          const m = idx.reduce((acc, r) => acc + s.data[r * 3 + a]!, 0) / idx.length;
          const va = covariance === 'full' ? cov[j * 9 + a * 4]! : cov[j * 3 + a]!;
          expect(Math.abs(m - mu[j * 3 + a]!)).toBeLessThan(5 * Math.sqrt(va / idx.length));
          for (let b = 0; b <= a; b++) {
            let c = 0;
            for (const r of idx) c += (s.data[r * 3 + a]! - mu[j * 3 + a]!) * (s.data[r * 3 + b]! - mu[j * 3 + b]!);
            c /= idx.length;
            const want = covariance === 'full' ? cov[j * 9 + a * 3 + b]! : a === b ? cov[j * 3 + a]! : 0;
            const vb = covariance === 'full' ? cov[j * 9 + b * 4]! : cov[j * 3 + b]!;
            // The sampling error of a covariance is about √((σa²σb² + σab²)/n).
            expect(Math.abs(c - want)).toBeLessThan(5 * Math.sqrt((va * vb + want * want) / idx.length));
          }
        }
      }
      // The component labels are the ones predict would mostly give.
      const predicted = gm.predict(s);
      let agree = 0;
      for (let r = 0; r < n; r++) if (predicted[r] === s.labels[r]) agree++;
      expect(agree / n).toBeGreaterThan(0.99);
    });
  }

  it('draws the same samples for the same seed, others for another, in random component order', () => {
    const gm = new GaussianMixture({ components: 3 }).fit(rows);
    expect(gm.sample(50, { seed: 3 })).toEqual(gm.sample(50, { seed: 3 }));
    expect(gm.sample(50, { seed: 3 }).data).not.toEqual(gm.sample(50, { seed: 4 }).data);
    expect(gm.sample(50).data).not.toEqual(gm.sample(50).data);
    const labels = Array.from(gm.sample(200, { seed: 3 }).labels);
    expect(labels).not.toEqual([...labels].sort());
  });

  it('starts from initialMeans when given (its hard clusters), whatever the seed', () => {
    const initialMeans = [rows[0]!, rows[130]!, rows[220]!];
    const a = new GaussianMixture({ components: 3, initialMeans, seed: 1, maxIter: 1 }).fit(rows);
    const b = new GaussianMixture({ components: 3, initialMeans: { data: Float64Array.from(initialMeans.flat()), shape: [3, 3] }, seed: 2, maxIter: 1 }).fit(rows);
    expect(a.toJSON().state).toEqual(b.toJSON().state);
    // After one iteration the components are still in the order of the initial means.
    expect(Array.from(a.predict(initialMeans))).toEqual([0, 1, 2]);
  });

  it('copes with coincident samples (regCovar keeps the covariances positive definite)', () => {
    const same = Array.from({ length: 20 }, () => [1, 2]);
    const gm = new GaussianMixture({ components: 2 }).fit(same);
    expect(Number.isFinite(gm.lowerBound)).toBe(true);
    const scores = gm.scoreSamples([[1, 2]]);
    // One component at (1, 2) with covariance 1e-6·I takes (nearly) all the weight.
    expect(scores[0]).toBeCloseTo(-Math.log(2 * Math.PI * 1e-6), 6);
  });

  it('round-trips through JSON: same scores, predictions and seeded samples', () => {
    const gm = new GaussianMixture({ components: 3, covariance: 'full', seed: 3, tol: 1e-5 }).fit(rows);
    const again = GaussianMixture.fromJSON(JSON.stringify(gm));
    expect(again.scoreSamples(rows)).toEqual(gm.scoreSamples(rows));
    expect(again.predict(rows)).toEqual(gm.predict(rows));
    expect(again.sample(20, { seed: 1 })).toEqual(gm.sample(20, { seed: 1 }));
    expect(again.toJSON()).toEqual(gm.toJSON());
    const unfitted = GaussianMixture.fromJSON(new GaussianMixture({ components: 2, initialMeans: [[0], [1]] }).toJSON());
    expect(unfitted.isFitted).toBe(false);
    expect(unfitted.toJSON().options.initialMeans).toEqual([[0], [1]]);
  });
});
