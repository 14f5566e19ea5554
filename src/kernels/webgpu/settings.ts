/**
 * Whether the fused WebGPU kernels may be used: `useBackend('webgpu', { fastWebGpuKernels })`
 * sets it each time it starts WebGPU. A setting, not a check of the backend: {@link FusedDenseStep}
 * itself declines to run anywhere but on tfjs-backend-webgpu.
 * @module
 */

let enabled = true;

/** Allows (`true`, the default) or forbids the fused WebGPU training step. @internal */
export function setFastWebGpuKernels(on: boolean): void {
  enabled = on;
}

/** Whether the fused WebGPU training step is allowed. @internal */
export function fastWebGpuKernelsEnabled(): boolean {
  return enabled;
}
