import { currentPool } from '../../backend/threads.js';
import { J_BLOCK, K_BLOCK, K_BLOCK_32, ntBlock, ntBlockCount, type NtCall } from '../../kernels/wasm/blocks.js';
import { ntModule, ntProductJs, type WasmKernels } from '../../kernels/wasm/f64.js';
import type { WorkerPool } from '../../kernels/wasm/pool.js';

/**
 * A matrix stored in a {@link Workspace}: `rows × cols` values, row-major with `stride` elements
 * per row (even; a multiple of 4 for float32), padded with zero rows up to `rowsPad` (a multiple
 * of 4). `off` is the element offset of entry (0, 0) in `heap` (float64 panels) or `heap32`
 * (float32 panels).
 * @internal
 */
export interface Panel {
  readonly f32: boolean;
  readonly off: number;
  readonly rows: number;
  readonly cols: number;
  readonly rowsPad: number;
  readonly stride: number;
}

/** Largest heap we ask WebAssembly for (wasm32 memories stop at 4 GiB). */
const MAX_WASM_BYTES = 0x80000000; // 2³¹ (a literal: bundlers keep module-scope `**`)

const ceil4 = (v: number): number => (v + 3) & ~3;
const ceil2 = (v: number): number => (v + 1) & ~1;

/** Whether the workspace runs the WebAssembly kernel or the JavaScript one. @internal */
export type KernelKind = 'wasm' | 'js';

let forcedKernel: KernelKind | null = null;

/**
 * PCA's products with fewer multiply-adds than this stay on the calling thread, even in a
 * workspace of the pool's memory (2²⁵, a few milliseconds of work; the backend's threshold for
 * tfjs products is 2²⁰). Each product split over the pool wakes the workers and waits for the
 * last of them; when other processes compete for the cores, a descheduled worker makes that wait
 * long (measured on a 2-vCPU AMD EPYC at load 6, 8,000 digits, k = 50, medians of 7: the
 * randomized fit took 232 ms with 2²⁰ here, which splits the range finder's 60 × 667 × 667
 * products too, 222 ms with 2²⁵, 225 ms on one thread; the full fit 356, 298 and 287 ms). The
 * Gram matrix and the passes over the data stay far above it. The same bits either way.
 * @internal
 */
export const PARALLEL_MIN_MACS_PCA = 33554432; // 2²⁵ (a literal: bundlers keep module-scope arithmetic)
let parallelMinForTesting: number | null = null;

/** Overrides {@link PARALLEL_MIN_MACS_PCA} (`null`: back to it); for tests that split small products. @internal */
export function setParallelMinForTesting(macs: number | null): void {
  parallelMinForTesting = macs;
}
/** Whether a workspace holds the worker pool's shared region (one at a time; see Workspace.create). */
let sharedHeld = false;

/**
 * Forces the kernel used by new workspaces (`null` = pick the fastest available). For tests and
 * benchmarks that compare both.
 * @internal
 */
export function setKernelForTesting(kind: KernelKind | null): void {
  forcedKernel = kind;
}

/** The kernel new workspaces will run (forced, or WebAssembly when it is available). @internal */
export function kernelKind(): KernelKind {
  if (forcedKernel !== null) return forcedKernel;
  return ntModule() === null ? 'js' : 'wasm';
}

/**
 * Threads a workspace created now with `threads` would run its large products on: the wasm
 * backend's worker pool and the calling thread, or 1.
 * @internal
 */
export function poolThreads(): number {
  if (sharedHeld || forcedKernel === 'js' || ntModule() === null) return 1;
  const pool = currentPool();
  return pool !== null && pool.broken === null ? pool.threads : 1;
}

/**
 * One float64 heap holding several padded matrices, and the product `C += A·Bᵀ` on them. The
 * heap is a WebAssembly memory when WebAssembly SIMD is available (the product then runs the
 * SIMD kernel), else a plain `Float64Array`. A workspace lives for one computation: once it is
 * unreachable its memory is garbage-collected (wasm memories cannot shrink, so we never keep
 * one).
 *
 * A workspace created with `threads` lies, when the wasm backend's worker pool runs (started by
 * `useBackend('wasm', { threads })`), in the pool's shared memory, and its large products are
 * split over the pool's threads by blocks of columns (kernels/wasm/f64.ts `ntBlock`): the same
 * bits as on one thread. Such a workspace must be {@link Workspace.release}d (in a `finally`);
 * one at a time holds the shared memory, later ones get a memory of their own.
 * @internal
 */
