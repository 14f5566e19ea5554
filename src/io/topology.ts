/**
 * Checking a tfjs-layers network topology (`model.toJSON()`, Keras JSON with snake_case keys)
 * before any of it reaches tfjs-layers: only whitelisted layer, initializer, regularizer and
 * constraint classes, only the config fields each layer class has, and the shape of every weight
 * inferred from the configs, so that the weights a network would create are known — and compared
 * with the weights file — before a single one is allocated.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type Json, type JsonObject, arrayAt, bad, integer, isObject, onlyKeys, own, stringAt } from './json.js';
import { MODEL_FILE_LIMITS } from './limits.js';

type Dim = number | null;
/** A symbolic shape, batch axis first. */
type Shape = Dim[];

/** One weight a layer creates: its name within the layer, shape and trainability. @internal */
export interface PlannedWeight {
  readonly short: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
}

/** What the checks found out about one network. @internal */
export interface NetworkPlan {
  /** The checked copy of the topology, to give to tfjs-layers. */
  readonly topology: JsonObject;
  /** Weights of each layer that has any, in creation order, by layer name. */
  readonly layers: ReadonlyMap<string, readonly PlannedWeight[]>;
  /** Every weight `layer/short` of the network: trainable ones first (layer order), then the others. */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly trainable: boolean }[];
}

const MODEL_CLASSES = ['Model', 'Functional', 'Sequential'] as const;

/** Initializer, regularizer and constraint classes a layer config may name. */
const AUXILIARY_CLASSES = [
  'Zeros',
  'Ones',
  'Constant',
  'RandomUniform',
  'RandomNormal',
  'TruncatedNormal',
  'VarianceScaling',
  'GlorotUniform',
  'GlorotNormal',
  'HeUniform',
  'HeNormal',
  'LeCunUniform',
  'LeCunNormal',
  'Identity',
  'L1L2',
  'MaxNorm',
  'UnitNorm',
  'NonNeg',
  'MinMaxNorm',
];

/** Activation names (tfjs-layers, snake_case as `toJSON` writes them, and camelCase). */
const ACTIVATION_NAMES = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hard_sigmoid',
  'hardSigmoid',
  'tanh',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
  'softmax',
  'log_softmax',
  'logSoftmax',
];

const BASE_KEYS = ['name', 'trainable', 'dtype', 'batch_input_shape'];
const DENSE_LIKE = ['activation', 'use_bias', 'bias_initializer', 'bias_regularizer', 'activity_regularizer', 'bias_constraint'];
const KERNEL = ['kernel_initializer', 'kernel_regularizer', 'kernel_constraint'];
// Module-scope lists are joined with a pure-annotated concat, not spread: a bundler must assume an
// array spread may run code (an iterator), and would keep the statement in every bundle.
const CONV = /* @__PURE__ */ ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate'].concat(DENSE_LIKE);
const DEPTHWISE = ['depth_multiplier', 'depthwise_initializer', 'depthwise_regularizer', 'depthwise_constraint'];
const POINTWISE = ['pointwise_initializer', 'pointwise_regularizer', 'pointwise_constraint'];

/** Context of one layer's inference: its config and a reader whose errors name the layer. */
interface LayerContext {
  readonly fn: string;
  readonly path: string;
  readonly name: string;
  readonly className: string;
  readonly config: JsonObject;
}

interface Inferred {
  readonly output: Shape;
  readonly weights: readonly { short: string; shape: readonly Dim[]; trainable?: boolean }[];
}

interface LayerSpec {
  readonly keys: readonly string[];
  /** Number of inputs: 1, or 'many' for merge layers. */
  readonly inputs: 1 | 'many';
  readonly infer: (c: LayerContext, inputs: readonly Shape[]) => Inferred;
}

function layerError(c: LayerContext, message: string): never {
  throw new Error(`${c.fn}: layer '${c.name}' (${c.className}) at '${c.path}': ${message}`);
}

function field(c: LayerContext, key: string): Json | undefined {
  return own(c.config, key);
}

function readInt(c: LayerContext, key: string, fallback: number, min = 1): number {
  const v = field(c, key);
  if (v === undefined || v === null) return fallback;
  return integer(v, c.fn, `${c.path}.config.${key}`, min, MODEL_FILE_LIMITS.maxDimension);
}

function readBool(c: LayerContext, key: string, fallback: boolean): boolean {
  const v = field(c, key);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') bad(c.fn, `${c.path}.config.${key}`, 'a boolean', v);
  return v;
}

/** An integer or a list of `n` integers (tfjs accepts both). */
function readTuple(c: LayerContext, key: string, n: number, fallback: readonly number[] | undefined, min = 1): number[] {
  const v = field(c, key);
  const path = `${c.path}.config.${key}`;
  if (v === undefined || v === null) {
    if (fallback === undefined) bad(c.fn, path, `an integer or a list of ${n} integers`, v);
    return [...fallback];
  }
  if (typeof v === 'number') return new Array<number>(n).fill(integer(v, c.fn, path, min, MODEL_FILE_LIMITS.maxDimension));
  if (!Array.isArray(v) || v.length !== n) bad(c.fn, path, `an integer or a list of ${n} integers`, v);
  return v.map((x, i) => integer(x, c.fn, `${path}[${i}]`, min, MODEL_FILE_LIMITS.maxDimension));
}

