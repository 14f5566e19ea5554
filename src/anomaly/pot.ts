/**
 * The generalized Pareto distribution fitted to the peaks over a threshold by maximum
 * likelihood, for the `'pot'` anomaly threshold (Siffer et al., "Anomaly Detection in Streams
 * with Extreme Value Theory", KDD 2017). Nothing here is public.
 * @module
 */

/** A fitted GPD with location 0: shape ξ, scale σ, and the log-likelihood of the peaks. @internal */
export interface GpdFit {
  readonly shape: number;
  readonly scale: number;
  readonly logLikelihood: number;
}

/**
 * The profile log-likelihood of Grimshaw (1993): with `θ = ξ/σ`, the likelihood of the peaks
 * `y` is maximised in ξ for each θ by `ξ(θ) = (1/N) Σ log(1 + θ y_i)`, `σ = ξ/θ`, leaving
 * `L(θ) = −N log σ − N (1 + ξ)`; at θ = 0 the exponential limit `σ = mean(y)`, `L = −N log σ − N`.
 */
function profile(y: Float64Array, theta: number): { shape: number; scale: number; ll: number } {
  const n = y.length;
  if (theta === 0) {
    let s = 0;
    for (const v of y) s += v;
    const scale = s / n;
    return { shape: 0, scale, ll: -n * Math.log(scale) - n };
  }
  let s = 0;
  for (const v of y) s += Math.log1p(theta * v);
  const shape = s / n;
  const scale = shape / theta;
  return { shape, scale, ll: -n * Math.log(scale) - n * (1 + shape) };
}

/**
 * Maximum-likelihood GPD (location 0) of positive excesses `y` (at least two distinct values).
 * The profile likelihood in θ is searched on a log-spaced grid over both signs of θ, inside
 * the support `1 + θ y > 0` and the regular region ξ >= −1 (below it the likelihood is
 * unbounded, Smith 1985), then refined by golden-section search around the best grid point.
 * @internal
 */
export function fitGpd(y: Float64Array): GpdFit {
  let max = 0;
  let sum = 0;
  for (const v of y) {
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / y.length;
  const thetas: number[] = [0];
  const steps = 240;
  for (let i = 0; i <= steps; i++) {
    // Positive side: θ·mean from 1e-6 to 1e6; negative side: θ up to just inside −1/max.
    const u = -6 + (12 * i) / steps;
    thetas.push(10 ** u / mean);
    thetas.push((-1 / max) * Math.min(10 ** (-8 + (8 * i) / steps), 1 - 1e-10));
  }
  // Close to the edge of the support, where a short tail (ξ near −1) has its maximum.
  for (let k = 1; k <= 10; k++) thetas.push((-1 / max) * (1 - 10 ** -k));
  thetas.sort((a, b) => a - b);
  const value = (t: number): number => {
    if (!(t > -1 / max)) return -Infinity;
    const p = profile(y, t);
    return Number.isFinite(p.ll) && p.shape >= -1 && p.scale > 0 ? p.ll : -Infinity;
  };
  const values = thetas.map(value);
  let best = 0;
  for (let i = 1; i < thetas.length; i++) if (values[i]! > values[best]!) best = i;
  let lo = thetas[Math.max(0, best - 1)]!;
  let hi = thetas[Math.min(thetas.length - 1, best + 1)]!;
  // Golden-section search on [lo, hi] (the profile is unimodal near the maximum).
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = value(a);
  let fb = value(b);
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(Math.abs(lo), Math.abs(hi), 1e-300); it++) {
    if (fa >= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = value(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = value(b);
    }
  }
  const candidates = [thetas[best]!, a, b];
  let theta = candidates[0]!;
  for (const t of candidates) if (value(t) > value(theta)) theta = t;
  const p = profile(y, theta);
  return { shape: p.shape, scale: p.scale, logLikelihood: p.ll };
}

/**
 * The POT threshold: `z = t + (σ/ξ)·((q·n/N_t)^(−ξ) − 1)`, or `t − σ·log(q·n/N_t)` when ξ = 0,
 * for the initial threshold `t`, the risk `q`, `n` scores and `N_t` peaks (Siffer et al. 2017, eq. 1).
 * @internal
 */
export function potQuantile(t: number, fit: GpdFit, risk: number, n: number, peaks: number): number {
  const r = (risk * n) / peaks;
  if (Math.abs(fit.shape) < 1e-12) return t - fit.scale * Math.log(r);
  return t + (fit.scale / fit.shape) * (r ** -fit.shape - 1);
}
