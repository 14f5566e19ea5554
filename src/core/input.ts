import * as tf from '@tensorflow/tfjs-core';
import { describe, fail, formatShape, isTensor, typeFail } from './errors.js';
import { assertNumericTensor } from './validate.js';

/**
 * Data the package accepts wherever a batch of samples is expected:
 * - a `tf.Tensor` (`[n, d]`, or `[n, h, w, c]` for images) — used as is, never disposed by us;
 *   float32, or int32 / bool (cast to float32 where a float is needed);
 * - a `number[][]` (`n` rows of `d` numbers);
 * - `{ data, shape }`: a flat row-major typed array and its shape.
 *
 * The values of a `number[][]` or `{ data, shape }` must be finite: they are checked as they are
 * copied, and a NaN or ±Infinity (or a number too large for float32) throws, naming where it is.
 * A tensor's values are not read back to be checked (that would stall a GPU): a NaN in a tensor
 * gives NaN outputs, which the functions that read numbers back ({@link train},
 * {@link evaluate}, {@link anomalyScores}) report as errors.
 *
 * @category Data
 */
export type DataInput =
  | tf.Tensor
  | readonly (readonly number[])[]
  | { readonly data: Float32Array | Float64Array; readonly shape: readonly number[] };

/** A 2-D data input: `[n, d]`. @category Data */
export type MatrixInput =
  | tf.Tensor2D
  | readonly (readonly number[])[]
  | { readonly data: Float32Array | Float64Array; readonly shape: readonly [number, number] };

/**
 * Class labels for conditional models: one non-negative integer class index in `[0, numClasses)`
 * per sample, as a `number[]`, an `Int32Array` or a rank-1 tensor (an int32 tensor is used as
 * is; a float tensor is cast to int32, which truncates).
 *
 * @category Data
 * @example
 * ```ts
 * const y: LabelInput = [0, 2, 1, 1];
 * ```
 */
export type LabelInput = readonly number[] | Int32Array | tf.Tensor1D;

/** A flat, row-major float64 copy of a matrix. @internal */
export interface HostMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

function isFlat(x: unknown): x is { data: Float32Array | Float64Array; shape: readonly number[] } {
  return (
    typeof x === 'object' &&
    x !== null &&
    'data' in x &&
    'shape' in x &&
    (x.data instanceof Float32Array || x.data instanceof Float64Array) &&
    Array.isArray(x.shape)
  );
}

function checkFlatShape(shape: readonly number[], length: number, fn: string, arg: string): void {
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) {
    fail(fn, `${arg}.shape`, 'an array of non-negative integers', shape);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== length) {
    throw new Error(
      `${fn}: argument '${arg}' has shape ${formatShape(shape)} (${size} values) but its data holds ${length} values`,
    );
  }
}

/**
 * Throws unless `stored`, the value at flat index `index` as it was stored, is finite: naming the
 * `source` value (NaN, ±Infinity, or a finite number that overflowed the float type it was stored
 * in) and where it is (a row and a column when `cols` > 0, else an index). @internal
 */
function checkStoredFinite(stored: number, source: number, index: number, cols: number, fn: string, arg: string): void {
  if (Number.isFinite(stored)) return;
  const where = cols > 0 ? `row ${Math.floor(index / cols)}, column ${index % cols}` : `index ${index}`;
  const what = Number.isFinite(source) ? `${String(source)} (too large for float32)` : String(source);
  throw new Error(`${fn}: argument '${arg}' must hold finite numbers, found ${what} at ${where}`);
}

/**
 * A rectangular `number[][]` as flat row-major data of the given float type (float64 keeps every
 * value exact). With `finite`, a value that is not finite once stored throws.
 */
function rowsToFlat<A extends Float32Array | Float64Array>(
  rows: readonly (readonly number[])[],
  fn: string,
  arg: string,
  ArrayType: new (length: number) => A,
  finite = false,
): { data: A; shape: [number, number] } {
  const n = rows.length;
  const first = rows[0];
  if (!Array.isArray(first)) typeFail(fn, arg, 'a tf.Tensor, number[][] or { data, shape }', rows);
  const d = first.length;
  const data = new ArrayType(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== d) {
      throw new Error(`${fn}: argument '${arg}' must be a rectangular number[][]: row 0 has ${d} values, row ${i} is ${describe(row)}`);
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number') typeFail(fn, `${arg}[${i}][${j}]`, 'a number', v);
      data[i * d + j] = v;
      if (finite) checkStoredFinite(data[i * d + j]!, v, i * d + j, d, fn, arg);
    }
  }
  return { data, shape: [n, d] };
}

