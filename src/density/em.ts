/**
 * Expectation–maximisation for a Gaussian mixture, in float64 on the host: the M-step
 * (parameters from responsibilities), the E-step (responsibilities and the log-likelihood from
 * parameters) and the loop that alternates them until the mean log-likelihood stops moving.
 * Pure functions on row-major arrays; the class in gaussian-mixture.ts holds the state.
 * @internal
 */
import { cholesky, invertLower, logSumExp } from './linalg.js';

/** The covariance structure of the components. @internal */
export type CovarianceType = 'full' | 'diag';

/** The parameters of a fitted mixture (`k` components in `d` dimensions). @internal */
export interface MixtureParams {
  readonly covariance: CovarianceType;
  readonly k: number;
  readonly d: number;
  /** `k` mixing weights, summing to 1. */
  readonly weights: Float64Array;
  /** `k × d`, row-major. */
  readonly means: Float64Array;
  /** `'full'`: `k × d × d` (each symmetric positive definite); `'diag'`: `k × d` (positive). */
  readonly covariances: Float64Array;
}

/**
 * What the E-step and sampling need from the covariances, computed once per fit: the lower
 * Cholesky factors `Lⱼ` (`Σⱼ = LⱼLⱼᵀ`; for `'diag'` the standard deviations), their inverses,
 * and `halfLogDetPrecision[j] = −½·log|Σⱼ| = −Σᵢ log (Lⱼ)ᵢᵢ`.
 * @internal
 */
export interface MixtureFactors {
  readonly chol: Float64Array;
  readonly invChol: Float64Array;
  readonly halfLogDetPrecision: Float64Array;
}

/** A fitted mixture with its factors and how the fit went. @internal */
export interface MixtureState {
  readonly params: MixtureParams;
  readonly factors: MixtureFactors;
  /** Samples the mixture was fitted on. */
  readonly nSamples: number;
  /** The mean log-likelihood of the last E-step (scikit-learn's `lower_bound_`). */
  readonly lowerBound: number;
  /** EM iterations run. */
  readonly nIter: number;
  /** Whether the change of `lowerBound` fell below `tol` within `maxIter` iterations. */
  readonly converged: boolean;
}

const LOG_2PI = 1.8378770664093453; // ln(2π), written out: bundlers keep a module-scope Math.log call
/** Added to every component's total responsibility, as scikit-learn does, so that an empty component divides by no zero. */
const NK_FLOOR = 2.220446049250313e-15; // 10·Number.EPSILON, as a literal

/**
 * The factors of the covariances; throws, naming `fn` and the component, when one is not
 * positive definite (which `regCovar` > 0 prevents unless the data is huge or degenerate).
 * @internal
 */
export function computeFactors(p: MixtureParams, fn: string): MixtureFactors {
  const { k, d } = p;
  const halfLogDetPrecision = new Float64Array(k);
  if (p.covariance === 'diag') {
    const chol = new Float64Array(k * d);
    const invChol = new Float64Array(k * d);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) {
        const v = p.covariances[j * d + i]!;
        if (!(v > 0) || !Number.isFinite(v)) notPositiveDefinite(fn, j);
        chol[j * d + i] = Math.sqrt(v);
        invChol[j * d + i] = 1 / Math.sqrt(v);
        s += Math.log(v);
      }
      halfLogDetPrecision[j] = -0.5 * s;
    }
    return { chol, invChol, halfLogDetPrecision };
  }
  const dd = d * d;
  const chol = new Float64Array(k * dd);
  const invChol = new Float64Array(k * dd);
  for (let j = 0; j < k; j++) {
    const l = cholesky(p.covariances, d, j * dd);
    if (l === null) notPositiveDefinite(fn, j);
    let s = 0;
    for (let i = 0; i < d; i++) s += Math.log(l[i * d + i]!);
    if (!Number.isFinite(s)) notPositiveDefinite(fn, j);
    chol.set(l, j * dd);
    invChol.set(invertLower(l, d), j * dd);
    halfLogDetPrecision[j] = -s;
  }
  return { chol, invChol, halfLogDetPrecision };
}

