/**
 * Writing the saved-model document (its layout is described in ./document.ts): the document and
 * the weight values of a model, for {@link saveModel}.
 * @internal
 */
import type * as tf from '@tensorflow/tfjs-core';
import { describe, fail } from '../core/index.js';
import { Autoencoder, CVAE, VAE, VQVAE } from '../models/index.js';
import { KernelPCA, PCA } from '../pca/index.js';
import { type JsonObject, cleanJson, integer } from './json.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './limits.js';
import { saveOptimizer } from './optimizer.js';
import { type NetworkPlan, planNetwork } from './topology.js';
import type { ModelKind, SavableModel, SaveOptions } from './types.js';
import type { WeightValues } from './weights.js';
import { CODEBOOK } from './codebook.js';
import { PSEUDO_INPUTS } from './prior.js';
import { describeKernelPca } from './kernel-pca.js';
import { describePca } from './pca.js';
import { NETWORKS, type NeuralModel, orderedWeights } from './networks.js';

/** The model kind of a value, or a TypeError. @internal */
export function kindOfModel(model: unknown, fn: string): ModelKind {
  if (model instanceof Autoencoder) return 'autoencoder';
  if (model instanceof VAE) return 'vae';
  if (model instanceof CVAE) return 'cvae';
  if (model instanceof VQVAE) return 'vqvae';
  if (model instanceof PCA) return 'pca';
  if (model instanceof KernelPCA) return 'kernel-pca';
  throw new TypeError(`${fn}: argument 'model' must be an Autoencoder, VAE, CVAE, VQVAE, PCA or KernelPCA of this package, got ${describe(model)}`);
}

function configOf(model: NeuralModel, fn: string, options: SaveOptions): JsonObject {
  const { kind: _kind, ...config } = model.getConfig() as unknown as Record<string, unknown>;
  if (model instanceof Autoencoder && config['loss'] === 'custom' && options.omitCustomLoss !== true) {
    throw new Error(
      `${fn}: the model's loss is a custom function, which cannot be saved; pass options.omitCustomLoss: true ` +
        'to save the model without it, and give the function to loadModel as options.loss',
    );
  }
  return cleanJson(config, fn, 'model.getConfig()') as JsonObject;
}

/**
 * The document and weight values of a model (reads the weights asynchronously).
 * @internal
 */
export async function describeModel(model: SavableModel, options: SaveOptions, fn: string): Promise<{ document: JsonObject; weights: WeightValues[] }> {
  const kind = kindOfModel(model, fn);
  const head: JsonObject = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind };
  if (model instanceof PCA) {
    if (options.training !== undefined) fail(fn, 'options.training', 'absent for a PCA (it is not trained by train())', options.training);
    const { config, weights } = describePca(model, fn);
    return { document: { ...head, config }, weights };
  }
  if (model instanceof KernelPCA) {
    if (options.training !== undefined) fail(fn, 'options.training', 'absent for a KernelPCA (it is not trained by train())', options.training);
    const { config, weights } = describeKernelPca(model, fn);
    return { document: { ...head, config }, weights };
  }
  if (model.isDisposed) throw new Error(`${fn}: argument 'model' was disposed`);
  const config = configOf(model, fn, options);
  const networks: JsonObject = {};
  const weights: WeightValues[] = [];
  const seen = new Map<number, string>();
  const trainableNames: string[] = [];
  for (const which of NETWORKS) {
    const network = model[which];
    const topology = cleanJson(network.toJSON(null, false), fn, `model.${which}.toJSON()`);
    let plan: NetworkPlan;
    try {
      plan = planNetwork(topology, fn, `${which}`);
    } catch (e) {
      throw new Error(`${fn}: the ${which} cannot be saved: ${(e as Error).message.replace(`${fn}: `, '')}`);
    }
    networks[which] = plan.topology;
    // A layer built with trainable: false keeps variables whose own flag says trainable.
    const trainable = new Set(network.trainableWeights);
    for (const { name, variable } of orderedWeights(network, plan, fn, which)) {
      const tensor = variable.read();
      const other = seen.get(tensor.id);
      if (other !== undefined) {
        throw new Error(`${fn}: the weight '${name}' is shared with '${other}'; networks that share layers cannot be saved`);
      }
      seen.set(tensor.id, name);
      if (tensor.dtype !== 'float32') throw new Error(`${fn}: the weight '${name}' is ${tensor.dtype}; only float32 weights can be saved`);
      if (trainable.has(variable)) trainableNames.push(name);
      weights.push({ name, shape: [...tensor.shape], dtype: 'float32', values: (await tensor.data()) as Float32Array });
    }
  }
  if (model instanceof VQVAE) {
    for (const [short, variable] of Object.entries(model.codebookVariables())) {
      const name = `${CODEBOOK}/${short}`;
      seen.set(variable.id, name);
      if (variable.trainable) trainableNames.push(name);
      weights.push({ name, shape: [...variable.shape], dtype: 'float32', values: (await variable.data()) as Float32Array });
    }
  }
  if ((model instanceof VAE || model instanceof CVAE) && model.pseudoInputs !== null) {
    const variable = model.pseudoInputs;
    seen.set(variable.id, PSEUDO_INPUTS);
    trainableNames.push(PSEUDO_INPUTS);
    weights.push({ name: PSEUDO_INPUTS, shape: [...variable.shape], dtype: 'float32', values: (await variable.data()) as Float32Array });
  }
  // The trainer's variable order (optimizer state is positional) must be the file's trainable order.
  const order = model.trainableVariables.map((v) => seen.get(v.id));
  if (order.length !== trainableNames.length || order.some((name, i) => name !== trainableNames[i])) {
    throw new Error(`${fn}: the model's trainable variables are not those of its encoder and decoder in order; it cannot be saved`);
  }
  const document: JsonObject = { ...head, config, networks };
  if (options.training !== undefined) {
    const t = options.training as unknown;
    if (typeof t !== 'object' || t === null) fail(fn, 'options.training', '{ optimizer, initialEpoch, seed }', t);
    const { optimizer, initialEpoch, seed } = t as Record<string, unknown>;
    integer(initialEpoch, fn, 'options.training.initialEpoch', 0, 2 ** 31 - 1);
    integer(seed, fn, 'options.training.seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const saved = await saveOptimizer(optimizer as tf.Optimizer, model.trainableVariables, fn, 'options.training.optimizer');
    document['training'] = { optimizer: saved.description, initialEpoch: initialEpoch as number, seed: seed as number };
    weights.push(...saved.weights);
  }
  return { document, weights };
}
