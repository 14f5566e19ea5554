/**
 * Helpers shared by the models: checking the networks they are given, reaching the logits of a
 * sigmoid decoder, running networks, checking inputs and labels. Nothing here is public.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, describe, fail, formatShape, isTensor, randomSeed, toTensor, typeFail } from '../core/index.js';

/**
 * The shape of one sample, without the batch axis, as networks declare it: `null` means any size.
 * @category Models
 * @example
 * ```ts
 * const shape: FeatureShape = [28, 28, 1];
 * ```
 */
export type FeatureShape = readonly (number | null)[];

/** True when `value` looks like a built `tf.LayersModel`. @internal */
function isLayersModel(value: unknown): value is tfl.LayersModel {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { apply?: unknown }).apply === 'function' &&
    typeof (value as { dispose?: unknown }).dispose === 'function' &&
    Array.isArray((value as { trainableWeights?: unknown }).trainableWeights)
  );
}

/**
 * Checks that `value` is a built `tf.LayersModel` with `inputs` inputs and `outputs` outputs and
 * returns the feature shapes of its inputs and outputs.
 * @internal
 */
export function checkNetwork(
  value: unknown,
  fn: string,
  arg: string,
  counts: { inputs: readonly number[]; outputs: readonly number[] },
): { model: tfl.LayersModel; inputs: FeatureShape[]; outputs: FeatureShape[] } {
  if (!isLayersModel(value)) typeFail(fn, arg, 'a tf.LayersModel', value);
  const ins = (value as { inputs?: tfl.SymbolicTensor[] }).inputs;
  const outs = (value as { outputs?: tfl.SymbolicTensor[] }).outputs;
  if (!Array.isArray(ins) || !Array.isArray(outs) || ins.length === 0 || outs.length === 0) {
    throw new Error(`${fn}: argument '${arg}' must be a built tf.LayersModel (give its first layer an inputShape)`);
  }
  if (!counts.inputs.includes(ins.length)) {
    throw new Error(`${fn}: argument '${arg}' must have ${counts.inputs.join(' or ')} input(s), got ${ins.length}`);
  }
  if (!counts.outputs.includes(outs.length)) {
    throw new Error(`${fn}: argument '${arg}' must have ${counts.outputs.join(' or ')} output(s), got ${outs.length}`);
  }
  return { model: value, inputs: ins.map((s) => s.shape.slice(1)), outputs: outs.map((s) => s.shape.slice(1)) };
}

/** True when two feature shapes can describe the same tensors (`null` matches any size). @internal */
export function shapesMatch(a: FeatureShape, b: FeatureShape): boolean {
  return a.length === b.length && a.every((s, i) => s === null || b[i] === null || s === b[i]);
}

/** `[?,…]`: a feature shape printed with its batch axis. @internal */
export function batchShape(shape: FeatureShape): string {
  return formatShape([null, ...shape]);
}

/** Throws unless `actual` matches `expected`, in the words of `what`. @internal */
export function expectShape(actual: FeatureShape, expected: FeatureShape, fn: string, what: string, reason: string): void {
  if (!shapesMatch(actual, expected)) {
    throw new Error(`${fn}: ${what} must have shape ${batchShape(expected)} (${reason}), got ${batchShape(actual)}`);
  }
}

/**
 * When the decoder's output layer is an `Activation('sigmoid')` layer (as the package's decoders
 * build them), a model over the same layers that stops before it and gives the logits; else null.
 * It shares the decoder's weights and must never be disposed (the decoder owns the layers).
 * @internal
 */
export function sigmoidLogitsModel(decoder: tfl.LayersModel): tfl.LayersModel | null {
  const out = decoder.outputs[0];
  if (out === undefined || decoder.outputs.length !== 1) return null;
  const layer = out.sourceLayer;
  if (layer.getClassName() !== 'Activation' || layer.getConfig()['activation'] !== 'sigmoid') return null;
  const logits = out.inputs[0];
  if (logits === undefined || out.inputs.length !== 1) return null;
  return tfl.model({ inputs: decoder.inputs, outputs: logits });
}

/** Runs a network on one or more inputs and returns its single output. Call inside `tf.tidy`. @internal */
export function run1(model: tfl.LayersModel, inputs: tf.Tensor | tf.Tensor[], training: boolean): tf.Tensor {
  const out = model.apply(inputs, { training });
  return Array.isArray(out) ? (out[0] as tf.Tensor) : (out as tf.Tensor);
}

/** Runs a network and returns its outputs as a list. Call inside `tf.tidy`. @internal */
export function runAll(model: tfl.LayersModel, inputs: tf.Tensor | tf.Tensor[], training: boolean): tf.Tensor[] {
  const out = model.apply(inputs, { training });
  return (Array.isArray(out) ? out : [out]) as tf.Tensor[];
}

