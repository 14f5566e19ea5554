import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteHost, assertNumber, assertOneOf, describe, fail, isTensor, rejectUnknownKeys, typeFail } from '../core/index.js';
import { readInput, toOutput } from './io.js';
import { parseDocument, toDocument, type PCAJSON, type PCAOptionsJSON } from './json.js';
import { columnStats } from './linalg/gram.js';
import { productNT } from './linalg/workspace.js';
import {
  fitFull,
  fitRandomized,
  incrementalStep,
  type ComponentsSpec,
  type FittedSolver,
  type FittedState,
} from './solvers.js';

/**
 * How {@link PCA} computes the components (`m = min(n, d)`, `k` components).
 * - `'full'`: exact, in float64 — eigendecomposition of the Gram matrix of the centred data on
 *   its smaller side (`XcᵀXc` when `d ≤ n`, else `XcXcᵀ` and `vᵢ = Xcᵀuᵢ/sᵢ`), by Householder
 *   tridiagonalisation, implicit QL for all eigenvalues and inverse iteration (or QL with
 *   rotations when `4k ≥ m`) for the k eigenvectors. Cost `O(n·d·m + m³)`.
 * - `'randomized'`: Halko, Martinsson & Tropp's range finder with `nOversamples` extra
 *   directions and `nIter` power iterations (seeded by `seed`), then an exact decomposition of
 *   the small projected problem. When forming the Gram matrix (`n·d·m/2` multiply-adds) is
 *   cheaper than `2·nIter + 2` passes over the data, the range finder runs on it (each power
 *   iteration then costs only `m²·(k + nOversamples)`) and the Gram matrix is built with float32
 *   products summed in float64 (relative error ≈ 10⁻⁶, well below the method's own
 *   approximation); otherwise it runs on the data, in float64. Needs an integer `nComponents`.
 * - `'incremental'`: incremental PCA (Ross et al.; scikit-learn's `IncrementalPCA`): `fit` feeds
 *   the data in batches of `batchSize` rows, as {@link PCA.partialFit} does for data that does
 *   not fit in memory. Needs an integer (or omitted) `nComponents`.
 * - `'auto'` (default): `'full'` when `nComponents` is a fraction or omitted, or when
 *   `max(n, d) ≤ 500`, or when `nComponents ≥ 0.8·min(n, d)`; otherwise `'randomized'` (the rule
 *   of scikit-learn).
 *
 * In every solver, constant features are left out of the Gram matrix (they add nothing to it),
 * and features that are mostly exact zeros (pixels, counts) are accumulated row by row from their
 * non-zeros instead of through the dense product — exact, and much cheaper on sparse data.
 * @category PCA
 */
export type PCASolver = 'auto' | 'full' | 'randomized' | 'incremental';

/**
 * Options of {@link PCA}. All are optional.
 * @category PCA
 */
export interface PCAOptions {
  /**
   * Components to keep: an integer `k ≥ 1` (at most `min(nSamples, nFeatures)`), or a fraction
   * in (0, 1) meaning "the fewest components whose explained-variance ratios sum to more than
   * this" (exact solver only), or omitted for all `min(nSamples, nFeatures)` (for `partialFit`:
   * `min(first batch size, nFeatures)`). Note that `1` means one component.
   */
  readonly nComponents?: number;
  /** Solver; default `'auto'`. See {@link PCASolver}. */
  readonly solver?: PCASolver;
  /**
   * Scale the projections to unit variance: `transform` divides component i by
   * `√explainedVariance[i]` (components of zero variance map to 0) and `inverseTransform` undoes
   * it. Default `false`.
   */
  readonly whiten?: boolean;
  /** Seed of the randomized solver, an integer (same seed, same data → same result). Default `0`. */
  readonly seed?: number;
  /** Randomized solver: directions sampled beyond `nComponents`. Default `10`. */
  readonly nOversamples?: number;
  /**
   * Randomized solver: power iterations, or `'auto'` — 7 when `nComponents < 0.1·min(n, d)`,
   * else 4 (scikit-learn's rule). Default `'auto'`.
   */
  readonly nIter?: number | 'auto';
  /** Incremental solver: rows per batch in `fit`. Default `5·nFeatures` (as scikit-learn). */
  readonly batchSize?: number;
}

