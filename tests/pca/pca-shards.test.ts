// Merging shards and fitting streams. Exactness is checked against a fit on all the rows (to
// 1e-10) and the union against scikit-learn's PCA on it, from tests/fixtures/pca-model-sklearn.json
// (written by tests/fixtures/make-pca-model-fixtures.py).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { PCA } from '../../src/pca/index.js';
import { alignedRow, maxRelDiff, toFlat64 } from './helpers.js';
import { loadModelFixture } from './model-fixture.js';

const fx = loadModelFixture();
const m = fx.merge;

function shards(rows: number[][], sizes: readonly number[]): number[][][] {
  const out: number[][][] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(rows.slice(start, start + s));
    start += s;
  }
  return out;
}

function expectSamePca(a: PCA, b: PCA, tol: number): void {
  expect(a.nComponents).toBe(b.nComponents);
  expect(a.nSamplesSeen).toBe(b.nSamplesSeen);
  const d = a.nFeatures;
  expect(maxRelDiff(a.mean, b.mean, 1)).toBeLessThan(tol);
  expect(maxRelDiff(a.explainedVariance, b.explainedVariance, 1e-300)).toBeLessThan(tol);
  expect(maxRelDiff(a.explainedVarianceRatio, b.explainedVarianceRatio, 1e-300)).toBeLessThan(tol);
  expect(maxRelDiff([a.noiseVariance], [b.noiseVariance], 1e-300)).toBeLessThan(tol);
  const ca = a.components.data;
  const cb = b.components.data;
  for (let i = 0; i < a.nComponents; i++) {
    const ref = Array.from(cb.subarray(i * d, i * d + d));
    expect(maxRelDiff(alignedRow(ca, i, d, ref), ref, 1)).toBeLessThan(tol);
  }
}

describe('PCA.merge (Chan et al.)', () => {
  it('gives the PCA of all the rows, to 1e-10, whatever the split', () => {
    const opts = { nComponents: m.nComponents, mergeable: true } as const;
    const [s1, s2, s3] = shards(m.x, m.shards);
    const merged = PCA.merge(PCA.merge(new PCA(opts).fit(s1!), new PCA(opts).fit(s2!)), new PCA(opts).fit(s3!));
    const all = new PCA(opts).fit(m.x);
    expectSamePca(merged, all, 1e-10);
    expect(merged.fittedSolver).toBe('full');
    // And scikit-learn's PCA of the union, at the tolerance of the PCA fixtures.
    expect(maxRelDiff(merged.explainedVariance, m.explainedVariance, 1e-12)).toBeLessThan(1e-10);
    expect(maxRelDiff([merged.noiseVariance], [m.noiseVariance], 1e-12)).toBeLessThan(1e-10);
    for (let i = 0; i < m.nComponents; i++) {
      expect(maxRelDiff(alignedRow(merged.components.data, i, 8, m.components[i]!), m.components[i]!, 1 / Math.sqrt(8))).toBeLessThan(1e-9);
    }
  });
  it('merges wide shards (more features than rows in each) and fraction or mle choices', () => {
    const wide = fx.probabilistic.find((c) => c.name === 'wide-k5')!.x; // 15 × 40
    const opts = { nComponents: 0.9, mergeable: true } as const;
    const merged = PCA.merge(new PCA(opts).fit(wide.slice(0, 6)), new PCA(opts).fit(wide.slice(6)));
    expectSamePca(merged, new PCA(opts).fit(wide), 1e-10);
    const mle = { nComponents: 'mle', mergeable: true } as const;
    const [s1, s2] = shards(m.x, [60, 60]);
    expectSamePca(PCA.merge(new PCA(mle).fit(s1!), new PCA(mle).fit(s2!)), new PCA(mle).fit(m.x), 1e-10);
  });
  it('keeps its statistics through toJSON/fromJSON and partialFit', () => {
    const opts = { nComponents: 3, mergeable: true } as const;
    const [s1, s2, s3] = shards(m.x, m.shards);
    const a = PCA.fromJSON(JSON.stringify(new PCA(opts).fit(s1!)));
    const b = new PCA(opts).partialFit(s2!).partialFit(s3!); // exact: partialFit of a mergeable PCA refits from its statistics
    expectSamePca(b, new PCA(opts).fit([...s2!, ...s3!]), 1e-10);
    expectSamePca(PCA.merge(a, b), new PCA(opts).fit(m.x), 1e-10);
  });
  it('refuses models without mergeable, of different feature counts or settings, or unfitted', () => {
    const [s1, s2] = shards(m.x, [60, 60]);
    const opts = { nComponents: 2, mergeable: true } as const;
    const a = new PCA(opts).fit(s1!);
    expect(() => PCA.merge(a, new PCA({ nComponents: 2 }).fit(s2!))).toThrow(/PCA.merge: argument 'b' was not created with option 'mergeable: true'/);
    expect(() => PCA.merge(a, new PCA(opts).fit(s2!.map((r) => r.slice(1))))).toThrow(/PCA.merge: arguments 'a' and 'b' must have the same number of features, got 8 and 7/);
    expect(() => PCA.merge(a, new PCA({ ...opts, solver: 'randomized' }).fit(s2!))).toThrow(/option 'solver' is auto and randomized/);
    expect(() => PCA.merge(a, new PCA({ ...opts, nComponents: 3 }).fit(s2!))).toThrow(/option 'nComponents' is 2 and 3/);
    expect(() => PCA.merge(new PCA(opts), a)).toThrow(/PCA.merge: argument 'a' is not fitted/);
    expect(() => PCA.merge(a, {} as PCA)).toThrow(/PCA.merge: argument 'b' must be a PCA of this package/);
    expect(() => new PCA({ mergeable: 1 as unknown as boolean })).toThrow(/new PCA: argument 'options.mergeable' must be a boolean/);
  });
});

