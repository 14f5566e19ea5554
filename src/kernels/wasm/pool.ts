/**
 * A pool of worker threads over one shared `WebAssembly.Memory`, for matrix products and the fused
 * Adam step.
 *
 * The calling thread takes part: a product split over T threads gives T − 1 column ranges to the
 * workers and computes the last one itself. When tfjs-backend-wasm's heap is shared (in Node,
 * src/backend/sharedHeap.ts makes it so) and the pool was bound to it, every thread computes its
 * range in place, and the caller takes over the columns a late worker has not started. Otherwise
 * each worker's range is copied into the pool's own shared memory, computed there with the same
 * kernel the calling thread runs, and copied back. Either way every element of C is computed by one thread
 * with the same instructions in the same order, so the product is the same to the bit for any
 * thread count.
 *
 * Workers are started once ({@link WorkerPool.start}), poll their slot for SPIN_MS after an
 * operation and then block in `Atomics.wait`, and end with {@link WorkerPool.dispose}. A worker that exits makes the next
 * operation throw; one that stops answering makes the current one throw after a deadline.
 * @internal
 */
import { ARGS, CONTROL_BYTES, DONE, MAX_WORKERS, OP, OP_ADAM, OP_ADAM_HEAP, OP_CRASH, OP_EXIT, OP_GEMM, OP_GEMM_HEAP, OP_NT64, OP_STALL, OP_UNARY_HEAP, FINISHED, PANELS, QUEUE, RESULT, SEQ, SLOT_INTS, SPIN_MS, STATUS } from './protocol.js';
import { ntBlock, ntBlockCount, type NtCall } from './blocks.js';
import { ntModuleBytes, type WasmKernels as F64Kernels } from './f64.js';
import { adamModuleBytes } from './adam.js';
import { vectorModuleBytes } from './vector.js';
import type { VectorExports } from './vector.js';
import type { AdamSimd } from './adam.js';
import type { WorkerInit } from './protocol.js';
import { SCRATCH_BYTES, gemmModuleBytes, sharedGemmOptions } from './gemm.js';
import type { GemmExports } from './gemm.js';
import { columnRanges } from './shares.js';
import type { AdamStep, Product } from './shares.js';

export { columnRanges } from './shares.js';
export type { AdamStep, Product } from './shares.js';

/** A started worker, Node's or the browser's, as the pool uses it. */
interface PoolWorker {
  terminate(): Promise<unknown> | void;
}

/** Starts one worker with `init`; resolves once it has said it is ready. */
export type SpawnWorker = (init: WorkerInit, onExit: (reason: string) => void) => Promise<PoolWorker>;

/** The most pages the shared memory may grow to (1 GiB). */
const MAX_PAGES = 16384;
const PAGE = 65536;
/** How long the calling thread waits for a worker before it gives up on it. */
const DEADLINE_MS = 60_000;

/** Can this thread block in `Atomics.wait`? (Not a browser's main thread.) */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The workers and their shared memory (see the file comment); one per backend, started by
 * src/backend/threads.ts. `gemm` runs on the calling thread and blocks until every share is done.
 * @internal
 */
export class WorkerPool {
  readonly #memory: WebAssembly.Memory;
  readonly #heap: WebAssembly.Memory | null;
  readonly #workers: PoolWorker[];
  readonly #ctl: Int32Array;
  readonly #block: boolean;
  /** Whether the workers' kernel fuses multiply-adds (its widest block is then 12 columns, else 8). */
  readonly #fma: boolean;
  /** The last operation posted to each worker. */
  readonly #posted: number[] = [];
  #broken: string | null = null;
  #disposed = false;
  /** The float64 kernels for a shared memory (f64.ts), and their instance on the calling thread. */
  #f64: WebAssembly.Module | null = null;
  #f64Own: F64Kernels | null = null;

  private constructor(memory: WebAssembly.Memory, heap: WebAssembly.Memory | null, workers: PoolWorker[], fma: boolean) {
    this.#memory = memory;
    this.#fma = fma;
    this.#heap = heap;
    this.#workers = workers;
    this.#ctl = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
    this.#block = canBlock();
  }