export class Workspace {
  readonly heap: Float64Array;
  readonly heap32: Float32Array;
  readonly kind: KernelKind;
  readonly panels: readonly Panel[];
  private readonly kernel: WasmKernels | null;
  private pool: WorkerPool | null;

  private constructor(
    buffer: ArrayBufferLike, bytes: number, kind: KernelKind, kernel: WasmKernels | null, panels: Panel[], pool: WorkerPool | null = null,
  ) {
    this.heap = new Float64Array(buffer, 0, bytes / 8);
    this.heap32 = new Float32Array(buffer, 0, bytes / 4);
    this.kind = kind;
    this.kernel = kernel;
    this.panels = panels;
    this.pool = pool;
  }

  /**
   * Allocates zeroed panels of the given `[rows, cols]` sizes (`[rows, cols, 'f32']` for float32);
   * with `threads`, in the worker pool's shared memory where one runs (see the class comment).
   */
  static create(sizes: readonly (readonly [number, number] | readonly [number, number, 'f32'])[], threads = false): Workspace {
    const module = forcedKernel === 'js' ? null : ntModule();
    const pool = threads && module !== null && !sharedHeld ? currentPool() : null;
    if (pool !== null && pool.threads > 1 && pool.broken === null) {
      const layout = layoutPanels(sizes, 0);
      const region = pool.f64Heap(layout.bytes);
      if (region !== null) {
        const { panels, bytes } = layoutPanels(sizes, region.base);
        const ws = new Workspace(region.memory.buffer, bytes, 'wasm', region.kernels, panels, pool);
        // The region is scratch of earlier products: zero it, as a new memory would be.
        ws.heap.fill(0, region.base / 8, bytes / 8);
        sharedHeld = true;
        return ws;
      }
    }
    const { panels, bytes } = layoutPanels(sizes, 0);
    if (module !== null && bytes <= MAX_WASM_BYTES) {
      try {
        const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
        const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
        const kernels = instance.exports as unknown as WasmKernels;
        return new Workspace(memory.buffer, bytes, 'wasm', kernels, panels);
      } catch {
        // Out of memory for a wasm heap: fall through to the JavaScript kernel.
      }
    }
    return new Workspace(new ArrayBuffer(bytes), bytes, 'js', null, panels);
  }

  /** Threads that run this workspace's large products (1 unless it lies in the pool's memory). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Gives the pool's shared memory back (a no-op for a workspace with its own memory). */
  release(): void {
    if (this.pool !== null) {
      this.pool = null;
      sharedHeld = false;
    }
  }

  /** Panel `i` (throws on a bad index: a programming error). */
  panel(i: number): Panel {
    const p = this.panels[i];
    if (p === undefined) throw new Error(`Workspace: no panel ${i}`);
    return p;
  }

  /** Sets every stored value of `p` (padding included) to zero. */
  clear(p: Panel): void {
    (p.f32 ? this.heap32 : this.heap).fill(0, p.off, p.off + p.rowsPad * p.stride);
  }

