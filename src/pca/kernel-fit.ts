/**
 * Fitting and applying Kernel PCA on host float64 arrays (Schölkopf, Smola & Müller 1998; the
 * pre-image by kernel ridge regression of Bakır, Weston & Schölkopf 2004), as scikit-learn's
 * `KernelPCA`. Pure functions: a fit returns a new {@link KernelState} or throws.
 * @internal
 */
import { createRng, deriveSeed } from '../core/index.js';
import { symmetricEigen } from './linalg/eigen.js';
import { gaussianMatrix, orthonormalizeRows } from './linalg/orth.js';
import { productNT, Workspace } from './linalg/workspace.js';
import { centerNew, centerTraining, choleskySolve, kernelMatrix, type KernelCentering, type KernelName, type KernelParams } from './kernels.js';
import { transpose } from './project.js';
import { flipSigns } from './solvers.js';

/** Largest number of training samples of a {@link KernelPCA}: its kernel matrix is n × n float64 (n = 8192: 512 MiB). */
export const KERNEL_PCA_MAX_SAMPLES = 8192;

/** The checked options of a Kernel PCA, as stored in a document (`null`: the default by shape). @category PCA */
export interface KernelPCAOptionsJSON {
  nComponents: number | null;
  kernel: KernelName;
  gamma: number | null;
  degree: number;
  coef0: number;
  fitInverseTransform: boolean;
  alpha: number;
  solver: 'auto' | 'dense' | 'randomized';
  seed: number;
}

/** The learned pre-image map: kernel ridge regression from the embedding back to the data. @internal */
export interface KernelInverse {
  /** γ of the kernel on the embedding (the option, or `1/nComponents`). */
  readonly gamma: number;
  /** The training embedding, `n × k`. */
  readonly latent: Float64Array;
  /** `(K(Z, Z) + αI)⁻¹ X`, `n × d`. */
  readonly dual: Float64Array;
}

/** Everything a fitted Kernel PCA knows. @internal */
export interface KernelState {
  readonly solver: 'dense' | 'randomized';
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly nComponents: number;
  /** γ of the kernel on the data (the option, or `1/nFeatures`). */
  readonly gamma: number;
  /** The training rows, `n × d`. */
  readonly xFit: Float64Array;
  /** Eigenvalues of the centred kernel, descending, `k`. */
  readonly eigenvalues: Float64Array;
  /** Unit eigenvectors, `k × n` rows. */
  readonly eigenvectors: Float64Array;
  readonly centering: KernelCentering;
  readonly inverse: KernelInverse | null;
}

/** The kernel parameters of a state's options with a given γ. @internal */
export function paramsOf(opts: KernelPCAOptionsJSON, gamma: number): KernelParams {
  return { kernel: opts.kernel, gamma, degree: opts.degree, coef0: opts.coef0 };
}

/**
 * scikit-learn's `_check_psd_eigenvalues` on the kept eigenvalues (in place): an error when the
 * largest is negative, or the smallest below `−10⁻⁵·max` and `−10⁻¹⁰`; otherwise negative ones,
 * and positive ones below `10⁻¹²·max`, become 0.
 */
function checkPsd(values: Float64Array, opts: KernelPCAOptionsJSON, gamma: number, fn: string): void {
  const max = Math.max(...values);
  const min = Math.min(...values);
  const params = opts.kernel === 'linear' || opts.kernel === 'cosine' ? '' : ` (gamma ${gamma}, coef0 ${opts.coef0}${opts.kernel === 'poly' ? `, degree ${opts.degree}` : ''})`;
  if (max < 0) {
    throw new Error(`${fn}: the centred '${opts.kernel}' kernel${params} is not positive semi-definite: all its kept eigenvalues are negative (the largest is ${max}); choose other kernel parameters`);
  }
  if (min < -1e-5 * max && min < -1e-10) {
    throw new Error(
      `${fn}: the centred '${opts.kernel}' kernel${params} is not positive semi-definite: it has an eigenvalue of ${min}, ${(-min / max).toPrecision(6)} of the largest; choose other kernel parameters (for 'sigmoid', a smaller gamma) or fewer components`,
    );
  }
  for (let i = 0; i < values.length; i++) if (values[i]! < 0 || values[i]! < 1e-12 * max) values[i] = 0;
}

