import { assertNumber, assertOneOf, fail, rejectUnknownKeys, typeFail } from '../core/index.js';
import { readInput, toOutput } from './io.js';
import {
  fitKernelState,
  kernelInverseTransform,
  kernelTransform,
  trainingEmbedding,
  type KernelPCAOptionsJSON,
  type KernelState,
} from './kernel-fit.js';
import { parseKernelDocument, toKernelDocument, type KernelPCAJSON } from './kernel-json.js';
import type { KernelName } from './kernels.js';
import type { PCAInput, PCAOutput } from './types.js';

/**
 * Options of {@link KernelPCA}. All are optional.
 * @category PCA
 */
export interface KernelPCAOptions {
  /** Components to keep, an integer in `[1, nSamples]`. Default: all `nSamples`, then those of zero eigenvalue dropped (as scikit-learn). */
  readonly nComponents?: number;
  /** The kernel, see {@link KernelName}. Default `'linear'` (as scikit-learn). */
  readonly kernel?: KernelName;
  /**
   * `γ > 0` of `'rbf'`, `'poly'` and `'sigmoid'`. Default `1/nFeatures` of the rows the kernel
   * sees: the data for the projection, and the `nComponents`-dimensional embedding for the
   * pre-image regression (as scikit-learn).
   */
  readonly gamma?: number;
  /** Degree of `'poly'`, an integer ≥ 1. Default `3`. */
  readonly degree?: number;
  /** `coef0` of `'poly'` and `'sigmoid'`. Default `1`. */
  readonly coef0?: number;
  /** Learn the pre-image map for {@link KernelPCA.inverseTransform} while fitting. Default `false`. */
  readonly fitInverseTransform?: boolean;
  /** Ridge `α ≥ 0` of the pre-image regression. Default `1`. */
  readonly alpha?: number;
  /**
   * Eigensolver of the `n × n` centred kernel: `'dense'` (all eigenvalues by Householder
   * tridiagonalisation and QL, `O(n³)`), `'randomized'` (Halko et al.'s range finder with 10
   * extra directions and 7 power iterations of `K²`, or 4 when `nComponents ≥ 0.1·n`, as
   * scikit-learn's; float64, `2n²·(k + 10)` multiply-adds per iteration; seeded), or `'auto'`
   * (default): `'randomized'` when `n > 1000` and `nComponents < 0.8·n`, else `'dense'`.
   */
  readonly solver?: 'auto' | 'dense' | 'randomized';
  /** Seed of the randomized solver, an integer. Default `0`. */
  readonly seed?: number;
}

const KEYS = ['nComponents', 'kernel', 'gamma', 'degree', 'coef0', 'fitInverseTransform', 'alpha', 'solver', 'seed'] as const;
const KERNELS: readonly KernelName[] = ['rbf', 'poly', 'sigmoid', 'cosine', 'linear'];

function normalizeKernelOptions(options: unknown, fn: string): KernelPCAOptionsJSON {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) typeFail(fn, 'options', 'an object', options);
  const o = options as Record<string, unknown>;
  rejectUnknownKeys(o, KEYS, fn, 'options');
  const nComponents = o['nComponents'] ?? null;
  if (nComponents !== null) assertNumber(nComponents, fn, 'options.nComponents', { min: 1, integer: true });
  const kernel = o['kernel'] ?? 'linear';
  assertOneOf(kernel, KERNELS, fn, 'options.kernel');
  const gamma = o['gamma'] ?? null;
  if (gamma !== null) {
    assertNumber(gamma, fn, 'options.gamma');
    if (!(gamma > 0)) fail(fn, 'options.gamma', 'a number > 0', gamma);
  }
  const degree = o['degree'] ?? 3;
  assertNumber(degree, fn, 'options.degree', { min: 1, max: 100, integer: true });
  const coef0 = o['coef0'] ?? 1;
  assertNumber(coef0, fn, 'options.coef0');
  const fitInverseTransform = o['fitInverseTransform'] ?? false;
  if (typeof fitInverseTransform !== 'boolean') typeFail(fn, 'options.fitInverseTransform', 'a boolean', fitInverseTransform);
  const alpha = o['alpha'] ?? 1;
  assertNumber(alpha, fn, 'options.alpha', { min: 0 });
  const solver = o['solver'] ?? 'auto';
  assertOneOf(solver, ['auto', 'dense', 'randomized'] as const, fn, 'options.solver');
  const seed = o['seed'] ?? 0;
  assertNumber(seed, fn, 'options.seed', { integer: true });
  return { nComponents: nComponents as number | null, kernel, gamma: gamma as number | null, degree, coef0, fitInverseTransform, alpha, solver, seed };
}

