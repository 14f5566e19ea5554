import type * as tf from '@tensorflow/tfjs-core';
import { describe, isTensor, typeFail } from '../core/index.js';
import type { LossOutput, TrainableModel } from '../models/contract.js';

/**
 * The names of a model's loss terms, fixed by the first batch; later batches must return
 * the same names.
 * @internal
 */
export interface TermNames {
  names: string[] | undefined;
}

/**
 * Checks what `model.computeLoss` returned and gives the loss and the term scalars in the
 * order of `termNames` (set from the first batch).
 * @internal
 */
export function checkLossOutput(
  out: unknown,
  termNames: TermNames,
  fn: string,
): { loss: tf.Scalar; terms: tf.Scalar[] } {
  const where = `${fn}: model.computeLoss`;
  if (typeof out !== 'object' || out === null) {
    throw new TypeError(`${where} must return { loss, terms }, got ${describe(out)}`);
  }
  const { loss, terms } = out as Partial<LossOutput>;
  if (!isTensor(loss) || loss.rank !== 0) {
    throw new TypeError(`${where} must return a scalar tensor as 'loss', got ${describe(loss)}`);
  }
  if (typeof terms !== 'object' || terms === null) {
    throw new TypeError(`${where} must return an object of scalar tensors as 'terms', got ${describe(terms)}`);
  }
  const keys = Object.keys(terms);
  if (termNames.names === undefined) {
    termNames.names = keys;
  } else if (keys.length !== termNames.names.length || termNames.names.some((k) => !(k in terms))) {
    throw new Error(
      `${where} returned the terms [${keys.join(', ')}] but earlier batches returned [${termNames.names.join(', ')}]`,
    );
  }
  const list = termNames.names.map((k) => {
    const t = (terms as Record<string, unknown>)[k];
    if (!isTensor(t) || t.rank !== 0) {
      throw new TypeError(`${where} must return scalar tensors in 'terms', got ${describe(t)} for '${k}'`);
    }
    return t as tf.Scalar;
  });
  return { loss: loss as tf.Scalar, terms: list };
}

/** Throws unless `model` looks like a {@link TrainableModel}; returns its trainable variables. @internal */
export function checkModel(model: unknown, fn: string): tf.Variable[] {
  if (typeof model !== 'object' || model === null) {
    typeFail(fn, 'model', 'a TrainableModel ({ trainableVariables, computeLoss })', model);
  }
  // Before reading trainableVariables, whose getter throws in the model's own name once disposed.
  if ((model as { isDisposed?: unknown }).isDisposed === true) throw new Error(`${fn}: argument 'model' was disposed`);
  const m = model as Partial<TrainableModel>;
  if (typeof m.computeLoss !== 'function') {
    typeFail(fn, 'model.computeLoss', 'a function (batch, ctx) => { loss, terms }', m.computeLoss);
  }
  if (!Array.isArray(m.trainableVariables)) {
    typeFail(fn, 'model.trainableVariables', 'an array of tf.Variable', m.trainableVariables);
  }
  const vars = m.trainableVariables as unknown[];
  vars.forEach((v, i) => {
    if (!isTensor(v) || typeof (v as { assign?: unknown }).assign !== 'function') {
      typeFail(fn, `model.trainableVariables[${i}]`, 'a tf.Variable', v);
    }
    if (v.isDisposed) throw new Error(`${fn}: argument 'model.trainableVariables[${i}]' is a disposed variable`);
  });
  return (vars as tf.Variable[]).filter((v) => v.trainable);
}

/** Turns a term vector read from the device into a record. @internal */
export function termRecord(names: readonly string[], values: ArrayLike<number>, offset: number, scale = 1): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((k, i) => {
    out[k] = values[offset + i]! * scale;
  });
  return out;
}