/**
 * A host-side matrix: row-major float64 values and their shape `[rows, cols]`. It is accepted
 * wherever the package takes a `{ data, shape }` input, and `tf.tensor2d(m.data, m.shape)` turns
 * it into a tensor.
 * @category PCA
 */
export interface PCAMatrix {
  readonly data: Float64Array;
  readonly shape: [number, number];
}

/** Anything {@link PCA} accepts as data: `[n, d]`. @category PCA */
export type PCAInput =
  | tf.Tensor2D
  | readonly (readonly number[])[]
  | { readonly data: Float32Array | Float64Array; readonly shape: readonly [number, number] };

/**
 * What a projecting method returns for an input of type `X`: a `tf.Tensor2D` (float32, which
 * the caller disposes) for a tensor, a `number[][]` for a `number[][]`, and `{ data, shape }`
 * with the same typed-array type for `{ data, shape }`.
 * @category PCA
 */
export type PCAOutput<X> = X extends tf.Tensor
  ? tf.Tensor2D
  : X extends { readonly data: Float32Array }
    ? { data: Float32Array; shape: [number, number] }
    : X extends { readonly data: Float64Array }
      ? { data: Float64Array; shape: [number, number] }
      : X extends readonly (readonly number[])[]
        ? number[][]
        : tf.Tensor2D | number[][] | { data: Float32Array | Float64Array; shape: [number, number] };

/**
 * What {@link PCA.reconstructionError} returns for an input of type `X`: a `Float32Array` for a
 * tensor or float32 data, a `Float64Array` otherwise.
 * @category PCA
 */
export type PCAScores<X> = X extends tf.Tensor ? Float32Array : X extends { readonly data: Float32Array } ? Float32Array : Float64Array;

const OPTION_KEYS = ['nComponents', 'solver', 'whiten', 'seed', 'nOversamples', 'nIter', 'batchSize'] as const;

function normalizeOptions(options: unknown): PCAOptionsJSON {
  const fn = 'new PCA';
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) typeFail(fn, 'options', 'an object', options);
  const o = options as Record<string, unknown>;
  rejectUnknownKeys(o, OPTION_KEYS, fn, 'options');
  const nComponents = o['nComponents'];
  if (nComponents !== undefined && nComponents !== null) {
    assertNumber(nComponents, fn, 'options.nComponents', { min: 0, minExclusive: true });
    if (nComponents > 1 && !Number.isInteger(nComponents)) {
      fail(fn, 'options.nComponents', 'an integer >= 1 or a fraction in (0, 1)', nComponents);
    }
  }
  const solver = o['solver'] ?? 'auto';
  assertOneOf(solver, ['auto', 'full', 'randomized', 'incremental'] as const, fn, 'options.solver');
  const whiten = o['whiten'] ?? false;
  if (typeof whiten !== 'boolean') typeFail(fn, 'options.whiten', 'a boolean', whiten);
  const seed = o['seed'] ?? 0;
  assertNumber(seed, fn, 'options.seed', { integer: true });
  const nOversamples = o['nOversamples'] ?? 10;
  assertNumber(nOversamples, fn, 'options.nOversamples', { min: 0, integer: true });
  const nIter = o['nIter'] ?? 'auto';
  if (nIter !== 'auto') assertNumber(nIter, fn, 'options.nIter', { min: 0, max: 1000, integer: true });
  const batchSize = o['batchSize'] ?? null;
  if (batchSize !== null) assertNumber(batchSize, fn, 'options.batchSize', { min: 1, integer: true });
  if (typeof nComponents === 'number' && nComponents < 1 && (solver === 'randomized' || solver === 'incremental')) {
    fail(fn, 'options.nComponents', `an integer with solver '${solver}' (a fraction needs the exact solver)`, nComponents);
  }
  return {
    nComponents: typeof nComponents === 'number' ? nComponents : null,
    solver,
    whiten,
    seed,
    nOversamples,
    nIter,
    batchSize: batchSize as number | null,
  };
}

