/**
 * The vector-quantisation operations of a VQ-VAE (van den Oord et al. 2017, "Neural Discrete
 * Representation Learning"; EMA updates after Razavi et al. 2019, "Generating Diverse High-Fidelity
 * Images with VQ-VAE-2", appendix): nearest codes, the straight-through estimator and the
 * exponential-moving-average codebook update. Pure functions on `@tensorflow/tfjs-core` tensors;
 * the state they update (the codebook and its statistics) lives in {@link VQVAE}.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `x` cut off from the gradient tape (`sg[x]` of the VQ-VAE paper): a new tensor on the same data
 * that no recorded operation produced, so that nothing computed from it is on a path from the
 * variables (the nearest-code indices, for one: `tf.gather`'s int32 indices must not be). Freed with
 * the enclosing `tf.tidy`; the data stays while `x` or the copy holds it. Call inside `tf.tidy`.
 * @internal
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const engine = tf.engine();
  const copy = engine.makeTensorFromDataId(x.dataId, [...x.shape], x.dtype) as T;
  // makeTensorFromDataId counts the new tensor but not its hold on the data (the Identity kernels
  // of every backend do the same pair of calls).
  engine.backend.incRef(x.dataId);
  return copy;
}

/**
 * The straight-through estimator `z + sg[q − z]`: the value is `q` (the quantised vectors), the
 * gradient passes to `z` (the encoder output) unchanged and not at all to `q`. Call inside `tf.tidy`.
 * @internal
 */
export function straightThrough<T extends tf.Tensor>(z: T, q: T): T {
  const op = tf.customGrad(((_a: tf.Tensor, b: tf.Tensor) => ({
    value: tf.clone(b),
    gradFunc: (dy: tf.Tensor) => [tf.clone(dy), tf.zerosLike(dy)],
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(z, q) as T;
}

/**
 * Squared Euclidean distances `‖zᵢ − eₖ‖² = ‖zᵢ‖² − 2 zᵢ·eₖ + ‖eₖ‖²` between rows of `z` `[m, d]`
 * and of the codebook `[K, d]`: `[m, K]`. Call inside `tf.tidy`.
 * @internal
 */
export function squaredDistances(z: tf.Tensor2D, codebook: tf.Tensor2D): tf.Tensor2D {
  const zz = tf.sum(tf.square(z), 1, true);
  const ee = tf.reshape(tf.sum(tf.square(codebook), 1), [1, -1]);
  return tf.add(tf.sub(zz, tf.mul(2, tf.matMul(z, codebook, false, true))), ee) as tf.Tensor2D;
}

/**
 * The index of the nearest code of each row of `z` `[m, d]`: int32 `[m]`. Not differentiable (the
 * inputs are detached). Call inside `tf.tidy`.
 * @internal
 */
export function nearestCodes(z: tf.Tensor2D, codebook: tf.Tensor2D): tf.Tensor1D {
  return tf.argMin(squaredDistances(stopGradient(z), stopGradient(codebook)), 1) as tf.Tensor1D;
}

/** The codebook statistics of the EMA update. @internal */
export interface EmaState {
  /** `Nₖ`, the decayed number of vectors assigned to each code, `[K]`. */
  readonly counts: tf.Tensor1D;
  /** `mₖ`, the decayed sum of the vectors assigned to each code, `[K, d]`. */
  readonly sums: tf.Tensor2D;
}

/** Laplace smoothing ε of the EMA cluster sizes (Sonnet's VectorQuantizerEMA default). @internal */
export const EMA_EPSILON = 1e-5;

/**
 * One EMA step (Razavi et al. 2019, eqs. in appendix A.1), from the one-hot assignments `[m, K]`
 * and the (detached) encoder outputs `[m, d]`:
 *
 * - `Nₖ ← γ·Nₖ + (1−γ)·nₖ`, `mₖ ← γ·mₖ + (1−γ)·Σ_{i: kᵢ=k} zᵢ`;
 * - `eₖ = mₖ / Ñₖ` with the Laplace-smoothed `Ñₖ = (Nₖ + ε) / (N + Kε) · N`, `N = Σₖ Nₖ`.
 *
 * Returns the new counts, sums and codebook. Call inside `tf.tidy`.
 * @internal
 */
export function emaStep(state: EmaState, oneHot: tf.Tensor2D, z: tf.Tensor2D, decay: number): EmaState & { codebook: tf.Tensor2D } {
  const k = oneHot.shape[1];
  const counts = tf.add(tf.mul(state.counts, decay), tf.mul(tf.sum(oneHot, 0), 1 - decay)) as tf.Tensor1D;
  const sums = tf.add(tf.mul(state.sums, decay), tf.mul(tf.matMul(oneHot, z, true, false), 1 - decay)) as tf.Tensor2D;
  const n = tf.sum(counts);
  const smoothed = tf.mul(tf.div(tf.add(counts, EMA_EPSILON), tf.add(n, k * EMA_EPSILON)), n);
  const codebook = tf.div(sums, tf.expandDims(smoothed, 1)) as tf.Tensor2D;
  return { counts, sums, codebook };
}

/**
 * The perplexity `exp(−Σₖ pₖ log pₖ)` of code counts (`pₖ = countₖ / Σ count`, `0 log 0 = 0`): the
 * effective number of codes in use, from 1 (one code) to `K` (all used equally).
 * @internal
 */
export function perplexityOf(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i]! / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}