function readPadding(c: LayerContext, allowCausal: boolean): 'valid' | 'same' | 'causal' {
  const v = field(c, 'padding');
  if (v === undefined || v === null) return 'valid';
  if (v === 'valid' || v === 'same' || (allowCausal && v === 'causal')) return v;
  return bad(c.fn, `${c.path}.config.padding`, allowCausal ? "'valid', 'same' or 'causal'" : "'valid' or 'same'", v);
}

function channelsLast(c: LayerContext): void {
  const v = field(c, 'data_format');
  if (v === undefined || v === null || v === 'channels_last' || v === 'channelsLast') return;
  layerError(c, `data_format ${JSON.stringify(v)} is not supported (only 'channels_last')`);
}

/** The single input of a layer, with its rank checked (`rank` counts the batch axis). */
function one(c: LayerContext, inputs: readonly Shape[], rank?: number): Shape {
  if (inputs.length !== 1) layerError(c, `expects one input, got ${inputs.length}`);
  const s = inputs[0]!;
  if (rank !== undefined && s.length !== rank) layerError(c, `expects an input of rank ${rank}, got shape ${formatShape(s)}`);
  return s;
}

function known(c: LayerContext, d: Dim, what: string): number {
  if (d === null) layerError(c, `needs a known ${what}, got an unknown size`);
  return d;
}

function checkDim(c: LayerContext, d: Dim, what: string): Dim {
  if (d === null) return null;
  if (!Number.isInteger(d) || d < 1 || d > MODEL_FILE_LIMITS.maxDimension) {
    layerError(c, `gives ${what} of size ${d}, outside [1, ${MODEL_FILE_LIMITS.maxDimension}]`);
  }
  return d;
}

/** tfjs-layers' `convOutputLength`. */
function convLength(c: LayerContext, size: Dim, kernel: number, padding: string, stride: number, dilation: number): Dim {
  if (size === null) return null;
  const dilated = kernel + (kernel - 1) * (dilation - 1);
  const length = padding === 'same' ? size : size - dilated + 1;
  return checkDim(c, Math.floor((length + stride - 1) / stride), 'a spatial dimension');
}

/** tfjs-layers' `deconvLength`. */
function deconvLength(c: LayerContext, size: Dim, stride: number, kernel: number, padding: string): Dim {
  if (size === null) return null;
  return checkDim(c, padding === 'valid' ? size * stride + Math.max(kernel - stride, 0) : size * stride, 'a spatial dimension');
}

function identity(keys: readonly string[] = []): LayerSpec {
  return { keys, inputs: 1, infer: (c, inputs) => ({ output: [...one(c, inputs)], weights: [] }) };
}

function activationSpec(): LayerSpec {
  return {
    keys: ['activation'],
    inputs: 1,
    infer: (c, inputs) => ({ output: [...one(c, inputs)], weights: [] }),
  };
}

function bias(c: LayerContext, size: number): { short: string; shape: Dim[] }[] {
  return readBool(c, 'use_bias', true) ? [{ short: 'bias', shape: [size] }] : [];
}

const dense: LayerSpec = {
  keys: /* @__PURE__ */ ['units'].concat(DENSE_LIKE, KERNEL),
  inputs: 1,
  infer: (c, inputs) => {
    const s = one(c, inputs);
    if (s.length < 2) layerError(c, `expects an input of rank >= 2, got shape ${formatShape(s)}`);
    const units = readInt(c, 'units', 0);
    const inDim = known(c, s[s.length - 1]!, 'last input dimension');
    return { output: [...s.slice(0, -1), units], weights: [{ short: 'kernel', shape: [inDim, units] }, ...bias(c, units)] };
  },
};

function conv(rank: 1 | 2, transpose: boolean): LayerSpec {
  return {
    keys: [...CONV, ...KERNEL],
    inputs: 1,
    infer: (c, inputs) => {
      if (rank === 2) channelsLast(c);
      const s = one(c, inputs, rank + 2);
      const filters = readInt(c, 'filters', 0);
      const kernel = readTuple(c, 'kernel_size', rank, undefined);
      const strides = readTuple(c, 'strides', rank, new Array<number>(rank).fill(1));
      const dilation = readTuple(c, 'dilation_rate', rank, new Array<number>(rank).fill(1));
      const padding = readPadding(c, rank === 1 && !transpose);
      if (transpose && padding !== 'valid' && padding !== 'same') layerError(c, `padding ${padding} is not supported`);
      const inC = known(c, s[rank + 1]!, 'channel dimension');
      const space = s.slice(1, rank + 1).map((d, i) =>
        transpose
          ? deconvLength(c, d, strides[i]!, kernel[i]!, padding)
          : convLength(c, d, kernel[i]!, padding, strides[i]!, dilation[i]!),
      );
      const kernelShape = transpose ? [...kernel, filters, inC] : [...kernel, inC, filters];
      return { output: [s[0]!, ...space, filters], weights: [{ short: 'kernel', shape: kernelShape }, ...bias(c, filters)] };
    },
  };
}

