/**
 * Masking noise and salt-and-pepper noise: a random fraction of each sample's features is
 * replaced (by 0, or by `low` / `high`).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../core/index.js';
import { featuresPerSample, forEachCorrupted, makeCorruptor, parseMasking, parseSaltAndPepper } from './internal.js';
import type { Corruptor, MaskingNoiseConfig, MaskingNoiseOptions, SaltAndPepperNoiseConfig, SaltAndPepperNoiseOptions } from './types.js';

/** Builds the corruptor of a validated config. @internal */
export function maskingFromConfig(config: MaskingNoiseConfig): Corruptor<MaskingNoiseConfig> {
  const { rate } = config;
  return makeCorruptor(config, 'maskingNoise', (x, seed) => {
    if (rate === 0 || x.size === 0) return tf.clone(x);
    const corrupted = new Uint8Array(x.size);
    forEachCorrupted(x.shape[0]!, featuresPerSample(x.shape), rate, createRng(seed), (i) => {
      corrupted[i] = 1;
    });
    // where (not a multiply by a 0/1 mask) so that a masked Infinity or NaN also becomes 0.
    return tf.where(tf.tensor(corrupted, x.shape, 'bool'), tf.zerosLike(x), x);
  });
}

/** Builds the corruptor of a validated config. @internal */
export function saltAndPepperFromConfig(config: SaltAndPepperNoiseConfig): Corruptor<SaltAndPepperNoiseConfig> {
  const { rate, low, high } = config;
  return makeCorruptor(config, 'saltAndPepperNoise', (x, seed) => {
    if (rate === 0 || x.size === 0) return tf.clone(x);
    const corrupted = new Uint8Array(x.size);
    const values = new Float32Array(x.size);
    const rng = createRng(seed);
    forEachCorrupted(x.shape[0]!, featuresPerSample(x.shape), rate, rng, (i) => {
      corrupted[i] = 1;
      values[i] = rng() < 0.5 ? low : high;
    });
    return tf.where(tf.tensor(corrupted, x.shape, 'bool'), tf.tensor(values, x.shape, 'float32'), x);
  });
}

/**
 * Masking noise for a denoising autoencoder: in every sample, a random fraction `rate` of the
 * features (all axes after the first) is set to 0, the rest is left as it is.
 *
 * Exactly `rate·d` of the `d` features of each sample are chosen, uniformly without replacement
 * and independently per sample; when `rate·d` is not an integer it is rounded down or up at random
 * so that the expected fraction is exactly `rate`. The returned {@link Corruptor} takes `x`
 * (`[batch, ...features]`, rank >= 1) and `{ seed? }` and returns a new float32 tensor of the same
 * shape that the caller owns. The same seed gives the same mask on every backend (it is drawn in
 * JavaScript); without a seed every call differs.
 *
 * @param options - `{ rate }`, in [0, 1].
 * @returns a {@link Corruptor} with `config` `{ kind: 'masking', rate }`.
 * @throws at construction, naming the parameter and the value, when `rate` is outside [0, 1],
 *   not a finite number, or an option is unknown.
 * @category Noise
 * @example
 * ```ts
 * const corrupt = maskingNoise({ rate: 0.25 });
 * const noisy = corrupt(tf.ones([2, 8]), { seed: 1 }); // 2 of the 8 values of each row are 0
 * noisy.dispose();
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function maskingNoise(options: MaskingNoiseOptions): Corruptor<MaskingNoiseConfig> {
  return maskingFromConfig(parseMasking(options, 'maskingNoise', 'options'));
}

/**
 * Salt-and-pepper noise for a denoising autoencoder: in every sample, a random fraction `rate` of
 * the features is replaced, each by `low` or by `high` with probability ½ (a fair coin per feature).
 *
 * The features are chosen as in {@link maskingNoise} (exactly `rate·d` per sample, randomly
 * rounded). The returned {@link Corruptor} takes `x` (`[batch, ...features]`, rank >= 1) and
 * `{ seed? }` and returns a new float32 tensor of the same shape that the caller owns; the same
 * seed gives the same output on every backend, no seed a different one each call.
 *
 * @param options - `{ rate, low = 0, high = 1 }`: `rate` in [0, 1]; `low <= high`, finite.
 * @returns a {@link Corruptor} with `config` `{ kind: 'salt-and-pepper', rate, low, high }`.
 * @throws at construction, naming the parameter and the value, for a bad `rate`, non-finite
 *   `low` / `high`, `low > high`, or an unknown option.
 * @category Noise
 * @example
 * ```ts
 * const corrupt = saltAndPepperNoise({ rate: 0.1 });           // pixels in [0, 1]
 * const noisy = corrupt(images, { seed: 7 });                   // 10% of each image set to 0 or 1
 * saltAndPepperNoise({ rate: 0.1, low: -1, high: 1 }).config;  //=> { kind: 'salt-and-pepper', rate: 0.1, low: -1, high: 1 }
 * noisy.dispose();
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function saltAndPepperNoise(options: SaltAndPepperNoiseOptions): Corruptor<SaltAndPepperNoiseConfig> {
  return saltAndPepperFromConfig(parseSaltAndPepper(options, 'saltAndPepperNoise', 'options'));
}
