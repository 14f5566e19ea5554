// Shapes, memory, input checks and error messages of the losses. Numeric correctness against
// PyTorch is in reference.test.ts; here only invariants (no reference numbers are needed).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bce, bceWithLogits, elbo, gaussianKl, klBernoulliSparsity, l1Sparsity, mse } from '../../src/losses/index.js';
import type { ElboOutput, Reduction } from '../../src/losses/index.js';

const x = (): tf.Tensor2D => tf.tensor2d([[0, 1, 1], [1, 0, 1]]);
const p = (): tf.Tensor2D => tf.tensor2d([[0.2, 0.7, 0.9], [0.6, 0.1, 0.5]]);
const mu = (): tf.Tensor2D => tf.tensor2d([[0.1, -0.3], [0.5, 0.2]]);
const lv = (): tf.Tensor2D => tf.tensor2d([[-0.2, 0.1], [0.3, -0.5]]);

/** Runs `call`, checks it left exactly `expected` new tensors, then disposes them and checks none leaked. */
function expectNoLeak(call: () => tf.TensorContainer, expected: number): void {
  const before = tf.memory().numTensors;
  const out = call();
  expect(tf.memory().numTensors - before).toBe(expected);
  tf.dispose(out);
  expect(tf.memory().numTensors).toBe(before);
}