describe('PCA.fitStream', () => {
  async function* blocks(rows: number[][], sizes: readonly number[]): AsyncGenerator<number[][]> {
    for (const s of shards(rows, sizes)) yield s;
  }
  it('fits from an async iterable with the mergeable statistics: the exact PCA', async () => {
    const opts = { nComponents: 3, mergeable: true } as const;
    const pca = await new PCA(opts).fitStream(blocks(m.x, [1, 39, 50, 30]));
    expectSamePca(pca, new PCA(opts).fit(m.x), 1e-10);
  });
  it('fits incrementally otherwise, as partialFit on the same blocks (a 1-row first block joins the next)', async () => {
    const pca = await new PCA({ nComponents: 3 }).fitStream(blocks(m.x, [1, 39, 50, 30]));
    const ref = new PCA({ nComponents: 3 }).partialFit(m.x.slice(0, 40)).partialFit(m.x.slice(40, 90)).partialFit(m.x.slice(90));
    expectSamePca(pca, ref, 1e-12);
    expect(pca.fittedSolver).toBe('incremental');
    // The tensor blocks of a stream are read, not disposed, and nothing leaks.
    const ts = shards(m.x, [60, 60]).map((s) => tf.tensor2d(s));
    const before = tf.memory().numTensors;
    await new PCA({ nComponents: 2 }).fitStream(ts);
    expect(tf.memory().numTensors).toBe(before);
    ts.forEach((t) => t.dispose());
  });
  it('rejects an empty stream, mismatched blocks and non-iterables, keeping the previous fit', async () => {
    const pca = new PCA({ nComponents: 2 }).fit(m.x);
    const mean = pca.mean;
    await expect(pca.fitStream([])).rejects.toThrow(/PCA.fitStream: argument 'blocks' yielded no block of rows/);
    await expect(pca.fitStream(blocks([...m.x.slice(0, 10), ...m.x.slice(10, 20).map((r) => r.slice(1))], [10, 10]))).rejects.toThrow(
      /PCA.fitStream: argument 'blocks\[1\]' must have 8 features \(columns\) as the first block, got 7/,
    );
    await expect(pca.fitStream(42 as unknown as number[][][])).rejects.toThrow(/PCA.fitStream: argument 'blocks' must be an async or sync iterable/);
    await expect(new PCA({ nComponents: 0.5 }).fitStream([m.x])).rejects.toThrow(/an integer for incremental fitting \(or set 'mergeable'\)/);
    expect(pca.mean).toEqual(mean);
  });
  it('fits float64 blocks the same as rows', async () => {
    const pca = await new PCA({ nComponents: 2, mergeable: true }).fitStream([toFlat64(m.x.slice(0, 50)), toFlat64(m.x.slice(50))]);
    expectSamePca(pca, new PCA({ nComponents: 2 }).fit(m.x), 1e-10);
  });
});

describe('shards and the scikit-learn mapping hold no tensors', () => {
  it('leaks none through fit of tensors, merge, toSklearn and fromSklearn', () => {
    const [s1, s2] = shards(m.x, [60, 60]);
    const t1 = tf.tensor2d(s1!);
    const t2 = tf.tensor2d(s2!);
    const before = tf.memory().numTensors;
    const opts = { nComponents: 2, mergeable: true } as const;
    const merged = PCA.merge(new PCA(opts).fit(t1), new PCA(opts).fit(t2));
    const back = PCA.fromSklearn(merged.toSklearn());
    back.scoreSamples(t1);
    expect(tf.memory().numTensors).toBe(before);
    expect(back.nComponents).toBe(2);
    tf.dispose([t1, t2]);
  });
});
