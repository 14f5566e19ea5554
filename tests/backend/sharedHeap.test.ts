// tfjs-backend-wasm's heap made shared as it starts in Node (src/backend/sharedHeap.ts): which
// modules get a shared memory, that WebAssembly.instantiate is restored, and that the wasm backend
// started by useBackend has a shared heap that the worker pool computes on in place.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackend, useBackend } from '../../src/index.js';
import { definedMemoryFlags, withSharedWasmHeap } from '../../src/backend/sharedHeap.js';
import { currentPool } from '../../src/backend/threads.js';
import { gemmModuleBytes } from '../../src/kernels/wasm/gemm.js';

afterAll(async () => {
  await disposeBackend();
  await tf.setBackend('cpu');
});

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** A module whose only section defines one memory with these limits bytes. */
const withMemory = (...limits: number[]): Uint8Array => new Uint8Array([...HEADER, 0x05, limits.length + 1, 0x01, ...limits]);

describe('shared wasm heap', () => {
  it('finds the flags of one defined unshared memory with a maximum, and nothing else', () => {
    // flags 0x01, min 1, max 2: the flags byte follows the section id, its size and the count.
    expect(definedMemoryFlags(withMemory(0x01, 1, 2))).toBe(HEADER.length + 3);
    expect(definedMemoryFlags(withMemory(0x00, 1))).toBe(-1); // no maximum: a shared memory needs one
    expect(definedMemoryFlags(withMemory(0x03, 1, 2))).toBe(-1); // shared already
    expect(definedMemoryFlags(gemmModuleBytes())).toBe(-1); // imports its memory
    expect(definedMemoryFlags(new Uint8Array([1, 2, 3]))).toBe(-1);
    expect(definedMemoryFlags(new Uint8Array([...HEADER, 0x05, 0x7f]))).toBe(-1); // a section past the end
  });

  it("finds it in tfjs-backend-wasm's SIMD build", () => {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    const bytes = readFileSync(join(dir, 'tfjs-backend-wasm-simd.wasm'));
    const at = definedMemoryFlags(bytes);
    expect(at).toBeGreaterThan(0);
    expect(bytes[at]).toBe(0x01);
  });

  it('gives such a module a shared memory while init runs, then restores WebAssembly.instantiate', async () => {
    const original = WebAssembly.instantiate;
    const bytes = new Uint8Array([...withMemory(0x01, 1, 2).subarray(0), 0x07, 0x0a, 0x01, 0x06, ...[...'memory'].map((c) => c.charCodeAt(0)), 0x02, 0x00]);
    const instance = await withSharedWasmHeap(async () => (await WebAssembly.instantiate(bytes)).instance);
    expect(WebAssembly.instantiate).toBe(original);
    const memory = instance.exports['memory'] as WebAssembly.Memory;
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Outside, the same bytes give an unshared memory.
    const plain = (await WebAssembly.instantiate(bytes)).instance.exports['memory'] as WebAssembly.Memory;
    expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
    await expect(withSharedWasmHeap(async () => Promise.reject(new Error('init failed')))).rejects.toThrow('init failed');
    expect(WebAssembly.instantiate).toBe(original);
  });

  it('is what useBackend starts wasm with in Node, and the pool of 2 threads computes on it in place', async () => {
    const info = await useBackend('wasm', { threads: 2 });
    expect(info.threads).toBe(2);
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(currentPool()?.inPlace(memory)).toBe(true);
    const before = tf.memory().numTensors;
    // Results read back are ordinary arrays, not views of the shared heap.
    const c = tf.tidy(() => tf.matMul(tf.ones([128, 256]), tf.ones([256, 128])));
    const values = c.dataSync();
    expect(values.buffer).toBeInstanceOf(ArrayBuffer);
    expect(values[0]).toBe(256);
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
