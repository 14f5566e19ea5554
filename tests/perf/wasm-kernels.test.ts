// The package's wasm kernels (installFastWasmKernels) against tfjs' own, on the same backend.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFastWasmKernels, useBackend } from '../../src/backend/index.js';
import { setWasmGemmForTesting } from '../../src/backend/wasmMatMul.js';
import { hasRelaxedSimd } from '../../src/kernels/wasm/gemm.js';

const NAMES = ['Slice', 'GatherV2', 'Identity', 'BatchMatMul', '_FusedMatMul', 'Sum', 'Exp', 'Log1p'] as const;
let stock: Map<string, tf.KernelConfig>;

function useStock(): void {
  for (const [name, config] of stock) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
}

/** `f()`'s values with tfjs' kernels and with the package's, and the tensor count after each. */
function both(f: () => tf.Tensor): { stockValues: number[]; fastValues: number[]; shapes: [number[], number[]] } {
  useStock();
  const a = tf.tidy(f);
  installFastWasmKernels();
  const before = tf.memory().numTensors;
  const b = tf.tidy(f);
  expect(tf.memory().numTensors).toBe(before + 1);
  const out = { stockValues: Array.from(a.dataSync()), fastValues: Array.from(b.dataSync()), shapes: [a.shape, b.shape] as [number[], number[]] };
  tf.dispose([a, b]);
  return out;
}

function expectClose(actual: number[], expected: number[], relative = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(relative * scale));
}

beforeAll(async () => {
  await useBackend('wasm', { fastWasmKernels: false });
  stock = new Map(NAMES.map((n) => [n, tf.getKernel(n, 'wasm')!]));
});

afterAll(async () => {
  installFastWasmKernels();
  await tf.setBackend('cpu');
});

describe('installFastWasmKernels: data movement', () => {
  const x = (): tf.Tensor => tf.reshape(tf.range(0, 2 * 5 * 6 * 3, 1, 'float32'), [2, 5, 6, 3]);

  it.each([
    ['a batch of rows', [40, 7], [11, 0], [13, 7]],
    ['a block inside a matrix (not contiguous)', [40, 7], [3, 2], [5, 4]],
    ['a 4-D box', [2, 5, 6, 3], [1, 1, 2, 0], [1, 3, 3, 2]],
    ['a 3-D box with -1 sizes', [5, 6, 3], [1, 2, 1], [-1, 2, -1]],
  ] as const)('slices %s exactly as tfjs does', (_label, shape, begin, size) => {
    const r = both(() => tf.slice(tf.reshape(tf.range(0, shape.reduce((p, d) => p * d, 1)), [...shape]), [...begin], [...size]));
    expect(r.shapes[1]).toEqual(r.shapes[0]);
    expect(r.fastValues).toEqual(r.stockValues);
  });

  it('slices int32 and bool tensors exactly as tfjs does', () => {
    const i = both(() => tf.slice(tf.reshape(tf.range(0, 20, 1, 'int32'), [4, 5]), [1, 1], [2, 3]));
    expect(i.fastValues).toEqual(i.stockValues);
    const b = both(() => tf.slice(tf.greater(tf.reshape(tf.range(0, 20), [4, 5]), 7), [1, 0], [2, 5]));
    expect(b.fastValues).toEqual(b.stockValues);
  });

  it.each([
    ['rows of a matrix', [20, 9], [3, 3, 19, 0, 7]],
    ['short rows', [12, 2], [11, 0, 5]],
    ['rows of a 4-D tensor, by a 2-D index', [2, 5, 6, 3], [[1, 0], [0, 1]]],
  ] as const)('gathers %s exactly as tfjs does', (_label, shape, indices) => {
    const r = both(() =>
      tf.gather(tf.reshape(tf.range(0, shape.reduce((p, d) => p * d, 1)), [...shape]), tf.tensor(indices as unknown as number[], undefined, 'int32')),
    );
    expect(r.shapes[1]).toEqual(r.shapes[0]);
    expect(r.fastValues).toEqual(r.stockValues);
  });

  it('leaves other axes to tfjs and rejects an index out of range with its message', () => {
    const r = both(() => tf.gather(x(), tf.tensor1d([2, 0], 'int32'), 2));
    expect(r.fastValues).toEqual(r.stockValues);
    installFastWasmKernels();
    expect(() => tf.tidy(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], 'int32')))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
  });

  it('clones without copying, and either copy outlives the other', () => {
    installFastWasmKernels();
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const before = tf.memory();
    const b = tf.clone(a);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    const v = tf.variable(b);
    b.dispose();
    v.assign(tf.tidy(() => tf.add(v, 1)));
    expect(Array.from(v.dataSync())).toEqual([2, 3, 4, 5]);
    v.dispose();
  });
});

