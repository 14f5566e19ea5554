import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, assertOneOf, deriveSeed, fail } from '../core/index.js';

/**
 * Element-wise activations the builders accept (the tfjs-layers names).
 * @category Networks
 */
export type Activation =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'tanh'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'mish'
  | 'gelu';

/** Every {@link Activation}, for validation. @internal */
export const ACTIVATIONS: readonly Activation[] = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
];

/**
 * How the builders draw initial weights.
 * - `'glorot'` (default, the Keras convention): kernels `U(±√(6 / (fanIn + fanOut)))`, biases 0.
 * - `'torch'` (the PyTorch `nn.Linear` / `nn.Conv2d` / `nn.ConvTranspose2d` default,
 *   kaiming-uniform with `a = √5`): kernels and biases `U(±1/√fanIn)`.
 * @category Networks
 */
export type WeightInit = 'glorot' | 'torch';

/** Options every builder shares. @category Networks */
export interface InitOptions {
  /** Seed for the initial weights: the same seed gives the same weights. Default: unseeded. */
  readonly seed?: number;
  /** Initial weight distribution, see {@link WeightInit}. Default `'glorot'`. */
  readonly init?: WeightInit;
}

/** A tfjs-layers weight initialiser. @internal */
export type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/** Validates an activation option. @internal */
export function checkActivation(value: unknown, fn: string, arg: string): Activation {
  assertOneOf(value, ACTIVATIONS, fn, arg);
  return value;
}

/** Validates the `seed` and `init` options. @internal */
export function checkInit(options: InitOptions, fn: string): { seed: number | undefined; init: WeightInit } {
  const { seed, init = 'glorot' } = options;
  if (seed !== undefined) assertNumber(seed, fn, 'seed', { integer: true, min: 0 });
  assertOneOf(init, ['glorot', 'torch'] as const, fn, 'init');
  return { seed, init };
}

/** Validates a positive integer option. @internal */
export function checkPositiveInt(value: unknown, fn: string, arg: string): number {
  assertNumber(value, fn, arg, { integer: true, min: 1 });
  return value;
}

/** Validates an `[h, w, c]` image shape. @internal */
export function checkImageShape(value: unknown, fn: string, arg: string): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) fail(fn, arg, 'an [height, width, channels] array', value);
  value.forEach((v, i) => assertNumber(v, fn, `${arg}[${i}]`, { integer: true, min: 1 }));
  return [value[0] as number, value[1] as number, value[2] as number];
}

/**
 * Seeded kernel and bias initialisers for the `index`-th weighted layer of a builder.
 * `fanIn` is the number of inputs to one output unit (PyTorch's definition).
 * @internal
 */
export function initializers(
  seed: number | undefined,
  init: WeightInit,
  index: number,
  fanIn: number,
): { kernelInitializer: Initializer; biasInitializer: Initializer } {
  const kernelSeed = seed === undefined ? {} : { seed: deriveSeed(seed, index, 0) };
  const biasSeed = seed === undefined ? {} : { seed: deriveSeed(seed, index, 1) };
  if (init === 'glorot') {
    return {
      kernelInitializer: tfl.initializers.glorotUniform(kernelSeed),
      biasInitializer: tfl.initializers.zeros(),
    };
  }
  // U(±√(3·scale / fanIn)) with scale = 1/3 is U(±1/√fanIn).
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', ...kernelSeed }),
    biasInitializer: tfl.initializers.randomUniform({ minval: -bound, maxval: bound, ...biasSeed }),
  };
}

/** A dense layer with seeded initialisers. @internal */
export function seededDense(
  units: number,
  activation: Activation,
  fanIn: number,
  seed: number | undefined,
  init: WeightInit,
  index: number,
): tfl.layers.Layer {
  return tfl.layers.dense({ units, activation, ...initializers(seed, init, index, fanIn) });
}
