import type { AnomalyDetector } from '../anomaly/detector.js';
import type { ScorableModel } from '../anomaly/index.js';
import { describe, rejectUnknownKeys } from '../core/index.js';
import { buildDetector, readDetectorBlock } from './detector.js';
import { isObject, own } from './json.js';
import { type CheckedDocument, checkDocument } from './document.js';
import { buildModel } from './document-build.js';
import { MODEL_FILE_LIMITS } from './limits.js';
import { restoreOptimizer } from './optimizer.js';
import { type ModelFile, readSource } from './storage.js';
import type { LoadDetectorOptions, LoadOptions, LoadSource, LoadTrainingStateOptions, ModelKind, ModelKinds, SavableModel, TrainingState } from './types.js';

function checkOptions(options: unknown, known: readonly string[], fn: string): number {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: argument 'options' must be an object, got ${describe(options)}`);
  rejectUnknownKeys(options, known, fn, 'options');
  const max = (options as { maxWeightBytes?: unknown }).maxWeightBytes;
  if (max === undefined) return MODEL_FILE_LIMITS.maxWeightBytes;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > MODEL_FILE_LIMITS.maxWeightBytes) {
    throw new Error(`${fn}: argument 'options.maxWeightBytes' must be an integer in [0, ${MODEL_FILE_LIMITS.maxWeightBytes}], got ${describe(max)}`);
  }
  return max;
}

async function open(source: LoadSource, fn: string, maxBytes: number): Promise<{ file: ModelFile; doc: CheckedDocument }> {
  const file = await readSource(source, fn, maxBytes);
  return { file, doc: checkDocument(file.document, file.specs, fn) };
}

/**
 * Loads a model saved by {@link saveModel}: an {@link Autoencoder}, {@link VAE}, {@link CVAE},
 * {@link VQVAE} (its codebook and codebook statistics too), {@link PCA} (with a `mergeable` fit's
 * statistics) or {@link KernelPCA}, with the same weights — on the same backend it gives the same outputs, bit for bit;
 * or, with `options.kind: 'detector'`, a fitted {@link AnomalyDetector} saved by
 * `saveModel(detector, …)` (its model, scaler, threshold and background scores: it scores and
 * flags as the saved one did, on any backend; the `detector` block is checked field by field
 * before anything is built). Without `kind: 'detector'`, a detector's file loads as its model.
 *
 * The file is treated as untrusted. Before anything is allocated for it, `loadModel` checks: the
 * JSON (size, depth, no `__proto__`/`constructor`/`prototype` keys), the format name and major
 * version, the model kind and configuration fields, every layer of both networks (only the
 * classes in the supported list, only their known config fields, only whitelisted initializers,
 * regularizers, constraints and activations), the shape of every weight (inferred from the layer
 * configs and compared with the manifest), the total size against `options.maxWeightBytes`
 * (default and most 1 GiB, see {@link MODEL_FILE_LIMITS}) and the byte length of the weights
 * (a directory's `weights.bin` is measured before it is read; paths in `model.json` are never
 * followed). Each problem throws an Error that names it; a failure leaves no tensor behind.
 *
 * Supported layer classes: InputLayer, Dense, Activation, Dropout, SpatialDropout1D, AlphaDropout,
 * GaussianDropout, GaussianNoise, Rescaling, ReLU, LeakyReLU, ELU, ThresholdedReLU, Softmax, PReLU,
 * Flatten, Reshape, Permute, RepeatVector, Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D,
 * SeparableConv2D, Max/AveragePooling1D/2D, Global{Average,Max}Pooling1D/2D, UpSampling2D,
 * ZeroPadding2D, Cropping2D, BatchNormalization, LayerNormalization, Add, Multiply, Average,
 * Maximum, Minimum, Concatenate (channels-last; no nested models).
 *
 * @param source - see {@link LoadSource}: a directory path (Node), `'indexeddb://name'`,
 *   `'localstorage://name'`, {@link SavedArtifacts} `{ modelJson, weights }`, or a tfjs IOHandler.
 * @param options - see {@link LoadOptions}: `kind` (the kind the file must hold; types the
 *   result), `loss` (an autoencoder's custom loss), `maxWeightBytes`.
 * @returns a new model, owned by the caller (dispose it when done; a PCA or KernelPCA holds no tensors).
 * @throws Error naming the problem for any malformed, oversized or unsupported file, or when the
 *   file holds another kind than `options.kind`.
 * @category I/O
 * @example
 * ```ts
 * const vae = await loadModel('./models/vae', { kind: 'vae' });   // typed VAE
 * const any = await loadModel('indexeddb://digits');              // Autoencoder | VAE | CVAE | PCA
 * if (any instanceof Autoencoder) any.reconstruct(x);
 * ```
 */
export async function loadModel(source: LoadSource, options: LoadDetectorOptions): Promise<AnomalyDetector>;
export async function loadModel<K extends ModelKind>(source: LoadSource, options: LoadOptions<K> & { readonly kind: K }): Promise<ModelKinds[K]>;
export async function loadModel(source: LoadSource, options?: LoadOptions): Promise<SavableModel>;
export async function loadModel(source: LoadSource, options: LoadOptions | LoadDetectorOptions = {}): Promise<SavableModel | AnomalyDetector> {
  const fn = 'loadModel';
  const maxBytes = checkOptions(options, ['kind', 'loss', 'maxWeightBytes'], fn);
  const { kind, loss } = options;
  if (kind !== undefined && kind !== 'autoencoder' && kind !== 'vae' && kind !== 'cvae' && kind !== 'pca' && kind !== 'vqvae' && kind !== 'kernel-pca' && kind !== 'detector') {
    throw new Error(`${fn}: argument 'options.kind' must be one of 'autoencoder', 'vae', 'cvae', 'pca', 'vqvae', 'kernel-pca', 'detector', got ${describe(kind)}`);
  }
  if (kind === 'detector') {
    if (loss !== undefined && typeof loss !== 'function') {
      throw new TypeError(`${fn}: argument 'options.loss' must be a function (target, prediction) => tf.Scalar, got ${describe(loss)}`);
    }
    const { file, doc } = await open(source, fn, maxBytes);
    const block = isObject(file.document) ? own(file.document, 'detector') : undefined;
    if (block === undefined) throw new Error(`${fn}: the file holds a model of kind '${doc.kind}' without a detector, not a detector (options.kind); save one with saveModel(detector, …)`);
    if (doc.kind === 'cvae') throw new Error(`${fn}: field 'modelTopology.kind' must be 'autoencoder', 'vae' or 'pca' for a detector, got 'cvae'`);
    // Checked in full before anything is built.
    const state = readDetectorBlock(block, doc.kind, fn);
    const model = await buildModel(doc, file.data, fn, loss);
    return buildDetector(model as ScorableModel & { dispose?: () => void }, state, fn);
  }
  if (loss !== undefined && typeof loss !== 'function') {
    throw new TypeError(`${fn}: argument 'options.loss' must be a function (target, prediction) => tf.Scalar, got ${describe(loss)}`);
  }
  const { file, doc } = await open(source, fn, maxBytes);
  if (kind !== undefined && doc.kind !== kind) throw new Error(`${fn}: the file holds a model of kind '${doc.kind}', not '${kind}' (options.kind)`);
  return buildModel(doc, file.data, fn, loss);
}

/**
 * Reads the training state saved with a model (`saveModel(model, dest, { training })`): a new
 * optimizer with the saved configuration and state, the epoch to resume from and the seed; or
 * `undefined` when the file has none. Spread it into `train`'s options to continue where training
 * stopped — with the model from {@link loadModel}, the losses are those of an uninterrupted run,
 * bit for bit on the same backend:
 *
 * ```ts
 * const model = await loadModel(dir, { kind: 'vae' });
 * const state = await loadTrainingState(dir);
 * await train(model, x, { ...state, epochs: 20 });   // epochs state.initialEpoch … 19
 * ```
 *
 * The file is checked as by {@link loadModel}; the state must fit the model's trainable weights.
 *
 * @param source - the same source given to {@link loadModel}.
 * @param options - `maxWeightBytes` (see {@link LoadOptions}).
 * @returns `{ optimizer, initialEpoch, seed }` (the caller owns and disposes the optimizer), or
 *   `undefined`.
 * @throws Error naming the problem for a malformed, oversized or inconsistent file.
 * @category I/O
 * @example
 * ```ts
 * await saveModel(vae, './ckpt', { training: { optimizer, initialEpoch: 2, seed: history.seed } });
 * const state = await loadTrainingState('./ckpt'); //=> { optimizer, initialEpoch: 2, seed }
 * ```
 */
export async function loadTrainingState(source: LoadSource, options: LoadTrainingStateOptions = {}): Promise<TrainingState | undefined> {
  const fn = 'loadTrainingState';
  const maxBytes = checkOptions(options, ['maxWeightBytes'], fn);
  const { file, doc } = await open(source, fn, maxBytes);
  if (doc.training === undefined) return undefined;
  const optimizer = await restoreOptimizer(doc.training.optimizer, doc.specs, file.data, fn);
  return { optimizer, initialEpoch: doc.training.initialEpoch, seed: doc.training.seed };
}
