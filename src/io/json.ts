/**
 * Reading untrusted JSON: a checked deep copy (depth, size, forbidden keys and strings) and small
 * readers whose errors name the function and the field path.
 * @internal
 */
import { describe } from '../core/index.js';
import { MODEL_FILE_LIMITS } from './limits.js';

/** A JSON value after {@link cleanJson}: plain objects and arrays only, finite numbers. @internal */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A plain JSON object. @internal */
export type JsonObject = { [key: string]: Json };

/**
 * Keys (and string values) that are rejected anywhere in a document: as keys they could reach an
 * object's prototype when copied, as values they could name an inherited member in a lookup table.
 * @internal
 */
export const FORBIDDEN_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Throws `fn: field 'path' must be expected, got …`. @internal */
export function bad(fn: string, path: string, expected: string, got: unknown): never {
  throw new Error(`${fn}: field '${path}' must be ${expected}, got ${describe(got)}`);
}

/** True for a plain (non-array) object. @internal */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The own property `key` of `obj`, or undefined. @internal */
export function own(obj: JsonObject, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Throws on a key of `obj` outside `allowed`. @internal */
export function onlyKeys(obj: JsonObject, allowed: readonly string[], fn: string, path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new Error(`${fn}: unknown field '${path}.${key}' (expected only ${allowed.join(', ')})`);
    }
  }
}

/** Reads an object field. @internal */
export function objectAt(obj: JsonObject, key: string, fn: string, path: string): JsonObject {
  const v = own(obj, key);
  if (!isObject(v)) bad(fn, `${path}.${key}`, 'an object', v);
  return v;
}

/** Reads an array field. @internal */
export function arrayAt(obj: JsonObject, key: string, fn: string, path: string): Json[] {
  const v = own(obj, key);
  if (!Array.isArray(v)) bad(fn, `${path}.${key}`, 'an array', v);
  return v;
}

/** Reads a string field. @internal */
export function stringAt(obj: JsonObject, key: string, fn: string, path: string): string {
  const v = own(obj, key);
  if (typeof v !== 'string') bad(fn, `${path}.${key}`, 'a string', v);
  return v;
}

/** Checks an integer in `[min, max]`. @internal */
export function integer(v: unknown, fn: string, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(fn, path, `an integer in [${min}, ${max}]`, v);
  return v;
}

/**
 * A checked deep copy of a parsed JSON value (or of a structured-clone object read from IndexedDB):
 * only `null`, booleans, finite numbers, strings, arrays and plain objects; at most
 * `maxJsonDepth` levels and `maxJsonValues` values; strings of at most `maxStringLength`
 * characters; no key and no string equal to `__proto__`, `constructor` or `prototype`.
 * The copy is built from fresh objects, so that nothing of the input reaches a prototype.
 * @internal
 */
export function cleanJson(value: unknown, fn: string, path: string): Json {
  const budget = { values: 0 };
  return copy(value, fn, path, 0, budget);
}

function copy(value: unknown, fn: string, path: string, depth: number, budget: { values: number }): Json {
  if (++budget.values > MODEL_FILE_LIMITS.maxJsonValues) {
    throw new Error(`${fn}: the document holds more than ${MODEL_FILE_LIMITS.maxJsonValues} values (the limit), at '${path}'`);
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) bad(fn, path, 'a finite number', value);
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > MODEL_FILE_LIMITS.maxStringLength) {
      throw new Error(`${fn}: field '${path}' is a string of ${value.length} characters, more than the limit of ${MODEL_FILE_LIMITS.maxStringLength}`);
    }
    if (FORBIDDEN_NAMES.includes(value)) throw new Error(`${fn}: field '${path}' holds the forbidden name ${JSON.stringify(value)}`);
    return value;
  }
  if (depth >= MODEL_FILE_LIMITS.maxJsonDepth) {
    throw new Error(`${fn}: the document is nested more than ${MODEL_FILE_LIMITS.maxJsonDepth} levels deep (the limit), at '${path}'`);
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (let i = 0; i < value.length; i++) out.push(copy(value[i], fn, `${path}[${i}]`, depth + 1, budget));
    return out;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) bad(fn, path, 'a plain JSON object', value);
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_NAMES.includes(key)) throw new Error(`${fn}: the key ${JSON.stringify(key)} is not allowed (at '${path}')`);
      if (key.length > MODEL_FILE_LIMITS.maxStringLength) bad(fn, `${path}`, `keys of at most ${MODEL_FILE_LIMITS.maxStringLength} characters`, key);
      out[key] = copy((value as Record<string, unknown>)[key], fn, `${path}.${key}`, depth + 1, budget);
    }
    return out;
  }
  return bad(fn, path, 'a JSON value (null, boolean, number, string, array or object)', value);
}

/**
 * Parses a JSON string after checking its length. A string with a `__proto__` key parses into an
 * own property named `__proto__` (JSON.parse never sets a prototype); {@link cleanJson} then
 * rejects it.
 * @internal
 */
export function parseJsonText(text: unknown, fn: string, what: string): unknown {
  if (typeof text !== 'string') bad(fn, what, 'a JSON string', text);
  if (text.length > MODEL_FILE_LIMITS.maxModelJsonLength) {
    throw new Error(`${fn}: ${what} is ${text.length} characters long, more than the limit of ${MODEL_FILE_LIMITS.maxModelJsonLength}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${fn}: ${what} is not valid JSON (${(e as Error).message})`);
  }
}
