// The PyTorch reference suite of the losses, shared by the test files that run it on each backend.
// Ref: every expected value and gradient here comes from PyTorch (float64, from the same float32
// inputs), written to tests/fixtures/losses.json by tests/fixtures/make-loss-fixtures.py
// (see the top of that script for how to run it). Nothing here is computed with our own formulas.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import fixture from '../fixtures/losses.json' with { type: 'json' };
import { bce, bceWithLogits, elbo, gaussianKl, klBernoulliSparsity, l1Sparsity, mse } from '../../src/losses/index.js';
import type { ElboOptions } from '../../src/losses/index.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  fn: string;
  inputs: Record<string, Encoded>;
  options: Record<string, unknown>;
  expected: Encoded | Record<string, Encoded>;
  grads: Record<string, Encoded>;
}

const cases = fixture.cases as unknown as Case[];

/** Relative tolerance of values and gradients (float32 arithmetic against float64 PyTorch). */
const RTOL = 1e-5;
/** Absolute floor for values close to zero (e.g. a KL of 1e-6). */
const VALUE_ATOL = 1e-9;
/**
 * Absolute floor for gradient entries close to zero: e.g. d/dl of bceWithLogits at l = 100 is
 * e^-100 / n in float64, which float32 rounds to 0.
 */
const GRAD_ATOL = 1e-7;

/** Calls the loss of a case on tensors; returns a tensor, or the three tensors of elbo. */
function call(c: Case, t: Record<string, tf.Tensor>): tf.Tensor | Record<string, tf.Tensor> {
  const o = c.options as never;
  switch (c.fn) {
    case 'mse':
      return mse(t['target']!, t['prediction']!, o);
    case 'bce':
      return bce(t['target']!, t['probabilities']!, o);
    case 'bceWithLogits':
      return bceWithLogits(t['target']!, t['logits']!, o);
    case 'l1Sparsity':
      return l1Sparsity(t['activations']!, o);
    case 'klBernoulliSparsity':
      return klBernoulliSparsity(t['activations']!, o);
    case 'gaussianKl':
      return gaussianKl(t['mean']!, t['logVar']!, o);
    case 'elbo': {
      const out = elbo({ ...(c.options as Partial<ElboOptions>), ...t } as ElboOptions);
      return { loss: out.loss, reconstruction: out.reconstruction, kl: out.kl };
    }
    default:
      throw new Error(`unknown fixture function ${c.fn}`);
  }
}

function toTensors(inputs: Record<string, Encoded>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, 'float32')]));
}

async function expectClose(actual: tf.Tensor, expected: Encoded, label: string, atol: number): Promise<void> {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  const got = await actual.data(); // (not dataSync: WebGPU in Node cannot read synchronously)
  expected.data.forEach((want, i) => {
    const err = Math.abs(got[i]! - want);
    const tol = RTOL * Math.abs(want) + atol;
    if (!(err <= tol)) {
      throw new Error(`${label}[${i}]: got ${got[i]}, PyTorch ${want} (error ${err.toExponential(2)} > tolerance ${tol.toExponential(2)})`);
    }
  });
}

/**
 * Defines the suite under the name of the backend it must run on; `setup` (e.g. switching to
 * that backend) runs before it.
 */
export function defineReferenceSuite(backend: string, setup?: () => Promise<unknown>): void {
  describe(`losses match PyTorch on the ${backend} backend`, () => {
    if (setup) beforeAll(setup);

    it('covers every loss, reduction, likelihood and the edge cases named in the issue', () => {
      const names = cases.map((c) => c.name).join('\n');
      for (const fn of ['mse', 'bce', 'bceWithLogits', 'l1Sparsity', 'klBernoulliSparsity', 'gaussianKl', 'elbo']) {
        expect(cases.some((c) => c.fn === fn), fn).toBe(true);
        for (const r of fn === 'klBernoulliSparsity' ? [] : ['mean', 'sum', 'none']) {
          expect(cases.some((c) => c.fn === fn && c.options['reduction'] === r), `${fn} ${r}`).toBe(true);
        }
      }
      for (const fragment of ['bernoulli-logits', 'gaussian', 'beta 4', 'rho 0.05', 'rho 0.2', 'rho 0.5', 'large |logits|', 'saturated']) {
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
        for (const [key, want] of Object.entries(c.expected as Record<string, Encoded>)) {
          await expectClose(out[key]!, want, `${c.name}: ${key}`, VALUE_ATOL);
        }
      }
      tf.dispose([t, out]);
    });

    const withGrads = cases.filter((c) => Object.keys(c.grads).length > 0);
    it.each(withGrads.map((c) => [c.name, c] as const))('%s: tf.grads matches PyTorch autograd', async (_name, c) => {
      const t = toTensors(c.inputs);
      const wrt = Object.keys(c.grads);
      const f = (...xs: tf.Tensor[]): tf.Scalar => {
        const args = { ...t };
        wrt.forEach((k, i) => (args[k] = xs[i]!));
        const out = call(c, args);
        return (out instanceof tf.Tensor ? out : out['loss']!) as tf.Scalar;
      };
      const grads = tf.grads(f)(wrt.map((k) => t[k]!));
      for (const [i, k] of wrt.entries()) await expectClose(grads[i]!, c.grads[k]!, `${c.name}: d/d${k}`, GRAD_ATOL);
      tf.dispose([t, grads]);
    });
  });
}
