/**
 * Reading one layer's config in a tfjs-layers network topology, and the shape arithmetic of the
 * layers' shape rules: fields checked and bounded as they are read, errors that name the layer.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type Json, type JsonObject, bad, integer, own } from './json.js';
import { MODEL_FILE_LIMITS } from './limits.js';

/** One axis of a symbolic shape: a size, or `null` when unknown (the batch axis). @internal */
export type Dim = number | null;
/** A symbolic shape, batch axis first. @internal */
export type Shape = Dim[];

/** Context of one layer's inference: its config and a reader whose errors name the layer. @internal */
export interface LayerContext {
  readonly fn: string;
  readonly path: string;
  readonly name: string;
  readonly className: string;
  readonly config: JsonObject;
}

/** What a layer's shape rule gives: its output shape and the weights it creates. @internal */
export interface Inferred {
  readonly output: Shape;
  readonly weights: readonly { short: string; shape: readonly Dim[]; trainable?: boolean }[];
}

/** One supported layer class: the config fields it may have and its shape rule. @internal */
export interface LayerSpec {
  readonly keys: readonly string[];
  /** Number of inputs: 1, or 'many' for merge layers. */
  readonly inputs: 1 | 'many';
  readonly infer: (c: LayerContext, inputs: readonly Shape[]) => Inferred;
}

/** Throws an Error naming the function, the layer, its class and its path. @internal */
export function layerError(c: LayerContext, message: string): never {
  throw new Error(`${c.fn}: layer '${c.name}' (${c.className}) at '${c.path}': ${message}`);
}

/** A config field of the layer (own properties only). @internal */
export function field(c: LayerContext, key: string): Json | undefined {
  return own(c.config, key);
}

/** An integer config field in `[min, maxDimension]`, or `fallback` when absent or null. @internal */
export function readInt(c: LayerContext, key: string, fallback: number, min = 1): number {
  const v = field(c, key);
  if (v === undefined || v === null) return fallback;
  return integer(v, c.fn, `${c.path}.config.${key}`, min, MODEL_FILE_LIMITS.maxDimension);
}

