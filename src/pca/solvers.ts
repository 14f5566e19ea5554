/**
 * The three PCA solvers on host float64 data. Each returns a complete new {@link FittedState}
 * (or throws), so that a failed fit never touches the model's previous state.
 * @internal
 */
import { createRng, deriveSeed } from '../core/index.js';
import { symmetricEigen, type EigenvectorMethod } from './linalg/eigen.js';
import { centeredGram, columnStats, type CenteredGram, type ColumnStats, type GramPrecision } from './linalg/gram.js';
import { gaussianMatrix, orthonormalizeRows } from './linalg/orth.js';
import { mirrorUpper, productNT, Workspace } from './linalg/workspace.js';
import { inferDimension } from './probabilistic.js';

/** The solver that produced a fit. @internal */
export type FittedSolver = 'full' | 'randomized' | 'incremental';

/** Everything a fitted PCA knows; all arrays are owned by the state and never exposed. @internal */
export interface FittedState {
  readonly solver: FittedSolver;
  readonly nFeatures: number;
  readonly nComponents: number;
  readonly nSamplesSeen: number;
  readonly mean: Float64Array;
  /** `nComponents × nFeatures`, row-major, unit rows. */
  readonly components: Float64Array;
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
  readonly singularValues: Float64Array;
  readonly noiseVariance: number;
  /** Σ over samples seen of ‖x − mean‖² (= total variance × (N − 1)). */
  readonly sumSquares: number;
  /** Per-feature variance of the samples seen (`n` denominator): scikit-learn's `var_`. */
  readonly featureVariance?: Float64Array;
  /** `mergeable` fits: the scatter matrix `Σ (x − mean)(x − mean)ᵀ`, `d × d` row-major. */
  readonly scatter?: Float64Array;
}

/** How many components to keep. @internal */
export type ComponentsSpec =
  | { readonly kind: 'all' }
  | { readonly kind: 'count'; readonly k: number }
  | { readonly kind: 'fraction'; readonly fraction: number }
  | { readonly kind: 'mle' };

/** Σ_r ‖x_r − mean‖². */
export function centeredSumSquares(x: Float64Array, n: number, d: number, mean: Float64Array): number {
  let ss = 0;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) {
      const c = x[o + j]! - mean[j]!;
      ss += c * c;
    }
  }
  return ss;
}

/** Σ ‖xᵢ − mean‖² read off the Gram matrix of the centred data (its trace). */
function trace(g: CenteredGram): number {
  let t = 0;
  for (let i = 0; i < g.m; i++) t += g.gram[i * g.m + i]!;
  return t;
}

/** Makes the largest-magnitude entry of each row positive (the first one on ties). */
export function flipSigns(v: Float64Array, k: number, d: number): void {
  for (let i = 0; i < k; i++) {
    const o = i * d;
    let best = 0;
    let at = 0;
    for (let j = 0; j < d; j++) {
      const a = Math.abs(v[o + j]!);
      if (a > best) {
        best = a;
        at = j;
      }
    }
    if (v[o + at]! < 0) for (let j = 0; j < d; j++) v[o + j] = -v[o + j]!;
  }
}

export function normalizeRow(v: Float64Array, o: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += v[o + j]! * v[o + j]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let j = 0; j < d; j++) v[o + j] = v[o + j]! / n;
  return n;
}

/**
 * Replaces the rows of `v` flagged in `missing` by unit vectors orthogonal to all other rows
 * (Gram–Schmidt on e₀, e₁, … in turn). Used for components of (numerically) zero variance,
 * whose direction the data does not determine.
 */
export function completeBasis(v: Float64Array, k: number, d: number, missing: readonly boolean[]): void {
  let candidate = 0;
  for (let i = 0; i < k; i++) {
    if (!missing[i]) continue;
    const o = i * d;
    for (; ; candidate++) {
      if (candidate >= d) throw new Error('PCA: could not complete an orthonormal basis of components');
      v.fill(0, o, o + d);
      v[o + candidate] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < k; j++) {
          if (j === i || (missing[j] && j > i)) continue;
          const oj = j * d;
          let dot = 0;
          for (let t = 0; t < d; t++) dot += v[o + t]! * v[oj + t]!;
          for (let t = 0; t < d; t++) v[o + t] = v[o + t]! - dot * v[oj + t]!;
        }
      }
      if (normalizeRow(v, o, d) > 0.5) {
        candidate++;
        break;
      }
    }
  }
}

