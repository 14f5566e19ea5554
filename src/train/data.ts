import * as tf from '@tensorflow/tfjs-core';
import { describe, fail, formatShape, isTensor, toTensor, typeFail } from '../core/index.js';
import type { Batch } from '../models/contract.js';
import { type FeatureShape, readsBackCheaply, shapesMatch } from '../models/internal.js';

/**
 * What the trainer can check about the data before the first step, read off the model: the
 * feature shape of one sample (`inputShape`) and, for a conditional model, its number of classes
 * (`numClasses`; labels are then required and must lie in `[0, numClasses)`).
 * @internal
 */
export interface DataContract {
  readonly inputShape?: FeatureShape;
  readonly numClasses?: number;
}

/**
 * The {@link DataContract} of one of the package's models (`kind` 'autoencoder', 'vae' or
 * 'cvae'): its `inputShape` (one sample, no batch axis) and a CVAE's `numClasses`. Another
 * `TrainableModel` gets an empty contract: its data is checked by its own `computeLoss`.
 * @internal
 */
export function dataContract(model: unknown): DataContract {
  const m = model as { kind?: unknown; inputShape?: unknown; numClasses?: unknown };
  if (m.kind !== 'autoencoder' && m.kind !== 'vae' && m.kind !== 'cvae') return {};
  const shape = m.inputShape;
  const inputShape =
    Array.isArray(shape) && shape.every((s) => s === null || (Number.isInteger(s) && (s as number) > 0)) ? (shape as FeatureShape) : undefined;
  const numClasses = m.kind === 'cvae' && Number.isInteger(m.numClasses) && (m.numClasses as number) > 0 ? (m.numClasses as number) : undefined;
  return { ...(inputShape === undefined ? {} : { inputShape }), ...(numClasses === undefined ? {} : { numClasses }) };
}

/**
 * In-memory samples on the device: rows `start … start + count − 1` of `x` (and `y`).
 * Training and validation parts of one tensor share it, told apart by the range.
 * @internal
 */
export interface MemorySource {
  readonly kind: 'memory';
  readonly x: tf.Tensor;
  readonly y: tf.Tensor1D | undefined;
  readonly start: number;
  readonly count: number;
}

/** An async iterable of batches, converted one item at a time. @internal */
export interface StreamSource {
  readonly kind: 'stream';
  readonly iterable: AsyncIterable<unknown>;
  readonly arg: string;
  /** What each batch is checked against. */
  readonly contract: DataContract;
}

/** @internal */
export type Source = MemorySource | StreamSource;

/** A prepared data argument and the tensors the trainer created for it (to dispose). @internal */
export interface Prepared {
  readonly source: Source;
  readonly owned: tf.Tensor[];
}

/** A batch and the tensors created to build it (to dispose after the step). @internal */
export interface ConvertedBatch {
  readonly batch: Batch;
  readonly size: number;
  readonly owned: tf.Tensor[];
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

function hasX(value: unknown): value is { x: unknown; y?: unknown } {
  return typeof value === 'object' && value !== null && !isTensor(value) && 'x' in value;
}

/** Converts samples to a float32 tensor of rank ≥ 2 with ≥ 1 row; records what it created. */
function samples(value: unknown, fn: string, arg: string, owned: tf.Tensor[], contract: DataContract): tf.Tensor {
  let t = toTensor(value, fn, arg);
  if (t !== value) owned.push(t);
  if (t.rank < 2) {
    throw new Error(`${fn}: argument '${arg}' must have rank ≥ 2 ([samples, ...features]), got shape ${formatShape(t.shape)}`);
  }
  if (t.shape[0] === 0) fail(fn, arg, 'at least one sample', t);
  const expected = contract.inputShape;
  if (expected !== undefined && (t.rank !== expected.length + 1 || !shapesMatch(t.shape.slice(1), expected))) {
    throw new Error(`${fn}: argument '${arg}' must have shape ${formatShape([null, ...expected])} (the model's input shape), got shape ${formatShape(t.shape)}`);
  }
  if (t.dtype !== 'float32') {
    t = tf.cast(t, 'float32');
    owned.push(t);
  }
  return t;
}

/** Throws naming the first class index outside `[0, numClasses)`. */
function checkClassRange(values: ArrayLike<number>, numClasses: number, fn: string, arg: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= numClasses) {
      throw new Error(`${fn}: argument '${arg}' must hold class indices in [0, ${numClasses}) (the model's numClasses), found ${describe(v)} at index ${i}`);
    }
  }
}

/**
 * Converts class labels to an int32 `[n]` tensor, checked against the model's `numClasses` when
 * known (a tensor only where reading it back is cheap); records what it created.
 */
function labels(value: unknown, n: number, fn: string, arg: string, owned: tf.Tensor[], contract: DataContract): tf.Tensor1D {
  const K = contract.numClasses;
  if (isTensor(value)) {
    if (value.isDisposed) throw new Error(`${fn}: argument '${arg}' is a disposed tensor`);
    if (value.rank !== 1 || value.shape[0] !== n || (value.dtype !== 'int32' && value.dtype !== 'float32')) {
      fail(fn, arg, `an int32 or float32 rank-1 tensor of ${n} class indices (one per sample)`, value);
    }
    let indices = value as tf.Tensor1D;
    if (value.dtype !== 'int32') {
      indices = tf.cast(value, 'int32') as tf.Tensor1D;
      owned.push(indices);
    }
    // Read back only where that is cheap; on a GPU the model turns a bad label into a NaN loss.
    if (K !== undefined && readsBackCheaply()) checkClassRange(indices.dataSync(), K, fn, arg);
    return indices;
  }
  if (!Array.isArray(value) && !(value instanceof Int32Array)) {
    typeFail(fn, arg, 'class indices as number[], Int32Array or tf.Tensor1D', value);
  }
  const list = value as ArrayLike<unknown>;
  if (list.length !== n) fail(fn, arg, `${n} class indices (one per sample)`, value);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || (K !== undefined && v >= K)) {
      fail(fn, `${arg}[${i}]`, K === undefined ? 'a non-negative integer class index' : `an integer class index in [0, ${K}) (the model's numClasses)`, v);
    }
    out[i] = v;
  }
  const t = tf.tensor1d(out, 'int32');
  owned.push(t);
  return t;
}

