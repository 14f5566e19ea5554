export { denseEncoder, denseDecoder } from './dense.js';
export type { DenseEncoderOptions, DenseDecoderOptions } from './dense.js';
export { convEncoder, convDecoder } from './conv.js';
export type { ConvEncoderOptions, ConvDecoderOptions } from './conv.js';
export { gaussianEncoder, DEFAULT_LOG_VAR_LIMIT } from './gaussian.js';
export type { GaussianEncoderOptions } from './gaussian.js';
export type { Activation, WeightInit, InitOptions } from './common.js';
