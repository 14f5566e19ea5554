/**
 * Time series as windows for the models, and window scores back to one score per time step.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf, describe, isTensor, readOptions, typeFail } from '../core/index.js';

/**
 * A time series: `number[]` or a typed array (one channel), `number[][]` (time × channels), or a
 * tensor `[T]` or `[T, C]`.
 * @category Preprocessing
 */
export type SeriesInput = readonly number[] | Float32Array | Float64Array | readonly (readonly number[])[] | tf.Tensor1D | tf.Tensor2D;

/**
 * Options of {@link slidingWindows}.
 * @category Preprocessing
 */
export interface SlidingWindowOptions {
  /** Time steps per window, an integer in [1, T]. */
  readonly size: number;
  /** Time steps between the starts of consecutive windows, an integer >= 1. Default `1`. */
  readonly stride?: number;
}

/**
 * Options of {@link windowScoresToPoints}.
 * @category Preprocessing
 */
export interface WindowScoreOptions {
  /** The window size given to {@link slidingWindows}. */
  readonly size: number;
  /** The stride given to {@link slidingWindows}. Default `1`. */
  readonly stride?: number;
  /** `T`, the length of the series the windows came from. */
  readonly length: number;
  /** How the scores of the windows that cover a time step are combined. Default `'mean'`. */
  readonly reduce?: 'mean' | 'max';
}

/** The series as flat host data `[T × C]` (time-major), checked finite. */
function readSeries(series: unknown, fn: string): { data: Float64Array; length: number; channels: number } {
  const arg = 'series';
  if (isTensor(series)) {
    if (series.isDisposed) throw new Error(`${fn}: argument '${arg}' is a disposed tensor`);
    if (series.rank !== 1 && series.rank !== 2) throw new Error(`${fn}: argument '${arg}' must be a tensor [T] or [T, C], got shape [${series.shape.join(',')}]`);
    const data = Float64Array.from(series.dataSync() as Float32Array);
    const out = { data, length: series.shape[0]!, channels: series.rank === 2 ? series.shape[1]! : 1 };
    checkFinite(out.data, out.channels, fn);
    return out;
  }
  if (series instanceof Float32Array || series instanceof Float64Array) {
    const out = { data: Float64Array.from(series), length: series.length, channels: 1 };
    checkFinite(out.data, 1, fn);
    return out;
  }
  if (!Array.isArray(series)) typeFail(fn, arg, 'a number[], number[][] (time × channels), typed array or tensor [T] / [T, C]', series);
  if (series.length === 0) throw new Error(`${fn}: argument '${arg}' must hold at least one time step, got an empty array`);
  if (Array.isArray(series[0])) {
    const channels = (series[0] as unknown[]).length;
    if (channels === 0) throw new Error(`${fn}: argument '${arg}[0]' must hold at least one channel, got an empty array`);
    const data = new Float64Array(series.length * channels);
    series.forEach((row: unknown, t) => {
      if (!Array.isArray(row) || row.length !== channels) throw new Error(`${fn}: argument '${arg}[${t}]' must be an array of ${channels} numbers (as row 0), got ${describe(row)}`);
      row.forEach((v: unknown, c) => {
        if (typeof v !== 'number') typeFail(fn, `${arg}[${t}][${c}]`, 'a number', v);
        data[t * channels + c] = v;
      });
    });
    checkFinite(data, channels, fn);
    return { data, length: series.length, channels };
  }
  const data = new Float64Array(series.length);
  series.forEach((v: unknown, t) => {
    if (typeof v !== 'number') typeFail(fn, `${arg}[${t}]`, 'a number', v);
    data[t] = v;
  });
  checkFinite(data, 1, fn);
  return { data, length: series.length, channels: 1 };
}

function checkFinite(data: Float64Array, channels: number, fn: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const t = Math.floor(i / channels);
      const where = channels > 1 ? `time step ${t}, channel ${i % channels}` : `time step ${t}`;
      throw new Error(`${fn}: argument 'series' must hold finite numbers, found ${String(data[i])} at ${where} (fill or drop missing values first)`);
    }
  }
}

/** Reads size and stride against a series of length T. */
function readWindow(opts: Record<string, unknown>, length: number, fn: string, lengthName: string): { size: number; stride: number; count: number } {
  const { size, stride = 1 } = opts;
  assertNumber(size, fn, 'options.size', { integer: true, min: 1 });
  assertNumber(stride, fn, 'options.stride', { integer: true, min: 1 });
  if (size > length) {
    throw new Error(`${fn}: argument 'options.size' (${size}) must be at most ${lengthName} (${length}): the window is longer than the series`);
  }
  return { size, stride, count: Math.floor((length - size) / stride) + 1 };
}

