/**
 * Noise corruptors of the denoising autoencoder: seeded functions from a clean batch to a
 * corrupted copy, each with a serialisable `config`. Built on `@tensorflow/tfjs-core` only.
 * @module
 */
export { gaussianNoise } from './gaussian.js';
export { maskingNoise, saltAndPepperNoise } from './masking.js';
export { composeCorruptors } from './compose.js';
export { corruptorFromConfig } from './from-config.js';
export type {
  Corruptor,
  CorruptOptions,
  CorruptorConfig,
  GaussianNoiseConfig,
  MaskingNoiseConfig,
  SaltAndPepperNoiseConfig,
  ComposeCorruptorsConfig,
  GaussianNoiseOptions,
  MaskingNoiseOptions,
  SaltAndPepperNoiseOptions,
} from './types.js';