function notPositiveDefinite(fn: string, j: number): never {
  throw new Error(
    `${fn}: the covariance of component ${j} is not positive definite (some components collapsed onto too few ` +
      `distinct points, or the values are too large); use fewer components, scale the data, or increase option 'regCovar'`,
  );
}

/**
 * `out[r·k + j] = log wⱼ + log N(xᵣ | μⱼ, Σⱼ)` for the `n` rows of `data`, where
 * `log N(x | μ, Σ) = −½·(d·log 2π + ‖L⁻¹(x − μ)‖²) − ½·log|Σ|`.
 * @internal
 */
export function weightedLogProb(data: Float64Array, n: number, p: MixtureParams, f: MixtureFactors): Float64Array {
  const { k, d } = p;
  const out = new Float64Array(n * k);
  const diff = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    const constant = Math.log(p.weights[j]!) - 0.5 * d * LOG_2PI + f.halfLogDetPrecision[j]!;
    const mu = j * d;
    if (p.covariance === 'diag') {
      for (let r = 0; r < n; r++) {
        let q = 0;
        for (let i = 0; i < d; i++) {
          const y = (data[r * d + i]! - p.means[mu + i]!) * f.invChol[mu + i]!;
          q += y * y;
        }
        out[r * k + j] = constant - 0.5 * q;
      }
    } else {
      const base = j * d * d;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < d; i++) diff[i] = data[r * d + i]! - p.means[mu + i]!;
        let q = 0;
        for (let i = 0; i < d; i++) {
          let y = 0;
          const row = base + i * d;
          for (let c = 0; c <= i; c++) y += f.invChol[row + c]! * diff[c]!;
          q += y * y;
        }
        out[r * k + j] = constant - 0.5 * q;
      }
    }
  }
  return out;
}

/**
 * The E-step: per-sample log-likelihoods `ℓᵣ = log Σⱼ wⱼ N(xᵣ | μⱼ, Σⱼ)` (by log-sum-exp) and
 * the log-responsibilities `log γᵣⱼ = log wⱼ + log N(xᵣ | μⱼ, Σⱼ) − ℓᵣ`, in place of the
 * weighted log-probabilities.
 * @internal
 */
export function eStep(data: Float64Array, n: number, p: MixtureParams, f: MixtureFactors): { logLik: Float64Array; logResp: Float64Array } {
  const { k } = p;
  const logResp = weightedLogProb(data, n, p, f);
  const logLik = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const l = logSumExp(logResp, r * k, k);
    logLik[r] = l;
    for (let j = 0; j < k; j++) logResp[r * k + j] = logResp[r * k + j]! - l;
  }
  return { logLik, logResp };
}

/**
 * The M-step: with `Nⱼ = Σᵣ γᵣⱼ + 10ε`, `wⱼ = Nⱼ / n`, `μⱼ = Σᵣ γᵣⱼ xᵣ / Nⱼ` and
 * `Σⱼ = Σᵣ γᵣⱼ (xᵣ − μⱼ)(xᵣ − μⱼ)ᵀ / Nⱼ + regCovar·I` (for `'diag'`, only the diagonal).
 * `resp` is `n × k` (responsibilities, not their logarithms).
 * @internal
 */