/**
 * Cuts a time series into overlapping windows, one row per window, for a dense autoencoder:
 * window `w` covers time steps `w·stride … w·stride + size − 1`, and its row is those steps'
 * values time-major, `row[k·C + c] = series[w·stride + k][c]`. There are
 * `nWindows = ⌊(T − size) / stride⌋ + 1` windows; time steps after the last window (when
 * `stride` does not divide `T − size`) are in none. Reshape the result to `[nWindows, size, C]`
 * for a 1-D convolutional autoencoder.
 *
 * @param series - `[T]` or `[T, C]` (see {@link SeriesInput}); finite values; not disposed.
 * @param options - `{ size, stride = 1 }`.
 * @returns a new float32 tensor `[nWindows, size·C]`; the caller disposes it.
 * @throws TypeError for a series that is not one; Error for an empty or ragged series, NaN or
 *   ±Infinity in it (naming the time step), `size` not an integer in [1, T], or `stride` not an
 *   integer >= 1.
 * @category Preprocessing
 * @example
 * ```ts
 * const w = slidingWindows([1, 2, 3, 4, 5], { size: 3, stride: 2 }); // [[1, 2, 3], [3, 4, 5]]
 * w.dispose();
 * ```
 */
export function slidingWindows(series: SeriesInput, options: SlidingWindowOptions): tf.Tensor2D {
  const fn = 'slidingWindows';
  if (typeof options !== 'object' || options === null) typeFail(fn, 'options', 'an options object { size, stride }', options);
  const opts = readOptions(options, ['size', 'stride'], fn);
  const s = readSeries(series, fn);
  const { size, stride, count } = readWindow(opts, s.length, fn, 'the series length');
  const width = size * s.channels;
  const out = new Float32Array(count * width);
  for (let w = 0; w < count; w++) out.set(s.data.subarray(w * stride * s.channels, w * stride * s.channels + width), w * width);
  return tf.tensor2d(out, [count, width]);
}

/**
 * One score per time step from one score per window (of {@link slidingWindows} with the same
 * `size` and `stride`): time step `t` gets the mean (or max) of the scores of the windows that
 * contain it, `{w : w·stride <= t < w·stride + size}`. Time steps after the last window take
 * the last window's score.
 *
 * @param scores - one finite score per window, `nWindows = ⌊(length − size) / stride⌋ + 1` of them.
 * @param options - `{ size, stride = 1, length, reduce = 'mean' }`.
 * @returns a `Float32Array` `[length]`.
 * @throws TypeError when `scores` is not an array; Error for a bad option, a score count that
 *   does not match the windows, or a NaN score.
 * @category Preprocessing
 * @example
 * ```ts
 * windowScoresToPoints([1, 3], { size: 3, stride: 2, length: 5 }); //=> [1, 1, 2, 3, 3]
 * ```
 */
export function windowScoresToPoints(scores: ArrayLike<number>, options: WindowScoreOptions): Float32Array {
  const fn = 'windowScoresToPoints';
  if (typeof options !== 'object' || options === null) typeFail(fn, 'options', 'an options object { size, stride, length, reduce }', options);
  const opts = readOptions(options, ['size', 'stride', 'length', 'reduce'], fn);
  const { length, reduce = 'mean' } = opts;
  assertNumber(length, fn, 'options.length', { integer: true, min: 1 });
  assertOneOf(reduce, ['mean', 'max'] as const, fn, 'options.reduce');
  const { size, stride, count } = readWindow(opts, length, fn, 'options.length');
  if (!Array.isArray(scores) && !(ArrayBuffer.isView(scores) && !(scores instanceof DataView))) typeFail(fn, 'scores', 'an array of numbers', scores);
  if (scores.length !== count) {
    throw new Error(`${fn}: argument 'scores' must hold one score per window, ${count} for length ${length}, size ${size}, stride ${stride}; got ${scores.length}`);
  }
  const total = new Float64Array(length);
  const hits = new Float64Array(length);
  const best = new Float64Array(length).fill(-Infinity);
  for (let w = 0; w < count; w++) {
    const v = scores[w];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${fn}: argument 'scores' must hold finite numbers, found ${describe(v)} at index ${w}`);
    for (let t = w * stride; t < w * stride + size; t++) {
      total[t]! += v;
      hits[t]! += 1;
      if (v > best[t]!) best[t] = v;
    }
  }
  const out = new Float32Array(length);
  const last = Number(scores[count - 1]);
  for (let t = 0; t < length; t++) out[t] = hits[t] === 0 ? last : reduce === 'mean' ? total[t]! / hits[t]! : best[t]!;
  return out;
}