/**
 * Turns any {@link DataInput} into a tensor: a number[][] or `{ data, shape }` (whose values must
 * be finite) into a new float32 tensor; a tensor (float32, int32 or bool) is returned as is
 * (the caller must not dispose it); any other input gives a new tensor that the caller owns:
 * dispose it when `result !== x`.
 * @internal
 */
export function toTensor(x: unknown, fn: string, arg: string): tf.Tensor {
  if (isTensor(x)) {
    assertNumericTensor(x, fn, arg);
    return x;
  }
  if (Array.isArray(x)) {
    if (x.length === 0) fail(fn, arg, 'a non-empty number[][]', x);
    const { data, shape } = rowsToFlat(x, fn, arg, Float32Array, true);
    return tf.tensor2d(data, shape);
  }
  if (isFlat(x)) {
    checkFlatShape(x.shape, x.data.length, fn, arg);
    const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
    const cols = x.shape.length >= 2 ? x.data.length / x.shape[0]! : 0;
    for (let i = 0; i < data.length; i++) checkStoredFinite(data[i]!, x.data[i]!, i, cols, fn, arg);
    return tf.tensor(data, [...x.shape], 'float32');
  }
  return typeFail(fn, arg, 'a tf.Tensor, number[][] or { data: Float32Array | Float64Array, shape }', x);
}

/** {@link toTensor} that also requires rank 2. @internal */
export function toTensor2D(x: unknown, fn: string, arg: string): tf.Tensor2D {
  const t = toTensor(x, fn, arg);
  if (t.rank !== 2) {
    if (t !== x) t.dispose();
    throw new Error(`${fn}: argument '${arg}' must be 2-D [samples, features], got shape ${formatShape(t.shape)}`);
  }
  return t as tf.Tensor2D;
}

/**
 * Copies any 2-D input into a float64 host matrix (reads tensors synchronously; a `number[][]`
 * keeps its float64 values exactly). Does not check values; see {@link assertFiniteHost}.
 * @internal
 */
export function toHostMatrix(x: unknown, fn: string, arg: string): HostMatrix {
  if (isTensor(x)) {
    if (x.isDisposed) throw new Error(`${fn}: argument '${arg}' is a disposed tensor`);
    if (x.rank !== 2) throw new Error(`${fn}: argument '${arg}' must be 2-D [samples, features], got shape ${formatShape(x.shape)}`);
    return { data: Float64Array.from(x.dataSync() as Float32Array), rows: x.shape[0]!, cols: x.shape[1]! };
  }
  if (Array.isArray(x)) {
    if (x.length === 0) fail(fn, arg, 'a non-empty number[][]', x);
    const { data, shape } = rowsToFlat(x, fn, arg, Float64Array);
    return { data, rows: shape[0], cols: shape[1] };
  }
  if (isFlat(x)) {
    checkFlatShape(x.shape, x.data.length, fn, arg);
    if (x.shape.length !== 2) throw new Error(`${fn}: argument '${arg}' must be 2-D [samples, features], got shape ${formatShape(x.shape)}`);
    return { data: x.data instanceof Float64Array ? x.data.slice() : Float64Array.from(x.data), rows: x.shape[0]!, cols: x.shape[1]! };
  }
  return typeFail(fn, arg, 'a tf.Tensor2D, number[][] or { data: Float32Array | Float64Array, shape: [n, d] }', x);
}

/** Throws naming the first NaN or ±Infinity and where it is. @internal */
export function assertFiniteHost(data: ArrayLike<number>, cols: number, fn: string, arg: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      const where = cols > 0 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new Error(`${fn}: argument '${arg}' must hold finite numbers, found ${String(v)} at ${where}`);
    }
  }
}
