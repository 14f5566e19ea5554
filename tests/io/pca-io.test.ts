// saveModel / loadModel of a KernelPCA (kind 'kernel-pca') and of a mergeable PCA's sufficient
// statistics. These are storage round trips: the loaded model must give the very same float64
// results as the saved one (its arrays are stored as float64 bits), so the comparisons are exact;
// the merge after loading is also checked against a fit on all the rows (to 1e-10), the exactness
// PCA.merge promises (tests/pca/pca-shards.test.ts checks that against scikit-learn).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel, type SavedArtifacts } from '../../src/io/index.js';
import { KernelPCA, PCA } from '../../src/pca/index.js';
import { tempDir } from './helpers.js';

/** `n × d` float64 rows from a fixed linear congruential sequence, with some correlation. */
function rows(n: number, d: number, seed: number): { data: Float64Array; shape: [number, number] } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const t = next();
    for (let j = 0; j < d; j++) data[i * d + j] = t * (j + 1) + 0.3 * next();
  }
  return { data, shape: [n, d] };
}

function asRows(m: { data: Float64Array; shape: [number, number] }): number[][] {
  const [n, d] = m.shape;
  return Array.from({ length: n }, (_, i) => Array.from(m.data.subarray(i * d, i * d + d)));
}

/** The three destinations a PCA goes to in Node: memory, a directory and a tfjs IOHandler. */
async function roundTrips<M extends PCA | KernelPCA>(model: M, kind: M extends PCA ? 'pca' : 'kernel-pca'): Promise<M[]> {
  const out: M[] = [];
  const saved = await saveModel(model, { type: 'memory' });
  out.push((await loadModel(saved, { kind })) as M);
  const dir = await tempDir();
  await saveModel(model, dir);
  out.push((await loadModel(dir, { kind })) as M);
  let captured: tf.io.ModelArtifacts | undefined;
  await saveModel(
    model,
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  out.push((await loadModel(tf.io.fromMemory(captured!), { kind })) as M);
  return out;
}

describe("saveModel / loadModel of a KernelPCA (kind 'kernel-pca')", () => {
  const x = rows(30, 4, 7);
  const xTest = rows(6, 4, 8);

  it('brings a fitted KernelPCA with a pre-image map back from memory, a directory and an IOHandler: identical transform and inverseTransform', async () => {
    const before = tf.memory().numTensors;
    const kpca = new KernelPCA({ nComponents: 3, kernel: 'rbf', gamma: 0.5, fitInverseTransform: true, alpha: 0.1 }).fit(x);
    const z = kpca.transform(xTest);
    const back = kpca.inverseTransform(z);
    const saved = await saveModel(kpca, { type: 'memory' });
    const manifest = (JSON.parse(saved.modelJson) as { weightsManifest: { weights: { name: string; dtype: string; shape: number[] }[] }[] }).weightsManifest[0]!.weights;
    expect(manifest.map((w) => `${w.name} ${w.dtype} [${w.shape.join(',')}]`)).toEqual([
      'kernel-pca/xFit float64 [30,4]',
      'kernel-pca/eigenvalues float64 [3]',
      'kernel-pca/eigenvectors float64 [3,30]',
      'kernel-pca/kernelRowMeans float64 [30]',
      'kernel-pca/inverseLatent float64 [30,3]',
      'kernel-pca/inverseDual float64 [30,4]',
    ]);
    for (const again of await roundTrips(kpca, 'kernel-pca')) {
      expect(again).toBeInstanceOf(KernelPCA);
      expect(again.toJSON()).toEqual(kpca.toJSON());
      expect(again.eigenvalues).toEqual(kpca.eigenvalues);
      const z2 = again.transform(xTest);
      expect(z2.data).toEqual(z.data);
      expect(again.inverseTransform(z).data).toEqual(back.data);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps each kernel, the randomized solver and a model without pre-images; a loaded model saves to the same file', async () => {
    const models = [
      new KernelPCA({ nComponents: 2, kernel: 'poly', degree: 2, coef0: 1, gamma: 0.3 }),
      new KernelPCA({ nComponents: 2, kernel: 'cosine' }),
      new KernelPCA({ nComponents: 2, kernel: 'linear', fitInverseTransform: true }),
      new KernelPCA({ nComponents: 2, kernel: 'rbf', solver: 'randomized', seed: 3 }),
    ];
    for (const kpca of models) {
      kpca.fit(asRows(x));
      const first = await saveModel(kpca, { type: 'memory' });
      const again = await loadModel(first, { kind: 'kernel-pca' });
      expect(again.transform(xTest).data).toEqual(kpca.transform(xTest).data);
      const second = await saveModel(again, { type: 'memory' });
      expect(second.modelJson).toBe(first.modelJson);
      expect(Buffer.from(second.weights as ArrayBuffer).equals(Buffer.from(first.weights as ArrayBuffer))).toBe(true);
    }
  });

  it('keeps an unfitted KernelPCA unfitted, with its options, and refuses training state for it', async () => {
    const kpca = new KernelPCA({ nComponents: 2, kernel: 'sigmoid', gamma: 0.1, coef0: 0.5 });
    const saved = await saveModel(kpca, { type: 'memory' });
    expect((saved.weights as ArrayBuffer).byteLength).toBe(0);
    const again = await loadModel(saved);
    expect(again).toBeInstanceOf(KernelPCA);
    expect((again as KernelPCA).isFitted).toBe(false);
    expect((again as KernelPCA).toJSON()).toEqual(kpca.toJSON());
    const sgd = tf.train.sgd(1);
    await expect(saveModel(kpca, { type: 'memory' }, { training: { optimizer: sgd, initialEpoch: 0, seed: 0 } })).rejects.toThrow(
      /saveModel: argument 'options\.training' must be absent for a KernelPCA/,
    );
    sgd.dispose();
  });

  it('refuses a KernelPCA file where options.kind asks for a PCA, and the other way round', async () => {
    const k = await saveModel(new KernelPCA({ nComponents: 2 }).fit(x), { type: 'memory' });
    await expect(loadModel(k, { kind: 'pca' })).rejects.toThrow(/loadModel: the file holds a model of kind 'kernel-pca', not 'pca'/);
    const p = await saveModel(new PCA({ nComponents: 2 }).fit(x), { type: 'memory' });
    await expect(loadModel(p, { kind: 'kernel-pca' })).rejects.toThrow(/the file holds a model of kind 'pca', not 'kernel-pca'/);
  });
});

describe('saveModel / loadModel of a mergeable PCA keeps its sufficient statistics', () => {
  const all = rows(60, 5, 11);
  const a = { data: all.data.slice(0, 25 * 5), shape: [25, 5] as [number, number] };
  const b = { data: all.data.slice(25 * 5), shape: [35, 5] as [number, number] };
  const opts = { nComponents: 3, mergeable: true } as const;

  it('saves count, mean, scatter and featureVariance as float64 and restores them exactly', async () => {
    const pa = new PCA(opts).fit(a);
    expect(pa.featureVariance).not.toBeNull();
    const saved: SavedArtifacts = await saveModel(pa, { type: 'memory' });
    const entries = (JSON.parse(saved.modelJson) as { weightsManifest: { weights: { name: string; dtype: string; shape: number[] }[] }[] }).weightsManifest[0]!.weights;
    expect(entries.filter((w) => w.name === 'pca/scatter' || w.name === 'pca/featureVariance').map((w) => `${w.name} ${w.dtype} [${w.shape.join(',')}]`)).toEqual([
      'pca/featureVariance float64 [5]',
      'pca/scatter float64 [5,5]',
    ]);
    for (const again of await roundTrips(pa, 'pca')) {
      expect(again.toJSON()).toEqual(pa.toJSON());
      expect(again.toJSON().state?.scatter).toHaveLength(25);
      expect(again.featureVariance).toEqual(pa.featureVariance);
      expect(again.nSamplesSeen).toBe(25);
    }
  });

  it('PCA.merge after a save/load round trip gives the result of merging the originals, and the PCA of all the rows', async () => {
    const pa = new PCA(opts).fit(a);
    const pb = new PCA(opts).fit(b);
    const expected = PCA.merge(pa, pb);
    const loadedA = await loadModel(await saveModel(pa, { type: 'memory' }), { kind: 'pca' });
    const dir = await tempDir();
    await saveModel(pb, dir);
    const loadedB = await loadModel(dir, { kind: 'pca' });
    const merged = PCA.merge(loadedA, loadedB);
    const e = expected.toJSON().state!;
    const m = merged.toJSON().state!;
    for (const key of ['mean', 'components', 'explainedVariance', 'singularValues', 'scatter', 'featureVariance'] as const) {
      const want = e[key]!;
      const got = m[key]!;
      expect(got).toHaveLength(want.length);
      expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1e-12);
    }
    expect(merged.nSamplesSeen).toBe(60);
    // Exact: the merge of the loaded shards is the PCA of all 60 rows (components up to sign).
    const full = new PCA({ nComponents: 3 }).fit(all);
    const zm = merged.transform(all).data;
    const zf = full.transform(all).data;
    for (let c = 0; c < 3; c++) {
      const sign = Math.sign(zm[c]!) === Math.sign(zf[c]!) ? 1 : -1;
      for (let i = 0; i < 60; i++) expect(Math.abs(zm[i * 3 + c]! - sign * zf[i * 3 + c]!)).toBeLessThan(1e-10);
    }
    // The merged model saves and loads too, statistics and all, and merges again.
    const again = await loadModel(await saveModel(merged, { type: 'memory' }), { kind: 'pca' });
    expect(again.toJSON()).toEqual(merged.toJSON());
    expect(PCA.merge(again, loadedA).nSamplesSeen).toBe(85);
  });

  it('keeps an incremental fit\'s featureVariance (scikit-learn var_), and still loads a file saved without the statistics', async () => {
    const inc = new PCA({ nComponents: 2, solver: 'incremental', batchSize: 20 }).fit(all);
    const loaded = await loadModel(await saveModel(inc, { type: 'memory' }), { kind: 'pca' });
    expect(loaded.featureVariance).toEqual(inc.featureVariance);
    expect(loaded.toSklearn()).toEqual(inc.toSklearn());
    // A file written before the statistics were saved: it loads, and merge says what is missing.
    const saved = await saveModel(new PCA(opts).fit(a), { type: 'memory' });
    const j = JSON.parse(saved.modelJson) as { weightsManifest: { weights: { name: string }[] }[] };
    const kept = j.weightsManifest[0]!.weights.filter((w) => w.name !== 'pca/scatter' && w.name !== 'pca/featureVariance');
    j.weightsManifest[0]!.weights = kept;
    const old = await loadModel({ modelJson: JSON.stringify(j), weights: (saved.weights as ArrayBuffer).slice(0, (5 + 15 + 3 + 3 + 3) * 8) }, { kind: 'pca' });
    expect(old.featureVariance).toBeNull();
    expect(() => PCA.merge(old, old)).toThrow(/PCA\.merge: argument 'a' holds no statistics/);
  });
});
