/**
 * The public types of {@link PCA}: options, inputs and outputs.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * How {@link PCA} computes the components (`m = min(n, d)`, `k` components).
 * - `'full'`: exact, in float64 — eigendecomposition of the Gram matrix of the centred data on
 *   its smaller side (`XcᵀXc` when `d ≤ n`, else `XcXcᵀ` and `vᵢ = Xcᵀuᵢ/sᵢ`), by Householder
 *   tridiagonalisation, implicit QL for all eigenvalues and inverse iteration (or QL with
 *   rotations when `4k ≥ m`) for the k eigenvectors. Cost `O(n·d·m + m³)`.
 * - `'randomized'`: Halko, Martinsson & Tropp's range finder with `nOversamples` extra
 *   directions and `nIter` power iterations (seeded by `seed`), then an exact decomposition of
 *   the small projected problem. When forming the Gram matrix (`n·d·m/2` multiply-adds) is
 *   cheaper than `2·nIter + 2` passes over the data, the range finder runs on it (each power
 *   iteration then costs only `m²·(k + nOversamples)`) and the Gram matrix is built with float32
 *   products summed in float64 (relative error ≈ 10⁻⁶, well below the method's own
 *   approximation); otherwise it runs on the data, in float64. Needs an integer `nComponents`.
 * - `'incremental'`: incremental PCA (Ross et al.; scikit-learn's `IncrementalPCA`): `fit` feeds
 *   the data in batches of `batchSize` rows, as {@link PCA.partialFit} does for data that does
 *   not fit in memory. Needs an integer (or omitted) `nComponents`.
 * - `'auto'` (default): `'full'` when `nComponents` is a fraction or omitted, or when
 *   `max(n, d) ≤ 500`, or when `nComponents ≥ 0.8·min(n, d)`; otherwise `'randomized'` (the rule
 *   of scikit-learn).
 *
 * In every solver, constant features are left out of the Gram matrix (they add nothing to it),
 * and features that are mostly exact zeros (pixels, counts) are accumulated row by row from their
 * non-zeros instead of through the dense product — exact, and much cheaper on sparse data.
 * @category PCA
 */
export type PCASolver = 'auto' | 'full' | 'randomized' | 'incremental';

/**
 * Options of {@link PCA}. All are optional.
 * @category PCA
 */
export interface PCAOptions {
  /**
   * Components to keep: an integer `k ≥ 1` (at most `min(nSamples, nFeatures)`), or a fraction
   * in (0, 1) meaning "the fewest components whose explained-variance ratios sum to more than
   * this" (exact solver only), or omitted for all `min(nSamples, nFeatures)` (for `partialFit`:
   * `min(first batch size, nFeatures)`). Note that `1` means one component. `'mle'` chooses `k`
   * by Minka's (2000) Bayesian model selection, as scikit-learn's `n_components='mle'`: the `k` in
   * `[1, d − 1]` that maximises the Laplace approximation of the evidence `p(X | k)` of the
   * probabilistic PCA model, computed from all `d` explained variances (exact solver only; needs
   * `nSamples ≥ nFeatures`).
   */
  readonly nComponents?: number | 'mle';
  /** Solver; default `'auto'`. See {@link PCASolver}. */
  readonly solver?: PCASolver;
  /**
   * Scale the projections to unit variance: `transform` divides component i by
   * `√explainedVariance[i]` (components of zero variance map to 0) and `inverseTransform` undoes
   * it. Default `false`.
   */
  readonly whiten?: boolean;
  /** Seed of the randomized solver, an integer (same seed, same data → same result). Default `0`. */
  readonly seed?: number;
  /** Randomized solver: directions sampled beyond `nComponents`. Default `10`. */
  readonly nOversamples?: number;
  /**
   * Randomized solver: power iterations, or `'auto'` — 7 when `nComponents < 0.1·min(n, d)`,
   * else 4 (scikit-learn's rule). Default `'auto'`.
   */
  readonly nIter?: number | 'auto';
  /** Incremental solver: rows per batch in `fit`. Default `5·nFeatures` (as scikit-learn). */
  readonly batchSize?: number;
  /**
   * Keep the sufficient statistics of the fit — the sample count `n`, the mean `μ` (d) and the
   * scatter matrix `M = Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ` (d × d, float64) — so that {@link PCA.merge} can
   * combine fits of different shards exactly and `fitStream` can fit from them. Costs `d²`
   * float64 values of memory (and in `toJSON`: 4.9 MB for d = 784) and `n·d²/2` multiply-adds
   * per fit. Default `false`.
   */
  readonly mergeable?: boolean;
}

/**
 * A host-side matrix: row-major float64 values and their shape `[rows, cols]`. It is accepted
 * wherever the package takes a `{ data, shape }` input, and `tf.tensor2d(m.data, m.shape)` turns
 * it into a tensor.
 * @category PCA
 */
export interface PCAMatrix {
  readonly data: Float64Array;
  readonly shape: [number, number];
}

/** Anything {@link PCA} accepts as data: `[n, d]`. @category PCA */
export type PCAInput =
  | tf.Tensor2D
  | readonly (readonly number[])[]
  | { readonly data: Float32Array | Float64Array; readonly shape: readonly [number, number] };

/**
 * What a projecting method returns for an input of type `X`: a `tf.Tensor2D` (float32, which
 * the caller disposes) for a tensor, a `number[][]` for a `number[][]`, and `{ data, shape }`
 * with the same typed-array type for `{ data, shape }`.
 * @category PCA
 */
export type PCAOutput<X> = X extends tf.Tensor
  ? tf.Tensor2D
  : X extends { readonly data: Float32Array }
    ? { data: Float32Array; shape: [number, number] }
    : X extends { readonly data: Float64Array }
      ? { data: Float64Array; shape: [number, number] }
      : X extends readonly (readonly number[])[]
        ? number[][]
        : tf.Tensor2D | number[][] | { data: Float32Array | Float64Array; shape: [number, number] };

/**
 * What {@link PCA.reconstructionError} returns for an input of type `X`: a `Float32Array` for a
 * tensor or float32 data, a `Float64Array` otherwise.
 * @category PCA
 */
export type PCAScores<X> = X extends tf.Tensor ? Float32Array : X extends { readonly data: Float32Array } ? Float32Array : Float64Array;
