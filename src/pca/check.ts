/**
 * Checks of untrusted documents (JSON files, scikit-learn exports), each error in the name of
 * the reading function and the field's path. Values are copied into fresh objects, so that keys
 * such as `__proto__` cannot reach a prototype.
 * @internal
 */
import { describe } from '../core/index.js';

/** The checks of one reading function `fn`. @internal */
export interface DocumentChecks {
  bad(path: string, expected: string, got: unknown): never;
  record(v: unknown, path: string): Record<string, unknown>;
  own(obj: Record<string, unknown>, key: string): unknown;
  onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void;
  finite(v: unknown, path: string, min?: number): number;
  integer(v: unknown, path: string, min: number, max?: number): number;
  numbers(v: unknown, path: string, length: number, min?: number): Float64Array;
  /** A `rows × cols` nested array (`number[][]`), flattened row-major. */
  matrix(v: unknown, path: string, rows: number, cols: number): Float64Array;
}

/** The checks of one reading function. @internal */
export function documentChecks(fn: string): DocumentChecks {
  const bad = (path: string, expected: string, got: unknown): never => {
    throw new Error(`${fn}: field '${path}' must be ${expected}, got ${describe(got)}`);
  };
  const own = (obj: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined);
  const numbers = (v: unknown, path: string, length: number, min = -Infinity): Float64Array => {
    if (!Array.isArray(v)) bad(path, `an array of ${length} numbers`, v);
    const a = v as unknown[];
    if (a.length !== length) bad(path, `an array of ${length} numbers (its declared shape)`, v);
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const x = a[i];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < min) {
        bad(`${path}[${i}]`, min === -Infinity ? 'a finite number' : `a finite number >= ${min}`, x);
      }
      out[i] = x as number;
    }
    return out;
  };
  return {
    bad,
    own,
    record(v, path) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path, 'an object', v);
      return v as Record<string, unknown>;
    },
    onlyKeys(obj, allowed, path) {
      for (const key of Object.keys(obj)) {
        if (!allowed.includes(key)) {
          throw new Error(`${fn}: unknown field '${path === '' ? key : `${path}.${key}`}' (expected only ${allowed.join(', ')})`);
        }
      }
    },
    finite(v, path, min = -Infinity) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
        bad(path, min === -Infinity ? 'a finite number' : `a finite number >= ${min}`, v);
      }
      return v as number;
    },
    integer(v, path, min, max = Number.MAX_SAFE_INTEGER) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(path, `an integer in [${min}, ${max}]`, v);
      return v as number;
    },
    numbers,
    matrix(v, path, rows, cols) {
      if (!Array.isArray(v)) bad(path, `an array of ${rows} rows`, v);
      const a = v as unknown[];
      if (a.length !== rows) bad(path, `an array of ${rows} rows (its declared shape)`, v);
      const out = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) out.set(numbers(a[i], `${path}[${i}]`, cols), i * cols);
      return out;
    },
  };
}
