// Statistical checks of the corruptors on 10^5 elements. Tolerances are about 5 standard errors
// of the statistic (given next to each), so a correct implementation fails with probability < 1e-6;
// seeds are fixed so the tests are reproducible anyway.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { composeCorruptors, gaussianNoise, maskingNoise, saltAndPepperNoise } from '../../src/noise/index.js';

const N = 100_000;

function count(data: ArrayLike<number>, predicate: (v: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (predicate(data[i]!)) n++;
  return n;
}

describe('maskingNoise', () => {
  it('zeroes exactly rate·d features of every sample when rate·d is an integer', () => {
    const x = tf.ones([100, 1000]);
    const y = maskingNoise({ rate: 0.3 })(x, { seed: 1 });
    const zerosPerRow = tf.tidy(() => tf.sum(tf.cast(tf.equal(y, 0), 'int32'), 1).dataSync());
    expect(new Set(zerosPerRow)).toEqual(new Set([300]));
    tf.dispose([x, y]);
  });

  it('zeroes a fraction rate of the features on average when rate·d is not an integer', () => {
    // d = 7, rate 0.3: each row loses 2 or 3 features (2.1 on average); sd of the fraction ≈ 3.6e-4.
    const x = tf.ones([Math.ceil(N / 7), 7]);
    const y = maskingNoise({ rate: 0.3 })(x, { seed: 2 });
    const data = y.dataSync();
    expect(Math.abs(count(data, (v) => v === 0) / data.length - 0.3)).toBeLessThan(0.002);
    const perRow = tf.tidy(() => tf.sum(tf.cast(tf.equal(y, 0), 'int32'), 1).dataSync());
    expect(new Set(perRow)).toEqual(new Set([2, 3]));
    tf.dispose([x, y]);
  });

  it('chooses every feature with the same probability', () => {
    // 1000 samples per feature: sd of each feature's masked fraction ≈ 0.0145.
    const x = tf.ones([1000, 100]);
    const y = maskingNoise({ rate: 0.3 })(x, { seed: 3 });
    const perFeature = tf.tidy(() => tf.mean(tf.cast(tf.equal(y, 0), 'float32'), 0).dataSync());
    for (const f of perFeature) expect(Math.abs(f - 0.3)).toBeLessThan(0.075);
    tf.dispose([x, y]);
  });

  it('leaves the other features unchanged, and masks Infinity and NaN to 0 too', () => {
    const x = tf.randomUniform([1000, 100], 1, 2, 'float32', 4);
    const y = maskingNoise({ rate: 0.5 })(x, { seed: 5 });
    const [xs, ys] = [x.dataSync(), y.dataSync()];
    let changed = 0;
    for (let i = 0; i < xs.length; i++) if (ys[i] !== 0 && ys[i] !== xs[i]) changed++;
    expect(changed).toBe(0);
    expect(count(ys, (v) => v === 0)).toBe(0.5 * N);
    const bad = tf.tensor2d([[Infinity, NaN, -Infinity, NaN]]);
    const masked = maskingNoise({ rate: 1 })(bad, { seed: 6 });
    expect(Array.from(masked.dataSync())).toEqual([0, 0, 0, 0]);
    tf.dispose([x, y, bad, masked]);
  });

  it('masks per sample over all feature axes of an image batch', () => {
    const x = tf.ones([50, 8, 10, 5]); // 400 features per sample
    const y = maskingNoise({ rate: 0.25 })(x, { seed: 7 });
    const perSample = tf.tidy(() => tf.sum(tf.cast(tf.equal(y, 0), 'int32'), [1, 2, 3]).dataSync());
    expect(new Set(perSample)).toEqual(new Set([100]));
    tf.dispose([x, y]);
  });
});

describe('saltAndPepperNoise', () => {
  it('replaces a fraction rate of each sample, half by low and half by high', () => {
    const x = tf.fill([100, 1000], 0.5);
    const y = saltAndPepperNoise({ rate: 0.2, low: -1, high: 2 })(x, { seed: 8 });
    const data = y.dataSync();
    const low = count(data, (v) => v === -1);
    const high = count(data, (v) => v === 2);
    expect(low + high).toBe(0.2 * N); // exactly 200 per row
    expect(count(data, (v) => v === 0.5)).toBe(0.8 * N);
    // Each corrupted value is a fair coin: sd of low / (low + high) ≈ 0.0035.
    expect(Math.abs(low / (low + high) - 0.5)).toBeLessThan(0.018);
    tf.dispose([x, y]);
  });

  it('uses 0 and 1 by default', () => {
    const x = tf.fill([10, 100], 0.5);
    const y = saltAndPepperNoise({ rate: 1 })(x, { seed: 9 });
    expect(new Set(y.dataSync())).toEqual(new Set([0, 1]));
    tf.dispose([x, y]);
  });
});

describe('gaussianNoise', () => {
  it('adds zero-mean noise with the requested standard deviation', () => {
    const x = tf.fill([100, 1000], 3);
    const y = gaussianNoise({ stddev: 0.5 })(x, { seed: 10 });
    const noise = Array.from(y.dataSync(), (v) => v - 3);
    const mean = noise.reduce((s, v) => s + v, 0) / N;
    const sd = Math.sqrt(noise.reduce((s, v) => s + (v - mean) ** 2, 0) / (N - 1));
    expect(Math.abs(mean)).toBeLessThan(0.008); // 5 · 0.5/√N
    expect(Math.abs(sd / 0.5 - 1)).toBeLessThan(0.012); // 5 · 1/√(2N)
    tf.dispose([x, y]);
  });

  it('honours clip: every value in [low, high], with mass at both bounds', () => {
    const x = tf.fill([100, 1000], 0.5);
    const y = gaussianNoise({ stddev: 0.5, clip: [0, 1] })(x, { seed: 11 });
    const data = y.dataSync();
    expect(count(data, (v) => v < 0 || v > 1)).toBe(0);
    expect(count(data, (v) => v === 0)).toBeGreaterThan(0.1 * N);
    expect(count(data, (v) => v === 1)).toBeGreaterThan(0.1 * N);
    tf.dispose([x, y]);
  });

  it('returns an unchanged copy with stddev 0', () => {
    const x = tf.randomUniform([10, 10], 0, 1, 'float32', 12);
    const y = gaussianNoise({ stddev: 0 })(x, { seed: 13 });
    expect(y).not.toBe(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });
});

describe('seeds', () => {
  const corruptors = {
    gaussian: gaussianNoise({ stddev: 1, clip: [-1, 1] }),
    masking: maskingNoise({ rate: 0.5 }),
    'salt-and-pepper': saltAndPepperNoise({ rate: 0.5 }),
    compose: composeCorruptors(maskingNoise({ rate: 0.3 }), gaussianNoise({ stddev: 0.2 })),
  };

  it.each(Object.entries(corruptors))('%s: the same seed gives the same output, another seed another one', (_kind, corrupt) => {
    const x = tf.randomUniform([20, 50], 0, 1, 'float32', 14);
    const [a, b, c] = [corrupt(x, { seed: 123 }), corrupt(x, { seed: 123 }), corrupt(x, { seed: 124 })];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([x, a, b, c]);
  });

  it.each(Object.entries(corruptors))('%s: calls without a seed differ', (_kind, corrupt) => {
    const x = tf.randomUniform([20, 50], 0, 1, 'float32', 15);
    const [a, b] = [corrupt(x), corrupt(x)];
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
  });

  it('gives each part of a composition its own seed', () => {
    // Two maskings of 30% with independent draws leave 0.7² = 49% (sd ≈ 1.6e-3); with the same
    // seed the second would re-mask the same features and leave 70%.
    const x = tf.ones([100, 1000]);
    const y = composeCorruptors(maskingNoise({ rate: 0.3 }), maskingNoise({ rate: 0.3 }))(x, { seed: 16 });
    expect(Math.abs(count(y.dataSync(), (v) => v === 0) / N - 0.51)).toBeLessThan(0.008);
    tf.dispose([x, y]);
  });
});
