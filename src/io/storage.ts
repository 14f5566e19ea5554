/**
 * Where saved models live: Node directories (`model.json` + `weights.bin`), the browser stores of
 * tfjs-core (`indexeddb://`, `localstorage://`, `downloads://`), tfjs IOHandlers and in-memory
 * artifacts. Node's `fs` and `path` are loaded with a dynamic import of a computed specifier, and
 * only when a directory path is used, so that browser bundles never see them.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe } from '../core/index.js';
import { type Json, type JsonObject, arrayAt, bad, cleanJson, isObject, onlyKeys, own, parseJsonText } from './json.js';
import { MODEL_FILE_LIMITS, MODEL_FORMAT } from './limits.js';
import type { LoadSource, SavedArtifacts, SaveDestination } from './types.js';
import { type WeightEntry, type WeightSpec, checkByteLength, parseSpecs } from './weights.js';

/** File names inside a model directory. @internal */
export const MODEL_JSON = 'model.json';
/** @internal */
export const WEIGHTS_BIN = 'weights.bin';

const BROWSER_SCHEMES = ['indexeddb://', 'localstorage://', 'downloads://'];

/** What a source holds, read and checked up to the weights (which are read once their size is known). @internal */
export interface ModelFile {
  readonly document: Json | undefined;
  readonly specs: WeightSpec[];
  readonly data: ArrayBuffer;
}

/** The parts of Node's `fs/promises` and `path` the package uses. @internal */
export interface NodeFs {
  readonly fs: {
    stat(path: string): Promise<{ size: number; isFile(): boolean }>;
    readFile(path: string): Promise<Uint8Array>;
    readFile(path: string, encoding: 'utf8'): Promise<string>;
    writeFile(path: string, data: string | Uint8Array): Promise<void>;
    mkdir(path: string, options: { recursive: true }): Promise<unknown>;
    rename(from: string, to: string): Promise<void>;
  };
  readonly join: (...parts: string[]) => string;
}

/** The size in bytes of the regular file at `path`, or an Error in `fn`'s name saying why it cannot be read. @internal */
export async function fileSize(fs: NodeFs['fs'], path: string, fn: string): Promise<number> {
  try {
    const s = await fs.stat(path);
    if (!s.isFile()) throw new Error('not a file');
    return s.size;
  } catch (e) {
    throw new Error(`${fn}: cannot read ${JSON.stringify(path)} (${(e as Error).message})`);
  }
}

/** The text of the model.json file at `path`, read only once its size is within the limit. @internal */
export async function readModelJsonText(fs: NodeFs['fs'], path: string, fn: string): Promise<string> {
  const bytes = await fileSize(fs, path, fn);
  if (bytes > MODEL_FILE_LIMITS.maxModelJsonLength) {
    throw new Error(`${fn}: ${JSON.stringify(path)} is ${bytes} bytes long, more than the limit of ${MODEL_FILE_LIMITS.maxModelJsonLength}`);
  }
  return fs.readFile(path, 'utf8');
}

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** Node's `fs` and `path`, or an Error naming `arg` outside Node. @internal */
export async function loadNodeFs(fn: string, arg: string, path: string): Promise<NodeFs> {
  if (!isNode()) {
    throw new Error(
      `${fn}: argument '${arg}' is the path ${JSON.stringify(path)}, but directory paths work only in Node; ` +
        `in a browser use 'indexeddb://name', 'downloads://name' or in-memory artifacts`,
    );
  }
  // Computed specifiers (built here, not at module scope), so that bundlers leave these imports alone.
  const fsName = ['node:fs', 'promises'].join('/');
  const pathName = ['node', 'path'].join(':');
  const fs = (await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName)) as NodeFs['fs'];
  const pathModule = (await import(/* webpackIgnore: true */ /* @vite-ignore */ pathName)) as { join: NodeFs['join'] };
  return { fs, join: pathModule.join };
}

/** The `scheme://` of a URL, lower-cased, or undefined. @internal */
export function schemeOf(url: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  return match === null ? undefined : `${match[1]!.toLowerCase()}://`;
}

