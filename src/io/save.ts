import { AnomalyDetector } from '../anomaly/detector.js';
import { describe, rejectUnknownKeys } from '../core/index.js';
import { detectorBlock, readDetectorBlock } from './detector.js';
import { checkDocument } from './document.js';
import { describeModel } from './document-write.js';
import { type JsonObject, cleanJson, own } from './json.js';
import { MODEL_FILE_LIMITS } from './limits.js';
import { destinationWriter, modelJsonText } from './storage.js';
import type { SavableModel, SavedArtifacts, SaveDestination, SaveOptions } from './types.js';
import { encodeWeights, parseSpecs } from './weights.js';

const SAVE_OPTIONS = ['training', 'omitCustomLoss'];

/**
 * Saves a model — an {@link Autoencoder} (its networks, weights, loss, sparsity and corruptor
 * settings), a {@link VAE}, a {@link CVAE}, a {@link VQVAE} (networks, codebook and its EMA and usage
 * statistics, as `codebook/…` weights), a {@link PCA} (a `mergeable` fit with its count, mean,
 * scatter matrix and per-feature variance, so that `PCA.merge` works after loading) or a
 * {@link KernelPCA} (its training rows, eigenvectors and pre-image map) — or a fitted {@link AnomalyDetector}
 * around one of them (the model, plus a `detector` block in the document: the scaler, the
 * threshold rule with its fitted values, the score options and the background scores, at most
 * 2¹⁸ of them; load it with `loadModel(…, { kind: 'detector' })`) — to a directory (Node), IndexedDB,
 * a download, local storage, any tfjs `IOHandler`, or only to memory.
 *
 * What is written is two parts, the same everywhere:
 * - `model.json`: `{ format, generatedBy, modelTopology, weightsManifest }` (the tfjs `ModelJSON`
 *   layout), where `modelTopology` is this package's document:
 *   `{ format: 'autoencoders/model', version: '1.0', kind, config, networks: { encoder, decoder }, training? }` —
 *   the model's configuration and each network's tfjs-layers topology (`model.toJSON()`);
 * - `weights.bin`: every weight, float32 (PCA, KernelPCA: float64, bit for bit), little-endian, back to back in manifest order.
 *
 * With `options.training`, the optimizer's configuration and state, the number of epochs done and
 * the seed are saved too: {@link loadTrainingState} gives them back and training resumes exactly.
 *
 * Before anything is written, the file is checked by the same rules {@link loadModel} applies, so
 * that a model that could not be loaded is refused here (e.g. a network with a layer class outside
 * the supported list).
 *
 * @param model - the model to save; not modified.
 * @param destination - see {@link SaveDestination}: a directory path (Node), `'indexeddb://name'`,
 *   `'downloads://name'`, `'localstorage://name'`, `{ type: 'memory' }`, or a tfjs IOHandler.
 * @param options - see {@link SaveOptions}: `training` (optimizer state), `omitCustomLoss`.
 * @returns the saved model as {@link SavedArtifacts} (`modelJson` text and `weights` bytes),
 *   whatever the destination.
 * @throws TypeError for a value of the wrong kind; Error for a custom loss function (unless
 *   `omitCustomLoss`), an unsupported layer or optimizer, an optimizer that does not fit the
 *   model, or a failed write (naming the destination).
 * @category I/O
 * @example
 * ```ts
 * const model = denseAutoencoder({ inputDim: 784, hidden: [128], latentDim: 16, seed: 1 });
 * await train(model, x, { epochs: 5 });
 * await saveModel(model, './models/digits');         // Node: model.json + weights.bin
 * await saveModel(model, 'indexeddb://digits');      // browser
 * const { modelJson, weights } = await saveModel(model, { type: 'memory' });
 * ```
 */
export async function saveModel(model: SavableModel | AnomalyDetector, destination: SaveDestination, options: SaveOptions = {}): Promise<SavedArtifacts> {
  const fn = 'saveModel';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: argument 'options' must be an object, got ${describe(options)}`);
  rejectUnknownKeys(options, SAVE_OPTIONS, fn, 'options');
  if (options.omitCustomLoss !== undefined && typeof options.omitCustomLoss !== 'boolean') {
    throw new TypeError(`${fn}: argument 'options.omitCustomLoss' must be a boolean, got ${describe(options.omitCustomLoss)}`);
  }
  const write = destinationWriter(destination, fn);
  const detector = model instanceof AnomalyDetector ? model : null;
  const block = detector === null ? null : detectorBlock(detector, fn);
  const { document, weights } = await describeModel((detector?.model ?? model) as SavableModel, options, fn);
  if (block !== null) document['detector'] = block;
  const { entries, data } = encodeWeights(weights);
  // The loader's own checks, so that what is written can be read back (they allocate nothing).
  const checkedDocument = cleanJson(document, fn, 'document') as JsonObject;
  const { specs } = parseSpecs(cleanJson(entries, fn, 'weights'), fn, 'weights', MODEL_FILE_LIMITS.maxWeightBytes);
  try {
    const checked = checkDocument(checkedDocument, specs, fn);
    if (block !== null) readDetectorBlock(own(checkedDocument, 'detector'), checked.kind, fn);
  } catch (e) {
    throw new Error(`${fn}: the model cannot be saved in a form loadModel accepts: ${(e as Error).message.replace(`${fn}: `, '')}`);
  }
  const modelJson = modelJsonText(document, entries);
  if (modelJson.length > MODEL_FILE_LIMITS.maxModelJsonLength) {
    throw new Error(`${fn}: model.json would be ${modelJson.length} characters long, more than the limit of ${MODEL_FILE_LIMITS.maxModelJsonLength}`);
  }
  await write({ modelJson, document, entries, data });
  return { modelJson, weights: data };
}