/** A boolean config field, or `fallback` when absent or null. @internal */
export function readBool(c: LayerContext, key: string, fallback: boolean): boolean {
  const v = field(c, key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') bad(c.fn, `${c.path}.config.${key}`, 'a boolean', v);
  return v;
}

/** An integer or a list of `n` integers (tfjs accepts both). @internal */
export function readTuple(c: LayerContext, key: string, n: number, fallback: readonly number[] | undefined, min = 1): number[] {
  const v = field(c, key);
  const path = `${c.path}.config.${key}`;
  if (v === undefined || v === null) {
    if (fallback === undefined) bad(c.fn, path, `an integer or a list of ${n} integers`, v);
    return [...fallback];
  }
  if (typeof v === 'number') return new Array<number>(n).fill(integer(v, c.fn, path, min, MODEL_FILE_LIMITS.maxDimension));
  if (!Array.isArray(v) || v.length !== n) bad(c.fn, path, `an integer or a list of ${n} integers`, v);
  return v.map((x, i) => integer(x, c.fn, `${path}[${i}]`, min, MODEL_FILE_LIMITS.maxDimension));
}

/** The `padding` field: 'valid' (the default), 'same', or 'causal' where allowed. @internal */
export function readPadding(c: LayerContext, allowCausal: boolean): 'valid' | 'same' | 'causal' {
  const v = field(c, 'padding');
  if (v === undefined || v === null) return 'valid';
  if (v === 'valid' || v === 'same' || (allowCausal && v === 'causal')) return v;
  return bad(c.fn, `${c.path}.config.padding`, allowCausal ? "'valid', 'same' or 'causal'" : "'valid' or 'same'", v);
}

/** Rejects a `data_format` other than channels-last. @internal */
export function channelsLast(c: LayerContext): void {
  const v = field(c, 'data_format');
  if (v === undefined || v === null || v === 'channels_last' || v === 'channelsLast') return;
  layerError(c, `data_format ${JSON.stringify(v)} is not supported (only 'channels_last')`);
}

/** The single input of a layer, with its rank checked (`rank` counts the batch axis). @internal */
export function one(c: LayerContext, inputs: readonly Shape[], rank?: number): Shape {
  if (inputs.length !== 1) layerError(c, `expects one input, got ${inputs.length}`);
  const s = inputs[0]!;
  if (rank !== undefined && s.length !== rank) layerError(c, `expects an input of rank ${rank}, got shape ${formatShape(s)}`);
  return s;
}

/** A dimension that must be known (not `null`). @internal */
export function known(c: LayerContext, d: Dim, what: string): number {
  if (d === null) layerError(c, `needs a known ${what}, got an unknown size`);
  return d;
}

/** A computed dimension, checked to lie in `[1, maxDimension]` (`null` passes). @internal */
export function checkDim(c: LayerContext, d: Dim, what: string): Dim {
  if (d === null) return null;
  if (!Number.isInteger(d) || d < 1 || d > MODEL_FILE_LIMITS.maxDimension) {
    layerError(c, `gives ${what} of size ${d}, outside [1, ${MODEL_FILE_LIMITS.maxDimension}]`);
  }
  return d;
}

/** tfjs-layers' `convOutputLength`. @internal */
export function convLength(c: LayerContext, size: Dim, kernel: number, padding: string, stride: number, dilation: number): Dim {
  if (size === null) return null;
  const dilated = kernel + (kernel - 1) * (dilation - 1);
  const length = padding === 'same' ? size : size - dilated + 1;
  return checkDim(c, Math.floor((length + stride - 1) / stride), 'a spatial dimension');
}

/** tfjs-layers' `deconvLength`. @internal */
export function deconvLength(c: LayerContext, size: Dim, stride: number, kernel: number, padding: string): Dim {
  if (size === null) return null;
  return checkDim(c, padding === 'valid' ? size * stride + Math.max(kernel - stride, 0) : size * stride, 'a spatial dimension');
}

/** `[[top, bottom], [left, right]]`, or one integer, or `[vertical, horizontal]`. @internal */
export function readPairs(c: LayerContext, key: string, fallback: number): [[number, number], [number, number]] {
  const v = field(c, key);
  const path = `${c.path}.config.${key}`;
  const max = MODEL_FILE_LIMITS.maxDimension;
  if (v === undefined || v === null) return [[fallback, fallback], [fallback, fallback]];
  if (typeof v === 'number') {
    const p = integer(v, c.fn, path, 0, max);
    return [[p, p], [p, p]];
  }
  if (!Array.isArray(v) || v.length !== 2) bad(c.fn, path, 'an integer, [v, h] or [[top, bottom], [left, right]]', v);
  const pair = (x: Json, i: number): [number, number] => {
    if (typeof x === 'number') {
      const p = integer(x, c.fn, `${path}[${i}]`, 0, max);
      return [p, p];
    }
    if (!Array.isArray(x) || x.length !== 2) bad(c.fn, `${path}[${i}]`, 'an integer or a pair of integers', x);
    return [integer(x[0], c.fn, `${path}[${i}][0]`, 0, max), integer(x[1], c.fn, `${path}[${i}][1]`, 0, max)];
  };
  return [pair(v[0]!, 0), pair(v[1]!, 1)];
}

/** An axis (negative counts from the end) as an index in `[1, rank)`, the batch axis excluded. @internal */
export function normalizeAxis(c: LayerContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 1 || a >= rank) layerError(c, `axis ${axis} is outside the input's feature axes (rank ${rank})`);
  return a;
}

/** The `axis` field: one integer or a list of 1 to 8, or `[fallback]` when absent or null. @internal */
export function readAxes(c: LayerContext, fallback: number): number[] {
  const v = field(c, 'axis');
  const path = `${c.path}.config.axis`;
  const max = MODEL_FILE_LIMITS.maxDimension;
  if (v === undefined || v === null) return [fallback];
  if (typeof v === 'number') return [integer(v, c.fn, path, -max, max)];
  if (!Array.isArray(v) || v.length === 0 || v.length > 8) bad(c.fn, path, 'an integer or a list of 1 to 8 integers', v);
  return v.map((x, i) => integer(x, c.fn, `${path}[${i}]`, -max, max));
}

/** tfjs-layers' elementwise broadcast of feature shapes (merge layers). @internal */
export function broadcast(c: LayerContext, a: Shape, b: Shape): Shape {
  if (a.length < b.length) return broadcast(c, b, a);
  const out: Shape = a.slice(0, a.length - b.length);
  for (let k = 0; k < b.length; k++) {
    const x = a[a.length - b.length + k]!;
    const y = b[k]!;
    if (x === null || y === null) out.push(null);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x !== y) layerError(c, `cannot merge inputs of shapes ${formatShape(a)} and ${formatShape(b)}`);
    else out.push(x);
  }
  return out;
}
