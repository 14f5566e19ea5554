// Untrusted 'kernel-pca' files and the saved statistics of a mergeable PCA (the rest of the
// untrusted-file cases are in untrusted.test.ts): every way such a file can be wrong throws an
// Error naming the problem, sizes are checked before anything is read, and a seeded fuzz of
// every field and of the weights either loads a working model or names the problem.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel, type SavedArtifacts } from '../../src/io/index.js';
import { KernelPCA, PCA } from '../../src/pca/index.js';
import { type EditableJson, editJson, manifest, rejects } from './helpers.js';


/**
 * Sets, `trials` times, one leaf of the document or one float64 of the weights (every third
 * trial) to an odd value: loadModel must give a model of class `expected` whose `check` passes,
 * or throw an Error starting with 'loadModel: '. Returns how many loaded and how many were refused.
 */
async function fuzz(saved: SavedArtifacts, trials: number, seed: number, check: (model: unknown) => void): Promise<{ loaded: number; refused: number }> {
  let s = seed >>> 0;
  const next = (m: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % m;
  };
  const odd: unknown[] = [-1, 0, 1, 2.5, 8193, 2 ** 53, -1e308, null, 'x', [], {}, [1, 2], true];
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'object' && v !== null) {
      for (const [k, c] of Object.entries(v)) walk(c, [...path, Array.isArray(v) ? Number(k) : k]);
    } else if (path[0] === 'modelTopology' || path[0] === 'weightsManifest') paths.push(path);
  };
  walk(JSON.parse(saved.modelJson), []);
  expect(paths.length).toBeGreaterThan(20);
  let loaded = 0;
  let refused = 0;
  for (let trial = 0; trial < trials; trial++) {
    let artifacts: SavedArtifacts;
    if (trial % 3 === 2) {
      const bytes = (saved.weights as ArrayBuffer).slice(0);
      const values = [Number.NaN, Number.POSITIVE_INFINITY, -3, 0, 1e300, 7];
      new DataView(bytes).setFloat64(8 * next(bytes.byteLength / 8), values[next(values.length)]!, true);
      artifacts = { modelJson: saved.modelJson, weights: bytes };
    } else {
      const path = paths[next(paths.length)]!;
      const value = odd[next(odd.length)];
      artifacts = editJson(saved, (j) => {
        let at: EditableJson = j;
        for (const key of path.slice(0, -1)) at = at[key];
        at[path[path.length - 1]!] = value;
      });
    }
    let model: unknown;
    try {
      model = await loadModel(artifacts);
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toMatch(/^loadModel: /);
      refused++;
      continue;
    }
    loaded++;
    check(model);
  }
  return { loaded, refused };
}