/** Squared singular values below this fraction of the largest count as zero. */
function zeroThreshold(s2max: number, m: number): number {
  return s2max * Math.max(m, 10) * 1e-14;
}

/**
 * Sets squared singular values at the rounding level of the Gram matrix (below
 * {@link zeroThreshold}), and negative ones, to exactly 0: the Gram matrix cannot resolve them.
 */
export function clampNoise(s2: Float64Array, m: number): void {
  const tiny = zeroThreshold(s2[0] ?? 0, m);
  for (let i = 0; i < s2.length; i++) if (!(s2[i]! > tiny)) s2[i] = 0;
}

/**
 * Components `vᵢ = Xcᵀ uᵢ / sᵢ` from unit vectors `uᵢ` in sample space (rows of `u`, `k × n`)
 * and squared singular values `s2`; zero-variance ones are completed by {@link completeBasis}.
 */
function componentsFromSampleSpace(
  x: Float64Array, n: number, d: number, mean: Float64Array, u: Float64Array, s2: Float64Array, k: number, m: number,
): Float64Array {
  const v = new Float64Array(k * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) row[j] = x[o + j]! - mean[j]!;
    for (let i = 0; i < k; i++) {
      const c = u[i * n + r]!;
      if (c === 0) continue;
      const oi = i * d;
      for (let j = 0; j < d; j++) v[oi + j] = v[oi + j]! + c * row[j]!;
    }
  }
  const tiny = zeroThreshold(s2[0] ?? 0, m);
  const missing: boolean[] = [];
  for (let i = 0; i < k; i++) {
    const norm = normalizeRow(v, i * d, d);
    missing.push(!(s2[i]! > tiny) || !(norm > 0));
  }
  if (missing.some(Boolean)) completeBasis(v, k, d, missing);
  return v;
}

/**
 * Number of components for a spec, given all squared singular values (descending) of `n` samples.
 * @internal
 */
export function chooseCount(spec: ComponentsSpec, s2: Float64Array, sumSquares: number, m: number, n: number): number {
  if (spec.kind === 'count') return spec.k;
  if (spec.kind === 'all') return m;
  if (spec.kind === 'mle') return inferDimension(Float64Array.from(s2.subarray(0, m), (v) => v / (n - 1)), n);
  let cum = 0;
  for (let i = 0; i < m; i++) {
    cum += sumSquares > 0 ? s2[i]! / sumSquares : 0;
    if (cum > spec.fraction) return i + 1;
  }
  return m;
}

/** Explained variance, ratio and singular values from squared singular values. @internal */
export function spectrum(
  s2: Float64Array, k: number, nSamples: number, sumSquares: number,
): { explainedVariance: Float64Array; explainedVarianceRatio: Float64Array; singularValues: Float64Array } {
  const explainedVariance = new Float64Array(k);
  const explainedVarianceRatio = new Float64Array(k);
  const singularValues = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const v = s2[i]!;
    explainedVariance[i] = v / (nSamples - 1);
    explainedVarianceRatio[i] = sumSquares > 0 ? v / sumSquares : 0;
    singularValues[i] = Math.sqrt(v);
  }
  return { explainedVariance, explainedVarianceRatio, singularValues };
}

/** Options of the exact solver. @internal */
export interface FullOptions {
  readonly eigenvectors?: EigenvectorMethod;
}

/**
 * Exact PCA: eigendecomposition of the Gram matrix of the centred data on its smaller side
 * (`XcᵀXc` when d ≤ n, else `XcXcᵀ` and `vᵢ = Xcᵀuᵢ/sᵢ`), in float64.
 * @internal
 */
export function fitFull(
  x: Float64Array, n: number, d: number, stats: ColumnStats, spec: ComponentsSpec, opts: FullOptions = {},
): FittedState {
  const m = Math.min(n, d);
  const mean = stats.mean;
  const g = centeredGram(x, n, d, stats);
  const sumSquares = trace(g);
  // All m squared singular values, descending: those of the Gram matrix, then zeros for the
  // constant columns it left out.
  const values = new Float64Array(m);
  let k = 0;
  let vectors: Float64Array = new Float64Array(0);
  const chooseK = (vals: Float64Array): number => {
    values.set(vals.subarray(0, Math.min(vals.length, m)));
    clampNoise(values, m);
    k = chooseCount(spec, values, sumSquares, m, n);
    return Math.min(k, g.m);
  };
  if (g.m > 0) {
    vectors = symmetricEigen(g.gram, g.m, chooseK, opts.eigenvectors ?? 'auto').vectors;
  } else {
    chooseK(new Float64Array(0));
  }
  const components = gramComponents(x, n, d, mean, g, vectors, values, k, m);
  return fullState(n, d, mean, components, values, k, sumSquares);
}

