/**
 * Additive Gaussian noise.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed } from '../core/index.js';
import { makeCorruptor, parseGaussian } from './internal.js';
import type { Corruptor, GaussianNoiseConfig, GaussianNoiseOptions } from './types.js';

/** Salt that turns a call's seed into the seed of tf.randomNormal. @internal */
const NORMAL_SALT = 0x6a55;

/** Builds the corruptor of a validated config. @internal */
export function gaussianFromConfig(config: GaussianNoiseConfig): Corruptor<GaussianNoiseConfig> {
  const { stddev, clip } = config;
  return makeCorruptor(config, 'gaussianNoise', (x, seed) => {
    // tf.randomNormal treats a seed of 0 as "no seed": keep it >= 1.
    const noisy = stddev === 0 ? x : tf.add(x, tf.randomNormal(x.shape, 0, stddev, 'float32', deriveSeed(seed, NORMAL_SALT) + 1));
    return clip === undefined ? noisy : tf.clipByValue(noisy, clip[0], clip[1]);
  });
}

/**
 * Additive Gaussian noise for a denoising autoencoder: `x̃ = x + ε`, `ε ~ N(0, stddev²)` drawn
 * independently for every element, then optionally clipped to `[low, high]`.
 *
 * The returned {@link Corruptor} takes `x` (`[batch, ...features]`, rank >= 1) and `{ seed? }`
 * and returns a new float32 tensor of the same shape that the caller owns; it runs in `tf.tidy`.
 * The same seed gives the same noise; without one, every call differs. Its `config` is
 * `{ kind: 'gaussian', stddev, clip? }`.
 *
 * @param options - `{ stddev, clip? }`: `stddev` finite and >= 0 (required); `clip` an optional
 *   `[low, high]` with `low <= high`.
 * @returns a {@link Corruptor} with `config` `{ kind: 'gaussian', stddev, clip? }`.
 * @throws at construction, naming the parameter and the value: a negative or non-finite
 *   `stddev`, a `clip` that is not two finite numbers or has `low > high`, an unknown option.
 * @category Noise
 * @example
 * ```ts
 * const corrupt = gaussianNoise({ stddev: 0.3, clip: [0, 1] });
 * const noisy = corrupt(images, { seed: 42 }); // same shape as images, values in [0, 1]
 * corrupt.config; //=> { kind: 'gaussian', stddev: 0.3, clip: [0, 1] }
 * noisy.dispose();
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function gaussianNoise(options: GaussianNoiseOptions): Corruptor<GaussianNoiseConfig> {
  return gaussianFromConfig(parseGaussian(options, 'gaussianNoise', 'options'));
}
