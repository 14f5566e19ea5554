/**
 * Per-feature scaling fitted on one data set and applied to later ones: standardisation,
 * min-max and robust (median / IQR) scaling, in the manner of scikit-learn's scalers.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DataInput, assertFiniteHost, assertOneOf, describe, formatShape, readOptions, toTensor, typeFail } from '../core/index.js';

/**
 * What a {@link Scaler} does to each feature `j`, `x'_j = (x_j − c_j) / s_j`:
 * - `'standard'`: `c_j` the mean, `s_j` the standard deviation (population, ddof 0) —
 *   scikit-learn's `StandardScaler`;
 * - `'minmax'`: `c_j` the minimum, `s_j` the range `max − min`, so the fit data lands in [0, 1] —
 *   `MinMaxScaler`;
 * - `'robust'`: `c_j` the median, `s_j` the interquartile range `Q3 − Q1` (numpy's linear
 *   quantiles) — `RobustScaler`, little moved by outliers in the fit data.
 *
 * A feature whose scale is 0 (constant over the fit data, or with a zero IQR) gets `s_j = 1`, as
 * scikit-learn does: it is only shifted, never divided by zero.
 * @category Preprocessing
 */
export type ScalerKind = 'standard' | 'minmax' | 'robust';

/**
 * Options of the {@link Scaler} constructor.
 * @category Preprocessing
 */
export interface ScalerOptions {
  /** See {@link ScalerKind}. */
  readonly kind: ScalerKind;
}

/**
 * A fitted {@link Scaler} as plain JSON (see {@link Scaler.toJSON}).
 * @category Preprocessing
 */
export interface ScalerJSON {
  readonly format: 'autoencoders/scaler';
  readonly version: 1;
  readonly kind: ScalerKind;
  /** The shape of one sample, e.g. `[30]` or `[28, 28, 1]`. */
  readonly featureShape: readonly number[];
  /** `c`, one per feature (row-major over `featureShape`). */
  readonly center: readonly number[];
  /** `s`, one per feature, all > 0. */
  readonly scale: readonly number[];
}

const KINDS: readonly ScalerKind[] = ['standard', 'minmax', 'robust'];

/** The `q` quantile of sorted values by numpy's linear interpolation. */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

/** Per-feature centre and scale of `data` (`n` rows of `d` values). */
function fitColumns(kind: ScalerKind, data: Float64Array, n: number, d: number): { center: Float64Array; scale: Float64Array } {
  const center = new Float64Array(d);
  const scale = new Float64Array(d);
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = data[i * d + j]!;
    column.sort();
    const constant = column[0] === column[n - 1];
    if (kind === 'standard') {
      let sum = 0;
      for (const v of column) sum += v;
      const mean = sum / n;
      let ss = 0;
      for (const v of column) ss += (v - mean) ** 2;
      center[j] = mean;
      scale[j] = constant ? 1 : Math.sqrt(ss / n);
    } else if (kind === 'minmax') {
      center[j] = column[0]!;
      scale[j] = constant ? 1 : column[n - 1]! - column[0]!;
    } else {
      center[j] = quantile(column, 0.5);
      const iqr = quantile(column, 0.75) - quantile(column, 0.25);
      scale[j] = iqr > 0 ? iqr : 1;
    }
    if (!(scale[j]! > 0)) scale[j] = 1;
  }
  return { center, scale };
}

/**
 * Scales each feature by statistics of the data it was fitted on (see {@link ScalerKind}):
 * `transform(x) = (x − c) / s`, `inverseTransform(z) = z·s + c`, per feature, for samples
 * `[n, ...features]` (each position of a sample is a feature: `[n, d]` tables, images alike).
 *
 * The statistics are computed in float64 on the host; `transform` runs on the backend in
 * float32. Fit on the training (background) data only, then apply to everything else.
 *
 * @category Preprocessing
 * @example
 * ```ts
 * const scaler = new Scaler({ kind: 'robust' }).fit([[1, 10], [2, 20], [3, 90]]);
 * const z = scaler.transform([[2, 20]]);        // tf.Tensor [1, 2]: [[0, 0]]
 * const back = scaler.inverseTransform(z);      // [[2, 20]]
 * const copy = Scaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
 * ```
 */
