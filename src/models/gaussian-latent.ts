/**
 * What the VAE and the CVAE share beyond their networks: the likelihood, the objective, the loss
 * of a batch and its importance weights.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, assertNumericTensor, formatShape } from '../core/index.js';
import type { ElboLikelihood } from '../losses/index.js';
import { importanceWeights } from '../losses/objectives.js';
import type { Batch, GaussianTrainingPlan, LossContext, LossOutput } from './contract.js';
import { denseChain, gaussianHeads } from './dense-plan.js';
import { run1, seedOrRandom, sigmoidLogitsModel } from './internal.js';
import { type ResolvedObjective, drawSeed, objectiveLoss, priorWeights } from './objectives.js';
import type { Likelihood } from './variational.js';

/**
 * The parts of a VAE/CVAE that do not depend on labels: likelihood, objective, the loss of a batch
 * and its importance weights.
 * @internal
 */
export class GaussianLatent {
  readonly logits: tfl.LayersModel | null;

  constructor(
    readonly decoder: tfl.LayersModel,
    readonly likelihood: Likelihood,
    readonly objective: ResolvedObjective,
    readonly logPrior?: (z: tf.Tensor, training: boolean) => tf.Tensor,
  ) {
    this.logits = likelihood === 'bernoulli' ? sigmoidLogitsModel(decoder) : null;
  }

  /** The likelihood as the losses name it (logits when the decoder ends in a sigmoid layer). */
  get lossLikelihood(): ElboLikelihood {
    return this.likelihood === 'gaussian' ? 'gaussian' : this.logits !== null ? 'bernoulli-logits' : 'bernoulli';
  }

  /**
   * `{ loss, terms: { reconstruction, kl } }` from the posterior, the decoder inputs built from z
   * (`[m, latentDim]`, m a multiple of the batch), and the clean target. `batchPrior`, when given,
   * is this batch's `log p(z)` (the CVAE's conditional VampPrior, which depends on the labels) in
   * place of the constructor's. Call inside `tf.tidy`.
   */
  loss(
    x: tf.Tensor,
    mean: tf.Tensor,
    logVar: tf.Tensor,
    decoderInputs: (z: tf.Tensor) => tf.Tensor | tf.Tensor[],
    context: LossContext,
    fn: string,
    batchPrior?: (z: tf.Tensor, training: boolean) => tf.Tensor,
  ): LossOutput {
    const training = context.training === true;
    const klScale = context.klScale ?? 1;
    assertNumber(klScale, fn, 'context.klScale', { min: 0 });
    const network = this.logits ?? this.decoder;
    const decode = (z: tf.Tensor): tf.Tensor => run1(network, decoderInputs(z), training);
    const prior = batchPrior ?? this.logPrior;
    const logPrior = prior === undefined ? {} : { logPrior: (z: tf.Tensor) => prior(z, training) };
    return objectiveLoss(this.objective, { x, mean, logVar, decode, likelihood: this.lossLikelihood, ...logPrior }, context, fn);
  }

  /** `[k, n]` log importance weights for the noise `[k, n, latentDim]` (`batchPrior` as in `loss`). Call inside `tf.tidy`. */
  logImportanceWeights(
    x: tf.Tensor,
    mean: tf.Tensor,
    logVar: tf.Tensor,
    decoderInputs: (z: tf.Tensor) => tf.Tensor | tf.Tensor[],
    noise: unknown,
    fn: string,
    batchPrior?: (z: tf.Tensor, training: boolean) => tf.Tensor,
  ): tf.Tensor2D {
    assertNumericTensor(noise, fn, 'noise');
    const [n, d] = mean.shape as [number, number];
    if (noise.rank !== 3 || noise.shape[1] !== n || noise.shape[2] !== d || noise.shape[0] === 0) {
      throw new Error(`${fn}: argument 'noise' must have shape [k,${n},${d}] (k >= 1 draws for each of the ${n} samples), got shape ${formatShape(noise.shape)}`);
    }
    const k = noise.shape[0]!;
    const eps = noise.dtype === 'float32' ? noise : tf.cast(noise, 'float32');
    const z = tf.reshape(tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)), [k * n, d]);
    const decoded = run1(this.logits ?? this.decoder, decoderInputs(z), false);
    const reconstruction = tf.reshape(decoded, [k, ...x.shape]);
    const prior = batchPrior ?? this.logPrior;
    const logW = importanceWeights(x, reconstruction, eps, mean, logVar, this.lossLikelihood);
    return prior === undefined ? logW : priorWeights(logW, z, (codes) => prior(codes, false));
  }

  /**
   * The step as a {@link GaussianTrainingPlan}, or null where it is not one: an objective other
   * than 'elbo', a prior other than `N(0, I)`, an encoder or decoder that is not dense, or Bernoulli
   * probabilities from a decoder that does not end in a sigmoid `Activation` layer.
   * @param encoder - the encoder (one input; its last `labels` columns are the labels).
   * @param labels - how many columns of the encoder's input also go to the decoder (CVAE).
   * @param inputs - the encoder's input and the clean target of a batch. Called inside `tf.tidy`.
   */
  trainingPlan(encoder: tfl.LayersModel, labels: number, inputs: (batch: Batch) => { input: tf.Tensor; target: tf.Tensor }, fn: string): GaussianTrainingPlan | null {
    const objective = this.objective;
    if (objective.kind !== 'elbo' || this.logPrior !== undefined) return null;
    const heads = gaussianHeads(encoder);
    const decoder = denseChain(this.decoder);
    if (heads === null || decoder === null) return null;
    const last = decoder[decoder.length - 1]!;
    if (this.likelihood === 'bernoulli') {
      if (this.logits === null || last.activation !== 'sigmoid') return null;
      decoder[decoder.length - 1] = { ...last, activation: 'linear' };
    }
    const latentDim = heads.mean.kernel.shape[1]!;
    const capacity = objective.capacity;
    return {
      encoder: heads.body,
      mean: heads.mean,
      logVar: heads.logVar,
      logVarLimit: heads.limit,
      decoder,
      likelihood: this.likelihood === 'gaussian' ? 'gaussian' : 'bernoulli-logits',
      labels,
      freeBits: objective.freeBits,
      termNames: ['reconstruction', 'kl'],
      prepare: (batch: Batch, context: LossContext) => {
        const { input, target } = inputs(batch);
        const seed = seedOrRandom(context.seed, fn, 'context.seed');
        const klScale = context.klScale ?? 1;
        assertNumber(klScale, fn, 'context.klScale', { min: 0 });
        // The ε objectiveLoss draws for the 'elbo' objective in training.
        const noise = tf.randomNormal([input.shape[0]!, latentDim], 0, 1, 'float32', drawSeed(seed, 0));
        const c = capacity === undefined ? null : capacity.max * Math.min(1, (context.epoch ?? capacity.epochs) / capacity.epochs);
        return { input, target, noise, klWeight: objective.beta * klScale, capacity: c };
      },
    };
  }
}