  /**
   * Starts `threads − 1` workers (the calling thread is the last thread) with `spawn`, or
   * throws with the reason when shared memory, the kernel or a worker cannot be had. With `heap`
   * (a shared memory: tfjs-backend-wasm's), the workers also bind the kernels to it, and products
   * and Adam steps on it are computed in place.
   */
  static async start(threads: number, spawn: SpawnWorker, heap: WebAssembly.Memory | null = null): Promise<WorkerPool> {
    if (typeof SharedArrayBuffer !== 'function') throw new Error('SharedArrayBuffer is not available (in a browser: the page is not cross-origin isolated)');
    const workers = Math.min(threads - 1, MAX_WORKERS);
    const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const options = sharedGemmOptions();
    const bytes = gemmModuleBytes(options);
    if (!WebAssembly.validate(bytes)) throw new Error('this runtime cannot compile the shared-memory kernels (WebAssembly SIMD or threads missing)');
    const module = new WebAssembly.Module(bytes);
    const adam = new WebAssembly.Module(adamModuleBytes(true));
    const f64 = new WebAssembly.Module(ntModuleBytes(true));
    const started: PoolWorker[] = [];
    // The pool holds the list the workers join as they start, so that an early exit is recorded.
    const bound = heap !== null && heap.buffer instanceof SharedArrayBuffer ? heap : null;
    const vector = bound === null ? null : new WebAssembly.Module(vectorModuleBytes(true));
    const pool = new WorkerPool(memory, bound, started, options.fma);
    pool.#f64 = f64;
    const onExit = (slot: number) => (reason: string): void => {
      if (!pool.#disposed) pool.#broken ??= `worker ${slot + 1} of ${workers} ${reason}`;
    };
    try {
      for (let slot = 0; slot < workers; slot++) {
        started.push(await spawn({ autoencodersPool: 1, memory, gemm: module, adam, vector, f64, slot, heap: bound }, onExit(slot)));
      }
    } catch (error) {
      await Promise.all(started.map((w) => w.terminate()));
      throw error;
    }
    return pool;
  }

  /** Threads that compute a product: the workers and the calling thread. */
  get threads(): number {
    return this.#workers.length + 1;
  }

  /** Whether products and Adam steps on `memory` are computed in place (it is the heap the pool was bound to). */
  inPlace(memory: WebAssembly.Memory | undefined): boolean {
    return memory !== undefined && memory === this.#heap;
  }

  /** The heap the pool computes on in place, or null. */
  get heap(): WebAssembly.Memory | null {
    return this.#heap;
  }

  /** Why the pool cannot be used any more (a worker exited, or it was disposed), or null. */
  get broken(): string | null {
    return this.#disposed ? 'the pool was disposed' : this.#broken;
  }

  /** Ends every worker; later calls throw. Safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#broken === null) for (let w = 0; w < this.#workers.length; w++) this.#post(w, OP_EXIT, []);
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  /** Makes worker `w` end as if it had crashed (tests of the failure path). */
  crashWorkerForTesting(w: number): void {
    this.#post(w, OP_CRASH, []);
  }

  /** Keeps worker `w` busy for `ms` milliseconds (tests of a worker that is behind). */
  stallWorkerForTesting(w: number, ms: number): void {
    this.#post(w, OP_STALL, [ms]);
  }

  /** Throws the pool's failure, naming `caller`. */
  #check(caller: string): void {
    const why = this.broken;
    if (why !== null) throw new Error(`${caller}: the wasm worker pool cannot be used: ${why}; call disposeBackend() and useBackend('wasm') again to start a new one`);
  }

  /** Whether worker `w` has finished every operation posted to it (its slot may be rewritten). */
  #idle(w: number): boolean {
    return Atomics.load(this.#ctl, w * SLOT_INTS + DONE) === (this.#posted[w] ?? 0);
  }

