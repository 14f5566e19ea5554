export { useBackend, ensureGradients } from './useBackend.js';
export type { BackendName, BackendPreference, BackendInfo, GpuAdapterInfo, UseBackendOptions } from './useBackend.js';
export { installFastWasmMatMul } from './wasmMatMul.js';
export { installFastWasmKernels } from './wasmKernels.js';
export { FusedAdam, sumScalars } from './adamOptimizer.js';
export { disposeBackend } from './threads.js';
export type { ThreadCount } from './threads.js';
