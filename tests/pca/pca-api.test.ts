// Behaviour of the PCA class beyond the scikit-learn numbers: input and output kinds, tensor
// hygiene, whitening, reconstruction error, determinism, solver choice and incremental fitting.
// Data come from the scikit-learn fixture (tests/fixtures/make-pca-fixtures.py); expected values
// are properties (identities any PCA satisfies) or scikit-learn's, never hard-coded outputs.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { PCA } from '../../src/pca/index.js';
import { gaussianMatrix } from '../../src/pca/linalg/orth.js';
import { maxRelDiff, sklearnCase, toFlat64 } from './helpers.js';

const tall = sklearnCase('tall');
const rows = tall.x;
const test = tall.xTest!;
const flat64 = toFlat64(rows);
const flat32 = { data: Float32Array.from(flat64.data), shape: flat64.shape };

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
}

describe('PCA inputs and outputs', () => {
  it('answers in the kind of its input: tensor, number[][], Float64Array and Float32Array data', () => {
    const pca = new PCA({ nComponents: 3 }).fit(rows);
    const ref = pca.transform(toFlat64(test));
    expect(ref.data).toBeInstanceOf(Float64Array);
    expect(ref.shape).toEqual([5, 3]);

    const fromRows = pca.transform(test);
    expect(Array.isArray(fromRows) && Array.isArray(fromRows[0])).toBe(true);
    expect(maxAbs(fromRows.flat(), ref.data)).toBeLessThan(1e-12);

    const f32 = pca.transform({ data: Float32Array.from(toFlat64(test).data), shape: [5, 8] });
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(maxAbs(f32.data, ref.data)).toBeLessThan(1e-4);

    const t = tf.tensor2d(test);
    const z = pca.transform(t);
    expect(z.shape).toEqual([5, 3]);
    expect(z.dtype).toBe('float32');
    expect(maxAbs(z.dataSync(), ref.data)).toBeLessThan(1e-4);
    tf.dispose([t, z]);
  });

  it('fits the same model from every input kind', () => {
    const a = new PCA({ nComponents: 3 }).fit(rows);
    const b = new PCA({ nComponents: 3 }).fit(flat64);
    const c = new PCA({ nComponents: 3 }).fit(flat32);
    const t = tf.tensor2d(rows);
    const d = new PCA({ nComponents: 3 }).fit(t);
    t.dispose();
    expect(Array.from(b.components.data)).toEqual(Array.from(a.components.data));
    // float32 inputs are rounded once: the model moves by about float32 precision.
    expect(maxAbs(c.components.data, a.components.data)).toBeLessThan(1e-5);
    expect(maxAbs(d.components.data, c.components.data)).toBe(0);
  });

  it('leaves no tensors behind: every method with tensor input allocates only its result', () => {
    const x = tf.tensor2d(rows);
    const xi = tf.tensor2d(test.map((r) => r.map((v) => Math.round(v))), undefined, 'int32');
    const before = tf.memory().numTensors;
    const pca = new PCA({ nComponents: 3, whiten: true });
    pca.fit(x);
    expect(tf.memory().numTensors).toBe(before);
    const z = pca.fitTransform(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    const back = pca.inverseTransform(z);
    expect(tf.memory().numTensors).toBe(before + 2);
    const scores = pca.reconstructionError(x);
    expect(scores).toBeInstanceOf(Float32Array);
    const zi = pca.transform(xi); // int32 input is cast inside
    expect(tf.memory().numTensors).toBe(before + 3);
    pca.partialFit(x);
    new PCA({ nComponents: 2, solver: 'randomized' }).fit(x);
    new PCA({ nComponents: 2, solver: 'incremental' }).fit(x);
    PCA.fromJSON(pca.toJSON());
    const wrong = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => pca.transform(wrong)).toThrow(/8 features/);
    tf.dispose([z, back, zi, wrong]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, xi]);
  });

  it('leaves no tensors behind when a tensor input holds NaN', () => {
    const pca = new PCA({ nComponents: 2 }).fit(rows);
    const bad = tf.tensor2d([[NaN, 0, 0, 0, 0, 0, 0, 0]]);
    const before = tf.memory().numTensors;
    expect(() => pca.transform(bad)).toThrow(/PCA.transform: argument 'x' must hold finite numbers, found NaN at row 0, column 0/);
    expect(() => pca.reconstructionError(bad)).toThrow(/finite/);
    expect(() => pca.inverseTransform(tf.tensor2d([[Infinity, 0]]))).toThrow(/finite/);
    expect(tf.memory().numTensors).toBe(before + 1); // the Infinity input tensor above
    bad.dispose();
  });
});

