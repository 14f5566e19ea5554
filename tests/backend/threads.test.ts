// The wasm backend's threads: products split over a worker pool give the same bits for any
// thread count, training too; a dead worker makes the next product fail with a clear Error;
// disposeBackend ends the workers, and a Node process exits with or without it.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackend, useBackend } from '../../src/index.js';
import { PARALLEL_MIN_ADAM, PARALLEL_MIN_ELEMENTS, PARALLEL_MIN_MACS, currentPool } from '../../src/backend/threads.js';
import { FusedAdam } from '../../src/backend/adamOptimizer.js';
import { hasRelaxedSimd } from '../../src/kernels/wasm/gemm.js';
import { columnRanges } from '../../src/kernels/wasm/pool.js';
import { denseAutoencoder } from '../../src/models/index.js';
import { train } from '../../src/train/index.js';

afterAll(async () => {
  await disposeBackend();
  await tf.setBackend('cpu');
});

/** The bits of each product (a Float32Array compared as its int32 view, so that −0 and NaN count). */
function products(): Int32Array[] {
  // (m, k, n) above PARALLEL_MIN_MACS; n = 100 gives unequal shares ending on 8- and 4-wide
  // blocks; k > 256 spans two slices of t.
  const shapes = [
    [68, 260, 100],
    [256, 64, 128],
  ] as const;
  const out: Int32Array[] = [];
  for (const [m, k, n] of shapes) {
    expect(m * k * n).toBeGreaterThanOrEqual(PARALLEL_MIN_MACS);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const c = tf.tidy(() =>
        tf.matMul(
          ta ? tf.randomUniform([k, m], -1, 1, 'float32', 1) : tf.randomUniform([m, k], -1, 1, 'float32', 1),
          tb ? tf.randomUniform([n, k], -1, 1, 'float32', 2) : tf.randomUniform([k, n], -1, 1, 'float32', 2),
          ta,
          tb,
        ),
      );
      out.push(new Int32Array((c.dataSync() as Float32Array).slice().buffer));
      c.dispose();
    }
  }
  return out;
}

async function trainedWeights(): Promise<{ losses: number[]; weights: Int32Array[] }> {
  const x = tf.tidy(() => tf.randomUniform([256, 256], 0, 1, 'float32', 5));
  // The first layer's 256 × 256 weights take their Adam step over the pool too (≥ PARALLEL_MIN_ADAM).
  const model = denseAutoencoder({ inputDim: 256, hidden: [256], latentDim: 16, loss: 'bce', seed: 1, init: 'torch' });
  try {
    const history = await train(model, x, { epochs: 2, batchSize: 128, seed: 2, learningRate: 1e-3 });
    const weights = model.trainableVariables.map((v) => new Int32Array((v.dataSync() as Float32Array).slice().buffer));
    return { losses: history.epochs.map((e) => e.loss), weights };
  } finally {
    model.dispose();
    x.dispose();
  }
}

/**
 * `compute()` after `useBackend('wasm', { threads })` for each count, in turn; from the first
 * backend start on, neither the computations nor the restarts may leave a tensor.
 */
