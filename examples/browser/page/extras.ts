// Parts of the demo that use areas of the package still being written (src/io, src/pca).
import type { Autoencoder, VAE } from './lib.js';

/** A model the demo trains, saves and loads. */
export type DemoModel = Autoencoder | VAE;

/** A PCA fitted on training digits, applied to the held-out ones. */
export interface PcaFit {
  /** Reconstructions of the held-out digits, `count × 784`. */
  readonly reconstruction: Float32Array;
  /** Fraction of the variance explained by the components. */
  readonly explained: number;
}

export async function saveToIndexedDb(_model: DemoModel, _url: string): Promise<void> {
  throw new Error('saveModel is not available yet in this build of the package');
}

export async function loadFromIndexedDb(_url: string): Promise<DemoModel> {
  throw new Error('loadModel is not available yet in this build of the package');
}

export async function fitPca(_x: Float32Array, _n: number, _k: number, _test: Float32Array, _testCount: number): Promise<PcaFit> {
  throw new Error('PCA is not available yet in this build of the package');
}
