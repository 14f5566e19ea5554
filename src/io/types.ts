/**
 * Public types of saving and loading.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Autoencoder, CVAE, LossFunction, VAE, VQVAE } from '../models/index.js';
import type { KernelPCA, PCA } from '../pca/index.js';

/**
 * The models {@link saveModel} saves and {@link loadModel} loads, by their `kind` in the file.
 * @category I/O
 * @example
 * ```ts
 * const vae: ModelKinds['vae'] = await loadModel('./vae', { kind: 'vae' });
 * ```
 */
export interface ModelKinds {
  autoencoder: Autoencoder;
  vae: VAE;
  cvae: CVAE;
  pca: PCA;
  vqvae: VQVAE;
  'kernel-pca': KernelPCA;
}

/**
 * The `kind` recorded in a saved file: `'autoencoder'` (plain, sparse or denoising), `'vae'`,
 * `'cvae'`, `'pca'`, `'vqvae'` or `'kernel-pca'`.
 * @category I/O
 * @example
 * ```ts
 * const kind: ModelKind = 'vae';
 * ```
 */
export type ModelKind = keyof ModelKinds;

/**
 * Any model {@link saveModel} accepts: an {@link Autoencoder} (with its loss, sparsity and corruptor
 * settings), a {@link VAE}, a {@link CVAE}, a {@link VQVAE} (with its codebook), a {@link PCA} or a
 * {@link KernelPCA}.
 * @category I/O
 * @example
 * ```ts
 * const models: SavableModel[] = [denseAutoencoder({ inputDim: 4, hidden: [3], latentDim: 2 }), new PCA()];
 * ```
 */
export type SavableModel = ModelKinds[ModelKind];

/**
 * A saved model held in memory: the text of `model.json` and the bytes of `weights.bin`, exactly
 * as {@link saveModel} writes them to a directory. Store them as you like (a database, a Blob, a
 * message to a worker) and pass the object to {@link loadModel}.
 * @category I/O
 * @example
 * ```ts
 * const artifacts: SavedArtifacts = await saveModel(model, { type: 'memory' });
 * const copy = await loadModel(artifacts);
 * ```
 */
export interface SavedArtifacts {
  /** The JSON document: format, version, kind, configuration, networks and the weights manifest. */
  readonly modelJson: string;
  /** The weights, little-endian, back to back in manifest order. A `Uint8Array` (e.g. a Node Buffer) is accepted too. */
  readonly weights: ArrayBuffer | ArrayBufferView;
}

/**
 * The destination of {@link saveModel} that writes nothing: the saved model is only returned
 * (as it always is), as {@link SavedArtifacts}.
 * @category I/O
 * @example
 * ```ts
 * const { modelJson, weights } = await saveModel(model, { type: 'memory' });
 * ```
 */
export interface MemoryDestination {
  readonly type: 'memory';
}

/**
 * Where {@link saveModel} writes:
 * - a directory path (Node only): `model.json` and `weights.bin` in it (created if needed);
 * - `'indexeddb://name'` (browser): the browser's IndexedDB, through tfjs-core's handler;
 * - `'downloads://name'` (browser): two downloads, `name.json` and `name.weights.bin`;
 * - `'localstorage://name'` (browser; about 5 MB at most);
 * - `{ type: 'memory' }`: nowhere (the result holds everything);
 * - any tfjs `IOHandler` with a `save` method (it receives tfjs `ModelArtifacts`).
 * @category I/O
 * @example
 * ```ts
 * const destination: SaveDestination = 'indexeddb://my-model';
 * ```
 */
export type SaveDestination = string | MemoryDestination | tf.io.IOHandler;

/**
 * Where {@link loadModel} reads: a directory path (Node), `'indexeddb://name'` or
 * `'localstorage://name'` (browser), {@link SavedArtifacts}, or a tfjs `IOHandler` with a `load`
 * method (e.g. `tf.io.browserFiles([jsonFile, weightsFile])` for the files `downloads://` wrote).
 * @category I/O
 * @example
 * ```ts
 * // given: const jsonFile: File, binFile: File;
 * const source: LoadSource = { modelJson: await jsonFile.text(), weights: await binFile.arrayBuffer() };
 * ```
 */
