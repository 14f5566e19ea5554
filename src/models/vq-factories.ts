import { type OptionKeys, assertNumber, assertOneOf, assertOptions, assertUnits, fail } from '../core/index.js';
import { type Activation, type WeightInit, checkActivation, checkImageShape, checkInit, checkPositiveInt } from '../nn/common.js';
import { type ConvBuildOptions, convGridDecoder, convGridEncoder, denseGridDecoder, denseGridEncoder } from '../nn/vq-networks.js';
import { buildOwned, definedOnly, networkSeeds } from './factories.js';
import { type DeadCodes, type VqEma, checkDeadCodes, checkEma } from './vq-codebook.js';
import { type VqReconstruction, VQ_CODEBOOK_KEYS, VQVAE } from './vqvae.js';

/**
 * Options of a VQ-VAE factory that the {@link VQVAE} itself takes.
 * @category Models
 */
export interface VqFactoryOptions {
  /** Number `K` of code vectors. */
  readonly codebookSize: number;
  /** Width `d` of a code vector. */
  readonly codeDim: number;
  /** Weight β of the commitment term. Default 0.25. */
  readonly commitment?: number;
  /** EMA codebook updates `{ decay }` instead of the codebook loss. Default: none. */
  readonly ema?: VqEma;
  /** Dead-code handling. Default `{ kind: 'restart', threshold: 0.05 }`. */
  readonly deadCodes?: DeadCodes;
  /** The reconstruction term. Default `'mse'`. */
  readonly reconstruction?: VqReconstruction;
  /** Activation of the hidden layers. Default `'relu'`. */
  readonly activation?: Activation;
  /** Activation of the output. Default `'sigmoid'` (data in [0, 1]); `'linear'` for unbounded data. */
  readonly outputActivation?: Activation;
  /** Seed of the initial weights and codebook. Default: unseeded. */
  readonly seed?: number;
  /** Initial weight distribution. Default `'glorot'`. */
  readonly init?: WeightInit;
}

/**
 * Options of {@link denseVqVae}.
 * @category Models
 */
export interface DenseVqVaeOptions extends VqFactoryOptions {
  /** Width of an input row. */
  readonly inputDim: number;
  /** Hidden widths of the encoder (the decoder uses them reversed), e.g. `[256]`. */
  readonly hidden: readonly number[];
  /** Number of code vectors per sample (each quantised on its own: `numCodes·log₂K` bits). Default 1. */
  readonly numCodes?: number;
}

/**
 * Options of {@link convVqVae}.
 * @category Models
 */
export interface ConvVqVaeOptions extends VqFactoryOptions {
  /** Shape of one image, `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number];
  /** Channels of each strided convolution of the encoder (the decoder reverses them), e.g. `[32, 64]`. */
  readonly filters: readonly number[];
  /** Side of the square kernels. Default 3. */
  readonly kernelSize?: number;
  /** Stride of every convolution. Default 2 (28×28 with two convolutions gives a 7×7 grid of codes). */
  readonly strides?: number;
}

const VQ_KEYS: OptionKeys<VqFactoryOptions> = /* @__PURE__ */ Object.assign(
  {} as const,
  VQ_CODEBOOK_KEYS,
  { activation: true, outputActivation: true, seed: true, init: true } as const,
);

// Joined by a pure-annotated Object.assign, not a spread, which bundlers keep as a possible side effect.
const DENSE_VQ_OPTIONS: OptionKeys<DenseVqVaeOptions> = /* @__PURE__ */ Object.assign({ inputDim: true, hidden: true, numCodes: true } as const, VQ_KEYS);
const CONV_VQ_OPTIONS: OptionKeys<ConvVqVaeOptions> = /* @__PURE__ */ Object.assign({ inputShape: true, filters: true, kernelSize: true, strides: true } as const, VQ_KEYS);

/** Checks the shared options in the factory's name; returns the network build options. */
function checkShared(options: VqFactoryOptions, fn: string): { activation: Activation; outputActivation: Activation; seed: number | undefined; init: WeightInit } {
  checkPositiveInt(options.codebookSize, fn, 'codebookSize');
  checkPositiveInt(options.codeDim, fn, 'codeDim');
  if (options.commitment !== undefined) assertNumber(options.commitment, fn, 'commitment', { min: 0 });
  checkEma(options.ema, fn);
  checkDeadCodes(options.deadCodes, fn);
  if (options.reconstruction !== undefined) assertOneOf(options.reconstruction, ['mse', 'bce'] as const, fn, 'reconstruction');
  const activation = checkActivation(options.activation ?? 'relu', fn, 'activation');
  const outputActivation = checkActivation(options.outputActivation ?? 'sigmoid', fn, 'outputActivation');
  const { seed, init } = checkInit(options, fn);
  return { activation, outputActivation, seed, init };
}

