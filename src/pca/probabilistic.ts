/**
 * The probabilistic PCA model of a fit (Tipping & Bishop 1999) and Minka's (2000) choice of its
 * dimension, on host float64 arrays:
 *
 *   x ~ N(μ, C),  C = Vᵀ diag(λ − σ²)₊ V + σ² I   (V: `k × d` orthonormal components, λ: their
 *   explained variances, σ²: the noise variance),
 *
 * as scikit-learn's `get_covariance`, `get_precision`, `score_samples` and `_infer_dimension`.
 * @internal
 */
import type { FittedState } from './solvers.js';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * `log Γ(x)` for `x > 0` by the Lanczos approximation (g = 7, 9 terms; relative error ≈ 1e-15),
 * with the reflection formula below 0.5.
 * @internal
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Minka's Laplace approximation of `log p(X | rank)` for data of `n` samples whose covariance
 * has eigenvalues `spectrum` (descending, all `d` of them), as scikit-learn's `_assess_dimension`
 * (Minka 2000, eq. 30–31): `−∞` when `spectrum[rank − 1] < 1e-15`.
 * @internal
 */
export function assessDimension(spectrum: Float64Array, rank: number, n: number): number {
  const d = spectrum.length;
  const eps = 1e-15;
  if (spectrum[rank - 1]! < eps) return -Infinity;
  let pu = -rank * Math.LN2;
  for (let i = 1; i <= rank; i++) pu += logGamma((d - i + 1) / 2) - (Math.log(Math.PI) * (d - i + 1)) / 2;
  let pl = 0;
  for (let i = 0; i < rank; i++) pl += Math.log(spectrum[i]!);
  pl = (-pl * n) / 2;
  let rest = 0;
  for (let i = rank; i < d; i++) rest += spectrum[i]!;
  const v = Math.max(eps, rest / (d - rank));
  const pv = (-Math.log(v) * n * (d - rank)) / 2;
  const m = d * rank - (rank * (rank + 1)) / 2;
  const pp = (Math.log(2 * Math.PI) * (m + rank)) / 2;
  let pa = 0;
  const logN = Math.log(n);
  for (let i = 0; i < rank; i++) {
    const si = spectrum[i]!;
    for (let j = i + 1; j < d; j++) {
      const sj = j < rank ? spectrum[j]! : v;
      pa += Math.log((si - spectrum[j]!) * (1 / sj - 1 / si)) + logN;
    }
  }
  return pu + pl + pv + pp - pa / 2 - (rank * logN) / 2;
}

/**
 * The rank in `[1, d − 1]` of largest {@link assessDimension} (the first on ties), as
 * scikit-learn's `_infer_dimension`; 1 when every rank scores `−∞`.
 * @internal
 */
export function inferDimension(spectrum: Float64Array, n: number): number {
  let best = -Infinity;
  let at = 0;
  for (let rank = 1; rank < spectrum.length; rank++) {
    const ll = assessDimension(spectrum, rank, n);
    if (ll > best) {
      best = ll;
      at = rank;
    }
  }
  // scikit-learn's argmax over [−∞, ll(1), …] gives 0 when all are −∞; a PCA needs k ≥ 1.
  return Math.max(at, 1);
}

/** The terms of the model: σ², and per component its weight in the covariance and the precision. */
interface ModelTerms {
  readonly noise: number;
  /** `(λᵢ − σ²)₊`, the variance a component adds to the noise. */
  readonly extra: Float64Array;
  /** `log det C`. */
  readonly logDet: number;
}

function modelTerms(state: FittedState, fn: string): ModelTerms {
  const { nComponents: k, nFeatures: d, noiseVariance: noise, explainedVariance: ev } = state;
  const extra = Float64Array.from(ev.subarray(0, k), (v) => Math.max(v - noise, 0));
  let logDet: number;
  if (noise > 0) {
    logDet = (d - k) * Math.log(noise);
    for (let i = 0; i < k; i++) logDet += Math.log(extra[i]! + noise);
  } else {
    // No noise left: C = Vᵀ diag(λ) V, invertible only when the k = d components all have variance.
    if (k < d || ev.some((v) => !(v > 0))) {
      throw new Error(
        `${fn}: the model's covariance is singular (noise variance 0 with ${k} components of ${d} features${k < d ? '' : ', some of zero variance'}): keep fewer components than min(nSamples, nFeatures)`,
      );
    }
    logDet = 0;
    for (let i = 0; i < k; i++) logDet += Math.log(ev[i]!);
  }
  return { noise, extra, logDet };
}