describe.each([
  ['the package kernel', true],
  ['XNNPACK, reoriented', false],
] as const)('installFastWasmKernels: matrix products through %s', (_label, ownKernel) => {
  beforeAll(() => {
    setWasmGemmForTesting(ownKernel);
  });
  afterAll(() => {
    setWasmGemmForTesting(true);
  });

  // Shapes where packing the right operand dominates (n ≫ m), where it does not, and tiny ones.
  // The package's own kernel takes m and n multiples of 4 (k > 256 spans two slices of t, n % 8 = 4
  // ends on a 4-wide block); the rest go to XNNPACK, reoriented.
  const shapes = [
    [8, 64, 96],
    [96, 64, 8],
    [5, 7, 3],
    [32, 24, 80],
    [4, 300, 12],
    [12, 5, 4],
    [8, 7, 12],
  ] as const;
  const flags = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;

  it.each(shapes)('gives tfjs products for m = %i, k = %i, n = %i and every transpose flag, 2-D and 3-D', (m, k, n) => {
    for (const [ta, tb] of flags) {
      for (const rank of [2, 3]) {
        const make = (rows: number, cols: number, seed: number): tf.Tensor =>
          rank === 2 ? tf.randomNormal([rows, cols], 0, 1, 'float32', seed) : tf.randomNormal([1, rows, cols], 0, 1, 'float32', seed);
        const r = both(() => tf.matMul(ta ? make(k, m, 1) : make(m, k, 1), tb ? make(n, k, 2) : make(k, n, 2), ta, tb));
        expect(r.shapes[1]).toEqual(r.shapes[0]);
        expectClose(r.fastValues, r.stockValues);
      }
    }
  });

  // Against the cpu backend: tfjs-backend-wasm 4.22's own fused kernel adds the bias to the wrong
  // entries when an operand is transposed (its slow path), which the package's kernel never takes.
  it.each(['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'] as const)('gives the fused products of the cpu backend with a bias and %s', async (activation) => {
    for (const [m, k, n] of shapes) {
      for (const [ta, tb] of flags) {
        const product = (): number[] =>
          tf.tidy(() =>
            Array.from(
              tf.fused
                .matMul({
                  a: ta ? tf.randomNormal([k, m], 0, 1, 'float32', 3) : tf.randomNormal([m, k], 0, 1, 'float32', 3),
                  b: tb ? tf.randomNormal([n, k], 0, 1, 'float32', 4) : tf.randomNormal([k, n], 0, 1, 'float32', 4),
                  transposeA: ta,
                  transposeB: tb,
                  bias: tf.randomNormal([n], 0, 1, 'float32', 5),
                  activation,
                  leakyreluAlpha: 0.1,
                })
                .dataSync(),
            ),
          );
        await tf.setBackend('cpu');
        const expected = product();
        await tf.setBackend('wasm');
        installFastWasmKernels();
        const before = tf.memory().numTensors;
        expectClose(product(), expected);
        expect(tf.memory().numTensors).toBe(before);
      }
    }
  });

  it.each(shapes.filter(([m, , n]) => m % 4 === 0 && n % 4 === 0))(
    'computes untransposed products bit for bit as XNNPACK does with the SIMD128 kernel, within 1e-5 with FMA (m = %i, k = %i, n = %i)',
    (m, k, n) => {
      if (!ownKernel) return;
      const r = both(() => tf.matMul(tf.randomNormal([m, k], 0, 1, 'float32', 14), tf.randomNormal([k, n], 0, 1, 'float32', 15)));
      // With relaxed SIMD (Node ≥ 21, Chromium ≥ 114) the kernel fuses each multiply-add: one rounding less.
      if (hasRelaxedSimd() !== null) expectClose(r.fastValues, r.stockValues);
      else expect(r.fastValues).toEqual(r.stockValues);
    },
  );

  it('multiplies batched products (batch > 1) as tfjs does', () => {
    const r = both(() => tf.matMul(tf.randomNormal([3, 6, 5], 0, 1, 'float32', 6), tf.randomNormal([3, 4, 5], 0, 1, 'float32', 7), false, true));
    expectClose(r.fastValues, r.stockValues);
  });

  it('gives the same products when the same weights are used again (the cached path)', () => {
    installFastWasmKernels();
    const w = tf.randomNormal([64, 96], 0, 1, 'float32', 8);
    const bias = tf.randomNormal([96], 0, 1, 'float32', 9);
    const x = tf.randomNormal([8, 64], 0, 1, 'float32', 10);
    // The first call packs x (8 rows) rather than w; later ones reuse w, packed once.
    const runs = [0, 1, 2].map(() => tf.tidy(() => Array.from(tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }).dataSync())));
    expectClose(runs[1]!, runs[0]!);
    expect(runs[2]).toEqual(runs[1]);
    useStock();
    const reference = tf.tidy(() => Array.from(tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }).dataSync()));
    installFastWasmKernels();
    expectClose(runs[0]!, reference);
    tf.dispose([w, bias, x]);
  });

  it('keeps the gradients of a dense network those of tfjs, to float32 rounding', () => {
    const grads = (): number[] =>
      tf.tidy(() => {
        const x = tf.randomNormal([16, 40], 0, 1, 'float32', 11);
        const w1 = tf.randomNormal([40, 60], 0, 0.2, 'float32', 12);
        const w2 = tf.randomNormal([60, 40], 0, 0.2, 'float32', 13);
        const b1 = tf.zeros([60]);
        const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
          tf.mean(tf.square(tf.sub(tf.matMul(tf.relu(tf.add(tf.matMul(x, a), b1)), b), x)));
        const [ga, gb] = tf.grads(f)([w1, w2]);
        return [...ga!.dataSync(), ...gb!.dataSync()];
      });
    useStock();
    const expected = grads();
    installFastWasmKernels();
    expectClose(grads(), expected, 1e-5);
  });
});

