/**
 * The package's Adam on WebGPU for gradients computed by tfjs' own kernels (models the fused
 * dense step does not cover): every gradient is copied into one flat buffer and ONE dispatch of
 * the Adam kernel updates all weights and both moments, in place of tfjs' ~13 kernels per
 * variable. As in the fused step, the weights and moments stay tfjs variables (copied in when
 * they changed, copied out into new tensors that the variables are assigned).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type AdamStepState, type FlatLayout, adamScalarsTensor, changedBuffers, recordCopyIn, recordCopyOut } from './flat-state.js';
import { type GpuBuffer, type GpuPipeline, type WebGpuBackendLike, USAGE, bufferOf, emptyTensor, webGpuBackend } from './gpu.js';
import { ADAM_THREADS, adamShader } from './wgsl.js';

const F32 = 4;

/**
 * One Adam dispatch over a fixed list of float32 variables on the active WebGPU backend.
 * @internal
 */
export class FlatAdam {
  readonly variables: readonly tf.Variable[];
  readonly #backend: WebGpuBackendLike;
  readonly #offsets: number[];
  readonly #buffers: GpuBuffer[];
  readonly #weights: GpuBuffer;
  readonly #grads: GpuBuffer;
  readonly #moments: GpuBuffer;
  readonly #report: GpuBuffer;
  readonly #step: GpuBuffer;
  readonly #pipeline: GpuPipeline;
  readonly #group: unknown;
  readonly #grid: [number, number];
  readonly #layout: FlatLayout;
  #disposed = false;

  private constructor(backend: WebGpuBackendLike, variables: readonly tf.Variable[]) {
    this.#backend = backend;
    this.variables = variables;
    let offset = 0;
    this.#offsets = variables.map((v) => {
      const at = offset;
      offset += v.size;
      return at;
    });
    const pool = backend.bufferManager;
    const storage = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    this.#weights = pool.acquireBuffer(offset * F32, storage);
    this.#grads = pool.acquireBuffer(offset * F32, storage);
    this.#moments = pool.acquireBuffer(2 * offset * F32, storage);
    const last = variables.map(() => ({ w: undefined, m: undefined, v: undefined }));
    this.#layout = { variables, offsets: this.#offsets, count: offset, weights: this.#weights, moments: this.#moments, last };
    this.#report = pool.acquireBuffer(4 * F32, storage);
    const size = pool.acquireBuffer(16, USAGE.UNIFORM | USAGE.COPY_DST);
    this.#step = pool.acquireBuffer(32, USAGE.UNIFORM | USAGE.COPY_DST);
    this.#buffers = [this.#weights, this.#grads, this.#moments, this.#report, size, this.#step];
    const groups = Math.ceil(offset / ADAM_THREADS);
    const x = Math.min(groups, 65535);
    this.#grid = [x, Math.ceil(groups / x)];
    backend.device.queue.writeBuffer(size, 0, Uint32Array.of(offset, x * ADAM_THREADS, 0, 0));
    const device = backend.device;
    this.#pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: adamShader() }), entryPoint: 'main' } });
    this.#group = device.createBindGroup({
      layout: this.#pipeline.getBindGroupLayout(0),
      entries: [size, this.#step, this.#weights, this.#grads, this.#moments, this.#report].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** A flat Adam for `variables` (all float32), or null when the active backend is not tfjs-backend-webgpu. */
  static create(variables: readonly tf.Variable[]): FlatAdam | null {
    const backend = webGpuBackend();
    if (backend === null || variables.length === 0 || variables.some((v) => v.dtype !== 'float32')) return null;
    return new FlatAdam(backend, variables);
  }

  /** Whether this flat Adam serves exactly `variables`, in this order. */
  serves(variables: readonly tf.Variable[]): boolean {
    return !this.#disposed && variables.length === this.variables.length && variables.every((v, i) => v === this.variables[i]);
  }

  /**
   * Records one Adam step for all variables: `gradients[i]` (float32, the shape of variable i) is
   * copied into the flat gradient buffer; the new weights and moments are assigned to the
   * variables and the moment variables.
   * @returns a scalar owned by the caller: 0 when every gradient entry was finite, NaN otherwise.
   */
  step(gradients: readonly tf.Tensor[], adam: AdamStepState): tf.Scalar {
    if (this.#disposed) throw new Error('FlatAdam.step: disposed');
    const backend = this.#backend;
    const scalars = adamScalarsTensor(adam.scalars);
    try {
      const scalarBuffer = bufferOf(backend, scalars);
      const grads = this.variables.map((_, i) => bufferOf(backend, gradients[i]!));
      const ins = changedBuffers(backend, this.#layout, adam);
      backend.ensureCommandEncoderReady();
      backend.endComputePassEncoder();
      const encoder = backend.commandEncoder!;
      encoder.copyBufferToBuffer(scalarBuffer, 0, this.#step, 0, 32);
      encoder.clearBuffer(this.#report, 0, 4 * F32);
      grads.forEach((g, i) => encoder.copyBufferToBuffer(g, 0, this.#grads, this.#offsets[i]! * F32, this.variables[i]!.size * F32));
      recordCopyIn(encoder, this.#layout, ins);
      const pass = encoder.beginComputePass();
      pass.setPipeline(this.#pipeline);
      pass.setBindGroup(0, this.#group);
      pass.dispatchWorkgroups(this.#grid[0], this.#grid[1], 1);
      pass.end();
      const check = emptyTensor(backend, []);
      encoder.copyBufferToBuffer(this.#report, F32, check.buffer, 0, F32);
      recordCopyOut(encoder, backend, this.#layout, adam);
      return check.tensor as tf.Scalar;
    } finally {
      scalars.dispose();
    }
  }

  /** Releases the GPU buffers (back to tfjs' pool). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const b of this.#buffers) this.#backend.bufferManager.releaseBuffer(b);
  }
}
