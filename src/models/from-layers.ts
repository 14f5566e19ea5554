/**
 * Rebuilding a model from two plain networks (e.g. imported from Keras with `importLayersModel`)
 * and the settings that `exportLayersModel` wrote beside them (`autoencoders.json`): the
 * `fromLayersModels` static constructors of {@link Autoencoder}, {@link VAE} and {@link CVAE}.
 * @module
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { type OptionKeys, assertOptions, describe } from '../core/index.js';
import { type Corruptor, corruptorFromConfig } from '../noise/index.js';
import type { AutoencoderConfig, AutoencoderOptions, LossFunction } from './autoencoder.js';
import type { CvaeConfig } from './cvae.js';
import type { VaeConfig } from './vae.js';

/** The `format` of `autoencoders.json`. @internal */
export const LAYERS_SETTINGS_FORMAT = 'autoencoders/layers-settings';
/** The version `exportLayersModel` writes; `fromLayersModels` reads every `1.x`. @internal */
export const LAYERS_SETTINGS_VERSION = '1.0';

/**
 * The settings of a model that a TF.js Layers file cannot hold, as `exportLayersModel` writes
 * them to `autoencoders.json` (and to `userDefinedMetadata.autoencoders` of `model.json`):
 * the model's `getConfig()` and a list of what is not carried at all.
 * @category Models
 * @example
 * ```ts
 * const settings: LayersSettings = JSON.parse(await readFile('./export/decoder/autoencoders.json', 'utf8'));
 * // given: const readFile: (path: string, encoding: 'utf8') => Promise<string>;
 * ```
 */
export interface LayersSettings {
  readonly format: 'autoencoders/layers-settings';
  /** `"major.minor"`; this release reads `1.x`. */
  readonly version: string;
  readonly kind: 'autoencoder' | 'vae' | 'cvae';
  /** The network exported beside this file. */
  readonly network: 'encoder' | 'decoder';
  /** The model's `getConfig()`: loss, sparsity and corruptor, or likelihood and β, and the shapes. */
  readonly config: AutoencoderConfig | VaeConfig | CvaeConfig;
  /** What is not carried at all (e.g. the optimizer state); for people reading the file. */
  readonly notCarried: readonly string[];
}

/**
 * Options of `VAE.fromLayersModels` and `CVAE.fromLayersModels`.
 * @category Models
 * @example
 * ```ts
 * // given: const settings: LayersSettings;
 * const [encoder, decoder] = [await importLayersModel('./keras/encoder'), await importLayersModel('./keras/decoder')];
 * const options: FromLayersModelsOptions = { encoder, decoder, settings };
 * ```
 */
export interface FromLayersModelsOptions {
  /** The encoder network (the model takes ownership of it). */
  readonly encoder: tfl.LayersModel;
  /** The decoder network (the model takes ownership of it). */
  readonly decoder: tfl.LayersModel;
  /** The parsed `autoencoders.json` of either network (both hold the same `config`). */
  readonly settings: LayersSettings;
}

/**
 * Options of `Autoencoder.fromLayersModels`.
 * @category Models
 * @example
 * ```ts
 * // given: const settings: LayersSettings;
 * const [encoder, decoder] = [await importLayersModel('./keras/encoder'), await importLayersModel('./keras/decoder')];
 * const options: AutoencoderFromLayersOptions = { encoder, decoder, settings, loss: (t, p) => tf.losses.huberLoss(t, p) as tf.Scalar };
 * ```
 */
export interface AutoencoderFromLayersOptions extends FromLayersModelsOptions {
  /** The reconstruction loss function, needed when the settings say `loss: 'custom'`; it replaces a saved `'mse'`/`'bce'` otherwise. */
  readonly loss?: LossFunction;
}

const FROM_LAYERS_OPTIONS: OptionKeys<AutoencoderFromLayersOptions> = { encoder: true, decoder: true, settings: true, loss: true };
const SETTINGS_KEYS: OptionKeys<LayersSettings> = { format: true, version: true, kind: true, network: true, config: true, notCarried: true };

/** The config fields of each kind: complete by type, so that a new field cannot be forgotten here. @internal */
export const CONFIG_KEYS = {
  autoencoder: { kind: true, inputShape: true, codeShape: true, loss: true, sparsity: true, corruptor: true } satisfies OptionKeys<AutoencoderConfig>,
  vae: { kind: true, inputShape: true, latentDim: true, likelihood: true, beta: true, objective: true, prior: true } satisfies OptionKeys<VaeConfig>,
  cvae: { kind: true, inputShape: true, latentDim: true, numClasses: true, likelihood: true, beta: true, objective: true, prior: true } satisfies OptionKeys<CvaeConfig>,
} as const;

type Kind = keyof typeof CONFIG_KEYS;

function fail(fn: string, arg: string, expected: string, got: unknown): never {
  throw new Error(`${fn}: argument '${arg}' must be ${expected}, got ${describe(got)}`);
}

