// The float64 linear algebra under PCA, checked against naive loops and against matrices
// built with known eigenvalues (S = Qᵀ diag(λ) Q for a random orthogonal Q).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { qlImplicit, symmetricEigen } from '../../src/pca/linalg/eigen.js';
import { centeredGram, columnStats } from '../../src/pca/linalg/gram.js';
import { gaussianMatrix, orthonormalizeRows } from '../../src/pca/linalg/orth.js';
import { ntModule } from '../../src/kernels/wasm/f64.js';
import { productNT, setKernelForTesting, Workspace } from '../../src/pca/linalg/workspace.js';
import { fitRandomized } from '../../src/pca/solvers.js';
import { orthonormalityError } from './helpers.js';

function naiveNT(a: Float64Array, r1: number, len: number, b: Float64Array, r2: number): Float64Array {
  const out = new Float64Array(r1 * r2);
  for (let i = 0; i < r1; i++) {
    for (let j = 0; j < r2; j++) {
      let s = 0;
      for (let t = 0; t < len; t++) s += a[i * len + t]! * b[j * len + t]!;
      out[i * r2 + j] = s;
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
}

/** A random orthogonal matrix (rows) and S = Qᵀ diag(λ) Q. */
function withEigenvalues(lambda: readonly number[], seed: number): { s: Float64Array; q: Float64Array } {
  const m = lambda.length;
  const q = gaussianMatrix(m, m, createRng(seed));
  orthonormalizeRows(q, m, m, createRng(seed + 1));
  const s = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let v = 0;
      for (let i = 0; i < m; i++) v += q[i * m + a]! * lambda[i]! * q[i * m + b]!;
      s[a * m + b] = v;
    }
  }
  return { s, q };
}

afterEach(() => setKernelForTesting(null));

describe('the product kernel', () => {
  it('is available as WebAssembly SIMD on this runtime', () => {
    expect(ntModule()).not.toBeNull();
  });

  for (const kind of ['wasm', 'js'] as const) {
    it(`computes A·Bᵀ like a naive loop with the ${kind} kernel, for sizes that need padding`, () => {
      setKernelForTesting(kind);
      const rng = createRng(3);
      const a = gaussianMatrix(7, 2061, rng);
      const b = gaussianMatrix(5, 2061, rng);
      const want = naiveNT(a, 7, 2061, b, 5);
      expect(maxAbsDiff(productNT(a, 7, 2061, b, 5), want)).toBeLessThan(1e-10);
      const sym = productNT(a, 7, 2061, null, 7);
      expect(maxAbsDiff(sym, naiveNT(a, 7, 2061, a, 7))).toBeLessThan(1e-10);
    });
  }

  it('runs axpy, dot and the tridiagonal row update the same way in WebAssembly and JavaScript', () => {
    const results: number[][] = [];
    for (const kind of ['wasm', 'js'] as const) {
      setKernelForTesting(kind);
      const ws = Workspace.create([[6, 37]]);
      expect(ws.kind).toBe(kind);
      const h = ws.heap;
      const rng = createRng(8);
      for (let i = 0; i < h.length; i++) h[i] = rng() - 0.5;
      const out: number[] = [];
      // Odd offsets (8-byte aligned only) on purpose.
      ws.axpy(3, 41, 30, 0.7);
      out.push(ws.dot(5, 77, 34), ws.dot(1, 2, 2), ws.rowUpdate(101, 151, 9, 61, 191, 20, 0.3, -1.2, 2.5));
      out.push(...h);
      results.push(out);
    }
    expect(maxAbsDiff(results[0]!, results[1]!)).toBeLessThan(1e-14);
  });

  it('gives the centred Gram matrix on the smaller side, leaving out constant columns, across chunk boundaries', () => {
    const rng = createRng(5);
    for (const [n, d] of [[2101, 9], [6, 2103]] as const) {
      // Dense columns with an offset, one constant column, and (tall case) sparse columns whose
      // rare non-zeros sit far from zero.
      const x = gaussianMatrix(n, d, rng).map((v) => v + 3);
      for (let r = 0; r < n; r++) {
        x[r * d + 4] = 7;
        if (d === 9) for (let j = 5; j < 9; j++) x[r * d + j] = rng() < 0.01 ? 100 + rng() : 0;
      }
      const stats = columnStats(x, n, d);
      expect(Array.from(stats.constant).indexOf(1)).toBe(4);
      const mean = stats.mean;
      const xc = x.map((v, i) => v - mean[i % d]!);
      const keep = Array.from({ length: d }, (_, j) => j).filter((j) => j !== 4);
      for (const sparse of [true, false]) {
        const { gram, m, byFeatures, features } = centeredGram(x, n, d, stats, sparse);
        expect(byFeatures).toBe(d <= n);
        let want: Float64Array;
        if (byFeatures) {
          expect(Array.from(features!)).toEqual(keep);
          expect(m).toBe(d - 1);
          const t = new Float64Array(m * n);
          for (let r = 0; r < n; r++) keep.forEach((j, a) => (t[a * n + r] = xc[r * d + j]!));
          want = naiveNT(t, m, n, t, m);
        } else {
          expect(m).toBe(n);
          want = naiveNT(xc, n, d, xc, n);
        }
        const scale = Math.max(...want.map(Math.abs));
        expect(maxAbsDiff(gram, want)).toBeLessThan(1e-12 * scale);
        // The float32 products of the randomized solver, in both kernels: ~1e-7 relative.
        for (const kind of ['wasm', 'js'] as const) {
          setKernelForTesting(kind);
          const g32 = centeredGram(x, n, d, stats, sparse, 'f32').gram;
          expect(maxAbsDiff(g32, want)).toBeLessThan(1e-5 * scale);
          expect(maxAbsDiff(g32, want)).toBeGreaterThan(0);
          setKernelForTesting(null);
        }
      }
    }
  });
});