/**
 * The trainable variables of some networks, each once (networks may share layers).
 * @internal
 */
export function collectVariables(models: readonly tfl.LayersModel[]): tf.Variable[] {
  const seen = new Set<number>();
  const vars: tf.Variable[] = [];
  for (const m of models) {
    for (const w of m.trainableWeights) {
      const v = w.read() as tf.Variable;
      if (!seen.has(v.id)) {
        seen.add(v.id);
        vars.push(v);
      }
    }
  }
  return vars;
}

/**
 * Converts a data input to a float32 tensor of feature shape `shape` (`[n, ...shape]`). Call inside
 * `tf.tidy` (a converted input is then freed with the scope; a tensor input is never disposed).
 * @internal
 */
export function inputTensor(x: unknown, shape: FeatureShape, fn: string, arg: string, reason: string): tf.Tensor {
  const t = toTensor(x, fn, arg);
  if (t.rank !== shape.length + 1 || !shapesMatch(t.shape.slice(1), shape)) {
    throw new Error(`${fn}: argument '${arg}' must have shape ${batchShape(shape)} (${reason}), got shape ${formatShape(t.shape)}`);
  }
  if (t.shape[0] === 0) fail(fn, arg, 'a non-empty batch', t);
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

export type { LabelInput } from '../core/index.js';

/** Backends whose tensors live in CPU memory, where reading labels back is cheap and allowed. */
const HOST_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/** True when the active backend keeps tensors in CPU memory, so that reading them back is cheap. @internal */
export function readsBackCheaply(): boolean {
  return HOST_BACKENDS.has(tf.getBackend());
}

function checkLabelValues(values: ArrayLike<unknown>, numClasses: number, fn: string, arg: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new Error(`${fn}: argument '${arg}' must hold integers in [0, ${numClasses}), found ${describe(v)} at index ${i}`);
    }
  }
}

/**
 * Checks class labels and returns their one-hot float32 `[n, numClasses]` (`n` of them when `n` is
 * given). Arrays are checked value by value. Tensor labels are read back to be checked only on the
 * backends whose memory is the CPU's (cpu, wasm, tensorflow); on GPU backends a synchronous read
 * would stall the device (and throws on WebGPU in Node), so there a label outside `[0, numClasses)`
 * gives a row of NaN instead — a NaN loss, which the trainer stops on. `readBack` overrides the
 * choice (for tests). Call inside `tf.tidy`.
 * @internal
 */
