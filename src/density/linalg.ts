/**
 * The small float64 linear algebra of the Gaussian mixture: Cholesky factors of covariance
 * matrices, their triangular inverses, and a log-sum-exp. Pure functions on row-major arrays.
 * @internal
 */

/**
 * The lower Cholesky factor `L` of a symmetric positive-definite `d × d` matrix `a` (row-major,
 * `a = L·Lᵀ`), or `null` when a pivot is not positive (the matrix is not positive definite).
 * Only the lower triangle of `a` is read; the upper triangle of `L` is zero.
 * @internal
 */
export function cholesky(a: Float64Array, d: number, offset = 0): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[offset + i * d + j]!;
      for (let p = 0; p < j; p++) s -= l[i * d + p]! * l[j * d + p]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j]!;
      }
    }
  }
  return l;
}

/** The inverse of a lower-triangular `d × d` matrix with a positive diagonal (lower triangular too). @internal */
export function invertLower(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    inv[j * d + j] = 1 / l[j * d + j]!;
    for (let i = j + 1; i < d; i++) {
      let s = 0;
      for (let p = j; p < i; p++) s -= l[i * d + p]! * inv[p * d + j]!;
      inv[i * d + j] = s / l[i * d + i]!;
    }
  }
  return inv;
}

/** `log Σᵢ exp(vᵢ)` over `v[offset .. offset + length)`, shifted by the maximum (−∞ when all are −∞). @internal */
export function logSumExp(v: Float64Array, offset: number, length: number): number {
  let m = -Infinity;
  for (let i = 0; i < length; i++) m = Math.max(m, v[offset + i]!);
  if (m === -Infinity || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < length; i++) s += Math.exp(v[offset + i]! - m);
  return m + Math.log(s);
}
