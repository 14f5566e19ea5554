import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from '../backend/index.js';
import { FUSED_ACTIVATIONS, FusedDenseStep, type FusedActivation, fastWebGpuKernelsEnabled } from '../kernels/webgpu/index.js';
import type { DensePlannable, DenseTrainingPlan, TrainableModel } from '../models/contract.js';
import { type StepInput, trainStep } from './step.js';
import type { TrainingPath } from './types.js';

/**
 * How the trainer runs a step: the one interface between the training loop and the ways a step
 * can run. `run` returns the report `[loss, check, ...terms]` that {@link trainStep} returns.
 * @internal
 */
export interface StepRunner {
  readonly path: TrainingPath;
  run(input: StepInput): tf.Tensor1D;
  dispose(): void;
}

const perOp: StepRunner = { path: 'per-op', run: trainStep, dispose: () => undefined };

function planOf(model: TrainableModel): DenseTrainingPlan | null {
  const m = model as Partial<DensePlannable>;
  return typeof m.denseTrainingPlan === 'function' ? m.denseTrainingPlan() : null;
}

/**
 * Chooses how to run the steps of one `train` call: the fused WebGPU step when the backend is
 * tfjs-backend-webgpu with the package's kernels allowed, the optimizer is the package's Adam,
 * there is no gradient clipping, and the model describes itself as a dense stack whose
 * variables are exactly the trainer's; otherwise {@link trainStep} (tfjs' kernels, the package's Adam).
 * @internal
 */
export function chooseStepRunner(model: TrainableModel, variables: readonly tf.Variable[], optimizer: tf.Optimizer, clipNorm: number | undefined): StepRunner {
  if (tf.getBackend() !== 'webgpu' || !fastWebGpuKernelsEnabled() || clipNorm !== undefined || !FusedAdam.isFusedAdam(optimizer)) return perOp;
  const plan = planOf(model);
  if (plan === null || !plan.layers.every((l) => FUSED_ACTIVATIONS.includes(l.activation as FusedActivation))) return perOp;
  const layers = plan.layers.map((l) => ({ kernel: l.kernel, bias: l.bias, activation: l.activation as FusedActivation }));
  const step = FusedDenseStep.create({ layers, loss: plan.loss, ...(plan.l1 === undefined ? {} : { l1: plan.l1 }) }, variables);
  if (step === null) return perOp;
  const adam = optimizer;
  return {
    path: 'fused-webgpu',
    run(input: StepInput): tf.Tensor1D {
      const prepared = tf.tidy(() => {
        const { input: x, target } = plan.prepare(input.makeBatch(), input.context);
        return target === null ? [x] : [x, target];
      });
      try {
        const report = step.step(prepared[0]!, prepared[1] ?? null, adam.externalStep(variables));
        adam.completeStep();
        input.termNames.names ??= [...plan.termNames];
        return report;
      } finally {
        tf.dispose(prepared);
      }
    },
    dispose: () => step.dispose(),
  };
}