function depthwise(separable: boolean): LayerSpec {
  return {
    keys: separable ? [...CONV, ...DEPTHWISE, ...POINTWISE] : [...CONV.filter((k) => k !== 'filters'), ...DEPTHWISE],
    inputs: 1,
    infer: (c, inputs) => {
      channelsLast(c);
      const s = one(c, inputs, 4);
      const kernel = readTuple(c, 'kernel_size', 2, undefined);
      const strides = readTuple(c, 'strides', 2, [1, 1]);
      const dilation = readTuple(c, 'dilation_rate', 2, [1, 1]);
      const padding = readPadding(c, false);
      const multiplier = readInt(c, 'depth_multiplier', 1);
      const inC = known(c, s[3]!, 'channel dimension');
      const space = [convLength(c, s[1]!, kernel[0]!, padding, strides[0]!, dilation[0]!), convLength(c, s[2]!, kernel[1]!, padding, strides[1]!, dilation[1]!)];
      const depthKernel = { short: 'depthwise_kernel', shape: [kernel[0]!, kernel[1]!, inC, multiplier] };
      if (!separable) return { output: [s[0]!, ...space, inC * multiplier], weights: [depthKernel, ...bias(c, inC * multiplier)] };
      const filters = readInt(c, 'filters', 0);
      return {
        output: [s[0]!, ...space, filters],
        weights: [depthKernel, { short: 'pointwise_kernel', shape: [1, 1, inC * multiplier, filters] }, ...bias(c, filters)],
      };
    },
  };
}

function pooling(rank: 1 | 2): LayerSpec {
  return {
    keys: ['pool_size', 'strides', 'padding', ...(rank === 2 ? ['data_format'] : [])],
    inputs: 1,
    infer: (c, inputs) => {
      if (rank === 2) channelsLast(c);
      const s = one(c, inputs, rank + 2);
      const pool = readTuple(c, 'pool_size', rank, new Array<number>(rank).fill(2));
      const strides = readTuple(c, 'strides', rank, pool);
      const padding = readPadding(c, false);
      const space = s.slice(1, rank + 1).map((d, i) => convLength(c, d, pool[i]!, padding, strides[i]!, 1));
      return { output: [s[0]!, ...space, s[rank + 1]!], weights: [] };
    },
  };
}

function globalPooling(rank: 1 | 2): LayerSpec {
  return {
    keys: rank === 2 ? ['data_format'] : [],
    inputs: 1,
    infer: (c, inputs) => {
      if (rank === 2) channelsLast(c);
      const s = one(c, inputs, rank + 2);
      return { output: [s[0]!, s[rank + 1]!], weights: [] };
    },
  };
}

/** `[[top, bottom], [left, right]]`, or one integer, or `[vertical, horizontal]`. */
function readPairs(c: LayerContext, key: string, fallback: number): [[number, number], [number, number]] {
  const v = field(c, key);
  const path = `${c.path}.config.${key}`;
  const max = MODEL_FILE_LIMITS.maxDimension;
  if (v === undefined || v === null) return [[fallback, fallback], [fallback, fallback]];
  if (typeof v === 'number') {
    const p = integer(v, c.fn, path, 0, max);
    return [[p, p], [p, p]];
  }
  if (!Array.isArray(v) || v.length !== 2) bad(c.fn, path, 'an integer, [v, h] or [[top, bottom], [left, right]]', v);
  const pair = (x: Json, i: number): [number, number] => {
    if (typeof x === 'number') {
      const p = integer(x, c.fn, `${path}[${i}]`, 0, max);
      return [p, p];
    }
    if (!Array.isArray(x) || x.length !== 2) bad(c.fn, `${path}[${i}]`, 'an integer or a pair of integers', x);
    return [integer(x[0], c.fn, `${path}[${i}][0]`, 0, max), integer(x[1], c.fn, `${path}[${i}][1]`, 0, max)];
  };
  return [pair(v[0]!, 0), pair(v[1]!, 1)];
}

function padOrCrop(sign: 1 | -1): LayerSpec {
  const key = sign === 1 ? 'padding' : 'cropping';
  return {
    keys: [key, 'data_format'],
    inputs: 1,
    infer: (c, inputs) => {
      channelsLast(c);
      const s = one(c, inputs, 4);
      const [[t, b], [l, r]] = readPairs(c, key, sign === 1 ? 1 : 0);
      const h = s[1] === null ? null : checkDim(c, s[1]! + sign * (t + b), 'a height');
      const w = s[2] === null ? null : checkDim(c, s[2]! + sign * (l + r), 'a width');
      return { output: [s[0]!, h, w, s[3]!], weights: [] };
    },
  };
}

const upSampling: LayerSpec = {
  keys: ['size', 'data_format', 'interpolation'],
  inputs: 1,
  infer: (c, inputs) => {
    channelsLast(c);
    const s = one(c, inputs, 4);
    const size = readTuple(c, 'size', 2, [2, 2]);
    const scale = (d: Dim, f: number): Dim => (d === null ? null : checkDim(c, d * f, 'a spatial dimension'));
    return { output: [s[0]!, scale(s[1]!, size[0]!), scale(s[2]!, size[1]!), s[3]!], weights: [] };
  },
};

