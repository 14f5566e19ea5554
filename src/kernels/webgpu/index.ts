export { FusedDenseStep, isFusableStack } from './dense-step.js';
export { FlatAdam } from './flat-adam.js';
export type { DenseLayerSpec, DenseStackSpec } from './dense-step.js';
export type { AdamStepScalars, AdamStepState } from './flat-state.js';
export { setFastWebGpuKernels, fastWebGpuKernelsEnabled } from './settings.js';
export { FUSED_ACTIVATIONS, productShader, lossShader, adamShader, TILE } from './wgsl.js';
export type { FusedActivation, FusedLoss, ProductKind } from './wgsl.js';
export { webGpuBackend } from './gpu.js';
export type { WebGpuBackendLike, GpuBuffer, GpuDevice } from './gpu.js';
