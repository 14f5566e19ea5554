import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LossContext, TrainableModel } from '../models/contract.js';
import { FusedAdam, sumScalars } from '../backend/index.js';
import { checkLossOutput } from './output.js';
import type { TermNames } from './output.js';

/** Everything one optimisation step needs. @internal */
export interface StepInput {
  readonly fn: string;
  readonly model: TrainableModel;
  /** The trainable variables, in a fixed order (optimizers key their state by position). */
  readonly variables: tf.Variable[];
  readonly optimizer: tf.Optimizer;
  /** Builds the batch; called inside the step's `tf.tidy`. */
  readonly makeBatch: () => Batch;
  readonly context: LossContext;
  readonly clipNorm: number | undefined;
  readonly termNames: TermNames;
}

/**
 * One optimisation step, all on the device and without any read: builds the batch,
 * computes the loss and its gradients with one `tf.variableGrads`, optionally clips them
 * to a global norm, applies them with the optimizer, and returns a report vector
 * `[loss, check, ...terms]` where `check` is the global gradient norm (with `clipNorm`) or
 * the sum of all gradient entries (without): it is finite exactly when every gradient is
 * (barring overflow past float32's range). Every intermediate tensor is disposed.
 * @internal
 */
export function trainStep(input: StepInput): tf.Tensor1D {
  const { fn, model, variables, optimizer, makeBatch, context, clipNorm, termNames } = input;
  // Terms must outlive the tape's inner tidy, which keeps only the loss: tf.keep them and
  // dispose them here.
  const held: { terms: tf.Tensor | undefined } = { terms: undefined };
  try {
    return tf.tidy(() => {
      const batch = makeBatch();
      const { value, grads } = tf.variableGrads(() => {
        const out = checkLossOutput(model.computeLoss(batch, context), termNames, fn);
        if (out.terms.length > 0) held.terms = tf.keep(tf.stack(out.terms));
        return out.loss;
      }, variables);
      const present = variables.map((v) => grads[v.name] ?? null);
      const gradients = present.filter((g): g is tf.Tensor => g !== null);
      let check: tf.Scalar | undefined;
      let applied: (tf.Tensor | null)[] = present;
      if (clipNorm !== undefined) {
        const norm = tf.sqrt(sumScalars(gradients.map((g) => tf.sum(tf.square(g)))));
        const factor = tf.div(clipNorm, tf.maximum(norm, clipNorm));
        applied = present.map((g) => (g === null ? null : tf.mul(g, factor)));
        check = norm as tf.Scalar;
      } else if (!FusedAdam.isFusedAdam(optimizer)) {
        check = sumScalars(gradients.map((g) => tf.sum(g)));
      }
      // The array form, in the variables' order, keeps the optimizer's per-variable state aligned
      // (a null gradient, for a variable the loss does not reach, is skipped by every tfjs optimizer).
      const named = variables.map((v, i) => ({ name: v.name, tensor: applied[i] as tf.Tensor }));
      if (check === undefined) {
        // The package's Adam sums the gradients in the same pass as the update.
        check = (optimizer as FusedAdam).applyGradientsWithCheck(named);
      } else {
        optimizer.applyGradients(named);
      }
      const head = tf.stack([value, check]);
      return (held.terms === undefined ? head : tf.concat([head, held.terms])) as tf.Tensor1D;
    });
  } catch (error) {
    releaseAbandonedTape();
    throw explainMissingKernel(error, fn);
  } finally {
    held.terms?.dispose();
  }
}

/**
 * tfjs says only "Kernel 'X' not registered for backend 'Y'" when a backend lacks an operation
 * the model or its gradient needs (on wasm: the gradients of depthwise and separable
 * convolutions, `UnsortedSegmentSum` for gradients through `tf.gather`): say which call failed
 * and what to do instead. Other errors pass through unchanged.
 */
function explainMissingKernel(error: unknown, fn: string): unknown {
  const match = error instanceof Error ? /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(error.message) : null;
  if (match === null) return error;
  const [, kernel, backend] = match;
  return new Error(
    `${fn}: the model needs the operation '${kernel}' (in its forward pass or its gradient), which the '${backend}' backend does not have; ` +
      `train this model on another backend (e.g. await useBackend('cpu'), or 'webgpu'), or replace the layer that needs it`,
    { cause: error },
  );
}

/**
 * After a function differentiated by `tf.variableGrads` threw: disposes the tensors that its
 * gradient tape had saved for the backward pass. tfjs keeps them out of every `tf.tidy` and only
 * frees them once the backward pass has run, so a throw in the forward pass (a model refusing its
 * batch, a custom loss that throws) would leak them. Only at depth 0: an enclosing tape, if any,
 * still owns its nodes.
 * @internal
 */
function releaseAbandonedTape(): void {
  const state = tf.engine().state;
  const tape = state.activeTape as typeof state.activeTape | null;
  if (state.gradientDepth !== 0 || tape === null || tape === undefined) return;
  for (const node of tape) tf.dispose(node.saved ?? []);
  state.activeTape = [];
}
