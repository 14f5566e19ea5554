import { type LatentPrior, checkPrior, checkPriorObjective, seededPrior } from './prior.js';
import { type OptionKeys, assertNumber, assertOptions } from '../core/index.js';
import { checkActivation, checkInit, checkPositiveInt } from '../nn/common.js';
import { gaussianEncoder } from '../nn/gaussian.js';
import { type ConvBuildOptions, convBody, convLatentDecoder } from '../nn/vq-networks.js';
import { CVAE } from './cvae.js';
import { type VaeFactoryOptions, VAE_FACTORY_KEYS, buildOwned, definedOnly, networkSeeds } from './factories.js';
import { VAE } from './vae.js';
import { type Likelihood, checkVaeOptions } from './variational.js';
import { checkConvOptions } from './vq-factories.js';

/**
 * Options of {@link convVae}.
 * @category Models
 */
export interface ConvVaeOptions extends VaeFactoryOptions {
  /** Shape of one image, `[height, width, channels]`, e.g. `[28, 28, 1]`. */
  readonly inputShape: readonly [number, number, number];
  /** Channels of each strided convolution of the encoder (the decoder reverses them), e.g. `[32, 64]`. */
  readonly filters: readonly number[];
  /** Side of the square kernels. Default 3. */
  readonly kernelSize?: number;
  /** Stride of every convolution. Default 2. */
  readonly strides?: number;
}

/**
 * Options of {@link convCvae}: those of {@link convVae} and the number of classes.
 * @category Models
 */
export interface ConvCvaeOptions extends ConvVaeOptions {
  /** Number of classes `K`. */
  readonly numClasses: number;
}

const CONV_VAE_OPTIONS: OptionKeys<ConvVaeOptions> = /* @__PURE__ */ Object.assign({ inputShape: true, filters: true, kernelSize: true, strides: true } as const, VAE_FACTORY_KEYS);

/** Checks the options in the factory's name and gives the network build options. */
function checkConvVae(options: ConvVaeOptions, fn: string): ConvBuildOptions & { latentDim: number; likelihood: Likelihood } {
  const conv = checkConvOptions(options, fn);
  const latentDim = checkPositiveInt(options.latentDim, fn, 'latentDim');
  const { likelihood, objective } = checkVaeOptions(options.likelihood ?? 'bernoulli', options.beta, options.objective, fn);
  checkPriorObjective(checkPrior(options.prior, fn), objective, fn);
  const activation = checkActivation(options.activation ?? 'relu', fn, 'activation');
  if (options.logVarLimit !== undefined) assertNumber(options.logVarLimit, fn, 'logVarLimit', { min: 0, minExclusive: true });
  const { seed, init } = checkInit(options, fn);
  return { ...conv, activation, seed, init, latentDim, likelihood };
}

/**
 * Builds the Gaussian conv encoder (two inputs with `numClasses`), the conv decoder (reading
 * `latentDim + numClasses` values) and the model.
 */
function buildConvVae<M>(options: ConvVaeOptions, fn: string, numClasses: number | undefined, model: (e: ReturnType<typeof gaussianEncoder>, d: ReturnType<typeof gaussianEncoder>) => M): M {
  const o = checkConvVae(options, fn);
  const seeds = networkSeeds(o.seed);
  const extra = numClasses ?? 0;
  return buildOwned(
    () =>
      gaussianEncoder({
        body: convBody({ ...o, seed: seeds.encoder.seed }, numClasses),
        latentDim: o.latentDim,
        init: o.init,
        ...definedOnly(options, ['logVarLimit']),
        ...(seeds.encoder.seed === undefined ? {} : { seed: seeds.encoder.seed + 1 }),
      }),
    () => convLatentDecoder({ ...o, seed: seeds.decoder.seed }, o.latentDim + extra, o.likelihood === 'gaussian' ? 'linear' : 'sigmoid'),
    model,
  );
}

/**
 * A convolutional {@link VAE}: strided `'same'` convolutions (`filters`), flattened into the two
 * dense heads of a {@link gaussianEncoder} (`μ`, `log σ²`); the decoder maps `z` through a dense
 * layer to the `[⌈h/sᴸ⌉, ⌈w/sᴸ⌉, filters[L−1]]` map, reshapes it and upsamples with transposed
 * convolutions (the filters reversed), then crops to `[h, w]` and convolves to `c` channels (sigmoid
 * output for Bernoulli, linear for Gaussian). Takes and gives `[n, h, w, c]`.
 *
 * @param options - see {@link ConvVaeOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * const vae = convVae({ inputShape: [28, 28, 1], filters: [32, 64], latentDim: 16, seed: 1 });
 * const digits = vae.sample(4, { seed: 2 }); // [4, 28, 28, 1]
 * ```
 */
export function convVae(options: ConvVaeOptions): VAE {
  const fn = 'convVae';
  assertOptions(options, CONV_VAE_OPTIONS, fn);
  return buildConvVae(options, fn, undefined, (encoder, decoder) =>
    new VAE({ encoder, decoder, ...definedOnly({ ...options, prior: seededPrior(options.prior, options.seed) as LatentPrior | undefined }, ['likelihood', 'beta', 'objective', 'prior']) }),
  );
}

/**
 * A convolutional {@link CVAE}: the encoder of {@link convVae} with the one-hot label joined to
 * its flattened conv features (a second input `[n, numClasses]`), and the decoder of
 * {@link convVae} reading `[z, onehot(y)]` (`latentDim + numClasses` wide).
 *
 * @param options - see {@link ConvCvaeOptions}.
 * @returns a new model; the caller disposes it.
 * @category Models
 * @example
 * ```ts
 * const cvae = convCvae({ inputShape: [28, 28, 1], filters: [32, 64], latentDim: 16, numClasses: 10, seed: 1 });
 * const sevens = cvae.generate([7, 7], { seed: 2 }); // [2, 28, 28, 1]
 * ```
 */
export function convCvae(options: ConvCvaeOptions): CVAE {
  const fn = 'convCvae';
  assertOptions<ConvCvaeOptions>(options, { ...CONV_VAE_OPTIONS, numClasses: true }, fn);
  const numClasses = options.numClasses;
  assertNumber(numClasses, fn, 'numClasses', { integer: true, min: 1 });
  return buildConvVae(options, fn, numClasses, (encoder, decoder) =>
    new CVAE({ encoder, decoder, numClasses, ...definedOnly({ ...options, prior: seededPrior(options.prior, options.seed) as LatentPrior | undefined }, ['likelihood', 'beta', 'objective', 'prior']) }),
  );
}