/**
 * Kernel PCA (Schölkopf, Smola & Müller 1998), as scikit-learn's `KernelPCA`: PCA in the feature
 * space of a kernel `k` (see {@link KernelName}), the nonlinear step between {@link PCA} and an
 * autoencoder. With `K̃` the centred `n × n` kernel of the training rows and `(λᵢ, vᵢ)` its top
 * eigenpairs (unit `vᵢ`, sign: the largest-magnitude entry positive):
 * - the training embedding is `zᵢ = vᵢ·√λᵢ` (`fitTransform`);
 * - a new row `x` maps to `zᵢ(x) = Σⱼ k̃(x, xⱼ)·vᵢⱼ/√λᵢ` (`transform`, `k̃` centred like `K̃`);
 * - with `fitInverseTransform`, the pre-image (`inverseTransform`) is kernel ridge regression
 *   from the embedding back to the data (Bakır et al. 2004): `x̂(z) = K(z, Z)·(K(Z, Z) + αI)⁻¹X`,
 *   with the same kernel on the embedding.
 *
 * Everything runs in float64 on the host, the products in the package's WebAssembly kernel; the
 * eigensolvers are PCA's. The kernel matrix is `n × n` float64, so fitting is limited to
 * `n ≤ 8192` samples (512 MiB; {@link KERNEL_PCA_MAX_SAMPLES}), with a clear Error beyond; use the
 * `'randomized'` solver from about a thousand samples. The model keeps the training rows. It
 * holds no tensors; methods answer in the kind of their input (see {@link PCAOutput}).
 *
 * @category PCA
 * @example
 * ```ts
 * const kpca = new KernelPCA({ nComponents: 2, kernel: 'rbf', gamma: 0.5, fitInverseTransform: true });
 * const z = kpca.fitTransform([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5]]); // number[][] [5, 2]
 * const back = kpca.inverseTransform(z);                                     // approximate pre-images
 * ```
 */
export class KernelPCA {
  readonly #options: KernelPCAOptionsJSON;
  #state: KernelState | null = null;

  /**
   * Creates an unfitted model. Throws on unknown or invalid options (e.g. `gamma ≤ 0`).
   * @param options - see {@link KernelPCAOptions}.
   * @example
   * ```ts
   * const kpca = new KernelPCA({ nComponents: 50, kernel: 'rbf', solver: 'randomized', seed: 1 });
   * ```
   */
  constructor(options: KernelPCAOptions = {}) {
    this.#options = normalizeKernelOptions(options, 'new KernelPCA');
  }

  /**
   * Fits the model to `x` (`[n, d]`, `2 ≤ n ≤ 8192`), replacing any previous fit (kept if this
   * throws). Throws when the centred kernel is far from positive semi-definite on the kept
   * components (an eigenvalue below `−10⁻⁵` of the largest, as scikit-learn), which bad
   * `'sigmoid'` parameters give.
   * @param x - `[n, d]` training rows (tensor: read, not disposed).
   * @returns this model.
   * @example
   * ```ts
   * const kpca = new KernelPCA({ nComponents: 2, kernel: 'poly', degree: 2 }).fit(x);
   * ```
   */
  fit(x: PCAInput): this {
    const fn = 'KernelPCA.fit';
    const { data, n, d } = readInput(x, fn);
    this.#state = fitKernelState(this.#options, data, n, d, fn);
    return this;
  }

