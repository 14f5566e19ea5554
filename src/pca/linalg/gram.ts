import { kernelKind, mirrorUpper, poolThreads, Workspace, type Panel } from './workspace.js';

/** Samples (or features) copied into the workspace per pass of the Gram product. */
const CHUNK = 2048;
/** Samples per tile of the transposing copy. */
const TILE = 16;

/** Per-column statistics of `X` (`n × d`, row-major). @internal */
export interface ColumnStats {
  /** Column means; a constant column gets exactly its value (so it centres to 0). */
  readonly mean: Float64Array;
  /** 1 where every value of the column is the same. */
  readonly constant: Uint8Array;
  /** Number of non-zero values in each column. */
  readonly nonZeros: Int32Array;
  /** False when a column sum is not finite: the data holds NaN or ±Infinity (or overflows). */
  readonly finite: boolean;
}

/**
 * One pass over `X` for {@link ColumnStats} (which also tells whether `X` is finite). A column is
 * constant when it is all zeros, never when it mixes zeros and non-zeros, and otherwise (no zero
 * at all) when no row differs from the first: that check, after the pass, stops at the first row
 * that differs, which for a varying column comes almost at once.
 * @internal
 */
export function columnStats(x: Float64Array, n: number, d: number): ColumnStats {
  const sum = new Float64Array(d);
  const nonZeros = new Int32Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) {
      const v = x[o + j]!;
      sum[j] = sum[j]! + v;
      if (v !== 0) nonZeros[j] = nonZeros[j]! + 1;
    }
  }
  const mean = new Float64Array(d);
  const constant = new Uint8Array(d);
  let finite = true;
  for (let j = 0; j < d; j++) {
    if (!Number.isFinite(sum[j]!)) finite = false;
    const nz = nonZeros[j]!;
    let same = nz === 0;
    if (nz === n) {
      const first = x[j]!;
      let r = 1;
      while (r < n && x[r * d + j] === first) r++;
      same = r === n && first === first; // NaN differs from itself
    }
    if (same) {
      constant[j] = 1;
      mean[j] = x[j]!;
    } else {
      mean[j] = sum[j]! / n;
    }
  }
  return { mean, constant, nonZeros, finite };
}

/**
 * The Gram matrix of the centred data. `byFeatures` (when `d ≤ n`): `XcᵀXc` restricted to the
 * non-constant columns listed in `features` (a constant column centres to zero, so its row and
 * column of the full matrix are exactly zero), `m = features.length`. Otherwise `XcXcᵀ`
 * (`n × n`, `features` null).
 * @internal
 */
export interface CenteredGram {
  readonly gram: Float64Array;
  readonly m: number;
  readonly byFeatures: boolean;
  readonly features: Int32Array | null;
}

/**
 * Precision of the dense products: `'f64'` (exact solver), or `'f32'` — centred values rounded to
 * float32 and multiplied in float32 lanes, blocks summed in float64; about twice as fast, with
 * relative errors near 10⁻⁶ (the randomized solver, whose own approximation is far coarser).
 * @internal
 */
export type GramPrecision = 'f64' | 'f32';

/**
 * How much faster (multiply-adds per second) the product kernel runs than the axpy that handles
 * a sparse column, for each kernel kind (measured on x86-64 V8: the dot-product kernel keeps its
 * accumulators in registers, an axpy loads and stores every element).
 */
const KERNEL_SPEEDUP = { wasm: 3, js: 3 } as const;

/**
 * The Gram matrix of the centred data `Xc = X − 1·μᵀ` on its smaller side (see
 * {@link CenteredGram}). Centring happens while the data is copied, chunk by chunk, into the
 * product kernel's workspace, so the extra memory is `m² + m·CHUNK` floats whatever `n` is.
 *
 * Sparse columns (many exact zeros, as in images or counts) are not sent through the dense
 * kernel: for such a column i, `(XcᵀXc)ᵢⱼ = Σ_{r: xᵣᵢ≠0} xᵣᵢ·xcᵣⱼ − μᵢ·Σᵣ xcᵣⱼ` (exact algebra,
 * no cancellation), which costs at most `nnzᵢ·m` multiply-adds instead of `n·m` (an entry between
 * two sparse columns is summed once, from the side of the denser one). A column goes this way
 * when that is cheaper, judged from its non-zero count and the kernel's speed (`sparse = false`
 * sends every column through the kernel). The sparse part is always computed in float64.
 * @internal
 */