/** The artifacts an IOHandler's `load()` gives, with its failure in `fn`'s name. @internal */
export async function loadHandlerArtifacts(handler: tf.io.IOHandler, fn: string): Promise<unknown> {
  try {
    return await handler.load!();
  } catch (e) {
    throw new Error(`${fn}: the IOHandler's load() failed: ${(e as Error).message}`);
  }
}

/**
 * The artifacts of an `indexeddb://` or `localstorage://` URL, through tfjs-core's load handler,
 * with errors in `fn`'s name (no handler outside a browser, or the store could not be read).
 * @internal
 */
export async function loadBrowserArtifacts(source: string, scheme: string, fn: string): Promise<unknown> {
  const handlers = tf.io.getLoadHandlers(source);
  if (handlers.length !== 1 || handlers[0]?.load === undefined) {
    throw new Error(`${fn}: no tfjs-core handler loads ${JSON.stringify(source)} here (${scheme} needs a browser)`);
  }
  try {
    return await handlers[0].load();
  } catch (e) {
    throw new Error(`${fn}: could not read ${JSON.stringify(source)}: ${(e as Error).message}`);
  }
}

/** True for a tfjs IOHandler with the given method. @internal */
export function isIOHandler(value: unknown, method: 'save' | 'load'): value is tf.io.IOHandler {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function';
}

/** A copy (or the buffer itself) of bytes as an ArrayBuffer, or an Error naming `arg`. @internal */
export function toArrayBuffer(value: unknown, fn: string, arg: string): ArrayBuffer {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) {
    const { buffer, byteOffset, byteLength } = value;
    if (buffer instanceof ArrayBuffer) return buffer.slice(byteOffset, byteOffset + byteLength);
    return new Uint8Array(value.buffer, byteOffset, byteLength).slice().buffer;
  }
  return bad(fn, arg, 'an ArrayBuffer or a Uint8Array', value);
}

/** Checks the `model.json` envelope (tfjs ModelJSON shape) and returns the document and the specs. */
function readEnvelope(parsed: unknown, fn: string, maxBytes: number): { document: Json | undefined; specs: WeightSpec[]; totalBytes: number } {
  const json = cleanJson(parsed, fn, 'model.json');
  if (!isObject(json)) bad(fn, 'model.json', 'a JSON object', json);
  checkEnvelopeFormat(own(json, 'format'), fn);
  onlyKeys(json, ['format', 'generatedBy', 'convertedBy', 'modelTopology', 'weightsManifest'], fn, 'model.json');
  const groups = arrayAt(json, 'weightsManifest', fn, 'model.json');
  if (groups.length !== 1) bad(fn, 'model.json.weightsManifest', 'a list of exactly one weights group', groups);
  const group = groups[0]!;
  if (!isObject(group)) bad(fn, 'model.json.weightsManifest[0]', 'a weights group { paths, weights }', group);
  onlyKeys(group, ['paths', 'weights'], fn, 'model.json.weightsManifest[0]');
  // The paths are never followed (the weights are always `weights.bin` beside model.json, or given).
  const paths = arrayAt(group, 'paths', fn, 'model.json.weightsManifest[0]');
  if (paths.some((p) => typeof p !== 'string')) bad(fn, 'model.json.weightsManifest[0].paths', 'a list of strings', paths);
  const { specs, totalBytes } = parseSpecs(own(group, 'weights'), fn, 'model.json.weightsManifest[0].weights', maxBytes);
  return { document: own(json, 'modelTopology'), specs, totalBytes };
}

function checkEnvelopeFormat(format: Json | undefined, fn: string): void {
  if (format === undefined || format === MODEL_FORMAT) return;
  const hint = format === 'layers-model' ? '; a TF.js Layers model is read by importLayersModel' : '';
  bad(fn, 'format', `'${MODEL_FORMAT}' (a model saved by saveModel of the autoencoders package${hint})`, format);
}

