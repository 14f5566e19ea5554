/**
 * Kernel matrices and their centring in feature space, on host float64 arrays, for
 * {@link KernelPCA} (the kernels of scikit-learn's `pairwise_kernels`).
 * @internal
 */
import { productNT } from './linalg/workspace.js';

/**
 * The kernels of {@link KernelPCA}, `k(x, y)` for rows `x`, `y`:
 * - `'rbf'`: `exp(−γ‖x − y‖²)`;
 * - `'poly'`: `(γ⟨x, y⟩ + coef0)^degree`;
 * - `'sigmoid'`: `tanh(γ⟨x, y⟩ + coef0)` (not positive semi-definite for every γ, coef0);
 * - `'cosine'`: `⟨x, y⟩ / (‖x‖‖y‖)` (0 for a zero row);
 * - `'linear'`: `⟨x, y⟩` (Kernel PCA is then PCA).
 * @category PCA
 */
export type KernelName = 'rbf' | 'poly' | 'sigmoid' | 'cosine' | 'linear';

/** Resolved kernel parameters. @internal */
export interface KernelParams {
  readonly kernel: KernelName;
  readonly gamma: number;
  readonly degree: number;
  readonly coef0: number;
}

function rowNorms2(a: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[r * d + j]! ** 2;
    out[r] = s;
  }
  return out;
}

function normalizedRows(a: Float64Array, n: number, d: number): Float64Array {
  const out = a.slice();
  const norms = rowNorms2(a, n, d);
  for (let r = 0; r < n; r++) {
    const s = norms[r]! > 0 ? 1 / Math.sqrt(norms[r]!) : 0;
    for (let j = 0; j < d; j++) out[r * d + j] = out[r * d + j]! * s;
  }
  return out;
}

/**
 * `K[i][j] = k(aᵢ, bⱼ)`: `na × nb` (row-major) for rows of `a` (`na × d`) and `b` (`nb × d`),
 * or the symmetric `na × na` matrix of `a` with itself when `b` is null. The inner products run
 * in the package's float64 WebAssembly kernel.
 * @internal
 */
export function kernelMatrix(a: Float64Array, na: number, b: Float64Array | null, nb: number, d: number, p: KernelParams): Float64Array {
  if (p.kernel === 'cosine') {
    const an = normalizedRows(a, na, d);
    return b === null ? productNT(an, na, d, null, na) : productNT(an, na, d, normalizedRows(b, nb, d), nb);
  }
  const g = b === null ? productNT(a, na, d, null, na) : productNT(a, na, d, b, nb);
  const cols = b === null ? na : nb;
  switch (p.kernel) {
    case 'linear':
      return g;
    case 'rbf': {
      const ra = rowNorms2(a, na, d);
      const rb = b === null ? ra : rowNorms2(b, nb, d);
      for (let i = 0; i < na; i++) {
        for (let j = 0; j < cols; j++) {
          const o = i * cols + j;
          // ‖x − y‖² from the inner products, clipped at 0; exactly 0 on the diagonal of K(X, X).
          const dist = b === null && i === j ? 0 : Math.max(ra[i]! + rb[j]! - 2 * g[o]!, 0);
          g[o] = Math.exp(-p.gamma * dist);
        }
      }
      return g;
    }
    case 'poly':
      for (let o = 0; o < g.length; o++) g[o] = (p.gamma * g[o]! + p.coef0) ** p.degree;
      return g;
    case 'sigmoid':
      for (let o = 0; o < g.length; o++) g[o] = Math.tanh(p.gamma * g[o]! + p.coef0);
      return g;
  }
}

/** What centring the training kernel leaves to centre new rows with. @internal */
export interface KernelCentering {
  /** Column means of the training kernel, `n`. */
  readonly rows: Float64Array;
  /** Their mean. */
  readonly all: number;
}

/**
 * Centres the `n × n` training kernel in feature space, in place:
 * `K̃ = K − 1ₙK − K1ₙ + 1ₙK1ₙ` (`1ₙ` the `n × n` matrix of `1/n`), as scikit-learn's
 * `KernelCenterer.fit_transform`.
 * @internal
 */
export function centerTraining(k: Float64Array, n: number): KernelCentering {
  const rows = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rows[j] = rows[j]! + k[i * n + j]!;
  let all = 0;
  for (let j = 0; j < n; j++) {
    rows[j] = rows[j]! / n;
    all += rows[j]!;
  }
  all /= n;
  centerNew(k, n, n, { rows, all });
  return { rows, all };
}

/**
 * Centres the kernel `K(X_new, X_fit)` (`m × n`) in place against the training kernel:
 * `K̃ᵢⱼ = Kᵢⱼ − rowsⱼ − (1/n)Σₜ Kᵢₜ + all`, as `KernelCenterer.transform`.
 * @internal
 */
export function centerNew(k: Float64Array, m: number, n: number, c: KernelCentering): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += k[o + j]!;
    const shift = c.all - s / n;
    for (let j = 0; j < n; j++) k[o + j] = k[o + j]! - c.rows[j]! + shift;
  }
}

/**
 * Solves `A·X = B` for a symmetric positive definite `A` (`n × n`, destroyed) and `B`
 * (`n × c`), by Cholesky; returns `X` (`n × c`) or `null` when `A` is not positive definite.
 * @internal
 */
export function choleskySolve(a: Float64Array, n: number, b: Float64Array, c: number): Float64Array | null {
  // A = L·Lᵀ, L in the lower triangle of a (row-major), by rows.
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let j = 0; j <= i; j++) {
      const oj = j * n;
      let s = a[oi + j]!;
      for (let t = 0; t < j; t++) s -= a[oi + t]! * a[oj + t]!;
      if (i === j) {
        if (!(s > 0)) return null;
        a[oi + i] = Math.sqrt(s);
      } else {
        a[oi + j] = s / a[oj + j]!;
      }
    }
  }
  const x = b.slice();
  // L·Y = B, then Lᵀ·X = Y, column block by column block (all c at once, row by row).
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let t = 0; t < i; t++) {
      const l = a[oi + t]!;
      if (l === 0) continue;
      for (let q = 0; q < c; q++) x[i * c + q] = x[i * c + q]! - l * x[t * c + q]!;
    }
    const inv = 1 / a[oi + i]!;
    for (let q = 0; q < c; q++) x[i * c + q] = x[i * c + q]! * inv;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let t = i + 1; t < n; t++) {
      const l = a[t * n + i]!;
      if (l === 0) continue;
      for (let q = 0; q < c; q++) x[i * c + q] = x[i * c + q]! - l * x[t * c + q]!;
    }
    const inv = 1 / a[i * n + i]!;
    for (let q = 0; q < c; q++) x[i * c + q] = x[i * c + q]! * inv;
  }
  return x;
}