describe('the symmetric eigensolver', () => {
  const spectra: Record<string, number[]> = {
    distinct: Array.from({ length: 70 }, (_, i) => 100 / (i + 1)),
    'repeated and zero': Array.from({ length: 70 }, (_, i) => (i < 5 ? 3 : i < 9 ? 2 : i < 12 ? 1 : 0)),
  };
  for (const [label, lambda] of Object.entries(spectra)) {
    for (const method of ['ql', 'inverse'] as const) {
      it(`finds ${label} eigenvalues and orthonormal eigenvectors (${method})`, () => {
        const m = lambda.length;
        const { s } = withEigenvalues(lambda, 11);
        const k = 15;
        const { values, vectors } = symmetricEigen(s.slice(), m, () => k, method);
        const sorted = [...lambda].sort((a, b) => b - a);
        expect(maxAbsDiff(values, sorted)).toBeLessThan(1e-12 * sorted[0]!);
        expect(orthonormalityError(vectors, k, m)).toBeLessThan(1e-12);
        // Residual ‖S v − λ v‖.
        let residual = 0;
        for (let i = 0; i < k; i++) {
          for (let a = 0; a < m; a++) {
            let sv = 0;
            for (let b = 0; b < m; b++) sv += s[a * m + b]! * vectors[i * m + b]!;
            residual = Math.max(residual, Math.abs(sv - values[i]! * vectors[i * m + a]!));
          }
        }
        expect(residual).toBeLessThan(1e-12 * sorted[0]!);
      });
    }
  }

  it('deflates a cluster of numerically zero eigenvalues (regression: MNIST with constant pixels)', () => {
    // tests/fixtures/pca-tridiagonal-mnist.json (from pca-tridiagonal-mnist.ts): QL with a purely
    // relative deflation test looped on it. Checked by the invariants Σλ = tr T, Σλ² = ‖T‖²_F.
    const path = new URL('../fixtures/pca-tridiagonal-mnist.json', import.meta.url);
    const t = JSON.parse(readFileSync(path, 'utf8')) as { diag: number[]; off: number[] };
    const d = Float64Array.from(t.diag);
    const e = Float64Array.from(t.off);
    const m = d.length;
    const trace = t.diag.reduce((s, v) => s + v, 0);
    const frob2 = t.diag.reduce((s, v) => s + v * v, 0) + 2 * t.off.reduce((s, v) => s + v * v, 0);
    qlImplicit(d, e, m, null);
    expect(Math.abs(d.reduce((s, v) => s + v, 0) - trace)).toBeLessThan(1e-10 * trace);
    expect(Math.abs(d.reduce((s, v) => s + v * v, 0) - frob2)).toBeLessThan(1e-10 * frob2);
    expect(d.filter((v) => Math.abs(v) < 1e-8 * trace).length).toBeGreaterThanOrEqual(117);
  });

  it('handles 1×1 and 2×2 matrices', () => {
    expect(Array.from(symmetricEigen(Float64Array.of(4), 1, () => 1).values)).toEqual([4]);
    const r = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2, () => 2);
    expect(r.values[0]).toBeCloseTo(3, 14);
    expect(r.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(r.vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
  });
});

describe('the randomized range finder', () => {
  it('orthonormalises rank-deficient sketches', () => {
    const a = new Float64Array(4 * 6);
    a.set([1, 2, 3, 4, 5, 6], 0);
    a.set([2, 4, 6, 8, 10, 12], 6); // parallel to row 0
    a.set([0, 0, 0, 0, 0, 0], 12); // zero
    a.set([1, 0, 0, 0, 0, 1], 18);
    orthonormalizeRows(a, 4, 6, createRng(1));
    expect(orthonormalityError(a, 4, 6)).toBeLessThan(1e-14);
  });

  it('gives the same components on the Gram matrix and directly on the data', () => {
    const rng = createRng(9);
    const n = 300, d = 40, k = 4;
    const latent = gaussianMatrix(n, 6, rng);
    const mix = gaussianMatrix(6, d, rng);
    const x = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) {
        let v = 0.05 * (rng() - 0.5);
        for (let f = 0; f < 6; f++) v += latent[r * 6 + f]! * (6 - f) * mix[f * d + j]!;
        x[r * d + j] = v;
      }
    }
    const opts = { nOversamples: 10, nIter: 7, seed: 1 } as const;
    const stats = columnStats(x, n, d);
    const viaGram = fitRandomized(x, n, d, stats, k, { ...opts, strategy: 'gram', precision: 'f64' });
    const direct = fitRandomized(x, n, d, stats, k, { ...opts, strategy: 'direct' });
    expect(maxAbsDiff(viaGram.explainedVariance, direct.explainedVariance)).toBeLessThan(1e-8 * viaGram.explainedVariance[0]!);
    expect(maxAbsDiff(viaGram.components, direct.components)).toBeLessThan(1e-6);
    // The default float32 Gram matrix moves the result by about float32 rounding.
    const viaGram32 = fitRandomized(x, n, d, stats, k, { ...opts, strategy: 'gram' });
    expect(maxAbsDiff(viaGram32.explainedVariance, direct.explainedVariance)).toBeLessThan(1e-5 * viaGram.explainedVariance[0]!);
    expect(maxAbsDiff(viaGram32.components, direct.components)).toBeLessThan(1e-4);
  });
});
