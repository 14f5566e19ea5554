// The converter-shaped Keras fixtures of the Layers import tests: the model directories under
// tests/fixtures/keras-layers/ and the expected values in tests/fixtures/keras-layers.json, both
// written by tests/fixtures/make-keras-layers-fixtures.py.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fixtures from '../fixtures/keras-layers.json' with { type: 'json' };

/** Where the fixture model directories are. */
export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'keras-layers');

/** One case: an input, the expected outputs of the network, and some dequantized weights. */
export type FixtureCase = { input: number[][]; outputs: number[][][]; weights?: Record<string, number[]> };

/** The cases by name. */
export const CASES = fixtures.cases as unknown as Record<string, FixtureCase>;

/** A fixture directory read into memory: model.json and its shards in manifest order. */
export async function fixtureArtifacts(name: string): Promise<{ modelJson: string; weights: Uint8Array[] }> {
  const modelJson = await readFile(join(FIXTURE_DIR, name, 'model.json'), 'utf8');
  const paths = (JSON.parse(modelJson) as { weightsManifest: { paths: string[] }[] }).weightsManifest.flatMap((g) => g.paths);
  const weights = await Promise.all(paths.map(async (p) => new Uint8Array(await readFile(join(FIXTURE_DIR, name, p)))));
  return { modelJson, weights };
}
