/**
 * A float64 symmetric eigensolver in plain JavaScript, written for PCA: Householder reduction to
 * tridiagonal form, implicit QL sweeps with Wilkinson shifts for all eigenvalues, then either
 * inverse iteration on the tridiagonal matrix for the few leading eigenvectors (O(m²) each) or
 * QL with accumulated rotations for all of them (O(m³)), and back-transformation through the
 * Householder reflectors. References: Golub & Van Loan, *Matrix Computations*, §8.3 (tridiagonal
 * reduction, symmetric QR/QL) and §8.2.2 (inverse iteration); LAPACK Working Note on `dstein` for
 * the handling of clustered eigenvalues.
 * @internal
 */

import { Workspace, type Panel } from './workspace.js';

const EPS = 2.220446049250313e-16; // 2⁻⁵² (Number.EPSILON, as a literal that bundlers can drop)

/** A symmetric matrix reduced to tridiagonal form `T = Qᵀ S Q`. @internal */
export interface Tridiagonal {
  readonly m: number;
  /** Diagonal of T (length m). */
  readonly diag: Float64Array;
  /** Off-diagonal of T: `off[i]` couples i and i+1 (length m, last entry 0). */
  readonly off: Float64Array;
  /** The reduction's workspace: Householder vector k is row k of `reflectors` (entries j > k). */
  readonly ws: Workspace;
  readonly reflectors: Panel;
  readonly beta: Float64Array;
  /** Largest absolute row sum of T (its ∞-norm), the scale for tolerances. */
  readonly norm: number;
}

/**
 * Householder tridiagonalisation of the symmetric `m × m` row-major matrix `s` (only its upper
 * triangle is read; `s` is not modified). Step k chooses `H_k = I − β v vᵀ` acting on indices
 * k+1…m−1 that zeroes row k beyond its first off-diagonal entry, and updates the trailing block
 * as `A ← A − v wᵀ − w vᵀ` with `p = β A v`, `w = p − (β pᵀv / 2) v` (upper triangle only).
 * The update of step k is fused with the product `p = β A v` of step k+1 (whose `v` is known as
 * soon as row k+1 is updated), so the trailing block is read once per step; the row loop runs in
 * the WebAssembly kernel where available. Cost ≈ (4/3) m³ flops.
 * @internal
 */
