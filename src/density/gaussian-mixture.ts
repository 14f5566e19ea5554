// The GaussianMixture class: options, fitted state and methods (the numerics are in em.ts, kmeans.ts
// and linalg.ts; sampling in sample.ts; the document format in json.ts).
import { createRng, deriveSeed, fail, randomSeed, readOptions, assertNumber } from '../core/index.js';
import { eStep, mStep, oneHot, runEm, weightedLogProb, type MixtureState } from './em.js';
import { MIXTURE_MAX_VALUES, parseDocument, toDocument, type GaussianMixtureJSON, type GaussianMixtureOptionsJSON } from './json.js';
import { kmeansPlusPlus, lloyd, nearestCenters } from './kmeans.js';
import { normalizeOptions, readData, type GaussianMixtureInput, type GaussianMixtureOptions } from './options.js';
import { drawSamples, type GaussianMixtureSample } from './sample.js';

/**
 * The covariances of a fitted {@link GaussianMixture}, row-major float64: `shape` is
 * `[k, d, d]` for `'full'` and `[k, d]` (the variances) for `'diag'`.
 * @category Density
 */
export interface GaussianMixtureCovariances {
  readonly data: Float64Array;
  readonly shape: [number, number, number] | [number, number];
}

/**
 * A mixture of `k` Gaussians fitted by expectation–maximisation (EM), in float64 on the host:
 *
 *   `p(x) = Σⱼ wⱼ·N(x | μⱼ, Σⱼ)`,  `N(x | μ, Σ) = (2π)^(−d/2)·|Σ|^(−½)·exp(−½(x − μ)ᵀΣ⁻¹(x − μ))`.
 *
 * For ex-post density estimation (Ghosh et al. 2020, "From variational to deterministic
 * autoencoders"): fit it on the codes an encoder gives the training data, then decode samples
 * of the mixture instead of samples of the prior N(0, I) — they land where the data's codes are.
 *
 * **Fit.** The start is k-means (Lloyd's iterations from greedy k-means++ seeding, drawn from
 * `seed`), or `initialMeans`; each sample's nearest centre gives hard responsibilities and the
 * first parameters. Then EM alternates, as scikit-learn's `GaussianMixture` does:
 * - E-step: `log γᵣⱼ = log wⱼ + log N(xᵣ | μⱼ, Σⱼ) − ℓᵣ`, `ℓᵣ = log Σⱼ wⱼ N(xᵣ | μⱼ, Σⱼ)` (by
 *   log-sum-exp); the lower bound is the mean log-likelihood `L = (1/n) Σᵣ ℓᵣ`;
 * - M-step: `Nⱼ = Σᵣ γᵣⱼ`, `wⱼ = Nⱼ/n`, `μⱼ = Σᵣ γᵣⱼ xᵣ / Nⱼ`,
 *   `Σⱼ = Σᵣ γᵣⱼ (xᵣ − μⱼ)(xᵣ − μⱼ)ᵀ / Nⱼ + regCovar·I` (`'diag'`: the diagonal only; `regCovar`,
 *   default `1e-6`, is scikit-learn's `reg_covar`: it keeps a component on a few coincident points
 *   positive definite);
 *
 * until `|L − L_previous| < tol` or `maxIter` iterations. EM never decreases `L` (up to the
 * `regCovar` term); it finds a local maximum, so the start matters when components overlap.
 * Log-densities use the Cholesky factor `Σ = LLᵀ`: `(x − μ)ᵀΣ⁻¹(x − μ) = ‖L⁻¹(x − μ)‖²` and
 * `log|Σ| = 2 Σᵢ log Lᵢᵢ`. A fit costs `O(n·k·d²)` per iteration (`O(n·k·d)` for `'diag'`).
 *
 * The mixture holds no tensors (fitted values are host arrays; getters return copies) and needs
 * no `dispose`. Tensor inputs are read back to the host and never disposed.
 *
 * @category Density
 * @example
 * ```ts
 * const gm = new GaussianMixture({ components: 2, seed: 0 }).fit([[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [5, 5.1]]);
 * gm.weights;                     //=> Float64Array [0.5, 0.5]
 * gm.predict([[0, 0.05], [5, 5]]); //=> Int32Array: two different components
 * const { data, shape } = gm.sample(100, { seed: 1 });
 * ```
 */
