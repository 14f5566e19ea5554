/**
 * Saving and restoring the state of a tfjs optimizer (its moments and step counters), so that
 * training resumes exactly where it stopped.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from '../backend/index.js';
import { describe, formatShape } from '../core/index.js';
import { type Json, type JsonObject, bad, isObject, objectAt, onlyKeys, own } from './json.js';
import type { WeightSpec, WeightValues } from './weights.js';
import { readValues } from './weights.js';

interface OptimizerKind {
  /** Config fields, each a number or a boolean, as `getConfig()` gives them. */
  readonly numbers: readonly string[];
  readonly booleans: readonly string[];
  /** Names of the per-variable state lists, in `getWeights()` order. */
  readonly slots: (config: Readonly<Record<string, number | boolean>>) => readonly string[];
  readonly create: (c: Readonly<Record<string, number | boolean>>) => tf.Optimizer;
}

const n = (c: Readonly<Record<string, number | boolean>>, key: string): number => c[key] as number;

/** The optimizers whose state can be saved (tfjs class names). */
const OPTIMIZERS: Readonly<Record<string, OptimizerKind>> = {
  SGD: { numbers: ['learningRate'], booleans: [], slots: () => [], create: (c) => tf.train.sgd(n(c, 'learningRate')) },
  Momentum: {
    numbers: ['learningRate', 'momentum'],
    booleans: ['useNesterov'],
    slots: () => ['accumulation'],
    create: (c) => tf.train.momentum(n(c, 'learningRate'), n(c, 'momentum'), c['useNesterov'] === true),
  },
  Adam: {
    numbers: ['learningRate', 'beta1', 'beta2', 'epsilon'],
    booleans: [],
    slots: () => ['m', 'v'],
    // The package's Adam: tf.train.adam's numbers in one kernel per variable (and its powers are plain numbers).
    create: (c) => new FusedAdam(n(c, 'learningRate'), n(c, 'beta1'), n(c, 'beta2'), n(c, 'epsilon')),
  },
  RMSProp: {
    numbers: ['learningRate', 'decay', 'momentum', 'epsilon'],
    booleans: ['centered'],
    slots: (c) => (c['centered'] === true ? ['meanSquare', 'moment', 'meanGrad'] : ['meanSquare', 'moment']),
    create: (c) => tf.train.rmsprop(n(c, 'learningRate'), n(c, 'decay'), n(c, 'momentum'), n(c, 'epsilon'), c['centered'] === true),
  },
  Adagrad: {
    numbers: ['learningRate', 'initialAccumulatorValue'],
    booleans: [],
    slots: () => ['accumulatedGrad'],
    create: (c) => tf.train.adagrad(n(c, 'learningRate'), n(c, 'initialAccumulatorValue')),
  },
  Adadelta: {
    numbers: ['learningRate', 'rho', 'epsilon'],
    booleans: [],
    slots: () => ['accumulatedGrad', 'accumulatedUpdate'],
    create: (c) => tf.train.adadelta(n(c, 'learningRate'), n(c, 'rho'), n(c, 'epsilon')),
  },
};

/** The optimizer classes whose state can be saved. @internal */
export const SUPPORTED_OPTIMIZERS: readonly string[] = /* @__PURE__ */ Object.keys(OPTIMIZERS);

/** Adam keeps β₁ᵗ and β₂ᵗ in two private variables; `setWeights` recomputes them with `pow`, which may differ in the last bit. */
interface AdamInternals {
  accBeta1?: unknown;
  accBeta2?: unknown;
}

const ADAM_POWERS = ['accBeta1', 'accBeta2'] as const;

function adamPowers(optimizer: tf.Optimizer, fn: string): tf.Variable[] {
  const o = optimizer as unknown as AdamInternals;
  return ADAM_POWERS.map((key) => {
    const v = o[key];
    if (!(v instanceof tf.Variable)) {
      throw new Error(`${fn}: this version of tfjs-core's Adam has no '${key}' variable; its state cannot be saved exactly`);
    }
    return v;
  });
}