/**
 * The `'full'` state of `n` samples from its `k × d` components (signs flipped here, in place)
 * and all `m = values.length` squared singular values, descending: the spectrum of the first
 * `k`, and the noise variance as the mean variance of the other `m − k` (0 when none).
 * @internal
 */
export function fullState(
  n: number, d: number, mean: Float64Array, components: Float64Array, values: Float64Array, k: number, sumSquares: number,
): FittedState {
  const m = values.length;
  flipSigns(components, k, d);
  let rest = 0;
  for (let i = k; i < m; i++) rest += values[i]!;
  return {
    solver: 'full',
    nFeatures: d,
    nComponents: k,
    nSamplesSeen: n,
    mean,
    components,
    ...spectrum(values, k, n, sumSquares),
    noiseVariance: k < m ? rest / (m - k) / (n - 1) : 0,
    sumSquares,
  };
}

/**
 * `k` components from eigenvectors of a {@link CenteredGram} (`min(k, g.m)` rows of length
 * `g.m`): scattered back to all `d` features (`byFeatures`), or mapped from sample space;
 * components beyond them or of zero variance are completed to an orthonormal set.
 */
function gramComponents(
  x: Float64Array, n: number, d: number, mean: Float64Array, g: CenteredGram, vectors: Float64Array, s2: Float64Array, k: number, m: number,
): Float64Array {
  if (!g.byFeatures) return componentsFromSampleSpace(x, n, d, mean, vectors, s2, k, m);
  const features = g.features!;
  const kv = Math.min(k, g.m);
  const out = new Float64Array(k * d);
  const missing: boolean[] = [];
  for (let i = 0; i < k; i++) {
    if (i < kv) {
      for (let t = 0; t < g.m; t++) out[i * d + features[t]!] = vectors[i * g.m + t]!;
      missing.push(!(normalizeRow(out, i * d, d) > 0));
    } else {
      missing.push(true);
    }
  }
  if (missing.some(Boolean)) completeBasis(out, k, d, missing);
  return out;
}

/** Options of the randomized solver. @internal */
export interface RandomizedOptions {
  readonly nOversamples: number;
  /** Power iterations, or 'auto': 7 when k < 0.1·min(n, d), else 4 (as scikit-learn). */
  readonly nIter: number | 'auto';
  readonly seed: number;
  /** Force the strategy (tests); by default the cheaper one is chosen. */
  readonly strategy?: 'gram' | 'direct';
  /** Precision of the products of the `gram` strategy (Gram matrix, range finder); default `'f32'`. */
  readonly precision?: GramPrecision;
}

/**
 * Orthonormal rows spanning the dominant subspace, then Rayleigh–Ritz: returns `k` eigenpairs of
 * S (`m × m`). The products with S run in float32 lanes (`precision` 'f32', summed in float64
 * blocks) or float64; the orthonormalisation and the small eigenproblem in float64.
 */
export function rangeFinderOnGram(
  s: Float64Array, m: number, k: number, l: number, q: number, rng: () => number, precision: GramPrecision,
): { values: Float64Array; vectors: Float64Array } {
  const f32 = precision === 'f32';
  const ws = Workspace.create(f32 ? [[m, m, 'f32'], [l, m, 'f32'], [l, m]] : [[m, m], [l, m], [l, m]], true);
  try {
    return rangeFinderOn(ws, s, m, k, l, q, rng);
  } finally {
    ws.release();
  }
}

