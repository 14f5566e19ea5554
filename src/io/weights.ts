/**
 * The weights manifest and the binary weights file: entries `{ name, shape, dtype }` whose values
 * lie back to back, little-endian, in manifest order.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type Json, bad, integer, isObject, onlyKeys, own } from './json.js';
import { MODEL_FILE_LIMITS } from './limits.js';

/** Element types a weights file may hold. @internal */
export type WeightDtype = 'float32' | 'int32' | 'float64';

const BYTES: Readonly<Record<WeightDtype, number>> = { float32: 4, int32: 4, float64: 8 };

/** A manifest entry as written to `model.json`. @internal */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: WeightDtype;
}

/** A checked manifest entry and where its bytes lie. @internal */
export interface WeightSpec extends WeightEntry {
  readonly size: number;
  readonly offset: number;
  readonly byteLength: number;
}

/** Values to write, with their entry. @internal */
export interface WeightValues {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: WeightDtype;
  readonly values: Float32Array | Int32Array | Float64Array;
}

/** Concatenates weight values into one buffer and returns the manifest entries. @internal */
export function encodeWeights(list: readonly WeightValues[]): { entries: WeightEntry[]; data: ArrayBuffer } {
  let total = 0;
  for (const w of list) total += w.values.length * BYTES[w.dtype];
  const data = new ArrayBuffer(total);
  const bytes = new Uint8Array(data);
  let offset = 0;
  for (const w of list) {
    const src = new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength);
    bytes.set(src, offset);
    offset += src.byteLength;
  }
  return { entries: list.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype })), data };
}

/**
 * Checks manifest entries (names unique, known dtypes, integer shapes) and their total size against
 * `maxBytes`, before anything is allocated for them.
 * @internal
 */
export function parseSpecs(value: Json | undefined, fn: string, path: string, maxBytes: number): { specs: WeightSpec[]; totalBytes: number } {
  if (!Array.isArray(value)) bad(fn, path, 'a list of weight entries { name, shape, dtype }', value);
  if (value.length > MODEL_FILE_LIMITS.maxWeights) bad(fn, path, `at most ${MODEL_FILE_LIMITS.maxWeights} weight entries`, value);
  const names = new Set<string>();
  const specs: WeightSpec[] = [];
  let offset = 0;
  value.forEach((entry, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(entry)) bad(fn, p, 'a weight entry { name, shape, dtype }', entry);
    onlyKeys(entry, ['name', 'shape', 'dtype'], fn, p);
    const name = own(entry, 'name');
    if (typeof name !== 'string' || name.length === 0 || name.length > 512) bad(fn, `${p}.name`, 'a non-empty string of at most 512 characters', name);
    if (names.has(name)) throw new Error(`${fn}: the weights manifest lists '${name}' twice (at '${p}')`);
    names.add(name);
    const dtype = own(entry, 'dtype');
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'float64') bad(fn, `${p}.dtype`, "'float32', 'int32' or 'float64'", dtype);
    const shapeValue = own(entry, 'shape');
    if (!Array.isArray(shapeValue) || shapeValue.length > 8) bad(fn, `${p}.shape`, 'a list of at most 8 integers', shapeValue);
    const shape = shapeValue.map((d, k) => integer(d, fn, `${p}.shape[${k}]`, 0, MODEL_FILE_LIMITS.maxDimension));
    let size = 1;
    for (const d of shape) size *= d;
    const byteLength = size * BYTES[dtype];
    if (offset + byteLength > maxBytes) {
      throw new Error(
        `${fn}: weight '${name}' declares shape ${formatShape(shape)} (${size} values); with the entries before it the weights ` +
          `would take ${offset + byteLength} bytes, more than the limit of ${maxBytes} bytes (options.maxWeightBytes)`,
      );
    }
    specs.push({ name, shape, dtype, size, offset, byteLength });
    offset += byteLength;
  });
  return { specs, totalBytes: offset };
}

/** A copy of one entry's values. @internal */
export function readValues(data: ArrayBuffer, spec: WeightSpec): Float32Array | Int32Array | Float64Array {
  const bytes = data.slice(spec.offset, spec.offset + spec.byteLength);
  if (spec.dtype === 'float32') return new Float32Array(bytes);
  if (spec.dtype === 'int32') return new Int32Array(bytes);
  return new Float64Array(bytes);
}

/** Throws unless the weights data has exactly the declared length. @internal */
export function checkByteLength(actual: number, expected: number, fn: string, what: string): void {
  if (actual !== expected) {
    throw new Error(
      `${fn}: ${what} holds ${actual} bytes but the manifest in model.json declares ${expected} bytes ` +
        `(${actual < expected ? 'the weights file is truncated or belongs to another model' : 'the weights file has extra bytes or belongs to another model'})`,
    );
  }
}
