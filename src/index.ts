/**
 * autoencoders — autoencoders and PCA for JavaScript, in the browser and in Node.
 *
 * Every name is re-exported here by name, so that bundlers keep only what an app imports.
 * @packageDocumentation
 */

// Backends
export { useBackend, ensureGradients, installFastWasmMatMul } from './backend/index.js';
export type { BackendName, BackendPreference, BackendInfo, GpuAdapterInfo, UseBackendOptions } from './backend/index.js';

// Data
export type { DataInput, MatrixInput } from './core/index.js';

// Models: the contract between a model and the trainer
export type { Batch, LossContext, LossOutput, TrainableModel } from './models/index.js';
