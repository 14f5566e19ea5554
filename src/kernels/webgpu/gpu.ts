/**
 * The few pieces of WebGPU and of tfjs-backend-webgpu (4.x) that the fused kernels use, typed
 * structurally (the project does not compile against `@webgpu/types`), and small helpers on them.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** `GPUBufferUsage` flags (the WebGPU constants). @internal */
export const USAGE = { COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;

/** A GPUBuffer, as far as the kernels use one. @internal */
export interface GpuBuffer {
  readonly size: number;
  readonly usage: number;
}

/** A compute pipeline. @internal */
export interface GpuPipeline {
  getBindGroupLayout(index: number): unknown;
}

/** A compute pass encoder. @internal */
export interface GpuPass {
  setPipeline(pipeline: GpuPipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A command encoder. @internal */
export interface GpuEncoder {
  beginComputePass(descriptor?: object): GpuPass;
  copyBufferToBuffer(source: GpuBuffer, sourceOffset: number, destination: GpuBuffer, destinationOffset: number, size: number): void;
  clearBuffer(buffer: GpuBuffer, offset?: number, size?: number): void;
}

/** A GPUDevice. @internal */
export interface GpuDevice {
  createShaderModule(descriptor: { code: string }): unknown;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): GpuPipeline;
  createBindGroup(descriptor: { layout: unknown; entries: { binding: number; resource: { buffer: GpuBuffer } }[] }): unknown;
  readonly queue: { writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView | ArrayBuffer): void };
}

interface TensorData {
  resource: unknown;
}

/**
 * The parts of tfjs-backend-webgpu's `WebGPUBackend` used here: its device, buffer pool, tensor
 * map, and the command encoder it batches its own dispatches into (so that the fused step's
 * commands go into the same command buffer and the same queue submit).
 * @internal
 */
export interface WebGpuBackendLike {
  readonly device: GpuDevice;
  readonly bufferManager: {
    acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): GpuBuffer;
    releaseBuffer(buffer: GpuBuffer, reuse?: boolean): void;
  };
  readonly tensorMap: { get(dataId: object): TensorData | undefined };
  commandEncoder: GpuEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  ensureCommandEncoderReady(): void;
  submitQueue(): void;
  endComputePassEncoder(): void;
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

/** The active backend as a tfjs-backend-webgpu one, or null when it is not (or not a version this code knows). @internal */
export function webGpuBackend(): WebGpuBackendLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = tf.backend() as unknown as Partial<WebGpuBackendLike>;
  const known =
    typeof b.device === 'object' &&
    typeof b.bufferManager?.acquireBuffer === 'function' &&
    typeof b.tensorMap?.get === 'function' &&
    typeof b.ensureCommandEncoderReady === 'function' &&
    typeof b.submitQueue === 'function' &&
    typeof b.endComputePassEncoder === 'function' &&
    typeof b.uploadToGPU === 'function' &&
    b.commandQueueOwnedIds instanceof WeakSet;
  return known ? (b as WebGpuBackendLike) : null;
}

/**
 * The GPU buffer of a tensor on the WebGPU backend (uploading it first when its values are still
 * on the CPU), marked as used by the pending command buffer so that tfjs keeps it until the submit.
 * @internal
 */
export function bufferOf(backend: WebGpuBackendLike, t: tf.TensorInfo): GpuBuffer {
  // A tensor made while another backend was active (a model built before useBackend('webgpu'))
  // moves over first, as tfjs moves it for its own kernels.
  const engine = tf.engine();
  const owner = engine.state.tensorInfo.get(t.dataId)?.backend;
  if (owner !== undefined && owner !== (backend as unknown as tf.KernelBackend)) engine.moveData(backend as unknown as tf.KernelBackend, t.dataId);
  backend.uploadToGPU(t.dataId);
  const resource = backend.tensorMap.get(t.dataId)?.resource as GpuBuffer | undefined;
  if (resource === undefined || resource === null || typeof resource.size !== 'number') {
    throw new Error(`fused WebGPU step: tensor of shape [${t.shape.join(',')}] has no GPU buffer`);
  }
  backend.commandQueueOwnedIds.add(t.dataId);
  return resource;
}

/**
 * A new float32 tensor on the WebGPU backend whose buffer is allocated but not written (the
 * caller records a copy into it before any read). The caller owns the tensor.
 * @internal
 */
export function emptyTensor(backend: WebGpuBackendLike, shape: number[]): { tensor: tf.Tensor; buffer: GpuBuffer } {
  const info = backend.makeTensorInfo(shape, 'float32');
  const tensor = tf.engine().makeTensorFromTensorInfo(info);
  return { tensor, buffer: bufferOf(backend, info) };
}