  /**
   * `C[0:a.rows, 0:b.rows] += A[:, a0:a0+len] · B[:, b0:b0+len]ᵀ`. With `upper`, `a` and `b`
   * must be the same panel and only the entries with column ≥ row are guaranteed (some entries
   * below the diagonal are computed too; callers mirror the upper triangle). Columns
   * `len` rounded up to even are read: the padding column must be zero. `alongside` is run on
   * the calling thread while the pool's threads compute the product (or before it, on one
   * thread); it must not touch the panels of the product.
   */
  nt(a: Panel, b: Panel, c: Panel, len: number, upper = false, a0 = 0, b0 = 0, alongside?: () => void): void {
    const r1 = a.rowsPad;
    const r2All = ceil2(b.rows);
    if (c.rowsPad < r1 || c.stride < r2All) throw new Error('Workspace.nt: output panel too small');
    const lenEven = ceil2(len);
    if (this.kernel === null) {
      alongside?.();
      for (let t0 = 0; t0 < lenEven; t0 += K_BLOCK) {
        const tl = Math.min(K_BLOCK, lenEven - t0);
        for (let j0 = 0; j0 < r2All; j0 += J_BLOCK) {
          const jl = Math.min(J_BLOCK, r2All - j0);
          // With `upper`, rows below this block of columns are not needed.
          const rows = upper ? Math.min(r1, ceil4(j0 + jl)) : r1;
          ntProductJs(this.heap, a.off + a0 + t0, a.stride, b.off + (b0 + t0) + j0 * b.stride, b.stride, c.off + j0, c.stride, rows, jl, tl, false);
        }
      }
      return;
    }
    this.run({
      pa: (a.off + a0) * 8, lda: a.stride, pb: (b.off + b0) * 8, ldb: b.stride, pc: c.off * 8, ldc: c.stride,
      r1, r2: b.rows, len: lenEven, upper, f32: false,
    }, alongside);
  }

  /**
   * The float32 version of {@link Workspace.nt}: `a` and `b` are float32 panels (read up to
   * `len` rounded up to a multiple of 4: padding zero), `c` float64.
   */
  nt32(a: Panel, b: Panel, c: Panel, len: number, upper = false, alongside?: () => void): void {
    if (!a.f32 || !b.f32 || c.f32) throw new Error('Workspace.nt32: needs float32 inputs and a float64 output');
    const r1 = a.rowsPad;
    const r2All = ceil2(b.rows);
    if (c.rowsPad < r1 || c.stride < r2All) throw new Error('Workspace.nt32: output panel too small');
    const len4 = ceil4(len);
    if (this.kernel === null) {
      alongside?.();
      const h32 = this.heap32;
      const h = this.heap;
      for (let t0 = 0; t0 < len4; t0 += K_BLOCK_32) {
        const tl = Math.min(K_BLOCK_32, len4 - t0);
        for (let j0 = 0; j0 < r2All; j0 += J_BLOCK) {
          const jl = Math.min(J_BLOCK, r2All - j0);
          const rows = upper ? Math.min(r1, ceil4(j0 + jl)) : r1;
          const pa = a.off + t0;
          const pb = b.off + t0 + j0 * b.stride;
          const pc = c.off + j0;
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < jl; j++) {
              let sum = 0;
              const ai = pa + i * a.stride;
              const bj = pb + j * b.stride;
              for (let t = 0; t < tl; t++) sum += h32[ai + t]! * h32[bj + t]!;
              h[pc + i * c.stride + j] = h[pc + i * c.stride + j]! + sum;
            }
          }
        }
      }
      return;
    }
    this.run({
      pa: a.off * 4, lda: a.stride, pb: b.off * 4, ldb: b.stride, pc: c.off * 8, ldc: c.stride,
      r1, r2: b.rows, len: len4, upper, f32: true,
    }, alongside);
  }

  /** A product on the WebAssembly kernel: over the pool's threads when large enough, else here. */
  private run(call: NtCall, alongside?: () => void): void {
    const kernel = this.kernel!;
    const macs = call.r1 * call.r2 * call.len * (call.upper ? 0.5 : 1);
    if (this.pool !== null && macs >= (parallelMinForTesting ?? PARALLEL_MIN_MACS_PCA)) {
      this.pool.nt64(call, 'PCA', alongside);
      return;
    }
    alongside?.();
    const blocks = ntBlockCount(call);
    const nt = call.f32 ? kernel.nt32 : kernel.nt;
    for (let b = 0; b < blocks; b++) ntBlock(nt, call, b);
  }

  /** `h[y : y+len] += a · h[x : x+len]` (element offsets; `len` even). */
  axpy(y: number, x: number, len: number, a: number): void {
    if (this.kernel !== null) {
      this.kernel.axpy(y * 8, x * 8, len, a);
      return;
    }
    const h = this.heap;
    for (let t = 0; t < len; t++) h[y + t] = h[y + t]! + a * h[x + t]!;
  }

  /** `Σ h[x+t]·h[y+t]` for t < len (element offsets; `len` even). */
  dot(x: number, y: number, len: number): number {
    if (this.kernel !== null) return this.kernel.dot(x * 8, y * 8, len);
    const h = this.heap;
    let s0 = 0;
    let s1 = 0;
    for (let t = 0; t < len; t += 2) {
      s0 += h[x + t]! * h[y + t]!;
      s1 += h[x + t + 1]! * h[y + t + 1]!;
    }
    return s0 + s1;
  }

  /**
   * For t < len: `a = h[s+t] − vi·h[w+t] − wi·h[v+t]; h[s+t] = a; h[next+t] += a·ui`; returns
   * `Σ a·h[u+t]` (element offsets; `len` even).
   */
  rowUpdate(s: number, v: number, w: number, u: number, next: number, len: number, vi: number, wi: number, ui: number): number {
    if (this.kernel !== null) return this.kernel.rowUpdate(s * 8, v * 8, w * 8, u * 8, next * 8, len, vi, wi, ui);
    const h = this.heap;
    let acc = 0;
    for (let t = 0; t < len; t++) {
      const a = h[s + t]! - vi * h[w + t]! - wi * h[v + t]!;
      h[s + t] = a;
      acc += a * h[u + t]!;
      h[next + t] = h[next + t]! + a * ui;
    }
    return acc;
  }

  /** Copies `rows × cols` row-major values from `src` into panel `p` (padding untouched). */
  write(p: Panel, src: ArrayLike<number>, rows = p.rows, cols = p.cols): void {
    const h = p.f32 ? this.heap32 : this.heap;
    for (let r = 0; r < rows; r++) {
      const o = p.off + r * p.stride;
      const s = r * cols;
      for (let c = 0; c < cols; c++) h[o + c] = src[s + c]!;
    }
  }

  /** Reads panel `p` into a dense row-major `rows × cols` Float64Array. */
  read(p: Panel, rows = p.rows, cols = p.cols): Float64Array {
    const out = new Float64Array(rows * cols);
    const h = p.f32 ? this.heap32 : this.heap;
    for (let r = 0; r < rows; r++) {
      const o = p.off + r * p.stride;
      out.set(h.subarray(o, o + cols), r * cols);
    }
    return out;
  }
}

