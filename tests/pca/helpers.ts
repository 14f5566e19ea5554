import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PCAOptions } from '../../src/pca/index.js';

/** One case of tests/fixtures/pca-sklearn.json (written by tests/fixtures/make-pca-fixtures.py). */
export interface SklearnCase {
  name: string;
  note: string;
  x: number[][];
  xTest?: number[][];
  options: PCAOptions;
  batches?: number[];
  expected: {
    nComponents: number;
    mean: number[];
    components: number[][];
    explainedVariance: number[];
    explainedVarianceRatio: number[];
    singularValues: number[];
    noiseVariance: number;
    transform?: number[][];
    inverseTransform?: number[][];
  };
}

/** The scikit-learn reference document. */
export function loadSklearnFixture(): { sklearn: string; cases: SklearnCase[] } {
  const path = fileURLToPath(new URL('../fixtures/pca-sklearn.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as { sklearn: string; cases: SklearnCase[] };
}

export function sklearnCase(name: string): SklearnCase {
  const c = loadSklearnFixture().cases.find((k) => k.name === name);
  if (c === undefined) throw new Error(`no fixture case '${name}'`);
  return c;
}

/** `{ data: Float64Array, shape }` from rows (keeps float64 precision). */
export function toFlat64(rows: readonly (readonly number[])[]): { data: Float64Array; shape: [number, number] } {
  const n = rows.length;
  const d = rows[0]!.length;
  const data = new Float64Array(n * d);
  rows.forEach((r, i) => data.set(r, i * d));
  return { data, shape: [n, d] };
}

/**
 * Largest relative difference, |a − b| / max(|b|, floor): values smaller than `floor` are
 * compared absolutely (zero variances, components of zero entries).
 */
export function maxRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number>, floor: number): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const diff = Math.abs(actual[i]! - e) / Math.max(Math.abs(e), floor);
    if (!(diff <= worst)) worst = diff;
  }
  return worst;
}

/** Row i of a flat `k × d` matrix with the sign that best matches `ref` (components are defined up to sign). */
export function alignedRow(flat: ArrayLike<number>, i: number, d: number, ref: readonly number[]): number[] {
  const row = Array.from({ length: d }, (_, j) => flat[i * d + j]!);
  const dot = row.reduce((s, v, j) => s + v * ref[j]!, 0);
  return dot < 0 ? row.map((v) => -v) : row;
}

/** Largest |⟨vᵢ, vⱼ⟩ − δᵢⱼ| over the rows of a flat `k × d` matrix. */
export function orthonormalityError(flat: ArrayLike<number>, k: number, d: number): number {
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += flat[i * d + t]! * flat[j * d + t]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}
