// Bad input gets a clear Error naming the method, the argument and the problem; a failed fit keeps
// the previous state; fromJSON treats its input as untrusted.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GaussianMixture, type GaussianMixtureJSON, type GaussianMixtureOptions } from '../../src/density/index.js';

const rows = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 3]);

describe('GaussianMixture rejects bad options', () => {
  const cases: [string, unknown, string | RegExp][] = [
    ['components 0', { components: 0 }, "new GaussianMixture: argument 'options.components' must be an integer >= 1, got the number 0"],
    ['fractional components', { components: 2.5 }, 'got the number 2.5'],
    ['an unknown covariance', { covariance: 'spherical' }, "argument 'options.covariance' must be one of 'full', 'diag', got the string \"spherical\""],
    ['a fractional seed', { seed: 0.5 }, "'options.seed' must be an integer"],
    ['maxIter 0', { maxIter: 0 }, "'options.maxIter' must be an integer >= 1, got the number 0"],
    ['a negative tol', { tol: -1 }, "'options.tol' must be a finite number >= 0"],
    ['a NaN regCovar', { regCovar: NaN }, "'options.regCovar' must be a finite number >= 0, got the number NaN"],
    ['a string tol', { tol: '1e-3' }, "'options.tol' must be a finite number >= 0, got the string"],
    ['an unknown option', { n_components: 2 }, "new GaussianMixture: unknown option 'n_components' in 'options'"],
    ['initialMeans with the wrong number of rows', { components: 3, initialMeans: [[0, 0], [1, 1]] }, "'options.initialMeans' must be 3 rows (options.components)"],
    ['initialMeans holding NaN', { components: 2, initialMeans: [[0, 0], [1, NaN]] }, "'options.initialMeans' must hold finite numbers, found NaN at row 1, column 1"],
    ['ragged initialMeans', { components: 2, initialMeans: [[0, 0], [1]] }, 'must be a rectangular number[][]'],
    ['options that are not an object', 3, "new GaussianMixture: argument 'options' must be an options object"],
  ];
  for (const [label, options, message] of cases) {
    it(`throws for ${label}`, () => {
      expect(() => new GaussianMixture(options as GaussianMixtureOptions)).toThrow(message);
    });
  }
});

describe('GaussianMixture.fit rejects bad data', () => {
  it('names the first NaN or Infinity and where it is, for every input kind', () => {
    const withNaN = rows.map((r) => [...r]);
    withNaN[3]![2] = NaN;
    expect(() => new GaussianMixture().fit(withNaN)).toThrow("GaussianMixture.fit: argument 'x' must hold finite numbers, found NaN at row 3, column 2");
    const flat = { data: Float64Array.from(rows.flat()), shape: [40, 3] as [number, number] };
    flat.data[7] = -Infinity;
    expect(() => new GaussianMixture().fit(flat)).toThrow('found -Infinity at row 2, column 1');
    const t = tf.tensor2d(withNaN);
    expect(() => new GaussianMixture().fit(t)).toThrow('found NaN at row 3, column 2');
    t.dispose();
  });

  it('needs at least one sample per component', () => {
    expect(() => new GaussianMixture({ components: 5 }).fit(rows.slice(0, 4))).toThrow(
      "GaussianMixture.fit: argument 'x' must be a matrix with at least 5 samples (rows), one per component, got an array of length 4",
    );
  });

  it('rejects inputs that are not 2-D matrices', () => {
    expect(() => new GaussianMixture().fit([] as number[][])).toThrow("GaussianMixture.fit: argument 'x' must be a non-empty number[][]");
    expect(() => new GaussianMixture().fit([[]])).toThrow('at least one feature (column)');
    expect(() => new GaussianMixture().fit('abc' as unknown as number[][])).toThrow(TypeError);
    expect(() => new GaussianMixture().fit({ data: new Float64Array(6), shape: [2, 2] })).toThrow('has shape [2,2] (4 values) but its data holds 6 values');
    const t1 = tf.tensor1d([1, 2, 3]);
    expect(() => new GaussianMixture().fit(t1 as unknown as tf.Tensor2D)).toThrow("argument 'x' must be 2-D [samples, features], got shape [3]");
    t1.dispose();
    const t2 = tf.tensor2d([[1, 2]]);
    t2.dispose();
    expect(() => new GaussianMixture().fit(t2)).toThrow("GaussianMixture.fit: argument 'x' is a disposed tensor");
  });

  it('refuses full covariances too large to hold, pointing to diag', () => {
    const wide = { data: new Float64Array(3 * 5000), shape: [3, 5000] as [number, number] };
    expect(() => new GaussianMixture({ components: 3 }).fit(wide)).toThrow(
      "GaussianMixture.fit: 3 full 5000 × 5000 covariances are 75000000 numbers, more than the limit of 67108864; use covariance: 'diag'",
    );
  });

  it('says which features initialMeans expected', () => {
    expect(() => new GaussianMixture({ components: 2, initialMeans: [[0, 0], [1, 1]] }).fit(rows)).toThrow(
      "GaussianMixture.fit: argument 'x' must have 2 features (columns) as option 'initialMeans', got 3",
    );
  });

  it('explains values too large to fit, instead of returning NaN', () => {
    const huge = [[1e300, 0], [-1e300, 1], [1e300, 2], [-1e300, 3]];
    expect(() => new GaussianMixture({ components: 2 }).fit(huge)).toThrow(/GaussianMixture.fit: .*not positive definite.*scale the data/);
    expect(() => new GaussianMixture({ components: 2, covariance: 'diag' }).fit(huge)).toThrow(/not positive definite/);
  });

  it('keeps the previous fit when a fit fails', () => {
    const gm = new GaussianMixture({ components: 2 }).fit(rows);
    const before = gm.toJSON();
    expect(() => gm.fit([[1, 2, NaN]])).toThrow();
    expect(() => gm.fit([[1, 2, 3]])).toThrow('at least 2 samples');
    expect(gm.toJSON()).toEqual(before);
  });
});