export function oneHotLabels(
  labels: unknown,
  numClasses: number,
  n: number | undefined,
  fn: string,
  arg: string,
  readBack: boolean = HOST_BACKENDS.has(tf.getBackend()),
): tf.Tensor2D {
  const expected = `class labels, integers in [0, ${numClasses})${n === undefined ? '' : `, ${n} of them`}`;
  if (labels === undefined || labels === null) throw new Error(`${fn}: argument '${arg}' is required: ${expected}`);
  if (isTensor(labels)) {
    if (labels.isDisposed) throw new Error(`${fn}: argument '${arg}' is a disposed tensor`);
    if (labels.rank !== 1) fail(fn, arg, `a 1-D tensor of ${expected}`, labels);
    if (labels.dtype !== 'int32' && labels.dtype !== 'float32') fail(fn, arg, `an int32 tensor of ${expected}`, labels);
    const count = labels.shape[0]!;
    if (n !== undefined && count !== n) {
      throw new Error(`${fn}: argument '${arg}' must hold ${n} labels (one per row of the data), got ${count}`);
    }
    if (count === 0) fail(fn, arg, 'at least one label', labels);
    const indices = (labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32')) as tf.Tensor1D;
    const oneHot = oneHotOf(indices, numClasses);
    if (readBack) {
      checkLabelValues(labels.dataSync(), numClasses, fn, arg);
      return oneHot;
    }
    const asFloat = tf.cast(indices, 'float32');
    const valid = tf.logicalAnd(tf.greaterEqual(asFloat, 0), tf.less(asFloat, numClasses));
    return tf.where(tf.expandDims(valid, 1), oneHot, tf.fill([count, numClasses], NaN)) as tf.Tensor2D;
  }
  if (!Array.isArray(labels) && !(labels instanceof Int32Array)) {
    return typeFail(fn, arg, 'class labels (a tf.Tensor1D, number[] or Int32Array)', labels);
  }
  const values = labels as ArrayLike<unknown>;
  if (n !== undefined && values.length !== n) {
    throw new Error(`${fn}: argument '${arg}' must hold ${n} labels (one per row of the data), got ${values.length}`);
  }
  if (values.length === 0) fail(fn, arg, 'at least one label', labels);
  checkLabelValues(values, numClasses, fn, arg);
  return oneHotOf(tf.tensor1d(Array.from(values as ArrayLike<number>), 'int32'), numClasses);
}

/** float32 one-hot rows; one class gives a column of ones (`tf.oneHot` refuses depth 1). */
function oneHotOf(indices: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return numClasses === 1 ? tf.ones([indices.shape[0], 1]) : (tf.cast(tf.oneHot(indices, numClasses), 'float32') as tf.Tensor2D);
}

/** The most values one tensor may hold: the length limit of the typed arrays behind it. @internal */
export const MAX_TENSOR_SIZE = 0x7fffffff; // 2³¹ − 1 (a literal: bundlers keep `2 ** 31 - 1` at module scope)

/**
 * Checks `n`, a number of samples to draw: an integer >= 1 small enough that `n` samples of
 * `perSample` values each fit in one tensor. @internal
 */
export function checkSampleCount(n: unknown, perSample: number, fn: string): number {
  const max = Math.max(1, Math.floor(MAX_TENSOR_SIZE / Math.max(1, perSample)));
  assertNumber(n, fn, 'n', { integer: true, min: 1, max });
  return n;
}

/** The number of values in one sample of feature shape `shape` (an unknown size counts 1). @internal */
export function valuesPerSample(shape: FeatureShape): number {
  return shape.reduce<number>((a, s) => a * (s ?? 1), 1);
}

/**
 * Checks the `batch` and `context` arguments of a model's `computeLoss`: `batch` an object,
 * `context.training` a boolean, `context.seed` (if given) an integer >= 0 and
 * `context.klScale` (if given) a finite number >= 0, `context.samples` an integer >= 1 and
 * `context.atMean` a boolean (both for evaluation only), `context.epoch` an integer >= 0. @internal
 */
export function checkLossArguments(batch: unknown, context: unknown, fn: string, batchShape: string): void {
  if (typeof batch !== 'object' || batch === null) typeFail(fn, 'batch', batchShape, batch);
  if (typeof context !== 'object' || context === null) typeFail(fn, 'context', '{ training, seed?, klScale? }', context);
  const { training, seed, klScale, samples, atMean, epoch } = context as Record<string, unknown>;
  if (typeof training !== 'boolean') typeFail(fn, 'context.training', 'a boolean', training);
  if (seed !== undefined) assertNumber(seed, fn, 'context.seed', { integer: true, min: 0 });
  if (klScale !== undefined) assertNumber(klScale, fn, 'context.klScale', { min: 0 });
  if (samples !== undefined) {
    assertNumber(samples, fn, 'context.samples', { integer: true, min: 1 });
    if (training) fail(fn, 'context.samples', 'absent when training (it sets the draws of an evaluation)', samples);
  }
  if (atMean !== undefined) {
    if (typeof atMean !== 'boolean') typeFail(fn, 'context.atMean', 'a boolean', atMean);
    if (training && atMean) fail(fn, 'context.atMean', 'absent or false when training (training always samples)', atMean);
    if (atMean && samples !== undefined) fail(fn, 'context.samples', 'absent with context.atMean (z = μ is one value)', samples);
  }
  if (epoch !== undefined) assertNumber(epoch, fn, 'context.epoch', { integer: true, min: 0 });
}

/** Validates an optional seed and returns it, or a fresh one. @internal */
export function seedOrRandom(seed: unknown, fn: string, arg: string): number {
  if (seed === undefined) return randomSeed();
  assertNumber(seed, fn, arg, { integer: true, min: 0 });
  return seed;
}

/**
 * The encoder and decoder a model owns, and whether the model was disposed: what every model
 * class needs for its `trainableVariables`, `dispose` and `isDisposed`. @internal
 */
export class OwnedNetworks {
  #disposed = false;

  constructor(
    readonly encoder: tfl.LayersModel,
    readonly decoder: tfl.LayersModel,
  ) {}

  /** True once {@link OwnedNetworks.dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Throws `fn: the model was disposed` once the networks were disposed. */
  assertAlive(fn: string): void {
    if (this.#disposed) throw new Error(`${fn}: the model was disposed`);
  }

  /** The trainable variables of both networks, each once. */
  variables(fn: string): tf.Variable[] {
    this.assertAlive(fn);
    return collectVariables([this.encoder, this.decoder]);
  }

  /** Disposes both networks' weights (a network shared by both, once). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.encoder.dispose();
    if (this.decoder !== this.encoder) this.decoder.dispose();
  }
}

/** Salts of {@link deriveSeed} for the random parts of one loss call. @internal */
export const SALT = { noise: 1, epsilon: 2, prior: 3 } as const;

/**
 * `tf.tidy` for a function returning a record of tensors (typed interfaces are not
 * `TensorContainer`s to TypeScript); every tensor found in the result is kept.
 * @internal
 */
export function tidyRecord<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T;
}
