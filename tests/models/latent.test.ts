// interpolate and latentTraversal.
// Ref: the slerp paths come from scipy.spatial.geometric_slerp (unit vectors) and White 2016's
// formula in numpy (other norms), written to tests/fixtures/variational.json ("slerp") by
// tests/fixtures/make-variational-fixtures.py. With identity networks (code = input, output =
// code) the decoded path is the latent path itself.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/variational.json' with { type: 'json' };
import { Autoencoder, denseCvae, denseVae } from '../../src/models/index.js';
import { interpolate, latentTraversal } from '../../src/models/latent.js';
import { manifoldData } from './helpers.js';

function identity(d: number): tfl.LayersModel {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ units: d, inputShape: [d], useBias: false })] });
  m.layers[0]!.setWeights([tf.eye(d)]);
  return m;
}

const identityModel = (d: number): Autoencoder => new Autoencoder({ encoder: identity(d), decoder: identity(d) });

const rows = (t: tf.Tensor): number[][] => t.arraySync() as number[][];

describe('interpolate', () => {
  for (const c of fixture.slerp) {
    it(`follows the slerp path: ${c.name}`, () => {
      const model = identityModel(4);
      const before = tf.memory().numTensors;
      const path = interpolate(model, [c.a], [c.b], { steps: 6, method: 'slerp' });
      expect(path.shape).toEqual([1, 6, 4]);
      const got = (path.arraySync() as number[][][])[0]!;
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(c.path[i]![j]!, 5)));
      path.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  it('goes in a straight line by default, both ends included, rows paired', () => {
    const model = identityModel(3);
    const a = tf.tensor2d([[0, 0, 0], [1, 1, 1]]);
    const b = tf.tensor2d([[4, 8, -4], [1, 3, 5]]);
    const path = interpolate(model, a, b, { steps: 5 });
    expect(path.shape).toEqual([2, 5, 3]);
    const p = path.arraySync() as number[][][];
    expect(p[0]).toEqual([[0, 0, 0], [1, 2, -1], [2, 4, -2], [3, 6, -3], [4, 8, -4]]);
    expect(p[1]![0]).toEqual([1, 1, 1]);
    expect(p[1]![4]).toEqual([1, 3, 5]);
    // slerp of parallel codes is the straight line (sin Ω = 0).
    const parallel = interpolate(model, [[1, 2, 3]], [[2, 4, 6]], { steps: 3, method: 'slerp' });
    expect(rows(tf.squeeze(parallel, [0]))).toEqual([[1, 2, 3], [1.5, 3, 4.5], [2, 4, 6]]);
    tf.dispose([a, b, path, parallel]);
    model.dispose();
  });

  it('decodes the posterior means of a VAE: the ends are its reconstructions', () => {
    const x = manifoldData(2, 8, 1);
    const vae = denseVae({ inputDim: 8, hidden: [8], latentDim: 2, seed: 1 });
    const [first, second] = tf.split(x, 2);
    const before = tf.memory().numTensors;
    const path = interpolate(vae, first!, second!, { steps: 4 });
    const rec = vae.reconstruct(x);
    const p = path.arraySync() as number[][][];
    const r = rec.arraySync() as number[][];
    p[0]![0]!.forEach((v, j) => expect(v).toBeCloseTo(r[0]![j]!, 5));
    p[0]![3]!.forEach((v, j) => expect(v).toBeCloseTo(r[1]![j]!, 5));
    tf.dispose([path, rec]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([first!, second!]);
    vae.dispose();
    x.dispose();
  });

  it('refuses bad input, naming the function and the argument', () => {
    const model = identityModel(3);
    const cvae = denseCvae({ inputDim: 3, numClasses: 2, hidden: [4], latentDim: 2 });
    const a = [[1, 2, 3]];
    expect(() => interpolate(model, a, a, { steps: 1 })).toThrow("interpolate: argument 'options.steps' must be an integer >= 2");
    expect(() => interpolate(model, a, a, { method: 'cubic' as never })).toThrow("interpolate: argument 'options.method' must be one of 'linear', 'slerp'");
    expect(() => interpolate(model, a, [[1, 2, 3], [4, 5, 6]])).toThrow("interpolate: arguments 'a' and 'b' must hold as many samples");
    expect(() => interpolate(cvae as never, a, a)).toThrow("interpolate: argument 'model' is a CVAE");
    expect(() => interpolate({} as never, a, a)).toThrow(TypeError);
    model.dispose();
    expect(() => interpolate(model, a, a)).toThrow("interpolate: argument 'model' was disposed");
    cvae.dispose();
  });
});

describe('latentTraversal', () => {
  it('sets one dimension at a time to each value and keeps the others', () => {
    const model = identityModel(3);
    const before = tf.memory().numTensors;
    const grid = latentTraversal(model, [[0.5, -1, 2]], { dims: [2, 0], values: [-1, 0, 1] });
    expect(grid.shape).toEqual([1, 2, 3, 3]);
    expect((grid.arraySync() as number[][][][])[0]).toEqual([
      [[0.5, -1, -1], [0.5, -1, 0], [0.5, -1, 1]],
      [[-1, -1, 2], [0, -1, 2], [1, -1, 2]],
    ]);
    grid.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('varies every dimension over −3 … 3 by default, for each sample of a VAE', () => {
    const x = manifoldData(2, 8, 3);
    const vae = denseVae({ inputDim: 8, hidden: [8], latentDim: 3, seed: 2 });
    const before = tf.memory().numTensors;
    const grid = latentTraversal(vae, x);
    expect(grid.shape).toEqual([2, 3, 7, 8]);
    const check = tf.tidy(() => {
      const z = vae.encode(x).arraySync() as number[][];
      const code = [...z[1]!];
      code[1] = -3;
      const expected = vae.decode([code]).dataSync();
      const got = tf.slice(grid, [1, 1, 0, 0], [1, 1, 1, 8]).dataSync();
      return Array.from(got).map((v, i) => Math.abs(v - expected[i]!));
    }) as unknown as number[];
    check.forEach((e) => expect(e).toBeLessThan(1e-6));
    grid.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    x.dispose();
  });

  it('refuses bad options, naming them', () => {
    const model = identityModel(3);
    expect(() => latentTraversal(model, [[1, 2, 3]], { dims: [3] })).toThrow("latentTraversal: argument 'options.dims[0]' must be an integer >= 0 <= 2");
    expect(() => latentTraversal(model, [[1, 2, 3]], { values: [] })).toThrow("latentTraversal: argument 'options.values' must be a non-empty array");
    expect(() => latentTraversal(model, [[1, 2, 3]], { values: [NaN] })).toThrow("latentTraversal: argument 'options.values[0]' must be a finite number");
    expect(() => latentTraversal(model, [[1, 2, 3]], { dim: [0] } as never)).toThrow("latentTraversal: unknown option 'dim' in 'options'");
    model.dispose();
  });
});
