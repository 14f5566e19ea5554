/**
 * The options and the data inputs of {@link GaussianMixture}: their types, and their checks.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { assertFiniteHost, assertNumber, assertOneOf, fail, readOptions, toHostMatrix } from '../core/index.js';
import type { GaussianMixtureOptionsJSON } from './json.js';

/**
 * Anything {@link GaussianMixture} accepts as data, `[n, d]`: a `tf.Tensor2D` (read on the host,
 * not disposed), a `number[][]`, or `{ data: Float32Array | Float64Array, shape: [n, d] }`.
 * @category Density
 */
export type GaussianMixtureInput =
  | tf.Tensor2D
  | readonly (readonly number[])[]
  | { readonly data: Float32Array | Float64Array; readonly shape: readonly [number, number] };

/**
 * Options of {@link GaussianMixture}. All are optional.
 * @category Density
 */
export interface GaussianMixtureOptions {
  /** Number of mixture components `k`, an integer ≥ 1. Default `1`. */
  readonly components?: number;
  /**
   * Covariance of each component: `'full'` (a general `d × d` matrix; `d(d+1)/2` numbers each)
   * or `'diag'` (axis-aligned; `d` numbers each). Default `'full'`.
   */
  readonly covariance?: 'full' | 'diag';
  /** Seed of the k-means++ start, an integer (same seed, same data → same fit). Default `0`. */
  readonly seed?: number;
  /** Most EM iterations, an integer ≥ 1. Default `100` (as scikit-learn). */
  readonly maxIter?: number;
  /**
   * EM stops when the mean log-likelihood per sample (the lower bound) changes by less than
   * this between two iterations. Default `1e-3` (as scikit-learn).
   */
  readonly tol?: number;
  /**
   * Added to the diagonal of every covariance after each M-step (scikit-learn's `reg_covar`),
   * so that a component on (nearly) coincident points stays positive definite; it also bounds
   * each variance from below. Non-negative. Default `1e-6`.
   */
  readonly regCovar?: number;
  /**
   * Initial means, `components` rows of `d` numbers (scikit-learn's `means_init`), instead of
   * the k-means++ start. Each sample is then assigned to its nearest initial mean, the initial
   * weights and covariances are those of these hard clusters, and the means are the given ones.
   */
  readonly initialMeans?: readonly (readonly number[])[] | { readonly data: Float32Array | Float64Array; readonly shape: readonly [number, number] };
}

const OPTION_KEYS = ['components', 'covariance', 'seed', 'maxIter', 'tol', 'regCovar', 'initialMeans'] as const;

/** Checked options with their defaults filled in (`fn` names the caller in errors). @internal */
export function normalizeOptions(options: unknown, fn: string): GaussianMixtureOptionsJSON {
  const o = readOptions(options, OPTION_KEYS, fn);
  const components = o['components'] ?? 1;
  assertNumber(components, fn, 'options.components', { min: 1, integer: true });
  const covariance = o['covariance'] ?? 'full';
  assertOneOf(covariance, ['full', 'diag'] as const, fn, 'options.covariance');
  const seed = o['seed'] ?? 0;
  assertNumber(seed, fn, 'options.seed', { integer: true });
  const maxIter = o['maxIter'] ?? 100;
  assertNumber(maxIter, fn, 'options.maxIter', { min: 1, integer: true });
  const tol = o['tol'] ?? 1e-3;
  assertNumber(tol, fn, 'options.tol', { min: 0 });
  const regCovar = o['regCovar'] ?? 1e-6;
  assertNumber(regCovar, fn, 'options.regCovar', { min: 0 });
  let initialMeans: number[][] | null = null;
  const raw = o['initialMeans'];
  if (raw !== undefined && raw !== null) {
    const m = toHostMatrix(raw, fn, 'options.initialMeans');
    assertFiniteHost(m.data, m.cols, fn, 'options.initialMeans');
    if (m.rows !== components || m.cols === 0) {
      fail(fn, 'options.initialMeans', `${components} rows (options.components) of at least one number`, raw);
    }
    initialMeans = Array.from({ length: m.rows }, (_, j) => Array.from(m.data.subarray(j * m.cols, (j + 1) * m.cols)));
  }
  return { components, covariance, seed, maxIter, tol, regCovar, initialMeans };
}

/** Reads a 2-D input into float64 and rejects empty or non-finite data. @internal */
export function readData(x: unknown, fn: string, arg = 'x'): { data: Float64Array; n: number; d: number } {
  const m = toHostMatrix(x, fn, arg);
  if (m.cols === 0) fail(fn, arg, 'a matrix with at least one feature (column)', x);
  if (m.rows === 0) fail(fn, arg, 'a matrix with at least one sample (row)', x);
  assertFiniteHost(m.data, m.cols, fn, arg);
  return { data: m.data, n: m.rows, d: m.cols };
}
