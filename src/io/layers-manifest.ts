/**
 * The weights manifest of a TF.js `layers-model` file, as tfjs-layers and `tensorflowjs_converter`
 * write it: groups `{ paths, weights }` whose shards, joined in `paths` order, hold the group's
 * entries back to back; the groups follow each other in manifest order. An entry may be quantized
 * (the converter's `--quantize_uint8`, `--quantize_uint16`, `--quantize_float16`):
 *
 * - `quantization: { dtype: 'uint8' | 'uint16', min, scale }`: stored as unsigned integers `q`,
 *   read as `q · scale + min` (float32);
 * - `quantization: { dtype: 'float16' }`: stored as IEEE 754 half floats, read as float32.
 *
 * Everything is checked (names, shapes, dtypes, sizes against the limit, the shard file names)
 * before a byte of weights is read or allocated.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type Json, arrayAt, bad, integer, isObject, onlyKeys, own } from './json.js';
import { MODEL_FILE_LIMITS } from './limits.js';

/** How one weight's values are stored. @internal */
export type StoredDtype = 'float32' | 'uint8' | 'uint16' | 'float16';

const STORED_BYTES: Readonly<Record<StoredDtype, number>> = { float32: 4, uint8: 1, uint16: 2, float16: 2 };

/** A checked manifest entry and where its bytes lie in the joined weight data. @internal */
export interface LayersWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  readonly stored: StoredDtype;
  /** `min` and `scale` of uint8/uint16 quantization (0 and 1 otherwise). */
  readonly min: number;
  readonly scale: number;
  readonly offset: number;
  readonly byteLength: number;
}

/** One weights group: its shard file names and the bytes its entries declare. @internal */
export interface WeightsGroup {
  readonly paths: readonly string[];
  readonly byteLength: number;
}

/** A checked manifest. @internal */
export interface LayersManifest {
  readonly specs: readonly LayersWeightSpec[];
  readonly groups: readonly WeightsGroup[];
  /** Bytes of all shards of all groups. */
  readonly totalBytes: number;
}

/** Most groups, and most shards of one group, a manifest may list. @internal */
export const MAX_GROUPS = 4096;
const MAX_SHARDS = 65536;

