/**
 * The package's Adam on WebGPU for gradients computed by tfjs' own kernels (models the fused
 * dense step does not cover): every gradient is copied into one flat buffer and ONE dispatch of
 * the Adam kernel updates all weights and both moments, in place of tfjs' ~13 kernels per
 * variable. As in the fused step, the weights and moments stay tfjs variables (copied in when
 * they changed, copied out into new tensors that the variables are assigned).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AdamStepState } from './dense-step.js';
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
  readonly #count: number;
  readonly #buffers: GpuBuffer[];
  readonly #weights: GpuBuffer;
  readonly #grads: GpuBuffer;
  readonly #moments: GpuBuffer;
  readonly #report: GpuBuffer;
  readonly #step: GpuBuffer;
  readonly #pipeline: GpuPipeline;
  readonly #group: unknown;
  readonly #grid: [number, number];
  #last: { w: object | undefined; m: object | undefined; v: object | undefined }[];
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
    this.#count = offset;
    this.#last = variables.map(() => ({ w: undefined, m: undefined, v: undefined }));
    const pool = backend.bufferManager;
    const storage = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    this.#weights = pool.acquireBuffer(offset * F32, storage);
    this.#grads = pool.acquireBuffer(offset * F32, storage);
    this.#moments = pool.acquireBuffer(2 * offset * F32, storage);
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
    const s = adam.scalars;
    const fr = Math.fround;
    const scalars = tf.tensor1d([fr(s.beta1), fr(1 - s.beta1), fr(s.beta2), fr(1 - s.beta2), fr(s.oneMinusAccBeta1), fr(s.oneMinusAccBeta2), fr(s.epsilon), fr(-s.learningRate)]);
    try {
      const scalarBuffer = bufferOf(backend, scalars);
      const n = this.#count;
      const ins = this.variables.map((v, i) => {
        const last = this.#last[i]!;
        const { m, v: second } = adam.moments[i]!;
        return {
          g: bufferOf(backend, gradients[i]!),
          w: last.w === v.dataId ? null : bufferOf(backend, v),
          m: last.m === m.dataId ? null : bufferOf(backend, m),
          v: last.v === second.dataId ? null : bufferOf(backend, second),
        };
      });
      backend.ensureCommandEncoderReady();
      backend.endComputePassEncoder();
      const encoder = backend.commandEncoder!;
      encoder.copyBufferToBuffer(scalarBuffer, 0, this.#step, 0, 32);
      encoder.clearBuffer(this.#report, 0, 4 * F32);
      ins.forEach((c, i) => {
        const offset = this.#offsets[i]! * F32;
        const bytes = this.variables[i]!.size * F32;
        encoder.copyBufferToBuffer(c.g, 0, this.#grads, offset, bytes);
        if (c.w !== null) encoder.copyBufferToBuffer(c.w, 0, this.#weights, offset, bytes);
        if (c.m !== null) encoder.copyBufferToBuffer(c.m, 0, this.#moments, offset, bytes);
        if (c.v !== null) encoder.copyBufferToBuffer(c.v, 0, this.#moments, n * F32 + offset, bytes);
      });
      const pass = encoder.beginComputePass();
      pass.setPipeline(this.#pipeline);
      pass.setBindGroup(0, this.#group);
      pass.dispatchWorkgroups(this.#grid[0], this.#grid[1], 1);
      pass.end();
      const check = emptyTensor(backend, []);
      encoder.copyBufferToBuffer(this.#report, F32, check.buffer, 0, F32);
      this.variables.forEach((variable, i) => {
        const offset = this.#offsets[i]! * F32;
        const bytes = variable.size * F32;
        const { m, v } = adam.moments[i]!;
        const targets: [tf.Variable, GpuBuffer, number][] = [
          [variable, this.#weights, offset],
          [m, this.#moments, offset],
          [v, this.#moments, n * F32 + offset],
        ];
        const ids = targets.map(([target, from, at]) => {
          const out = emptyTensor(backend, [...variable.shape]);
          encoder.copyBufferToBuffer(from, at, out.buffer, 0, bytes);
          target.assign(out.tensor);
          out.tensor.dispose();
          return target.dataId;
        });
        this.#last[i] = { w: ids[0], m: ids[1], v: ids[2] };
      });
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