export function centeredGram(
  x: Float64Array, n: number, d: number, stats: ColumnStats, sparse = true, precision: GramPrecision = 'f64',
): CenteredGram {
  const { mean, constant } = stats;
  const kept: number[] = [];
  for (let j = 0; j < d; j++) if (constant[j] === 0) kept.push(j);
  if (d > n) return sampleGram(x, n, d, mean, Int32Array.from(kept), precision);
  const m = kept.length;
  const features = Int32Array.from(kept);
  if (m === 0) return { gram: new Float64Array(0), m, byFeatures: true, features };
  // Split the kept columns into dense (kernel) and sparse (row-wise) ones, sparsest first.
  const speedup = KERNEL_SPEEDUP[kernelKind()];
  const order = Array.from({ length: m }, (_, p) => p).sort(
    (a, b) => stats.nonZeros[features[a]!]! - stats.nonZeros[features[b]!]! || a - b,
  );
  let nDense = m;
  const sparsePos: number[] = [];
  for (const p of order) {
    const nnz = stats.nonZeros[features[p]!]!;
    if (sparse && nnz * m * speedup < n * (nDense - 1)) {
      sparsePos.push(p);
      nDense--;
    } else {
      break;
    }
  }
  const isSparse = new Uint8Array(m);
  for (const p of sparsePos) isSparse[p] = 1;
  const densePos: number[] = [];
  for (let p = 0; p < m; p++) if (isSparse[p] === 0) densePos.push(p);

  const gram = new Float64Array(m * m);
  // The sparse rows fill other entries of `gram` than the dense product: with the worker pool's
  // threads, the calling thread computes them while the workers run the product.
  const sparseWork = sparsePos.length > 0 ? () => sparseRows(x, n, d, mean, features, sparsePos, densePos, gram) : undefined;
  if (densePos.length > 0) {
    const denseCols = Int32Array.from(densePos, (p) => features[p]!);
    const dd = featureGram(x, n, d, mean, denseCols, precision, sparseWork);
    const md = denseCols.length;
    for (let a = 0; a < md; a++) {
      const pa = densePos[a]!;
      for (let b = 0; b < md; b++) gram[pa * m + densePos[b]!] = dd[a * md + b]!;
    }
  } else {
    sparseWork?.();
  }
  return { gram, m, byFeatures: true, features };
}

/**
 * `XcᵀXc` over the columns `cols` by the product kernel (full symmetric `c × c` result), running
 * `alongside` on the calling thread during the (first) product. With the worker pool's threads,
 * all samples are copied at once and multiplied in one product, split over the threads; else
 * chunk by chunk. Chunks are a multiple of the kernel's inner blocks, so both ways add the same
 * blocks in the same order: the same bits.
 */
function featureGram(
  x: Float64Array, n: number, d: number, mean: Float64Array, cols: Int32Array, precision: GramPrecision, alongside?: () => void,
): Float64Array {
  const m = cols.length;
  const f32 = precision === 'f32';
  const chunked = Math.min(CHUNK, n + 3);
  const sizes = (c: number) => [f32 ? ([m, c, 'f32'] as const) : ([m, c] as const), [m, m] as const];
  let chunk = poolThreads() > 1 ? n : chunked;
  let ws = Workspace.create(sizes(chunk), true);
  if (ws.threads === 1 && chunk !== chunked) {
    ws.release(); // the pool's memory could not hold all samples: chunks on one thread
    chunk = chunked;
    ws = Workspace.create(sizes(chunk));
  }
  try {
    return featureGramOn(ws, x, n, d, mean, cols, chunk, alongside);
  } finally {
    ws.release();
  }
}

function featureGramOn(
  ws: Workspace, x: Float64Array, n: number, d: number, mean: Float64Array, cols: Int32Array, chunk: number, alongside?: () => void,
): Float64Array {
  const m = cols.length;
  const pm = ws.panel(0), pc = ws.panel(1);
  const f32 = pm.f32;
  let first = alongside;
  const h = f32 ? ws.heap32 : ws.heap;
  const stride = pm.stride;
  const mu = Float64Array.from(cols, (j) => mean[j]!);
  for (let t0 = 0; t0 < n; t0 += chunk) {
    const len = Math.min(chunk, n - t0);
    // Panel row a holds feature cols[a] of samples t0..t0+len (centred); copied in tiles of
    // TILE samples so that both the reads and the writes stay in cache.
    for (let tb = 0; tb < len; tb += TILE) {
      const te = Math.min(len, tb + TILE);
      for (let a = 0; a < m; a++) {
        const col = cols[a]!;
        const mua = mu[a]!;
        const dst = pm.off + a * stride;
        for (let t = tb; t < te; t++) h[dst + t] = x[(t0 + t) * d + col]! - mua;
      }
    }
    zeroTail(h, pm, len, m);
    if (f32) ws.nt32(pm, pm, pc, len, true, first);
    else ws.nt(pm, pm, pc, len, true, 0, 0, first);
    first = undefined;
  }
  const gram = ws.read(pc);
  mirrorUpper(gram, m);
  return gram;
}

/** Zeroes columns `len…` of the first `rows` rows up to the kernel's read width (2 or 4 values). */
function zeroTail(h: Float64Array | Float32Array, p: Panel, len: number, rows: number): void {
  const width = p.f32 ? (len + 3) & ~3 : (len + 1) & ~1;
  if (width === len) return;
  for (let r = 0; r < rows; r++) h.fill(0, p.off + r * p.stride + len, p.off + r * p.stride + width);
}

