// mmd, tcDecomposition and the vector quantiser against PyTorch (values and gradients).
// Ref: every expected value and gradient comes from PyTorch (float64, from the same float32 inputs;
// the mmd and tcDecomposition gradients are autograd's, checked there against finite differences),
// written to tests/fixtures/divergences.json by tests/fixtures/make-divergence-fixtures.py (see the
// top of that script for how to run it).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/divergences.json' with { type: 'json' };
import { mmd, tcDecomposition } from '../../src/losses/index.js';
import type { MmdOptions } from '../../src/losses/index.js';
import { emaStep, nearestCodes, stopGradient } from '../../src/nn/vector-quantizer.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  fn: 'mmd' | 'tcDecomposition' | 'vq';
  inputs: Record<string, Encoded>;
  options: Record<string, unknown>;
  expected: Encoded | Record<string, Encoded>;
  grads: Record<string, Encoded>;
  indices?: number[];
  ema?: { decay: number; counts0: Encoded; sums0: Encoded; counts: Encoded; sums: Encoded; codebook: Encoded };
}

const cases = fixture.cases as unknown as Case[];

/** Relative tolerance of values and gradients (float32 arithmetic against float64 PyTorch). */
const RTOL = 1e-5;
/** Absolute floors for entries close to zero. */
const VALUE_ATOL = 1e-7;
const GRAD_ATOL = 1e-6;

const TC_WEIGHTS = { mutualInformation: 1, totalCorrelation: 6, dimensionwiseKl: 1 } as const;

function toTensors(inputs: Record<string, Encoded>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, 'float32')]));
}

/** The quantiser terms as the VQVAE computes them. */
function vqTerms(z: tf.Tensor2D, codebook: tf.Tensor2D): Record<string, tf.Tensor> {
  const q = tf.gather(codebook, nearestCodes(z, codebook));
  return { codebook: tf.mean(tf.square(tf.sub(stopGradient(z), q))), commitment: tf.mean(tf.square(tf.sub(z, stopGradient(q)))) };
}

function call(c: Case, t: Record<string, tf.Tensor>): tf.Tensor | Record<string, tf.Tensor> {
  if (c.fn === 'mmd') return mmd(t['x']!, t['y']!, c.options as MmdOptions);
  if (c.fn === 'vq') return vqTerms(t['z'] as tf.Tensor2D, t['codebook'] as tf.Tensor2D);
  return tcDecomposition({ z: t['z']!, mean: t['mean']!, logVar: t['logVar']!, ...(c.options as { datasetSize: number }) });
}

/** The scalar whose gradients the fixture holds. */
function scalarOf(c: Case, out: tf.Tensor | Record<string, tf.Tensor>): tf.Scalar {
  if (out instanceof tf.Tensor) return out as tf.Scalar;
  if (c.fn === 'vq') return tf.add(out['codebook']!, tf.mul(0.25, out['commitment']!)) as tf.Scalar;
  return tf.addN(Object.entries(TC_WEIGHTS).map(([k, w]) => tf.mul(out[k]!, w))) as tf.Scalar;
}

async function expectClose(actual: tf.Tensor, expected: Encoded, label: string, atol: number): Promise<void> {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  const got = await actual.data();
  expected.data.forEach((want, i) => {
    const err = Math.abs(got[i]! - want);
    const tol = RTOL * Math.abs(want) + atol;
    if (!(err <= tol)) throw new Error(`${label}[${i}]: got ${got[i]}, PyTorch ${want} (error ${err.toExponential(2)} > tolerance ${tol.toExponential(2)})`);
  });
}