export function tridiagonalize(s: Float64Array, m: number): Tridiagonal {
  const ws = Workspace.create([[m, m], [1, m], [1, m]]);
  const panel = ws.panel(0);
  ws.write(panel, s);
  const h = ws.heap;
  const base = panel.off;
  const ld = panel.stride;
  const at = (i: number, j: number): number => base + i * ld + j;
  const diag = new Float64Array(m);
  const off = new Float64Array(m);
  const beta = new Float64Array(m);
  let p = ws.panel(1).off;
  let next = ws.panel(2).off;
  let pReady = false;
  // Householder vector of row k (its entries k+1.. become v); sets diag[k], off[k], beta[k].
  const reflect = (k: number): void => {
    const rk = at(k, 0);
    let tail = 0;
    for (let j = k + 2; j < m; j++) tail += h[rk + j]! * h[rk + j]!;
    const x0 = h[rk + k + 1]!;
    diag[k] = h[rk + k]!;
    if (tail === 0) {
      // Nothing below the first off-diagonal entry: H_k = I.
      off[k] = x0;
      beta[k] = 0;
      return;
    }
    const alpha = Math.sqrt(x0 * x0 + tail);
    const sign = x0 >= 0 ? 1 : -1;
    h[rk + k + 1] = x0 + sign * alpha;
    beta[k] = 1 / (alpha * (alpha + Math.abs(x0)));
    off[k] = -sign * alpha;
  };
  if (m > 2) reflect(0);
  for (let k = 0; k < m - 2; k++) {
    const rk = at(k, 0);
    const b = beta[k]!;
    if (b === 0) {
      pReady = false;
      if (k + 1 < m - 2) reflect(k + 1);
      continue;
    }
    if (!pReady) {
      // p = β A v over the trailing block: one pass over its rows (upper triangle).
      h.fill(0, p + k + 1, p + m);
      for (let i = k + 1; i < m; i++) {
        const ri = at(i, 0);
        const vi = h[rk + i]!;
        let acc = h[ri + i]! * vi;
        for (let j = i + 1; j < m; j++) {
          const a = h[ri + j]!;
          acc += a * h[rk + j]!;
          h[p + j] = h[p + j]! + a * vi;
        }
        h[p + i] = h[p + i]! + acc;
      }
      for (let j = k + 1; j < m; j++) h[p + j] = h[p + j]! * b;
    }
    let pv = 0;
    for (let j = k + 1; j < m; j++) pv += h[p + j]! * h[rk + j]!;
    const half = (b * pv) / 2;
    for (let j = k + 1; j < m; j++) h[p + j] = h[p + j]! - half * h[rk + j]!; // p is now w
    // Row k+1 first: it defines the next reflector.
    {
      const i = k + 1;
      const ri = at(i, 0);
      const vi = h[rk + i]!;
      const wi = h[p + i]!;
      for (let j = i; j < m; j++) h[ri + j] = h[ri + j]! - vi * h[p + j]! - wi * h[rk + j]!;
    }
    let bNext = 0;
    if (k + 1 < m - 2) {
      reflect(k + 1);
      bNext = beta[k + 1]!;
    }
    const rn = at(k + 1, 0);
    if (bNext !== 0) h.fill(0, next + k + 2, next + m);
    for (let i = k + 2; i < m; i++) {
      const ri = at(i, 0);
      const vi = h[rk + i]!;
      const wi = h[p + i]!;
      if (bNext === 0) {
        for (let j = i; j < m; j++) h[ri + j] = h[ri + j]! - vi * h[p + j]! - wi * h[rk + j]!;
        continue;
      }
      const ui = h[rn + i]!;
      const aii = h[ri + i]! - vi * wi - wi * vi;
      h[ri + i] = aii;
      let acc = aii * ui;
      const j0 = i + 1;
      const len = m - j0;
      const even = len & ~1;
      if (even > 0) acc += ws.rowUpdate(ri + j0, rk + j0, p + j0, rn + j0, next + j0, even, vi, wi, ui);
      if (even < len) {
        const j = m - 1;
        const a = h[ri + j]! - vi * h[p + j]! - wi * h[rk + j]!;
        h[ri + j] = a;
        acc += a * h[rn + j]!;
        h[next + j] = h[next + j]! + a * ui;
      }
      h[next + i] = h[next + i]! + acc;
    }
    if (bNext !== 0) {
      for (let j = k + 2; j < m; j++) h[next + j] = h[next + j]! * bNext;
      const t = p;
      p = next;
      next = t;
      pReady = true;
    } else {
      pReady = false;
    }
  }
  if (m >= 2) {
    diag[m - 2] = h[at(m - 2, m - 2)]!;
    off[m - 2] = h[at(m - 2, m - 1)]!;
  }
  if (m >= 1) diag[m - 1] = h[at(m - 1, m - 1)]!;
  if (m >= 1) off[m - 1] = 0;
  let norm = 0;
  for (let i = 0; i < m; i++) {
    const r = Math.abs(diag[i]!) + Math.abs(off[i]!) + (i > 0 ? Math.abs(off[i - 1]!) : 0);
    if (r > norm) norm = r;
  }
  return { m, diag, off, ws, reflectors: panel, beta, norm };
}

/**
 * Applies `Q = H_0 H_1 ⋯ H_{m−3}` to the `k` row vectors of `vectors` (`k × m`) in place: turns
 * eigenvectors of T into eigenvectors of S. Runs on a workspace holding a copy of the reflectors
 * and the vectors (dot and axpy in the WebAssembly kernel where available).
 * @internal
 */
export function backTransform(t: Tridiagonal, vectors: Float64Array, k: number): void {
  const { m, beta } = t;
  if (k === 0 || m < 3) return;
  const ws = Workspace.create([[m, m], [k, m]]);
  const pr = ws.panel(0), pv = ws.panel(1);
  const h = ws.heap;
  const src = t.ws.heap;
  for (let i = 0; i < m; i++) {
    const o = t.reflectors.off + i * t.reflectors.stride;
    h.set(src.subarray(o, o + m), pr.off + i * pr.stride);
  }
  ws.write(pv, vectors, k, m);
  for (let r = m - 3; r >= 0; r--) {
    const b = beta[r]!;
    if (b === 0) continue;
    const j0 = r + 1;
    const len = m - j0;
    const even = len & ~1;
    const vr = pr.off + r * pr.stride + j0;
    for (let i = 0; i < k; i++) {
      const vi = pv.off + i * pv.stride + j0;
      let dot = even > 0 ? ws.dot(vr, vi, even) : 0;
      if (even < len) dot += h[vr + len - 1]! * h[vi + len - 1]!;
      const f = -b * dot;
      if (even > 0) ws.axpy(vi, vr, even, f);
      if (even < len) h[vi + len - 1] = h[vi + len - 1]! + f * h[vr + len - 1]!;
    }
  }
  vectors.set(ws.read(pv, k, m));
}

/**
 * Implicit QL with Wilkinson shifts on a tridiagonal matrix (`d` diagonal, `e[i]` coupling i and
 * i+1; both overwritten: `d` ends holding the eigenvalues, unsorted). When `z` is given it holds
 * `m` row vectors of length `m` and receives the same plane rotations (so starting from I its
 * rows end as the eigenvectors of T, row i for eigenvalue `d[i]`).
 * @internal
 */