/** A Kernel PCA of `n × d` rows (`x` is kept, not copied: the caller passes its own copy). @internal */
export function fitKernelState(opts: KernelPCAOptionsJSON, x: Float64Array, n: number, d: number, fn: string): KernelState {
  if (n < 2) throw new Error(`${fn}: argument 'x' must have at least 2 samples (rows), got ${n}`);
  if (n > KERNEL_PCA_MAX_SAMPLES) {
    throw new Error(
      `${fn}: argument 'x' has ${n} samples, more than KernelPCA's limit of ${KERNEL_PCA_MAX_SAMPLES}: the kernel matrix is n × n float64 (${((n * n * 8) / 2 ** 30).toFixed(1)} GiB here); fit on a subsample, or use PCA`,
    );
  }
  const k = opts.nComponents ?? n;
  if (k > n) throw new Error(`${fn}: option 'nComponents' (${k}) must be at most the number of samples (${n})`);
  const gamma = opts.gamma ?? 1 / d;
  const kern = kernelMatrix(x, n, null, n, d, paramsOf(opts, gamma));
  if (!kern.every(Number.isFinite)) {
    throw new Error(`${fn}: the '${opts.kernel}' kernel of argument 'x' is not finite (values too large for the kernel parameters)`);
  }
  const centering = centerTraining(kern, n);
  const solver = opts.solver === 'auto' ? (n > 1000 && k < 0.8 * n ? 'randomized' : 'dense') : opts.solver;
  let values: Float64Array;
  let vectors: Float64Array;
  if (solver === 'dense') {
    const eig = symmetricEigen(kern, n, () => k);
    values = eig.values.slice(0, k);
    vectors = eig.vectors;
  } else {
    ({ values, vectors } = randomizedEigen(kern, n, k, opts.seed));
  }
  checkPsd(values, opts, gamma, fn);
  flipSigns(vectors, k, n);
  let kept = k;
  if (opts.nComponents === null) {
    // All components asked for: those of zero eigenvalue are dropped, as scikit-learn does.
    kept = values.findIndex((v) => !(v > 0));
    if (kept < 0) kept = k;
    if (kept === 0) throw new Error(`${fn}: the centred kernel of argument 'x' is zero: there is no component to keep`);
  }
  const state: KernelState = {
    solver,
    nSamples: n,
    nFeatures: d,
    nComponents: kept,
    gamma,
    xFit: x,
    eigenvalues: values.slice(0, kept),
    eigenvectors: vectors.slice(0, kept * n),
    centering,
    inverse: null,
  };
  return opts.fitInverseTransform ? { ...state, inverse: fitInverse(opts, state, fn) } : state;
}

/**
 * Top-`k` eigenpairs of the symmetric `n × n` matrix `s` by Halko, Martinsson & Tropp's range
 * finder, as scikit-learn's `_randomized_eigsh` (selection by modulus): `Q` spans `S^(2q+1)Ω`
 * (`l = k + 10` directions, `q` = 7 power iterations of `SSᵀ`, or 4 when `k ≥ 0.1·n`,
 * re-orthonormalised after each product), then the eigendecomposition of `W·Wᵀ` with `W = QS` (`l × l`) gives the singular
 * values of `QS` — a Rayleigh–Ritz step on `S²`, which squares the spectral gaps — and the Ritz
 * vectors; each eigenvalue is the singular value with the sign of its Rayleigh quotient.
 * Products in the WebAssembly kernel (float32 lanes, float64 sums).
 */
