import type * as tf from '@tensorflow/tfjs-core';

/**
 * One batch handed by the trainer to a model: `x` is `[n, ...features]` float32;
 * `y` (conditional models only) is `[n]` int32 class indices.
 * @category Models
 */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y?: tf.Tensor1D;
}

/**
 * How the trainer asks for a loss.
 * @category Models
 */
export interface LossContext {
  /**
   * True while training: corruptors and dropout are active. False in evaluation, where variational
   * models still sample z (see `samples` and `atMean`).
   */
  readonly training: boolean;
  /** Seed for everything random in this call (noise, ε of the reparameterisation). */
  readonly seed?: number;
  /** Multiplier on the KL weight β of variational models (KL warm-up ramps it 0 → 1). Default 1. */
  readonly klScale?: number;
  /**
   * Evaluation only (`training: false`): the number of draws `z ~ q(z|x)` over which variational
   * models average the reconstruction term (an integer ≥ 1). Default 1.
   */
  readonly samples?: number;
  /** Evaluation only: variational models evaluate at `z = μ` (no sampling, deterministic). Default false. */
  readonly atMean?: boolean;
  /** Training only: the epoch index, for objectives ramped over epochs (a KL capacity). */
  readonly epoch?: number;
  /**
   * Training only: the number of samples in the training set (an integer ≥ the batch size), which
   * `train` passes for in-memory data; the 'beta-tc' objective's minibatch-weighted sampling uses it.
   */
  readonly datasetSize?: number;
}

/**
 * A model whose marginal likelihood {@link logLikelihood} can estimate by importance sampling,
 * with its posterior `q(z|x)` as the proposal: the VAE and the CVAE.
 * @category Models
 */
export interface ImportanceSampledModel {
  /** Width of the latent space. */
  readonly latentDim: number;
  /**
   * The log importance weights `log p(x|z_k) + log p(z_k) − log q(z_k|x)` of the draws
   * `z_k = μ(x) + σ(x) ⊙ ε_k`, `[k, n]` (see {@link logImportanceWeights}).
   * @param batch - `{ x: [n, ...features], y? }`; not disposed.
   * @param noise - ε, `[k, n, latentDim]` standard normal; not disposed.
   */
  logImportanceWeights(batch: Batch, noise: tf.Tensor): tf.Tensor2D;
}

/**
 * What a model returns for a batch: the scalar to minimise and its named parts
 * (e.g. `reconstruction`, `sparsity`, `kl`), all batch means. A type rather than an interface,
 * so that `tf.dispose(output)` accepts it.
 * @category Models
 */
export type LossOutput = {
  readonly loss: tf.Scalar;
  readonly terms: Readonly<Record<string, tf.Scalar>>;
};

/**
 * The whole contract between a model and the trainer: the variables to train and a
 * function from a batch to `{ loss, terms }`. `computeLoss` is called inside the trainer's
 * gradient tape; it must be synchronous and must not dispose its inputs.
 * @category Models
 */
export interface TrainableModel {
  readonly trainableVariables: readonly tf.Variable[];
  computeLoss(batch: Batch, context: LossContext): LossOutput;
}

/**
 * One dense layer of a {@link DenseTrainingPlan}: `a = activation(x·kernel + bias)`, `kernel`
 * `[in, out]`, `bias` `[out]`; `activation` is a tfjs-layers name.
 * @category Models
 */
export interface DenseLayerPlan {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activation: string;
}

/**
 * How a model made of dense layers describes its training step, so that the trainer can run it
 * through the package's fused WebGPU kernels instead of `computeLoss`: the layers from input to
 * output, the loss on the last layer's output, and the batch's input and target.
 *
 * The loss is the mean over all `n × d` entries: `'mse'` of `(ŷ − t)²`, `'bce-logits'` of the
 * binary cross-entropy of `t` and `σ(ŷ)` (the last layer's outputs are logits), plus the `l1`
 * penalty when there is one.
 * @category Models
 */
export interface DenseTrainingPlan {
  readonly layers: readonly DenseLayerPlan[];
  readonly loss: 'mse' | 'bce-logits';
  /**
   * An L1 sparsity penalty `weight · Σ_j |a_j|` per sample (batch mean) on the output `a` of
   * `layers[layer]` (the code), added to the loss as the second term.
   */
  readonly l1?: { readonly layer: number; readonly weight: number };
  /** The names of the loss's terms, as `computeLoss` gives them: the reconstruction, then the sparsity penalty if any. */
  readonly termNames: readonly string[];
  /**
   * The network's input and the target for a training batch (the target `null` when it is the
   * input itself): e.g. the corrupted and the clean batch of a denoising autoencoder, with the
   * randomness `computeLoss` would draw from `context.seed`. Called inside `tf.tidy`.
   */
  prepare(batch: Batch, context: LossContext): { readonly input: tf.Tensor; readonly target: tf.Tensor | null };
}