export class GaussianMixture {
  readonly #options: GaussianMixtureOptionsJSON;
  #state: MixtureState | null = null;

  /**
   * Creates an unfitted mixture. Throws on unknown or invalid options.
   * @param options - see {@link GaussianMixtureOptions}; all optional.
   * @example
   * ```ts
   * const gm = new GaussianMixture({ components: 10, covariance: 'full', seed: 0, maxIter: 200, tol: 1e-4 });
   * ```
   */
  constructor(options: GaussianMixtureOptions = {}) {
    this.#options = normalizeOptions(options, 'new GaussianMixture');
  }

  /**
   * Fits the mixture to `x` by EM (see the class), replacing any previous fit. If it throws (bad
   * input, fewer samples than components, a covariance that is not positive definite), the
   * previous fit is kept.
   * @param x - `[n, d]` data, `n ≥ components`: tensor (read, not disposed), `number[][]` or
   * `{ data, shape }`.
   * @returns this mixture.
   * @example
   * ```ts
   * const gm = new GaussianMixture({ components: 3 }).fit(x);
   * ```
   */
  fit(x: GaussianMixtureInput): this {
    const fn = 'GaussianMixture.fit';
    const { data, n, d } = readData(x, fn);
    const o = this.#options;
    const k = o.components;
    if (n < k) fail(fn, 'x', `a matrix with at least ${k} samples (rows), one per component`, x);
    if (o.covariance === 'full' && k * d * d > MIXTURE_MAX_VALUES) {
      throw new Error(
        `${fn}: ${k} full ${d} × ${d} covariances are ${k * d * d} numbers, more than the limit of ${MIXTURE_MAX_VALUES}; use covariance: 'diag' or reduce the features first (e.g. with PCA)`,
      );
    }
    let init;
    if (o.initialMeans !== null) {
      const given = Float64Array.from(o.initialMeans.flat());
      if (o.initialMeans[0]!.length !== d) {
        throw new Error(`${fn}: argument 'x' must have ${o.initialMeans[0]!.length} features (columns) as option 'initialMeans', got ${d}`);
      }
      const start = mStep(data, n, d, oneHot(nearestCenters(data, n, d, given, k), k), k, o.covariance, o.regCovar);
      init = { ...start, means: given };
    } else {
      const centers = kmeansPlusPlus(data, n, d, k, createRng(deriveSeed(o.seed, 1)));
      const labels = lloyd(data, n, d, centers, k);
      init = mStep(data, n, d, oneHot(labels, k), k, o.covariance, o.regCovar);
    }
    this.#state = runEm(data, n, init, { maxIter: o.maxIter, tol: o.tol, regCovar: o.regCovar }, fn);
    return this;
  }

  /**
   * Draws `n` samples: component `j` with probability `wⱼ`, then `x = μⱼ + Lⱼ·ε` with
   * `ε ~ N(0, I)` (Box–Muller) and `Σⱼ = LⱼLⱼᵀ` (for `'diag'`, `Lⱼ = diag(σⱼ)`). Samples come in
   * random order (not grouped by component).
   * @param n - number of samples, an integer ≥ 1 (at most `2²⁷ / d`, 1 GiB of values, per call).
   * @param options - `{ seed }`: an integer; same seed → same samples. Default: a fresh seed.
   * @returns `{ data, shape: [n, d], labels }` (see {@link GaussianMixtureSample}).
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * const s = gm.sample(80, { seed: 7 });
   * const z = tf.tensor2d(Float32Array.from(s.data), s.shape); // e.g. codes to decode
   * ```
   */
  sample(n: number, options: { readonly seed?: number } = {}): GaussianMixtureSample {
    const fn = 'GaussianMixture.sample';
    const state = this.#fitted(fn);
    // At most 2²⁷ float64 values (1 GiB) in one call: past that, draw in batches.
    assertNumber(n, fn, 'n', { min: 1, max: Math.max(1, Math.floor(2 ** 27 / state.params.d)), integer: true });
    const seed = readOptions(options, ['seed'], fn)['seed'] ?? randomSeed();
    assertNumber(seed, fn, 'options.seed', { integer: true });
    return drawSamples(state, n, seed);
  }

