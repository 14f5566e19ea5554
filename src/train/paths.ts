import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from '../backend/index.js';
import { FUSED_ACTIVATIONS, FusedDenseStep, FusedGaussianStep, type DenseLayerSpec, type FusedActivation, fastWebGpuKernelsEnabled } from '../kernels/webgpu/index.js';
import type { DenseLayerPlan, DensePlannable, DenseTrainingPlan, GaussianPlannable, GaussianTrainingPlan, TrainableModel } from '../models/contract.js';
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

function gaussianPlanOf(model: TrainableModel): GaussianTrainingPlan | null {
  const m = model as Partial<GaussianPlannable>;
  return typeof m.gaussianTrainingPlan === 'function' ? m.gaussianTrainingPlan() : null;
}

/** The plan's layers as the kernels take them, or null when an activation has no fused kernel. */
function layerSpecs(layers: readonly DenseLayerPlan[]): DenseLayerSpec[] | null {
  if (!layers.every((l) => FUSED_ACTIVATIONS.includes(l.activation as FusedActivation))) return null;
  return layers.map((l) => ({ kernel: l.kernel, bias: l.bias, activation: l.activation as FusedActivation }));
}

/**
 * Chooses how to run the steps of one `train` call: the fused WebGPU step when the backend is
 * tfjs-backend-webgpu with the package's kernels allowed, the optimizer is the package's Adam,
 * there is no gradient clipping, and the model describes itself as a dense stack (autoencoders)
 * or a dense Gaussian VAE (VAE, CVAE) whose
 * variables are exactly the trainer's; otherwise {@link trainStep} (tfjs' kernels, the package's Adam).
 * @internal
 */
export function chooseStepRunner(model: TrainableModel, variables: readonly tf.Variable[], optimizer: tf.Optimizer, clipNorm: number | undefined): StepRunner {
  if (tf.getBackend() !== 'webgpu' || !fastWebGpuKernelsEnabled() || clipNorm !== undefined || !FusedAdam.isFusedAdam(optimizer)) return perOp;
  return denseRunner(model, variables, optimizer) ?? gaussianRunner(model, variables, optimizer) ?? perOp;
}

/**
 * A runner of a fused step: `prepare` builds the batch's tensors (inside a tidy), `run` records
 * the step with this step's Adam state, after which the package's Adam advances; the prepared
 * tensors are released whatever happens.
 */
function fusedRunner(
  step: { dispose(): void },
  termNames: readonly string[],
  adam: FusedAdam,
  variables: readonly tf.Variable[],
  prepare: (input: StepInput) => tf.Tensor[],
  run: (prepared: tf.Tensor[], state: ReturnType<FusedAdam['externalStep']>) => tf.Tensor1D,
): StepRunner {
  return {
    path: 'fused-webgpu',
    run(input: StepInput): tf.Tensor1D {
      const prepared = tf.tidy(() => prepare(input));
      try {
        const report = run(prepared, adam.externalStep(variables));
        adam.completeStep();
        input.termNames.names ??= [...termNames];
        return report;
      } finally {
        tf.dispose(prepared);
      }
    },
    dispose: () => step.dispose(),
  };
}

/** The fused step of a dense autoencoder's plan, or null. */
function denseRunner(model: TrainableModel, variables: readonly tf.Variable[], adam: FusedAdam): StepRunner | null {
  const plan = planOf(model);
  const layers = plan === null ? null : layerSpecs(plan.layers);
  if (plan === null || layers === null) return null;
  const step = FusedDenseStep.create({ layers, loss: plan.loss, ...(plan.l1 === undefined ? {} : { l1: plan.l1 }) }, variables);
  if (step === null) return null;
  return fusedRunner(step, plan.termNames, adam, variables, (input) => {
    const { input: x, target } = plan.prepare(input.makeBatch(), input.context);
    return target === null ? [x] : [x, target];
  }, (prepared, state) => step.step(prepared[0]!, prepared[1] ?? null, state));
}

/** The fused step of a VAE's or CVAE's plan, or null. */
function gaussianRunner(model: TrainableModel, variables: readonly tf.Variable[], adam: FusedAdam): StepRunner | null {
  const plan = gaussianPlanOf(model);
  if (plan === null) return null;
  const encoder = layerSpecs(plan.encoder);
  const heads = layerSpecs([plan.mean, plan.logVar]);
  const decoder = layerSpecs(plan.decoder);
  if (encoder === null || heads === null || decoder === null) return null;
  const spec = { encoder, mean: heads[0]!, logVar: heads[1]!, logVarLimit: plan.logVarLimit, decoder, likelihood: plan.likelihood, labels: plan.labels, freeBits: plan.freeBits };
  const step = FusedGaussianStep.create(spec, variables);
  if (step === null) return null;
  // prepare (in the tidy) reads the step's KL weight and capacity; the step right after uses them.
  let scalars: { klWeight: number; capacity: number | null } = { klWeight: 0, capacity: null };
  return fusedRunner(step, plan.termNames, adam, variables, (input) => {
    const p = plan.prepare(input.makeBatch(), input.context);
    scalars = { klWeight: p.klWeight, capacity: p.capacity };
    return [p.input, p.target, p.noise];
  }, ([x, target, noise], state) => step.step({ input: x!, target: target!, noise: noise!, ...scalars }, state));
}