export class Scaler {
  /** The kind of scaling. */
  readonly kind: ScalerKind;
  #center: Float64Array | null = null;
  #scale: Float64Array | null = null;
  #featureShape: number[] | null = null;

  /**
   * @param options - `{ kind: 'standard' | 'minmax' | 'robust' }`.
   * @throws TypeError / Error on a missing or unknown kind, or unknown keys.
   */
  constructor(options: ScalerOptions) {
    const fn = 'Scaler';
    if (typeof options !== 'object' || options === null) typeFail(fn, 'options', "an options object { kind: 'standard' | 'minmax' | 'robust' }", options);
    const opts = readOptions(options, ['kind'], fn);
    assertOneOf(opts['kind'], KINDS, fn, 'options.kind');
    this.kind = opts['kind'];
  }

  /** Whether {@link Scaler.fit} (or {@link Scaler.fromJSON}) has set the statistics. */
  get isFitted(): boolean {
    return this.#center !== null;
  }

  /** The shape of one sample seen by fit, e.g. `[30]`. @throws Error before fit. */
  get featureShape(): number[] {
    return [...this.#fitted('Scaler.featureShape').shape];
  }

  /** `c`, one value per feature (a copy). @throws Error before fit. */
  get center(): Float64Array {
    return this.#fitted('Scaler.center').center.slice();
  }

  /** `s`, one value per feature, all > 0 (a copy). @throws Error before fit. */
  get scale(): Float64Array {
    return this.#fitted('Scaler.scale').scale.slice();
  }

  /**
   * Computes the per-feature statistics of `x`.
   * @param x - samples `[n, ...features]`, n >= 1, finite (any {@link DataInput}); not disposed.
   * @returns the scaler itself.
   * @throws Error naming `Scaler.fit` and `x` for data that is not data, empty, or holds NaN/Infinity.
   */
  fit(x: DataInput): this {
    const fn = 'Scaler.fit';
    const t = toTensor(x, fn, 'x');
    try {
      if (t.rank < 2 || t.shape[0] === 0) throw new Error(`${fn}: argument 'x' must be a non-empty batch [n, ...features], got shape ${formatShape(t.shape)}`);
      const n = t.shape[0]!;
      const d = t.size / n;
      const data = Float64Array.from(t.dataSync() as Float32Array);
      assertFiniteHost(data, d, fn, 'x');
      const { center, scale } = fitColumns(this.kind, data, n, d);
      this.#center = center;
      this.#scale = scale;
      this.#featureShape = t.shape.slice(1);
      return this;
    } finally {
      if (t !== x) t.dispose();
    }
  }

  /**
   * `(x − c) / s` per feature.
   * @param x - samples with the fitted feature shape, `[n, ...features]`; not disposed.
   * @returns a new float32 tensor of the shape of `x` (the caller disposes it).
   * @throws Error before fit, or when `x` does not have the fitted feature shape.
   */
  transform(x: DataInput): tf.Tensor {
    return this.#apply(x, 'Scaler.transform', false);
  }

  /**
   * `z·s + c` per feature: undoes {@link Scaler.transform}.
   * @param z - scaled samples, `[n, ...features]`; not disposed.
   * @returns a new float32 tensor of the shape of `z`.
   * @throws Error before fit, or when `z` does not have the fitted feature shape.
   */
  inverseTransform(z: DataInput): tf.Tensor {
    return this.#apply(z, 'Scaler.inverseTransform', true);
  }

  /**
   * The fitted scaler as plain JSON, `{ format: 'autoencoders/scaler', version: 1, kind, featureShape, center, scale }`.
   * @throws Error before fit.
   */
  toJSON(): ScalerJSON {
    const f = this.#fitted('Scaler.toJSON');
    return { format: 'autoencoders/scaler', version: 1, kind: this.kind, featureShape: [...f.shape], center: Array.from(f.center), scale: Array.from(f.scale) };
  }

  /**
   * A scaler from {@link Scaler.toJSON}'s output, checked as untrusted input.
   * @param json - the parsed JSON.
   * @throws Error naming `Scaler.fromJSON` and the field for a wrong format or version, an
   *   unknown kind, a bad feature shape, or centres/scales that are not finite (scales > 0) or
   *   not one per feature.
   */
  static fromJSON(json: unknown): Scaler {
    const fn = 'Scaler.fromJSON';
    if (typeof json !== 'object' || json === null || Array.isArray(json)) typeFail(fn, 'json', 'an object from Scaler.toJSON()', json);
    const j = readOptions(json, ['format', 'version', 'kind', 'featureShape', 'center', 'scale'], fn, 'json');
    if (j['format'] !== 'autoencoders/scaler') throw new Error(`${fn}: argument 'json.format' must be 'autoencoders/scaler', got ${describe(j['format'])}`);
    if (j['version'] !== 1) throw new Error(`${fn}: argument 'json.version' must be 1, got ${describe(j['version'])}`);
    assertOneOf(j['kind'], KINDS, fn, 'json.kind');
    const shape = j['featureShape'];
    if (!Array.isArray(shape) || shape.length === 0 || shape.length > 8 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
      throw new Error(`${fn}: argument 'json.featureShape' must be an array of 1 to 8 positive integers, got ${describe(shape)}`);
    }
    const d = (shape as number[]).reduce((a, b) => a * b, 1);
    const read = (key: 'center' | 'scale'): Float64Array => {
      const v = j[key];
      if (!Array.isArray(v) || v.length !== d) throw new Error(`${fn}: argument 'json.${key}' must be an array of ${d} numbers (one per feature), got ${describe(v)}`);
      const out = new Float64Array(d);
      v.forEach((x, i) => {
        if (typeof x !== 'number' || !Number.isFinite(x) || (key === 'scale' && !(x > 0))) {
          throw new Error(`${fn}: argument 'json.${key}[${i}]' must be a finite number${key === 'scale' ? ' > 0' : ''}, got ${describe(x)}`);
        }
        out[i] = x;
      });
      return out;
    };
    const scaler = new Scaler({ kind: j['kind'] });
    scaler.#center = read('center');
    scaler.#scale = read('scale');
    scaler.#featureShape = [...(shape as number[])];
    return scaler;
  }

  #fitted(fn: string): { center: Float64Array; scale: Float64Array; shape: number[] } {
    if (this.#center === null || this.#scale === null || this.#featureShape === null) throw new Error(`${fn}: the scaler is not fitted yet: call fit(x) first`);
    return { center: this.#center, scale: this.#scale, shape: this.#featureShape };
  }

  #apply(x: DataInput, fn: string, inverse: boolean): tf.Tensor {
    const f = this.#fitted(fn);
    const arg = inverse ? 'z' : 'x';
    const t = toTensor(x, fn, arg);
    try {
      const features = t.shape.slice(1);
      if (t.rank < 2 || features.length !== f.shape.length || features.some((s, i) => s !== f.shape[i])) {
        throw new Error(`${fn}: argument '${arg}' must have shape ${formatShape([null, ...f.shape])} (the fitted feature shape), got shape ${formatShape(t.shape)}`);
      }
      return tf.tidy(() => {
        const c = tf.tensor(Float32Array.from(f.center), f.shape);
        const s = tf.tensor(Float32Array.from(f.scale), f.shape);
        const xf = t.dtype === 'float32' ? t : tf.cast(t, 'float32');
        return inverse ? tf.add(tf.mul(xf, s), c) : tf.div(tf.sub(xf, c), s);
      });
    } finally {
      if (t !== x) t.dispose();
    }
  }
}