export type LoadSource = string | SavedArtifacts | tf.io.IOHandler;

/**
 * What training needs to resume where it stopped; the same shape on saving (in
 * {@link SaveOptions.training}) and on loading (from {@link loadTrainingState}), so that it spreads
 * straight into `train`'s options.
 * @category I/O
 * @example
 * ```ts
 * const state: TrainingState = { optimizer, initialEpoch: history.epochs.length, seed: history.seed };
 * ```
 */
export interface TrainingState {
  /**
   * The optimizer `train` used (pass your own to `train` to keep it): its configuration and state
   * (moments, step counters) are saved. SGD, Momentum, Adam, RMSProp, Adagrad and Adadelta.
   */
  readonly optimizer: tf.Optimizer;
  /** The number of epochs completed: `train` resumes with `initialEpoch` set to it (an integer ≥ 0). */
  readonly initialEpoch: number;
  /** The seed of the run (`TrainHistory.seed`); resuming with it reproduces the shuffling and noise. */
  readonly seed: number;
}

/**
 * Options of {@link saveModel}.
 * @category I/O
 * @example
 * ```ts
 * const options: SaveOptions = { training: { optimizer, initialEpoch: 2, seed: 7 } };
 * ```
 */
export interface SaveOptions {
  /** Save the optimizer state too, so that {@link loadTrainingState} can resume training. Models only (not PCA or KernelPCA). */
  readonly training?: TrainingState;
  /**
   * An autoencoder with a custom loss function cannot be saved with it (code is never saved):
   * by default `saveModel` throws. With `true` it saves the model without the loss, and
   * {@link loadModel} then needs `options.loss`. Default false.
   */
  readonly omitCustomLoss?: boolean;
}

/**
 * Options of {@link loadModel}.
 * @category I/O
 * @example
 * ```ts
 * const options: LoadOptions<'vae'> = { kind: 'vae', maxWeightBytes: 64 * 2 ** 20 };
 * ```
 */
export interface LoadOptions<K extends ModelKind = ModelKind> {
  /** The kind the file must hold; the result is typed accordingly. Default: any. */
  readonly kind?: K;
  /**
   * The reconstruction loss of an autoencoder: required when it was saved with a custom loss
   * (`omitCustomLoss`), and it replaces a saved `'mse'` or `'bce'` otherwise. Autoencoders only.
   */
  readonly loss?: LossFunction;
  /** Reject files whose weights take more bytes than this. Default (and most) `MODEL_FILE_LIMITS.maxWeightBytes`, 1 GiB. */
  readonly maxWeightBytes?: number;
}

/**
 * Options of {@link loadModel} for a saved {@link AnomalyDetector}: `kind: 'detector'`, and the
 * options of the model inside.
 * @category I/O
 * @example
 * ```ts
 * const detector = await loadModel('./detector', { kind: 'detector' } satisfies LoadDetectorOptions);
 * ```
 */
export interface LoadDetectorOptions {
  /** `'detector'`: the file must hold a detector saved by `saveModel(detector, …)`. */
  readonly kind: 'detector';
  /** As in {@link LoadOptions.loss}. */
  readonly loss?: LossFunction;
  /** As in {@link LoadOptions.maxWeightBytes}. */
  readonly maxWeightBytes?: number;
}

/**
 * Options of {@link loadTrainingState}.
 * @category I/O
 * @example
 * ```ts
 * const options: LoadTrainingStateOptions = { maxWeightBytes: 64 * 2 ** 20 };
 * ```
 */
export interface LoadTrainingStateOptions {
  /** As in {@link LoadOptions.maxWeightBytes}. */
  readonly maxWeightBytes?: number;
}