const flatten: LayerSpec = {
  keys: ['data_format'],
  inputs: 1,
  infer: (c, inputs) => {
    channelsLast(c);
    const s = one(c, inputs);
    if (s.length < 3) layerError(c, `expects an input of rank >= 3, got shape ${formatShape(s)}`);
    let size = 1;
    for (let i = 1; i < s.length; i++) size *= known(c, s[i]!, `input dimension ${i}`);
    return { output: [s[0]!, checkDim(c, size, 'a flattened size')], weights: [] };
  },
};

const reshape: LayerSpec = {
  keys: ['target_shape'],
  inputs: 1,
  infer: (c, inputs) => {
    const s = one(c, inputs);
    const v = field(c, 'target_shape');
    const path = `${c.path}.config.target_shape`;
    if (!Array.isArray(v) || v.length === 0 || v.length > 8) bad(c.fn, path, 'a list of 1 to 8 integers', v);
    const target = v.map((x, i) => (x === -1 || x === null ? -1 : integer(x, c.fn, `${path}[${i}]`, 1, MODEL_FILE_LIMITS.maxDimension)));
    const unknowns = target.filter((x) => x === -1).length;
    if (unknowns > 1) layerError(c, 'target_shape may hold at most one -1');
    const inputKnown = s.slice(1).every((d) => d !== null);
    const inputSize = s.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    const fixed = target.filter((x) => x !== -1).reduce((a, b) => a * b, 1);
    const out: Dim[] = target.map((x) => (x === -1 ? (inputKnown && inputSize % fixed === 0 ? inputSize / fixed : null) : x));
    if (inputKnown && unknowns === 0 && fixed !== inputSize) {
      layerError(c, `cannot reshape ${formatShape(s)} (${inputSize} values) to ${formatShape([null, ...target])}`);
    }
    return { output: [s[0]!, ...out.map((d) => checkDim(c, d, 'a dimension'))], weights: [] };
  },
};

const permute: LayerSpec = {
  keys: ['dims'],
  inputs: 1,
  infer: (c, inputs) => {
    const s = one(c, inputs);
    const v = field(c, 'dims');
    const path = `${c.path}.config.dims`;
    if (!Array.isArray(v) || v.length !== s.length - 1) bad(c.fn, path, `a permutation of 1..${s.length - 1}`, v);
    const dims = v.map((x, i) => integer(x, c.fn, `${path}[${i}]`, 1, s.length - 1));
    if (new Set(dims).size !== dims.length) bad(c.fn, path, `a permutation of 1..${s.length - 1}`, v);
    return { output: [s[0]!, ...dims.map((d) => s[d]!)], weights: [] };
  },
};

const repeatVector: LayerSpec = {
  keys: ['n'],
  inputs: 1,
  infer: (c, inputs) => {
    const s = one(c, inputs, 2);
    return { output: [s[0]!, readInt(c, 'n', 0), s[1]!], weights: [] };
  },
};

function normalizeAxis(c: LayerContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 1 || a >= rank) layerError(c, `axis ${axis} is outside the input's feature axes (rank ${rank})`);
  return a;
}

function readAxes(c: LayerContext, fallback: number): number[] {
  const v = field(c, 'axis');
  const path = `${c.path}.config.axis`;
  const max = MODEL_FILE_LIMITS.maxDimension;
  if (v === undefined || v === null) return [fallback];
  if (typeof v === 'number') return [integer(v, c.fn, path, -max, max)];
  if (!Array.isArray(v) || v.length === 0 || v.length > 8) bad(c.fn, path, 'an integer or a list of 1 to 8 integers', v);
  return v.map((x, i) => integer(x, c.fn, `${path}[${i}]`, -max, max));
}

const batchNormalization: LayerSpec = {
  keys: [
    'axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer',
    'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint',
  ],
  inputs: 1,
  infer: (c, inputs) => {
    const s = one(c, inputs);
    const axes = readAxes(c, -1);
    if (axes.length !== 1) layerError(c, 'axis must be a single integer');
    const channels = known(c, s[normalizeAxis(c, axes[0]!, s.length)]!, 'normalized axis');
    const weights: { short: string; shape: Dim[]; trainable?: boolean }[] = [];
    if (readBool(c, 'scale', true)) weights.push({ short: 'gamma', shape: [channels] });
    if (readBool(c, 'center', true)) weights.push({ short: 'beta', shape: [channels] });
    weights.push({ short: 'moving_mean', shape: [channels], trainable: false }, { short: 'moving_variance', shape: [channels], trainable: false });
    return { output: [...s], weights };
  },
};