/**
 * Checks the options of a `fromLayersModels` and its settings document (format, version 1.x,
 * kind, every config field of the kind present and no other). Returns the config. @internal
 */
export function readFromLayers(options: unknown, kind: Kind, fn: string): { config: Record<string, unknown>; loss: LossFunction | undefined } {
  assertOptions<AutoencoderFromLayersOptions>(options, FROM_LAYERS_OPTIONS, fn);
  if (kind !== 'autoencoder' && options.loss !== undefined) fail(fn, 'options.loss', 'absent (only an autoencoder takes a reconstruction loss)', options.loss);
  if (options.loss !== undefined && typeof options.loss !== 'function') fail(fn, 'options.loss', 'a function (target, prediction) => tf.Scalar', options.loss);
  const s = options.settings as unknown;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) fail(fn, 'options.settings', 'the parsed autoencoders.json written by exportLayersModel', s);
  assertOptions<LayersSettings>(s, SETTINGS_KEYS, fn, 'options.settings');
  if (s.format !== LAYERS_SETTINGS_FORMAT) fail(fn, 'options.settings.format', `'${LAYERS_SETTINGS_FORMAT}'`, s.format);
  if (typeof s.version !== 'string' || !/^1\.\d{1,6}$/.test(s.version)) fail(fn, 'options.settings.version', "a version '1.x' (newer files need a newer release)", s.version);
  if (s.kind !== kind) fail(fn, 'options.settings.kind', `'${kind}' (the settings describe another kind of model)`, s.kind);
  const config = s.config as unknown;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail(fn, 'options.settings.config', 'an object', config);
  const keys = Object.keys(CONFIG_KEYS[kind]);
  assertOptions(config, CONFIG_KEYS[kind] as never, fn, 'options.settings.config');
  for (const key of keys) {
    // Settings written before objectives existed have β alone: the objective is then { kind: 'elbo', beta }.
    if (key === 'objective' && kind !== 'autoencoder') continue;
    // A VAE with the standard prior records none (the VampPrior's cannot be exported to Layers files).
    if (key === 'prior') continue;
    if (!Object.hasOwn(config, key)) throw new Error(`${fn}: field 'options.settings.config.${key}' is missing (a ${kind} records ${keys.join(', ')})`);
  }
  if ((config as { kind?: unknown }).kind !== kind) fail(fn, 'options.settings.config.kind', `'${kind}'`, (config as { kind?: unknown }).kind);
  return { config: config as Record<string, unknown>, loss: options.loss };
}

/** An autoencoder's loss, sparsity and corruptor from its config. @internal */
export function autoencoderSettings(config: Record<string, unknown>, loss: LossFunction | undefined, fn: string): Omit<AutoencoderOptions, 'encoder' | 'decoder'> {
  const saved = config['loss'];
  if (saved !== 'mse' && saved !== 'bce' && saved !== 'custom') fail(fn, 'options.settings.config.loss', "'mse', 'bce' or 'custom'", saved);
  if (saved === 'custom' && loss === undefined) {
    throw new Error(`${fn}: the settings say the loss was a custom function, which is never saved; pass it as options.loss`);
  }
  let corruptor: Corruptor | undefined;
  if (config['corruptor'] !== null) {
    try {
      corruptor = corruptorFromConfig(config['corruptor']);
    } catch (e) {
      throw new Error(`${fn}: field 'options.settings.config.corruptor' is invalid: ${(e as Error).message}`);
    }
  }
  const sparsity = config['sparsity'];
  return {
    loss: loss ?? (saved as 'mse' | 'bce'),
    ...(sparsity === null ? {} : { sparsity: sparsity as never }),
    ...(corruptor === undefined ? {} : { corruptor }),
  };
}

/**
 * Builds the model (its constructor's errors prefixed by `fn`) and compares its shapes with the
 * settings; on a mismatch the networks stay the caller's (nothing is disposed). @internal
 */
export function rebuild<M extends { readonly inputShape: readonly (number | null)[] }>(
  make: () => M,
  config: Record<string, unknown>,
  extra: readonly string[],
  fn: string,
): M {
  let model: M;
  try {
    model = make();
  } catch (e) {
    throw new Error(`${fn}: the networks and settings do not make a model: ${(e as Error).message}`);
  }
  for (const key of ['inputShape', ...extra]) {
    const actual = (model as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(actual) !== JSON.stringify(config[key])) {
      throw new Error(`${fn}: field 'options.settings.config.${key}' is ${JSON.stringify(config[key])}, but the networks give ${JSON.stringify(actual)}`);
    }
  }
  return model;
}

/** The networks of the options (already checked by {@link readFromLayers}). @internal */
export function networksOf(options: FromLayersModelsOptions): { encoder: tfl.LayersModel; decoder: tfl.LayersModel } {
  return { encoder: options.encoder, decoder: options.decoder };
}