  /**
   * Per-sample log-likelihood `ℓᵣ = log p(xᵣ) = log Σⱼ wⱼ N(xᵣ | μⱼ, Σⱼ)` (nats; scikit-learn's
   * `score_samples`).
   * @param x - `[n, d]` data with the fitted number of features.
   * @returns `n` values (float64).
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * const logp = gm.scoreSamples(xTest); // low = unlike the data the mixture was fitted on
   * ```
   */
  scoreSamples(x: GaussianMixtureInput): Float64Array {
    const fn = 'GaussianMixture.scoreSamples';
    const state = this.#fitted(fn);
    const { data, n } = this.#read(x, state, fn);
    return eStep(data, n, state.params, state.factors).logLik;
  }

  /**
   * Mean log-likelihood per sample, `(1/n) Σᵣ log p(xᵣ)` (scikit-learn's `score`).
   * @param x - `[n, d]` data with the fitted number of features.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * gm.score(xTrain); // ≈ gm.lowerBound after a converged fit
   * ```
   */
  score(x: GaussianMixtureInput): number {
    const values = this.scoreSamples(x);
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[i]!;
    return s / values.length;
  }

  /**
   * The most responsible component of each sample, `argmaxⱼ wⱼ N(xᵣ | μⱼ, Σⱼ)` (the first on ties).
   * @param x - `[n, d]` data with the fitted number of features.
   * @returns `n` component indices in `[0, k)`.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * const cluster = gm.predict(x); // Int32Array
   * ```
   */
  predict(x: GaussianMixtureInput): Int32Array {
    const fn = 'GaussianMixture.predict';
    const state = this.#fitted(fn);
    const { data, n } = this.#read(x, state, fn);
    const { k } = state.params;
    const lp = weightedLogProb(data, n, state.params, state.factors);
    const out = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (lp[r * k + j]! > lp[r * k + best]!) best = j;
      out[r] = best;
    }
    return out;
  }

  /**
   * Whether the mixture has been fitted (by `fit` or `fromJSON`).
   * @example
   * ```ts
   * new GaussianMixture().isFitted; //=> false
   * ```
   */
  get isFitted(): boolean {
    return this.#state !== null;
  }

  /**
   * The mixing weights `wⱼ`, length `k`, summing to 1. A fresh copy. Throws if not fitted.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * gm.weights; //=> Float64Array(k)
   * ```
   */
  get weights(): Float64Array {
    return this.#fitted('GaussianMixture.weights').params.weights.slice();
  }

  /**
   * The component means `μⱼ`: `k` rows of `d` numbers, as `{ data, shape: [k, d] }` (row-major
   * float64). A fresh copy. Throws if not fitted.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * const { data, shape } = gm.means; // shape [k, d]
   * ```
   */
  get means(): { data: Float64Array; shape: [number, number] } {
    const p = this.#fitted('GaussianMixture.means').params;
    return { data: p.means.slice(), shape: [p.k, p.d] };
  }

  /**
   * The component covariances `Σⱼ` (`regCovar` included): `[k, d, d]` for `'full'`, `[k, d]`
   * variances for `'diag'` (see {@link GaussianMixtureCovariances}). A fresh copy. Throws if not
   * fitted.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * gm.covariances.shape; //=> [k, d, d] or [k, d]
   * ```
   */
  get covariances(): GaussianMixtureCovariances {
    const p = this.#fitted('GaussianMixture.covariances').params;
    return { data: p.covariances.slice(), shape: p.covariance === 'full' ? [p.k, p.d, p.d] : [p.k, p.d] };
  }

  /**
   * Number of features `d` seen in fit. Throws if not fitted.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * gm.nFeatures; //=> 16 for the codes of a 16-D VAE
   * ```
   */
  get nFeatures(): number {
    return this.#fitted('GaussianMixture.nFeatures').params.d;
  }

  /**
   * The mean log-likelihood per sample at the last E-step of the fit (scikit-learn's
   * `lower_bound_`; the parameters were updated once more after it). Throws if not fitted.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * gm.lowerBound; //=> e.g. -21.7 (nats per sample)
   * ```
   */
  get lowerBound(): number {
    return this.#fitted('GaussianMixture.lowerBound').lowerBound;
  }

  /**
   * EM iterations the fit ran. Throws if not fitted.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * gm.nIter; //=> at most options.maxIter
   * ```
   */
  get nIter(): number {
    return this.#fitted('GaussianMixture.nIter').nIter;
  }

  /**
   * Whether EM stopped because the lower bound changed by less than `tol` (rather than at
   * `maxIter`). Throws if not fitted.
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * if (!gm.converged) console.warn('raise maxIter or tol');
   * ```
   */
  get converged(): boolean {
    return this.#fitted('GaussianMixture.converged').converged;
  }

  /**
   * The mixture as a plain JSON-safe object (options and fitted state; `state: null` if never
   * fitted). `JSON.stringify(gm)` uses it.
   * @returns a {@link GaussianMixtureJSON} document (format `'autoencoders/gaussian-mixture'`, version 1).
   * @example
   * ```ts
   * // given: const gm: GaussianMixture;
   * const again = GaussianMixture.fromJSON(JSON.stringify(gm));
   * ```
   */
  toJSON(): GaussianMixtureJSON {
    return toDocument(this.#options, this.#state);
  }

  /**
   * Rebuilds a mixture from {@link GaussianMixture.toJSON}'s document or its JSON string. The
   * input is treated as untrusted: format name and version, every field's type, array lengths
   * against the declared shape, a size limit (`k·d·d ≤ 2²⁶`), positive weights summing to 1, and
   * symmetric positive-definite covariances are checked; unknown fields are rejected.
   * @param json - a {@link GaussianMixtureJSON} object or string.
   * @returns a new mixture.
   * @example
   * ```ts
   * const gm = GaussianMixture.fromJSON(JSON.parse(text));
   * ```
   */
  static fromJSON(json: unknown): GaussianMixture {
    const { options, state } = parseDocument(json);
    let gm: GaussianMixture;
    try {
      gm = new GaussianMixture({
        components: options.components,
        covariance: options.covariance,
        seed: options.seed,
        maxIter: options.maxIter,
        tol: options.tol,
        regCovar: options.regCovar,
        ...(options.initialMeans === null ? {} : { initialMeans: options.initialMeans }),
      });
    } catch (e) {
      throw new Error(`GaussianMixture.fromJSON: field 'options' is invalid: ${(e as Error).message}`);
    }
    gm.#state = state;
    return gm;
  }

  #fitted(fn: string): MixtureState {
    if (this.#state === null) throw new Error(`${fn}: the mixture is not fitted; call fit() first`);
    return this.#state;
  }

  #read(x: unknown, state: MixtureState, fn: string): { data: Float64Array; n: number } {
    const { data, n, d } = readData(x, fn);
    if (d !== state.params.d) throw new Error(`${fn}: argument 'x' must have ${state.params.d} features (columns) as in fit, got ${d}`);
    return { data, n };
  }
}
