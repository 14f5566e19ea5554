// What the page uses from the package, in one place. Everything comes from the package's
// sources, bundled by esbuild exactly as an app would bundle `autoencoders`.
export { useBackend, denseAutoencoder, denseVae, Autoencoder, VAE, train, evaluate, PCA, saveModel, loadModel } from 'autoencoders';
export type { BackendInfo, BackendName, BackendPreference, BatchLog, EpochLog, TrainHistory, TrainingPath } from 'autoencoders';
