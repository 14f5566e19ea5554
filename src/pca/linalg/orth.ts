/**
 * Small dense helpers for the randomized solver: Gaussian sketches and orthonormalisation of
 * the rows of a matrix.
 * @internal
 */

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
 * Orthonormalises the `rows` rows (length `len`) of `a` in place by modified Gram–Schmidt, run
 * twice ("twice is enough"). A row that is (numerically) in the span of the previous ones is
 * replaced by a fresh random row and orthogonalised again, so the result always has
 * orthonormal rows (the span then contains the original one).
 * @internal
 */
export function orthonormalizeRows(a: Float64Array, rows: number, len: number, rng: () => number): void {
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