function rangeFinderOn(
  ws: Workspace, s: Float64Array, m: number, k: number, l: number, q: number, rng: () => number,
): { values: Float64Array; vectors: Float64Array } {
  const ps = ws.panel(0), pq = ws.panel(1), py = ws.panel(2);
  const f32 = ps.f32;
  ws.write(ps, s);
  const times = (): Float64Array => {
    ws.write(pq, qRows);
    ws.clear(py);
    if (f32) ws.nt32(pq, ps, py, m);
    else ws.nt(pq, ps, py, m);
    return ws.read(py);
  };
  const qRows = gaussianMatrix(l, m, rng);
  // Y = Ω S, then q times Q = orth(Y), Y = Q S: Q spans S^(q+1) Ω. Between products one
  // Cholesky QR step keeps the basis well conditioned; the last Q is orthonormal to rounding.
  for (let it = 0; it <= q; it++) {
    qRows.set(times());
    orthonormalizeRows(qRows, l, m, rng, it === q ? 2 : 1);
  }
  // B = Q S Qᵀ (l × l).
  const w = times();
  const b = productNT(w, l, m, qRows, l);
  for (let i = 0; i < l; i++) {
    for (let j = i + 1; j < l; j++) b[i * l + j] = (b[i * l + j]! + b[j * l + i]!) / 2;
  }
  mirrorUpper(b, l);
  const eig = symmetricEigen(b, l, () => k, 'ql');
  // Ritz vectors: rows of (eigvecs · Q).
  const vectors = new Float64Array(k * m);
  for (let i = 0; i < k; i++) {
    const oi = i * m;
    for (let c = 0; c < l; c++) {
      const coef = eig.vectors[i * l + c]!;
      const oc = c * m;
      for (let t = 0; t < m; t++) vectors[oi + t] = vectors[oi + t]! + coef * qRows[oc + t]!;
    }
  }
  const values = Float64Array.from(eig.values.subarray(0, k), (v) => (v > 0 ? v : 0));
  return { values, vectors };
}

/**
 * Halko–Martinsson–Tropp randomized PCA (range finder with oversampling and power iterations,
 * then an exact decomposition of the small projected problem). Two strategies with the same
 * result up to the randomness: on the Gram matrix of the smaller side (`gram`: the matrix is
 * formed once, `n·d·m/2` multiply-adds, then each power iteration costs only `m²·l`) or directly
 * on the centred data (`direct`: `(2q + 2)·n·d·l`, no `m × m` matrix). The cheaper is chosen.
 * @internal
 */
export function fitRandomized(
  x: Float64Array, n: number, d: number, stats: ColumnStats, k: number, opts: RandomizedOptions,
): FittedState {
  const m = Math.min(n, d);
  const mean = stats.mean;
  let sumSquares: number;
  const l = Math.min(m, k + opts.nOversamples);
  const q = opts.nIter === 'auto' ? (k < 0.1 * m ? 7 : 4) : opts.nIter;
  const rng = createRng(deriveSeed(opts.seed, 0x5ca1ab1e));
  const gramCost = (n * d * m) / 2;
  const directCost = (2 * q + 2) * n * d * l;
  const strategy = opts.strategy ?? (gramCost <= 1.5 * directCost && m <= 4096 ? 'gram' : 'direct');
  let s2: Float64Array;
  let components: Float64Array;
  if (strategy === 'gram') {
    const g = centeredGram(x, n, d, stats, true, opts.precision ?? 'f32');
    sumSquares = trace(g);
    const kv = Math.min(k, g.m);
    s2 = new Float64Array(k);
    let vectors: Float64Array = new Float64Array(0);
    if (kv > 0) {
      const r = rangeFinderOnGram(g.gram, g.m, kv, Math.min(l, g.m), q, rng, opts.precision ?? 'f32');
      s2.set(r.values);
      vectors = r.vectors;
    }
    components = gramComponents(x, n, d, mean, g, vectors, s2, k, m);
    // Mapped from sample space, the components are as orthogonal as the sketch's eigenvectors
    // (float32 products): restore orthonormality to rounding level.
    if (!g.byFeatures) orthonormalizeRows(components, k, d, rng);
  } else {
    sumSquares = centeredSumSquares(x, n, d, mean);
    ({ s2, components } = randomizedDirect(x, n, d, mean, k, l, q, rng));
  }
  flipSigns(components, k, d);
  let explained = 0;
  for (let i = 0; i < k; i++) explained += s2[i]!;
  const noise = k < m ? Math.max(0, sumSquares - explained) / (n - 1) / (m - k) : 0;
  return {
    solver: 'randomized',
    nFeatures: d,
    nComponents: k,
    nSamplesSeen: n,
    mean,
    components,
    ...spectrum(s2, k, n, sumSquares),
    noiseVariance: noise,
    sumSquares,
  };
}

