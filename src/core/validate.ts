import type * as tf from '@tensorflow/tfjs-core';
import { fail, formatShape, isTensor, typeFail } from './errors.js';

/** Throws a TypeError unless `value` is a tfjs tensor. @internal */
export function assertTensor(value: unknown, fn: string, arg: string): asserts value is tf.Tensor {
  if (!isTensor(value)) typeFail(fn, arg, 'a tf.Tensor', value);
  if (value.isDisposed) throw new Error(`${fn}: argument '${arg}' is a disposed tensor`);
}

/** Throws unless `value` is a live tensor of a numeric dtype (float32, int32 or bool). @internal */
export function assertNumericTensor(value: unknown, fn: string, arg: string): asserts value is tf.Tensor {
  assertTensor(value, fn, arg);
  if (value.dtype !== 'float32' && value.dtype !== 'int32' && value.dtype !== 'bool') typeFail(fn, arg, 'a float32, int32 or bool tensor', value);
}

/**
 * Throws unless `t` has the given rank and sizes (`null` = any size).
 * @internal
 */
export function assertShape(t: tf.Tensor, expected: readonly (number | null)[], fn: string, arg: string): void {
  const ok = t.rank === expected.length && expected.every((s, i) => s === null || s === t.shape[i]);
  if (!ok) {
    throw new Error(
      `${fn}: argument '${arg}' must have shape ${formatShape(expected)}, got shape ${formatShape(t.shape)}`,
    );
  }
}

/** Throws unless two tensors have the same shape, naming both arguments. @internal */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, fn: string, argA: string, argB: string): void {
  if (a.rank !== b.rank || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new Error(
      `${fn}: arguments '${argA}' and '${argB}' must have the same shape, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
}

/** Options for {@link assertNumber}. @internal */
export interface NumberRule {
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  min?: number;
  /** Largest allowed value (inclusive unless `maxExclusive`). */
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

/**
 * Throws unless `value` is a finite number obeying `rule`; the message names the
 * function, the option and the allowed range.
 * @internal
 */
export function assertNumber(value: unknown, fn: string, arg: string, rule: NumberRule = {}): asserts value is number {
  const { min, max, minExclusive = false, maxExclusive = false, integer = false } = rule;
  const parts: string[] = [integer ? 'an integer' : 'a finite number'];
  if (min !== undefined) parts.push(`${minExclusive ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`${maxExclusive ? '<' : '<='} ${max}`);
  const expected = parts.join(' ');
  if (typeof value !== 'number') typeFail(fn, arg, expected, value);
  if (!Number.isFinite(value)) fail(fn, arg, expected, value);
  if (integer && !Number.isInteger(value)) fail(fn, arg, expected, value);
  if (min !== undefined && (minExclusive ? value <= min : value < min)) fail(fn, arg, expected, value);
  if (max !== undefined && (maxExclusive ? value >= max : value > max)) fail(fn, arg, expected, value);
}

/** Throws unless `value` is one of `allowed`. @internal */
export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], fn: string, arg: string): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(fn, arg, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
}

/** Throws unless `value` is an array of positive integers (layer sizes). @internal */
export function assertUnits(value: unknown, fn: string, arg: string): asserts value is number[] {
  if (!Array.isArray(value)) typeFail(fn, arg, 'an array of positive integers', value);
  value.forEach((u, i) => assertNumber(u, fn, `${arg}[${i}]`, { min: 1, integer: true }));
}

/**
 * Throws when `value` has an own key outside `known`, so that a misspelt option is never ignored
 * silently: `fn: unknown option 'key' in 'arg' (known: a, b, …)`.
 * @internal
 */
export function rejectUnknownKeys(value: object, known: readonly string[], fn: string, arg: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new Error(`${fn}: unknown option '${key}' in '${arg}' (known: ${known.join(', ')})`);
  }
}

/**
 * Reads an options object: `undefined` gives `{}`; anything but a plain object throws a
 * TypeError; a key outside `known` throws (see {@link rejectUnknownKeys}).
 * @internal
 */
export function readOptions(options: unknown, known: readonly string[], fn: string, arg = 'options'): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    typeFail(fn, arg, `an options object with keys among ${known.join(', ')}`, options);
  }
  rejectUnknownKeys(options, known, fn, arg);
  return options as Record<string, unknown>;
}

/**
 * Every key of an options type `T`, written as `{ key: true, … }` so that the compiler checks the
 * list is complete and holds nothing else. @internal
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Checks a required options argument: a plain object (else a TypeError naming `arg`) whose own
 * keys are all in `known` (else an Error naming the unknown key, see {@link rejectUnknownKeys}).
 * @internal
 */
export function assertOptions<T>(value: unknown, known: OptionKeys<T>, fn: string, arg = 'options'): asserts value is T {
  const keys = Object.keys(known);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) typeFail(fn, arg, `an options object with keys among ${keys.join(', ')}`, value);
  rejectUnknownKeys(value, keys, fn, arg);
}
