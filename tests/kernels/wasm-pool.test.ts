// The worker pool of kernels/wasm/pool.ts called directly: a product split over threads has the
// bits of the one-thread kernel, whether the pool copies the workers' shares into its own memory
// (an unshared heap) or computes in place (a shared heap it was bound to), and also when a worker
// wakes late or is still busy with something else (the caller then takes its panels).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemmFor } from '../../src/kernels/wasm/gemm.js';
import type { GemmExports } from '../../src/kernels/wasm/gemm.js';
import { SPIN_MS } from '../../src/kernels/wasm/protocol.js';
import { WorkerPool } from '../../src/kernels/wasm/pool.js';
import { nodeSpawner } from '../../src/kernels/wasm/spawn.js';

const A = 0;
const B = 1 << 20;
const C = 2 << 20;
const W = 3 << 20;
const PAGES = 64; // 4 MiB

/** A heap with A and B filled with values that round differently in every order of summation. */
function heapOf(memory: WebAssembly.Memory): Float32Array {
  const heap = new Float32Array(memory.buffer);
  for (let i = 0; i < C / 4; i++) heap[i] = Math.sin(1.7 * i) * (1 + (i % 7));
  return heap;
}

// n = 100 leaves shares that end on 8- and 4-wide blocks; k = 300 spans two slices of t; n = 520
// gives the worker 22 panels of 12 columns; m = 68 with transA is a transposed A of odd width.
const SHAPES = [
  [68, 300, 100],
  [128, 64, 520],
  [64, 200, 256],
] as const;

/** C of each shape and orientation as int32 bits, computed by `run`. */
function products(heap: Float32Array, run: (p: { m: number; n: number; k: number; lda: number; ldb: number; ta: boolean; tb: boolean }) => void): Int32Array[] {
  const out: Int32Array[] = [];
  for (const [m, k, n] of SHAPES) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      heap.fill(Number.NaN, C / 4, C / 4 + m * n);
      run({ m, n, k, lda: ta ? m : k, ldb: tb ? k : n, ta, tb });
      out.push(new Int32Array(heap.slice(C / 4, C / 4 + m * n).buffer));
    }
  }
  return out;
}

function oneThread(heap: Float32Array, own: GemmExports): Int32Array[] {
  return products(heap, (p) => own.gemm(A, p.lda, p.ta ? 1 : 0, B, p.ldb, p.tb ? 1 : 0, C, p.n, p.m, p.n, p.k, W));
}

function pooled(pool: WorkerPool, memory: WebAssembly.Memory, heap: Float32Array, own: GemmExports): Int32Array[] {
  return products(heap, (p) => {
    const product = { memory, heap, pa: A, lda: p.lda, transA: p.ta, pb: B, ldb: p.ldb, transB: p.tb, pc: C, m: p.m, n: p.n, k: p.k, pw: W };
    expect(pool.gemm(product, own, 'test')).toBe(true);
  });
}

describe('wasm worker pool', () => {
  const shared = new WebAssembly.Memory({ initial: PAGES, maximum: 65536, shared: true });
  const unshared = new WebAssembly.Memory({ initial: PAGES });
  let inPlace: WorkerPool;
  let copying: WorkerPool;

  beforeAll(async () => {
    const spawn = await nodeSpawner();
    inPlace = await WorkerPool.start(3, spawn, shared);
    copying = await WorkerPool.start(2, spawn);
  });
  afterAll(async () => {
    await inPlace.dispose();
    await copying.dispose();
  });

  it('computes in place only on the shared heap it was bound to', () => {
    expect(inPlace.inPlace(shared)).toBe(true);
    expect(inPlace.inPlace(unshared)).toBe(false);
    expect(copying.inPlace(shared)).toBe(false);
    expect(copying.heap).toBeNull();
  });

  it('gives the bits of one thread when it copies the shares of an unshared heap', () => {
    const heap = heapOf(unshared);
    const own = gemmFor(unshared)!;
    expect(pooled(copying, unshared, heap, own)).toEqual(oneThread(heap, own));
  });

  it('gives the bits of one thread computing in place on 3 threads', () => {
    const heap = heapOf(shared);
    const own = gemmFor(shared)!;
    expect(pooled(inPlace, shared, heap, own)).toEqual(oneThread(heap, own));
  });

  it('gives the same bits when the workers sleep as a product comes (they wake late and the caller takes their panels)', async () => {
    const heap = heapOf(shared);
    const own = gemmFor(shared)!;
    const expected = oneThread(heap, own);
    const late = products(heap, (p) => {
      // Past SPIN_MS the workers sleep in Atomics.wait.
      for (const until = performance.now() + 3 * SPIN_MS; performance.now() < until; );
      const product = { memory: shared, heap, pa: A, lda: p.lda, transA: p.ta, pb: B, ldb: p.ldb, transB: p.tb, pc: C, m: p.m, n: p.n, k: p.k, pw: W };
      inPlace.gemm(product, own, 'test');
    });
    expect(late).toEqual(expected);
  });

  it('leaves out a worker that is still busy, computing its columns on the calling thread, and uses it again once it answers', async () => {
    const heap = heapOf(shared);
    const own = gemmFor(shared)!;
    const expected = oneThread(heap, own);
    inPlace.stallWorkerForTesting(0, 1500);
    inPlace.stallWorkerForTesting(1, 1500);
    const t0 = performance.now();
    const busy = pooled(inPlace, shared, heap, own);
    // Without waiting for the stalled workers (12 small products take milliseconds).
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(busy).toEqual(expected);
    await new Promise((r) => setTimeout(r, 1600));
    expect(pooled(inPlace, shared, heap, own)).toEqual(expected);
  });
});
