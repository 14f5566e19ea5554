// mmd, tcDecomposition and vampLogPrior: PyTorch reference values on the cpu backend (see divergences-suite.ts),
// and their behaviour, leaks and errors.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/divergences.json' with { type: 'json' };
import { mmd, tcDecomposition, vampLogPrior } from '../../src/losses/index.js';
import { defineDivergenceSuite } from './divergences-suite.js';

interface Encoded {
  shape: number[];
  data: number[];
}
const cases = fixture.cases as unknown as { fn: string; inputs: Record<string, Encoded> }[];
const toTensors = (inputs: Record<string, Encoded>): Record<string, tf.Tensor> =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, 'float32')]));

defineDivergenceSuite('cpu');

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
    tf.dispose(vampLogPrior({ z: x, mean: y, logVar: tf.slice(lv, [0, 0], [5, 3]) }));
    expect(() => mmd(x, tf.zeros([1, 3]))).toThrow();
    expect(tf.memory().numTensors).toBe(start + 2); // the tf.zeros and the slice just above
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
      expect(() => vampLogPrior({ z: x, mean: tf.zeros([2, 2]), logVar: tf.zeros([2, 2]) })).toThrow(/vampLogPrior: argument 'mean' must have shape \[K,3\]/);
      expect(() => vampLogPrior({ z: x, mean: tf.zeros([2, 3]), logVar: tf.zeros([3, 3]) })).toThrow(/vampLogPrior: argument 'logVar' must have shape \[2,3\]/);
      expect(() => vampLogPrior({ z: tf.zeros([3]), mean: x, logVar: x })).toThrow(/vampLogPrior: argument 'z' must be a 2-D tensor/);
      expect(() => vampLogPrior({ z: x, mean: x, logVar: x, k: 2 } as never)).toThrow(/vampLogPrior: unknown option 'k'/);
    });
  });
});
