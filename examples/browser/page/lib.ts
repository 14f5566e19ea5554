// What the page uses from the package, in one place. Everything comes from the package's
// sources, bundled by esbuild exactly as an app would bundle `autoencoders`.
export { useBackend } from '../../../src/index.js';
export type { BackendInfo, BackendName, BackendPreference } from '../../../src/index.js';
// Not yet re-exported from src/index.ts when this page was written: taken from the area indexes.
export { denseAutoencoder, denseVae, Autoencoder, VAE } from '../../../src/models/index.js';
export { train, evaluate } from '../../../src/train/index.js';
export type { BatchLog, EpochLog, TrainHistory } from '../../../src/train/index.js';
export { PCA } from '../../../src/pca/index.js';
