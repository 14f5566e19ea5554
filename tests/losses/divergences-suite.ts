// mmd, tcDecomposition, the 'beta-tc' and 'mmd' VAE objectives (betaTcLoss, mmdLoss), the VampPrior (also the CVAE's conditional one) and the vector quantiser against PyTorch (values and gradients), shared by the
// test files that run it on each backend.
// Ref: every expected value and gradient comes from PyTorch (float64, from the same float32 inputs;
// the mmd and tcDecomposition gradients are autograd's, checked there against finite differences),
// written to tests/fixtures/divergences.json by tests/fixtures/make-divergence-fixtures.py (see the
// top of that script for how to run it).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import fixture from '../fixtures/divergences.json' with { type: 'json' };
import { mmd, tcDecomposition, vampKl, vampLogPrior } from '../../src/losses/index.js';
import type { MmdOptions } from '../../src/losses/index.js';
import { emaStep, nearestCodes, stopGradient } from '../../src/nn/vector-quantizer.js';
import { betaTcLoss, mmdLoss, vampElboLoss } from '../../src/models/objectives.js';
import type { ElboLikelihood, MmdKernel } from '../../src/losses/index.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  fn: 'mmd' | 'tcDecomposition' | 'vq' | 'betaTcLoss' | 'mmdLoss' | 'vampLogPrior' | 'vampKl' | 'vampElboLoss';
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
  // As VQVAE.computeLoss takes them: oneHot · codebook (tf.gather's gradient needs a kernel wasm lacks).
  const q = tf.matMul(tf.cast(tf.oneHot(nearestCodes(z, codebook), codebook.shape[0]), 'float32'), codebook);
  return { codebook: tf.mean(tf.square(tf.sub(stopGradient(z), q))), commitment: tf.mean(tf.square(tf.sub(z, stopGradient(q)))) };
}

/** The labels of a conditional VampPrior case (the CVAE's prior), as the int32 tensor the functions take. */
function labelsOf(c: Case): { labels?: tf.Tensor1D } {
  const labels = c.options['labels'] as number[] | undefined;
  return labels === undefined ? {} : { labels: tf.tensor1d(labels, 'int32') };
}

function call(c: Case, t: Record<string, tf.Tensor>): tf.Tensor | Record<string, tf.Tensor> {
  if (c.fn === 'mmd') return mmd(t['x']!, t['y']!, c.options as MmdOptions);
  if (c.fn === 'vq') return vqTerms(t['z'] as tf.Tensor2D, t['codebook'] as tf.Tensor2D);
  if (c.fn === 'vampLogPrior') return tf.tidy(() => vampLogPrior({ z: t['z']!, mean: t['mean']!, logVar: t['logVar']!, ...labelsOf(c) }));
  if (c.fn === 'vampElboLoss') {
    const o = c.options as { likelihood: ElboLikelihood; beta: number; capacity?: number };
    const kl = tf.mean(vampKl({ z: t['z']!, mean: t['mean']!, logVar: t['logVar']!, priorMean: t['priorMean']!, priorLogVar: t['priorLogVar']! })) as tf.Scalar;
    const { loss, terms } = vampElboLoss(t['x']!, t['reconstruction']!, kl, o.likelihood, o.beta, o.capacity);
    return { loss, ...terms };
  }
  if (c.fn === 'vampKl') return tf.tidy(() => vampKl({ z: t['z']!, mean: t['mean']!, logVar: t['logVar']!, priorMean: t['priorMean']!, priorLogVar: t['priorLogVar']!, ...labelsOf(c) }));
  if (c.fn === 'betaTcLoss') {
    const o = c.options as { likelihood: ElboLikelihood; datasetSize: number; alpha: number; beta: number; gamma: number; klScale: number };
    const { loss, terms } = betaTcLoss(t['x']!, t['reconstruction']!, t['z']!, t['mean']!, t['logVar']!, o.likelihood, o.datasetSize, o, o.klScale);
    return { loss, ...terms };
  }
  if (c.fn === 'mmdLoss') {
    const o = c.options as { likelihood: ElboLikelihood; lambda: number; kernel: MmdKernel; bandwidth?: number; klScale: number };
    const { loss, terms } = mmdLoss(t['x']!, t['reconstruction']!, t['z']!, t['prior']!, o.likelihood, o, o.klScale);
    return { loss, ...terms };
  }
  return tcDecomposition({ z: t['z']!, mean: t['mean']!, logVar: t['logVar']!, ...(c.options as { datasetSize: number }) });
}

/** The scalar whose gradients the fixture holds. */
function scalarOf(c: Case, out: tf.Tensor | Record<string, tf.Tensor>): tf.Scalar {
  if (c.fn === 'vampLogPrior' || c.fn === 'vampKl') return tf.sum(out as tf.Tensor) as tf.Scalar;
  if (out instanceof tf.Tensor) return out as tf.Scalar;
  if (c.fn === 'betaTcLoss' || c.fn === 'mmdLoss' || c.fn === 'vampElboLoss') return out['loss'] as tf.Scalar;
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

/**
 * Defines the suite on `backend`; `setup` (e.g. switching to it) runs first. Values and gradient
 * entries must be within 1e-5 relative (with small absolute floors); `gradientScale` adds a floor of
 * 1e-5 times the largest entry of each gradient (wasm's exp and log are less accurate than the cpu
 * backend's, and a sum over the batch adds up their errors).
 */
export function defineDivergenceSuite(backend: string, setup?: () => Promise<unknown>, gradientScale = false): void {
describe(`mmd, tcDecomposition, the beta-tc and mmd objectives and the vector quantiser match PyTorch on the ${backend} backend`, () => {
  if (setup) beforeAll(setup);

  it('covers both kernels, explicit and default bandwidths, every reduction and the quantiser', () => {
    const names = cases.map((c) => c.name).join('\n');
    for (const fragment of ['mmd, rbf', 'mmd, imq', 'bandwidth default', 'bandwidth 0.7', 'reduction mean', 'reduction sum', 'reduction none', 'vector quantiser', 'betaTcLoss, gaussian', 'betaTcLoss, bernoulli-logits', 'mmdLoss, gaussian, rbf', 'mmdLoss, bernoulli-logits, imq', 'vampLogPrior', 'vampKl', 'vampLogPrior, conditional', 'vampKl, conditional', 'vampElboLoss, gaussian', 'vampElboLoss, bernoulli-logits']) {
      expect(names).toContain(fragment);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: value matches PyTorch', async (_name, c) => {
    expect(tf.getBackend()).toBe(backend);
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
    for (const [i, k] of wrt.entries()) {
      const largest = Math.max(...c.grads[k]!.data.map(Math.abs));
      await expectClose(grads[i]!, c.grads[k]!, `${c.name}: d/d${k}`, gradientScale ? Math.max(GRAD_ATOL, RTOL * largest) : GRAD_ATOL);
    }
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
}