export function mStep(
  data: Float64Array,
  n: number,
  d: number,
  resp: Float64Array,
  k: number,
  covariance: CovarianceType,
  regCovar: number,
): MixtureParams {
  const nk = new Float64Array(k).fill(0);
  const means = new Float64Array(k * d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < k; j++) {
      const g = resp[r * k + j]!;
      if (g === 0) continue;
      nk[j] = nk[j]! + g;
      for (let i = 0; i < d; i++) means[j * d + i] = means[j * d + i]! + g * data[r * d + i]!;
    }
  }
  for (let j = 0; j < k; j++) {
    nk[j] = nk[j]! + NK_FLOOR;
    for (let i = 0; i < d; i++) means[j * d + i] = means[j * d + i]! / nk[j]!;
  }
  const diff = new Float64Array(d);
  let covariances: Float64Array;
  if (covariance === 'diag') {
    covariances = new Float64Array(k * d);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < k; j++) {
        const g = resp[r * k + j]!;
        if (g === 0) continue;
        for (let i = 0; i < d; i++) {
          const e = data[r * d + i]! - means[j * d + i]!;
          covariances[j * d + i] = covariances[j * d + i]! + g * e * e;
        }
      }
    }
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) covariances[j * d + i] = covariances[j * d + i]! / nk[j]! + regCovar;
  } else {
    const dd = d * d;
    covariances = new Float64Array(k * dd);
    for (let j = 0; j < k; j++) {
      const base = j * dd;
      for (let r = 0; r < n; r++) {
        const g = resp[r * k + j]!;
        if (g === 0) continue;
        for (let i = 0; i < d; i++) diff[i] = data[r * d + i]! - means[j * d + i]!;
        for (let a = 0; a < d; a++) {
          const ga = g * diff[a]!;
          const row = base + a * d;
          for (let b = 0; b <= a; b++) covariances[row + b] = covariances[row + b]! + ga * diff[b]!;
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = covariances[base + a * d + b]! / nk[j]! + (a === b ? regCovar : 0);
          covariances[base + a * d + b] = v;
          covariances[base + b * d + a] = v;
        }
      }
    }
  }
  const weights = new Float64Array(k);
  for (let j = 0; j < k; j++) weights[j] = nk[j]! / n;
  return { covariance, k, d, weights, means, covariances };
}

/** One-hot responsibilities (`n × k`) of hard labels. @internal */
export function oneHot(labels: Int32Array, k: number): Float64Array {
  const resp = new Float64Array(labels.length * k);
  for (let r = 0; r < labels.length; r++) resp[r * k + labels[r]!] = 1;
  return resp;
}

/** Settings of {@link runEm}. @internal */
export interface EmSettings {
  readonly maxIter: number;
  readonly tol: number;
  readonly regCovar: number;
}

/**
 * EM from the initial parameters `init`, as scikit-learn's `GaussianMixture.fit`: each iteration
 * runs the E-step on the current parameters (its mean log-likelihood is the new lower bound),
 * then the M-step; it stops when the lower bound moved by less than `tol`, or after `maxIter`
 * iterations. Throws (naming `fn`) when the log-likelihood is not finite or a covariance stops
 * being positive definite.
 * @internal
 */
export function runEm(data: Float64Array, n: number, init: MixtureParams, settings: EmSettings, fn: string): MixtureState {
  let params = init;
  let factors = computeFactors(params, fn);
  let lowerBound = -Infinity;
  let nIter = 0;
  let converged = false;
  for (let iter = 1; iter <= settings.maxIter; iter++) {
    const previous = lowerBound;
    const { logLik, logResp } = eStep(data, n, params, factors);
    let total = 0;
    for (let r = 0; r < n; r++) total += logLik[r]!;
    lowerBound = total / n;
    if (!Number.isFinite(lowerBound)) {
      throw new Error(`${fn}: the log-likelihood became ${String(lowerBound)} at iteration ${iter}; scale the data or increase option 'regCovar'`);
    }
    for (let i = 0; i < logResp.length; i++) logResp[i] = Math.exp(logResp[i]!);
    params = mStep(data, n, init.d, logResp, init.k, init.covariance, settings.regCovar);
    factors = computeFactors(params, fn);
    nIter = iter;
    if (Math.abs(lowerBound - previous) < settings.tol) {
      converged = true;
      break;
    }
  }
  return { params, factors, nSamples: n, lowerBound, nIter, converged };
}
