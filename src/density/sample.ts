/**
 * Drawing from a fitted mixture: ancestral sampling (a component, then a Gaussian draw).
 * @module
 */
import { createRng, deriveSeed } from '../core/index.js';
import type { MixtureState } from './em.js';

/**
 * What {@link GaussianMixture.sample} returns: `[n, d]` samples as row-major float64 (a valid
 * `{ data, shape }` input anywhere in the package; `tf.tensor2d(s.data, s.shape)` makes a tensor)
 * and the component each was drawn from.
 * @category Density
 */
export interface GaussianMixtureSample {
  readonly data: Float64Array;
  readonly shape: [number, number];
  /** The component of each sample, length `n`. */
  readonly labels: Int32Array;
}

/**
 * `n` samples of the mixture from `seed`: component `j` with probability `wⱼ`, then
 * `x = μⱼ + Lⱼ·ε`, `ε ~ N(0, I)` by Box–Muller on the package's seeded generator.
 * @internal
 */
export function drawSamples(state: MixtureState, n: number, seed: number): GaussianMixtureSample {
  const { k, d, weights, means, covariance } = state.params;
  const chol = state.factors.chol;
  const rng = createRng(deriveSeed(seed, 2));
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const eps = new Float64Array(d);
  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - rng()));
    const angle = 2 * Math.PI * rng();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  for (let r = 0; r < n; r++) {
    const u = rng();
    let j = 0;
    let acc = weights[0]!;
    while (j < k - 1 && u >= acc) acc += weights[++j]!;
    labels[r] = j;
    for (let i = 0; i < d; i++) eps[i] = normal();
    for (let i = 0; i < d; i++) {
      let v = means[j * d + i]!;
      if (covariance === 'diag') v += chol[j * d + i]! * eps[i]!;
      else for (let c = 0; c <= i; c++) v += chol[j * d * d + i * d + c]! * eps[c]!;
      data[r * d + i] = v;
    }
  }
  return { data, shape: [n, d], labels };
}
