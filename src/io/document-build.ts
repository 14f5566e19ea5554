/**
 * Rebuilding the model of a checked saved-model document (see ./document.ts), for
 * {@link loadModel}: the PCA and Kernel PCA through their `fromJSON`, the neural models from their
 * networks, codebook and pseudo-inputs, with the configuration checked against what the networks give.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fail, formatShape } from '../core/index.js';
import { Autoencoder, CVAE, VAE, VQVAE, type LossFunction } from '../models/index.js';
import { type Corruptor, corruptorFromConfig } from '../noise/index.js';
import { type Json, type JsonObject, bad, isObject, onlyKeys, own } from './json.js';
import type { SavableModel } from './types.js';
import { readValues } from './weights.js';
import { CODEBOOK } from './codebook.js';
import { PSEUDO_INPUTS } from './prior.js';
import { savedObjective } from './objective.js';
import { buildKernelPca } from './kernel-pca.js';
import { buildPca } from './pca.js';
import { type NeuralModel, buildNetwork } from './networks.js';
import type { CheckedDocument } from './document.js';

function sameShape(a: Json | undefined, b: readonly (number | null)[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Builds the model of a checked document. Disposes everything it made when it fails.
 * @internal
 */
export async function buildModel(doc: CheckedDocument, data: ArrayBuffer, fn: string, loss: LossFunction | undefined): Promise<SavableModel> {
  if (doc.kind === 'pca') return buildPca(doc.config, doc.specs, data, fn);
  if (doc.kind === 'kernel-pca') return buildKernelPca(doc.config, doc.specs, data, fn);
  const c = doc.config;
  if (loss !== undefined && doc.kind !== 'autoencoder') {
    fail(fn, 'options.loss', `absent: the file holds a ${doc.kind}, and only an autoencoder takes a reconstruction loss`, loss);
  }
  if (doc.kind === 'autoencoder' && own(c, 'loss') === 'custom' && loss === undefined) {
    throw new Error(`${fn}: the model was saved without its custom loss function (omitCustomLoss); pass the function as options.loss`);
  }
  let corruptor: Corruptor | undefined;
  let sparsity: JsonObject | undefined;
  if (doc.kind === 'autoencoder') {
    const savedLoss = own(c, 'loss');
    if (savedLoss !== 'mse' && savedLoss !== 'bce' && savedLoss !== 'custom') bad(fn, 'modelTopology.config.loss', "'mse', 'bce' or 'custom'", savedLoss);
    const s = own(c, 'sparsity');
    if (s !== null && !isObject(s)) bad(fn, 'modelTopology.config.sparsity', 'an object or null', s);
    if (isObject(s)) {
      onlyKeys(s, ['kind', 'weight', 'rho'], fn, 'modelTopology.config.sparsity');
      sparsity = s;
    }
    const corruptorConfig = own(c, 'corruptor');
    if (corruptorConfig !== null) {
      try {
        corruptor = corruptorFromConfig(corruptorConfig);
      } catch (e) {
        throw new Error(`${fn}: field 'modelTopology.config.corruptor' is invalid: ${(e as Error).message}`);
      }
    }
  }
  const networks = doc.networks!;
  const encoder = await buildNetwork(networks.encoder, 'encoder', doc.specs, data, fn);
  let decoder: tfl.LayersModel;
  try {
    decoder = await buildNetwork(networks.decoder, 'decoder', doc.specs, data, fn);
  } catch (e) {
    encoder.dispose();
    throw e;
  }
  let model: NeuralModel;
  try {
    if (doc.kind === 'autoencoder') {
      model = new Autoencoder({
        encoder,
        decoder,
        loss: loss ?? (own(c, 'loss') as 'mse' | 'bce'),
        ...(sparsity === undefined ? {} : { sparsity: sparsity as never }),
        ...(corruptor === undefined ? {} : { corruptor }),
      });
    } else if (doc.kind === 'vqvae') {
      model = new VQVAE({
        encoder,
        decoder,
        codebookSize: own(c, 'codebookSize') as number,
        codeDim: own(c, 'codeDim') as number,
        commitment: own(c, 'commitment') as number,
        ...(own(c, 'ema') === null ? {} : { ema: own(c, 'ema') as never }),
        deadCodes: own(c, 'deadCodes') as never,
        reconstruction: own(c, 'reconstruction') as never,
        seed: 0,
      });
      for (const [short, variable] of Object.entries(model.codebookVariables())) {
        const spec = doc.specs.get(`${CODEBOOK}/${short}`)!;
        tf.tidy(() => variable.assign(tf.tensor(readValues(data, spec), spec.shape, 'float32')));
      }
    } else {
      const common = { encoder, decoder, latentDim: own(c, 'latentDim') as number, likelihood: own(c, 'likelihood') as never, ...savedObjective(c, fn) };
      const prior = own(c, 'prior');
      const withPrior = { ...common, ...(prior === undefined ? {} : { prior: (isObject(prior) && own(prior, 'kind') === 'vamp' ? { ...prior, seed: 0 } : prior) as never }) };
      model = doc.kind === 'vae' ? new VAE(withPrior) : new CVAE({ ...withPrior, numClasses: own(c, 'numClasses') as number });
      const pseudo = model.pseudoInputs;
      if (pseudo !== null) {
        const spec = doc.specs.get(PSEUDO_INPUTS)!;
        tf.tidy(() => pseudo.assign(tf.tensor(readValues(data, spec), spec.shape, 'float32')));
      }
    }
  } catch (e) {
    encoder.dispose();
    decoder.dispose();
    throw new Error(`${fn}: the file's configuration does not make a valid ${doc.kind}: ${(e as Error).message}`);
  }
  const mismatch = (key: string, actual: readonly (number | null)[]): void => {
    if (!sameShape(own(c, key), actual)) {
      model.dispose();
      throw new Error(`${fn}: field 'modelTopology.config.${key}' is ${JSON.stringify(own(c, key))}, but the networks give ${formatShape(actual)}`);
    }
  };
  mismatch('inputShape', model.inputShape);
  if (model instanceof Autoencoder || model instanceof VQVAE) mismatch('codeShape', model.codeShape);
  return model;
}