/**
 * Rows (and, by symmetry, columns) of the Gram matrix for the sparse features at positions
 * `sparsePos` of `features`, written into `gram` (`m × m`, m = features.length); `densePos` are
 * the other positions. Each centred sample is copied into a compact vector (the dense features,
 * then the sparse ones in the reverse of `sparsePos`'s order, densest first), and every sparse
 * feature that is non-zero there adds `value · (centred sample)` to its row, but only over the
 * dense features and the sparse ones up to itself: each entry between two sparse features is
 * accumulated once, by the later one, and the densest sparse columns get the shortest rows (an
 * axpy in the WebAssembly kernel where available).
 */
function sparseRows(
  x: Float64Array, n: number, d: number, mean: Float64Array, features: Int32Array,
  sparsePos: readonly number[], densePos: readonly number[], gram: Float64Array,
): void {
  const m = features.length;
  const s = sparsePos.length;
  const nd = densePos.length;
  // Compact order: position t of the vector holds feature features[order[t]].
  const order = Int32Array.from([...densePos, ...sparsePos.slice().reverse()]);
  const len = nd + s;
  const ws = Workspace.create([[s, len], [1, len], [1, len]]);
  const pr = ws.panel(0), px = ws.panel(1), pz = ws.panel(2);
  const h = ws.heap;
  const cols = Int32Array.from(order, (p) => features[p]!);
  const mu = Float64Array.from(cols, (j) => mean[j]!);
  const xo = px.off;
  // Row a (sparse feature cols[nd + a]) sums over compact positions < nd + a + 1, rounded up
  // to even (the kernel's width; the extra entry is never read).
  const width = Int32Array.from({ length: s }, (_, a) => (nd + a + 2) & ~1);
  const hit = new Int32Array(s);
  const hitValue = new Float64Array(s);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let t = 0; t < nd; t++) h[xo + t] = x[o + cols[t]!]! - mu[t]!;
    // The sparse features: copied, and their non-zeros noted on the way.
    let hits = 0;
    for (let a = 0; a < s; a++) {
      const v = x[o + cols[nd + a]!]!;
      h[xo + nd + a] = v - mu[nd + a]!;
      if (v !== 0) {
        hit[hits] = a;
        hitValue[hits++] = v;
      }
    }
    ws.axpy(pz.off, xo, px.stride, 1); // Σ_r of the centred values (≈ 0, kept exact)
    for (let i = 0; i < hits; i++) {
      const a = hit[i]!;
      ws.axpy(pr.off + a * pr.stride, xo, width[a]!, hitValue[i]!);
    }
  }
  // (XcᵀXc)ᵢⱼ = Σ_{r: xᵣᵢ≠0} xᵣᵢ·xcᵣⱼ − μᵢ·Σᵣ xcᵣⱼ for the sparse feature i.
  for (let a = 0; a < s; a++) {
    const p = order[nd + a]!;
    const muA = mu[nd + a]!;
    const ra = pr.off + a * pr.stride;
    for (let t = 0; t <= nd + a; t++) {
      const v = h[ra + t]! - muA * h[pz.off + t]!;
      const q = order[t]!;
      gram[p * m + q] = v;
      gram[q * m + p] = v;
    }
  }
}

/** `XcXcᵀ` (`n × n`) over the columns `cols` (constant columns add nothing). */
function sampleGram(x: Float64Array, n: number, d: number, mean: Float64Array, cols: Int32Array, precision: GramPrecision): CenteredGram {
  const total = cols.length;
  const f32 = precision === 'f32';
  const chunk = Math.max(4, Math.min(CHUNK, total + 3));
  const ws = Workspace.create([f32 ? [n, chunk, 'f32'] : [n, chunk], [n, n]], true);
  try {
    return sampleGramOn(ws, x, n, d, mean, cols, chunk);
  } finally {
    ws.release();
  }
}

function sampleGramOn(ws: Workspace, x: Float64Array, n: number, d: number, mean: Float64Array, cols: Int32Array, chunk: number): CenteredGram {
  const total = cols.length;
  const pm = ws.panel(0), pc = ws.panel(1);
  const f32 = pm.f32;
  const h = f32 ? ws.heap32 : ws.heap;
  const stride = pm.stride;
  for (let t0 = 0; t0 < total; t0 += chunk) {
    const len = Math.min(chunk, total - t0);
    // Panel row r holds features cols[t0..t0+len) of sample r (centred).
    for (let r = 0; r < n; r++) {
      const src = r * d;
      const dst = pm.off + r * stride;
      for (let t = 0; t < len; t++) {
        const j = cols[t0 + t]!;
        h[dst + t] = x[src + j]! - mean[j]!;
      }
    }
    zeroTail(h, pm, len, n);
    if (f32) ws.nt32(pm, pm, pc, len, true);
    else ws.nt(pm, pm, pc, len, true);
  }
  const gram = ws.read(pc);
  mirrorUpper(gram, n);
  return { gram, m: n, byFeatures: false, features: null };
}
