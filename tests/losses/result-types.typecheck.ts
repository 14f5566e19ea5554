// Type-level checks of the loss result types, verified by `npx tsc --noEmit -p .` (not run by
// vitest): a reduction known at compile time gives tf.Scalar or tf.Tensor1D, an unknown one the union.
import type * as tf from '@tensorflow/tfjs-core';
import type { bce, bceWithLogits, elbo, gaussianKl, klBernoulliSparsity, l1Sparsity, mse } from '../../src/losses/index.js';
import type { BceOptions, ElboOptions, Reduction } from '../../src/losses/index.js';

type Is<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Ok<T extends true> = T;
type Base = Pick<ElboOptions, 'target' | 'reconstruction' | 'mean' | 'logVar'>;

export type Checks = [
  Ok<Is<ReturnType<typeof mse<{ reduction: 'none' }>>, tf.Tensor1D>>,
  Ok<Is<ReturnType<typeof mse<{ reduction: 'sum' }>>, tf.Scalar>>,
  Ok<Is<ReturnType<typeof bce<Record<never, never>>>, tf.Scalar>>,
  Ok<Is<ReturnType<typeof bce<BceOptions>>, tf.Scalar | tf.Tensor1D>>,
  Ok<Is<ReturnType<typeof bceWithLogits<{ reduction: Reduction }>>, tf.Scalar | tf.Tensor1D>>,
  Ok<Is<ReturnType<typeof l1Sparsity<{ weight: number }>>, tf.Scalar>>,
  Ok<Is<ReturnType<typeof klBernoulliSparsity>, tf.Scalar>>,
  Ok<Is<ReturnType<typeof gaussianKl<Record<never, never>>>, tf.Tensor1D>>,
  Ok<Is<ReturnType<typeof gaussianKl<{ reduction: 'mean' }>>, tf.Scalar>>,
  Ok<Is<ReturnType<typeof elbo<Base>>['loss'], tf.Scalar>>,
  Ok<Is<ReturnType<typeof elbo<Base & { reduction: 'none'; beta: number }>>['kl'], tf.Tensor1D>>,
];