/** The options the {@link VQVAE} constructor takes, from a factory's. */
function modelOptions(options: VqFactoryOptions, seed: number | undefined): Omit<ConstructorParameters<typeof VQVAE>[0], 'encoder' | 'decoder'> {
  return {
    codebookSize: options.codebookSize,
    codeDim: options.codeDim,
    ...definedOnly(options, ['commitment', 'ema', 'deadCodes', 'reconstruction']),
    ...(seed === undefined ? {} : { seed: seed + 3 }),
  };
}

/**
 * A fully connected {@link VQVAE}: `inputDim → hidden… → numCodes × codeDim` vectors, each
 * quantised on its own, then `→ …hidden reversed → inputDim`. `encode` gives `[n, numCodes]` indices.
 *
 * @param options - see {@link DenseVqVaeOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * const vq = denseVqVae({ inputDim: 784, hidden: [256], codebookSize: 64, codeDim: 8, numCodes: 16, seed: 1 });
 * ```
 */
export function denseVqVae(options: DenseVqVaeOptions): VQVAE {
  const fn = 'denseVqVae';
  assertOptions(options, DENSE_VQ_OPTIONS, fn);
  const inputDim = checkPositiveInt(options.inputDim, fn, 'inputDim');
  assertUnits(options.hidden, fn, 'hidden');
  const numCodes = checkPositiveInt(options.numCodes ?? 1, fn, 'numCodes');
  const shared = checkShared(options, fn);
  const seeds = networkSeeds(shared.seed);
  const build = (seed: number | undefined): { activation: Activation; seed: number | undefined; init: WeightInit } => ({ activation: shared.activation, seed, init: shared.init });
  return buildOwned(
    () => denseGridEncoder(inputDim, options.hidden, numCodes, options.codeDim, build(seeds.encoder.seed)),
    () => denseGridDecoder(inputDim, options.hidden, numCodes, options.codeDim, shared.outputActivation, build(seeds.decoder.seed)),
    (encoder, decoder) => new VQVAE({ encoder, decoder, ...modelOptions(options, shared.seed) }),
  );
}

/**
 * A convolutional {@link VQVAE}: `filters.length` strided convolutions and a 1×1 convolution to
 * `codeDim` channels give a grid `[⌈h/sᴸ⌉, ⌈w/sᴸ⌉]` of code vectors, each quantised on its own; the
 * decoder mirrors it with transposed convolutions. For 28×28 digits, `filters: [32, 64]` gives 7×7
 * code indices (`encode` → `[n, 7, 7]`).
 *
 * @param options - see {@link ConvVqVaeOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * const vq = convVqVae({ inputShape: [28, 28, 1], filters: [16, 32], codebookSize: 64, codeDim: 8, ema: { decay: 0.99 }, seed: 1 });
 * ```
 */
export function convVqVae(options: ConvVqVaeOptions): VQVAE {
  const fn = 'convVqVae';
  assertOptions(options, CONV_VQ_OPTIONS, fn);
  const shared = checkShared(options, fn);
  const conv = checkConvOptions(options, fn);
  const seeds = networkSeeds(shared.seed);
  const build = (seed: number | undefined): ConvBuildOptions => ({ ...conv, activation: shared.activation, seed, init: shared.init });
  return buildOwned(
    () => convGridEncoder(build(seeds.encoder.seed), options.codeDim),
    () => convGridDecoder(build(seeds.decoder.seed), options.codeDim, shared.outputActivation),
    (encoder, decoder) => new VQVAE({ encoder, decoder, ...modelOptions(options, shared.seed) }),
  );
}

/**
 * Checks the convolution options shared by the conv factories. @internal
 */
export function checkConvOptions(
  options: { readonly inputShape: unknown; readonly filters: unknown; readonly kernelSize?: unknown; readonly strides?: unknown },
  fn: string,
): Pick<ConvBuildOptions, 'inputShape' | 'filters' | 'kernelSize' | 'strides'> {
  const inputShape = checkImageShape(options.inputShape, fn, 'inputShape');
  assertUnits(options.filters, fn, 'filters');
  if (options.filters.length === 0) fail(fn, 'filters', 'a non-empty array of positive integers', options.filters);
  const kernelSize = checkPositiveInt(options.kernelSize ?? 3, fn, 'kernelSize');
  const strides = checkPositiveInt(options.strides ?? 2, fn, 'strides');
  return { inputShape, filters: options.filters, kernelSize, strides };
}