/** The `direct` strategy of {@link fitRandomized}: sketches of Xc in sample space, then SVD of `QᵀXc`. */
function randomizedDirect(
  x: Float64Array, n: number, d: number, mean: Float64Array, k: number, l: number, q: number, rng: () => number,
): { s2: Float64Array; components: Float64Array } {
  // Panels: Xc (n × d), Xcᵀ (d × n), sketch in sample space (l × n), sketch in feature space (l × d),
  // and the two products.
  const ws = Workspace.create([[n, d], [d, n], [l, n], [l, d], [l, n], [l, d]], true);
  try {
    return randomizedDirectOn(ws, x, n, d, mean, k, l, q, rng);
  } finally {
    ws.release();
  }
}

function randomizedDirectOn(
  ws: Workspace, x: Float64Array, n: number, d: number, mean: Float64Array, k: number, l: number, q: number, rng: () => number,
): { s2: Float64Array; components: Float64Array } {
  const px = ws.panel(0), pxt = ws.panel(1), pqn = ws.panel(2), pqd = ws.panel(3), pyn = ws.panel(4), pyd = ws.panel(5);
  const h = ws.heap;
  for (let r = 0; r < n; r++) {
    const src = r * d;
    const dx = px.off + r * px.stride;
    for (let j = 0; j < d; j++) {
      const c = x[src + j]! - mean[j]!;
      h[dx + j] = c;
      h[pxt.off + j * pxt.stride + r] = c;
    }
  }
  // Feature-space sketch Ω (l × d); Yᵀ = Ω Xcᵀ (l × n).
  let qd: Float64Array = gaussianMatrix(l, d, rng);
  let qn: Float64Array = new Float64Array(l * n);
  const toSamples = (): void => {
    ws.write(pqd, qd);
    ws.clear(pyn);
    ws.nt(pqd, px, pyn, d);
    qn = ws.read(pyn);
    orthonormalizeRows(qn, l, n, rng);
  };
  const toFeatures = (): Float64Array => {
    ws.write(pqn, qn);
    ws.clear(pyd);
    ws.nt(pqn, pxt, pyd, n);
    return ws.read(pyd);
  };
  toSamples();
  for (let it = 0; it < q; it++) {
    qd = toFeatures();
    orthonormalizeRows(qd, l, d, rng);
    toSamples();
  }
  // B = Qᵀ Xc (l × d); its SVD via B Bᵀ = W Θ Wᵀ: right singular vectors are the rows of Wᵀ B / √θ.
  const b = toFeatures();
  const bbt = productNT(b, l, d, null, l);
  const eig = symmetricEigen(bbt, l, () => k, 'ql');
  const s2 = Float64Array.from(eig.values.subarray(0, k), (v) => (v > 0 ? v : 0));
  const components = new Float64Array(k * d);
  for (let i = 0; i < k; i++) {
    const oi = i * d;
    for (let c = 0; c < l; c++) {
      const coef = eig.vectors[i * l + c]!;
      const oc = c * d;
      for (let t = 0; t < d; t++) components[oi + t] = components[oi + t]! + coef * b[oc + t]!;
    }
  }
  const tiny = zeroThreshold(s2[0] ?? 0, Math.min(n, d));
  const missing: boolean[] = [];
  for (let i = 0; i < k; i++) missing.push(!(normalizeRow(components, i * d, d) > 0) || !(s2[i]! > tiny));
  if (missing.some(Boolean)) completeBasis(components, k, d, missing);
  return { s2, components };
}

/**
 * One step of incremental PCA (Ross et al. 2008, as scikit-learn's IncrementalPCA): the SVD of
 * `[diag(s)·V; B − μ_B; √(N·b/(N+b))·(μ − μ_B)]` gives the components of all samples seen so far
 * without keeping them. The first step (no `prev`) is the SVD of the centred batch.
 * @internal
 */