const layerNormalization: LayerSpec = {
  keys: ['axis', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer'],
  inputs: 1,
  infer: (c, inputs) => {
    const s = one(c, inputs);
    const axes = readAxes(c, -1).map((a) => normalizeAxis(c, a, s.length));
    if (new Set(axes).size !== axes.length) layerError(c, 'axis lists an axis twice');
    const shape = axes.map((a) => known(c, s[a]!, `size on axis ${a}`));
    const weights: { short: string; shape: Dim[] }[] = [];
    if (readBool(c, 'scale', true)) weights.push({ short: 'gamma', shape });
    if (readBool(c, 'center', true)) weights.push({ short: 'beta', shape });
    return { output: [...s], weights };
  },
};

const prelu: LayerSpec = {
  keys: ['alpha_initializer', 'alpha_regularizer', 'alpha_constraint', 'shared_axes'],
  inputs: 1,
  infer: (c, inputs) => {
    const s = one(c, inputs);
    const shape: Dim[] = s.slice(1);
    const v = field(c, 'shared_axes');
    if (v !== undefined && v !== null) {
      const path = `${c.path}.config.shared_axes`;
      const axes = typeof v === 'number' ? [v] : v;
      if (!Array.isArray(axes)) bad(c.fn, path, 'an integer or a list of integers', v);
      axes.forEach((a, i) => {
        shape[integer(a, c.fn, Array.isArray(v) ? `${path}[${i}]` : path, 1, s.length - 1) - 1] = 1;
      });
    }
    return { output: [...s], weights: [{ short: 'alpha', shape: shape.map((d, i) => known(c, d, `input dimension ${i + 1}`)) }] };
  },
};

/** tfjs-layers' elementwise broadcast of feature shapes (merge layers). */
function broadcast(c: LayerContext, a: Shape, b: Shape): Shape {
  if (a.length < b.length) return broadcast(c, b, a);
  const out: Shape = a.slice(0, a.length - b.length);
  for (let k = 0; k < b.length; k++) {
    const x = a[a.length - b.length + k]!;
    const y = b[k]!;
    if (x === null || y === null) out.push(null);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x !== y) layerError(c, `cannot merge inputs of shapes ${formatShape(a)} and ${formatShape(b)}`);
    else out.push(x);
  }
  return out;
}

const elementwise: LayerSpec = {
  keys: [],
  inputs: 'many',
  infer: (c, inputs) => {
    if (inputs.length < 2) layerError(c, `expects at least 2 inputs, got ${inputs.length}`);
    let out = inputs[0]!.slice(1);
    for (const s of inputs.slice(1)) out = broadcast(c, out, s.slice(1));
    return { output: [null, ...out], weights: [] };
  },
};

const concatenate: LayerSpec = {
  keys: ['axis'],
  inputs: 'many',
  infer: (c, inputs) => {
    if (inputs.length < 2) layerError(c, `expects at least 2 inputs, got ${inputs.length}`);
    const rank = inputs[0]!.length;
    if (inputs.some((s) => s.length !== rank)) layerError(c, `expects inputs of one rank, got ${inputs.map(formatShape).join(', ')}`);
    const axis = normalizeAxis(c, readAxes(c, -1)[0]!, rank);
    const out: Shape = [...inputs[0]!];
    let sum: Dim = 0;
    for (const s of inputs) sum = sum === null || s[axis] === null ? null : sum + s[axis]!;
    out[axis] = checkDim(c, sum, 'a concatenated size');
    return { output: out, weights: [] };
  },
};

/** Every layer class a saved network may use, with its config fields and shape rule. */
const LAYERS: Readonly<Record<string, LayerSpec>> = {
  Dense: dense,
  Activation: /* @__PURE__ */ activationSpec(),
  Dropout: /* @__PURE__ */ identity(['rate', 'noise_shape', 'seed']),
  SpatialDropout1D: /* @__PURE__ */ identity(['rate', 'noise_shape', 'seed']),
  AlphaDropout: /* @__PURE__ */ identity(['rate', 'noise_shape']),
  GaussianDropout: /* @__PURE__ */ identity(['rate']),
  GaussianNoise: /* @__PURE__ */ identity(['stddev']),
  Rescaling: /* @__PURE__ */ identity(['scale', 'offset']),
  ReLU: /* @__PURE__ */ identity(['max_value']),
  LeakyReLU: /* @__PURE__ */ identity(['alpha']),
  ELU: /* @__PURE__ */ identity(['alpha']),
  ThresholdedReLU: /* @__PURE__ */ identity(['theta']),
  Softmax: /* @__PURE__ */ identity(['axis']),
  PReLU: prelu,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  RepeatVector: repeatVector,
  Conv1D: /* @__PURE__ */ conv(1, false),
  Conv2D: /* @__PURE__ */ conv(2, false),
  Conv2DTranspose: /* @__PURE__ */ conv(2, true),
  DepthwiseConv2D: /* @__PURE__ */ depthwise(false),
  SeparableConv2D: /* @__PURE__ */ depthwise(true),
  MaxPooling1D: /* @__PURE__ */ pooling(1),
  AveragePooling1D: /* @__PURE__ */ pooling(1),
  MaxPooling2D: /* @__PURE__ */ pooling(2),
  AveragePooling2D: /* @__PURE__ */ pooling(2),
  GlobalAveragePooling1D: /* @__PURE__ */ globalPooling(1),
  GlobalMaxPooling1D: /* @__PURE__ */ globalPooling(1),
  GlobalAveragePooling2D: /* @__PURE__ */ globalPooling(2),
  GlobalMaxPooling2D: /* @__PURE__ */ globalPooling(2),
  UpSampling2D: upSampling,
  ZeroPadding2D: /* @__PURE__ */ padOrCrop(1),
  Cropping2D: /* @__PURE__ */ padOrCrop(-1),
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Add: elementwise,
  Multiply: elementwise,
  Average: elementwise,
  Maximum: elementwise,
  Minimum: elementwise,
  Concatenate: concatenate,
};