/** Reads tfjs `ModelArtifacts` (from IndexedDB, local storage or an IOHandler). */
function readArtifacts(artifacts: unknown, fn: string, maxBytes: number, where: string): ModelFile {
  if (!isObject(artifacts as Json)) bad(fn, where, 'tfjs model artifacts { modelTopology, weightSpecs, weightData }', artifacts);
  const a = artifacts as Record<string, unknown>;
  checkEnvelopeFormat(cleanJson(a['format'] ?? null, fn, 'format') ?? undefined, fn);
  const { specs, totalBytes } = parseSpecs(cleanJson(a['weightSpecs'] ?? [], fn, 'weightSpecs'), fn, 'weightSpecs', maxBytes);
  const raw = a['weightData'];
  let data: ArrayBuffer;
  if (raw === undefined || raw === null) {
    data = new ArrayBuffer(0);
  } else if (Array.isArray(raw)) {
    let total = 0;
    for (const part of raw) total += part instanceof ArrayBuffer ? part.byteLength : 0;
    checkByteLength(total, totalBytes, fn, `the weight data of ${where}`);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const part of raw as ArrayBuffer[]) {
      joined.set(new Uint8Array(part), offset);
      offset += part.byteLength;
    }
    data = joined.buffer;
  } else {
    data = toArrayBuffer(raw, fn, 'weightData');
  }
  checkByteLength(data.byteLength, totalBytes, fn, `the weight data of ${where}`);
  return { document: cleanJson(a['modelTopology'], fn, 'modelTopology'), specs, data };
}

/** Reads and checks a source, weights included (checked against the manifest before they are read where possible). @internal */
export async function readSource(source: LoadSource, fn: string, maxBytes: number): Promise<ModelFile> {
  if (typeof source === 'string') {
    const scheme = schemeOf(source);
    if (scheme === 'downloads://') {
      throw new Error(
        `${fn}: argument 'source' is ${JSON.stringify(source)}, but downloads:// only saves; load the downloaded files with ` +
          `{ modelJson: await jsonFile.text(), weights: await weightsFile.arrayBuffer() } or tf.io.browserFiles([jsonFile, weightsFile])`,
      );
    }
    if (scheme === 'indexeddb://' || scheme === 'localstorage://') {
      return readArtifacts(await loadBrowserArtifacts(source, scheme, fn), fn, maxBytes, JSON.stringify(source));
    }
    if (scheme !== undefined) {
      fail(fn, 'source', `a directory path, 'indexeddb://name', 'localstorage://name', artifacts or an IOHandler (scheme ${scheme} is not supported)`, source);
    }
    return readDirectory(source, fn, maxBytes);
  }
  if (typeof source === 'object' && source !== null && 'modelJson' in source) {
    const { modelJson, weights } = source as SavedArtifacts;
    const { document, specs, totalBytes } = readEnvelope(parseJsonText(modelJson, fn, 'source.modelJson'), fn, maxBytes);
    const data = toArrayBuffer(weights, fn, 'source.weights');
    checkByteLength(data.byteLength, totalBytes, fn, 'source.weights');
    return { document, specs, data };
  }
  if (isIOHandler(source, 'load')) {
    return readArtifacts(await loadHandlerArtifacts(source, fn), fn, maxBytes, "the IOHandler's artifacts");
  }
  return fail(fn, 'source', 'a directory path, an indexeddb:// URL, { modelJson, weights } or a tfjs IOHandler with load()', source);
}

async function readDirectory(dir: string, fn: string, maxBytes: number): Promise<ModelFile> {
  const { fs, join } = await loadNodeFs(fn, 'source', dir);
  const jsonPath = join(dir, MODEL_JSON);
  const weightsPath = join(dir, WEIGHTS_BIN);
  const text = await readModelJsonText(fs, jsonPath, fn);
  const { document, specs, totalBytes } = readEnvelope(parseJsonText(text, fn, JSON.stringify(jsonPath)), fn, maxBytes);
  // The declared size is known and within the limit: compare the file's size before reading it.
  checkByteLength(await fileSize(fs, weightsPath, fn), totalBytes, fn, JSON.stringify(weightsPath));
  const data = toArrayBuffer(await fs.readFile(weightsPath), fn, WEIGHTS_BIN);
  checkByteLength(data.byteLength, totalBytes, fn, JSON.stringify(weightsPath));
  return { document, specs, data };
}