function componentsSpec(n: PCAOptionsJSON['nComponents']): ComponentsSpec {
  if (n === null) return { kind: 'all' };
  return n < 1 ? { kind: 'fraction', fraction: n } : { kind: 'count', k: n };
}

/**
 * Principal component analysis: the optimal rank-k linear approximation of data under squared
 * loss, with uncorrelated components ranked by the variance they explain. The baseline every
 * autoencoder is compared with.
 *
 * Data `X` is `[n, d]` (samples × features): a `tf.Tensor2D`, a `number[][]`, or
 * `{ data: Float32Array | Float64Array, shape: [n, d] }`. Fitting reads it into float64 on the
 * host: the eigensolver needs float64, and the large products run in a small WebAssembly SIMD
 * kernel of this package (plain JavaScript where WebAssembly SIMD is missing) — on the CPU that
 * is 20–30 times faster than a tfjs `matMul` on the cpu or wasm backend, so fitting never uses
 * the tfjs backend. Projecting a tensor runs on the active backend. Every method answers in the
 * kind of its input (see {@link PCAOutput}); tensors it returns belong to the caller. The model
 * itself holds no tensors: fitted attributes are plain host arrays (copies — changing them does
 * not change the model) and there is nothing to dispose.
 *
 * Conventions (as scikit-learn): variances use the `n − 1` denominator; singular values are
 * those of the centred data. Component signs are deterministic: the largest-magnitude entry of
 * each component is positive (the first such entry on ties).
 *
 * @category PCA
 * @example
 * ```ts
 * const pca = new PCA({ nComponents: 1 });
 * pca.fit([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]]);
 * pca.explainedVarianceRatio; //=> Float64Array [0.99244...]
 * pca.transform([[1, 1]]);    //=> [[1.3834...]]
 * ```
 */
export class PCA {
  readonly #options: PCAOptionsJSON;
  #state: FittedState | null = null;

  /**
   * Creates an unfitted model. Throws on unknown or invalid options.
   * @param options - see {@link PCAOptions}; all optional.
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 50, solver: 'randomized', seed: 42 });
   * ```
   */
  constructor(options: PCAOptions = {}) {
    this.#options = normalizeOptions(options);
  }

  /**
   * Fits the model to `x` (`[n, d]`, n ≥ 2) with the configured solver, replacing any previous
   * fit. If it throws (bad input, bad `nComponents`), the previous state is kept unchanged.
   * @param x - `[n, d]` data: tensor (read, not disposed), `number[][]` or `{ data, shape }`.
   * @returns this model.
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 2 }).fit(x);
   * ```
   */
  fit(x: PCAInput): this {
    const fn = 'PCA.fit';
    const { data, n, d } = readInput(x, fn, 'x', false);
    if (n < 2) fail(fn, 'x', 'a matrix with at least 2 samples (rows)', x);
    const opts = this.#options;
    const m = Math.min(n, d);
    const spec = componentsSpec(opts.nComponents);
    if (spec.kind === 'count' && spec.k > m) {
      throw new Error(
        `${fn}: option 'nComponents' (${spec.k}) must be at most min(nSamples, nFeatures) = min(${n}, ${d}) = ${m}`,
      );
    }
    let solver = opts.solver;
    if (solver === 'auto') {
      solver = spec.kind !== 'count' || Math.max(n, d) <= 500 || spec.k >= 0.8 * m ? 'full' : 'randomized';
    }
    // One pass gives the column statistics and tells whether the data is finite; only then is
    // the first NaN/Infinity looked for, to name it.
    const stats = columnStats(data, n, d);
    if (!stats.finite) {
      assertFiniteHost(data, d, fn, 'x');
      throw new Error(`${fn}: argument 'x' holds values too large: the column sums overflow to Infinity`);
    }
    let state: FittedState;
    if (solver === 'full') {
      state = fitFull(data, n, d, stats, spec);
    } else if (solver === 'randomized') {
      if (spec.kind !== 'count') fail(fn, 'options.nComponents', "an integer with solver 'randomized'", opts.nComponents);
      state = fitRandomized(data, n, d, stats, spec.k, { nOversamples: opts.nOversamples, nIter: opts.nIter, seed: opts.seed });
    } else {
      state = this.#fitIncremental(data, n, d, spec);
    }
    this.#state = state;
    return this;
  }