/** The layer classes (tfjs-layers class names) a saved network may use. @internal */
export const SUPPORTED_LAYERS: readonly string[] = /* @__PURE__ */ ['InputLayer'].concat(/* @__PURE__ */ Object.keys(LAYERS));

const NAME_PATTERN = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

function checkLayerName(v: unknown, fn: string, path: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 256 || !NAME_PATTERN.test(v)) {
    bad(fn, path, 'a layer name (letters, digits, - . _ /; at most 256 characters)', v);
  }
  return v;
}

/** Checks the values of a layer config that tfjs-layers interprets by name. */
function checkConfigValues(c: LayerContext): void {
  for (const [key, value] of Object.entries(c.config)) {
    const path = `${c.path}.config.${key}`;
    if (key === 'activation') {
      if (typeof value !== 'string' || !ACTIVATION_NAMES.includes(value)) bad(c.fn, path, `one of ${ACTIVATION_NAMES.join(', ')}`, value);
    } else if (key === 'dtype') {
      if (value !== 'float32') bad(c.fn, path, "'float32'", value);
    } else if (isObject(value)) {
      checkAuxiliary(value, c.fn, path);
    } else if (Array.isArray(value)) {
      checkScalarArray(value, c.fn, path);
    }
  }
}

function checkScalarArray(value: readonly Json[], fn: string, path: string): void {
  value.forEach((x, i) => {
    if (Array.isArray(x)) checkScalarArray(x, fn, `${path}[${i}]`);
    else if (typeof x === 'object' && x !== null) bad(fn, `${path}[${i}]`, 'a number, string, boolean, null or list', x);
  });
}

/** An initializer, regularizer or constraint: `{ class_name, config }` of a whitelisted class. */
function checkAuxiliary(value: JsonObject, fn: string, path: string): void {
  onlyKeys(value, ['class_name', 'config'], fn, path);
  const className = own(value, 'class_name');
  if (typeof className !== 'string' || !AUXILIARY_CLASSES.includes(className)) {
    throw new Error(
      `${fn}: field '${path}.class_name' names ${typeof className === 'string' ? `the class ${JSON.stringify(className)}` : describeJson(className)}, ` +
        `which is not an initializer, regularizer or constraint this package loads (${AUXILIARY_CLASSES.join(', ')})`,
    );
  }
  const config = own(value, 'config');
  if (!isObject(config)) bad(fn, `${path}.config`, 'an object', config);
  for (const [key, v] of Object.entries(config)) {
    if (Array.isArray(v)) checkScalarArray(v, fn, `${path}.config.${key}`);
    else if (typeof v === 'object' && v !== null) bad(fn, `${path}.config.${key}`, 'a number, string, boolean, null or list', v);
  }
}