async function onThreads<T>(counts: readonly number[], compute: () => T): Promise<T[]> {
  const out: T[] = [];
  let before: number | undefined;
  for (const threads of counts) {
    await useBackend('wasm', { threads });
    before ??= tf.memory().numTensors;
    out.push(compute());
  }
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('wasm threads', () => {
  it('split the columns of C into equal shares at multiples of 4', () => {
    expect(columnRanges(512, 2)).toEqual([[0, 256], [256, 512]]);
    expect(columnRanges(516, 2)).toEqual([[0, 260], [260, 516]]);
    expect(columnRanges(8, 3)).toEqual([[0, 4], [4, 8]]);
  });

  it("report the threads in use, every core with 'auto', and whether FMA is on", async () => {
    const before = tf.memory().numTensors;
    const auto = await useBackend('wasm');
    expect(auto.threads).toBe(availableParallelism());
    expect(auto.relaxedSimd).toBe(hasRelaxedSimd() !== null);
    const three = await useBackend('wasm', { threads: 3 });
    expect(three.threads).toBe(3);
    expect(currentPool()?.threads).toBe(3);
    const one = await useBackend('wasm', { threads: 1 });
    expect(one.threads).toBe(1);
    expect(currentPool()).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('give products with the same bits on 1, 2 and 3 threads', async () => {
    const [one, two, three] = await onThreads([1, 2, 3], products);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });

  it('give Exp and Log1p of large tensors with the same bits on 1, 2 and 3 threads', async () => {
    // 100,003 elements: above PARALLEL_MIN_ELEMENTS, unequal shares, a tail of 3 on the caller.
    const n = 100_003;
    expect(n).toBeGreaterThanOrEqual(PARALLEL_MIN_ELEMENTS);
    const bits = (): Int32Array[] =>
      tf.tidy(() => {
        const x = tf.randomUniform([n], -30, 30, 'float32', 4);
        return [tf.exp(x), tf.log1p(tf.abs(x))].map((y) => new Int32Array((y.dataSync() as Float32Array).slice().buffer));
      });
    const [one, two, three] = await onThreads([1, 2, 3], bits);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    // And the values are e^x (the kernels' accuracy is tested in tests/perf/wasm-kernels.test.ts).
    const x = tf.randomUniform([n], -30, 30, 'float32', 4);
    const xs = x.dataSync();
    x.dispose();
    const e = new Float32Array(one![0]!.buffer);
    for (const i of [0, 1, 50_000, n - 1]) expect(Math.abs(e[i]! - Math.exp(xs[i]!)) / Math.exp(xs[i]!)).toBeLessThan(1e-6);
  });

  it('train to the same weights, to the bit, on 1 and 2 threads', async () => {
    await useBackend('wasm', { threads: 1 });
    const one = await trainedWeights();
    await useBackend('wasm', { threads: 2 });
    const two = await trainedWeights();
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toEqual(one.weights);
  });

  it('take the fused Adam step of a large variable on 2 threads bit for bit as tf.train.adam does, NaN check included', async () => {
    await useBackend('wasm', { threads: 2 });
    expect(currentPool()?.threads).toBe(2);
    // 70,003 entries: above PARALLEL_MIN_ADAM, and a tail of 3 that the JavaScript loop takes.
    const n = 70_003;
    expect(n).toBeGreaterThanOrEqual(PARALLEL_MIN_ADAM);
    const a = tf.variable(tf.randomNormal([n], 0, 1, 'float32', 3));
    const b = tf.variable(a.clone());
    const reference = tf.train.adam(0.01, 0.8, 0.99);
    const ours = new FusedAdam(0.01, 0.8, 0.99);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 4; step++) {
      const g = tf.randomNormal([n], 0, 10 ** (step - 2), 'float32', 10 + step);
      reference.applyGradients([{ name: a.name, tensor: g }]);
      const check = ours.applyGradientsWithCheck([{ name: b.name, tensor: g }]);
      const expected = (g.dataSync() as Float32Array).reduce((s, x) => s + x, 0);
      expect(check.dataSync()[0]).toBeCloseTo(expected, 2);
      tf.dispose([g, check]);
    }
    expect(new Int32Array((b.dataSync() as Float32Array).slice().buffer)).toEqual(new Int32Array((a.dataSync() as Float32Array).slice().buffer));
    const bad = tf.fill([n], Number.NaN);
    const nan = ours.applyGradientsWithCheck([{ name: b.name, tensor: bad }]);
    expect(Number.isNaN(nan.dataSync()[0])).toBe(true);
    tf.dispose([bad, nan]);
    reference.dispose();
    ours.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    tf.dispose([a, b]);
  });

  it('make the next product fail with a clear Error when a worker has died, until a new pool starts', async () => {
    await useBackend('wasm', { threads: 2 });
    const pool = currentPool()!;
    pool.crashWorkerForTesting(0);
    // The worker's exit reaches the pool through the event loop.
    for (let i = 0; i < 100 && pool.broken === null; i++) await new Promise((r) => setTimeout(r, 20));
    const before = tf.memory().numTensors;
    const a = tf.randomNormal([128, 256], 0, 1, 'float32', 1);
    const b = tf.randomNormal([256, 128], 0, 1, 'float32', 2);
    expect(() => tf.matMul(a, b)).toThrow(/matMul \(wasm threads\): the wasm worker pool cannot be used: worker 1 of 1 exited .*crash requested.*call disposeBackend\(\) and useBackend\('wasm'\) again/);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    await disposeBackend();
    expect(currentPool()).toBeNull();
    const again = await useBackend('wasm', { threads: 2 });
    expect(again.threads).toBe(2);
    const c = tf.tidy(() => tf.matMul(tf.ones([128, 256]), tf.ones([256, 128])));
    expect(c.dataSync()[0]).toBe(256);
    c.dispose();
  });

  it('end with disposeBackend, after which products run on the calling thread', async () => {
    await useBackend('wasm', { threads: 2 });
    await disposeBackend();
    await disposeBackend();
    expect(currentPool()).toBeNull();
    const c = tf.tidy(() => tf.matMul(tf.ones([128, 256]), tf.ones([256, 128])));
    expect(c.dataSync()[127]).toBe(256);
    c.dispose();
  });

  it.each([0, 1.5, -2, 'many', 1000])('refuse threads: %s, naming useBackend and the option', async (threads) => {
    await expect(useBackend('wasm', { threads: threads as number })).rejects.toThrow(/useBackend: option 'threads' must be 'auto' or an integer from 1 to 256, got/);
  });

  it('give the same bits on 1 and 2 threads with the FMA kernel too (relaxed SIMD, a child Node with the flag)', () => {
    const code = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "const { useBackend } = await import('./src/index.ts');",
      'const bits = async (threads) => {',
      "  const info = await useBackend('wasm', { threads });",
      "  const c = tf.matMul(tf.randomUniform([256, 300], -1, 1, 'float32', 1), tf.randomUniform([100, 300], -1, 1, 'float32', 2), false, true);",
      '  return { info, bits: Array.from(new Int32Array(c.dataSync().slice().buffer)) };',
      '};',
      'const one = await bits(1);',
      'const two = await bits(2);',
      'console.log(JSON.stringify({ fma: two.info.relaxedSimd, threads: two.info.threads, same: one.bits.every((b, i) => b === two.bits[i]) }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ fma: true, threads: 2, same: true });
  });

  it('let a Node process exit while its workers wait, without disposeBackend', () => {
    {
      const code = [
        "import * as tf from '@tensorflow/tfjs-core';",
        "const { useBackend } = await import('./src/index.ts');",
        "const info = await useBackend('wasm', { threads: 2 });",
        'const c = tf.matMul(tf.ones([128, 512]), tf.ones([512, 128]));',
        'console.log(info.threads, c.dataSync()[0]);',
      ].join('\n');
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n').pop()).toBe('2 512');
    }
  });
});
