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
  const chain: tf.layers.Layer[] = [];
  let t: tf.SymbolicTensor = model.outputs[0]!;
  while (t.sourceLayer.getClassName() !== 'InputLayer') {
    chain.unshift(t.sourceLayer);
    if (t.inputs.length !== 1) return null;
    t = t.inputs[0]!;
    if (chain.length > model.layers.length) return null;
  }
  if (t !== model.inputs[0] || chain.length + 1 !== model.layers.length) return null;
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
  return out.length === 0 ? null : out;
}