describe('mmd, tcDecomposition and the vector quantiser match PyTorch', () => {
  it('covers both kernels, explicit and default bandwidths, every reduction and the quantiser', () => {
    const names = cases.map((c) => c.name).join('\n');
    for (const fragment of ['mmd, rbf', 'mmd, imq', 'bandwidth default', 'bandwidth 0.7', 'reduction mean', 'reduction sum', 'reduction none', 'vector quantiser']) {
      expect(names).toContain(fragment);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: value matches PyTorch', async (_name, c) => {
    const t = toTensors(c.inputs);
    const out = call(c, t);
    if (out instanceof tf.Tensor) {
      await expectClose(out, c.expected as Encoded, c.name, VALUE_ATOL);
    } else {
      for (const [key, want] of Object.entries(c.expected as Record<string, Encoded>)) await expectClose(out[key]!, want, `${c.name}: ${key}`, VALUE_ATOL);
    }
    tf.dispose([t, out]);
  });

  const withGrads = cases.filter((c) => Object.keys(c.grads).length > 0);
  it.each(withGrads.map((c) => [c.name, c] as const))('%s: tf.grads matches PyTorch (autograd and finite differences)', async (_name, c) => {
    const t = toTensors(c.inputs);
    const wrt = Object.keys(c.grads);
    const f = (...xs: tf.Tensor[]): tf.Scalar => {
      const args = { ...t };
      wrt.forEach((k, i) => (args[k] = xs[i]!));
      return scalarOf(c, call(c, args));
    };
    const grads = tf.grads(f)(wrt.map((k) => t[k]!));
    for (const [i, k] of wrt.entries()) await expectClose(grads[i]!, c.grads[k]!, `${c.name}: d/d${k}`, GRAD_ATOL);
    tf.dispose([t, grads]);
  });

  it('picks the nearest codes and makes the EMA step PyTorch makes', async () => {
    const c = cases.find((k) => k.fn === 'vq')!;
    const t = toTensors(c.inputs);
    const idx = nearestCodes(t['z'] as tf.Tensor2D, t['codebook'] as tf.Tensor2D);
    expect(Array.from(await idx.data())).toEqual(c.indices);
    const e = c.ema!;
    const [counts0, sums0] = [tf.tensor1d(e.counts0.data), tf.tensor2d(e.sums0.data, e.sums0.shape as [number, number])];
    const oneHot = tf.cast(tf.oneHot(idx, 5), 'float32') as tf.Tensor2D;
    const next = emaStep({ counts: counts0, sums: sums0 }, oneHot, t['z'] as tf.Tensor2D, e.decay);
    await expectClose(next.counts, e.counts, 'ema counts', VALUE_ATOL);
    await expectClose(next.sums, e.sums, 'ema sums', VALUE_ATOL);
    await expectClose(next.codebook, e.codebook, 'ema codebook', VALUE_ATOL);
    tf.dispose([t, idx, counts0, sums0, oneHot, next.counts, next.sums, next.codebook]);
  });
});

describe('mmd and tcDecomposition behave', () => {
  it('gives an mmd near zero for two samples of one distribution, and larger for shifted ones', () => {
    const [same, shifted] = tf.tidy(() => {
      const a = tf.randomNormal([200, 4], 0, 1, 'float32', 1);
      const b = tf.randomNormal([200, 4], 0, 1, 'float32', 2);
      const c = tf.randomNormal([200, 4], 1, 1, 'float32', 3);
      return [mmd(a, b).dataSync()[0]!, mmd(a, c).dataSync()[0]!];
    });
    expect(Math.abs(same)).toBeLessThan(0.01);
    expect(shifted).toBeGreaterThan(10 * Math.abs(same));
  });

  it('sums to the minibatch estimate of the KL: MI + TC + dimension-wise KL = E[log q(z|x) − log p(z)]', () => {
    const c = cases.find((k) => k.fn === 'tcDecomposition')!;
    const t = toTensors(c.inputs);
    const out = tcDecomposition({ z: t['z']!, mean: t['mean']!, logVar: t['logVar']!, datasetSize: 1000 });
    const total = tf.tidy(() => tf.addN([out.mutualInformation, out.totalCorrelation, out.dimensionwiseKl]).dataSync()[0]!);
    const direct = tf.tidy(() => {
      const { z, mean, logVar } = t as Record<string, tf.Tensor>;
      const logQzx = tf.mul(-0.5, tf.add(tf.add(tf.div(tf.square(tf.sub(z!, mean!)), tf.exp(logVar!)), logVar!), Math.log(2 * Math.PI)));
      const logPz = tf.mul(-0.5, tf.add(tf.square(z!), Math.log(2 * Math.PI)));
      return tf.div(tf.sum(tf.sub(logQzx, logPz)), z!.shape[0]!).dataSync()[0]!;
    });
    expect(total).toBeCloseTo(direct, 4);
    tf.dispose([t, out]);
  });

  it('leaks no tensors', () => {
    const x = tf.randomNormal([6, 3]);
    const y = tf.randomNormal([5, 3]);
    const lv = tf.zeros([6, 3]);
    const start = tf.memory().numTensors;
    tf.dispose(mmd(x, y, { kernel: 'imq', bandwidth: 1 }));
    tf.dispose(tcDecomposition({ z: x, mean: x, logVar: lv, datasetSize: 10, reduction: 'none' }));
    tf.dispose(tf.grads((a: tf.Tensor) => mmd(a, y))([x]));
    expect(() => mmd(x, tf.zeros([1, 3]))).toThrow();
    expect(tf.memory().numTensors).toBe(start + 1); // the tf.zeros just above
    tf.dispose([x, y, lv]);
  });

  it('rejects bad input with errors that name the function and the argument', () => {
    tf.tidy(() => {
      const x = tf.zeros([4, 3]);
      expect(() => mmd(x, tf.zeros([4, 2]))).toThrow(/mmd: argument 'y' must have shape \[\?,3\] \(the width of 'x'\), got shape \[4,2\]/);
      expect(() => mmd(tf.zeros([1, 3]), x)).toThrow(/mmd: argument 'x' must be a 2-D tensor \[count, d\] with count >= 2/);
      expect(() => mmd(x, x, { kernel: 'laplace' as never })).toThrow(/mmd: argument 'options\.kernel' must be one of 'rbf', 'imq'/);
      expect(() => mmd(x, x, { bandwidth: 0 })).toThrow(/mmd: argument 'options\.bandwidth' must be a finite number > 0, got the number 0/);
      expect(() => mmd(x, x, { width: 1 } as never)).toThrow(/mmd: unknown option 'width'/);
      expect(() => mmd([[1]] as never, x)).toThrow(TypeError);
      expect(() => tcDecomposition({ z: x, mean: x, logVar: x, datasetSize: 3 })).toThrow(/tcDecomposition: argument 'datasetSize' must be an integer >= 4, got the number 3/);
      expect(() => tcDecomposition({ z: x, mean: tf.zeros([4, 2]), logVar: x, datasetSize: 9 })).toThrow(/tcDecomposition: argument 'mean' must have shape \[4,3\] \(the shape of 'z'\)/);
      expect(() => tcDecomposition({ z: tf.zeros([4]), mean: x, logVar: x, datasetSize: 9 })).toThrow(/tcDecomposition: argument 'z' must be a 2-D tensor/);
      expect(() => tcDecomposition(undefined as never)).toThrow(/tcDecomposition: argument 'options'/);
    });
  });
});