describe('GaussianMixture methods reject bad calls', () => {
  const gm = new GaussianMixture({ components: 2 }).fit(rows);

  it('need a fitted mixture', () => {
    const fresh = new GaussianMixture();
    expect(() => fresh.scoreSamples(rows)).toThrow('GaussianMixture.scoreSamples: the mixture is not fitted; call fit() first');
    expect(() => fresh.predict(rows)).toThrow('GaussianMixture.predict: the mixture is not fitted');
    expect(() => fresh.sample(3)).toThrow('GaussianMixture.sample: the mixture is not fitted');
    expect(() => fresh.weights).toThrow('GaussianMixture.weights: the mixture is not fitted');
    expect(() => fresh.means).toThrow('GaussianMixture.means');
    expect(() => fresh.covariances).toThrow('GaussianMixture.covariances');
    expect(() => fresh.lowerBound).toThrow('GaussianMixture.lowerBound');
  });

  it('need the fitted number of features and finite values', () => {
    expect(() => gm.scoreSamples([[1, 2]])).toThrow("GaussianMixture.scoreSamples: argument 'x' must have 3 features (columns) as in fit, got 2");
    expect(() => gm.predict([[1, 2, Infinity]])).toThrow("GaussianMixture.predict: argument 'x' must hold finite numbers, found Infinity at row 0, column 2");
    expect(() => gm.score([[1, 2]])).toThrow('GaussianMixture.scoreSamples');
  });

  it('sample needs a positive integer count and known options', () => {
    expect(() => gm.sample(0)).toThrow("GaussianMixture.sample: argument 'n' must be an integer >= 1 <= 44739242, got the number 0");
    expect(() => gm.sample(2.5)).toThrow("got the number 2.5");
    expect(() => gm.sample(1e9)).toThrow("argument 'n' must be an integer >= 1 <= 44739242, got the number 1000000000");
    expect(() => gm.sample(2, { seed: 1.5 })).toThrow("argument 'options.seed' must be an integer");
    expect(() => gm.sample(2, { sed: 1 } as { seed?: number })).toThrow("GaussianMixture.sample: unknown option 'sed' in 'options'");
  });
});