  #fitIncremental(data: Float64Array, n: number, d: number, spec: ComponentsSpec): FittedState {
    if (spec.kind === 'fraction') fail('PCA.fit', 'options.nComponents', "an integer with solver 'incremental'", spec.fraction);
    const batch = this.#options.batchSize ?? 5 * d;
    const minBatch = spec.kind === 'count' ? spec.k : 0;
    if (batch < Math.max(2, minBatch)) {
      throw new Error(`PCA.fit: option 'batchSize' (${batch}) must be at least max(2, nComponents) = ${Math.max(2, minBatch)}`);
    }
    // Batches of `batch` rows; a last batch shorter than nComponents joins the one before.
    const bounds: number[] = [0];
    let start = 0;
    while (start + batch <= n && start + batch + minBatch <= n) {
      start += batch;
      bounds.push(start);
    }
    if (start < n) bounds.push(n);
    let state: FittedState | null = null;
    for (let i = 0; i + 1 < bounds.length; i++) {
      const a = bounds[i]!;
      const b = bounds[i + 1]!;
      state = this.#partialStep(state, data.subarray(a * d, b * d), b - a, d, spec, 'PCA.fit');
    }
    if (state === null) throw new Error('PCA.fit: no batch to fit');
    return state;
  }

  #partialStep(prev: FittedState | null, data: Float64Array, b: number, d: number, spec: ComponentsSpec, fn: string): FittedState {
    let k: number;
    if (prev === null) {
      if (b < 2) throw new Error(`${fn}: argument 'x' must hold at least 2 samples (rows) in the first batch, got ${b}`);
      if (spec.kind === 'fraction') fail(fn, 'options.nComponents', 'an integer for incremental fitting', spec.fraction);
      k = spec.kind === 'count' ? spec.k : Math.min(b, d);
      if (k > d) throw new Error(`${fn}: option 'nComponents' (${k}) must be at most nFeatures = ${d}`);
      if (k > b) {
        throw new Error(`${fn}: the first batch has ${b} samples, fewer than nComponents = ${k}; give it at least ${k} rows`);
      }
    } else {
      k = prev.nComponents;
    }
    return incrementalStep(prev, data, b, d, k);
  }

  /**
   * Updates the model with one more batch of samples by incremental PCA, as if all batches seen
   * so far had been fitted together (up to the truncation to `nComponents` after each batch):
   * for data larger than memory, fed chunk by chunk. The first call on an unfitted model needs at
   * least `max(2, nComponents)` rows; later calls any number ≥ 1. A model fitted by `fit` (any
   * solver) can be updated too. On error the previous state is kept.
   * @param x - `[b, d]` batch, same `d` as before.
   * @returns this model.
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 10 });
   * for (const chunk of chunks) pca.partialFit(chunk);
   * ```
   */
  partialFit(x: PCAInput): this {
    const fn = 'PCA.partialFit';
    const { data, n, d } = readInput(x, fn);
    const prev = this.#state;
    if (prev !== null) this.#checkFeatures(d, fn);
    this.#state = this.#partialStep(prev, data, n, d, componentsSpec(this.#options.nComponents), fn);
    return this;
  }

  /**
   * Projects `x` onto the components: `Z = (X − mean)·componentsᵀ` (`[n, k]`), divided column-wise
   * by `√explainedVariance` when `whiten`.
   * @param x - `[n, d]` data with the fitted number of features.
   * @returns `[n, k]` in the kind of `x`: a new float32 `tf.Tensor2D` (computed on the active
   * backend; the caller disposes it), `number[][]`, or `{ data, shape }` (same typed-array type).
   * @example
   * ```ts
   * const z = pca.transform(xTest); // tensor in → tensor out
   * z.dispose();
   * ```
   */
  transform<X extends PCAInput>(x: X): PCAOutput<X> {
    const fn = 'PCA.transform';
    const state = this.#fitted(fn);
    if (isTensor(x)) {
      const t = this.#checkTensor(x, state.nFeatures, fn);
      const out = tf.tidy(() => {
        let z = tf.matMul(tf.sub(asFloat(t), tf.tensor1d(Float32Array.from(state.mean))), this.#componentsTensor(state), false, true);
        if (this.#options.whiten) z = tf.mul(z, tf.tensor1d(Float32Array.from(whitenScale(state, false))));
        return z as tf.Tensor2D;
      });
      this.#assertFiniteTensor(out, x, fn);
      return out as PCAOutput<X>;
    }
    const { data, n, d, kind } = readInput(x, fn);
    this.#checkFeatures(d, fn);
    return toOutput(kind, this.#project(state, data, n), n, state.nComponents) as PCAOutput<X>;
  }

  /**
   * Fits the model to `x` and returns `transform(x)`.
   * @param x - `[n, d]` data.
   * @returns `[n, k]` in the kind of `x` (see {@link PCA.transform}).
   * @example
   * ```ts
   * const z = new PCA({ nComponents: 2 }).fitTransform([[1, 2], [3, 4], [5, 7]]); // number[][]
   * ```
   */
  fitTransform<X extends PCAInput>(x: X): PCAOutput<X> {
    return this.fit(x).transform(x);
  }

  /**
   * Maps projections back to data space: `X̂ = Z·components + mean` (`[n, d]`), with `Z`
   * first multiplied column-wise by `√explainedVariance` when `whiten`.
   * @param z - `[n, k]` projections.
   * @returns `[n, d]` in the kind of `z` (tensor: new float32 tensor, the caller disposes it).
   * @example
   * ```ts
   * const xr = pca.inverseTransform(pca.transform(x));
   * ```
   */
  inverseTransform<X extends PCAInput>(z: X): PCAOutput<X> {
    const fn = 'PCA.inverseTransform';
    const state = this.#fitted(fn);
    const k = state.nComponents;
    if (isTensor(z)) {
      const t = this.#checkTensor(z, k, fn, 'z', 'components');
      const out = tf.tidy(() => {
        let zz: tf.Tensor = asFloat(t);
        if (this.#options.whiten) zz = tf.mul(zz, tf.tensor1d(Float32Array.from(whitenScale(state, true))));
        return tf.add(tf.matMul(zz as tf.Tensor2D, this.#componentsTensor(state)), tf.tensor1d(Float32Array.from(state.mean))) as tf.Tensor2D;
      });
      this.#assertFiniteTensor(out, z, fn, 'z');
      return out as PCAOutput<X>;
    }
    const { data, n, d, kind } = readInput(z, fn, 'z');
    if (d !== k) {
      throw new Error(`${fn}: argument 'z' must have ${k} columns (one per component), got ${d}`);
    }
    return toOutput(kind, this.#reconstruct(state, data, n), n, state.nFeatures) as PCAOutput<X>;
  }

  /**
   * Per-sample squared reconstruction error, an anomaly score:
   * `eᵢ = ‖xᵢ − inverseTransform(transform(xᵢ))‖² = Σⱼ (xᵢⱼ − x̂ᵢⱼ)²` (a sum over features, not a
   * mean; independent of `whiten`).
   * @param x - `[n, d]` data.
   * @returns `n` scores: a `Float32Array` for a tensor (computed on the backend) or float32
   * `{ data, shape }`, else a `Float64Array`.
   * @example
   * ```ts
   * const scores = pca.reconstructionError(xTest); // higher = less like the training data
   * ```
   */
  reconstructionError<X extends PCAInput>(x: X): PCAScores<X> {
    const fn = 'PCA.reconstructionError';
    const state = this.#fitted(fn);
    if (isTensor(x)) {
      const t = this.#checkTensor(x, state.nFeatures, fn);
      const scores = tf.tidy(() => {
        const xc = tf.sub(asFloat(t), tf.tensor1d(Float32Array.from(state.mean)));
        const v = this.#componentsTensor(state);
        const r = tf.sub(xc, tf.matMul(tf.matMul(xc, v, false, true), v));
        return tf.sum(tf.square(r), 1);
      });
      const values = scores.dataSync() as Float32Array;
      scores.dispose();
      if (!values.every(Number.isFinite)) {
        readInput(x, fn); // names the offending entry
        throw new Error(`${fn}: the scores are not finite (the input values are too large for float32)`);
      }
      return Float32Array.from(values) as PCAScores<X>;
    }
    const { data, n, d, kind } = readInput(x, fn);
    this.#checkFeatures(d, fn);
    const k = state.nComponents;
    const xc = data;
    for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) xc[r * d + j] = xc[r * d + j]! - state.mean[j]!;
    const z = productNT(xc, n, d, state.components, k);
    const vt = transpose(state.components, k, d);
    const back = productNT(z, n, k, vt, d);
    const out = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = xc[r * d + j]! - back[r * d + j]!;
        s += e * e;
      }
      out[r] = s;
    }
    return out as PCAScores<X>;
  }

  /**
   * Whether the model has been fitted (by `fit`, `partialFit` or `fromJSON`).
   * @example
   * ```ts
   * new PCA().isFitted; //=> false
   * ```
   */
  get isFitted(): boolean {
    return this.#state !== null;
  }

  /**
   * The solver that produced the current fit (`'auto'` resolved; `'incremental'` after
   * `partialFit`). Throws if not fitted.
   * @example
   * ```ts
   * new PCA({ nComponents: 2 }).fit(x).fittedSolver; //=> 'full' for small data
   * ```
   */
  get fittedSolver(): FittedSolver {
    return this.#fitted('PCA.fittedSolver').solver;
  }

  /**
   * Number of components kept, `k` (resolved from a fraction or from "all"). Throws if not fitted.
   * @example
   * ```ts
   * new PCA({ nComponents: 0.95 }).fit(x).nComponents; //=> the k that explains > 95 %
   * ```
   */
  get nComponents(): number {
    return this.#fitted('PCA.nComponents').nComponents;
  }

  /**
   * Number of features `d` seen in fit. Throws if not fitted.
   * @example
   * ```ts
   * pca.nFeatures; //=> 784 for MNIST
   * ```
   */
  get nFeatures(): number {
    return this.#fitted('PCA.nFeatures').nFeatures;
  }

  /**
   * Number of samples the model was fitted on (all batches for `partialFit`). Throws if not fitted.
   * @example
   * ```ts
   * // given: const a: number[][], b: number[][];
   * new PCA({ nComponents: 2 }).partialFit(a).partialFit(b).nSamplesSeen; //=> a.length + b.length
   * ```
   */
  get nSamplesSeen(): number {
    return this.#fitted('PCA.nSamplesSeen').nSamplesSeen;
  }

  /**
   * The principal axes, `[k, d]` as `{ data: Float64Array, shape }` (row-major): rows of unit
   * length, mutually orthogonal, ordered by explained variance, the largest-magnitude entry of
   * each positive. A fresh copy. Throws if not fitted.
   * @example
   * ```ts
   * const { data, shape } = pca.components;
   * const v = tf.tensor2d(Float32Array.from(data), shape); // [k, d], yours to dispose
   * ```
   */
  get components(): PCAMatrix {
    const s = this.#fitted('PCA.components');
    return { data: s.components.slice(), shape: [s.nComponents, s.nFeatures] };
  }

  /**
   * Per-feature mean of the training data, length `d` (all batches for `partialFit`). A fresh
   * copy. Throws if not fitted.
   * @example
   * ```ts
   * pca.mean; //=> Float64Array(784) — the mean digit
   * ```
   */
  get mean(): Float64Array {
    return this.#fitted('PCA.mean').mean.slice();
  }

  /**
   * Variance along each component, `sᵢ² / (n − 1)`, length `k`, descending. Throws if not fitted.
   * @example
   * ```ts
   * new PCA().fit([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]]).explainedVariance;
   * //=> Float64Array [7.9395..., 0.0604...]
   * ```
   */
  get explainedVariance(): Float64Array {
    return this.#fitted('PCA.explainedVariance').explainedVariance.slice();
  }

  /**
   * Share of the total variance explained by each component, `sᵢ² / Σⱼ‖xⱼ − mean‖²`, length `k`.
   * Throws if not fitted.
   * @example
   * ```ts
   * new PCA().fit([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]]).explainedVarianceRatio;
   * //=> Float64Array [0.99244..., 0.00755...]
   * ```
   */
  get explainedVarianceRatio(): Float64Array {
    return this.#fitted('PCA.explainedVarianceRatio').explainedVarianceRatio.slice();
  }

  /**
   * Singular values `sᵢ` of the centred training data for the kept components, length `k`.
   * Throws if not fitted.
   * @example
   * ```ts
   * new PCA().fit([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]]).singularValues;
   * //=> Float64Array [6.30061..., 0.54980...]
   * ```
   */
  get singularValues(): Float64Array {
    return this.#fitted('PCA.singularValues').singularValues.slice();
  }

  /**
   * Noise variance of the probabilistic PCA model (Tipping & Bishop): the mean of the variances
   * along the `min(n, d) − k` discarded directions (for the randomized solver: the total variance
   * left over, divided by `min(n, d) − k`); 0 when none is discarded. Throws if not fitted.
   * @example
   * ```ts
   * new PCA({ nComponents: 1 }).fit([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]]).noiseVariance;
   * //=> 0.0604... (the variance of the dropped second component)
   * ```
   */
  get noiseVariance(): number {
    return this.#fitted('PCA.noiseVariance').noiseVariance;
  }

  /**
   * Does nothing: PCA keeps its state in host arrays and holds no tensors. It exists so that code
   * handling any model of the package (e.g. what `loadModel` returns) can call `dispose()`.
   * @example
   * ```ts
   * const model = await loadModel('./models/digits'); // Autoencoder | VAE | CVAE | PCA
   * model.dispose();
   * ```
   */
  dispose(): void {}

  /**
   * The model as a plain JSON-safe object (options and fitted state; `state: null` if never
   * fitted). `JSON.stringify(pca)` uses it.
   * @returns a {@link PCAJSON} document (format `'autoencoders/pca'`, version 1).
   * @example
   * ```ts
   * const text = JSON.stringify(pca);
   * const again = PCA.fromJSON(text);
   * ```
   */
  toJSON(): PCAJSON {
    return toDocument(this.#options, this.#state);
  }

  /**
   * Rebuilds a model from {@link PCA.toJSON}'s document or its JSON string. The input is treated
   * as untrusted: format name and version, every field's type, array lengths against the declared
   * shape, unit-length components and a size limit (`nComponents × nFeatures ≤ 2²⁶`) are checked,
   * unknown fields are rejected, and nothing from it reaches an object prototype.
   * @param json - a {@link PCAJSON} object or string.
   * @returns a new model.
   * @example
   * ```ts
   * const pca = PCA.fromJSON(JSON.parse(text));
   * ```
   */
  static fromJSON(json: unknown): PCA {
    const { options, state } = parseDocument(json);
    let pca: PCA;
    try {
      pca = new PCA({
        ...(options.nComponents === null ? {} : { nComponents: options.nComponents }),
        solver: options.solver,
        whiten: options.whiten,
        // A document may hold a fractional seed from before seeds had to be integers: the solver
        // always floored it, so its floor draws the same numbers.
        seed: Math.floor(options.seed),
        nOversamples: options.nOversamples,
        nIter: options.nIter,
        ...(options.batchSize === null ? {} : { batchSize: options.batchSize }),
      });
    } catch (e) {
      throw new Error(`PCA.fromJSON: field 'options' is invalid: ${(e as Error).message}`);
    }
    pca.#state = state;
    return pca;
  }

  #fitted(fn: string): FittedState {
    if (this.#state === null) throw new Error(`${fn}: the model is not fitted; call fit() or partialFit() first`);
    return this.#state;
  }

  #checkFeatures(d: number, fn: string, arg = 'x'): void {
    const want = this.#state?.nFeatures;
    if (want !== undefined && d !== want) {
      throw new Error(`${fn}: argument '${arg}' must have ${want} features (columns) as in fit, got ${d}`);
    }
  }

  #checkTensor(x: tf.Tensor, cols: number, fn: string, arg = 'x', what = 'features'): tf.Tensor2D {
    if (x.isDisposed) throw new Error(`${fn}: argument '${arg}' is a disposed tensor`);
    if (x.rank !== 2) throw new Error(`${fn}: argument '${arg}' must be 2-D [samples, ${what}], got ${describe(x)}`);
    if (x.shape[1] !== cols) {
      throw new Error(`${fn}: argument '${arg}' must have ${cols} ${what} (columns)${what === 'features' ? ' as in fit' : ''}, got ${x.shape[1]}`);
    }
    if (x.shape[0] === 0) fail(fn, arg, 'a matrix with at least one sample (row)', x);
    return x as tf.Tensor2D;
  }

  /** One device read of the sum: non-finite output means non-finite input (which we then locate). */
  #assertFiniteTensor(out: tf.Tensor, x: unknown, fn: string, arg = 'x'): void {
    const total = tf.tidy(() => tf.sum(out));
    const value = total.dataSync()[0]!;
    total.dispose();
    if (Number.isFinite(value)) return;
    out.dispose();
    readInput(x, fn, arg); // throws naming the first NaN/Infinity
    throw new Error(`${fn}: the result is not finite (the input values are too large for float32)`);
  }

  #componentsTensor(state: FittedState): tf.Tensor2D {
    return tf.tensor2d(Float32Array.from(state.components), [state.nComponents, state.nFeatures]);
  }

  #project(state: FittedState, data: Float64Array, n: number): Float64Array {
    const d = state.nFeatures;
    const k = state.nComponents;
    for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) data[r * d + j] = data[r * d + j]! - state.mean[j]!;
    const z = productNT(data, n, d, state.components, k);
    if (this.#options.whiten) {
      const scale = whitenScale(state, false);
      for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) z[r * k + i] = z[r * k + i]! * scale[i]!;
    }
    return z;
  }

  #reconstruct(state: FittedState, z: Float64Array, n: number): Float64Array {
    const d = state.nFeatures;
    const k = state.nComponents;
    if (this.#options.whiten) {
      const scale = whitenScale(state, true);
      for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) z[r * k + i] = z[r * k + i]! * scale[i]!;
    }
    const out = productNT(z, n, k, transpose(state.components, k, d), d);
    for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) out[r * d + j] = out[r * d + j]! + state.mean[j]!;
    return out;
  }
}

/** Per-component whitening factors: `1/√var` (forward) or `√var` (inverse); 0 where var = 0. */
function whitenScale(state: FittedState, inverse: boolean): Float64Array {
  const out = new Float64Array(state.nComponents);
  for (let i = 0; i < state.nComponents; i++) {
    const v = state.explainedVariance[i]!;
    out[i] = v > 0 ? (inverse ? Math.sqrt(v) : 1 / Math.sqrt(v)) : 0;
  }
  return out;
}

/** The tensor as float32 (a new tensor, to be created inside a tidy, when it is not). */
function asFloat(t: tf.Tensor2D): tf.Tensor2D {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}
