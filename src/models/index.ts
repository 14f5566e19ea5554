export type { Batch, DenseLayerPlan, DensePlannable, DenseTrainingPlan, GaussianPlannable, GaussianTrainingPlan, LossContext, LossOutput, TrainableModel, ImportanceSampledModel } from './contract.js';
export type { VariationalObjective, ElboObjective, IwaeObjective, BetaTcObjective, MmdObjective } from './objectives.js';
export type { LatentPrior, StandardPrior, VampPrior } from './prior.js';
export { checkObjective, objectiveBeta } from './objectives.js';
export { Autoencoder } from './autoencoder.js';
export type {
  AutoencoderOptions,
  AutoencoderConfig,
  AutoencoderOutput,
  LossFunction,
  ReconstructionLoss,
  Sparsity,
  SparsityConfig,
} from './autoencoder.js';
export { VAE } from './vae.js';
export type { VaeOptions, VaeConfig } from './vae.js';
export { reparameterize } from './variational.js';
export type { VaeOutput, Likelihood, Posterior, SeedOptions, EncodeOptions } from './variational.js';
export { CVAE } from './cvae.js';
export type { CvaeOptions, CvaeConfig } from './cvae.js';
export type { LabelInput, FeatureShape } from './internal.js';
export { denseAutoencoder, sparseAutoencoder, denoisingAutoencoder, denseVae, denseCvae } from './factories.js';
export type {
  DenseAutoencoderOptions,
  SparseAutoencoderOptions,
  DenoisingAutoencoderOptions,
  DenseVaeOptions,
  DenseCvaeOptions,
  VaeFactoryOptions,
} from './factories.js';
export type { LayersSettings, FromLayersModelsOptions, AutoencoderFromLayersOptions } from './from-layers.js';
export { VQVAE } from './vqvae.js';
export type { VqVaeOptions, VqVaeConfig, VqReconstruction, CodebookUsage } from './vqvae.js';
export type { VqEma, DeadCodes } from './vq-codebook.js';
export { denseVqVae, convVqVae } from './vq-factories.js';
export type { VqFactoryOptions, DenseVqVaeOptions, ConvVqVaeOptions } from './vq-factories.js';
export { convVae, convCvae } from './conv-vae.js';
export type { ConvVaeOptions, ConvCvaeOptions } from './conv-vae.js';
export { interpolate, latentTraversal } from './latent.js';
export type { LatentModel, InterpolateOptions, LatentTraversalOptions } from './latent.js';
