import * as tfl from '@tensorflow/tfjs-layers';
import { type OptionKeys, assertNumber, assertOptions, assertUnits, fail, formatShape } from '../core/index.js';
import { type Activation, type InitOptions, checkActivation, checkInit, checkPositiveInt, seededDense } from './common.js';

/** Default bound `L` of the log-variance head: `log σ² ∈ [−L, L]`. @category Networks */
export const DEFAULT_LOG_VAR_LIMIT = 10;

/**
 * Options of {@link gaussianEncoder}. Give either `inputDim` (with optional `units`) for a fully
 * connected body, or `body`: any single-output `tf.LayersModel` (e.g. a {@link convEncoder}) whose
 * output feeds the two heads.
 * @category Networks
 */
export interface GaussianEncoderOptions extends InitOptions {
  /** Width `d` of an input row (fully connected body). */
  readonly inputDim?: number;
  /** Widths of the fully connected hidden layers. Default `[]`. */
  readonly units?: readonly number[];
  /**
   * A feature extractor to put the heads on, instead of `inputDim`/`units`. Its layers become part
   * of the returned model (disposing that model disposes them); a rank > 2 output is flattened.
   */
  readonly body?: tfl.LayersModel;
  /** Width `k` of the latent space. */
  readonly latentDim: number;
  /** Activation of the hidden layers. Default `'relu'`. */
  readonly activation?: Activation;
  /**
   * Bound `L` of the log-variance: the head gives `log σ² = L · tanh(r / L)` for the raw output `r`,
   * which is `≈ r` for `|r| ≪ L` and stays within `[−L, L]` (the ends are reached only where float32
   * rounds tanh to ±1), so that `exp(log σ²)` cannot overflow (σ stays within `[e^{−L/2}, e^{L/2}]`),
   * while the gradient does not vanish until the raw output is many times `L`. Default 10.
   */
  readonly logVarLimit?: number;
}

const GAUSSIANENCODER_OPTIONS: OptionKeys<GaussianEncoderOptions> = { inputDim: true, units: true, body: true, latentDim: true, activation: true, logVarLimit: true, init: true, seed: true };

/**
 * An encoder with two heads for a diagonal Gaussian `q(z|x) = N(μ, diag σ²)`: the mean `μ` and the
 * log-variance `log σ²`, each a dense layer on the body's features, the log-variance softly clamped
 * to `[−L, L]` (see {@link GaussianEncoderOptions.logVarLimit}).
 *
 * Takes `[n, inputDim]` (or the body's input), gives `[mean, logVar]`, both `[n, latentDim]`.
 * The caller owns the model (a {@link VAE} takes it over).
 *
 * @param options - see {@link GaussianEncoderOptions}.
 * @returns a `tf.LayersModel` with two outputs `[null, latentDim]`: mean, then log-variance.
 * @category Networks
 * @example
 * ```ts
 * const encoder = gaussianEncoder({ inputDim: 784, units: [512], latentDim: 20, seed: 1 });
 * encoder.outputs.map((o) => o.shape); //=> [[null, 20], [null, 20]]
 * ```
 */
export function gaussianEncoder(options: GaussianEncoderOptions): tfl.LayersModel {
  const fn = 'gaussianEncoder';
  assertOptions(options, GAUSSIANENCODER_OPTIONS, fn);
  const { units = [], body, activation = 'relu', logVarLimit = DEFAULT_LOG_VAR_LIMIT } = options;
  const latentDim = checkPositiveInt(options.latentDim, fn, 'latentDim');
  checkActivation(activation, fn, 'activation');
  assertNumber(logVarLimit, fn, 'logVarLimit', { min: 0, minExclusive: true });
  const { seed, init } = checkInit(options, fn);

  let inputs: tfl.SymbolicTensor[];
  let features: tfl.SymbolicTensor;
  let fanIn: number;
  let index = 0;
  if (body !== undefined) {
    if (options.inputDim !== undefined) {
      throw new Error(`${fn}: give either 'inputDim' or 'body', not both`);
    }
    if (units.length > 0) throw new Error(`${fn}: 'units' builds a fully connected body; with 'body' leave it out`);
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { outputs?: unknown }).outputs)) {
      fail(fn, 'body', 'a tf.LayersModel', body);
    }
    if (body.outputs.length !== 1) {
      throw new Error(`${fn}: argument 'body' must have one output, got ${body.outputs.length}`);
    }
    inputs = body.inputs;
    features = body.outputs[0]!;
    const dims = features.shape.slice(1);
    if (dims.some((d) => d === null)) {
      throw new Error(`${fn}: the output of 'body' must have a known size, got shape ${formatShape(features.shape)}`);
    }
    if (dims.length > 1) features = tfl.layers.flatten().apply(features) as tfl.SymbolicTensor;
    fanIn = (dims as number[]).reduce((a, b) => a * b, 1);
  } else {
    const inputDim = checkPositiveInt(options.inputDim, fn, 'inputDim');
    assertUnits(units, fn, 'units');
    const input = tfl.input({ shape: [inputDim] });
    inputs = [input];
    features = input;
    fanIn = inputDim;
    for (const u of units) {
      features = seededDense(u, activation, fanIn, seed, init, index++).apply(features) as tfl.SymbolicTensor;
      fanIn = u;
    }
  }
  const mean = seededDense(latentDim, 'linear', fanIn, seed, init, index++).apply(features) as tfl.SymbolicTensor;
  let logVar = seededDense(latentDim, 'linear', fanIn, seed, init, index).apply(features) as tfl.SymbolicTensor;
  logVar = tfl.layers.rescaling({ scale: 1 / logVarLimit }).apply(logVar) as tfl.SymbolicTensor;
  logVar = tfl.layers.activation({ activation: 'tanh' }).apply(logVar) as tfl.SymbolicTensor;
  logVar = tfl.layers.rescaling({ scale: logVarLimit }).apply(logVar) as tfl.SymbolicTensor;
  return tfl.model({ inputs, outputs: [mean, logVar] });
}