function kindOf(optimizer: unknown, fn: string, arg: string): [string, OptimizerKind] {
  const o = optimizer as Partial<tf.Optimizer> | null;
  if (typeof o !== 'object' || o === null || typeof o.getClassName !== 'function' || typeof o.getWeights !== 'function') {
    throw new TypeError(`${fn}: argument '${arg}' must be a tfjs optimizer (${SUPPORTED_OPTIMIZERS.join(', ')}), got ${describe(optimizer)}`);
  }
  const name = o.getClassName();
  const kind = Object.prototype.hasOwnProperty.call(OPTIMIZERS, name) ? OPTIMIZERS[name] : undefined;
  if (kind === undefined) {
    throw new Error(`${fn}: argument '${arg}' is a ${name} optimizer, whose state cannot be saved; use one of ${SUPPORTED_OPTIMIZERS.join(', ')}`);
  }
  return [name, kind];
}

/**
 * The optimizer's description for the document and its state as weight values
 * (`optimizer/iterations`, Adam's `optimizer/accBeta1|2`, then `optimizer/<slot>/<i>`).
 * `variables` are the model's trainable variables, in the order the trainer passes them.
 * @internal
 */
export async function saveOptimizer(
  optimizer: tf.Optimizer,
  variables: readonly tf.Variable[],
  fn: string,
  arg: string,
): Promise<{ description: JsonObject; weights: WeightValues[] }> {
  const [className, kind] = kindOf(optimizer, fn, arg);
  const raw = optimizer.getConfig() as Record<string, unknown>;
  const config: JsonObject = {};
  for (const key of kind.numbers) {
    const v = raw[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${fn}: the ${className} optimizer's '${key}' is ${describe(v)}, not a finite number`);
    config[key] = v;
  }
  for (const key of kind.booleans) config[key] = raw[key] === true;
  const slots = kind.slots(config as Record<string, number | boolean>);
  const named = await optimizer.getWeights();
  // getWeights() makes a new tensor for the step counter; the rest are the optimizer's own variables.
  const counter = named[0];
  try {
    const state = named.slice(1);
    const k = slots.length === 0 ? 0 : state.length / slots.length;
    if (!Number.isInteger(k) || (k !== 0 && k !== variables.length)) {
      throw new Error(
        `${fn}: argument '${arg}' holds state for ${state.length} tensors, which does not fit the model's ` +
          `${variables.length} trainable variables (${slots.length} per variable): was it used to train this model?`,
      );
    }
    const weights: WeightValues[] = [{ name: 'optimizer/iterations', shape: [], dtype: 'int32', values: Int32Array.of(optimizer.iterations) }];
    if (className === 'Adam') {
      const powers = FusedAdam.isFusedAdam(optimizer)
        ? optimizer.powers.map((p) => Float32Array.of(p))
        : await Promise.all(adamPowers(optimizer, fn).map(async (v) => (await v.data()) as Float32Array));
      powers.forEach((values, i) => weights.push({ name: `optimizer/${ADAM_POWERS[i]!}`, shape: [], dtype: 'float32', values }));
    }
    for (const [s, slot] of slots.entries()) {
      for (let i = 0; i < k; i++) {
        const t = state[s * k + i]!.tensor;
        const shape = variables[i]!.shape;
        if (t.shape.length !== shape.length || t.shape.some((d, j) => d !== shape[j])) {
          throw new Error(
            `${fn}: argument '${arg}' holds state of shape ${formatShape(t.shape)} for the model's variable ${i}, ` +
              `which has shape ${formatShape(shape)}: was it used to train this model?`,
          );
        }
        weights.push({ name: `optimizer/${slot}/${i}`, shape: [...shape], dtype: 'float32', values: (await t.data()) as Float32Array });
      }
    }
    return { description: { className, config }, weights };
  } finally {
    counter?.tensor.dispose();
  }
}

/** A checked optimizer description from a document. @internal */
export interface OptimizerPlan {
  readonly className: string;
  readonly config: Readonly<Record<string, number | boolean>>;
  /** The manifest entries of its state, by name. */
  readonly entries: readonly string[];
}

/**
 * Checks the optimizer description and its manifest entries against the model's trainable weight
 * shapes (in training order). Allocates nothing.
 * @internal
 */
export function planOptimizer(
  value: Json | undefined,
  specs: ReadonlyMap<string, WeightSpec>,
  trainableShapes: readonly (readonly number[])[],
  fn: string,
  path: string,
): OptimizerPlan {
  if (!isObject(value)) bad(fn, path, 'an optimizer description { className, config }', value);
  onlyKeys(value, ['className', 'config'], fn, path);
  const className = own(value, 'className');
  if (typeof className !== 'string' || !Object.prototype.hasOwnProperty.call(OPTIMIZERS, className)) {
    bad(fn, `${path}.className`, `one of ${SUPPORTED_OPTIMIZERS.join(', ')}`, className);
  }
  const kind = OPTIMIZERS[className]!;
  const raw = objectAt(value, 'config', fn, path);
  onlyKeys(raw, [...kind.numbers, ...kind.booleans], fn, `${path}.config`);
  const config: Record<string, number | boolean> = {};
  for (const key of kind.numbers) {
    const v = own(raw, key);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(fn, `${path}.config.${key}`, 'a finite number >= 0', v);
    config[key] = v;
  }
  for (const key of kind.booleans) {
    const v = own(raw, key);
    if (typeof v !== 'boolean') bad(fn, `${path}.config.${key}`, 'a boolean', v);
    config[key] = v;
  }
  const expect = (name: string, shape: readonly number[], dtype: string): void => {
    const spec = specs.get(name);
    if (spec === undefined) throw new Error(`${fn}: the weights manifest lacks the optimizer state '${name}'`);
    if (spec.dtype !== dtype || spec.shape.length !== shape.length || spec.shape.some((d, i) => d !== shape[i])) {
      throw new Error(
        `${fn}: weight '${name}' must be ${dtype} of shape ${formatShape(shape)} (the model's variable it belongs to), ` +
          `got ${spec.dtype} of shape ${formatShape(spec.shape)}`,
      );
    }
  };
  const entries = ['optimizer/iterations'];
  expect('optimizer/iterations', [], 'int32');
  if (className === 'Adam') {
    for (const key of ADAM_POWERS) {
      expect(`optimizer/${key}`, [], 'float32');
      entries.push(`optimizer/${key}`);
    }
  }
  const slots = kind.slots(config);
  const hasState = slots.length > 0 && specs.has(`optimizer/${slots[0]!}/0`);
  if (hasState) {
    for (const slot of slots) {
      trainableShapes.forEach((shape, i) => {
        expect(`optimizer/${slot}/${i}`, shape, 'float32');
        entries.push(`optimizer/${slot}/${i}`);
      });
    }
  }
  for (const name of specs.keys()) {
    if (name.startsWith('optimizer/') && !entries.includes(name)) {
      throw new Error(`${fn}: the weights manifest holds '${name}', which is no state of a ${className} optimizer for this model`);
    }
  }
  return { className, config, entries };
}

/**
 * Builds the optimizer and loads its state from the weights data (checked by {@link planOptimizer}).
 * Disposes everything it made when it fails.
 * @internal
 */
export async function restoreOptimizer(plan: OptimizerPlan, specs: ReadonlyMap<string, WeightSpec>, data: ArrayBuffer, fn: string): Promise<tf.Optimizer> {
  const kind = OPTIMIZERS[plan.className]!;
  const iterations = readValues(data, specs.get('optimizer/iterations')!)[0]!;
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new Error(`${fn}: weight 'optimizer/iterations' must hold a step count (an integer >= 0), got ${iterations}`);
  }
  const optimizer = kind.create(plan.config);
  const tensors: tf.Tensor[] = [];
  try {
    const named: Parameters<tf.Optimizer['setWeights']>[0] = [];
    for (const name of plan.entries) {
      if (name.startsWith('optimizer/accBeta')) continue;
      const spec = specs.get(name)!;
      const t = tf.tensor(readValues(data, spec), spec.shape, spec.dtype === 'int32' ? 'int32' : 'float32');
      tensors.push(t);
      named.push({ name: name === 'optimizer/iterations' ? 'iter' : name, tensor: t });
    }
    await optimizer.setWeights(named);
    if (plan.className === 'Adam' && FusedAdam.isFusedAdam(optimizer)) {
      const [p1, p2] = ADAM_POWERS.map((key) => {
        const value = readValues(data, specs.get(`optimizer/${key}`)!)[0]!;
        // β^(t+1) with β in [0, 1): anything else would turn every later step into NaN or nonsense.
        if (!(value >= 0 && value < 1)) throw new Error(`${fn}: weight 'optimizer/${key}' must hold a power of β in [0, 1), got ${value}`);
        return value;
      }) as [number, number];
      optimizer.setPowers(p1, p2);
    }
    return optimizer;
  } catch (error) {
    optimizer.dispose();
    throw error;
  } finally {
    tf.dispose(tensors);
  }
}
