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

/** Block size of {@link choleskySolve}: the work outside the WebAssembly products is `n·BLOCK·(n + c)`. */
const BLOCK = 64;

/**
 * Solves `A·X = B` for a symmetric positive definite `A` (`n × n`, destroyed: its lower
 * triangle becomes `L`) and `B` (`n × c`), by a blocked Cholesky factorisation `A = LLᵀ` and two
 * blocked triangular solves, `X = L⁻ᵀ(L⁻¹B)`. The bulk of the work (`n³/3 + 2n²c`
 * multiply-adds) runs in the package's WebAssembly product kernel. Returns `null` when `A` is not
 * positive definite.
 * @internal
 */
export function choleskySolve(a: Float64Array, n: number, b: Float64Array, c: number): Float64Array | null {
  if (!choleskyInPlace(a, n)) return null;
  const y = b.slice();
  // Forward: Y_I ← L_II⁻¹ (B_I − L_I,<I · Y_<I).
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    const bs = k1 - k0;
    if (k0 > 0) {
      const l = new Float64Array(bs * k0);
      for (let i = 0; i < bs; i++) l.set(a.subarray((k0 + i) * n, (k0 + i) * n + k0), i * k0);
      subtract(y, k0 * c, productNT(l, bs, k0, transposeRows(y, 0, k0, c), c));
    }
    for (let i = k0; i < k1; i++) {
      const oi = i * c;
      for (let t = k0; t < i; t++) {
        const f = a[i * n + t]!;
        if (f !== 0) for (let q = 0; q < c; q++) y[oi + q] = y[oi + q]! - f * y[t * c + q]!;
      }
      const inv = 1 / a[i * n + i]!;
      for (let q = 0; q < c; q++) y[oi + q] = y[oi + q]! * inv;
    }
  }
  // Backward: X_I ← L_IIᵀ⁻¹ (Y_I − L_>I,Iᵀ · X_>I).
  for (let k0 = Math.floor((n - 1) / BLOCK) * BLOCK; k0 >= 0; k0 -= BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    const bs = k1 - k0;
    const m = n - k1;
    if (m > 0) {
      const lt = new Float64Array(bs * m);
      for (let r = 0; r < m; r++) for (let j = 0; j < bs; j++) lt[j * m + r] = a[(k1 + r) * n + k0 + j]!;
      subtract(y, k0 * c, productNT(lt, bs, m, transposeRows(y, k1, n, c), c));
    }
    for (let i = k1 - 1; i >= k0; i--) {
      const oi = i * c;
      for (let t = i + 1; t < k1; t++) {
        const f = a[t * n + i]!;
        if (f !== 0) for (let q = 0; q < c; q++) y[oi + q] = y[oi + q]! - f * y[t * c + q]!;
      }
      const inv = 1 / a[i * n + i]!;
      for (let q = 0; q < c; q++) y[oi + q] = y[oi + q]! * inv;
    }
  }
  return y;
}

/** Right-looking blocked Cholesky: the trailing updates `A₂₂ −= PPᵀ` by the WebAssembly kernel. */
function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    const bs = k1 - k0;
    // The diagonal block, then the panel below it (rows k1…n − 1), by dot products over the block.
    for (let i = k0; i < n; i++) {
      const oi = i * n;
      const last = Math.min(i, k1 - 1);
      for (let j = k0; j <= last; j++) {
        const oj = j * n;
        let s = a[oi + j]!;
        for (let t = k0; t < j; t++) s -= a[oi + t]! * a[oj + t]!;
        if (i === j) {
          if (!(s > 0)) return false;
          a[oi + i] = Math.sqrt(s);
        } else {
          a[oi + j] = s / a[oj + j]!;
        }
      }
    }
    const m = n - k1;
    if (m === 0) break;
    const p = new Float64Array(m * bs);
    for (let r = 0; r < m; r++) p.set(a.subarray((k1 + r) * n + k0, (k1 + r) * n + k1), r * bs);
    const g = productNT(p, m, bs, null, m);
    for (let r = 0; r < m; r++) {
      const o = (k1 + r) * n + k1;
      for (let j = 0; j <= r; j++) a[o + j] = a[o + j]! - g[r * m + j]!;
    }
  }
  return true;
}

/** Rows `r0…r1 − 1` of the `· × c` matrix `y`, transposed: `c × (r1 − r0)`. */
function transposeRows(y: Float64Array, r0: number, r1: number, c: number): Float64Array {
  const m = r1 - r0;
  const t = new Float64Array(c * m);
  for (let r = 0; r < m; r++) for (let q = 0; q < c; q++) t[q * m + r] = y[(r0 + r) * c + q]!;
  return t;
}

/** `y[off …] −= d` elementwise. */
function subtract(y: Float64Array, off: number, d: Float64Array): void {
  for (let i = 0; i < d.length; i++) y[off + i] = y[off + i]! - d[i]!;
}