/**
 * A {@link TrainableModel} that can describe its step as a {@link DenseTrainingPlan}
 * (`Autoencoder`s of dense networks do): `denseTrainingPlan()` gives the plan, or null when the
 * model, as configured, is not a plain dense stack (the trainer then uses `computeLoss`).
 * @category Models
 */
export interface DensePlannable {
  denseTrainingPlan(): DenseTrainingPlan | null;
}

/**
 * How a VAE or CVAE of dense networks describes its training step under the default objective
 * (the negative ELBO with β, free bits and a KL capacity), so that the trainer can run it through
 * the package's fused WebGPU kernels instead of `computeLoss`:
 *
 * - the encoder body `h = body(x)` (dense layers; may be empty), the heads `μ = h·W_μ + b_μ` and
 *   `log σ² = L·tanh((h·W_v + b_v)/L)` (`logVarLimit` L; null: no clamp, `log σ² = h·W_v + b_v`);
 * - `z = μ + exp(½ log σ²) ⊙ ε`, the decoder's input `[z, y]` (the last `labels` columns of the
 *   encoder's input, the CVAE's one-hot labels; `labels` 0 for a VAE), and the decoder's layers
 *   to its output (logits for `'bernoulli-logits'`, means for `'gaussian'`);
 * - `loss = rec + β·klScale·penalty`, `rec` the batch mean of the NLL summed over the features
 *   (the likelihood of `elbo`), `penalty` the batch-mean KL from `N(0, I)`, or with free bits λ
 *   `Σ_j max(λ, KL_j)`, then with a capacity C `|penalty − C|`.
 *
 * Shapes: the encoder's input `[n, d + labels]`, its heads `[n, k]`, the decoder's input
 * `[n, k + labels]` and output `[n, d]`.
 * @category Models
 * @example
 * ```ts
 * const plan = denseVae({ inputDim: 784, hidden: [512], latentDim: 20, seed: 1 }).gaussianTrainingPlan();
 * plan?.likelihood; //=> 'bernoulli-logits' (the decoder's sigmoid layer left out: its outputs are logits)
 * plan?.logVarLimit; //=> 10
 * ```
 */
export interface GaussianTrainingPlan {
  readonly encoder: readonly DenseLayerPlan[];
  readonly mean: DenseLayerPlan;
  readonly logVar: DenseLayerPlan;
  /** The bound L of the log-variance head, or null for an unclamped head. */
  readonly logVarLimit: number | null;
  readonly decoder: readonly DenseLayerPlan[];
  readonly likelihood: 'bernoulli-logits' | 'gaussian';
  /** How many of the encoder input's last columns are joined to z as the decoder's input (the CVAE's classes; 0 for a VAE). */
  readonly labels: number;
  /** Free bits λ ≥ 0 per latent dimension (0: off). */
  readonly freeBits: number;
  /** The names of the loss's terms, as `computeLoss` gives them (`['reconstruction', 'kl']`). */
  readonly termNames: readonly string[];
  /**
   * The encoder's input, the reconstruction target and the noise ε `[n, latentDim]` of a training
   * batch, drawn as `computeLoss` draws them from `context.seed`, and the step's KL weight
   * `β·klScale` and capacity (null: none). Called inside `tf.tidy`.
   */
  prepare(batch: Batch, context: LossContext): {
    readonly input: tf.Tensor;
    readonly target: tf.Tensor;
    readonly noise: tf.Tensor;
    readonly klWeight: number;
    readonly capacity: number | null;
  };
}

/**
 * A {@link TrainableModel} that can describe its step as a {@link GaussianTrainingPlan}
 * (`VAE`s and `CVAE`s of dense networks do): null when the model, as configured, is not one
 * (another objective or prior, other layers; the trainer then uses `computeLoss`).
 * @category Models
 * @example
 * ```ts
 * const model: GaussianPlannable = denseCvae({ inputDim: 784, numClasses: 10, hidden: [512], latentDim: 20, seed: 1 });
 * model.gaussianTrainingPlan()?.labels; //=> 10
 * ```
 */
export interface GaussianPlannable {
  gaussianTrainingPlan(): GaussianTrainingPlan | null;
}