export function incrementalStep(
  prev: FittedState | null, x: Float64Array, b: number, d: number, k: number,
): FittedState {
  const batchStats = columnStats(x, b, d);
  const batchMean = batchStats.mean;
  const batchSS = centeredSumSquares(x, b, d, batchMean);
  const nPrev = prev?.nSamplesSeen ?? 0;
  const nTotal = nPrev + b;
  const mean = new Float64Array(d);
  let sumSquares = batchSS;
  let correction = 0;
  if (prev !== null) {
    let gap2 = 0;
    for (let j = 0; j < d; j++) {
      const g = prev.mean[j]! - batchMean[j]!;
      gap2 += g * g;
      mean[j] = (nPrev * prev.mean[j]! + b * batchMean[j]!) / nTotal;
    }
    correction = Math.sqrt((nPrev * b) / nTotal);
    sumSquares += prev.sumSquares + ((nPrev * b) / nTotal) * gap2;
  } else {
    mean.set(batchMean);
  }
  const kPrev = prev?.nComponents ?? 0;
  const r = prev === null ? b : kPrev + b + 1;
  const m = Math.min(r, d);
  // Low-rank rows of the stack: the previous components scaled by their singular values, and
  // the mean correction.
  const lowRank = new Float64Array((prev === null ? 0 : kPrev + 1) * d);
  if (prev !== null) {
    for (let i = 0; i < kPrev; i++) {
      const s = prev.singularValues[i]!;
      for (let j = 0; j < d; j++) lowRank[i * d + j] = s * prev.components[i * d + j]!;
    }
    for (let j = 0; j < d; j++) lowRank[kPrev * d + j] = correction * (prev.mean[j]! - batchMean[j]!);
  }
  const nLow = prev === null ? 0 : kPrev + 1;
  let s2: Float64Array;
  let components: Float64Array;
  const chooseK = (vals: Float64Array): number => {
    clampNoise(vals, m);
    return k;
  };
  if (b >= d) {
    // SVD of the stack through StᵀSt = (B − μ_B)ᵀ(B − μ_B) + LᵀL (d × d): the first term by the
    // Gram kernel (constant and sparse columns handled there), L the low-rank rows.
    const g = centeredGram(x, b, d, batchStats);
    const c = new Float64Array(d * d);
    const features = g.features!;
    for (let a = 0; a < g.m; a++) {
      const ra = features[a]! * d;
      for (let t = 0; t < g.m; t++) c[ra + features[t]!] = g.gram[a * g.m + t]!;
    }
    if (nLow > 0) {
      const lt = new Float64Array(d * nLow);
      for (let i = 0; i < nLow; i++) for (let j = 0; j < d; j++) lt[j * nLow + i] = lowRank[i * d + j]!;
      const ll = productNT(lt, d, nLow, null, d);
      for (let i = 0; i < d * d; i++) c[i] = c[i]! + ll[i]!;
    }
    const eig = symmetricEigen(c, d, chooseK);
    s2 = eig.values;
    components = eig.vectors;
  } else {
    // Fewer rows than features: the stack itself (r × d), then its Gram matrix on the smaller side.
    const stack = new Float64Array(r * d);
    if (prev !== null) {
      stack.set(lowRank.subarray(0, kPrev * d), 0);
      stack.set(lowRank.subarray(kPrev * d), (r - 1) * d);
    }
    const o = prev === null ? 0 : kPrev * d;
    for (let t = 0; t < b; t++) {
      for (let j = 0; j < d; j++) stack[o + t * d + j] = x[t * d + j]! - batchMean[j]!;
    }
    if (r <= d) {
      const g = productNT(stack, r, d, null, r);
      const eig = symmetricEigen(g, r, chooseK);
      s2 = eig.values;
      components = componentsFromSampleSpace(stack, r, d, new Float64Array(d), eig.vectors, s2, k, m);
    } else {
      const t = new Float64Array(d * r);
      for (let i = 0; i < r; i++) for (let j = 0; j < d; j++) t[j * r + i] = stack[i * d + j]!;
      const eig = symmetricEigen(productNT(t, d, r, null, d), d, chooseK);
      s2 = eig.values;
      components = eig.vectors;
    }
  }
  flipSigns(components, k, d);
  let rest = 0;
  for (let i = k; i < m; i++) rest += s2[i]!;
  return {
    solver: 'incremental',
    nFeatures: d,
    nComponents: k,
    nSamplesSeen: nTotal,
    mean,
    components,
    ...spectrum(s2, k, nTotal, sumSquares),
    noiseVariance: k < m ? rest / (m - k) / (nTotal - 1) : 0,
    sumSquares,
  };
}
