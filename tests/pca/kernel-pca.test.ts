// Reference values: scikit-learn 1.2's KernelPCA (eigen_solver='dense', fit_inverse_transform),
// computed by tests/fixtures/make-pca-model-fixtures.py into tests/fixtures/pca-model-sklearn.json.
// Embeddings are compared up to the sign of each component.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { KERNEL_PCA_MAX_SAMPLES, KernelPCA, PCA, type KernelPCAOptions } from '../../src/pca/index.js';
import { maxRelDiff, toFlat64 } from './helpers.js';
import { loadModelFixture } from './model-fixture.js';

const fx = loadModelFixture();

/** Column c of an `n × k` matrix, times the sign that best matches `ref`. */
function alignedColumns(z: ArrayLike<number>, n: number, k: number, ref: number[][]): number[] {
  const out: number[] = new Array<number>(n * k);
  for (let c = 0; c < k; c++) {
    let dot = 0;
    for (let r = 0; r < n; r++) dot += z[r * k + c]! * ref[r]![c]!;
    const s = dot < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) out[r * k + c] = s * z[r * k + c]!;
  }
  return out;
}

function scaleOf(m: number[][]): number {
  return Math.max(...m.flat().map(Math.abs));
}

describe('KernelPCA against scikit-learn', () => {
  for (const c of fx.kernel) {
    it(`matches eigenvalues, embeddings and pre-images for the '${c.name}' kernel`, () => {
      const kpca = new KernelPCA(c.options as KernelPCAOptions);
      const e = c.expected;
      const n = c.x.length;
      const k = e.eigenvalues.length;
      const zFit = kpca.fitTransform(toFlat64(c.x));
      expect(kpca.nComponents).toBe(k);
      expect(maxRelDiff(kpca.eigenvalues, e.eigenvalues, 1e-10 * e.eigenvalues[0]!)).toBeLessThan(1e-9);
      expect(maxRelDiff(alignedColumns(zFit.data, n, k, e.fitTransform), e.fitTransform.flat(), 1e-9 * scaleOf(e.fitTransform))).toBeLessThan(1e-8);
      const z = kpca.transform(toFlat64(c.xTest));
      const zs = alignedColumns(z.data, c.xTest.length, k, e.transform);
      expect(maxRelDiff(zs, e.transform.flat(), 1e-9 * scaleOf(e.transform))).toBeLessThan(1e-8);
      // Pre-images of scikit-learn's own embedding (its signs), so the comparison is sign-free.
      const back = kpca.inverseTransform(toFlat64(alignedWith(z.data, c.xTest.length, k, e.transform)));
      expect(maxRelDiff(back.data, e.inverseTransform.flat(), 1e-9 * scaleOf(e.inverseTransform))).toBeLessThan(1e-7);
    });
  }
  it('keeps every component of non-zero eigenvalue when nComponents is omitted', () => {
    const c = fx.kernelAll;
    const kpca = new KernelPCA(c.options as KernelPCAOptions).fit(c.x);
    expect(kpca.nComponents).toBe(c.eigenvalues.length);
    // Eigenvalues down to 1e-12 of the largest are resolved by both tools only to rounding.
    expect(maxRelDiff(kpca.eigenvalues, c.eigenvalues, 1e-10 * c.eigenvalues[0]!)).toBeLessThan(1e-8);
    const z = kpca.transform(toFlat64(c.xTest));
    const k = kpca.nComponents;
    const top = Math.min(k, 10); // the top components are well separated and comparable
    const zs = alignedColumns(z.data, c.xTest.length, k, c.transform);
    for (let r = 0; r < c.xTest.length; r++) {
      expect(maxRelDiff(zs.slice(r * k, r * k + top), c.transform[r]!.slice(0, top), 1e-9 * scaleOf(c.transform))).toBeLessThan(1e-7);
    }
  });
  it('refuses a kernel that is not positive semi-definite, as scikit-learn does', () => {
    const c = fx.kernelNonPsd;
    expect(c.raises).toBe(true);
    expect(() => new KernelPCA(c.options as KernelPCAOptions).fit(c.x)).toThrow(
      /KernelPCA.fit: the centred 'sigmoid' kernel \(gamma 10, coef0 1\) is not positive semi-definite: it has an eigenvalue of -[0-9.e-]+, 0.2344\d* of the largest/,
    );
  });
});