/** Panel layout from byte `start` (16-byte aligned): the panels and the end of the last one. */
function layoutPanels(
  sizes: readonly (readonly [number, number] | readonly [number, number, 'f32'])[], start: number,
): { panels: Panel[]; bytes: number } {
  const panels: Panel[] = [];
  let bytes = start;
  for (const [rows, cols, type] of sizes) {
    const f32 = type === 'f32';
    const size = f32 ? 4 : 8;
    const stride = f32 ? ceil4(Math.max(cols, 1)) : ceil2(Math.max(cols, 1));
    const rowsPad = ceil4(Math.max(rows, 1));
    bytes = (bytes + 15) & ~15;
    panels.push({ f32, off: bytes / size, rows, cols, rowsPad, stride });
    bytes += rowsPad * stride * size;
  }
  return { panels, bytes: Math.max(start + 16, (bytes + 15) & ~15) };
}

/**
 * `A·Bᵀ` for dense row-major `A` (`r1 × len`) and `B` (`r2 × len`): a new `r1 × r2` Float64Array.
 * With `symmetric` (`B` omitted), computes `A·Aᵀ` from its upper triangle and mirrors it.
 * @internal
 */
export function productNT(a: Float64Array, r1: number, len: number, b: Float64Array | null, r2: number): Float64Array {
  if (b === null) {
    const ws = Workspace.create([[r1, len], [r1, r1]]);
    const pa = ws.panel(0), pc = ws.panel(1);
    ws.write(pa, a);
    ws.nt(pa, pa, pc, len, true);
    const out = ws.read(pc);
    mirrorUpper(out, r1);
    return out;
  }
  const ws = Workspace.create([[r1, len], [r2, len], [r1, r2]]);
  const pa = ws.panel(0), pb = ws.panel(1), pc = ws.panel(2);
  ws.write(pa, a);
  ws.write(pb, b);
  ws.nt(pa, pb, pc, len);
  return ws.read(pc);
}

/** Copies the upper triangle of a square row-major matrix onto its lower triangle. @internal */
export function mirrorUpper(s: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) s[j * m + i] = s[i * m + j]!;
  }
}
