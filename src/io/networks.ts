/**
 * The networks of a saved neural model: the encoder's and decoder's weights named
 * `encoder/<layer>/<weight>` and `decoder/<layer>/<weight>` in `network.weights` order (checked
 * against the plan of their topology), and the rebuilding of one network from the file.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { formatShape } from '../core/index.js';
import type { Autoencoder, CVAE, VAE, VQVAE } from '../models/index.js';
import { deserializeNetwork } from './deserialize.js';
import type { NetworkPlan } from './topology.js';
import { type WeightSpec, readValues } from './weights.js';

/** The networks of a saved neural model, in file order. @internal */
export const NETWORKS = ['encoder', 'decoder'] as const;
/** `'encoder'` or `'decoder'`. @internal */
export type NetworkName = (typeof NETWORKS)[number];
/** A saved model made of an encoder and a decoder. @internal */
export type NeuralModel = Autoencoder | VAE | CVAE | VQVAE;

/** Maps each weight of a built network to its name `layer/short`, checking it against the plan. */
function nameWeights(network: tfl.LayersModel, plan: NetworkPlan, fn: string, which: NetworkName): Map<tfl.LayerVariable, string> {
  const names = new Map<tfl.LayerVariable, string>();
  for (const layer of network.layers) {
    const planned = plan.layers.get(layer.name) ?? [];
    const actual = layer.weights;
    const describeAll = (list: readonly { shape: readonly (number | null)[] }[]): string => list.map((w) => formatShape(w.shape)).join(', ') || 'none';
    const fits = actual.length === planned.length && actual.every((w, j) => formatShape(w.shape) === formatShape(planned[j]!.shape));
    if (!fits) {
      throw new Error(
        `${fn}: the ${which}'s layer '${layer.name}' (${layer.getClassName()}) has weights of shapes ${describeAll(actual)}, ` +
          `but its configuration describes ${describeAll(planned)}; this layer cannot be saved faithfully`,
      );
    }
    actual.forEach((w, j) => names.set(w, `${layer.name}/${planned[j]!.short}`));
  }
  return names;
}

/**
 * The weights of a network in `network.weights` order, with their names `<which>/<layer>/<weight>`.
 * @internal
 */
export function orderedWeights(network: tfl.LayersModel, plan: NetworkPlan, fn: string, which: NetworkName): { name: string; variable: tfl.LayerVariable }[] {
  const names = nameWeights(network, plan, fn, which);
  return network.weights.map((w) => {
    const name = names.get(w);
    if (name === undefined) throw new Error(`${fn}: the ${which} has a weight '${w.name}' outside its layers`);
    return { name: `${which}/${name}`, variable: w };
  });
}

/**
 * Builds one network: tfjs-layers deserialises the checked topology (synchronously, inside a
 * `tf.tidy`), then every weight is set from the file. On failure, every variable it created is
 * disposed.
 * @internal
 */
export async function buildNetwork(plan: NetworkPlan, which: NetworkName, specs: ReadonlyMap<string, WeightSpec>, data: ArrayBuffer, fn: string): Promise<tfl.LayersModel> {
  const network = await deserializeNetwork(plan.topology, fn, `the ${which}`);
  try {
    const ordered = orderedWeights(network, plan, fn, which);
    const inFile = [...specs.keys()].filter((name) => name.startsWith(`${which}/`));
    if (ordered.length !== inFile.length || ordered.some((w, i) => w.name !== inFile[i])) {
      throw new Error(`${fn}: the ${which} built from the file orders its weights differently from the weights manifest`);
    }
    for (const { name, variable } of ordered) {
      const spec = specs.get(name)!;
      tf.tidy(() => {
        (variable.read() as tf.Variable).assign(tf.tensor(readValues(data, spec), spec.shape, 'float32'));
      });
    }
    return network;
  } catch (e) {
    network.dispose();
    throw e;
  }
}
