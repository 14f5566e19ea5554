/**
 * The threads of the wasm backend: how many ({@link UseBackendOptions.threads}), starting the
 * worker pool of kernels/wasm once, ending it ({@link disposeBackend}), and the pool the product
 * kernel uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WorkerPool } from '../kernels/wasm/pool.js';
import { nodeSpawner, webSpawner } from '../kernels/wasm/spawn.js';

/** Threads of the wasm backend's products: a count, or `'auto'` (every core where threads can run). @category Backends */
export type ThreadCount = number | 'auto';

/**
 * Products with fewer multiply-adds than this stay on the calling thread. Computing in place on
 * tfjs' shared heap, a split costs a few microseconds (posting the share, claiming panels); on a
 * 2-vCPU AMD EPYC, Node 20 (bench/threads-threshold.ts, load average 6–8 from other processes,
 * this process at high priority), 2 threads give 1.77× from 2²¹ multiply-adds (128 × 128 × 128:
 * 99 → 56 µs) and 1.9× from 2²², but nothing dependable below 2²⁰ (0.75–0.93×), where a worker
 * that is a few microseconds late leaves the whole product to the caller.
 * @internal
 */
export const PARALLEL_MIN_MACS = 1048576; // 2²⁰ (a literal: bundlers keep module-scope arithmetic)

/**
 * Variables with fewer entries than this take their fused Adam step on the calling thread. The
 * step is bound by memory traffic (7 floats moved per entry) and runs in place on a shared heap;
 * on one thread W1's 270,000 entries take 0.72 ms per step (tf.profile, 2-vCPU AMD EPYC), so 2¹⁶
 * entries take on the order of 0.1 ms, far above the few microseconds of a split (an estimate
 * from these figures, not a crossover measured on its own).
 * @internal
 */
export const PARALLEL_MIN_ADAM = 1 << 16;

/**
 * Element-wise kernels (`Exp`, `Log1p`) over fewer elements than this stay on the calling thread:
 * about 3 ns an element on one thread (W1's 100,352-element `Exp`: 0.31 ms, tf.profile, 2-vCPU AMD
 * EPYC), so 2¹⁵ elements take about 0.1 ms against the few microseconds of a split in place.
 * @internal
 */
export const PARALLEL_MIN_ELEMENTS = 1 << 15;

let pool: WorkerPool | null = null;
let starting: Promise<WorkerPool | null> | null = null;

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

/** Cores for `'auto'`, and why threads cannot run here (null when they can). */
async function environment(): Promise<{ cores: number; unavailable: string | null }> {
  if (typeof SharedArrayBuffer !== 'function') {
    return { cores: 1, unavailable: 'SharedArrayBuffer is missing (a browser page must be cross-origin isolated: COOP/COEP headers)' };
  }
  if (isNode()) {
    const name = 'node:os';
    const os = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as { availableParallelism?: () => number; cpus(): unknown[] };
    return { cores: os.availableParallelism?.() ?? os.cpus().length, unavailable: null };
  }
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true) return { cores: 1, unavailable: 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' };
  return { cores: g.navigator?.hardwareConcurrency ?? 1, unavailable: null };
}

/** tfjs-backend-wasm's heap when it is shared (see sharedHeap.ts), for the pool to compute in place; else null. */
function sharedHeap(): WebAssembly.Memory | null {
  const backend = tf.engine().registry['wasm'] as { wasm?: { asm?: { memory?: unknown } } } | undefined;
  const memory = backend?.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory && memory.buffer instanceof SharedArrayBuffer ? memory : null;
}

/**
 * Starts (or keeps, or restarts with another count) the worker pool for `requested` threads.
 * Resolves to the threads in use and, when fewer than asked could run, why.
 * @internal
 */
export async function startThreads(requested: ThreadCount): Promise<{ threads: number; note?: string }> {
  const env = await environment();
  const want = requested === 'auto' ? env.cores : requested;
  if (want <= 1 || env.unavailable !== null) {
    await disposeBackend();
    return want <= 1 ? { threads: 1 } : { threads: 1, note: env.unavailable! };
  }
  const heap = sharedHeap();
  if (pool !== null && pool.broken === null && pool.threads === want && pool.heap === heap) return { threads: want };
  await disposeBackend();
  starting = (async () => WorkerPool.start(want, isNode() ? await nodeSpawner() : webSpawner(), heap))();
  try {
    pool = await starting;
    return { threads: pool!.threads };
  } catch (error) {
    pool = null;
    if (requested === 'auto') return { threads: 1, note: `threads could not start: ${(error as Error).message}` };
    throw error;
  } finally {
    starting = null;
  }
}

/** The pool the wasm product kernel splits its work over, or null (one thread). @internal */
export function currentPool(): WorkerPool | null {
  return pool;
}

/**
 * Ends the wasm backend's worker threads, if any were started ({@link useBackend}`('wasm',
 * { threads })`). The backend stays active and computes on the calling thread; a later
 * `useBackend('wasm')` starts new workers. The workers never keep a Node process alive, but
 * call this when threads are no longer wanted (or after a worker failed: every product then
 * throws until a new pool is started). Safe to call at any time, more than once.
 *
 * @returns once every worker has ended.
 * @category Backends
 * @example
 * ```ts
 * const info = await useBackend('wasm', { threads: 'auto' });
 * console.log(info.threads);   // e.g. 8
 * await disposeBackend();      // workers ended; products now on one thread
 * ```
 */
export async function disposeBackend(): Promise<void> {
  if (starting !== null) await starting.catch(() => null);
  const p = pool;
  pool = null;
  await p?.dispose();
}
