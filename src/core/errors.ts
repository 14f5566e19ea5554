import type * as tf from '@tensorflow/tfjs-core';

/**
 * Describes a value for an error message: `a tensor of shape [2,3] (float32)`,
 * `the number NaN`, `an array of length 4`, `undefined`.
 * @internal
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (isTensor(value)) return `a tensor of shape [${value.shape.join(',')}] (${value.dtype})`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'function') return 'a function';
  return `an object with keys [${Object.keys(value as object).slice(0, 8).join(', ')}]`;
}

/** Formats a shape as `[2,3]`; `null` entries (any size) print as `?`. @internal */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((s) => (s === null ? '?' : String(s))).join(',')}]`;
}

/**
 * Throws an `Error` of the form
 * `fn: argument 'arg' must be <expected>, got <described value>`.
 * @internal
 */
export function fail(fn: string, arg: string, expected: string, received: unknown): never {
  throw new Error(`${fn}: argument '${arg}' must be ${expected}, got ${describe(received)}`);
}

/** Like {@link fail} but throws a `TypeError` (for values of the wrong kind). @internal */
export function typeFail(fn: string, arg: string, expected: string, received: unknown): never {
  throw new TypeError(`${fn}: argument '${arg}' must be ${expected}, got ${describe(received)}`);
}

/** True when `value` looks like a tfjs tensor (duck-typed so that two tfjs copies still work). @internal */
export function isTensor(value: unknown): value is tf.Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { shape?: unknown }).shape) &&
    typeof (value as { dtype?: unknown }).dtype === 'string' &&
    typeof (value as { dataId?: unknown }).dataId === 'object'
  );
}