/** Distance in float32 steps (ulp) between two float32 values. */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const key = (i: number): number => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(key(bits[0]!) - key(bits[1]!));
}

describe('installFastWasmKernels: SIMD element-wise kernels and sums', () => {
  const sample = (n: number, lo: number, hi: number): Float32Array => new Float32Array(n).map((_, i) => lo + (hi - lo) * ((i * 0.6180339887) % 1));

  it.each([
    ['exp', -103.9, 88.72, 1, Math.exp],
    ['exp', -5, 5, 1, Math.exp],
    ['log1p', -0.999, 20, 2, Math.log1p],
    ['log1p', -1e-4, 1e-4, 2, Math.log1p],
    ['log1p', 1, 1e30, 2, Math.log1p],
  ] as const)('computes %s on [%d, %d] within %i ulp of the exact value', (name, lo, hi, bound, exact) => {
    installFastWasmKernels();
    const xs = sample(40_001, lo, hi); // not a multiple of 4: the last element goes through the scratch path
    const ys = tf.tidy(() => (name === 'exp' ? tf.exp(tf.tensor1d(xs)) : tf.log1p(tf.tensor1d(xs))).dataSync());
    let worst = 0;
    xs.forEach((x, i) => {
      worst = Math.max(worst, ulps(ys[i]!, Math.fround(exact(x))));
    });
    expect(worst).toBeLessThanOrEqual(bound);
  });

  it('keeps the special values of exp and log1p', () => {
    installFastWasmKernels();
    const xs = [Number.NaN, Infinity, -Infinity, 0, -0, 100, -110, -1, -2, 1e-30];
    const e = tf.tidy(() => Array.from(tf.exp(tf.tensor1d(xs)).dataSync()));
    const l = tf.tidy(() => Array.from(tf.log1p(tf.tensor1d(xs)).dataSync()));
    expect(e).toEqual([Number.NaN, Infinity, 0, 1, 1, Infinity, 0, Math.fround(Math.exp(-1)), Math.fround(Math.exp(-2)), 1]);
    expect(l).toEqual([Number.NaN, Infinity, Number.NaN, 0, -0, Math.fround(Math.log1p(100)), Number.NaN, -Infinity, Number.NaN, Math.fround(1e-30)]);
  });

  it.each([
    ['the batch axis of a matrix', [128, 20], [0], false],
    ['the two leading axes, keeping dimensions', [3, 5, 8], [0, 1], true],
    ['an inner axis (left to tfjs)', [4, 6, 8], [1], false],
    ['columns not a multiple of 4 (left to tfjs)', [9, 7], [0], false],
    ['every axis (left to tfjs)', [6, 8], [0, 1], false],
  ] as const)('sums over %s exactly as tfjs does', (_label, shape, axis, keepDims) => {
    const r = both(() => tf.sum(tf.randomNormal([...shape], 0, 1, 'float32', 21), [...axis], keepDims));
    expect(r.shapes[1]).toEqual(r.shapes[0]);
    expect(r.fastValues).toEqual(r.stockValues);
  });

  it('leaves int32 sums to tfjs', () => {
    const r = both(() => tf.sum(tf.reshape(tf.range(0, 24, 1, 'int32'), [6, 4]), 0));
    expect(r.fastValues).toEqual(r.stockValues);
  });
});
