// The variational objectives against PyTorch: values and gradients.
// Ref: every expected value comes from PyTorch (float64, from the same float32 inputs) and every
// expected gradient from central finite differences in float64 (checked there against autograd),
// written to tests/fixtures/variational.json by tests/fixtures/make-variational-fixtures.py.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/variational.json' with { type: 'json' };
import { elbo, iwae, logImportanceWeights, regularizedElbo } from '../../src/losses/index.js';
import type { ElboOptions, ImportanceOptions, RegularizedElboOptions } from '../../src/losses/index.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  fn: 'regularizedElbo' | 'iwae';
  inputs: Record<string, Encoded>;
  options: Record<string, unknown>;
  expected: Record<string, Encoded>;
  grads: Record<string, Encoded>;
}

const cases = fixture.cases as unknown as Case[];
const RTOL = 2e-5;
const GRAD_RTOL = 1e-4;

function close(got: ArrayLike<number>, want: Encoded, rtol: number, atol: number, label: string): void {
  expect(got.length, `${label}: size`).toBe(want.data.length);
  want.data.forEach((w, i) => {
    const err = Math.abs(got[i]! - w);
    if (!(err <= rtol * Math.abs(w) + atol)) throw new Error(`${label}[${i}]: got ${got[i]}, PyTorch ${w} (error ${err.toExponential(2)})`);
  });
}

function tensors(c: Case): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, 'float32')]));
}

function loss(c: Case, t: Record<string, tf.Tensor>): tf.Scalar {
  return c.fn === 'iwae'
    ? iwae({ ...(c.options as object), ...t } as unknown as ImportanceOptions)
    : regularizedElbo({ ...(c.options as object), ...t } as unknown as RegularizedElboOptions).loss;
}

describe('variational objectives against PyTorch', () => {
  for (const c of cases) {
    it(`${c.fn}: ${c.name} — values and finite-difference gradients`, () => {
      const before = tf.memory().numTensors;
      const t = tensors(c);
      if (c.fn === 'regularizedElbo') {
        const out = regularizedElbo({ ...(c.options as object), ...t } as unknown as RegularizedElboOptions);
        for (const key of ['loss', 'reconstruction', 'kl'] as const) close(out[key].dataSync(), c.expected[key]!, RTOL, 1e-6, key);
        tf.dispose(out);
      } else {
        const scalar = iwae({ ...(c.options as object), ...t } as unknown as ImportanceOptions);
        close(scalar.dataSync(), c.expected['loss']!, RTOL, 1e-6, 'loss');
        const per = iwae({ ...(c.options as object), ...t, reduction: 'none' } as unknown as ImportanceOptions & { reduction: 'none' });
        close(per.dataSync(), c.expected['perSample']!, RTOL, 1e-6, 'perSample');
        const { reduction: _r, ...importance } = { ...(c.options as object), ...t, reduction: undefined };
        const logW = logImportanceWeights(importance as unknown as ImportanceOptions);
        expect(logW.shape).toEqual(c.expected['logWeights']!.shape);
        close(logW.dataSync(), c.expected['logWeights']!, RTOL, 1e-5, 'logWeights');
        tf.dispose([scalar, per, logW]);
      }
      const wrt = Object.keys(c.grads);
      const grads = tf.grads((...xs: tf.Tensor[]) => loss(c, { ...t, ...Object.fromEntries(wrt.map((k, i) => [k, xs[i]!])) }))(wrt.map((k) => t[k]!));
      wrt.forEach((k, i) => close(grads[i]!.dataSync(), c.grads[k]!, GRAD_RTOL, 1e-5, `d loss / d ${k}`));
      tf.dispose([grads, t]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('regularizedElbo without free bits or capacity is elbo', () => {
    const plain = cases.find((c) => c.name === 'plain, bernoulli')!;
    const t = tensors(plain);
    const a = regularizedElbo(t as unknown as RegularizedElboOptions);
    const b = elbo(t as unknown as ElboOptions);
    expect(a.loss.dataSync()[0]).toBeCloseTo(b.loss.dataSync()[0]!, 4);
    expect(a.kl.dataSync()[0]).toBeCloseTo(b.kl.dataSync()[0]!, 5);
    tf.dispose([t, a, b]);
  });

  it('name the function and the argument on bad input', () => {
    const x = tf.zeros([2, 3]);
    const m = tf.zeros([2, 2]);
    expect(() => regularizedElbo({ target: x, reconstruction: x, mean: m, logVar: m, freeBits: -1 })).toThrow("regularizedElbo: argument 'options.freeBits'");
    expect(() => regularizedElbo({ target: x, reconstruction: x, mean: m, logVar: tf.zeros([2, 3]) })).toThrow(/regularizedElbo: argument 'logVar' must have shape \[2,2\]/);
    expect(() => iwae({ target: x, reconstruction: tf.zeros([4, 2, 3]), noise: tf.zeros([4, 2, 3]), mean: m, logVar: m })).toThrow(
      "iwae: argument 'noise' must have shape [k,2,2]",
    );
    expect(() => iwae({ target: x, reconstruction: tf.zeros([3, 2, 3]), noise: tf.zeros([4, 2, 2]), mean: m, logVar: m })).toThrow(
      "iwae: argument 'reconstruction' must have shape [4,2,3]",
    );
    expect(() => logImportanceWeights(undefined as never)).toThrow(TypeError);
    tf.dispose([x, m]);
  });
});