describe('losses: results and memory', () => {
  it('leaves only its result in memory, for every loss and reduction', () => {
    const [a, b, m, v] = [x(), p(), mu(), lv()];
    const i32 = tf.tensor2d([[0, 1, 1], [1, 0, 1]], undefined, 'int32');
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectNoLeak(() => mse(a, b, { reduction }), 1);
      expectNoLeak(() => mse(i32, b, { reduction }), 1);
      expectNoLeak(() => bce(a, b, { reduction }), 1);
      expectNoLeak(() => bceWithLogits(a, b, { reduction }), 1);
      expectNoLeak(() => l1Sparsity(b, { reduction }), 1);
      expectNoLeak(() => gaussianKl(m, v, { reduction }), 1);
      for (const likelihood of ['bernoulli', 'bernoulli-logits', 'gaussian'] as const) {
        expectNoLeak(() => elbo({ target: a, reconstruction: b, mean: m, logVar: v, likelihood, reduction }), 3);
      }
    }
    expectNoLeak(() => klBernoulliSparsity(b), 1);
    expectNoLeak(() => elbo({ target: i32, reconstruction: b, mean: m, logVar: v, beta: 3 }), 3);
    tf.dispose([a, b, m, v, i32]);
  });

  it('frees every intermediate of the backward pass too', () => {
    const [a, b, m, v] = [x(), p(), mu(), lv()];
    const before = tf.memory().numTensors;
    const grads = tf.grads((q: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor) =>
      // (tf.addN's gradient fails in tfjs 4.22, so a chain of tf.add)
      [
        bce(a, q),
        bceWithLogits(a, q),
        l1Sparsity(q),
        klBernoulliSparsity(q),
        gaussianKl(mean, logVar, { reduction: 'mean' }),
        elbo({ target: a, reconstruction: q, mean, logVar }).loss,
      ].reduce((s: tf.Scalar, t) => tf.add(s, t), mse(a, q)),
    )([b, m, v]);
    expect(tf.memory().numTensors - before).toBe(3);
    grads.forEach((g) => expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true));
    tf.dispose([grads, a, b, m, v]);
  });

  it('returns a scalar by default and the per-sample values [batch] with reduction none', () => {
    const [a, b, m, v] = [x(), p(), mu(), lv()];
    const scalar: tf.Scalar = mse(a, b);
    const perSample: tf.Tensor1D = mse(a, b, { reduction: 'none' });
    const kl: tf.Tensor1D = gaussianKl(m, v);
    const klMean: tf.Scalar = gaussianKl(m, v, { reduction: 'mean' });
    const out: ElboOutput<tf.Tensor1D> = elbo({ target: a, reconstruction: b, mean: m, logVar: v, reduction: 'none' });
    const dynamic: Reduction = 'sum';
    const either: tf.Scalar | tf.Tensor1D = bce(a, b, { reduction: dynamic });
    expect(scalar.shape).toEqual([]);
    expect(perSample.shape).toEqual([2]);
    expect(kl.shape).toEqual([2]);
    expect(klMean.shape).toEqual([]);
    expect([out.loss.shape, out.reconstruction.shape, out.kl.shape]).toEqual([[2], [2], [2]]);
    expect(either.shape).toEqual([]);
    tf.dispose([a, b, m, v, scalar, perSample, kl, klMean, out, either]);
  });

  it('makes mean and sum the mean and the sum of what reduction none returns', () => {
    const a = tf.randomUniform([5, 3, 2], 0, 1, 'float32', 7);
    const b = tf.randomUniform([5, 3, 2], 0.01, 0.99, 'float32', 8);
    const m = tf.randomNormal([5, 4], 0, 1, 'float32', 9);
    const v = tf.randomNormal([5, 4], 0, 1, 'float32', 10);
    const losses: ((r: Reduction) => tf.Tensor)[] = [
      (reduction) => mse(a, b, { reduction }),
      (reduction) => bce(a, b, { reduction }),
      (reduction) => bceWithLogits(a, b, { reduction }),
      (reduction) => l1Sparsity(a, { reduction, weight: 0.3 }),
      (reduction) => gaussianKl(m, v, { reduction }),
      (reduction) => elbo({ target: a, reconstruction: b, mean: m, logVar: v, likelihood: 'gaussian', beta: 2, reduction }).loss,
    ];
    for (const loss of losses) {
      const none = Array.from(loss('none').dataSync());
      const sum = none.reduce((s, e) => s + e, 0);
      expect(loss('sum').dataSync()[0]).toBeCloseTo(sum, 4);
      expect(loss('mean').dataSync()[0]).toBeCloseTo(sum / none.length, 5);
    }
    tf.dispose([a, b, m, v]);
  });

  it('casts int32 and bool targets to float32', () => {
    const f = tf.tensor2d([[0, 1], [1, 1]]);
    const i = tf.tensor2d([[0, 1], [1, 1]], undefined, 'int32');
    const bo = tf.tensor2d([[0, 1], [1, 1]], undefined, 'bool');
    const q = tf.tensor2d([[0.3, 0.6], [0.8, 0.4]]);
    const [rf, ri, rb] = [bce(f, q), bce(i, q), bce(bo, q)];
    expect(ri.dtype).toBe('float32');
    expect(ri.dataSync()[0]).toBe(rf.dataSync()[0]);
    expect(rb.dataSync()[0]).toBe(rf.dataSync()[0]);
    tf.dispose([f, i, bo, q, rf, ri, rb]);
  });

  it('gives a finite bce and bceWithLogits for saturated inputs', () => {
    const t = tf.tensor2d([[1, 0, 1, 0]]);
    const sat = tf.tensor2d([[0, 1, 1, 0]]);
    const logits = tf.tensor2d([[-1e4, 1e4, 1e30, -1e30]]);
    const values = [bce(t, sat), bceWithLogits(t, logits)].map((r) => r.dataSync()[0]!);
    expect(values.every(Number.isFinite)).toBe(true);
    tf.dispose([t, sat, logits]);
  });
});

