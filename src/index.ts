/**
 * autoencoders — autoencoders and PCA for JavaScript, in the browser and in Node.
 *
 * Every name is re-exported here by name, so that bundlers keep only what an app imports.
 * @packageDocumentation
 */

// Backends
export { useBackend, ensureGradients, installFastWasmMatMul, installFastWasmKernels } from './backend/index.js';
export type { BackendName, BackendPreference, BackendInfo, GpuAdapterInfo, UseBackendOptions } from './backend/index.js';
export { disposeBackend } from './backend/index.js';
export type { ThreadCount } from './backend/index.js';

// Data
export type { DataInput, MatrixInput } from './core/index.js';

// Losses
export { mse, bce, bceWithLogits, l1Sparsity, klBernoulliSparsity, gaussianKl, elbo, mmd, tcDecomposition, vampLogPrior, vampKl } from './losses/index.js';
export type {
  Reduction,
  LossResult,
  ReductionOptions,
  MseOptions,
  BceOptions,
  BceWithLogitsOptions,
  L1SparsityOptions,
  KlBernoulliSparsityOptions,
  GaussianKlOptions,
  ElboLikelihood,
  ElboOptions,
  ElboOutput,
  MmdKernel,
  MmdOptions,
  TcDecompositionOptions,
  VampLogPriorOptions,
  VampKlOptions,
  TcDecomposition,
} from './losses/index.js';
export { regularizedElbo, logImportanceWeights, iwae } from './losses/index.js';
export type { RegularizedElboOptions, RegularizedElboOutput, ImportanceOptions, IwaeOptions } from './losses/index.js';

// Noise
export { gaussianNoise, maskingNoise, saltAndPepperNoise, composeCorruptors, corruptorFromConfig } from './noise/index.js';
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
} from './noise/index.js';

// PCA
export { PCA } from './pca/index.js';
export type { PCAOptions, PCASolver, PCAInput, PCAOutput, PCAScores, PCAMatrix, PCAJSON, PCAOptionsJSON, PCAStateJSON, PCAFittedSolver } from './pca/index.js';
export { KernelPCA, KERNEL_PCA_MAX_SAMPLES } from './pca/index.js';
export type { SklearnPCAJSON, KernelPCAOptions, KernelPCAOptionsJSON, KernelName, KernelPCAJSON, KernelPCAStateJSON } from './pca/index.js';

// Density estimation
export { GaussianMixture } from './density/index.js';
export type {
  GaussianMixtureOptions,
  GaussianMixtureInput,
  GaussianMixtureSample,
  GaussianMixtureCovariances,
  GaussianMixtureJSON,
  GaussianMixtureOptionsJSON,
  GaussianMixtureStateJSON,
} from './density/index.js';

// Networks
export { denseEncoder, denseDecoder, convEncoder, convDecoder, gaussianEncoder, DEFAULT_LOG_VAR_LIMIT } from './nn/index.js';
export type {
  DenseEncoderOptions,
  DenseDecoderOptions,
  ConvEncoderOptions,
  ConvDecoderOptions,
  GaussianEncoderOptions,
  Activation,
  WeightInit,
  InitOptions,
} from './nn/index.js';

// Models
export {
  Autoencoder,
  VAE,
  CVAE,
  reparameterize,
  denseAutoencoder,
  sparseAutoencoder,
  denoisingAutoencoder,
  denseVae,
  denseCvae,
  VQVAE,
  denseVqVae,
  convVqVae,
  convVae,
  convCvae,
} from './models/index.js';
export type {
  Batch,
  LossContext,
  LossOutput,
  TrainableModel,
  DenseLayerPlan,
  DensePlannable,
  DenseTrainingPlan,
  GaussianPlannable,
  GaussianTrainingPlan,
  AutoencoderOptions,
  AutoencoderConfig,
  AutoencoderOutput,
  LossFunction,
  ReconstructionLoss,
  Sparsity,
  SparsityConfig,
  VaeOptions,
  VaeConfig,
  VaeOutput,
  Likelihood,
  Posterior,
  SeedOptions,
  EncodeOptions,
  CvaeOptions,
  CvaeConfig,
  LabelInput,
  FeatureShape,
  DenseAutoencoderOptions,
  SparseAutoencoderOptions,
  DenoisingAutoencoderOptions,
  DenseVaeOptions,
  VaeFactoryOptions,
  DenseCvaeOptions,
  VqVaeOptions,
  VqVaeConfig,
  VqReconstruction,
  CodebookUsage,
  VqEma,
  DeadCodes,
  VqFactoryOptions,
  DenseVqVaeOptions,
  ConvVqVaeOptions,
  ConvVaeOptions,
  ConvCvaeOptions,
} from './models/index.js';
export type { VariationalObjective, ElboObjective, IwaeObjective, BetaTcObjective, MmdObjective, ImportanceSampledModel } from './models/index.js';
export type { LatentPrior, StandardPrior, VampPrior } from './models/index.js';
export { interpolate, latentTraversal } from './models/index.js';
export type { LatentModel, InterpolateOptions, LatentTraversalOptions } from './models/index.js';

// Training
export { train, evaluate, NonFiniteLossError, adam } from './train/index.js';
export type {
  AdamOptions,
  BatchInput,
  BatchLog,
  EarlyStoppingOptions,
  EpochLog,
  EvaluateOptions,
  EvaluateResult,
  KlWarmupOptions,
  LabeledData,
  LearningRateSchedule,
  TrainCallbacks,
  TrainData,
  TrainHistory,
  TrainOptions,
  TrainingPath,
} from './train/index.js';
export { logLikelihood } from './train/index.js';
export type { LogLikelihoodOptions, KlSchedule } from './train/index.js';

// Anomaly detection
export { rocCurve, rocAuc, averagePrecision, anomalyThreshold, anomalyScores, AnomalyDetector } from './anomaly/index.js';
export { backgroundRejection } from './anomaly/rejection.js';
export type {
  RocCurve,
  BinaryLabelInput,
  AnomalyThresholdOptions,
  AnomalyMetric,
  AnomalyScoreOptions,
  ScorableModel,
  ReconstructingModel,
  VariationalModel,
  ProjectionModel,
  AnomalyDetectorOptions,
} from './anomaly/index.js';
export { fitAnomalyThreshold, featureErrors } from './anomaly/index.js';
export type {
  AnomalyThresholdMethod,
  AnomalyThresholdFit,
  PredictProbaOptions,
  ExplainOptions,
  ProbabilityMethod,
  FeatureErrorOptions,
  FeatureExplanation,
} from './anomaly/index.js';

// Preprocessing
export { Scaler, slidingWindows, windowScoresToPoints } from './preprocessing/index.js';
export type { ScalerKind, ScalerOptions, ScalerJSON, SeriesInput, SlidingWindowOptions, WindowScoreOptions } from './preprocessing/index.js';

// I/O
export { saveModel, loadModel, loadTrainingState, MODEL_FILE_LIMITS } from './io/index.js';
export type {
  ModelKinds,
  ModelKind,
  SavableModel,
  SavedArtifacts,
  MemoryDestination,
  SaveDestination,
  LoadSource,
  TrainingState,
  SaveOptions,
  LoadOptions,
  LoadTrainingStateOptions,
  LoadDetectorOptions,
} from './io/index.js';
// TF.js Layers files: to Keras and back
export { exportLayersModel, importLayersModel } from './io/index.js';
export type { ExportLayersOptions, LayersExport, LayersArtifacts, LayersSource, ImportLayersOptions } from './io/index.js';
export type { LayersSettings, FromLayersModelsOptions, AutoencoderFromLayersOptions } from './models/index.js';
