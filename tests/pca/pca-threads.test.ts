// PCA on the wasm backend's threads: the float64 products (Gram matrix, range finder, passes
// over the data) split over the worker pool give the same bits as on one thread, for any thread
// count; a dead worker leaves the fits on the calling thread (same bits, no hang); nothing leaks.
// The values themselves are checked against scikit-learn on one thread (sklearn-reference.test.ts,
// fixtures from tests/fixtures/make-pca-fixtures.py): equal bits carry that check over.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { disposeBackend, useBackend } from '../../src/index.js';
import { currentPool } from '../../src/backend/threads.js';
import { PCA } from '../../src/pca/index.js';
import { columnStats } from '../../src/pca/linalg/gram.js';
import { PARALLEL_MIN_MACS_PCA, poolThreads, setParallelMinForTesting, Workspace } from '../../src/pca/linalg/workspace.js';
import { fitRandomized } from '../../src/pca/solvers.js';

afterAll(async () => {
  setParallelMinForTesting(null);
  await disposeBackend();
  await tf.setBackend('cpu');
});

/** `n × d` data: Gaussian columns with offsets, one constant column, and sparse columns (~3 % non-zero). */
function data(n: number, d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      const g = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      x[r * d + j] = j === 1 ? 4 : j % 3 === 0 ? (rng() < 0.03 ? 2 + g : 0) : (1 + j / d) * g + j;
    }
  }
  return x;
}

/** Every float64 of a fit, as bits (so that −0 and NaN count). */
function bits(m: PCA): BigInt64Array[] {
  const parts = [m.components.data, m.explainedVariance, m.singularValues, m.mean, Float64Array.of(m.noiseVariance)];
  return parts.map((p) => new BigInt64Array(Float64Array.from(p).buffer));
}

const CASES = [
  { name: 'tall, full', n: 1500, d: 240, solver: 'full' as const, k: 40 },
  { name: 'tall, randomized (Gram strategy)', n: 1500, d: 240, solver: 'randomized' as const, k: 40 },
  { name: 'tall, incremental', n: 1500, d: 240, solver: 'incremental' as const, k: 40 },
  { name: 'wide, full', n: 150, d: 900, solver: 'full' as const, k: 20 },
  { name: 'wide, randomized', n: 150, d: 900, solver: 'randomized' as const, k: 20 },
];

function fitAll(): Map<string, BigInt64Array[]> {
  const out = new Map<string, BigInt64Array[]>();
  for (const c of CASES) {
    const x = data(c.n, c.d, 3);
    const m = new PCA({ nComponents: c.k, solver: c.solver, seed: 7 }).fit({ data: x, shape: [c.n, c.d] });
    const b = bits(m);
    expect(b[0]!.length).toBe(c.k * c.d);
    out.set(c.name, b);
  }
  // The direct strategy of the randomized solver (passes over the data), forced.
  const x = data(1500, 240, 4);
  const s = fitRandomized(x, 1500, 240, columnStats(x, 1500, 240), 30, { nOversamples: 10, nIter: 3, seed: 1, strategy: 'direct' });
  out.set('randomized, direct', [s.components, s.explainedVariance].map((p) => new BigInt64Array(Float64Array.from(p).buffer)));
  return out;
}

describe('PCA on the wasm threads', () => {
  it('gives the same bits for 1, 2 and 3 threads, with the products actually split', async () => {
    // The Gram matrix of the tall case is above the threshold; the other products (range finder,
    // wide cases, passes over the data) leave the calling thread once the threshold is 0.
    expect(240 * 240 * 1500 * 0.5).toBeGreaterThan(PARALLEL_MIN_MACS_PCA);
    setParallelMinForTesting(0);
    await useBackend('wasm', { threads: 1 });
    expect(poolThreads()).toBe(1);
    const one = fitAll();
    for (const threads of [2, 3]) {
      const info = await useBackend('wasm', { threads });
      expect(info.threads).toBe(threads);
      expect(poolThreads()).toBe(threads);
      const ws = Workspace.create([[4, 4]], true);
      expect(ws.threads).toBe(threads);
      // One workspace at a time holds the pool's memory; the next gets its own.
      expect(Workspace.create([[4, 4]], true).threads).toBe(1);
      ws.release();
      expect(poolThreads()).toBe(threads);
      for (const min of [0, null]) {
        setParallelMinForTesting(min);
        const many = fitAll();
        for (const [name, want] of one) {
          const got = many.get(name)!;
          got.forEach((g, i) => expect(Array.from(g), `${name}, ${threads} threads, threshold ${min}, part ${i}`).toEqual(Array.from(want[i]!)));
        }
      }
    }
    setParallelMinForTesting(null);
    await disposeBackend();
  });

  it('fits on the calling thread, with the same bits, once a worker has died; leaks no tensor', async () => {
    await useBackend('wasm', { threads: 1 });
    const x = data(1500, 240, 5);
    const before = tf.memory().numTensors;
    const t = tf.tensor2d(Float32Array.from(x), [1500, 240]);
    const want = bits(new PCA({ nComponents: 30, solver: 'randomized', seed: 2 }).fit(t));
    await useBackend('wasm', { threads: 2 });
    const pool = currentPool()!;
    pool.crashWorkerForTesting(0);
    for (let i = 0; i < 100 && pool.broken === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pool.broken).toMatch(/worker 1 of 1 exited/);
    expect(poolThreads()).toBe(1);
    const got = bits(new PCA({ nComponents: 30, solver: 'randomized', seed: 2 }).fit(t));
    got.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(want[i]!)));
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await disposeBackend();
    expect(currentPool()).toBeNull();
  });
});
