/**
 * Where splitting a product over threads starts to pay: the package's GEMM on one thread and on
 * every core (the worker pool, kernels/wasm/pool.ts, called directly so that the threshold of
 * src/backend/threads.ts does not apply), by the wall clock, best of many calls, alternating.
 * The heap is a shared memory the pool is bound to, as tfjs-backend-wasm's is in Node (the pool
 * computes in place, without copies).
 *
 *   npx tsx bench/threads-threshold.ts
 *
 * The products are square-ish training shapes (m = 128 rows) from 2¹⁸ to 2²⁴ multiply-adds.
 * Compare the crossover with PARALLEL_MIN_MACS in src/backend/threads.ts.
 */
import { availableParallelism, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';

if (Number(process.versions.node.split('.')[0]) < 21) setFlagsFromString('--experimental-wasm-relaxed-simd');
const { SCRATCH_BYTES, gemmFor } = await import('../src/kernels/wasm/gemm.js');
const { WorkerPool } = await import('../src/kernels/wasm/pool.js');
const { nodeSpawner } = await import('../src/kernels/wasm/spawn.js');

const threads = availableParallelism();
const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
const pool = await WorkerPool.start(threads, await nodeSpawner(), memory);
const own = gemmFor(memory)!;
const heap = new Float32Array(memory.buffer);
for (let i = 0; i < heap.length; i++) heap[i] = Math.sin(i);
const A = 0, B = 4 << 20, C = 8 << 20, W = 12 << 20;
console.log(`threads 1 vs ${threads}; load average ${loadavg()[0]!.toFixed(2)}`);
console.log('m × k × n          MACs     1 thread µs   all threads µs   speed-up');
for (const [m, k, n] of [[64, 32, 32], [128, 32, 32], [128, 32, 64], [128, 64, 64], [128, 64, 128], [128, 128, 128], [128, 256, 128], [128, 256, 256], [128, 784, 256]] as const) {
  const product = { memory, heap, pa: A, lda: k, transA: false, pb: B, ldb: n, transB: false, pc: C, m, n, k, pw: W };
  const best = [Infinity, Infinity];
  for (let round = 0; round < 5; round++) {
    for (let r = 0; r < 40; r++) {
      let t = performance.now();
      own.gemm(A, k, 0, B, n, 0, C, n, m, n, k, W);
      best[0] = Math.min(best[0]!, performance.now() - t);
      t = performance.now();
      pool.gemm(product, own, 'threshold');
      best[1] = Math.min(best[1]!, performance.now() - t);
    }
  }
  const macs = m * k * n;
  console.log(`${`${m} × ${k} × ${n}`.padEnd(18)} ${String(macs).padStart(8)}  ${(1000 * best[0]!).toFixed(0).padStart(12)}  ${(1000 * best[1]!).toFixed(0).padStart(15)}   ${(best[0]! / best[1]!).toFixed(2)}×`);
}
console.log(`load average ${loadavg()[0]!.toFixed(2)}; scratch ${SCRATCH_BYTES} B per thread`);
await pool.dispose();
