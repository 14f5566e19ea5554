/**
 * Saving and loading models and PCA: Node directories, IndexedDB, downloads and in-memory
 * artifacts, with every loaded file checked as untrusted input.
 * @module
 */
export { saveModel } from './save.js';
export { loadModel, loadTrainingState } from './load.js';
export { MODEL_FILE_LIMITS } from './limits.js';
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
} from './types.js';
export { exportLayersModel } from './layers-export.js';
export type { ExportLayersOptions, LayersExport } from './layers-export.js';
export { importLayersModel } from './layers-import.js';
export type { LayersArtifacts, LayersSource, ImportLayersOptions } from './layers-import.js';