export function qlImplicit(d: Float64Array, e: Float64Array, m: number, z: Float64Array | null): void {
  // An off-diagonal entry is negligible when it is small next to its diagonal neighbours, or
  // below the rounding level of the whole matrix (ε‖T‖): without the second test, a cluster of
  // (numerically) zero eigenvalues — constant features — would never deflate, because every
  // sweep leaves rounding noise of order ε‖T‖ next to them.
  let norm = 0;
  for (let i = 0; i < m; i++) {
    norm = Math.max(norm, Math.abs(d[i]!) + Math.abs(e[i]!) + (i > 0 ? Math.abs(e[i - 1]!) : 0));
  }
  const floor = 4 * EPS * norm;
  for (let l = 0; l < m; l++) {
    let iter = 0;
    for (;;) {
      let n = l;
      while (n < m - 1) {
        const dd = Math.abs(d[n]!) + Math.abs(d[n + 1]!);
        const en = Math.abs(e[n]!);
        if (en <= EPS * dd || en <= floor) break;
        n++;
      }
      if (n === l) break;
      if (++iter > 100) throw new Error('PCA: the eigensolver did not converge (implicit QL, 100 sweeps)');
      // Wilkinson shift from the leading 2×2 block.
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[n]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = n - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix splits here; finish this sweep early.
          d[i + 1] = d[i + 1]! - p;
          e[n] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (z !== null) {
          const ri = i * m;
          const rj = ri + m;
          for (let q = 0; q < m; q++) {
            const zi = z[ri + q]!;
            const zj = z[rj + q]!;
            z[rj + q] = s * zi + c * zj;
            z[ri + q] = c * zi - s * zj;
          }
        }
      }
      if (deflated && i >= l) continue;
      d[l] = d[l]! - p;
      e[l] = g;
      e[n] = 0;
    }
  }
}

/** All eigenvalues of T, in descending order. @internal */
export function tridiagonalEigenvalues(t: Tridiagonal): Float64Array {
  const d = t.diag.slice();
  const e = t.off.slice();
  qlImplicit(d, e, t.m, null);
  return d.sort().reverse();
}

/**
 * Solves `(T − λI) x = y` for several right-hand sides by Gaussian elimination with partial
 * pivoting (the factors are kept). Pivots smaller than `tiny` are replaced by `tiny`, the usual
 * perturbation that makes inverse iteration work at an eigenvalue.
 */
class ShiftedTridiagonalSolver {
  private readonly u0: Float64Array;
  private readonly u1: Float64Array;
  private readonly u2: Float64Array;
  private readonly mult: Float64Array;
  private readonly swap: Uint8Array;

  constructor(t: Tridiagonal, lambda: number, tiny: number) {
    const { m, diag, off } = t;
    this.u0 = new Float64Array(m);
    this.u1 = new Float64Array(m);
    this.u2 = new Float64Array(m);
    this.mult = new Float64Array(m);
    this.swap = new Uint8Array(m);
    let p = diag[0]! - lambda;
    let q = m > 1 ? off[0]! : 0;
    for (let i = 0; i < m - 1; i++) {
      const b = off[i]!;
      const dn = diag[i + 1]! - lambda;
      const bn = i + 1 < m - 1 ? off[i + 1]! : 0;
      if (Math.abs(p) >= Math.abs(b)) {
        const piv = p === 0 ? tiny : p;
        this.u0[i] = piv;
        this.u1[i] = q;
        this.u2[i] = 0;
        const l = b / piv;
        this.mult[i] = l;
        p = dn - l * q;
        q = bn;
      } else {
        this.u0[i] = b;
        this.u1[i] = dn;
        this.u2[i] = bn;
        this.swap[i] = 1;
        const l = p / b;
        this.mult[i] = l;
        p = q - l * dn;
        q = -l * bn;
      }
    }
    this.u0[m - 1] = Math.abs(p) < tiny ? (p >= 0 ? tiny : -tiny) : p;
    for (let i = 0; i < m - 1; i++) {
      if (Math.abs(this.u0[i]!) < tiny) this.u0[i] = this.u0[i]! >= 0 ? tiny : -tiny;
    }
  }

  /** Overwrites `y` with the solution. */
  solve(y: Float64Array): void {
    const m = y.length;
    for (let i = 0; i < m - 1; i++) {
      if (this.swap[i] === 1) {
        const t = y[i]!;
        y[i] = y[i + 1]!;
        y[i + 1] = t;
      }
      y[i + 1] = y[i + 1]! - this.mult[i]! * y[i]!;
    }
    y[m - 1] = y[m - 1]! / this.u0[m - 1]!;
    if (m >= 2) y[m - 2] = (y[m - 2]! - this.u1[m - 2]! * y[m - 1]!) / this.u0[m - 2]!;
    for (let i = m - 3; i >= 0; i--) {
      y[i] = (y[i]! - this.u1[i]! * y[i + 1]! - this.u2[i]! * y[i + 2]!) / this.u0[i]!;
    }
  }
}

