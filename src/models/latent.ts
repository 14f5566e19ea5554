/**
 * Latent-space tools: decoding the path between two codes, and a code with one dimension varied
 * at a time (the figures of the VAE and β-VAE papers).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DataInput, assertNumber, assertOneOf, describe, readOptions, toTensor, typeFail } from '../core/index.js';
import { Autoencoder } from './autoencoder.js';
import { CVAE } from './cvae.js';
import { VAE } from './vae.js';

/** A model with a code per sample: the VAE (its posterior mean) or an autoencoder. @category Models */
export type LatentModel = VAE | Autoencoder;

/**
 * Options of {@link interpolate}.
 * @category Models
 * @example
 * ```ts
 * const options: InterpolateOptions = { steps: 10, method: 'slerp' };
 * ```
 */
export interface InterpolateOptions {
  /** Points on the path, both ends included (an integer ≥ 2). Default 8. */
  readonly steps?: number;
  /** `'linear'` (default): `(1 − t)·a + t·b`; `'slerp'`: along the great circle (see {@link interpolate}). */
  readonly method?: 'linear' | 'slerp';
}

/**
 * Options of {@link latentTraversal}.
 * @category Models
 * @example
 * ```ts
 * const options: LatentTraversalOptions = { dims: [0, 1, 2], values: [-2, 0, 2] };
 * ```
 */
export interface LatentTraversalOptions {
  /** The code dimensions to vary, each an integer in `[0, codeSize)`. Default: all of them. */
  readonly dims?: readonly number[];
  /** The values each dimension takes in turn (finite numbers). Default `[-3, -2, -1, 0, 1, 2, 3]`. */
  readonly values?: readonly number[];
}

const INTERPOLATE_KEYS = ['steps', 'method'] as const;
const TRAVERSAL_KEYS = ['dims', 'values'] as const;
const DEFAULT_VALUES = [-3, -2, -1, 0, 1, 2, 3];

function checkModel(model: unknown, fn: string): LatentModel {
  if (model instanceof CVAE) {
    throw new Error(`${fn}: argument 'model' is a CVAE, whose codes depend on labels: encode and decode with cvae.encode(x, labels) and cvae.decode(z, labels)`);
  }
  if (!(model instanceof VAE) && !(model instanceof Autoencoder)) typeFail(fn, 'model', 'a VAE or an Autoencoder of this package', model);
  if (model.isDisposed) throw new Error(`${fn}: argument 'model' was disposed`);
  return model;
}

/** The codes of `x` flattened to `[n, size]`, and the code's own shape. Call inside `tf.tidy`. */
function flatCodes(model: LatentModel, x: tf.Tensor): { codes: tf.Tensor2D; shape: number[] } {
  const codes = model.encode(x);
  const shape = codes.shape.slice(1);
  return { codes: tf.reshape(codes, [codes.shape[0]!, -1]) as tf.Tensor2D, shape };
}

/** Decodes `[m, size]` flat codes of `shape` and gives `[n, ...outer, ...features]`. Call inside `tf.tidy`. */
function decodeGrid(model: LatentModel, codes: tf.Tensor, shape: number[], outer: number[]): tf.Tensor {
  const decoded = model.decode(tf.reshape(codes, [-1, ...shape]));
  return tf.reshape(decoded, [...outer, ...decoded.shape.slice(1)]);
}

/**
 * Decodes the path between the codes of two samples: with `a`'s code `z_a` and `b`'s `z_b` (the
 * posterior mean for a VAE, the encoder's output for an autoencoder, flattened) and
 * `t_i = i / (steps − 1)`, it decodes
 *
 * - `'linear'`: `z(t) = (1 − t)·z_a + t·z_b`;
 * - `'slerp'` (spherical, Shoemake 1985, as White 2016 "Sampling generative networks" uses it for
 *   Gaussian latent spaces): with `Ω = arccos(z_a·z_b / (|z_a| |z_b|))`,
 *   `z(t) = sin((1 − t)Ω)/sin Ω · z_a + sin(tΩ)/sin Ω · z_b` (linear where `sin Ω ≈ 0`).
 *
 * Row `j` of `a` is paired with row `j` of `b`. Both ends are included: the first step decodes
 * `z_a`, the last `z_b`.
 *
 * @param model - a {@link VAE} or an {@link Autoencoder} (not disposed).
 * @param a - `[n, ...inputShape]`; not disposed.
 * @param b - `[n, ...inputShape]`, the same `n`; not disposed.
 * @param options - `{ steps = 8, method = 'linear' }`.
 * @returns `[n, steps, ...inputShape]`, owned by the caller. Runs in `tf.tidy`.
 * @throws TypeError for another model; Error for a CVAE, mismatched inputs or bad options.
 * @category Models
 * @example
 * ```ts
 * // given: const seven: tf.Tensor2D, one: tf.Tensor2D;
 * const path = interpolate(vae, seven, one, { steps: 10, method: 'slerp' }); // [1, 10, 784]
 * ```
 */
