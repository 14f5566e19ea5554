import type * as tf from '@tensorflow/tfjs-core';

interface RateHolder {
  learningRate?: unknown;
  setLearningRate?: (rate: number) => void;
}

/** The optimizer's current learning rate, when it exposes one as a number. @internal */
export function readLearningRate(optimizer: tf.Optimizer): number | undefined {
  const rate = (optimizer as unknown as RateHolder).learningRate;
  return typeof rate === 'number' ? rate : undefined;
}

/**
 * Sets the optimizer's learning rate: through `setLearningRate` where the optimizer has it
 * (SGD and Momentum cache the rate in a tensor), else by writing its `learningRate` field,
 * which Adam, Adamax, Adagrad, Adadelta and RMSProp read at every step.
 * Returns false when the optimizer has neither.
 * @internal
 */
export function writeLearningRate(optimizer: tf.Optimizer, rate: number): boolean {
  const holder = optimizer as unknown as RateHolder;
  if (typeof holder.setLearningRate === 'function') {
    holder.setLearningRate(rate);
    return true;
  }
  if (typeof holder.learningRate === 'number') {
    holder.learningRate = rate;
    return true;
  }
  return false;
}
