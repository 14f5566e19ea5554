import type * as tf from '@tensorflow/tfjs-layers';
import type * as tfc from '@tensorflow/tfjs-core';
import type { DenseLayerPlan } from './contract.js';

interface LayerVariableLike {
  read(): tfc.Variable;
}
interface DenseLike {
  readonly kernel?: LayerVariableLike | null;
  readonly bias?: LayerVariableLike | null;
}

/**
 * The dense layers of a network that is one chain `Input → Dense → (Activation) → … → Dense →
 * (Activation)` of trainable layers with biases on rank-2 input, each `Activation` layer merged into
 * the linear `Dense` before it; null for any other network (other layers, branches, nested
 * models, no bias, frozen layers).
 * @internal
 */
export function denseChain(model: tf.LayersModel): DenseLayerPlan[] | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || model.inputs[0]!.shape.length !== 2) return null;
  const chain = chainBetween(model.inputs[0]!, model.outputs[0]!, model.layers.length);
  return chain === null || chain.layers + 1 !== model.layers.length ? null : chain.plans;
}

/**
 * The dense layers of the chain from `input` to `output` (as {@link denseChain}), and how many
 * layers it has; null when it is not such a chain or is longer than `most` layers.
 */
function chainBetween(input: tf.SymbolicTensor, output: tf.SymbolicTensor, most: number): { plans: DenseLayerPlan[]; layers: number } | null {
  const chain: tf.layers.Layer[] = [];
  let t: tf.SymbolicTensor = output;
  while (t.sourceLayer.getClassName() !== 'InputLayer') {
    chain.unshift(t.sourceLayer);
    if (t.inputs.length !== 1) return null;
    t = t.inputs[0]!;
    if (chain.length > most) return null;
  }
  if (t !== input) return null;
  const out: DenseLayerPlan[] = [];
  for (const layer of chain) {
    const config = layer.getConfig();
    const activation = typeof config['activation'] === 'string' ? config['activation'] : null;
    if (activation === null || !layer.trainable) return null;
    if (layer.getClassName() === 'Activation') {
      const last = out[out.length - 1];
      if (last === undefined || last.activation !== 'linear') return null;
      out[out.length - 1] = { ...last, activation };
      continue;
    }
    const dense = layer as unknown as DenseLike;
    if (layer.getClassName() !== 'Dense' || !dense.kernel || !dense.bias || config['useBias'] === false) return null;
    out.push({ kernel: dense.kernel.read(), bias: dense.bias.read(), activation });
  }
  return out.length === 0 ? null : { plans: out, layers: chain.length };
}

/** The linear dense layer that makes `t` from `from` (trainable, with a bias), or null. */
function linearHead(t: tf.SymbolicTensor): { plan: DenseLayerPlan; from: tf.SymbolicTensor } | null {
  const layer = t.sourceLayer;
  const dense = layer as unknown as DenseLike;
  const config = layer.getConfig();
  if (layer.getClassName() !== 'Dense' || !layer.trainable || config['activation'] !== 'linear' || config['useBias'] === false) return null;
  if (!dense.kernel || !dense.bias || t.inputs.length !== 1) return null;
  return { plan: { kernel: dense.kernel.read(), bias: dense.bias.read(), activation: 'linear' }, from: t.inputs[0]! };
}

/** The scale of a `Rescaling` layer without offset that makes `t`, and its input; null otherwise. */
function rescaling(t: tf.SymbolicTensor): { scale: number; from: tf.SymbolicTensor } | null {
  const config = t.sourceLayer.getConfig();
  const offset = config['offset'] ?? 0;
  if (t.sourceLayer.getClassName() !== 'Rescaling' || typeof config['scale'] !== 'number' || offset !== 0 || t.inputs.length !== 1) return null;
  return { scale: config['scale'], from: t.inputs[0]! };
}

/**
 * The dense parts of a Gaussian encoder (such as `gaussianEncoder` builds): a {@link denseChain}
 * body from the input to the features `h`, a linear mean head on `h`, and a linear log-variance
 * head on `h`, alone or followed by the soft clamp `Rescaling(1/L) → tanh → Rescaling(L)`.
 * Null for any other encoder (the trainer then uses `computeLoss`).
 * @internal
 */
export function gaussianHeads(model: tf.LayersModel): { body: DenseLayerPlan[]; mean: DenseLayerPlan; logVar: DenseLayerPlan; limit: number | null } | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 2 || model.inputs[0]!.shape.length !== 2) return null;
  const mean = linearHead(model.outputs[0]!);
  if (mean === null) return null;
  let t = model.outputs[1]!;
  let limit: number | null = null;
  let extra = 0;
  const outer = rescaling(t);
  if (outer !== null) {
    const tanh = outer.from;
    const inner = tanh.sourceLayer.getClassName() === 'Activation' && tanh.sourceLayer.getConfig()['activation'] === 'tanh' && tanh.inputs.length === 1 ? rescaling(tanh.inputs[0]!) : null;
    if (inner === null || !(outer.scale > 0) || Math.abs(inner.scale * outer.scale - 1) > 1e-6) return null;
    limit = outer.scale;
    t = inner.from;
    extra = 3;
  }
  const logVar = linearHead(t);
  if (logVar === null || logVar.from !== mean.from) return null;
  const features = mean.from;
  let body: DenseLayerPlan[] = [];
  let bodyLayers = 0;
  if (features !== model.inputs[0]) {
    const chain = chainBetween(model.inputs[0]!, features, model.layers.length);
    if (chain === null) return null;
    body = chain.plans;
    bodyLayers = chain.layers;
  }
  // Every layer of the model accounted for: the input, the body, two heads and the clamp.
  if (model.layers.length !== 1 + bodyLayers + 2 + extra) return null;
  return { body, mean: mean.plan, logVar: logVar.plan, limit };
}