/** Throws when a conditional model gets samples without labels. */
function requireLabels(contract: DataContract, value: unknown, fn: string, arg: string): void {
  if (contract.numClasses !== undefined) {
    fail(fn, arg, `{ x, y } with class labels in [0, ${contract.numClasses}) (the model is conditional)`, value);
  }
}

/**
 * Turns a data argument of `train`/`evaluate` into a source. On error, disposes what it
 * created before throwing.
 * @internal
 */
export function prepareData(data: unknown, fn: string, arg: string, contract: DataContract = {}): Prepared {
  if (isAsyncIterable(data)) return { source: { kind: 'stream', iterable: data, arg, contract }, owned: [] };
  const owned: tf.Tensor[] = [];
  try {
    if (hasX(data)) {
      const x = samples(data.x, fn, `${arg}.x`, owned, contract);
      const n = x.shape[0]!;
      if (!('y' in data) || data.y === undefined) {
        fail(fn, `${arg}.y`, 'class labels (pass the samples alone when there are none)', undefined);
      }
      const y = labels(data.y, n, fn, `${arg}.y`, owned, contract);
      return { source: { kind: 'memory', x, y, start: 0, count: n }, owned };
    }
    if (data === undefined || data === null || typeof data !== 'object') {
      typeFail(fn, arg, 'a tf.Tensor, number[][], { data, shape }, { x, y } or an async iterable of batches', data);
    }
    requireLabels(contract, data, fn, arg);
    const x = samples(data, fn, arg, owned, contract);
    return { source: { kind: 'memory', x, y: undefined, start: 0, count: x.shape[0]! }, owned };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}

/**
 * Converts one item of an async iterable to a batch. On error, disposes what it created.
 * @internal
 */
export function convertBatch(item: unknown, fn: string, arg: string, contract: DataContract = {}): ConvertedBatch {
  const owned: tf.Tensor[] = [];
  try {
    if (isTensor(item)) {
      requireLabels(contract, item, fn, arg);
      const x = samples(item, fn, arg, owned, contract);
      return { batch: { x }, size: x.shape[0]!, owned };
    }
    if (!hasX(item)) {
      typeFail(fn, arg, 'a tf.Tensor or { x, y? } (each item of the async iterable)', item);
    }
    const x = samples(item.x, fn, `${arg}.x`, owned, contract);
    const size = x.shape[0]!;
    if (item.y === undefined) {
      requireLabels(contract, item, fn, arg);
      return { batch: { x }, size, owned };
    }
    const y = labels(item.y, size, fn, `${arg}.y`, owned, contract);
    return { batch: { x, y }, size, owned };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}

/**
 * Rows `[from, from + count)` of a memory source, as a new source sharing its tensors.
 * @internal
 */
export function subRange(source: MemorySource, from: number, count: number): MemorySource {
  return { kind: 'memory', x: source.x, y: source.y, start: source.start + from, count };
}

/**
 * Builds the batch of rows `offset … offset + size − 1` of `source` (relative to its
 * start), or, with `order` (absolute row indices of the whole epoch, int32), the rows
 * `order[offset … offset + size − 1]` gathered on the device. Call inside `tf.tidy`.
 * @internal
 */
export function memoryBatch(source: MemorySource, offset: number, size: number, order?: tf.Tensor1D): Batch {
  if (order !== undefined) {
    const idx = tf.slice(order, [offset], [size]);
    const x = tf.gather(source.x, idx);
    return source.y === undefined ? { x } : { x, y: tf.gather(source.y, idx) };
  }
  const begin = source.x.shape.map((_, i) => (i === 0 ? source.start + offset : 0));
  const extent = source.x.shape.map((s, i) => (i === 0 ? size : s));
  const x = tf.slice(source.x, begin, extent);
  return source.y === undefined ? { x } : { x, y: tf.slice(source.y, [source.start + offset], [size]) };
}

/**
 * Iterates an async-iterable source, converting each item; disposes each converted batch's
 * own tensors after `body` returns, and closes the iterator when the loop ends early.
 * `body` returns false to stop. Returns the number of batches seen.
 * @internal
 */
export async function forEachStreamBatch(
  source: StreamSource,
  fn: string,
  body: (batch: Batch, size: number, index: number) => Promise<boolean>,
): Promise<number> {
  const iterator = source.iterable[Symbol.asyncIterator]();
  if (typeof iterator?.next !== 'function') {
    fail(fn, source.arg, 'an async iterable whose [Symbol.asyncIterator]() returns an iterator', iterator);
  }
  let index = 0;
  let finished = false;
  try {
    for (;;) {
      const result = await iterator.next();
      if (result.done === true) {
        finished = true;
        return index;
      }
      const { batch, size, owned } = convertBatch(result.value, fn, `${source.arg} (batch ${index})`, source.contract);
      let go: boolean;
      try {
        go = await body(batch, size, index);
      } finally {
        tf.dispose(owned);
      }
      index++;
      if (!go) return index;
    }
  } finally {
    if (!finished && typeof iterator.return === 'function') {
      try {
        await iterator.return();
      } catch {
        // The iterator's own clean-up failed; the outcome of the loop (or its error) stands.
      }
    }
  }
}
