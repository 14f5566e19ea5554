// Saving and loading the demo's model, and its PCA baseline.
import { Autoencoder, PCA, VAE, loadModel, saveModel } from './lib.js';
import { PIXELS } from './digits.js';

/** A model the demo trains, saves and loads. */
export type DemoModel = Autoencoder | VAE;

/** A PCA fitted on training digits, applied to the held-out ones. */
export interface PcaFit {
  /** Reconstructions of the held-out digits, `count × 784`. */
  readonly reconstruction: Float32Array;
  /** Fraction of the variance explained by the components. */
  readonly explained: number;
}

/** Saves the model under `url` (`indexeddb://name`) with the package's `saveModel`. */
export async function saveToIndexedDb(model: DemoModel, url: string): Promise<void> {
  await saveModel(model, url);
}

/** Loads what `url` holds with the package's `loadModel`; an Error unless it is an autoencoder or a VAE. */
export async function loadFromIndexedDb(url: string): Promise<DemoModel> {
  const model = await loadModel(url);
  if (model instanceof Autoencoder || model instanceof VAE) return model;
  if ('dispose' in model && typeof model.dispose === 'function') model.dispose();
  throw new Error(`${url} holds a ${model.constructor.name}, not an autoencoder or a VAE`);
}

/**
 * Fits a `k`-component PCA on `n` digits (`n × 784`, row-major) and reconstructs `testCount`
 * held-out digits with it: `inverseTransform(transform(test))`. PCA runs on the host in float64
 * (its products in a WebAssembly SIMD kernel), whatever the tfjs backend.
 */
export async function fitPca(x: Float32Array, n: number, k: number, test: Float32Array, testCount: number): Promise<PcaFit> {
  // Fitting is synchronous: let the page paint its "fitting…" status first (a hidden tab gets
  // no animation frames, hence the timer).
  await new Promise<void>((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
  const pca = new PCA({ nComponents: k }).fit({ data: x, shape: [n, PIXELS] });
  const codes = pca.transform({ data: test, shape: [testCount, PIXELS] });
  const reconstruction = pca.inverseTransform(codes).data;
  const explained = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  return { reconstruction, explained };
}
