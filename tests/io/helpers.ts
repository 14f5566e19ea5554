// Shared helpers of the I/O tests: tiny models, deterministic data, bit-for-bit comparison, and
// editing a saved model's JSON to make bad files.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { loadModel, type SavedArtifacts } from '../../src/io/index.js';

/** `n × d` values in (0, 1), the same on every run. */
export function data(n: number, d: number, seed = 1): tf.Tensor2D {
  return tf.randomUniform([n, d], 0.05, 0.95, 'float32', seed) as tf.Tensor2D;
}

/** The values of a tensor (disposed). */
export async function values(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** Asserts two tensors hold the very same float32 bits (both disposed). */
export async function expectSameBits(a: tf.Tensor, b: tf.Tensor): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [await values(a), await values(b)];
  expect(Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength))).toBe(true);
}

/** A fresh temporary directory, removed after the file's tests. */
const made: string[] = [];
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'autoencoders-io-'));
  made.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

/** A parsed model.json, which the tests reach into freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bad files are made by editing arbitrary JSON
export type EditableJson = Record<string, any>;

/** A copy of saved artifacts whose model.json was edited by `edit` (which may return a new value). */
export function editJson(artifacts: SavedArtifacts, edit: (json: EditableJson) => unknown): SavedArtifacts {
  const json = JSON.parse(artifacts.modelJson) as EditableJson;
  const out = edit(json);
  return { modelJson: JSON.stringify(out === undefined ? json : out), weights: artifacts.weights };
}

/** A copy of saved artifacts whose model.json text was edited. */
export function editText(artifacts: SavedArtifacts, edit: (text: string) => string): SavedArtifacts {
  const modelJson = edit(artifacts.modelJson);
  expect(modelJson).not.toBe(artifacts.modelJson);
  return { modelJson, weights: artifacts.weights };
}

/** Runs `f`, expects it to reject with a message matching `pattern`, and that no tensor was left behind. */
export async function expectRejectsClean(f: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  await expect(f()).rejects.toThrow(pattern);
  expect(tf.memory().numTensors).toBe(before);
}

/** The first weights manifest group's entries of an edited model.json. */
export function manifest(j: EditableJson): EditableJson[] {
  return j.weightsManifest[0].weights;
}

/** Expects loadModel to reject `artifacts` with `pattern`, leaving no tensor and no byte behind. */
export async function rejects(artifacts: SavedArtifacts, pattern: RegExp): Promise<void> {
  const bytes = tf.memory().numBytes;
  await expectRejectsClean(() => loadModel(artifacts), pattern);
  expect(tf.memory().numBytes).toBe(bytes);
}

/**
 * One fuzz case: `loadModel(artifacts)` either loads (the model is disposed; returns true) or
 * rejects with an error in loadModel's name (returns false); either way no tensor is left behind.
 */
export async function loadsOrRefusesClean(artifacts: SavedArtifacts): Promise<boolean> {
  const before = tf.memory().numTensors;
  let loaded = false;
  try {
    (await loadModel(artifacts)).dispose();
    loaded = true;
  } catch (e) {
    expect((e as Error).message).toMatch(/^loadModel: /);
  }
  expect(tf.memory().numTensors).toBe(before);
  return loaded;
}

/**
 * A seeded fuzz of a saved VampPrior model (VAE or CVAE): 60 edits of its `prior` field, the
 * prior's keys, one of `configKeys` of its config, or the `prior/pseudoInputs` manifest entry,
 * each with a value from a pool of bad ones. Every edit loads or is refused in loadModel's name
 * ({@link loadsOrRefusesClean}); some are refused.
 */
export async function fuzzVampPriorFile(saved: SavedArtifacts, seed: number, configKeys: readonly string[]): Promise<void> {
  const rng = createRng(seed);
  const pool: unknown[] = [null, 0, -1, 1.5, 4, 2 ** 40, '', 'vamp', 'standard', [], [4, 8], [8], {}, { kind: 'vamp' }, { kind: 'standard' }, true, NaN];
  let loaded = 0;
  for (let i = 0; i < 60; i++) {
    const value = pool[Math.floor(rng() * pool.length)];
    const edited = editJson(saved, (j) => {
      const r = rng();
      const config = j['modelTopology'].config;
      if (r < 0.3) config.prior = value;
      else if (r < 0.5) config.prior[['kind', 'pseudoInputs', 'seed'][Math.floor(rng() * 3)]!] = value;
      else if (r < 0.6) config[configKeys[Math.floor(rng() * configKeys.length)]!] = value;
      else {
        const spec = (j['weightsManifest'][0].weights as Record<string, unknown>[]).find((w) => w['name'] === 'prior/pseudoInputs')!;
        spec[['name', 'shape', 'dtype'][Math.floor(rng() * 3)]!] = value;
      }
    });
    if (await loadsOrRefusesClean(edited)) loaded++;
  }
  expect(loaded).toBeLessThan(60);
}
