/**
 * The shape rule of each layer class a saved tfjs-layers network may use — the output shape of a
 * call and the weights the layer creates, inferred from its config — and the table of those classes
 * (`LAYERS`, `SUPPORTED_LAYERS`).
 * @internal
 */
import { formatShape } from '../core/index.js';
import { bad, integer } from './json.js';
import { MODEL_FILE_LIMITS } from './limits.js';
import {
  type Dim,
  type LayerContext,
  type LayerSpec,
  type Shape,
  broadcast,
  channelsLast,
  checkDim,
  convLength,
  deconvLength,
  field,
  known,
  layerError,
  normalizeAxis,
  one,
  readAxes,
  readBool,
  readInt,
  readPadding,
  readPairs,
  readTuple,
} from './topology-config.js';

const DENSE_LIKE = ['activation', 'use_bias', 'bias_initializer', 'bias_regularizer', 'activity_regularizer', 'bias_constraint'];
const KERNEL = ['kernel_initializer', 'kernel_regularizer', 'kernel_constraint'];
// Module-scope lists are joined with a pure-annotated concat, not spread: a bundler must assume an
// array spread may run code (an iterator), and would keep the statement in every bundle.
const CONV = /* @__PURE__ */ ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate'].concat(DENSE_LIKE);
const DEPTHWISE = ['depth_multiplier', 'depthwise_initializer', 'depthwise_regularizer', 'depthwise_constraint'];
const POINTWISE = ['pointwise_initializer', 'pointwise_regularizer', 'pointwise_constraint'];

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

/** Every layer class a saved network may use, with its config fields and shape rule. @internal */
export const LAYERS: Readonly<Record<string, LayerSpec>> = {
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
