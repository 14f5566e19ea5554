/**
 * Training objectives of the four kinds of autoencoder: reconstruction losses, sparsity
 * penalties and the VAE's negative ELBO. Pure functions on `@tensorflow/tfjs-core` tensors.
 * @module
 */
export { mse, bce, bceWithLogits } from './reconstruction.js';
export type { ReductionOptions, MseOptions, BceOptions, BceWithLogitsOptions } from './reconstruction.js';
export { l1Sparsity, klBernoulliSparsity } from './sparsity.js';
export type { L1SparsityOptions, KlBernoulliSparsityOptions } from './sparsity.js';
export { gaussianKl, elbo } from './variational.js';
export type { GaussianKlOptions, ElboLikelihood, ElboOptions, ElboOutput } from './variational.js';
export type { Reduction, LossResult } from './internal.js';
export { mmd } from './mmd.js';
export type { MmdKernel, MmdOptions } from './mmd.js';
export { tcDecomposition } from './tc.js';
export type { TcDecompositionOptions, TcDecomposition } from './tc.js';
export { vampLogPrior, vampKl } from './vamp.js';
export type { VampLogPriorOptions, VampKlOptions } from './vamp.js';
export { regularizedElbo, logImportanceWeights, iwae } from './objectives.js';
export type { RegularizedElboOptions, RegularizedElboOutput, ImportanceOptions, IwaeOptions } from './objectives.js';