export function interpolate(model: LatentModel, a: DataInput, b: DataInput, options: InterpolateOptions = {}): tf.Tensor {
  const fn = 'interpolate';
  const m = checkModel(model, fn);
  const opts = readOptions(options, INTERPOLATE_KEYS, fn);
  const steps = opts['steps'] ?? 8;
  assertNumber(steps, fn, 'options.steps', { integer: true, min: 2, max: 4096 });
  const method = opts['method'] ?? 'linear';
  assertOneOf(method, ['linear', 'slerp'] as const, fn, 'options.method');
  return tf.tidy(() => {
    const ta = toTensor(a, fn, 'a');
    const tb = toTensor(b, fn, 'b');
    if (ta.shape[0] !== tb.shape[0]) {
      throw new Error(`${fn}: arguments 'a' and 'b' must hold as many samples (rows are paired), got ${describe(ta)} and ${describe(tb)}`);
    }
    const { codes: za, shape } = flatCodes(m, ta);
    const { codes: zb } = flatCodes(m, tb);
    const n = za.shape[0];
    const t = tf.reshape(tf.linspace(0, 1, steps), [1, steps, 1]);
    const A = tf.expandDims(za, 1);
    const B = tf.expandDims(zb, 1);
    let path: tf.Tensor;
    if (method === 'linear') {
      path = tf.add(tf.mul(tf.sub(1, t), A), tf.mul(t, B));
    } else {
      const cos = tf.div(tf.sum(tf.mul(za, zb), 1, true), tf.maximum(tf.mul(tf.norm(za, 'euclidean', 1, true), tf.norm(zb, 'euclidean', 1, true)), 1e-12));
      const omega = tf.expandDims(tf.acos(tf.clipByValue(cos, -1, 1)), 1); // [n, 1, 1]
      const sinOmega = tf.sin(omega);
      const small = tf.less(tf.abs(sinOmega), 1e-6);
      const safe = tf.where(small, tf.onesLike(sinOmega), sinOmega);
      const wa = tf.where(small, tf.sub(1, tf.mul(t, tf.onesLike(omega))), tf.div(tf.sin(tf.mul(tf.sub(1, t), omega)), safe));
      const wb = tf.where(small, tf.mul(t, tf.onesLike(omega)), tf.div(tf.sin(tf.mul(t, omega)), safe));
      path = tf.add(tf.mul(wa, A), tf.mul(wb, B));
    }
    return decodeGrid(m, path, shape, [n, steps]);
  });
}

/**
 * Decodes the code of each sample with one dimension varied at a time: for every `d` of `dims`
 * and `v` of `values`, the code `z` (a VAE's posterior mean, an autoencoder's encoder output,
 * flattened) with `z_d = v` — the traversal figure of Higgins et al. 2017 (β-VAE). For a VAE the
 * default values `−3 … 3` span the prior `N(0, 1)` of each dimension.
 *
 * @param model - a {@link VAE} or an {@link Autoencoder} (not disposed).
 * @param x - `[n, ...inputShape]`; not disposed.
 * @param options - `{ dims = all, values = [-3, -2, -1, 0, 1, 2, 3] }`.
 * @returns `[n, dims.length, values.length, ...inputShape]`, owned by the caller. Runs in `tf.tidy`.
 * @throws TypeError for another model; Error for a CVAE, a dimension out of range or bad options.
 * @category Models
 * @example
 * ```ts
 * // given: const digit: tf.Tensor2D;
 * const grid = latentTraversal(vae, digit, { dims: [0, 1], values: [-2, -1, 0, 1, 2] }); // [1, 2, 5, 784]
 * ```
 */
export function latentTraversal(model: LatentModel, x: DataInput, options: LatentTraversalOptions = {}): tf.Tensor {
  const fn = 'latentTraversal';
  const m = checkModel(model, fn);
  const opts = readOptions(options, TRAVERSAL_KEYS, fn);
  const values = opts['values'] ?? DEFAULT_VALUES;
  if (!Array.isArray(values) || values.length === 0) typeFail(fn, 'options.values', 'a non-empty array of finite numbers', values);
  values.forEach((v, i) => assertNumber(v, fn, `options.values[${i}]`));
  const dimsOption = opts['dims'];
  if (dimsOption !== undefined && (!Array.isArray(dimsOption) || dimsOption.length === 0)) {
    typeFail(fn, 'options.dims', 'a non-empty array of code dimensions', dimsOption);
  }
  return tf.tidy(() => {
    const { codes, shape } = flatCodes(m, toTensor(x, fn, 'x'));
    const [n, size] = codes.shape;
    const dims = (dimsOption as readonly unknown[] | undefined) ?? Array.from({ length: size }, (_, i) => i);
    dims.forEach((d, i) => assertNumber(d, fn, `options.dims[${i}]`, { integer: true, min: 0, max: size - 1 }));
    const D = dims.length;
    const V = values.length;
    // mask [D, 1, size]: 1 at the varied dimension; grid values [1, V, 1].
    const mask = tf.reshape(tf.oneHot(tf.tensor1d(dims as number[], 'int32'), size), [1, D, 1, size]);
    const grid = tf.reshape(tf.tensor1d(values as number[]), [1, 1, V, 1]);
    const base = tf.reshape(codes, [n, 1, 1, size]);
    const varied = tf.add(tf.mul(base, tf.sub(1, mask)), tf.mul(mask, grid));
    return decodeGrid(m, varied, shape, [n, D, V]);
  });
}