/**
 * The model covariance `C = Vᵀ diag(λ − σ²)₊ V + σ² I` (`d × d`, row-major), as scikit-learn's
 * `get_covariance` (without whitening: see `PCA.getCovariance`).
 * @internal
 */
export function covariance(state: FittedState): Float64Array {
  const { nComponents: k, noiseVariance: noise, explainedVariance: ev } = state;
  const weight = new Float64Array(k);
  for (let i = 0; i < k; i++) weight[i] = Math.max(ev[i]! - noise, 0);
  return weightedGram(state, weight, noise);
}

/**
 * `Vᵀ diag(w) V + δ I` (`d × d`, row-major, symmetric) for the `k × d` components `V` of `state`:
 * the upper triangle is accumulated row by row (zero weights and zero products skipped), `δ` added
 * on the diagonal, and the lower triangle mirrored.
 */
function weightedGram(state: FittedState, weight: Float64Array, diag: number): Float64Array {
  const { nComponents: k, nFeatures: d, components: v } = state;
  const p = new Float64Array(d * d);
  for (let i = 0; i < k; i++) {
    const w = weight[i]!;
    if (w === 0) continue;
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const va = w * v[o + a]!;
      if (va === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) p[row + b] = p[row + b]! + va * v[o + b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    p[a * d + a] = p[a * d + a]! + diag;
    for (let b = a + 1; b < d; b++) p[b * d + a] = p[a * d + b]!;
  }
  return p;
}

/**
 * The precision `C⁻¹` by the matrix inversion lemma (Woodbury), with `V Vᵀ = I`:
 * `C⁻¹ = σ⁻² (I − Vᵀ diag(cᵢ) V)`, `cᵢ = (λᵢ − σ²)₊ / ((λᵢ − σ²)₊ + σ²)`; when σ² = 0 (all `d`
 * components kept) `C⁻¹ = Vᵀ diag(1/λ) V`. Throws when `C` is singular.
 * @internal
 */
export function precision(state: FittedState, fn: string): Float64Array {
  const k = state.nComponents;
  const t = modelTerms(state, fn);
  const weight = new Float64Array(k);
  const ev = state.explainedVariance;
  for (let i = 0; i < k; i++) weight[i] = t.noise > 0 ? -t.extra[i]! / (t.extra[i]! + t.noise) / t.noise : 1 / ev[i]!;
  return weightedGram(state, weight, t.noise > 0 ? 1 / t.noise : 0);
}

/**
 * Log-likelihood of each row of `x` (`n × d`, row-major; not modified) under the model:
 * `log p(x) = −½ (x − μ)ᵀ C⁻¹ (x − μ) − ½ (d·log 2π + log det C)`, in `O(n·d·k)` through the
 * structure of `C⁻¹` (no `d × d` matrix is formed).
 * @internal
 */
export function logLikelihoods(state: FittedState, x: Float64Array, n: number, fn: string): Float64Array {
  const { nComponents: k, nFeatures: d, components: v, mean } = state;
  const t = modelTerms(state, fn);
  const ev = state.explainedVariance;
  const constant = -0.5 * (d * Math.log(2 * Math.PI) + t.logDet);
  const out = new Float64Array(n);
  const xr = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    let norm2 = 0;
    for (let j = 0; j < d; j++) {
      const c = x[r * d + j]! - mean[j]!;
      xr[j] = c;
      norm2 += c * c;
    }
    let quad = t.noise > 0 ? norm2 / t.noise : 0;
    for (let i = 0; i < k; i++) {
      const o = i * d;
      let z = 0;
      for (let j = 0; j < d; j++) z += v[o + j]! * xr[j]!;
      quad += t.noise > 0 ? (-t.extra[i]! / (t.extra[i]! + t.noise) / t.noise) * z * z : (z * z) / ev[i]!;
    }
    out[r] = -0.5 * quad + constant;
  }
  return out;
}