function alignedWith(z: ArrayLike<number>, n: number, k: number, ref: number[][]): number[][] {
  const a = alignedColumns(z, n, k, ref);
  return Array.from({ length: n }, (_, r) => a.slice(r * k, r * k + k));
}

describe('KernelPCA behaviour', () => {
  const c = fx.kernel.find((k) => k.name === 'rbf')!;
  it('is PCA with the linear kernel: the same projections up to sign', () => {
    const lin = fx.kernel.find((k) => k.name === 'linear')!;
    const z = new KernelPCA({ nComponents: 3, kernel: 'linear' }).fit(lin.x).transform(toFlat64(lin.xTest));
    const p = new PCA({ nComponents: 3 }).fit(lin.x).transform(lin.xTest);
    const zs = alignedColumns(z.data, lin.xTest.length, 3, p);
    expect(maxRelDiff(zs, p.flat(), 1e-9)).toBeLessThan(1e-9);
  });
  it('finds the top eigenpairs with the randomized solver (seeded, reproducible)', () => {
    // Two components: the third and fourth eigenvalues of this kernel (2.84, 2.69) are too close
    // for a range finder to separate their eigenvectors.
    const dense = new KernelPCA({ nComponents: 2, kernel: 'rbf', gamma: 0.2, solver: 'dense' }).fit(c.x);
    const rand = new KernelPCA({ nComponents: 2, kernel: 'rbf', gamma: 0.2, solver: 'randomized', seed: 3 }).fit(c.x);
    expect(rand.fittedSolver).toBe('randomized');
    // A randomized range finder: accurate to what its power iterations resolve, not to rounding.
    expect(maxRelDiff(rand.eigenvalues, dense.eigenvalues, 1e-12)).toBeLessThan(1e-6);
    const zd = dense.transform(c.xTest);
    const zr = rand.transform(toFlat64(c.xTest));
    expect(maxRelDiff(alignedColumns(zr.data, c.xTest.length, 2, zd), zd.flat(), 1e-3)).toBeLessThan(1e-4);
    const again = new KernelPCA({ nComponents: 2, kernel: 'rbf', gamma: 0.2, solver: 'randomized', seed: 3 }).fit(c.x);
    expect(again.eigenvalues).toEqual(rand.eigenvalues);
  });
  it('round-trips through toJSON/fromJSON with the same transform and pre-images', () => {
    const kpca = new KernelPCA(c.options as KernelPCAOptions).fit(c.x);
    const again = KernelPCA.fromJSON(JSON.stringify(kpca));
    expect(again.transform(c.xTest)).toEqual(kpca.transform(c.xTest));
    const z = kpca.transform(c.xTest);
    expect(again.inverseTransform(z)).toEqual(kpca.inverseTransform(z));
    expect(again.toJSON()).toEqual(kpca.toJSON());
    expect(KernelPCA.fromJSON(new KernelPCA({ kernel: 'poly' }).toJSON()).isFitted).toBe(false);
  });
  it('rejects bad documents', () => {
    const doc = new KernelPCA(c.options as KernelPCAOptions).fit(c.x).toJSON();
    const s = doc.state!;
    const cases: [unknown, RegExp][] = [
      [{ ...doc, format: 'autoencoders/pca' }, /KernelPCA.fromJSON: field 'format' must be 'autoencoders\/kernel-pca'/],
      [{ ...doc, version: 2 }, /field 'version' must be 1/],
      [{ ...doc, extra: 1 }, /unknown field 'extra'/],
      [{ ...doc, state: { ...s, xFit: s.xFit.slice(1) } }, /field 'state.xFit' must be an array of 160 numbers/],
      [{ ...doc, state: { ...s, nSamples: KERNEL_PCA_MAX_SAMPLES + 1 } }, /field 'state.nSamples' must be an integer in \[2, 8192\]/],
      [{ ...doc, state: { ...s, eigenvectors: s.eigenvectors.map((v) => 2 * v) } }, /'state.eigenvectors' row 0 must have unit length/],
      [{ ...doc, options: { ...doc.options, gamma: -1 } }, /field 'options' is invalid: new KernelPCA: argument 'options.gamma' must be a number > 0/],
      [{ ...doc, state: { ...s, inverse: null } }, /'state.inverse' must be present/],
      ['{', /KernelPCA.fromJSON: the string is not valid JSON/],
    ];
    for (const [bad, message] of cases) expect(() => KernelPCA.fromJSON(bad)).toThrow(message);
  });
  it('rejects bad options and input with clear errors', () => {
    expect(() => new KernelPCA({ gamma: 0 })).toThrow(/new KernelPCA: argument 'options.gamma' must be a number > 0, got the number 0/);
    expect(() => new KernelPCA({ gamma: -2 })).toThrow(/options.gamma' must be a number > 0/);
    expect(() => new KernelPCA({ kernel: 'laplacian' as 'rbf' })).toThrow(/options.kernel' must be one of 'rbf', 'poly', 'sigmoid', 'cosine', 'linear'/);
    expect(() => new KernelPCA({ nComponents: 1.5 })).toThrow(/options.nComponents/);
    expect(() => new KernelPCA({ solver: 'arpack' as 'dense' })).toThrow(/options.solver' must be one of 'auto', 'dense', 'randomized'/);
    expect(() => new KernelPCA({ degree: 0 })).toThrow(/options.degree/);
    expect(() => new KernelPCA({ kernels: 'rbf' } as KernelPCAOptions)).toThrow(/unknown/);
    const kpca = new KernelPCA({ nComponents: 2, kernel: 'rbf' });
    expect(() => kpca.transform(c.xTest)).toThrow(/KernelPCA.transform: the model is not fitted/);
    expect(() => kpca.fit([[1, 2]])).toThrow(/KernelPCA.fit: argument 'x' must have at least 2 samples/);
    expect(() => new KernelPCA({ nComponents: 50 }).fit(c.x)).toThrow(/option 'nComponents' \(50\) must be at most the number of samples \(40\)/);
    expect(() => kpca.fit([[1, NaN], [2, 3]])).toThrow(/KernelPCA.fit: argument 'x'.*NaN/);
    kpca.fit(c.x);
    expect(() => kpca.transform([[1, 2]])).toThrow(/KernelPCA.transform: argument 'x' must have 4 features \(columns\) as in fit, got 2/);
    expect(() => kpca.inverseTransform([[1, 2]])).toThrow(/KernelPCA.inverseTransform: the model was fitted without option 'fitInverseTransform: true'/);
    const big = { data: new Float64Array((KERNEL_PCA_MAX_SAMPLES + 1) * 1), shape: [KERNEL_PCA_MAX_SAMPLES + 1, 1] as [number, number] };
    expect(() => kpca.fit(big)).toThrow(/KernelPCA.fit: argument 'x' has 8193 samples, more than KernelPCA's limit of 8192: the kernel matrix is n × n float64/);
    const inv = new KernelPCA({ nComponents: 2, fitInverseTransform: true }).fit(c.x);
    expect(() => inv.inverseTransform([[1, 2, 3]])).toThrow(/argument 'z' must have 2 columns/);
  });
  it('answers tensors with tensors and leaks none', () => {
    const kpca = new KernelPCA({ nComponents: 2, kernel: 'rbf', fitInverseTransform: true });
    const x = tf.tensor2d(c.x);
    const before = tf.memory().numTensors;
    const zFit = kpca.fitTransform(x);
    const z = kpca.transform(x);
    const back = kpca.inverseTransform(z);
    expect(z.shape).toEqual([40, 2]);
    expect(back.shape).toEqual([40, 4]);
    expect(tf.memory().numTensors).toBe(before + 3);
    zFit.dispose();
    z.dispose();
    back.dispose();
    kpca.fit(x);
    kpca.toJSON();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