  /**
   * Posts an operation to worker `w`. Its slot is rewritten only once the worker has finished the
   * last one (with `caller`, this waits for that; an in-place product may have left the worker
   * behind, asleep, its panels done by the caller).
   */
  #post(w: number, op: number, args: readonly number[], floats: readonly number[] = [], caller?: string): number {
    if (caller !== undefined && !this.#idle(w)) this.#await(w, this.#posted[w]!, caller);
    const base = w * SLOT_INTS;
    const ctl = this.#ctl;
    ctl[base + OP] = op;
    ctl[base + STATUS] = 0;
    args.forEach((a, i) => (ctl[base + ARGS + i] = a));
    if (floats.length > 0) new Float32Array(ctl.buffer, 0, ctl.length).set(floats, base + ARGS + args.length);
    const seq = (Atomics.load(ctl, base + SEQ) + 1) | 0;
    this.#posted[w] = seq;
    Atomics.store(ctl, base + SEQ, seq);
    Atomics.notify(ctl, base + SEQ);
    return seq;
  }

  /** Waits until worker `w` has finished operation `seq`. */
  #await(w: number, seq: number, caller: string): void {
    this.#awaitCount(w, DONE, seq, caller);
    if (this.#ctl[w * SLOT_INTS + STATUS] !== 0) {
      this.#broken ??= `worker ${w + 1} failed in its kernel`;
      this.#check(caller);
    }
  }

  /** Waits until slot field `field` of worker `w` holds `value`: polls for SPIN_MS, then sleeps between looks. */
  #awaitCount(w: number, field: number, value: number, caller: string): void {
    const at = w * SLOT_INTS + field;
    const ctl = this.#ctl;
    if (Atomics.load(ctl, at) === value) return;
    const start = performance.now();
    const deadline = start + DEADLINE_MS;
    const sleepAfter = start + SPIN_MS;
    for (let polls = 1; ; polls++) {
      const now = Atomics.load(ctl, at);
      if (now === value) return;
      if ((polls & 255) !== 0) continue;
      const time = performance.now();
      if (time < sleepAfter) continue;
      if (time > deadline) {
        this.#broken ??= `worker ${w + 1} did not answer within ${DEADLINE_MS / 1000} s`;
        this.#check(caller);
      }
      // Sleeps only while the field still holds the value just read (the worker's store wakes it).
      if (this.#block) Atomics.wait(ctl, at, now, 100);
    }
  }

  /** Grows the shared memory to at least `bytes`, or returns false when it cannot. */
  #reserve(bytes: number): boolean {
    const have = this.#memory.buffer.byteLength;
    if (bytes <= have) return true;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return false;
    try {
      this.#memory.grow(pages);
    } catch {
      return false; // the system would not give the memory: compute on the calling thread
    }
    return true;
  }

  /**
   * C = A'·B' on `heap` (the caller's memory), split by columns over the pool's threads, with
   * `own` the kernel bound to `heap`: in place when `p.memory` is the bound heap (a late worker's
   * columns are taken over by the caller), else through copies into the pool's memory. Returns
   * false, having done nothing, when the shared memory cannot hold the workers' copied parts (the
   * caller then computes alone).
   * @throws Error naming `caller` when the pool is broken or a worker fails.
   */
  gemm(p: Product, own: GemmExports, caller: string): boolean {
    this.#check(caller);
    const ranges = columnRanges(p.n, this.threads);
    if (this.inPlace(p.memory)) {
      this.#gemmInPlace(p, ranges, own, caller);
      return true;
    }
    const mine = ranges.pop()!;
    const { m, k } = p;
    // Each worker's region: A' whole, its columns of B', its columns of C, its scratch.
    const aFloats = p.transA ? (k - 1) * p.lda + m : (m - 1) * p.lda + k;
    const layout = ranges.map(([j0, j1]) => ({ j0, j1, w: j1 - j0 }));
    let offset = CONTROL_BYTES + 4 * aFloats;
    const regions = layout.map((r) => {
      const pb = offset;
      const pc = pb + 4 * k * r.w;
      const pw = pc + 4 * m * r.w;
      offset = pw + SCRATCH_BYTES;
      return { ...r, pb, pc, pw };
    });
    if (!this.#reserve(offset)) return false;
    const shared = new Float32Array(this.#memory.buffer);
    const heap = p.heap;
    const a0 = p.pa / 4;
    shared.set(heap.subarray(a0, a0 + aFloats), CONTROL_BYTES / 4);
    const sequences: number[] = [];
    regions.forEach((r, w) => {
      // B' columns j0 … j1 − 1: rows of B for Bᵀ (contiguous), or a strided block of B.
      const b0 = p.pb / 4;
      let ldb: number;
      if (p.transB) {
        ldb = p.ldb;
        shared.set(heap.subarray(b0 + r.j0 * p.ldb, b0 + (r.j1 - 1) * p.ldb + k), r.pb / 4);
      } else {
        ldb = r.w;
        for (let t = 0; t < k; t++) shared.set(heap.subarray(b0 + t * p.ldb + r.j0, b0 + t * p.ldb + r.j1), r.pb / 4 + t * r.w);
      }
      sequences.push(this.#post(w, OP_GEMM, [CONTROL_BYTES, p.lda, p.transA ? 1 : 0, r.pb, ldb, p.transB ? 1 : 0, r.pc, r.w, m, r.w, k, r.pw], [], caller));
    });
    // The calling thread's columns, in place on its own heap.
    const [j0, j1] = mine;
    const bOffset = p.transB ? j0 * p.ldb : j0;
    own.gemm(p.pa, p.lda, p.transA ? 1 : 0, p.pb + 4 * bOffset, p.ldb, p.transB ? 1 : 0, p.pc + 4 * j0, p.n, m, j1 - j0, k, p.pw);
    regions.forEach((r, w) => {
      this.#await(w, sequences[w]!, caller);
      const c0 = p.pc / 4;
      const view = new Float32Array(this.#memory.buffer, r.pc, m * r.w);
      for (let i = 0; i < m; i++) heap.set(view.subarray(i * r.w, (i + 1) * r.w), c0 + i * p.n + r.j0);
    });
    return true;
  }

  /**
   * {@link gemm} on the bound heap: every thread computes columns of C where they lie. The caller
   * computes its own range, then takes the panels each worker has not claimed yet, from the top
   * (see PANELS in protocol.ts), and waits only for the panels a worker did claim: a worker that
   * wakes late costs nothing, and one still behind from an earlier product is left out.
   */
  #gemmInPlace(p: Product, ranges: [number, number][], own: GemmExports, caller: string): void {
    const { m, k } = p;
    const ctl = this.#ctl;
    // Panels as wide as the kernel's widest block (4 × 12 with FMA, except for a transposed A).
    const unit = this.#fma && !p.transA ? 12 : 8;
    const args = (w: number): number[] => [p.pa, p.lda, p.transA ? 1 : 0, p.pb, p.ldb, p.transB ? 1 : 0, p.pc, p.n, m, p.n, k, p.pw + w * SCRATCH_BYTES];
    const columns = (j0: number, j1: number, w: number): void => {
      const bOffset = p.transB ? j0 * p.ldb : j0;
      own.gemm(p.pa, p.lda, p.transA ? 1 : 0, p.pb + 4 * bOffset, p.ldb, p.transB ? 1 : 0, p.pc + 4 * j0, p.n, m, j1 - j0, k, p.pw + w * SCRATCH_BYTES);
    };
    const mine = ranges.length - 1;
    const shares: { w: number; j0: number; j1: number }[] = [];
    const alone: [number, number][] = [];
    ranges.slice(0, mine).forEach(([j0, j1], w) => {
      const panels = Math.ceil((j1 - j0) / unit);
      if (!this.#idle(w) || panels > 0xffff) {
        alone.push([j0, j1]);
        return;
      }
      Atomics.store(ctl, w * SLOT_INTS + PANELS, panels << 16);
      Atomics.store(ctl, w * SLOT_INTS + FINISHED, 0);
      this.#post(w, OP_GEMM_HEAP, [...args(w), j0, j1, unit]);
      shares.push({ w, j0, j1 });
    });
    columns(ranges[mine]![0], ranges[mine]![1], mine);
    for (const [j0, j1] of alone) columns(j0, j1, mine);
    for (const { w, j0, j1 } of shares) {
      const at = w * SLOT_INTS + PANELS;
      for (;;) {
        const word = Atomics.load(ctl, at);
        const lo = word & 0xffff;
        const hi = word >>> 16;
        if (lo >= hi) break;
        const take = Math.max(1, (hi - lo) >> 2);
        if (Atomics.compareExchange(ctl, at, word, ((hi - take) << 16) | lo) !== word) continue;
        columns(j0 + (hi - take) * unit, Math.min(j1, j0 + hi * unit), mine);
      }
      // The panels below `lo` are the worker's: wait until it has computed them all.
      const claimed = Atomics.load(ctl, at) & 0xffff;
      this.#awaitCount(w, FINISHED, claimed, caller);
      if (ctl[w * SLOT_INTS + STATUS] !== 0) {
        this.#broken ??= `worker ${w + 1} failed in its kernel`;
        this.#check(caller);
      }
    }
  }

  /**
   * `y = eˣ` (`which` 'exp') or `y = ln(1 + x)` ('log1p') over n floats (a multiple of 4) of the
   * bound heap, in equal shares at multiples of 4 over the threads, with `own` the caller's
   * kernels on it. Every element is computed by the same SIMD code wherever it falls, so the
   * result has the same bits for any thread count. Returns false, having done nothing, when
   * `memory` is not the bound heap (copies would cost more than the work).
   * @throws Error naming `caller` when the pool is broken or a worker fails.
   */
  unary(which: 'exp' | 'log1p', memory: WebAssembly.Memory, px: number, py: number, n: number, own: VectorExports, caller: string): boolean {
    this.#check(caller);
    if (!this.inPlace(memory)) return false;
    const ranges = columnRanges(n, this.threads);
    const [s0, s1] = ranges.pop()!;
    const posted: [number, number][] = [];
    const alone: [number, number][] = [];
    ranges.forEach(([a, b], w) => {
      if (!this.#idle(w)) {
        alone.push([a, b]);
        return;
      }
      posted.push([w, this.#post(w, OP_UNARY_HEAP, [which === 'exp' ? 0 : 1, px + 4 * a, py + 4 * a, b - a])]);
    });
    for (const [a, b] of [[s0, s1], ...alone] as [number, number][]) own[which](px + 4 * a, py + 4 * a, b - a);
    for (const [w, seq] of posted) this.#await(w, seq, caller);
    return true;
  }

  /**
   * One Adam step (kernels/wasm/adam.ts) over n entries on `heap`, split in equal shares (multiples
   * of 4) over the pool's threads; `own` is the kernel bound to `heap`. Each entry is computed by
   * one thread with the same operations, so the new weights and moments have the same bits for any
   * thread count. Returns the gradient's sum (the partial sums of the shares added in order: the
   * same finiteness, rounded differently from one thread's sum), or null, having done nothing,
   * when the shared memory cannot hold the workers' shares.
   * @throws Error naming `caller` when the pool is broken or a worker fails.
   */
  adam(p: AdamStep, scalars: readonly number[], own: AdamSimd, caller: string): number | null {
    this.#check(caller);
    const ranges = columnRanges(p.n, this.threads);
    const [s0, s1] = ranges.pop()!;
    const f = scalars as [number, number, number, number, number, number, number, number];
    if (this.inPlace(p.memory)) {
      const at = (a: number): number[] => [p.pw, p.pm, p.pv, p.pg, p.pw2, p.pm2, p.pv2].map((ptr) => ptr + 4 * a);
      const sequences = ranges.map(([a, b], w) => this.#post(w, OP_ADAM_HEAP, [...at(a), b - a], scalars, caller));
      const q = at(s0) as [number, number, number, number, number, number, number];
      const mine = own(...q, s1 - s0, ...f);
      const doubles = new Float64Array(this.#ctl.buffer, 0, this.#ctl.length / 2);
      let sum = 0;
      sequences.forEach((seq, w) => {
        this.#await(w, seq, caller);
        sum += doubles[(w * SLOT_INTS + RESULT) / 2]!;
      });
      return sum + mine;
    }
    let offset = CONTROL_BYTES;
    const regions = ranges.map(([a, b]) => {
      const at = offset;
      offset += 7 * 4 * (b - a);
      return { a, len: b - a, at };
    });
    if (!this.#reserve(offset)) return null;
    const shared = new Float32Array(this.#memory.buffer);
    const heap = p.heap;
    const inputs = [p.pw, p.pm, p.pv, p.pg];
    const outputs = [p.pw2, p.pm2, p.pv2];
    const sequences = regions.map((r, w) => {
      const q = (i: number): number => r.at + 4 * i * r.len;
      inputs.forEach((ptr, i) => shared.set(heap.subarray(ptr / 4 + r.a, ptr / 4 + r.a + r.len), q(i) / 4));
      return this.#post(w, OP_ADAM, [q(0), q(1), q(2), q(3), q(4), q(5), q(6), r.len], scalars, caller);
    });
    const b = 4 * s0;
    const mine = own(p.pw + b, p.pm + b, p.pv + b, p.pg + b, p.pw2 + b, p.pm2 + b, p.pv2 + b, s1 - s0, ...f);
    let sum = 0;
    const doubles = new Float64Array(this.#ctl.buffer, 0, this.#ctl.length / 2);
    regions.forEach((r, w) => {
      this.#await(w, sequences[w]!, caller);
      sum += doubles[(w * SLOT_INTS + RESULT) / 2]!;
      const view = new Float32Array(this.#memory.buffer);
      outputs.forEach((ptr, i) => heap.set(view.subarray((r.at + 4 * (4 + i) * r.len) / 4, (r.at + 4 * (4 + i) * r.len) / 4 + r.len), ptr / 4 + r.a));
    });
    return sum + mine;
  }

  /**
   * A region of at least `bytes` bytes of the shared memory, from byte `base`, and the float64
   * kernels (kernels/wasm/f64.ts) bound to that memory on the calling thread, for products the
   * caller splits with {@link WorkerPool.nt64}; null when the memory cannot grow that far. The
   * region is the same scratch that {@link WorkerPool.gemm} and {@link WorkerPool.adam} copy
   * their shares into: it is the caller's until its next call of either (or of this).
   */
  f64Heap(bytes: number): { memory: WebAssembly.Memory; base: number; kernels: F64Kernels } | null {
    if (this.broken !== null || this.#f64 === null || !this.#reserve(CONTROL_BYTES + bytes)) return null;
    this.#f64Own ??= new WebAssembly.Instance(this.#f64, { env: { memory: this.#memory } }).exports as unknown as F64Kernels;
    return { memory: this.#memory, base: CONTROL_BYTES, kernels: this.#f64Own };
  }

  /**
   * The float64 (or float32-lane) product `c` on the shared memory (pointers into the region of
   * {@link WorkerPool.f64Heap}), its blocks of columns taken one at a time from a shared counter
   * by every worker and by the calling thread, which first runs `alongside` (work of its own
   * that does not touch the product's memory). A block is computed by one thread with the
   * same operations whichever thread takes it (f64.ts `ntBlock`): the same bits for any thread
   * count and any timing.
   * @throws Error naming `caller` when the pool is broken or a worker fails.
   */
  nt64(c: NtCall, caller: string, alongside?: () => void): void {
    this.#check(caller);
    const own = this.#f64Own;
    if (own === null) throw new Error(`${caller}: WorkerPool.nt64 needs the region of f64Heap`);
    const queue = new Int32Array(this.#memory.buffer, 0, QUEUE + 1);
    Atomics.store(queue, QUEUE, 0);
    const args = [c.pa, c.lda, c.pb, c.ldb, c.pc, c.ldc, c.r1, c.r2, c.len, c.upper ? 1 : 0, c.f32 ? 1 : 0];
    const sequences = this.#workers.map((_, w) => this.#post(w, OP_NT64, args, [], caller));
    try {
      alongside?.();
      const kernel = c.f32 ? own.nt32 : own.nt;
      const blocks = ntBlockCount(c);
      for (let b = Atomics.add(queue, QUEUE, 1); b < blocks; b = Atomics.add(queue, QUEUE, 1)) ntBlock(kernel, c, b);
    } finally {
      sequences.forEach((seq, w) => this.#await(w, seq, caller));
    }
  }
}
