/**
 * Projection onto the components and back, on host float64 arrays and on tensors: the linear
 * maps of a fitted {@link FittedState}.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { productNT } from './linalg/workspace.js';
import type { FittedState } from './solvers.js';

/** Per-component whitening factors: `1/√var` (forward) or `√var` (inverse); 0 where var = 0. @internal */
export function whitenScale(state: FittedState, inverse: boolean): Float64Array {
  const out = new Float64Array(state.nComponents);
  for (let i = 0; i < state.nComponents; i++) {
    const v = state.explainedVariance[i]!;
    out[i] = v > 0 ? (inverse ? Math.sqrt(v) : 1 / Math.sqrt(v)) : 0;
  }
  return out;
}

/** The tensor as float32 (a new tensor, to be created inside a tidy, when it is not). @internal */
export function asFloat(t: tf.Tensor2D): tf.Tensor2D {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** The transpose of a row-major `rows × cols` matrix. @internal */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** The components as a float32 tensor `[k, d]` (the caller disposes it). @internal */
export function componentsTensor(state: FittedState): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(state.components), [state.nComponents, state.nFeatures]);
}

/** `Z = (X − μ)·Vᵀ` (scaled when `whiten`), `n × k`; centres `data` in place. @internal */
export function projectHost(state: FittedState, data: Float64Array, n: number, whiten: boolean): Float64Array {
  const d = state.nFeatures;
  const k = state.nComponents;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) data[r * d + j] = data[r * d + j]! - state.mean[j]!;
  const z = productNT(data, n, d, state.components, k);
  if (whiten) {
    const scale = whitenScale(state, false);
    for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) z[r * k + i] = z[r * k + i]! * scale[i]!;
  }
  return z;
}

/** `X̂ = Z·V + μ` (`Z` unscaled first when `whiten`), `n × d`; scales `z` in place. @internal */
export function reconstructHost(state: FittedState, z: Float64Array, n: number, whiten: boolean): Float64Array {
  const d = state.nFeatures;
  const k = state.nComponents;
  if (whiten) {
    const scale = whitenScale(state, true);
    for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) z[r * k + i] = z[r * k + i]! * scale[i]!;
  }
  const out = productNT(z, n, k, transpose(state.components, k, d), d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) out[r * d + j] = out[r * d + j]! + state.mean[j]!;
  return out;
}

/** `‖xᵢ − x̂ᵢ‖²` per row; centres `data` in place. @internal */
export function reconstructionErrorHost(state: FittedState, data: Float64Array, n: number, out: Float64Array | Float32Array): void {
  const d = state.nFeatures;
  const k = state.nComponents;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) data[r * d + j] = data[r * d + j]! - state.mean[j]!;
  const z = productNT(data, n, d, state.components, k);
  const back = productNT(z, n, k, transpose(state.components, k, d), d);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = data[r * d + j]! - back[r * d + j]!;
      s += e * e;
    }
    out[r] = s;
  }
}

/** Tensor `transform` (call inside `tf.tidy`). @internal */
export function projectTensor(state: FittedState, t: tf.Tensor2D, whiten: boolean): tf.Tensor2D {
  let z = tf.matMul(tf.sub(asFloat(t), tf.tensor1d(Float32Array.from(state.mean))), componentsTensor(state), false, true);
  if (whiten) z = tf.mul(z, tf.tensor1d(Float32Array.from(whitenScale(state, false))));
  return z as tf.Tensor2D;
}

/** Tensor `inverseTransform` (call inside `tf.tidy`). @internal */
export function reconstructTensor(state: FittedState, t: tf.Tensor2D, whiten: boolean): tf.Tensor2D {
  let zz: tf.Tensor = asFloat(t);
  if (whiten) zz = tf.mul(zz, tf.tensor1d(Float32Array.from(whitenScale(state, true))));
  return tf.add(tf.matMul(zz as tf.Tensor2D, componentsTensor(state)), tf.tensor1d(Float32Array.from(state.mean))) as tf.Tensor2D;
}

/** Tensor reconstruction errors `[n]` (call inside `tf.tidy`). @internal */
export function reconstructionErrorTensor(state: FittedState, t: tf.Tensor2D): tf.Tensor1D {
  const xc = tf.sub(asFloat(t), tf.tensor1d(Float32Array.from(state.mean)));
  const v = componentsTensor(state);
  const r = tf.sub(xc, tf.matMul(tf.matMul(xc, v, false, true), v));
  return tf.sum(tf.square(r), 1) as tf.Tensor1D;
}
