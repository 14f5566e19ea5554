/**
 * Input reading and output shaping for PCA: every method accepts a tensor, a `number[][]` or
 * `{ data, shape }` and answers in the same kind.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteHost, fail, isTensor, toHostMatrix, typeFail } from '../core/index.js';

/** Which kind of input a method received (it answers in the same kind). @internal */
export type InputKind = 'tensor' | 'array' | 'float64' | 'float32';

/** A float64 row-major copy of a 2-D input, and its kind. @internal */
export interface HostInput {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly kind: InputKind;
}

/** The kind of a 2-D input, without reading it. @internal */
export function inputKind(x: unknown, fn: string, arg: string): InputKind {
  if (isTensor(x)) return 'tensor';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'object' && x !== null && 'data' in x) {
    const data = (x as { data: unknown }).data;
    if (data instanceof Float64Array) return 'float64';
    if (data instanceof Float32Array) return 'float32';
  }
  return typeFail(fn, arg, 'a tf.Tensor2D, number[][] or { data: Float32Array | Float64Array, shape: [n, d] }', x);
}

/**
 * Reads any 2-D input into float64 (tensors are read synchronously and not disposed), and
 * rejects empty dimensions and (unless `checkFinite` is false: the caller checks later)
 * NaN/±Infinity with an error naming the place.
 * @internal
 */
export function readInput(x: unknown, fn: string, arg = 'x', checkFinite = true): HostInput {
  const kind = inputKind(x, fn, arg);
  const m = toHostMatrix(x, fn, arg);
  const host: HostInput = { data: m.data, n: m.rows, d: m.cols, kind };
  if (host.d === 0) fail(fn, arg, 'a matrix with at least one feature (column)', x);
  if (host.n === 0) fail(fn, arg, 'a matrix with at least one sample (row)', x);
  if (checkFinite) assertFiniteHost(host.data, host.d, fn, arg);
  return host;
}

/** Result of a method for a given input kind (see the method docs). @internal */
export type MatrixOutput = tf.Tensor2D | number[][] | { data: Float64Array | Float32Array; shape: [number, number] };

/** Shapes a float64 `n × c` result for the input kind. @internal */
export function toOutput(kind: InputKind, data: Float64Array, n: number, c: number): MatrixOutput {
  switch (kind) {
    case 'tensor':
      return tf.tensor2d(Float32Array.from(data), [n, c]);
    case 'array': {
      const rows: number[][] = new Array<number[]>(n);
      for (let i = 0; i < n; i++) rows[i] = Array.from(data.subarray(i * c, i * c + c));
      return rows;
    }
    case 'float64':
      return { data, shape: [n, c] };
    case 'float32':
      return { data: Float32Array.from(data), shape: [n, c] };
  }
}