function normalize(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return n;
}

/** A deterministic pseudo-random start vector for inverse iteration (xorshift on the index). */
function startVector(m: number, salt: number): Float64Array {
  const v = new Float64Array(m);
  let st = (0x9e3779b9 ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < m; i++) {
    st ^= st << 13;
    st >>>= 0;
    st ^= st >>> 17;
    st ^= st << 5;
    st >>>= 0;
    v[i] = st / 4294967296 - 0.5;
  }
  return v;
}

/**
 * Eigenvectors of T for the given eigenvalues (descending, as from
 * {@link tridiagonalEigenvalues}) by inverse iteration. Eigenvalues closer than 10⁻³‖T‖ form a
 * cluster; within a cluster each new vector is orthogonalised against the previous ones and
 * equal eigenvalues are pulled apart by 10·ε‖T‖ (the strategy of LAPACK's `dstein`). Returns
 * the vectors as rows (`values.length × m`).
 * @internal
 */
export function inverseIteration(t: Tridiagonal, values: Float64Array): Float64Array {
  const { m, norm } = t;
  const k = values.length;
  const out = new Float64Array(k * m);
  const scale = norm > 0 ? norm : 1;
  const clusterGap = 1e-3 * scale;
  const sep = 10 * EPS * scale;
  const tiny = EPS * scale;
  let clusterStart = 0;
  let prevShift = Infinity;
  for (let j = 0; j < k; j++) {
    let lambda = values[j]!;
    if (j > 0 && values[j - 1]! - lambda > clusterGap) clusterStart = j;
    if (j > clusterStart && lambda > prevShift - sep) lambda = prevShift - sep;
    prevShift = lambda;
    const solver = new ShiftedTridiagonalSolver(t, lambda, tiny);
    const y = startVector(m, j);
    normalize(y);
    let extra = -1;
    for (let it = 0; it < 12; it++) {
      solver.solve(y);
      for (let c = clusterStart; c < j; c++) {
        const oc = c * m;
        let dot = 0;
        for (let q = 0; q < m; q++) dot += y[q]! * out[oc + q]!;
        for (let q = 0; q < m; q++) y[q] = y[q]! - dot * out[oc + q]!;
      }
      const growth = normalize(y);
      if (extra < 0 && growth * scale >= 1e8) extra = 2;
      if (extra >= 0 && extra-- === 0) break;
    }
    out.set(y, j * m);
  }
  return out;
}

/**
 * Eigenvectors of T for its `k` largest eigenvalues by QL with accumulated rotations
 * (all m vectors are formed; O(m³)). Returns `{ values (all, descending), vectors (k × m) }`.
 * @internal
 */
export function qlEigenvectors(t: Tridiagonal, k: number): { values: Float64Array; vectors: Float64Array } {
  const { m } = t;
  const d = t.diag.slice();
  const e = t.off.slice();
  const z = new Float64Array(m * m);
  for (let i = 0; i < m; i++) z[i * m + i] = 1;
  qlImplicit(d, e, m, z);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => d[b]! - d[a]! || a - b);
  const values = new Float64Array(m);
  const vectors = new Float64Array(k * m);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    if (dst < k) vectors.set(z.subarray(src * m, src * m + m), dst * m);
  });
  return { values, vectors };
}

/** How {@link symmetricEigen} finds eigenvectors. @internal */
export type EigenvectorMethod = 'auto' | 'ql' | 'inverse';

/**
 * Leading eigenpairs of the symmetric `m × m` matrix `s` (row-major; overwritten). `chooseK`
 * receives all eigenvalues (descending) and returns how many eigenvectors to form. Eigenvectors
 * come back as unit rows (`k × m`), eigenvectors of S (not of T).
 * @internal
 */
export function symmetricEigen(
  s: Float64Array,
  m: number,
  chooseK: (values: Float64Array) => number,
  method: EigenvectorMethod = 'auto',
): { values: Float64Array; vectors: Float64Array; k: number } {
  const t = tridiagonalize(s, m);
  const values = tridiagonalEigenvalues(t);
  const k = chooseK(values);
  const useQl = method === 'ql' || (method === 'auto' && (m <= 32 || 4 * k >= m));
  let vectors: Float64Array;
  if (useQl) {
    vectors = qlEigenvectors(t, k).vectors;
  } else {
    vectors = inverseIteration(t, values.subarray(0, k));
  }
  backTransform(t, vectors, k);
  for (let j = 0; j < k; j++) normalize(vectors.subarray(j * m, j * m + m));
  return { values, vectors, k };
}
