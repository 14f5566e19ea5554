/**
 * Types of the noise corruptors (denoising autoencoder).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Per-call options of a {@link Corruptor}.
 * @category Noise
 */
export interface CorruptOptions {
  /**
   * Integer seed: the same seed gives the same output for the same input (on any backend: the
   * random numbers are drawn in JavaScript). Without a seed every call draws fresh noise.
   */
  readonly seed?: number;
}

/**
 * Serialisable description of a {@link gaussianNoise} corruptor.
 * @category Noise
 */
export interface GaussianNoiseConfig {
  /** Which corruptor this describes. */
  readonly kind: 'gaussian';
  /** Standard deviation of the additive noise, finite and >= 0. */
  readonly stddev: number;
  /** Optional `[low, high]` range the noisy values are clipped to (`low <= high`). */
  readonly clip?: readonly [number, number];
}

/**
 * Serialisable description of a {@link maskingNoise} corruptor.
 * @category Noise
 */
export interface MaskingNoiseConfig {
  /** Which corruptor this describes. */
  readonly kind: 'masking';
  /** Fraction of each sample's features set to 0, in [0, 1]. */
  readonly rate: number;
}

/**
 * Serialisable description of a {@link saltAndPepperNoise} corruptor.
 * @category Noise
 */
export interface SaltAndPepperNoiseConfig {
  /** Which corruptor this describes. */
  readonly kind: 'salt-and-pepper';
  /** Fraction of each sample's features replaced, in [0, 1]. */
  readonly rate: number;
  /** The "pepper" value. */
  readonly low: number;
  /** The "salt" value (`low <= high`). */
  readonly high: number;
}

/**
 * Serialisable description of a {@link composeCorruptors} corruptor.
 * @category Noise
 */
export interface ComposeCorruptorsConfig {
  /** Which corruptor this describes. */
  readonly kind: 'compose';
  /** The corruptors applied in order, first to last. */
  readonly corruptors: readonly CorruptorConfig[];
}

/**
 * The serialisable description of any corruptor (a plain, frozen, JSON-ready object):
 * `corruptorFromConfig(c.config)` rebuilds an equivalent corruptor.
 * @category Noise
 */
export type CorruptorConfig = GaussianNoiseConfig | MaskingNoiseConfig | SaltAndPepperNoiseConfig | ComposeCorruptorsConfig;

/**
 * A noise corruptor of a denoising autoencoder: a function from a batch `x` (`[batch, ...features]`,
 * rank >= 1, float32 / int32 / bool) to a new float32 tensor of the same shape, which the caller
 * owns and disposes; `x` is never disposed or modified. `config` describes it for saving.
 *
 * Build one with {@link gaussianNoise}, {@link maskingNoise}, {@link saltAndPepperNoise},
 * {@link composeCorruptors} or {@link corruptorFromConfig}.
 *
 * @category Noise
 */
export type Corruptor<C extends CorruptorConfig = CorruptorConfig> = ((x: tf.Tensor, options?: CorruptOptions) => tf.Tensor) & {
  /** The frozen, JSON-ready description of this corruptor (see {@link corruptorFromConfig}). */
  readonly config: C;
};

/**
 * Options of {@link gaussianNoise}.
 * @category Noise
 */
export interface GaussianNoiseOptions {
  /** Standard deviation σ of the additive noise N(0, σ²), finite and >= 0. Required. */
  readonly stddev: number;
  /** Clip the noisy values to `[low, high]` (e.g. `[0, 1]` for pixels). Default: no clipping. */
  readonly clip?: readonly [number, number];
}

/**
 * Options of {@link maskingNoise}.
 * @category Noise
 */
export interface MaskingNoiseOptions {
  /** Fraction of each sample's features set to 0, in [0, 1]. Required. */
  readonly rate: number;
}

/**
 * Options of {@link saltAndPepperNoise}.
 * @category Noise
 */
export interface SaltAndPepperNoiseOptions {
  /** Fraction of each sample's features replaced by `low` or `high`, in [0, 1]. Required. */
  readonly rate: number;
  /** The "pepper" value. Default `0`. */
  readonly low?: number;
  /** The "salt" value, >= `low`. Default `1`. */
  readonly high?: number;
}
