/**
 * Shared plumbing of the corruptors: input and seed checks, the wrapper that attaches `config`,
 * and the validators of options and configs (used both by the factories and by
 * `corruptorFromConfig`, so that both give the same messages). Nothing here is public.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertTensor, fail, randomSeed, rejectUnknownKeys, typeFail } from '../core/index.js';
import type { CorruptOptions, Corruptor, CorruptorConfig, GaussianNoiseConfig, MaskingNoiseConfig, SaltAndPepperNoiseConfig } from './types.js';

/**
 * Reads an options/config object: anything but a plain object throws a TypeError; own keys
 * outside `known` throw. Values are read from own properties only.
 * @internal
 */
export function readObject(value: unknown, known: readonly string[], fn: string, path: string, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) typeFail(fn, path, expected, value);
  rejectUnknownKeys(value, known, fn, path);
  const own: Record<string, unknown> = {};
  for (const key of known) if (Object.hasOwn(value, key)) own[key] = (value as Record<string, unknown>)[key];
  return own;
}

/** A rate in [0, 1]. @internal */
function readRate(value: unknown, fn: string, path: string): number {
  assertNumber(value, fn, path, { min: 0, max: 1 });
  return value;
}

/** `[low, high]` with finite numbers and low <= high, shown with its values when wrong. @internal */
function readRange(value: unknown, fn: string, path: string): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) typeFail(fn, path, 'an array [low, high] of two finite numbers', value);
  const [low, high] = value as unknown[];
  assertNumber(low, fn, `${path}[0]`);
  assertNumber(high, fn, `${path}[1]`);
  if (low > high) throw new Error(`${fn}: argument '${path}' must be [low, high] with low <= high, got [${low}, ${high}]`);
  return Object.freeze([low, high] as const);
}

/** Validates gaussian options (or a config, with `kind`) into a frozen config. @internal */
export function parseGaussian(value: unknown, fn: string, path: string, withKind = false): GaussianNoiseConfig {
  const keys = withKind ? ['kind', 'stddev', 'clip'] : ['stddev', 'clip'];
  const o = readObject(value, keys, fn, path, '{ stddev, clip? }');
  const stddev = o['stddev'];
  assertNumber(stddev, fn, `${path}.stddev`, { min: 0 });
  if (o['clip'] === undefined) return Object.freeze({ kind: 'gaussian', stddev });
  return Object.freeze({ kind: 'gaussian', stddev, clip: readRange(o['clip'], fn, `${path}.clip`) });
}

/** Validates masking options (or a config) into a frozen config. @internal */
export function parseMasking(value: unknown, fn: string, path: string, withKind = false): MaskingNoiseConfig {
  const o = readObject(value, withKind ? ['kind', 'rate'] : ['rate'], fn, path, '{ rate }');
  return Object.freeze({ kind: 'masking', rate: readRate(o['rate'], fn, `${path}.rate`) });
}

/** Validates salt-and-pepper options (or a config) into a frozen config. @internal */
export function parseSaltAndPepper(value: unknown, fn: string, path: string, withKind = false): SaltAndPepperNoiseConfig {
  const keys = withKind ? ['kind', 'rate', 'low', 'high'] : ['rate', 'low', 'high'];
  const o = readObject(value, keys, fn, path, '{ rate, low?, high? }');
  const rate = readRate(o['rate'], fn, `${path}.rate`);
  const low = o['low'] ?? 0;
  const high = o['high'] ?? 1;
  assertNumber(low, fn, `${path}.low`);
  assertNumber(high, fn, `${path}.high`);
  if (low > high) {
    throw new Error(`${fn}: arguments '${path}.low' and '${path}.high' must satisfy low <= high, got low ${low} and high ${high}`);
  }
  return Object.freeze({ kind: 'salt-and-pepper', rate, low, high });
}

/** Checks the input of a corruptor: a live numeric tensor of rank >= 1. @internal */
function checkX(x: unknown, fn: string): tf.Tensor {
  assertTensor(x, fn, 'x');
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') typeFail(fn, 'x', 'a float32, int32 or bool tensor', x);
  if (x.rank < 1) fail(fn, 'x', 'a tensor of rank >= 1 with the batch on the first axis', x);
  return x;
}

/** The seed of one call: `options.seed` (an integer) or a fresh random one. @internal */
function readSeed(options: unknown, fn: string): number {
  if (options === undefined) return randomSeed();
  const o = readObject(options, ['seed'], fn, 'options', '{ seed? }');
  const seed = o['seed'];
  if (seed === undefined) return randomSeed();
  assertNumber(seed, fn, 'options.seed', { integer: true });
  return seed;
}

/**
 * Wraps `apply(x: float32, seed)` as a {@link Corruptor}: checks `x` and the seed, casts to
 * float32, runs in `tf.tidy`, never hands back its input, and attaches the frozen `config`.
 * @internal
 */
export function makeCorruptor<C extends CorruptorConfig>(config: C, fn: string, apply: (x: tf.Tensor, seed: number) => tf.Tensor): Corruptor<C> {
  const corrupt = (x: tf.Tensor, options?: CorruptOptions): tf.Tensor => {
    const input = checkX(x, fn);
    const seed = readSeed(options, fn);
    return tf.tidy(() => {
      const out = apply(input.dtype === 'float32' ? input : tf.cast(input, 'float32'), seed);
      return out === input ? tf.clone(out) : out;
    });
  };
  Object.defineProperty(corrupt, 'config', { value: config, enumerable: true, writable: false, configurable: false });
  return corrupt as Corruptor<C>;
}

/** Number of features per sample (product of the axes after the first). @internal */
export function featuresPerSample(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * Calls `visit(flatIndex)` for the features chosen for corruption: in each of `batch` samples of
 * `d` features, `k` distinct features drawn uniformly without replacement, where `k` is `rate·d`
 * rounded down or up at random so that its expectation is exactly `rate·d`. A partial
 * Fisher–Yates shuffle of one index array that is kept (not reset) between samples: each shuffle
 * step is uniform whatever the current order, so every sample gets a uniform k-subset.
 * @internal
 */
export function forEachCorrupted(batch: number, d: number, rate: number, rng: () => number, visit: (flatIndex: number) => void): void {
  if (d === 0 || rate === 0) return;
  const index = new Int32Array(d);
  for (let i = 0; i < d; i++) index[i] = i;
  const expected = rate * d;
  const whole = Math.floor(expected);
  const fraction = expected - whole;
  for (let b = 0; b < batch; b++) {
    const k = fraction > 0 && rng() < fraction ? whole + 1 : whole;
    const offset = b * d;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng() * (d - i));
      const chosen = index[j]!;
      index[j] = index[i]!;
      index[i] = chosen;
      visit(offset + chosen);
    }
  }
}