function describeJson(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function readBatchShape(v: unknown, fn: string, path: string): Shape {
  if (!Array.isArray(v) || v.length < 2 || v.length > 8) bad(fn, path, 'a batch shape [null, ...] of rank 2 to 8', v);
  if (v[0] !== null) bad(fn, `${path}[0]`, 'null (the batch axis)', v[0]);
  return [null, ...v.slice(1).map((d, i) => (d === null ? null : integer(d, fn, `${path}[${i + 1}]`, 1, MODEL_FILE_LIMITS.maxDimension)))];
}

/** One layer entry of a topology, checked. */
interface LayerEntry {
  readonly name: string;
  readonly className: string;
  readonly config: JsonObject;
  readonly path: string;
  readonly inbound: readonly { layer: string; node: number; tensor: number }[][];
}

function readLayer(value: Json, fn: string, path: string, functional: boolean): LayerEntry {
  if (!isObject(value)) bad(fn, path, 'a layer object { class_name, config }', value);
  onlyKeys(value, functional ? ['name', 'class_name', 'config', 'inbound_nodes'] : ['class_name', 'config'], fn, path);
  const className = stringAt(value, 'class_name', fn, path);
  if (className !== 'InputLayer' && !Object.prototype.hasOwnProperty.call(LAYERS, className)) {
    const nested = (MODEL_CLASSES as readonly string[]).includes(className);
    throw new Error(
      `${fn}: layer class ${JSON.stringify(className)} at '${path}' is not supported` +
        (nested ? ' (nested models: build one flat model from their layers)' : '') +
        `; supported layer classes: ${SUPPORTED_LAYERS.join(', ')}`,
    );
  }
  const config = own(value, 'config');
  if (!isObject(config)) bad(fn, `${path}.config`, 'an object', config);
  const name = checkLayerName(own(config, 'name'), fn, `${path}.config.name`);
  if (functional && own(value, 'name') !== name) bad(fn, `${path}.name`, `the layer's config name ${JSON.stringify(name)}`, own(value, 'name'));
  const spec = className === 'InputLayer' ? undefined : LAYERS[className]!;
  const allowed = spec === undefined ? ['name', 'batch_input_shape', 'dtype', 'sparse', 'ragged'] : [...BASE_KEYS, ...spec.keys];
  onlyKeys(config, allowed, fn, `${path}.config`);
  const trainable = own(config, 'trainable');
  if (trainable !== undefined && typeof trainable !== 'boolean') bad(fn, `${path}.config.trainable`, 'a boolean', trainable);
  const inbound: { layer: string; node: number; tensor: number }[][] = [];
  if (functional) {
    const nodes = arrayAt(value, 'inbound_nodes', fn, path);
    if (nodes.length > MODEL_FILE_LIMITS.maxLayers) bad(fn, `${path}.inbound_nodes`, `at most ${MODEL_FILE_LIMITS.maxLayers} nodes`, nodes);
    nodes.forEach((node, i) => {
      const p = `${path}.inbound_nodes[${i}]`;
      if (!Array.isArray(node) || node.length === 0 || node.length > 64) bad(fn, p, 'a list of 1 to 64 inputs', node);
      inbound.push(node.map((ref, j) => readRef(ref, fn, `${p}[${j}]`, true)));
    });
  }
  return { name, className, config, path, inbound };
}

/** `[layerName, nodeIndex, tensorIndex]`, with an empty kwargs object in inbound nodes. */
function readRef(ref: Json, fn: string, path: string, withKwargs: boolean): { layer: string; node: number; tensor: number } {
  const n = withKwargs ? 4 : 3;
  if (!Array.isArray(ref) || (ref.length !== n && !(withKwargs && ref.length === 3))) bad(fn, path, `[layerName, nodeIndex, tensorIndex${withKwargs ? ', {}' : ''}]`, ref);
  const layer = checkLayerName(ref[0], fn, `${path}[0]`);
  const node = integer(ref[1], fn, `${path}[1]`, 0, MODEL_FILE_LIMITS.maxLayers);
  const tensor = integer(ref[2], fn, `${path}[2]`, 0, 0);
  if (ref.length === 4) {
    const kwargs = ref[3];
    if (!isObject(kwargs) || Object.keys(kwargs).length > 0) bad(fn, `${path}[3]`, 'an empty object (call arguments are not supported)', kwargs);
  }
  return { layer, node, tensor };
}

/** Infers one layer call and records the layer's weights the first time it is called. */
function callLayer(
  entry: LayerEntry,
  inputs: readonly Shape[],
  fn: string,
  weights: Map<string, readonly PlannedWeight[]>,
): Shape {
  const spec = LAYERS[entry.className]!;
  const c: LayerContext = { fn, path: entry.path, name: entry.name, className: entry.className, config: entry.config };
  if (spec.inputs === 1 && inputs.length !== 1) layerError(c, `expects one input, got ${inputs.length}`);
  const inferred = spec.infer(c, inputs);
  let perSample = 1;
  for (const d of inferred.output.slice(1)) perSample *= d ?? 1;
  if (perSample > MODEL_FILE_LIMITS.maxActivationValues) {
    layerError(c, `gives ${perSample} values per sample (${formatShape(inferred.output)}), more than the limit of ${MODEL_FILE_LIMITS.maxActivationValues}`);
  }
  if (!weights.has(entry.name)) {
    const layerTrainable = own(entry.config, 'trainable') !== false;
    weights.set(
      entry.name,
      inferred.weights.map((w) => ({
        short: w.short,
        shape: w.shape.map((d) => known(c, d, `size of weight '${w.short}'`)),
        trainable: layerTrainable && w.trainable !== false,
      })),
    );
  }
  return inferred.output;
}

function planSequential(config: JsonObject, fn: string, path: string, weights: Map<string, readonly PlannedWeight[]>): string[] {
  onlyKeys(config, ['name', 'layers'], fn, path);
  const list = arrayAt(config, 'layers', fn, path);
  if (list.length === 0 || list.length > MODEL_FILE_LIMITS.maxLayers) bad(fn, `${path}.layers`, `a list of 1 to ${MODEL_FILE_LIMITS.maxLayers} layers`, list);
  const entries = list.map((l, i) => readLayer(l, fn, `${path}.layers[${i}]`, false));
  const first = entries[0]!;
  const batchShape = own(first.config, 'batch_input_shape');
  if (batchShape === undefined) {
    throw new Error(`${fn}: the first layer of a Sequential model at '${path}' must record its input shape (batch_input_shape)`);
  }
  let shape = readBatchShape(batchShape, fn, `${first.path}.config.batch_input_shape`);
  const names: string[] = [];
  for (const [i, entry] of entries.entries()) {
    names.push(entry.name);
    if (entry.className === 'InputLayer') {
      if (i !== 0) throw new Error(`${fn}: an InputLayer may only come first in a Sequential model (at '${entry.path}')`);
      continue;
    }
    checkConfigValues({ fn, path: entry.path, name: entry.name, className: entry.className, config: entry.config });
    shape = callLayer(entry, [shape], fn, weights);
  }
  return names;
}

function planFunctional(config: JsonObject, fn: string, path: string, weights: Map<string, readonly PlannedWeight[]>): string[] {
  onlyKeys(config, ['name', 'layers', 'input_layers', 'output_layers'], fn, path);
  const list = arrayAt(config, 'layers', fn, path);
  if (list.length === 0 || list.length > MODEL_FILE_LIMITS.maxLayers) bad(fn, `${path}.layers`, `a list of 1 to ${MODEL_FILE_LIMITS.maxLayers} layers`, list);
  const entries = list.map((l, i) => readLayer(l, fn, `${path}.layers[${i}]`, true));
  const byName = new Map<string, LayerEntry>();
  for (const e of entries) {
    if (byName.has(e.name)) throw new Error(`${fn}: two layers are named ${JSON.stringify(e.name)} at '${path}.layers'`);
    byName.set(e.name, e);
    if (e.className !== 'InputLayer') checkConfigValues({ fn, path: e.path, name: e.name, className: e.className, config: e.config });
  }
  const outputsOf = new Map<string, Shape[]>();
  for (const e of entries) {
    if (e.className !== 'InputLayer') continue;
    if (e.inbound.length > 0) throw new Error(`${fn}: the InputLayer at '${e.path}' must have no inbound nodes`);
    outputsOf.set(e.name, [readBatchShape(own(e.config, 'batch_input_shape'), fn, `${e.path}.config.batch_input_shape`)]);
  }
  // Process nodes as their inputs become available (tfjs-layers does the same).
  let progress = true;
  while (progress) {
    progress = false;
    for (const e of entries) {
      if (e.className === 'InputLayer') continue;
      const done = outputsOf.get(e.name) ?? [];
      while (done.length < e.inbound.length) {
        const node = e.inbound[done.length]!;
        const inputs: Shape[] = [];
        for (const ref of node) {
          if (!byName.has(ref.layer)) throw new Error(`${fn}: layer '${e.name}' at '${e.path}' reads from an unknown layer '${ref.layer}'`);
          const shape = outputsOf.get(ref.layer)?.[ref.node];
          if (shape === undefined) break;
          inputs.push(shape);
        }
        if (inputs.length < node.length) break;
        done.push(callLayer(e, inputs, fn, weights));
        progress = true;
      }
      outputsOf.set(e.name, done);
    }
  }
  for (const e of entries) {
    if (e.className !== 'InputLayer' && (outputsOf.get(e.name)?.length ?? 0) < e.inbound.length) {
      throw new Error(`${fn}: layer '${e.name}' at '${e.path}' cannot be reached from the inputs (a cycle or a missing node)`);
    }
  }
  for (const key of ['input_layers', 'output_layers']) {
    const refs = arrayAt(config, key, fn, path);
    if (refs.length === 0 || refs.length > 64) bad(fn, `${path}.${key}`, 'a list of 1 to 64 [layerName, nodeIndex, tensorIndex]', refs);
    refs.forEach((r, i) => {
      const ref = readRef(r, fn, `${path}.${key}[${i}]`, false);
      const target = byName.get(ref.layer);
      if (target === undefined || (outputsOf.get(ref.layer)?.length ?? 0) <= ref.node) {
        throw new Error(`${fn}: field '${path}.${key}[${i}]' names no existing node of a layer ('${ref.layer}', node ${ref.node})`);
      }
      if (key === 'input_layers' && target.className !== 'InputLayer') {
        throw new Error(`${fn}: field '${path}.${key}[${i}]' must name an InputLayer, names '${ref.layer}' (${target.className})`);
      }
    });
  }
  return entries.map((e) => e.name);
}

/**
 * Checks a network topology (the JSON of `tfl.LayersModel.toJSON(null, false)`) and infers every
 * weight it creates. Throws an Error naming the field for anything outside the supported subset.
 * @internal
 */
export function planNetwork(value: Json | undefined, fn: string, path: string): NetworkPlan {
  if (!isObject(value)) bad(fn, path, 'a tfjs-layers model topology { class_name, config }', value);
  onlyKeys(value, ['class_name', 'config', 'keras_version', 'backend'], fn, path);
  for (const key of ['keras_version', 'backend']) {
    const v = own(value, key);
    if (v !== undefined && typeof v !== 'string') bad(fn, `${path}.${key}`, 'a string', v);
  }
  const className = own(value, 'class_name');
  if (typeof className !== 'string' || !(MODEL_CLASSES as readonly string[]).includes(className)) {
    bad(fn, `${path}.class_name`, `one of ${MODEL_CLASSES.map((m) => `'${m}'`).join(', ')}`, className);
  }
  const config = own(value, 'config');
  if (!isObject(config)) bad(fn, `${path}.config`, 'an object', config);
  const name = own(config, 'name');
  if (name !== undefined) checkLayerName(name, fn, `${path}.config.name`);
  const layers = new Map<string, readonly PlannedWeight[]>();
  const order = className === 'Sequential' ? planSequential(config, fn, `${path}.config`, layers) : planFunctional(config, fn, `${path}.config`, layers);
  const all: { name: string; shape: readonly number[]; trainable: boolean }[] = [];
  for (const trainable of [true, false]) {
    for (const layer of order) {
      for (const w of layers.get(layer) ?? []) if (w.trainable === trainable) all.push({ name: `${layer}/${w.short}`, shape: w.shape, trainable });
    }
  }
  for (const [layer, ws] of [...layers]) if (ws.length === 0) layers.delete(layer);
  return { topology: value, layers, weights: all };
}