function randomizedEigen(s: Float64Array, n: number, k: number, seed: number): { values: Float64Array; vectors: Float64Array } {
  const rng = createRng(deriveSeed(seed, 0x6b70ca));
  const l = Math.min(n, k + 10);
  const q = k < 0.1 * n ? 7 : 4;
  // The products run in float32 lanes summed in float64 blocks (relative error ≈ 10⁻⁶, below the
  // method's own), twice the speed of float64 ones; the rest is float64.
  const ws = Workspace.create([[n, n, 'f32'], [l, n, 'f32'], [l, n]]);
  const ps = ws.panel(0), pq = ws.panel(1), py = ws.panel(2);
  ws.write(ps, s);
  const qRows = gaussianMatrix(l, n, rng);
  const times = (): Float64Array => {
    ws.write(pq, qRows);
    ws.clear(py);
    ws.nt32(pq, ps, py, n);
    return ws.read(py);
  };
  // Each of scikit-learn's power iterations multiplies by M and by Mᵀ: 2q + 1 products in all.
  for (let it = 0; it < 2 * q + 1; it++) {
    qRows.set(times());
    orthonormalizeRows(qRows, l, n, rng);
  }
  const w = times(); // W = Q·S, l × n
  const wwt = productNT(w, l, n, null, l);
  const eig = symmetricEigen(wwt, l, () => k, 'ql');
  const vectors = new Float64Array(k * n);
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const oi = i * n;
    let rayleigh = 0;
    for (let c = 0; c < l; c++) {
      const coef = eig.vectors[i * l + c]!;
      const oc = c * n;
      for (let t = 0; t < n; t++) vectors[oi + t] = vectors[oi + t]! + coef * qRows[oc + t]!;
      // uᵢᵀ S uᵢ = Σ_c coef_c · (Q S)_c · uᵢ, accumulated below once uᵢ is complete.
    }
    for (let c = 0; c < l; c++) {
      const coef = eig.vectors[i * l + c]!;
      let dot = 0;
      for (let t = 0; t < n; t++) dot += w[c * n + t]! * vectors[oi + t]!;
      rayleigh += coef * dot;
    }
    const sigma = Math.sqrt(Math.max(eig.values[i]!, 0));
    values[i] = rayleigh < 0 ? -sigma : sigma;
  }
  // Descending by value, as the dense solver gives them (a negative one, if any, last).
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const sortedValues = Float64Array.from(order, (i) => values[i]!);
  const sortedVectors = new Float64Array(k * n);
  order.forEach((src, dst) => sortedVectors.set(vectors.subarray(src * n, src * n + n), dst * n));
  return { values: sortedValues, vectors: sortedVectors };
}

/** The training embedding `Z = V·diag(√λ)`: row r, component i is `vᵢ[r]·√λᵢ` (`n × k`). @internal */
export function trainingEmbedding(s: KernelState): Float64Array {
  const { nSamples: n, nComponents: k } = s;
  const z = new Float64Array(n * k);
  for (let i = 0; i < k; i++) {
    const root = Math.sqrt(s.eigenvalues[i]!);
    for (let r = 0; r < n; r++) z[r * k + i] = s.eigenvectors[i * n + r]! * root;
  }
  return z;
}

/** Kernel ridge regression from the embedding to the data: `dual = (K(Z, Z) + αI)⁻¹ X`. */
function fitInverse(opts: KernelPCAOptionsJSON, s: KernelState, fn: string): KernelInverse {
  const { nSamples: n, nComponents: k, nFeatures: d } = s;
  const latent = trainingEmbedding(s);
  const gamma = opts.gamma ?? 1 / k;
  const kz = kernelMatrix(latent, n, null, n, k, paramsOf(opts, gamma));
  for (let i = 0; i < n; i++) kz[i * n + i] = kz[i * n + i]! + opts.alpha;
  const dual = choleskySolve(kz, n, s.xFit, d);
  if (dual === null) {
    throw new Error(
      `${fn}: the pre-image regression cannot be fitted: the '${opts.kernel}' kernel of the embedding plus alpha·I (alpha ${opts.alpha}) is not positive definite; raise option 'alpha'`,
    );
  }
  return { gamma, latent, dual };
}

/** Projections of new rows `x` (`m × d`): `K̃(x, X_fit)·V·diag(1/√λ)` (0 for λ = 0), `m × k`. @internal */
export function kernelTransform(opts: KernelPCAOptionsJSON, s: KernelState, x: Float64Array, m: number): Float64Array {
  const { nSamples: n, nComponents: k } = s;
  const kern = kernelMatrix(x, m, s.xFit, n, s.nFeatures, paramsOf(opts, s.gamma));
  centerNew(kern, m, n, s.centering);
  const scaled = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    const l = s.eigenvalues[i]!;
    if (!(l > 0)) continue;
    const f = 1 / Math.sqrt(l);
    for (let r = 0; r < n; r++) scaled[i * n + r] = s.eigenvectors[i * n + r]! * f;
  }
  return productNT(kern, m, n, scaled, k);
}

/** Pre-images of embeddings `z` (`m × k`): `K(z, Z_fit)·dual`, `m × d`. @internal */
export function kernelInverseTransform(opts: KernelPCAOptionsJSON, s: KernelState, inv: KernelInverse, z: Float64Array, m: number): Float64Array {
  const { nSamples: n, nComponents: k, nFeatures: d } = s;
  const kern = kernelMatrix(z, m, inv.latent, n, k, paramsOf(opts, inv.gamma));
  return productNT(kern, m, n, transpose(inv.dual, n, d), d);
}