describe("loadModel with a malformed 'kernel-pca' file", () => {
  // 12 rows, 3 features, 2 components, with the pre-image map: weights xFit [12,3], eigenvalues [2],
  // eigenvectors [2,12], kernelRowMeans [12], inverseLatent [12,2], inverseDual [12,3].
  const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i), (i % 5) / 4]);
  let kpca: SavedArtifacts;
  beforeAll(async () => {
    kpca = await saveModel(new KernelPCA({ nComponents: 2, kernel: 'rbf', gamma: 0.7, fitInverseTransform: true }).fit(x), { type: 'memory' });
  });
  const state = (j: EditableJson): EditableJson => j.modelTopology.config.state;
  const entry = (j: EditableJson, short: string): EditableJson => manifest(j).find((w) => w.name === `kernel-pca/${short}`)!;
  /** The weights with the float64 at `index` of weight `short` replaced. */
  function withValue(short: string, index: number, value: number): SavedArtifacts {
    const j = JSON.parse(kpca.modelJson) as EditableJson;
    let offset = 0;
    for (const w of manifest(j)) {
      if (w.name === `kernel-pca/${short}`) break;
      offset += (w.shape as number[]).reduce((a, b) => a * b, 1) * 8;
    }
    const bytes = (kpca.weights as ArrayBuffer).slice(0);
    new DataView(bytes).setFloat64(offset + index * 8, value, true);
    return { modelJson: kpca.modelJson, weights: bytes };
  }

  it('rejects sample counts beyond the Kernel PCA limit and sizes beyond the value limit, before reading a value', async () => {
    await rejects(editJson(kpca, (j) => void (state(j).nSamples = 8193)), /loadModel: field 'modelTopology\.config\.state\.nSamples' must be an integer in \[2, 8192\], got the number 8193/);
    await rejects(editJson(kpca, (j) => void (state(j).nSamples = 1)), /state\.nSamples' must be an integer in \[2, 8192\]/);
    await rejects(
      editJson(kpca, (j) => {
        state(j).nSamples = 8192;
        state(j).nFeatures = 10000;
      }),
      /field 'modelTopology\.config\.state' declares 8192 × 10000 training values, more than the limit of 67108864/,
    );
    await rejects(editJson(kpca, (j) => void (state(j).nComponents = 13)), /state\.nComponents' must be an integer in \[1, 12\]/);
    await rejects(editJson(kpca, (j) => void (entry(j, 'xFit').shape = [100000, 100000])), /weight 'kernel-pca\/xFit' declares shape \[100000,100000\].*more than the limit of 1073741824 bytes/);
  });

  it('rejects weights whose names, dtypes or shapes disagree with the declared state', async () => {
    await rejects(editJson(kpca, (j) => void (entry(j, 'xFit').shape = [3, 12])), /loadModel: weight 'kernel-pca\/xFit' must be float64 of shape \[12,3\], got float64 of shape \[3,12\]/);
    await rejects(editJson(kpca, (j) => void (state(j).nFeatures = 4)), /weight 'kernel-pca\/xFit' must be float64 of shape \[12,4\], got float64 of shape \[12,3\]/);
    await rejects(editJson(kpca, (j) => void (entry(j, 'eigenvalues').name = 'kernel-pca/values')), /the weights manifest lacks 'kernel-pca\/eigenvalues', an array of the fitted Kernel PCA/);
    // Declared without a pre-image map: the map's weights are no part of the model.
    await rejects(editJson(kpca, (j) => void (state(j).inverse = null)), /the weights manifest holds 'kernel-pca\/inverseLatent', which is no part of a Kernel PCA/);
    const asFloat32 = editJson(kpca, (j) => {
      const e = entry(j, 'eigenvalues');
      e.dtype = 'float32';
      e.shape = [4];
    });
    await rejects(asFloat32, /weight 'kernel-pca\/eigenvalues' must be float64 of shape \[2\], got float32 of shape \[4\]/);
  });

  it('rejects unknown, missing and mistyped state fields, and arrays smuggled into the JSON', async () => {
    await rejects(editJson(kpca, (j) => void (state(j).xFit = [0])), /unknown field 'modelTopology\.config\.state\.xFit' \(expected only solver, nSamples, nFeatures/);
    await rejects(editJson(kpca, (j) => void delete state(j).kernelMean), /field 'modelTopology\.config\.state\.kernelMean' is missing \(a fitted kernel-pca records/);
    await rejects(editJson(kpca, (j) => void (state(j).gamma = 'auto')), /field 'modelTopology\.config\.state\.gamma' must be a finite number, got the string "auto"/);
    await rejects(editJson(kpca, (j) => void (state(j).inverse = { gamma: 1, dual: [] })), /unknown field 'modelTopology\.config\.state\.inverse\.dual'/);
    await rejects(editJson(kpca, (j) => void (state(j).inverse = 3)), /field 'modelTopology\.config\.state\.inverse' must be \{ gamma \} or null/);
    await rejects(editJson(kpca, (j) => void (j.modelTopology.networks = {})), /unknown field 'modelTopology\.networks'/);
    await rejects(editJson(kpca, (j) => void delete j.modelTopology.config.options), /field 'modelTopology\.config\.options' is missing/);
  });

  it('rejects values KernelPCA.fromJSON refuses: bad options, non-finite or non-unit arrays, a missing pre-image map', async () => {
    await rejects(editJson(kpca, (j) => void (j.modelTopology.config.options.kernel = 'magic')), /loadModel: the Kernel PCA in the file is invalid: KernelPCA\.fromJSON: field 'options' is invalid: .*kernel/);
    await rejects(editJson(kpca, (j) => void (state(j).solver = 'qr')), /the Kernel PCA in the file is invalid: KernelPCA\.fromJSON: field 'state\.solver' must be 'dense' or 'randomized'/);
    await rejects(withValue('xFit', 4, Number.NaN), /the Kernel PCA in the file is invalid: KernelPCA\.fromJSON: field 'state\.xFit\[4\]' must be a finite number, got the number NaN/);
    await rejects(withValue('eigenvalues', 1, -1), /field 'state\.eigenvalues\[1\]' must be a finite number >= 0/);
    await rejects(withValue('eigenvectors', 0, 5), /field 'state\.eigenvectors' row 0 must have unit length/);
    await rejects(withValue('inverseDual', 2, Number.POSITIVE_INFINITY), /field 'state\.inverse\.dual\[2\]' must be a finite number/);
    await rejects({ modelJson: kpca.modelJson, weights: new ArrayBuffer((kpca.weights as ArrayBuffer).byteLength) }, /field 'state\.eigenvectors' row 0 must have unit length/);
    // Without the map but with fitInverseTransform set (weights of the map dropped consistently).
    const noMap = editJson(kpca, (j) => {
      state(j).inverse = null;
      j.weightsManifest[0].weights = manifest(j).filter((w) => !String(w.name).startsWith('kernel-pca/inverse'));
    });
    const kept = (12 * 3 + 2 + 2 * 12 + 12) * 8;
    await rejects({ modelJson: noMap.modelJson, weights: (kpca.weights as ArrayBuffer).slice(0, kept) }, /field 'state\.inverse' must be present when option 'fitInverseTransform' is true/);
  });

  it('fuzz: any field of the document or any value of the weights set to an odd value loads a working model or throws a named Error, with nothing left behind', async () => {
    const before = tf.memory().numTensors;
    const { loaded, refused } = await fuzz(kpca, 150, 12345, (model) => {
      // A model that loads works: its transform of the training rows is finite, or it says why not.
      expect(model).toBeInstanceOf(KernelPCA);
      try {
        const z = (model as KernelPCA).transform(x);
        expect(z.flat().every(Number.isFinite)).toBe(true);
      } catch (e) {
        expect((e as Error).message).toMatch(/^KernelPCA\.transform: /);
      }
    });
    expect(refused).toBeGreaterThan(50);
    expect(loaded).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("loadModel with a malformed PCA's saved statistics", () => {
  let pca: SavedArtifacts;
  beforeAll(async () => {
    const x = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(2 * i), i / 10, (i % 3) - 1]);
    pca = await saveModel(new PCA({ nComponents: 2, mergeable: true }).fit(x), { type: 'memory' });
  });
  const scatter = (j: EditableJson): EditableJson => manifest(j).find((w) => w.name === 'pca/scatter')!;

  it('rejects a scatter matrix or feature variance of the wrong shape or dtype, and one beyond the size limit before reading it', async () => {
    await rejects(editJson(pca, (j) => void (scatter(j).shape = [2, 8])), /loadModel: weight 'pca\/scatter' must be float64 of shape \[4,4\], got float64 of shape \[2,8\]/);
    const asFloat32 = editJson(pca, (j) => {
      const e = manifest(j).find((w) => w.name === 'pca/featureVariance')!;
      e.dtype = 'float32';
      e.shape = [8];
    });
    await rejects(asFloat32, /weight 'pca\/featureVariance' must be float64 of shape \[4\], got float32 of shape \[8\]/);
    await rejects(editJson(pca, (j) => void (j.modelTopology.config.state.nFeatures = 9000)), /weight 'pca\/scatter' would be a 9000 × 9000 scatter matrix, more values than the limit of 67108864/);
    await rejects(editJson(pca, (j) => void (j.modelTopology.config.state.scatter = [1])), /unknown field 'modelTopology\.config\.state\.scatter' \(expected only solver, nFeatures/);
  });

  it('rejects values PCA.fromJSON refuses: an asymmetric scatter matrix, a negative diagonal or variance', async () => {
    const j = JSON.parse(pca.modelJson) as EditableJson;
    const offsetOf = (name: string): number => {
      let offset = 0;
      for (const w of manifest(j)) {
        if (w.name === name) return offset;
        offset += (w.shape as number[]).reduce((a, b) => a * b, 1) * 8;
      }
      throw new Error(`no ${name}`);
    };
    const withValue = (name: string, index: number, value: number): SavedArtifacts => {
      const bytes = (pca.weights as ArrayBuffer).slice(0);
      new DataView(bytes).setFloat64(offsetOf(name) + 8 * index, value, true);
      return { modelJson: pca.modelJson, weights: bytes };
    };
    await rejects(withValue('pca/scatter', 1, 123), /loadModel: the PCA in the file is invalid: PCA\.fromJSON: field 'state\.scatter' must be symmetric; entries \(0, 1\) and \(1, 0\) differ/);
    await rejects(withValue('pca/scatter', 5, -1), /field 'state\.scatter\[5\]' must be a non-negative diagonal entry/);
    await rejects(withValue('pca/scatter', 3, Number.NaN), /field 'state\.scatter\[3\]' must be a finite number, got the number NaN/);
    await rejects(withValue('pca/featureVariance', 0, -2), /field 'state\.featureVariance\[0\]' must be a finite number >= 0/);
  });

  it('fuzz: a mergeable PCA file with odd values loads a PCA that still merges, or throws a named Error', async () => {
    const before = tf.memory().numTensors;
    const { loaded, refused } = await fuzz(pca, 120, 777, (model) => {
      expect(model).toBeInstanceOf(PCA);
      const p = model as PCA;
      try {
        const merged = PCA.merge(p, p);
        expect(merged.nSamplesSeen).toBe(2 * p.nSamplesSeen);
        expect(Array.from(merged.explainedVariance).every(Number.isFinite)).toBe(true);
      } catch (e) {
        expect((e as Error).message).toMatch(/^PCA\.merge: /);
      }
    });
    expect(refused).toBeGreaterThan(40);
    expect(loaded).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