describe('losses: input checks', () => {
  it('throws a TypeError naming the function and the argument for a non-tensor', () => {
    const a = x();
    expect(() => mse([[1, 2]] as never, a)).toThrow(TypeError);
    expect(() => mse([[1, 2]] as never, a)).toThrow("mse: argument 'target' must be a tf.Tensor, got an array of length 1");
    expect(() => bce(a, null as never)).toThrow("bce: argument 'probabilities' must be a tf.Tensor, got null");
    expect(() => bceWithLogits(a, 3 as never)).toThrow("bceWithLogits: argument 'logits' must be a tf.Tensor");
    expect(() => l1Sparsity({} as never)).toThrow(TypeError);
    expect(() => klBernoulliSparsity(undefined as never)).toThrow("klBernoulliSparsity: argument 'activations' must be a tf.Tensor, got undefined");
    expect(() => gaussianKl(a, 'x' as never)).toThrow("gaussianKl: argument 'logVar' must be a tf.Tensor");
    expect(() => elbo(undefined as never)).toThrow(TypeError);
    expect(() => elbo({ target: a, reconstruction: [1] as never, mean: a, logVar: a })).toThrow("elbo: argument 'reconstruction' must be a tf.Tensor");
    a.dispose();
  });

  it('names the function, the argument, the expected and the received shape on a mismatch', () => {
    const a = x();
    const b = tf.zeros([2, 4]);
    const c = tf.zeros([3, 2]);
    expect(() => mse(a, b)).toThrow("mse: argument 'prediction' must have shape [2,3] (the shape of 'target'), got shape [2,4]");
    expect(() => bce(a, b)).toThrow("bce: argument 'probabilities' must have shape [2,3] (the shape of 'target'), got shape [2,4]");
    expect(() => bceWithLogits(a, b)).toThrow("bceWithLogits: argument 'logits' must have shape [2,3]");
    expect(() => gaussianKl(a, b)).toThrow("gaussianKl: argument 'logVar' must have shape [2,3] (the shape of 'mean'), got shape [2,4]");
    expect(() => elbo({ target: a, reconstruction: b, mean: c, logVar: c })).toThrow(
      "elbo: argument 'reconstruction' must have shape [2,3] (the shape of 'target'), got shape [2,4]",
    );
    expect(() => elbo({ target: a, reconstruction: a, mean: c, logVar: c })).toThrow(
      "elbo: argument 'mean' must have shape [2,...] (the batch size of 'target'), got shape [3,2]",
    );
    tf.dispose([a, b, c]);
  });

  it('rejects scalars, empty, disposed and string tensors', () => {
    const s = tf.scalar(1);
    const empty = tf.zeros([0, 3]);
    const gone = tf.zeros([2, 3]);
    gone.dispose();
    const str = tf.tensor(['a', 'b']);
    expect(() => mse(s, s)).toThrow("mse: argument 'target' must be a tensor of rank >= 1 with the batch on the first axis");
    expect(() => l1Sparsity(empty)).toThrow("l1Sparsity: argument 'activations' must be a non-empty tensor, got a tensor of shape [0,3]");
    expect(() => klBernoulliSparsity(gone)).toThrow("klBernoulliSparsity: argument 'activations' is a disposed tensor");
    expect(() => l1Sparsity(str)).toThrow(TypeError);
    tf.dispose([s, empty, str]);
  });

  it('rejects bad options, naming the option and the value', () => {
    const [a, b] = [x(), p()];
    expect(() => mse(a, b, { reduction: 'avg' as never })).toThrow("mse: argument 'options.reduction' must be one of 'mean', 'sum', 'none', got the string \"avg\"");
    expect(() => mse(a, b, { reducton: 'sum' } as never)).toThrow("mse: unknown option 'reducton'");
    expect(() => bce(a, b, { epsilon: 0 })).toThrow("bce: argument 'options.epsilon' must be a finite number > 0 < 0.5, got the number 0");
    expect(() => bce(a, b, 'mean' as never)).toThrow(TypeError);
    expect(() => l1Sparsity(a, { weight: -1 })).toThrow("l1Sparsity: argument 'options.weight' must be a finite number >= 0, got the number -1");
    expect(() => klBernoulliSparsity(b, { rho: 1 })).toThrow("klBernoulliSparsity: argument 'options.rho' must be a finite number > 0 < 1, got the number 1");
    expect(() => klBernoulliSparsity(b, { weight: NaN })).toThrow("klBernoulliSparsity: argument 'options.weight' must be a finite number >= 0, got the number NaN");
    expect(() => klBernoulliSparsity(b, { reduction: 'none' } as never)).toThrow("klBernoulliSparsity: unknown option 'reduction'");
    const m = mu();
    expect(() => elbo({ target: a, reconstruction: b, mean: m, logVar: m, beta: -0.5 })).toThrow("elbo: argument 'options.beta' must be a finite number >= 0, got the number -0.5");
    expect(() => elbo({ target: a, reconstruction: b, mean: m, logVar: m, likelihood: 'poisson' as never })).toThrow(
      "elbo: argument 'options.likelihood' must be one of 'bernoulli', 'bernoulli-logits', 'gaussian', got the string \"poisson\"",
    );
    tf.dispose([a, b, m]);
  });

  it('allocates nothing when it throws', () => {
    const [a, b] = [x(), tf.zeros([2, 4])];
    const before = tf.memory().numTensors;
    expect(() => elbo({ target: a, reconstruction: a, mean: b, logVar: a })).toThrow();
    expect(() => bce(a, a, { epsilon: 2 })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