describe('PCA transforms', () => {
  it('whitening gives unit-variance projections (n − 1 denominator) that inverseTransform undoes', () => {
    const pca = new PCA({ nComponents: 3, whiten: true }).fit(flat64);
    const z = pca.transform(flat64);
    const n = rows.length;
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += z.data[r * 3 + i]! ** 2;
      expect(s / (n - 1)).toBeCloseTo(1, 10);
    }
    const plain = new PCA({ nComponents: 3 }).fit(flat64);
    expect(maxAbs(pca.inverseTransform(z).data, plain.inverseTransform(plain.transform(flat64)).data)).toBeLessThan(1e-10);
  });

  it('keeping every component reconstructs the data exactly', () => {
    const pca = new PCA().fit(flat64);
    expect(pca.nComponents).toBe(8);
    expect(maxAbs(pca.inverseTransform(pca.transform(flat64)).data, flat64.data)).toBeLessThan(1e-10);
    expect(Math.max(...pca.reconstructionError(flat64))).toBeLessThan(1e-18 * 1e6);
  });

  it('reconstructionError is the squared distance to the reconstruction, for each input kind', () => {
    const pca = new PCA({ nComponents: 2 }).fit(flat64);
    const x = toFlat64(test);
    const back = pca.inverseTransform(pca.transform(x));
    const want = test.map((row, r) => row.reduce((s, v, j) => s + (v - back.data[r * 8 + j]!) ** 2, 0));
    const scores = pca.reconstructionError(x);
    expect(scores).toBeInstanceOf(Float64Array);
    expect(maxRelDiff(scores, want, 1e-12)).toBeLessThan(1e-9);
    expect(maxRelDiff(pca.reconstructionError(test), want, 1e-12)).toBeLessThan(1e-9);
    const s32 = pca.reconstructionError({ data: Float32Array.from(x.data), shape: x.shape });
    expect(s32).toBeInstanceOf(Float32Array);
    expect(maxRelDiff(s32, want, 1e-3)).toBeLessThan(1e-3);
    const t = tf.tensor2d(test);
    expect(maxRelDiff(pca.reconstructionError(t), want, 1e-2)).toBeLessThan(1e-2);
    t.dispose();
  });

  it('makes the largest-magnitude entry of every component positive', () => {
    for (const solver of ['full', 'randomized', 'incremental'] as const) {
      const pca = new PCA({ nComponents: 3, solver }).fit(flat64);
      const { data, shape } = pca.components;
      for (let i = 0; i < shape[0]; i++) {
        const row = Array.from(data.subarray(i * shape[1], (i + 1) * shape[1]));
        const big = row.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
        expect(big).toBeGreaterThan(0);
      }
    }
  });

  it('returns copies: changing a fitted attribute does not change the model', () => {
    const pca = new PCA({ nComponents: 2 }).fit(flat64);
    const before = pca.transform(test);
    pca.components.data.fill(0);
    pca.mean.fill(0);
    pca.explainedVariance.fill(0);
    expect(pca.transform(test)).toEqual(before);
  });
});

describe('PCA solvers', () => {
  it("'auto' picks the exact solver for small data, fractions and large k, and the randomized one otherwise", () => {
    expect(new PCA({ nComponents: 2 }).fit(flat64).fittedSolver).toBe('full');
    const big = { data: gaussianMatrix(600, 12, createRng(1)), shape: [600, 12] as [number, number] };
    expect(new PCA({ nComponents: 2 }).fit(big).fittedSolver).toBe('randomized');
    expect(new PCA({ nComponents: 10 }).fit(big).fittedSolver).toBe('full');
    expect(new PCA({ nComponents: 0.5 }).fit(big).fittedSolver).toBe('full');
    expect(new PCA().fit(big).fittedSolver).toBe('full');
  });

  it('is deterministic: the same seed gives bit-identical randomized fits', () => {
    const a = new PCA({ nComponents: 3, solver: 'randomized', seed: 7, nIter: 1, nOversamples: 0 }).fit(flat64);
    const b = new PCA({ nComponents: 3, solver: 'randomized', seed: 7, nIter: 1, nOversamples: 0 }).fit(flat64);
    expect(Array.from(a.components.data)).toEqual(Array.from(b.components.data));
  });

  it('partialFit on the batches of fit gives the incremental fit, and continues a fitted model', () => {
    const viaFit = new PCA({ nComponents: 3, solver: 'incremental', batchSize: 40 }).fit(flat64);
    const viaPartial = new PCA({ nComponents: 3 });
    for (let s = 0; s < rows.length; s += 40) viaPartial.partialFit(rows.slice(s, s + 40));
    expect(viaPartial.nSamplesSeen).toBe(120);
    expect(maxAbs(viaPartial.components.data, viaFit.components.data)).toBeLessThan(1e-12);

    const exact = new PCA({ nComponents: 3, solver: 'full' }).fit(rows.slice(0, 80));
    exact.partialFit(rows.slice(80));
    expect(exact.nSamplesSeen).toBe(120);
    expect(exact.fittedSolver).toBe('incremental');
    // The mean of all samples is exact; the components approach the full fit's.
    expect(maxAbs(exact.mean, new PCA({ nComponents: 3 }).fit(rows).mean)).toBeLessThan(1e-12);
  });

  it('merges a last batch shorter than nComponents into the one before (as scikit-learn)', () => {
    const merged = new PCA({ nComponents: 3, solver: 'incremental', batchSize: 59 }).fit(flat64);
    const manual = new PCA({ nComponents: 3 }).partialFit(rows.slice(0, 59)).partialFit(rows.slice(59));
    expect(Array.from(merged.components.data)).toEqual(Array.from(manual.components.data));
  });

  it('keeps min(n, d) components when nComponents is omitted, also for wide data', () => {
    const wide = sklearnCase('wide');
    expect(new PCA().fit(wide.x).nComponents).toBe(15);
    expect(new PCA().partialFit(wide.x).nComponents).toBe(15);
  });
});

describe('PCA.dispose', () => {
  it('holds no tensors, so dispose leaves the tensor count and the fitted model unchanged', () => {
    const pca = new PCA({ nComponents: 1 }).fit([
      [1, 2],
      [2, 4.5],
      [3, 5.5],
    ]);
    const before = tf.memory().numTensors;
    pca.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(pca.isFitted).toBe(true);
  });
});
