/**
 * Merging and streaming: the sufficient statistics of a fit (count, mean, scatter matrix), their
 * pairwise combination (Chan, Golub & LeVeque 1979), and the PCA they determine.
 * @internal
 */
import { symmetricEigen } from './linalg/eigen.js';
import { productNT } from './linalg/workspace.js';
import { chooseCount, clampNoise, completeBasis, fullState, normalizeRow, type ComponentsSpec, type FittedState } from './solvers.js';

/** The sufficient statistics of a data set for PCA. @internal */
export interface SufficientStats {
  readonly n: number;
  readonly d: number;
  readonly mean: Float64Array;
  /** `Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ`, `d × d` row-major. */
  readonly scatter: Float64Array;
}

/** The scatter matrix `(X − 1μᵀ)ᵀ(X − 1μᵀ)` of `n × d` rows, `d × d` (`n·d²/2` multiply-adds). @internal */
export function scatterOf(x: Float64Array, n: number, d: number, mean: Float64Array): Float64Array {
  const t = new Float64Array(d * n);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) t[j * n + r] = x[r * d + j]! - mean[j]!;
  return productNT(t, d, n, null, d);
}

/** Per-feature variance with the `n` denominator (scikit-learn's `var_`). @internal */
export function featureVarianceOf(x: Float64Array, n: number, d: number, mean: Float64Array): Float64Array {
  const v = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      const c = x[r * d + j]! - mean[j]!;
      v[j] = v[j]! + c * c;
    }
  }
  for (let j = 0; j < d; j++) v[j] = v[j]! / n;
  return v;
}

/**
 * Chan et al.'s pairwise update: with `δ = μ_b − μ_a`, `n = n_a + n_b`,
 * `μ = μ_a + δ·n_b/n` and `M = M_a + M_b + δδᵀ·n_a·n_b/n` — exact, whatever the split.
 * @internal
 */
export function mergeStats(a: SufficientStats, b: SufficientStats): SufficientStats {
  const d = a.d;
  const n = a.n + b.n;
  const delta = new Float64Array(d);
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    delta[j] = b.mean[j]! - a.mean[j]!;
    mean[j] = a.mean[j]! + (delta[j]! * b.n) / n;
  }
  const w = (a.n * b.n) / n;
  const scatter = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const di = w * delta[i]!;
    const o = i * d;
    for (let j = 0; j < d; j++) scatter[o + j] = a.scatter[o + j]! + b.scatter[o + j]! + di * delta[j]!;
  }
  // Keep it exactly symmetric (the two triangles round alike, but say so).
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) scatter[j * d + i] = scatter[i * d + j]!;
  return { n, d, mean, scatter };
}

/** The same update for per-feature variances (`n` denominators). @internal */
export function mergeFeatureVariance(
  nA: number, meanA: Float64Array, varA: Float64Array, nB: number, meanB: Float64Array, varB: Float64Array,
): Float64Array {
  const n = nA + nB;
  return Float64Array.from(varA, (va, j) => {
    const delta = meanB[j]! - meanA[j]!;
    return (va * nA + varB[j]! * nB + (delta * delta * nA * nB) / n) / n;
  });
}

/**
 * The exact PCA of the data the statistics describe: the eigendecomposition of the scatter
 * matrix (`d × d`), `k` chosen by `spec` from its `min(n, d)` leading eigenvalues, as the full
 * solver. The state keeps the statistics (`scatter`) for further merges.
 * @internal
 */
export function stateFromStats(stats: SufficientStats, spec: ComponentsSpec, fn: string): FittedState {
  const { n, d, mean, scatter } = stats;
  if (n < 2) throw new Error(`${fn}: the statistics describe ${n} sample(s); a PCA needs at least 2`);
  const m = Math.min(n, d);
  if (spec.kind === 'count' && spec.k > m) {
    throw new Error(`${fn}: option 'nComponents' (${spec.k}) must be at most min(nSamples, nFeatures) = min(${n}, ${d}) = ${m}`);
  }
  if (spec.kind === 'mle' && n < d) {
    throw new Error(`${fn}: option nComponents 'mle' needs at least as many samples as features, got ${n} samples of ${d} features`);
  }
  let sumSquares = 0;
  for (let j = 0; j < d; j++) sumSquares += scatter[j * d + j]!;
  const values = new Float64Array(m);
  let k = 0;
  const eig = symmetricEigen(scatter.slice(), d, (vals) => {
    values.set(vals.subarray(0, m));
    clampNoise(values, m);
    k = chooseCount(spec, values, sumSquares, m, n);
    return k;
  });
  const components = eig.vectors.slice(0, k * d);
  const missing: boolean[] = [];
  for (let i = 0; i < k; i++) missing.push(!(values[i]! > 0) || !(normalizeRow(components, i * d, d) > 0));
  if (missing.some(Boolean)) completeBasis(components, k, d, missing);
  return {
    ...fullState(n, d, mean.slice(), components, values, k, sumSquares),
    featureVariance: Float64Array.from({ length: d }, (_, j) => scatter[j * d + j]! / n),
    scatter: scatter.slice(),
  };
}

/** The statistics of a mergeable state, or null. @internal */
export function statsOf(state: FittedState): SufficientStats | null {
  if (state.scatter === undefined) return null;
  return { n: state.nSamplesSeen, d: state.nFeatures, mean: state.mean, scatter: state.scatter };
}