describe('GaussianMixture.fromJSON treats its input as untrusted', () => {
  const doc = (): GaussianMixtureJSON => new GaussianMixture({ components: 2, covariance: 'full' }).fit(rows).toJSON();
  const withState = (edit: (s: Record<string, unknown>) => void): unknown => {
    const d = doc() as unknown as { state: Record<string, unknown> };
    edit(d.state);
    return d;
  };

  it('rejects what is not a mixture document', () => {
    expect(() => GaussianMixture.fromJSON('{')).toThrow('GaussianMixture.fromJSON: the string is not valid JSON');
    expect(() => GaussianMixture.fromJSON(3)).toThrow("GaussianMixture.fromJSON: argument 'json' must be a Gaussian mixture document");
    expect(() => GaussianMixture.fromJSON({ ...doc(), format: 'autoencoders/pca' })).toThrow("field 'format' must be 'autoencoders/gaussian-mixture'");
    expect(() => GaussianMixture.fromJSON({ ...doc(), version: 2 })).toThrow("field 'version' must be 1");
    expect(() => GaussianMixture.fromJSON({ ...doc(), extra: 1 })).toThrow("unknown field 'extra'");
    expect(() => GaussianMixture.fromJSON(JSON.stringify(doc()).replace('"state":{', '"state":{"__proto__":{"x":1},'))).toThrow("unknown field 'state.__proto__'");
  });

  it('checks options', () => {
    const d = doc();
    expect(() => GaussianMixture.fromJSON({ ...d, options: { ...d.options, covariance: 'tied' } })).toThrow("field 'options.covariance' must be one of 'full', 'diag'");
    expect(() => GaussianMixture.fromJSON({ ...d, options: { ...d.options, components: 0 } })).toThrow("field 'options.components' must be an integer in [1,");
    expect(() => GaussianMixture.fromJSON({ ...d, options: { ...d.options, initialMeans: [[0, 0, 0]] } })).toThrow("field 'options.initialMeans' must be null or an array of 2 rows");
    expect(() => GaussianMixture.fromJSON({ ...d, options: { ...d.options, initialMeans: [[0, 0], [1, 1]] } })).toThrow("field 'options.initialMeans[0]' must be an array of 3 numbers (state.nFeatures)");
  });

  it('checks lengths, values, weights and covariances', () => {
    expect(() => GaussianMixture.fromJSON(withState((s) => (s['means'] = (s['means'] as number[]).slice(1))))).toThrow("field 'state.means' must be an array of 6 numbers (its declared shape)");
    expect(() => GaussianMixture.fromJSON(withState((s) => ((s['means'] as number[])[2] = NaN)))).toThrow("field 'state.means[2]' must be a finite number, got the number NaN");
    expect(() => GaussianMixture.fromJSON(withState((s) => (s['weights'] = [0.5, 0.6])))).toThrow("field 'state.weights' must sum to 1, sums to 1.1");
    expect(() => GaussianMixture.fromJSON(withState((s) => (s['weights'] = [1, 0])))).toThrow("field 'state.weights[1]' must be a finite number > 0");
    expect(() => GaussianMixture.fromJSON(withState((s) => ((s['covariances'] as number[])[1] = 0.123456)))).toThrow("component 0 must be symmetric");
    expect(() => GaussianMixture.fromJSON(withState((s) => ((s['covariances'] as number[])[0] = -1)))).toThrow("field 'state.covariances' must hold positive-definite matrices");
    expect(() => GaussianMixture.fromJSON(withState((s) => (s['nFeatures'] = 1e6)))).toThrow('more than the limit of 67108864');
    expect(() => GaussianMixture.fromJSON(withState((s) => (s['nIter'] = 1000)))).toThrow("field 'state.nIter' must be an integer in [1, 100]");
    expect(() => GaussianMixture.fromJSON(withState((s) => (s['converged'] = 'yes')))).toThrow("field 'state.converged' must be a boolean");
  });

  it('checks diagonal covariances are positive', () => {
    const d = new GaussianMixture({ components: 2, covariance: 'diag' }).fit(rows).toJSON();
    d.state!.covariances[4] = 0;
    expect(() => GaussianMixture.fromJSON(d)).toThrow('must hold positive-definite matrices');
  });
});