function fail(fn: string, arg: string, expected: string, got: unknown): never {
  throw new TypeError(`${fn}: argument '${arg}' must be ${expected}, got ${describe(got)}`);
}

/** A checked destination: writes the saved model when called. @internal */
export type Writer = (saved: { modelJson: string; document: JsonObject; entries: WeightEntry[]; data: ArrayBuffer }) => Promise<void>;

/** Checks a destination (before any work) and returns its writer. @internal */
export function destinationWriter(destination: SaveDestination, fn: string): Writer {
  if (typeof destination === 'string') {
    const scheme = schemeOf(destination);
    if (scheme !== undefined) {
      if (!BROWSER_SCHEMES.includes(scheme)) {
        fail(fn, 'destination', `a directory path, 'indexeddb://name', 'downloads://name', { type: 'memory' } or an IOHandler (scheme ${scheme} is not supported)`, destination);
      }
      if (destination.length === scheme.length) fail(fn, 'destination', `a name after ${scheme}`, destination);
      return async (saved) => {
        const handlers = tf.io.getSaveHandlers(destination);
        if (handlers.length !== 1 || handlers[0]?.save === undefined) {
          throw new Error(`${fn}: no tfjs-core handler saves to ${JSON.stringify(destination)} here (${scheme} needs a browser)`);
        }
        await saveThrough(handlers[0], saved, fn, JSON.stringify(destination));
      };
    }
    if (destination.length === 0) fail(fn, 'destination', 'a non-empty directory path', destination);
    return async (saved) => {
      const { fs, join } = await loadNodeFs(fn, 'destination', destination);
      try {
        await fs.mkdir(destination, { recursive: true });
        // Write each file under a temporary name and rename it, so that a reader never sees half a file.
        const weightsPath = join(destination, WEIGHTS_BIN);
        const jsonPath = join(destination, MODEL_JSON);
        await fs.writeFile(`${weightsPath}.tmp`, new Uint8Array(saved.data));
        await fs.writeFile(`${jsonPath}.tmp`, saved.modelJson);
        await fs.rename(`${weightsPath}.tmp`, weightsPath);
        await fs.rename(`${jsonPath}.tmp`, jsonPath);
      } catch (e) {
        throw new Error(`${fn}: could not write to ${JSON.stringify(destination)}: ${(e as Error).message}`);
      }
    };
  }
  if (typeof destination === 'object' && destination !== null && (destination as { type?: unknown }).type === 'memory') {
    return async () => undefined;
  }
  if (isIOHandler(destination, 'save')) return (saved) => saveThrough(destination, saved, fn, 'the IOHandler');
  return fail(fn, 'destination', "a directory path, 'indexeddb://name', 'downloads://name', { type: 'memory' } or a tfjs IOHandler with save()", destination);
}

async function saveThrough(
  handler: tf.io.IOHandler,
  saved: { document: JsonObject; entries: WeightEntry[]; data: ArrayBuffer },
  fn: string,
  where: string,
): Promise<void> {
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: saved.document,
    weightSpecs: saved.entries as tf.io.WeightsManifestEntry[],
    weightData: saved.data,
    format: MODEL_FORMAT,
    generatedBy: 'autoencoders',
    convertedBy: null,
  };
  let result: tf.io.SaveResult;
  try {
    result = await handler.save!(artifacts);
  } catch (e) {
    throw new Error(`${fn}: could not save to ${where}: ${(e as Error).message}`);
  }
  const errors = (result as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0) throw new Error(`${fn}: could not save to ${where}: ${errors.map(String).join('; ')}`);
}

/** The text of `model.json` for a document and its manifest. @internal */
export function modelJsonText(document: JsonObject, entries: readonly WeightEntry[]): string {
  return JSON.stringify({
    format: MODEL_FORMAT,
    generatedBy: 'autoencoders',
    convertedBy: null,
    modelTopology: document,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: entries }],
  });
}
