// What the fused WebGPU tests share: Dawn on OpenGL ES (Mesa's llvmpipe in CI) and the count of
// GPU dispatches and queue submits per training step, taken at the WebGPU API.
import type * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { train } from '../../src/index.js';
import type { TrainHistory, TrainableModel } from '../../src/index.js';

/** useBackend options for WebGPU in Node without a GPU. */
export const NODE_WEBGPU = { nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } } as const;

/**
 * GPU dispatches and queue submits of steps 2 and 3 while `model` trains one epoch of 4 batches of
 * `rows` on the fused path (checked), counted by wrapping `GPUComputePassEncoder.dispatchWorkgroups`
 * and `GPUQueue.submit` of the `webgpu` package's globals, which useBackend put on globalThis.
 */
export async function countPerStep(model: TrainableModel, rows: tf.Tensor2D, batchSize: number): Promise<{ dispatches: number; submits: number }[]> {
  const g = globalThis as unknown as Record<string, { prototype: unknown }>;
  const pass = g['GPUComputePassEncoder']!.prototype as { dispatchWorkgroups: (...a: number[]) => void };
  const queue = g['GPUQueue']!.prototype as { submit: (...a: unknown[]) => void };
  const [dispatch, submit] = [pass.dispatchWorkgroups, queue.submit];
  const counts = { dispatches: 0, submits: 0 };
  const atBatchEnd: { dispatches: number; submits: number }[] = [];
  pass.dispatchWorkgroups = function (this: unknown, ...a: number[]) {
    counts.dispatches++;
    return dispatch.apply(this, a);
  };
  queue.submit = function (this: unknown, ...a: unknown[]) {
    counts.submits++;
    return submit.apply(this, a);
  };
  let history: TrainHistory;
  try {
    history = await train(model, rows, { epochs: 1, batchSize, seed: 2, callbacks: { onBatchEnd: () => void atBatchEnd.push({ ...counts }) } });
  } finally {
    pass.dispatchWorkgroups = dispatch;
    queue.submit = submit;
  }
  expect(history.path).toBe('fused-webgpu');
  expect(atBatchEnd).toHaveLength(4);
  // Batch b's end comes once step b + 1 is queued, so between two batch ends lies exactly one step
  // (steps 2 and 3; step 1 also made the Adam moments, and the last batch ends after the epoch's last step).
  return [1, 2].map((b) => ({
    dispatches: atBatchEnd[b]!.dispatches - atBatchEnd[b - 1]!.dispatches,
    submits: atBatchEnd[b]!.submits - atBatchEnd[b - 1]!.submits,
  }));
}
