// Reference values: scikit-learn 1.2 (PCA with n_components='mle', score_samples, score,
// get_covariance, get_precision; IncrementalPCA's var_; the export of scripts/sklearn-pca.py),
// computed by tests/fixtures/make-pca-model-fixtures.py into tests/fixtures/pca-model-sklearn.json.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { anomalyScores } from '../../src/anomaly/index.js';
import { PCA } from '../../src/pca/index.js';
import { inferDimension } from '../../src/pca/probabilistic.js';
import { maxRelDiff, toFlat64 } from './helpers.js';
import { loadModelFixture } from './model-fixture.js';

const fx = loadModelFixture();

describe("nComponents: 'mle' (Minka 2000)", () => {
  for (const s of fx.spectra) {
    it(`picks scikit-learn's dimension for the spectrum '${s.name}'`, () => {
      expect(inferDimension(Float64Array.from(s.spectrum), s.n)).toBe(s.expected);
    });
  }
  for (const c of fx.mle) {
    it(`fits the data '${c.name}' with scikit-learn's number of components and noise variance`, () => {
      const pca = new PCA({ nComponents: 'mle' }).fit(toFlat64(c.x));
      expect(pca.nComponents).toBe(c.expected);
      expect(maxRelDiff([pca.noiseVariance], [c.noiseVariance], 1e-12)).toBeLessThan(1e-9);
    });
  }
  it('refuses more features than samples, and the randomized and incremental solvers', () => {
    const wide = Array.from({ length: 4 }, (_, i) => [i, i * i, 1 - i, 2 * i, 3, i % 2]);
    expect(() => new PCA({ nComponents: 'mle' }).fit(wide)).toThrow(/PCA.fit: option nComponents 'mle' needs at least as many samples as features, got 4 samples of 6/);
    expect(() => new PCA({ nComponents: 'mle', solver: 'randomized' })).toThrow(/'mle' needs the exact solver/);
    expect(() => new PCA({ nComponents: 'mle', solver: 'incremental' })).toThrow(/'mle' needs the exact solver/);
    expect(() => new PCA({ nComponents: 'auto' as unknown as number })).toThrow(/options.nComponents' must be a number or 'mle'/);
  });
  it('survives toJSON/fromJSON', () => {
    const pca = new PCA({ nComponents: 'mle' }).fit(toFlat64(fx.mle[0]!.x));
    const again = PCA.fromJSON(JSON.stringify(pca));
    expect(again.toJSON()).toEqual(pca.toJSON());
    expect(again.toJSON().options.nComponents).toBe('mle');
  });
});

describe('the probabilistic PCA model (Tipping & Bishop)', () => {
  for (const c of fx.probabilistic) {
    it(`matches scikit-learn's score_samples, score, get_covariance and get_precision ('${c.name}')`, () => {
      const pca = new PCA(c.options).fit(toFlat64(c.x));
      const e = c.expected;
      expect(pca.nComponents).toBe(e.nComponents);
      const d = pca.nFeatures;
      expect(maxRelDiff(pca.scoreSamples(toFlat64(c.xTest)), e.scoreSamples, 1)).toBeLessThan(1e-9);
      expect(maxRelDiff([pca.score(c.xTest)], [e.score], 1)).toBeLessThan(1e-9);
      const cov = pca.getCovariance();
      expect(cov.shape).toEqual([d, d]);
      const covScale = Math.max(...e.covariance.flat().map(Math.abs));
      expect(maxRelDiff(cov.data, e.covariance.flat(), 1e-9 * covScale)).toBeLessThan(1e-9);
      const prec = pca.getPrecision();
      const precScale = Math.max(...e.precision.flat().map(Math.abs));
      expect(maxRelDiff(prec.data, e.precision.flat(), 1e-7 * precScale)).toBeLessThan(1e-7);
    });
  }
  it('describes the data whatever the output scaling: whiten leaves the model unchanged', () => {
    // (scikit-learn 1.2 rescales its components by √explained_variance_ when whiten is set, which
    // changes its get_covariance; the package keeps the model of the data, documented on getCovariance.)
    const c = fx.probabilistic[0]!;
    const plain = new PCA(c.options).fit(c.x);
    const white = new PCA({ ...c.options, whiten: true }).fit(c.x);
    expect(maxRelDiff(white.getCovariance().data, plain.getCovariance().data, 1e-9)).toBeLessThan(1e-12);
    expect(maxRelDiff(white.scoreSamples(c.xTest), c.expected.scoreSamples, 1)).toBeLessThan(1e-9);
  });
  it('gives a precision that inverts the covariance', () => {
    const c = fx.probabilistic[0]!;
    const pca = new PCA(c.options).fit(c.x);
    const cov = pca.getCovariance().data;
    const p = pca.getPrecision().data;
    const d = pca.nFeatures;
    let worst = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += cov[i * d + t]! * p[t * d + j]!;
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-10);
  });
  it('refuses a singular covariance (no noise left, fewer components than features)', () => {
    const wide = fx.probabilistic.find((c) => c.name === 'wide-k5')!;
    const pca = new PCA({ solver: 'full' }).fit(wide.x); // k = n = 15 < d = 40, noise 0
    expect(() => pca.scoreSamples(wide.xTest)).toThrow(/PCA.scoreSamples: the model's covariance is singular/);
    expect(() => pca.getPrecision()).toThrow(/PCA.getPrecision: the model's covariance is singular/);
    expect(() => new PCA().getCovariance()).toThrow(/PCA.getCovariance: the model is not fitted/);
    const fitted = new PCA({ nComponents: 2 }).fit(wide.x);
    expect(() => fitted.scoreSamples([[1, 2]])).toThrow(/PCA.scoreSamples: argument 'x' must have 40 features/);
    expect(() => fitted.score([[NaN, ...wide.xTest[0]!.slice(1)]])).toThrow(/PCA.score: argument 'x'.*NaN/);
  });
  it("scores anomalies by the negative log-likelihood: anomalyScores(pca, x, { metric: 'nll' })", async () => {
    const c = fx.probabilistic[0]!;
    const pca = new PCA(c.options).fit(c.x);
    const before = tf.memory().numTensors;
    const scores = await anomalyScores(pca, c.xTest, { metric: 'nll', batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    // float32 scores of −log p(x): scikit-learn's score_samples, negated.
    expect(maxRelDiff(scores, c.expected.scoreSamples.map((v) => -v), 1)).toBeLessThan(1e-6);
    await expect(anomalyScores({ reconstructionError: () => [0] }, [[1]], { metric: 'nll' })).rejects.toThrow(
      /anomalyScores: metric 'nll' needs a model with a scoreSamples method/,
    );
  });
  it('leaks no tensors', () => {
    const c = fx.probabilistic[0]!;
    const pca = new PCA(c.options).fit(c.x);
    const t = tf.tensor2d(c.xTest);
    const before = tf.memory().numTensors;
    pca.scoreSamples(t);
    pca.score(t);
    pca.getCovariance();
    pca.getPrecision();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});

describe("IncrementalPCA's var_ and the scikit-learn mapping", () => {
  it('keeps the per-feature variance of incremental fits as scikit-learn does', () => {
    const c = fx.incremental;
    const pca = new PCA({ nComponents: c.nComponents });
    let start = 0;
    for (const size of c.batches) {
      pca.partialFit(toFlat64(c.x.slice(start, start + size)));
      start += size;
    }
    expect(maxRelDiff(pca.featureVariance!, c.var, 1e-12)).toBeLessThan(1e-12);
    expect(pca.toSklearn().var_).toEqual(Array.from(pca.featureVariance!));
    // A mergeable fit derives the same variance from its statistics; scikit-learn's PCA has no var_.
    const merged = new PCA({ nComponents: 2, mergeable: true }).fit(c.x);
    expect(maxRelDiff(merged.featureVariance!, c.var, 1e-12)).toBeLessThan(1e-12);
    expect(merged.toSklearn().var_).toBeUndefined();
    expect(new PCA({ nComponents: 2 }).fit(c.x).featureVariance).toBeNull();
  });
  for (const e of fx.exports) {
    it(`loads scikit-learn's ${e.name} (scripts/sklearn-pca.py) and agrees on transform to 1e-12`, () => {
      const pca = PCA.fromSklearn(JSON.stringify(e.sklearn));
      const z = pca.transform(toFlat64(e.xTest));
      const scale = Math.max(...e.transform.flat().map(Math.abs));
      expect(maxRelDiff(z.data, e.transform.flat(), scale)).toBeLessThan(1e-12);
      expect(pca.fittedSolver).toBe(e.name === 'incremental' ? 'incremental' : 'full');
      // And back: the same attributes, which the script turns into the same scikit-learn model.
      expect(pca.toSklearn()).toEqual(e.sklearn);
    });
  }
  it('writes the scikit-learn attributes of its own fits', () => {
    const e = fx.exports[0]!;
    const x = fx.merge.x;
    const s = new PCA({ nComponents: 3 }).fit(x).toSklearn();
    expect(s.n_components_).toBe(3);
    expect(s.n_samples_).toBe(x.length);
    expect(s.n_features_in_).toBe(8);
    expect(s.whiten).toBe(false);
    const ref = e.sklearn as { explained_variance_: number[] };
    expect(maxRelDiff(s.explained_variance_, ref.explained_variance_, 1e-12)).toBeLessThan(1e-10);
  });
  it('checks a scikit-learn export like a loaded file', () => {
    const good = fx.exports[0]!.sklearn;
    const cases: [string, unknown, RegExp][] = [
      ['not an object', 42, /PCA.fromSklearn: argument 'json' must be the attributes of a fitted scikit-learn PCA/],
      ['bad JSON', '{', /PCA.fromSklearn: the string is not valid JSON/],
      ['an unknown field', { ...good, extra: 1 }, /unknown field 'extra'/],
      ['a short mean', { ...good, mean_: [1, 2] }, /field 'mean_' must be an array of 8 numbers/],
      ['a NaN', { ...good, noise_variance_: NaN }, /field 'noise_variance_' must be a finite number >= 0/],
      ['non-unit components', { ...good, components_: (good['components_'] as number[][]).map((r) => r.map((v) => 2 * v)) }, /row 0 must have unit length/],
      ['too many components', { ...good, n_components_: 9 }, /field 'n_components_' must be an integer in \[1, 8\]/],
      ['a missing whiten', { ...good, whiten: undefined }, /field 'whiten' must be a boolean/],
    ];
    for (const [, doc, message] of cases) expect(() => PCA.fromSklearn(doc)).toThrow(message);
    expect(() => new PCA().toSklearn()).toThrow(/PCA.toSklearn: the model is not fitted/);
  });
});
