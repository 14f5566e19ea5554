/**
 * Small dense helpers for the randomized solver: Gaussian sketches and orthonormalisation of
 * the rows of a matrix.
 * @internal
 */
import { productNT } from './workspace.js';

/** `rows × cols` standard normal values from a uniform generator (Box–Muller). @internal */
export function gaussianMatrix(rows: number, cols: number, rng: () => number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rng(); // (0, 1]
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * Orthonormalises the `rows` rows (length `len`) of `a` in place, keeping their span: Cholesky
 * QR twice (`G = A Aᵀ = L Lᵀ`, `A ← L⁻¹ A`; both products in the kernel), which is accurate for
 * well-conditioned rows, and modified Gram–Schmidt when the rows are (nearly) dependent.
 * `passes = 1` stops after one Cholesky QR step: the span is the same, the rows orthonormal only
 * to about κ²·ε (κ the condition number of the rows) — enough between power iterations, whose
 * next product only needs a well-conditioned basis.
 * @internal
 */
export function orthonormalizeRows(a: Float64Array, rows: number, len: number, rng: () => number, passes: 1 | 2 = 2): void {
  for (let pass = 0; pass < passes; pass++) {
    if (!choleskyQrStep(a, rows, len)) {
      gramSchmidtRows(a, rows, len, rng);
      return;
    }
  }
}

/**
 * One Cholesky QR step on the rows of `a`; false (and `a` untouched) when the Gram matrix is not
 * safely positive definite (condition above ~10¹⁰).
 */
function choleskyQrStep(a: Float64Array, rows: number, len: number): boolean {
  const g = productNT(a, rows, len, null, rows);
  let maxDiag = 0;
  for (let i = 0; i < rows; i++) maxDiag = Math.max(maxDiag, g[i * rows + i]!);
  if (!(maxDiag > 0)) return false;
  // In-place Cholesky: lower triangle of g becomes L.
  for (let j = 0; j < rows; j++) {
    let dj = g[j * rows + j]!;
    for (let t = 0; t < j; t++) dj -= g[j * rows + t]! * g[j * rows + t]!;
    if (!(dj > 1e-10 * maxDiag)) return false;
    const ljj = Math.sqrt(dj);
    g[j * rows + j] = ljj;
    for (let i = j + 1; i < rows; i++) {
      let v = g[i * rows + j]!;
      for (let t = 0; t < j; t++) v -= g[i * rows + t]! * g[j * rows + t]!;
      g[i * rows + j] = v / ljj;
    }
  }
  // W = L⁻¹ (lower triangular), by forward substitution on the identity.
  const w = new Float64Array(rows * rows);
  for (let c = 0; c < rows; c++) {
    for (let i = c; i < rows; i++) {
      let v = i === c ? 1 : 0;
      for (let t = c; t < i; t++) v -= g[i * rows + t]! * w[t * rows + c]!;
      w[i * rows + c] = v / g[i * rows + i]!;
    }
  }
  // A ← W A = W · (Aᵀ)ᵀ: rows of W against rows of Aᵀ.
  const at = new Float64Array(len * rows);
  for (let i = 0; i < rows; i++) for (let t = 0; t < len; t++) at[t * rows + i] = a[i * len + t]!;
  a.set(productNT(w, rows, rows, at, len));
  return true;
}

/**
 * Modified Gram–Schmidt, run twice ("twice is enough"). A row that is (numerically) in the span
 * of the previous ones is replaced by a fresh random row and orthogonalised again, so the result
 * always has orthonormal rows (the span then contains the original one).
 */
function gramSchmidtRows(a: Float64Array, rows: number, len: number, rng: () => number): void {
  for (let i = 0; i < rows; i++) {
    const oi = i * len;
    let original = 0;
    for (let t = 0; t < len; t++) original += a[oi + t]! * a[oi + t]!;
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < i; j++) {
          const oj = j * len;
          let dot = 0;
          for (let t = 0; t < len; t++) dot += a[oi + t]! * a[oj + t]!;
          for (let t = 0; t < len; t++) a[oi + t] = a[oi + t]! - dot * a[oj + t]!;
        }
      }
      let norm2 = 0;
      for (let t = 0; t < len; t++) norm2 += a[oi + t]! * a[oi + t]!;
      if (norm2 > 1e-20 * original && norm2 > 0) {
        const inv = 1 / Math.sqrt(norm2);
        for (let t = 0; t < len; t++) a[oi + t] = a[oi + t]! * inv;
        break;
      }
      if (attempt >= 8 || i >= len) throw new Error('PCA: could not orthonormalise the random sketch');
      for (let t = 0; t < len; t++) a[oi + t] = rng() - 0.5;
      original = 0;
      for (let t = 0; t < len; t++) original += a[oi + t]! * a[oi + t]!;
    }
  }
}
