import * as tf from '@tensorflow/tfjs-core';
import { describe, fail, isTensor, typeFail } from '../core/index.js';
import { partialState, fitState, streamState } from './fitting.js';
import { readInput, toOutput } from './io.js';
import { parseDocument, toDocument, type PCAJSON, type PCAOptionsJSON } from './json.js';
import { normalizeOptions, optionsFromJSON, componentsSpec } from './options.js';
import { covariance, logLikelihoods, precision } from './probabilistic.js';
import {
  projectHost,
  projectTensor,
  reconstructHost,
  reconstructionErrorHost,
  reconstructionErrorTensor,
  reconstructTensor,
} from './project.js';
import { mergeStats, stateFromStats, statsOf } from './shards.js';
import { parseSklearnDocument, toSklearnDocument, type SklearnPCAJSON } from './sklearn.js';
import type { FittedSolver, FittedState } from './solvers.js';
import type { PCAInput, PCAMatrix, PCAOptions, PCAOutput, PCAScores } from './types.js';

export type { PCAInput, PCAMatrix, PCAOptions, PCAOutput, PCAScores, PCASolver } from './types.js';

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
 * the tfjs backend. Once `useBackend('wasm', { threads })` has started the wasm backend's worker
 * pool, those products are shared out over its threads (the same bits for any thread count).
 * Projecting a tensor runs on the active backend. Every method answers in the
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
   * fit. With `mergeable`, also keeps the count, mean and `d × d` scatter matrix of `x`. If it
   * throws (bad input, bad `nComponents`), the previous state is kept unchanged.
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
    this.#state = fitState(this.#options, data, n, d, fn);
    return this;
  }

  /**
   * Updates the model with one more batch of samples, for data larger than memory, fed chunk by
   * chunk. By incremental PCA (as if all batches seen so far had been fitted together, up to the
   * truncation to `nComponents` after each batch); with `mergeable`, exactly: the statistics are
   * updated by Chan's formula and the PCA of all batches is recomputed from them. The first call
   * on an unfitted model needs at least `max(2, nComponents)` rows; later calls any number ≥ 1.
   * A model fitted by `fit` (any solver) can be updated too. On error the previous state is kept.
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
    this.#state = partialState(this.#options, prev, data, n, d, fn);
    return this;
  }

  /**
   * Fits the model afresh from an async (or plain) iterable of row blocks — a file read chunk by
   * chunk, a database cursor — for data larger than memory; only one block is held at a time.
   * Without `mergeable`, blocks feed incremental PCA (the first ones gathered until they hold
   * `max(2, nComponents)` rows; `nComponents` must then be an integer or omitted); with
   * `mergeable`, the count, mean and scatter of all blocks are accumulated (Chan et al.) and the
   * exact PCA is computed from them at the end (any `nComponents`). The previous fit is kept
   * if anything throws.
   * @param blocks - yields `[bᵢ, d]` blocks (any {@link PCAInput}), all with the same `d`.
   * @returns a promise of this model.
   * @example
   * ```ts
   * async function* chunks() { yield [[1, 2], [3, 4]]; yield [[5, 7], [2, 2]]; }
   * const pca = await new PCA({ nComponents: 1, mergeable: true }).fitStream(chunks());
   * ```
   */
  async fitStream(blocks: AsyncIterable<PCAInput> | Iterable<PCAInput>): Promise<this> {
    const fn = 'PCA.fitStream';
    if (typeof blocks !== 'object' || blocks === null || (!(Symbol.asyncIterator in blocks) && !(Symbol.iterator in blocks))) {
      typeFail(fn, 'blocks', 'an async or sync iterable of [n, d] row blocks', blocks);
    }
    this.#state = await streamState(this.#options, blocks, fn);
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
      const out = tf.tidy(() => projectTensor(state, t, this.#options.whiten));
      this.#assertFiniteTensor(out, x, fn);
      return out as PCAOutput<X>;
    }
    const { data, n, d, kind } = readInput(x, fn);
    this.#checkFeatures(d, fn);
    return toOutput(kind, projectHost(state, data, n, this.#options.whiten), n, state.nComponents) as PCAOutput<X>;
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
      const out = tf.tidy(() => reconstructTensor(state, t, this.#options.whiten));
      this.#assertFiniteTensor(out, z, fn, 'z');
      return out as PCAOutput<X>;
    }
    const { data, n, d, kind } = readInput(z, fn, 'z');
    if (d !== k) {
      throw new Error(`${fn}: argument 'z' must have ${k} columns (one per component), got ${d}`);
    }
    return toOutput(kind, reconstructHost(state, data, n, this.#options.whiten), n, state.nFeatures) as PCAOutput<X>;
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
      const scores = tf.tidy(() => reconstructionErrorTensor(state, t));
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
    const out = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
    reconstructionErrorHost(state, data, n, out);
    return out as PCAScores<X>;
  }

  /**
   * Log-likelihood of each sample under the probabilistic PCA model of the fit (Tipping & Bishop
   * 1999), as scikit-learn's `score_samples`: `x ~ N(μ, C)` with
   * `C = Vᵀ diag(λ − σ²)₊ V + σ² I` (see {@link PCA.getCovariance}), so
   * `log p(x) = −½ (x − μ)ᵀ C⁻¹ (x − μ) − ½ (d·log 2π + log det C)`. Computed in `O(n·d·k)`
   * through the structure of `C⁻¹`; float64. Throws when `C` is singular (noise variance 0 and
   * `k < d`: keep fewer components).
   * @param x - `[n, d]` samples (a tensor is read, not disposed).
   * @returns `n` log-likelihoods (higher = more like the training data).
   * @example
   * ```ts
   * const ll = new PCA({ nComponents: 1 }).fit(x).scoreSamples(x); // Float64Array [n]
   * ```
   */
  scoreSamples(x: PCAInput): Float64Array {
    const fn = 'PCA.scoreSamples';
    const state = this.#fitted(fn);
    const { data, n, d } = readInput(x, fn);
    this.#checkFeatures(d, fn);
    return logLikelihoods(state, data, n, fn);
  }

  /**
   * Mean log-likelihood of the samples, `(1/n) Σᵢ log p(xᵢ)` (see {@link PCA.scoreSamples}), as
   * scikit-learn's `score`: a criterion for choosing `nComponents` on held-out data.
   * @param x - `[n, d]` samples.
   * @returns the average log-likelihood.
   * @example
   * ```ts
   * const heldOut = new PCA({ nComponents: 5 }).fit(xTrain).score(xTest);
   * ```
   */
  score(x: PCAInput): number {
    const fn = 'PCA.score';
    const state = this.#fitted(fn);
    const { data, n, d } = readInput(x, fn);
    this.#checkFeatures(d, fn);
    const ll = logLikelihoods(state, data, n, fn);
    let s = 0;
    for (const v of ll) s += v;
    return s / ll.length;
  }

  /**
   * Covariance of the probabilistic PCA model, `C = Vᵀ diag(λ − σ²)₊ V + σ² I` (`d × d`, float64,
   * row-major; `V` the components, `λ` their explained variances, `σ²` the noise variance), as
   * scikit-learn's `get_covariance`. It does not depend on `whiten` (scikit-learn 1.2 rescales
   * the components by `√λ` when whitening, which changes its result; the model here is the one
   * of the data, whatever the output scaling).
   * @returns `{ data, shape: [d, d] }`, a fresh copy.
   * @example
   * ```ts
   * const { data, shape } = pca.getCovariance(); // shape [d, d]
   * ```
   */
  getCovariance(): PCAMatrix {
    const s = this.#fitted('PCA.getCovariance');
    return { data: covariance(s), shape: [s.nFeatures, s.nFeatures] };
  }

  /**
   * Precision of the model, `C⁻¹`, by the matrix inversion lemma as scikit-learn's
   * `get_precision` (with `VVᵀ = I`): `C⁻¹ = σ⁻² (I − Vᵀ diag(cᵢ) V)`,
   * `cᵢ = (λᵢ − σ²)₊ / ((λᵢ − σ²)₊ + σ²)`; when no direction is left to the noise (`k = d`,
   * `σ² = 0`), `C⁻¹ = Vᵀ diag(1/λ) V`. `d × d`, float64. Throws when `C` is singular.
   * @returns `{ data, shape: [d, d] }`.
   * @example
   * ```ts
   * const p = pca.getPrecision(); // p · getCovariance() = I
   * ```
   */
  getPrecision(): PCAMatrix {
    const fn = 'PCA.getPrecision';
    const s = this.#fitted(fn);
    return { data: precision(s, fn), shape: [s.nFeatures, s.nFeatures] };
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
   * Per-feature variance of the training data with the `n` denominator, length `d`: scikit-learn's
   * `IncrementalPCA.var_`, kept by incremental fits (`partialFit`, `fitStream`, solver
   * `'incremental'`) and `mergeable` ones; `null` for the others (scikit-learn's `PCA` has no
   * `var_`) and for a model loaded without it. Throws if not fitted.
   * @example
   * ```ts
   * new PCA({ nComponents: 1 }).partialFit([[0, 1], [2, 1]]).featureVariance; //=> Float64Array [1, 0]
   * ```
   */
  get featureVariance(): Float64Array | null {
    return this.#fitted('PCA.featureVariance').featureVariance?.slice() ?? null;
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
   * fitted). `JSON.stringify(pca)` uses it. A `mergeable` fit carries its `d × d` scatter matrix.
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
   * shape, unit-length components and a size limit (`nComponents × nFeatures ≤ 2²⁶`, the same for
   * a scatter matrix) are checked, unknown fields are rejected, and nothing from it reaches an
   * object prototype.
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
      pca = new PCA(optionsFromJSON(options) as PCAOptions);
    } catch (e) {
      throw new Error(`PCA.fromJSON: field 'options' is invalid: ${(e as Error).message}`);
    }
    pca.#state = state;
    return pca;
  }

  /**
   * The PCA of the union of the data sets two `mergeable` models were fitted on — shards fitted
   * in workers or on other machines. Their counts, means and scatter matrices are combined by
   * the pairwise update of Chan et al. (`δ = μ_b − μ_a`, `μ = μ_a + δ·n_b/n`,
   * `M = M_a + M_b + δδᵀ·n_a·n_b/n`), and the exact PCA is computed from the result: equal, up to
   * rounding and component signs, to a full fit on all the rows. Neither input changes.
   * @param a - a fitted PCA with `mergeable: true`.
   * @param b - another, with the same number of features and the same options.
   * @returns a new mergeable model (`fittedSolver` `'full'`), which can be merged again.
   * @throws Error when either is not a fitted mergeable PCA, or the feature counts or options
   *   (`nComponents`, `solver`, `whiten`) differ.
   * @example
   * ```ts
   * // given: const shard1: number[][]; const shard2: number[][];
   * const opts = { nComponents: 2, mergeable: true };
   * const all = PCA.merge(new PCA(opts).fit(shard1), new PCA(opts).fit(shard2));
   * ```
   */
  static merge(a: PCA, b: PCA): PCA {
    const fn = 'PCA.merge';
    const stats = [a, b].map((p, i) => {
      const arg = i === 0 ? 'a' : 'b';
      if (!(p instanceof PCA)) typeFail(fn, arg, 'a PCA of this package', p);
      if (!p.#options.mergeable) throw new Error(`${fn}: argument '${arg}' was not created with option 'mergeable: true', so it kept no statistics to merge`);
      if (p.#state === null) throw new Error(`${fn}: argument '${arg}' is not fitted; call fit() first`);
      const s = statsOf(p.#state);
      if (s === null) throw new Error(`${fn}: argument '${arg}' holds no statistics (fitted before option 'mergeable' was set, or loaded without them)`);
      return s;
    });
    const [sa, sb] = stats as [NonNullable<(typeof stats)[0]>, NonNullable<(typeof stats)[0]>];
    if (sa.d !== sb.d) throw new Error(`${fn}: arguments 'a' and 'b' must have the same number of features, got ${sa.d} and ${sb.d}`);
    const oa = a.#options, ob = b.#options;
    for (const key of ['nComponents', 'solver', 'whiten'] as const) {
      if (oa[key] !== ob[key]) {
        throw new Error(`${fn}: arguments 'a' and 'b' must have the same options; option '${key}' is ${String(oa[key])} and ${String(ob[key])}`);
      }
    }
    const out = new PCA(optionsFromJSON(oa) as PCAOptions);
    out.#state = stateFromStats(mergeStats(sa, sb), componentsSpec(oa.nComponents), fn);
    return out;
  }

  /**
   * The fitted model under scikit-learn's attribute names, as plain JSON arrays — what
   * `scripts/sklearn-pca.py` turns into a scikit-learn `PCA` (or `IncrementalPCA` when `var_` is
   * present: incremental fits) whose `transform` agrees with this one. Throws if not fitted.
   * @returns a {@link SklearnPCAJSON}.
   * @example
   * ```ts
   * const text = JSON.stringify(pca.toSklearn()); // python3 scripts/sklearn-pca.py to-sklearn …
   * ```
   */
  toSklearn(): SklearnPCAJSON {
    return toSklearnDocument(this.#fitted('PCA.toSklearn'), this.#options.whiten);
  }

  /**
   * A model from the attributes of a fitted scikit-learn `PCA` or `IncrementalPCA` (see
   * {@link PCA.toSklearn}; `scripts/sklearn-pca.py` writes them) — for components fitted with
   * scikit-learn, Dask-ML or Spark. Untrusted input, checked as by {@link PCA.fromJSON}. The
   * model has `nComponents: n_components_`, `whiten` as given, and solver `'incremental'` when
   * `var_` is present (it can then continue with `partialFit`), else `'full'`.
   * @param json - a {@link SklearnPCAJSON} object or its JSON string.
   * @returns a new fitted model.
   * @example
   * ```ts
   * const pca = PCA.fromSklearn(JSON.parse(text));
   * ```
   */
  static fromSklearn(json: unknown): PCA {
    const { state, whiten } = parseSklearnDocument(json, 'PCA.fromSklearn');
    const pca = new PCA({ nComponents: state.nComponents, whiten, solver: state.solver });
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
}