/** A shard name: one plain file name beside model.json (an optional `./` is allowed), never a path. */
const SHARD_PATTERN = /^(\.\/)?[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;

function readShardPath(v: Json, fn: string, path: string): string {
  if (typeof v !== 'string' || !SHARD_PATTERN.test(v)) {
    bad(fn, path, 'a file name beside model.json (letters, digits, . _ -; no directories), e.g. "group1-shard1of2.bin"', v);
  }
  return v.startsWith('./') ? v.slice(2) : v;
}

function readQuantization(value: Json, fn: string, path: string): { stored: StoredDtype; min: number; scale: number } {
  if (!isObject(value)) bad(fn, path, "an object { dtype: 'uint8' | 'uint16', min, scale } or { dtype: 'float16' }", value);
  onlyKeys(value, ['dtype', 'min', 'scale', 'original_dtype'], fn, path);
  const original = own(value, 'original_dtype');
  if (original !== undefined && original !== 'float32') bad(fn, `${path}.original_dtype`, "'float32'", original);
  const dtype = own(value, 'dtype');
  if (dtype === 'float16') {
    if (own(value, 'min') !== undefined || own(value, 'scale') !== undefined) {
      throw new Error(`${fn}: field '${path}' gives min and scale to float16 quantization, which has none`);
    }
    return { stored: 'float16', min: 0, scale: 1 };
  }
  if (dtype !== 'uint8' && dtype !== 'uint16') bad(fn, `${path}.dtype`, "'uint8', 'uint16' or 'float16'", dtype);
  const min = own(value, 'min');
  const scale = own(value, 'scale');
  if (typeof min !== 'number') bad(fn, `${path}.min`, 'a finite number', min);
  if (typeof scale !== 'number' || !(scale > 0)) bad(fn, `${path}.scale`, 'a finite number > 0', scale);
  const top = min + (dtype === 'uint8' ? 255 : 65535) * scale;
  if (!Number.isFinite(top) || Math.abs(top) > 3.4e38 || Math.abs(min) > 3.4e38) {
    throw new Error(`${fn}: field '${path}' maps to values beyond the float32 range (min ${min}, scale ${scale})`);
  }
  return { stored: dtype, min, scale };
}

/**
 * Checks a `weightsManifest` (or, with `groupsOf` = 'flat', the flat `weightSpecs` of tfjs model
 * artifacts) and the sizes it declares against `maxBytes`: both the stored bytes and the float32
 * bytes the dequantized weights will take.
 * @internal
 */
export function parseLayersManifest(value: Json | undefined, fn: string, path: string, maxBytes: number, groupsOf: 'manifest' | 'flat'): LayersManifest {
  const groupValues: { paths: Json[]; weights: Json | undefined; path: string }[] = [];
  if (groupsOf === 'flat') {
    groupValues.push({ paths: [], weights: value, path });
  } else {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_GROUPS) bad(fn, path, `a list of 1 to ${MAX_GROUPS} weights groups { paths, weights }`, value);
    value.forEach((g, i) => {
      const p = `${path}[${i}]`;
      if (!isObject(g)) bad(fn, p, 'a weights group { paths, weights }', g);
      onlyKeys(g, ['paths', 'weights'], fn, p);
      const paths = arrayAt(g, 'paths', fn, p);
      if (paths.length > MAX_SHARDS) bad(fn, `${p}.paths`, `at most ${MAX_SHARDS} shard files`, paths);
      groupValues.push({ paths, weights: own(g, 'weights'), path: p });
    });
  }
  const names = new Set<string>();
  const shardNames = new Set<string>();
  const specs: LayersWeightSpec[] = [];
  const groups: WeightsGroup[] = [];
  let offset = 0;
  let floatBytes = 0;
  for (const g of groupValues) {
    const paths = g.paths.map((p, k) => readShardPath(p, fn, `${g.path}.paths[${k}]`));
    for (const p of paths) {
      if (shardNames.has(p)) throw new Error(`${fn}: the weights manifest lists the shard "${p}" twice (at '${g.path}.paths')`);
      shardNames.add(p);
    }
    const entries = g.weights;
    const wPath = groupsOf === 'flat' ? path : `${g.path}.weights`;
    if (!Array.isArray(entries)) bad(fn, wPath, 'a list of weight entries { name, shape, dtype, quantization? }', entries);
    const start = offset;
    entries.forEach((entry, i) => {
      if (specs.length >= MODEL_FILE_LIMITS.maxWeights) bad(fn, path, `at most ${MODEL_FILE_LIMITS.maxWeights} weight entries in all`, value);
      const p = `${wPath}[${i}]`;
      if (!isObject(entry)) bad(fn, p, 'a weight entry { name, shape, dtype, quantization? }', entry);
      onlyKeys(entry, ['name', 'shape', 'dtype', 'quantization'], fn, p);
      const name = own(entry, 'name');
      if (typeof name !== 'string' || name.length === 0 || name.length > 512) bad(fn, `${p}.name`, 'a non-empty string of at most 512 characters', name);
      if (names.has(name)) throw new Error(`${fn}: the weights manifest lists '${name}' twice (at '${p}')`);
      names.add(name);
      const dtype = own(entry, 'dtype');
      if (dtype !== 'float32') bad(fn, `${p}.dtype`, "'float32' (the networks this package imports hold float32 weights)", dtype);
      const shapeValue = own(entry, 'shape');
      if (!Array.isArray(shapeValue) || shapeValue.length > 8) bad(fn, `${p}.shape`, 'a list of at most 8 integers', shapeValue);
      const shape = shapeValue.map((d, k) => integer(d, fn, `${p}.shape[${k}]`, 0, MODEL_FILE_LIMITS.maxDimension));
      const q = own(entry, 'quantization');
      const { stored, min, scale } = q === undefined ? { stored: 'float32' as const, min: 0, scale: 1 } : readQuantization(q, fn, `${p}.quantization`);
      let size = 1;
      for (const d of shape) size *= d;
      const byteLength = size * STORED_BYTES[stored];
      if (offset + byteLength > maxBytes || floatBytes + size * 4 > maxBytes) {
        throw new Error(
          `${fn}: weight '${name}' declares shape ${formatShape(shape)} (${size} values); with the entries before it the weights ` +
            `would take ${Math.max(offset + byteLength, floatBytes + size * 4)} bytes, more than the limit of ${maxBytes} bytes (options.maxWeightBytes)`,
        );
      }
      specs.push({ name, shape, size, stored, min, scale, offset, byteLength });
      offset += byteLength;
      floatBytes += size * 4;
    });
    groups.push({ paths, byteLength: offset - start });
  }
  return { specs, groups, totalBytes: offset };
}

/** IEEE 754 binary16 → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The float32 values of one entry (dequantized), or an Error naming the weight for a value that
 * is not finite (a float16 infinity or NaN, or a float32 NaN in the file).
 * @internal
 */
export function readLayersValues(data: ArrayBuffer, spec: LayersWeightSpec, fn: string): Float32Array {
  const view = new DataView(data, spec.offset, spec.byteLength);
  const aligned = spec.stored === 'float32' && spec.offset % 4 === 0;
  const out = aligned ? new Float32Array(data.slice(spec.offset, spec.offset + spec.byteLength)) : new Float32Array(spec.size);
  for (let i = 0; i < spec.size; i++) {
    let v: number;
    if (aligned) v = out[i]!;
    else if (spec.stored === 'float32') v = view.getFloat32(i * 4, true);
    else if (spec.stored === 'float16') v = halfToFloat(view.getUint16(i * 2, true));
    else v = (spec.stored === 'uint8' ? view.getUint8(i) : view.getUint16(i * 2, true)) * spec.scale + spec.min;
    out[i] = v;
    if (!Number.isFinite(out[i]!)) {
      throw new Error(`${fn}: weight '${spec.name}' holds a value that is not a finite number (${v}) at index ${i}`);
    }
  }
  return out;
}
