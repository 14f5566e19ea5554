import { describe } from './errors.js';

/**
 * Field readers for an untrusted JSON document, bound to the function that reads it (its name
 * starts every message). Each reader checks one value and returns it typed, or throws
 * `fn: field 'path' must be <expected>, got <described value>`.
 * @internal
 */
export interface DocumentReader {
  /** Throws the field error for `path`. */
  bad(path: string, expected: string, got: unknown): never;
  /** True for a plain object (not `null`, not an array). */
  isRecord(v: unknown): v is Record<string, unknown>;
  /** `obj[key]` when `key` is an own property, else `undefined` (never the prototype's). */
  own(obj: Record<string, unknown>, key: string): unknown;
  /** Throws when `obj` has a key outside `allowed`; `path` is the object's own path (`''` for the root). */
  onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void;
  /** A finite number `>= min` (`> min` when `exclusive`). */
  finite(v: unknown, path: string, min?: number, exclusive?: boolean): number;
  /** An integer in `[min, max]`. */
  integer(v: unknown, path: string, min: number, max?: number): number;
  /** An array of exactly `length` finite numbers, each `>= min` (`> min` when `exclusive`), copied. */
  numbers(v: unknown, path: string, length: number, min?: number, exclusive?: boolean): Float64Array;
}

/**
 * The {@link DocumentReader} of the function named `fn` (e.g. `'PCA.fromJSON'`).
 * @internal
 */
/* @__NO_SIDE_EFFECTS__ */
export function documentReader(fn: string): DocumentReader {
  function bad(path: string, expected: string, got: unknown): never {
    throw new Error(`${fn}: field '${path}' must be ${expected}, got ${describe(got)}`);
  }
  function finite(v: unknown, path: string, min = -Infinity, exclusive = false): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || (exclusive ? v <= min : v < min)) {
      bad(path, min === -Infinity ? 'a finite number' : `a finite number ${exclusive ? '>' : '>='} ${min}`, v);
    }
    return v;
  }
  return {
    bad,
    finite,
    isRecord(v: unknown): v is Record<string, unknown> {
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    },
    own(obj: Record<string, unknown>, key: string): unknown {
      return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
    },
    onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
      for (const key of Object.keys(obj)) {
        if (!allowed.includes(key)) {
          throw new Error(`${fn}: unknown field '${path === '' ? key : `${path}.${key}`}' (expected only ${allowed.join(', ')})`);
        }
      }
    },
    integer(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(path, `an integer in [${min}, ${max}]`, v);
      return v;
    },
    numbers(v: unknown, path: string, length: number, min = -Infinity, exclusive = false): Float64Array {
      if (!Array.isArray(v)) bad(path, `an array of ${length} numbers`, v);
      if (v.length !== length) bad(path, `an array of ${length} numbers (its declared shape)`, v);
      const out = new Float64Array(length);
      for (let i = 0; i < length; i++) out[i] = finite(v[i], `${path}[${i}]`, min, exclusive);
      return out;
    },
  };
}