  /**
   * Fits the model and returns the training embedding `vᵢ·√λᵢ` (`[n, k]`), as scikit-learn's
   * `fit_transform` (equal to `transform(x)` up to rounding).
   * @param x - `[n, d]` training rows.
   * @returns `[n, k]` in the kind of `x`.
   * @example
   * ```ts
   * const z = new KernelPCA({ nComponents: 2, kernel: 'rbf' }).fitTransform(x);
   * ```
   */
  fitTransform<X extends PCAInput>(x: X): PCAOutput<X> {
    const fn = 'KernelPCA.fitTransform';
    const { data, n, d, kind } = readInput(x, fn);
    const state = fitKernelState(this.#options, data, n, d, fn);
    this.#state = state;
    return toOutput(kind, trainingEmbedding(state), n, state.nComponents) as PCAOutput<X>;
  }

  /**
   * Projects new rows onto the kernel principal components: `zᵢ(x) = Σⱼ k̃(x, xⱼ)·vᵢⱼ/√λᵢ`
   * (0 for a component of zero eigenvalue). Cost `O(m·n·(d + k))`.
   * @param x - `[m, d]` rows with the fitted number of features.
   * @returns `[m, k]` in the kind of `x` (a tensor gives a new float32 tensor).
   * @example
   * ```ts
   * // given: const kpca: KernelPCA;
   * const z = kpca.transform(xTest);
   * ```
   */
  transform<X extends PCAInput>(x: X): PCAOutput<X> {
    const fn = 'KernelPCA.transform';
    const state = this.#fitted(fn);
    const { data, n, d, kind } = readInput(x, fn);
    if (d !== state.nFeatures) throw new Error(`${fn}: argument 'x' must have ${state.nFeatures} features (columns) as in fit, got ${d}`);
    return toOutput(kind, kernelTransform(this.#options, state, data, n), n, state.nComponents) as PCAOutput<X>;
  }

  /**
   * Pre-images of embeddings by the kernel ridge regression learned in `fit` (needs
   * `fitInverseTransform: true`): `x̂(z) = K(z, Z)·(K(Z, Z) + αI)⁻¹X`.
   * @param z - `[m, k]` embeddings.
   * @returns `[m, d]` in the kind of `z`.
   * @example
   * ```ts
   * // given: const kpca: KernelPCA;
   * const xr = kpca.inverseTransform(kpca.transform(xTest));
   * ```
   */
  inverseTransform<X extends PCAInput>(z: X): PCAOutput<X> {
    const fn = 'KernelPCA.inverseTransform';
    const state = this.#fitted(fn);
    if (state.inverse === null) throw new Error(`${fn}: the model was fitted without option 'fitInverseTransform: true', so it has no pre-image map`);
    const { data, n, d, kind } = readInput(z, fn, 'z');
    if (d !== state.nComponents) throw new Error(`${fn}: argument 'z' must have ${state.nComponents} columns (one per component), got ${d}`);
    return toOutput(kind, kernelInverseTransform(this.#options, state, state.inverse, data, n), n, state.nFeatures) as PCAOutput<X>;
  }

  /**
   * Eigenvalues `λᵢ` of the centred training kernel for the kept components, descending (the
   * variance of the embedding along component i is `λᵢ/n`). A fresh copy. Throws if not fitted.
   * @example
   * ```ts
   * // given: const kpca: KernelPCA;
   * kpca.eigenvalues; //=> Float64Array [k]
   * ```
   */
  get eigenvalues(): Float64Array {
    return this.#fitted('KernelPCA.eigenvalues').eigenvalues.slice();
  }

  /**
   * Whether the model has been fitted.
   * @example
   * ```ts
   * new KernelPCA().isFitted; //=> false
   * ```
   */
  get isFitted(): boolean {
    return this.#state !== null;
  }

  /**
   * Number of components kept. Throws if not fitted.
   * @example
   * ```ts
   * new KernelPCA({ nComponents: 2 }).fit(x).nComponents; //=> 2
   * ```
   */
  get nComponents(): number {
    return this.#fitted('KernelPCA.nComponents').nComponents;
  }

  /**
   * Number of features `d` seen in fit. Throws if not fitted.
   * @example
   * ```ts
   * // given: const kpca: KernelPCA;
   * kpca.nFeatures; //=> 64 for the 8 × 8 digits
   * ```
   */
  get nFeatures(): number {
    return this.#fitted('KernelPCA.nFeatures').nFeatures;
  }

  /**
   * The eigensolver of the current fit (`'auto'` resolved). Throws if not fitted.
   * @example
   * ```ts
   * // given: const kpca: KernelPCA;
   * kpca.fittedSolver; //=> 'dense' for up to 1000 samples
   * ```
   */
  get fittedSolver(): 'dense' | 'randomized' {
    return this.#fitted('KernelPCA.fittedSolver').solver;
  }

  /**
   * Does nothing: the model holds no tensors (for code that disposes any model).
   * @example
   * ```ts
   * // given: const kpca: KernelPCA;
   * kpca.dispose();
   * ```
   */
  dispose(): void {}

  /**
   * The model as a plain JSON-safe object (options and fitted state, including the training
   * rows; `state: null` if never fitted). `JSON.stringify(kpca)` uses it.
   * @returns a {@link KernelPCAJSON} document (format `'autoencoders/kernel-pca'`, version 1).
   * @example
   * ```ts
   * // given: const kpca: KernelPCA;
   * const again = KernelPCA.fromJSON(JSON.stringify(kpca));
   * ```
   */
  toJSON(): KernelPCAJSON {
    return toKernelDocument(this.#options, this.#state);
  }

  /**
   * Rebuilds a model from {@link KernelPCA.toJSON}'s document or its JSON string, treated as
   * untrusted: format and version, every field's type, lengths against the declared shape, the
   * sample limit, unit eigenvectors; unknown fields are rejected.
   * @param json - a {@link KernelPCAJSON} object or string.
   * @returns a new model.
   * @example
   * ```ts
   * const kpca = KernelPCA.fromJSON(text);
   * ```
   */
  static fromJSON(json: unknown): KernelPCA {
    const { options, state } = parseKernelDocument(json);
    let model: KernelPCA;
    try {
      model = new KernelPCA(options as KernelPCAOptions);
    } catch (e) {
      throw new Error(`KernelPCA.fromJSON: field 'options' is invalid: ${(e as Error).message}`);
    }
    if (state !== null && state.inverse === null && model.#options.fitInverseTransform) {
      throw new Error("KernelPCA.fromJSON: field 'state.inverse' must be present when option 'fitInverseTransform' is true");
    }
    model.#state = state;
    return model;
  }

  #fitted(fn: string): KernelState {
    if (this.#state === null) throw new Error(`${fn}: the model is not fitted; call fit() first`);
    return this.#state;
  }
}

