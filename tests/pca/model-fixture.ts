import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** tests/fixtures/pca-model-sklearn.json, written by tests/fixtures/make-pca-model-fixtures.py (scikit-learn 1.2). */
export interface ModelFixture {
  sklearn: string;
  spectra: { name: string; spectrum: number[]; n: number; expected: number }[];
  mle: { name: string; x: number[][]; expected: number; explainedVariance: number[]; noiseVariance: number }[];
  probabilistic: {
    name: string;
    x: number[][];
    xTest: number[][];
    options: { solver: 'full'; nComponents?: number | 'mle' };
    expected: { nComponents: number; noiseVariance: number; scoreSamples: number[]; score: number; covariance: number[][]; precision: number[][] };
  }[];
  incremental: { x: number[][]; batches: number[]; nComponents: number; var: number[]; explainedVariance: number[] };
  exports: { name: string; sklearn: Record<string, unknown>; xTest: number[][]; transform: number[][] }[];
  merge: { x: number[][]; shards: number[]; nComponents: number; explainedVariance: number[]; components: number[][]; noiseVariance: number };
  kernel: {
    name: string;
    x: number[][];
    xTest: number[][];
    options: Record<string, unknown>;
    expected: { eigenvalues: number[]; fitTransform: number[][]; transform: number[][]; inverseTransform: number[][] };
  }[];
  kernelAll: { x: number[][]; xTest: number[][]; options: Record<string, unknown>; eigenvalues: number[]; transform: number[][] };
  kernelNonPsd: { raises: boolean; message?: string; x: number[][]; options: Record<string, unknown> };
}

export function loadModelFixture(): ModelFixture {
  const path = fileURLToPath(new URL('../fixtures/pca-model-sklearn.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as ModelFixture;
}
