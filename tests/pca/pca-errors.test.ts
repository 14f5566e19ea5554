// Bad input gets a clear Error naming the method, the argument and the problem, and a failed
// fit leaves the previous state untouched.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { PCA, type PCAOptions } from '../../src/pca/index.js';
import { sklearnCase, toFlat64 } from './helpers.js';

const rows = sklearnCase('tall').x; // 120 × 8
const small = rows.slice(0, 10);

describe('PCA rejects bad options', () => {
  const cases: [string, unknown, RegExp][] = [
    ['nComponents 0', { nComponents: 0 }, /new PCA: argument 'options.nComponents' must be a finite number > 0, got the number 0/],
    ['negative nComponents', { nComponents: -2 }, /options.nComponents/],
    ['non-integer nComponents above 1', { nComponents: 2.5 }, /an integer >= 1, a fraction in \(0, 1\) or 'mle', got the number 2.5/],
    ['NaN nComponents', { nComponents: NaN }, /options.nComponents/],
    ['an unknown solver', { solver: 'arpack' }, /options.solver' must be one of 'auto', 'full', 'randomized', 'incremental'/],
    ['a fraction with the randomized solver', { nComponents: 0.5, solver: 'randomized' }, /a fraction needs the exact solver/],
    ['a non-boolean whiten', { whiten: 1 }, /options.whiten' must be a boolean/],
    ['a negative nIter', { nIter: -1 }, /options.nIter/],
    ['batchSize 0', { batchSize: 0 }, /options.batchSize/],
    ['an unknown option', { n_components: 2 }, /unknown option 'n_components'/],
  ];
  for (const [label, options, message] of cases) {
    it(`throws for ${label}`, () => {
      expect(() => new PCA(options as PCAOptions)).toThrow(message);
    });
  }
});

describe('PCA.fit rejects bad data', () => {
  it('names the first NaN or Infinity and where it is, for every input kind', () => {
    const withNaN = small.map((r) => [...r]);
    withNaN[3]![5] = NaN;
    expect(() => new PCA().fit(withNaN)).toThrow("PCA.fit: argument 'x' must hold finite numbers, found NaN at row 3, column 5");
    const flat = toFlat64(small);
    flat.data[17] = Infinity;
    expect(() => new PCA().fit(flat)).toThrow('found Infinity at row 2, column 1');
    const t = tf.tensor2d(withNaN);
    expect(() => new PCA().fit(t)).toThrow('found NaN at row 3, column 5');
    t.dispose();
  });

  it('names data whose column sums overflow', () => {
    expect(() => new PCA().fit([[1e308, 0], [1e308, 1], [0, 2]])).toThrow(
      "PCA.fit: argument 'x' holds values too large: the column sums overflow to Infinity",
    );
  });

  it('needs at least 2 samples', () => {
    expect(() => new PCA().fit([[1, 2, 3]])).toThrow("PCA.fit: argument 'x' must be a matrix with at least 2 samples (rows)");
  });

  it('needs nComponents at most min(n, d)', () => {
    expect(() => new PCA({ nComponents: 9 }).fit(rows)).toThrow(
      "PCA.fit: option 'nComponents' (9) must be at most min(nSamples, nFeatures) = min(120, 8) = 8",
    );
    expect(() => new PCA({ nComponents: 4 }).fit(rows.slice(0, 3))).toThrow('min(3, 8) = 3');
  });

  it('rejects ragged arrays, empty data, 1-D and 3-D inputs and non-numbers', () => {
    expect(() => new PCA().fit([[1, 2], [3]])).toThrow(/rectangular number\[\]\[\]: row 0 has 2 values, row 1 is an array of length 1/);
    expect(() => new PCA().fit([])).toThrow(/non-empty/);
    expect(() => new PCA().fit([[], []])).toThrow(/at least one feature/);
    expect(() => new PCA().fit([[1, 'a'], [2, 3]] as unknown as number[][])).toThrow(/x\[0\]\[1\]' must be a number/);
    const t1 = tf.tensor1d([1, 2, 3]);
    expect(() => new PCA().fit(t1 as unknown as tf.Tensor2D)).toThrow(/must be 2-D/);
    t1.dispose();
    expect(() => new PCA().fit({ data: new Float64Array(6), shape: [2, 2] })).toThrow(/holds 6 values/);
    expect(() => new PCA().fit('data' as unknown as number[][])).toThrow(TypeError);
    expect(() => new PCA().fit({ data: [1, 2], shape: [1, 2] } as unknown as number[][])).toThrow(
      "PCA.fit: argument 'x' must be a tf.Tensor2D, number[][] or { data: Float32Array | Float64Array, shape: [n, d] }",
    );
  });

  it('leaves the previous fit intact when a new fit fails', () => {
    const pca = new PCA({ nComponents: 2 }).fit(rows);
    const before = JSON.stringify(pca);
    const bad = rows.map((r) => [...r]);
    bad[50]![0] = NaN;
    expect(() => pca.fit(bad)).toThrow(/NaN/);
    expect(() => pca.fit(rows.slice(0, 1))).toThrow(/at least 2 samples/);
    expect(() => pca.partialFit(bad)).toThrow(/NaN/);
    expect(() => pca.partialFit(rows.map((r) => r.slice(0, 5)))).toThrow(/8 features/);
    expect(JSON.stringify(pca)).toBe(before);

    const fresh = new PCA({ nComponents: 2 });
    expect(() => fresh.fit(bad)).toThrow(/NaN/);
    expect(fresh.isFitted).toBe(false);
  });
});

describe('PCA methods before and after fit', () => {
  it('refuses to transform or report attributes before fit', () => {
    const pca = new PCA();
    expect(() => pca.transform(rows)).toThrow('PCA.transform: the model is not fitted; call fit() or partialFit() first');
    expect(() => pca.inverseTransform([[1]])).toThrow(/PCA.inverseTransform: the model is not fitted/);
    expect(() => pca.reconstructionError(rows)).toThrow(/PCA.reconstructionError: the model is not fitted/);
    expect(() => pca.components).toThrow(/PCA.components: the model is not fitted/);
    expect(() => pca.nComponents).toThrow(/PCA.nComponents: the model is not fitted/);
    expect(() => pca.noiseVariance).toThrow(/not fitted/);
  });

  it('names a feature-count mismatch between fit and transform', () => {
    const pca = new PCA({ nComponents: 2 }).fit(rows);
    const five = rows.map((r) => r.slice(0, 5));
    expect(() => pca.transform(five)).toThrow("PCA.transform: argument 'x' must have 8 features (columns) as in fit, got 5");
    expect(() => pca.reconstructionError(toFlat64(five))).toThrow(/must have 8 features/);
    const t = tf.tensor2d(five);
    expect(() => pca.transform(t)).toThrow("PCA.transform: argument 'x' must have 8 features (columns) as in fit, got 5");
    t.dispose();
    expect(() => pca.inverseTransform([[1, 2, 3]])).toThrow(
      "PCA.inverseTransform: argument 'z' must have 2 columns (one per component), got 3",
    );
    const disposed = tf.tensor2d(rows);
    disposed.dispose();
    expect(() => pca.transform(disposed)).toThrow(/disposed tensor/);
  });

  it('names the incremental solver’s limits', () => {
    expect(() => new PCA({ nComponents: 5 }).partialFit(rows.slice(0, 4))).toThrow(
      'PCA.partialFit: the first batch has 4 samples, fewer than nComponents = 5; give it at least 5 rows',
    );
    expect(() => new PCA().partialFit(rows.slice(0, 1))).toThrow(/at least 2 samples \(rows\) in the first batch, got 1/);
    expect(() => new PCA({ nComponents: 0.5 }).partialFit(rows)).toThrow(/an integer for incremental fitting/);
    expect(() => new PCA({ nComponents: 3, solver: 'incremental', batchSize: 2 }).fit(rows)).toThrow(
      "PCA.fit: option 'batchSize' (2) must be at least max(2, nComponents) = 3",
    );
  });
});
