/**
 * WGSL sources of the fused VAE step's own kernels (the products are {@link productShader}'s):
 * the reparameterisation, the negative ELBO with its gradients, and the reparameterisation's
 * backward pass. Pure string builders; nothing here touches a device.
 * @module
 */
import { type FusedActivation, derivativeExpression } from './wgsl.js';

/** Threads per workgroup of the element-wise kernels. @internal */
export const ELEMENTWISE_THREADS = 256;
/** Threads of the one workgroup that computes the loss. */
const LOSS_THREADS = 256;

/** `expm1(x) − x` without the cancellation of `exp(x) − 1 − x` near 0 (a Taylor series for |x| < 0.5). */
const EXPM1_MINUS_X = `
fn expm1MinusX(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let x2 = x * x;
    return x2 * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x / 40320.0))))));
  }
  return exp(x) - 1.0 - x;
}`;

/**
 * The reparameterisation and the decoder's input, one thread per entry of `[z, y]`
 * (`rows × (k + c)`): `z = μ + exp(½ log σ²) ⊙ ε` for the first k columns, and the labels (the
 * last `c` columns of the encoder's input) for the others. Every operand lives in the activations
 * buffer: μ, log σ² and ε `[rows, k]`, the encoder input `[rows, inCols]`, the output `[rows, k + c]`.
 * @internal
 */
export function reparameterizeShader(): string {
  return `
struct Uniforms { rows: u32, k: u32, c: u32, inCols: u32, mOff: u32, vOff: u32, eOff: u32, inOff: u32, zOff: u32, width: u32 }
@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var<storage, read_write> acts: array<f32>;
@compute @workgroup_size(${ELEMENTWISE_THREADS})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * u.width + id.x;
  let cols = u.k + u.c;
  if (i >= u.rows * cols) { return; }
  let r = i / cols;
  let j = i % cols;
  if (j < u.k) {
    let e = r * u.k + j;
    acts[u.zOff + i] = acts[u.mOff + e] + exp(acts[u.vOff + e] * 0.5) * acts[u.eOff + e];
  } else {
    acts[u.zOff + i] = acts[u.inOff + r * u.inCols + (u.inCols - u.c) + (j - u.k)];
  }
}`;
}

/** The likelihoods of the fused VAE step (the decoder's output: logits, or Gaussian means). @internal */
export type FusedLikelihood = 'bernoulli-logits' | 'gaussian';

/**
 * The negative ELBO and its gradient at the decoder's output, in one workgroup:
 * - reconstruction `rec = (1/n) Σ nll + const` over the `count = n·d` outputs: `bernoulli-logits`
 *   `max(y, 0) − y·t + log(1 + e^{−|y|})`, gradient `(σ(y) − t)/n`; `gaussian` `½(y − t)²`
 *   (const `d·½ log 2π`), gradient `(y − t)/n ⊙ act'(y)`;
 * - the KL per latent dimension `KL_j = (1/n) Σ_i ½(expm1(v) − v + μ²)` into `kl[j]`, their sum
 *   `KL`, the penalty `P = KL` or `Σ_j max(λ, KL_j)` (free bits λ > 0), then `|P − C|` under a
 *   capacity, and the factors `kl[k + j] = w·s·[KL_j ≥ λ]/n` (w = β·klScale, s = sign(P − C) or 1)
 *   by which the reparameterisation's backward scales `∂KL_ij`;
 * - `report = [rec + w·P, 0, rec, KL]` (`report[1]`: the finiteness flag the Adam kernel raises).
 * The step's `w`, `C` and whether there is a capacity come from the `step` block (per step: the
 * KL schedule and the capacity's ramp change them).
 * @param activation - the decoder's output activation (`gaussian` only; `bernoulli-logits` reads logits).
 * @internal
 */
export function elboShader(likelihood: FusedLikelihood, activation: FusedActivation): string {
  const body =
    likelihood === 'gaussian'
      ? `let d = y - t;
      part = part + 0.5 * d * d;
      deltas[u.dOff + e] = d * u.invN * ${derivativeExpression(activation, 'y')};`
      : `part = part + max(y, 0.0) - y * t + log(1.0 + exp(-abs(y)));
      deltas[u.dOff + e] = (1.0 / (1.0 + exp(-y)) - t) * u.invN;`;
  return `
struct Uniforms { count: u32, outOff: u32, tgtOff: u32, dOff: u32, invN: f32, rows: u32, k: u32, mOff: u32, vOff: u32, freeBits: f32, recConst: f32 }
struct Step { weight: f32, capacity: f32, hasCapacity: f32, unused: f32 }
@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var<uniform> s: Step;
@group(0) @binding(2) var<storage, read> acts: array<f32>;
@group(0) @binding(3) var<storage, read_write> deltas: array<f32>;
@group(0) @binding(4) var<storage, read_write> kl: array<f32>;
@group(0) @binding(5) var<storage, read_write> report: array<f32>;
var<workgroup> recParts: array<f32, ${LOSS_THREADS}>;
var<workgroup> klParts: array<f32, ${LOSS_THREADS}>;
var<workgroup> freeParts: array<f32, ${LOSS_THREADS}>;
${EXPM1_MINUS_X}
@compute @workgroup_size(${LOSS_THREADS})
fn main(@builtin(local_invocation_index) lid: u32) {
  var part = 0.0;
  for (var e = lid; e < u.count; e = e + ${LOSS_THREADS}u) {
    let y = acts[u.outOff + e];
    let t = acts[u.tgtOff + e];
    ${body}
  }
  var klPart = 0.0;
  var freePart = 0.0;
  for (var j = lid; j < u.k; j = j + ${LOSS_THREADS}u) {
    var sum = 0.0;
    for (var r = 0u; r < u.rows; r = r + 1u) {
      let m = acts[u.mOff + r * u.k + j];
      sum = sum + expm1MinusX(acts[u.vOff + r * u.k + j]) + m * m;
    }
    let perDim = 0.5 * sum * u.invN;
    kl[j] = perDim;
    klPart = klPart + perDim;
    freePart = freePart + max(perDim, u.freeBits);
  }
  recParts[lid] = part;
  klParts[lid] = klPart;
  freeParts[lid] = freePart;
  workgroupBarrier();
  for (var h = ${LOSS_THREADS / 2}u; h > 0u; h = h / 2u) {
    if (lid < h) {
      recParts[lid] = recParts[lid] + recParts[lid + h];
      klParts[lid] = klParts[lid] + klParts[lid + h];
      freeParts[lid] = freeParts[lid] + freeParts[lid + h];
    }
    workgroupBarrier();
  }
  let total = klParts[0];
  var penalty = select(total, freeParts[0], u.freeBits > 0.0);
  var sgn = 1.0;
  if (s.hasCapacity != 0.0) {
    sgn = select(-1.0, 1.0, penalty - s.capacity > 0.0);
    penalty = abs(penalty - s.capacity);
  }
  for (var j = lid; j < u.k; j = j + ${LOSS_THREADS}u) {
    let kept = select(1.0, select(0.0, 1.0, kl[j] >= u.freeBits), u.freeBits > 0.0);
    kl[u.k + j] = s.weight * sgn * kept * u.invN;
  }
  if (lid == 0u) {
    let rec = recParts[0] * u.invN + u.recConst;
    report[0] = rec + s.weight * penalty;
    report[1] = 0.0;
    report[2] = rec;
    report[3] = total;
  }
}`;
}

/**
 * The reparameterisation's backward pass and the KL's gradient, one thread per entry of μ
 * (`rows × k`): with `Δz` the first k columns of the decoder input's gradient and `f_j = kl[k + j]`,
 * `Δμ = Δz + f_j·μ` and `Δ log σ² = ½·Δz·exp(½ log σ²)·ε + f_j·½(e^{log σ²} − 1)`, then through the
 * clamp `log σ² = L·tanh(r/L)`: `Δr = Δ log σ² · (1 − (log σ²/L)²)` (`limit` L; 0 for no clamp).
 * Writes Δμ and Δr into the deltas buffer.
 * @internal
 */
export function reparameterizeBackwardShader(): string {
  return `
struct Uniforms { rows: u32, k: u32, zCols: u32, mOff: u32, vOff: u32, eOff: u32, dzOff: u32, dmOff: u32, drOff: u32, limit: f32, width: u32 }
@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var<storage, read> acts: array<f32>;
@group(0) @binding(2) var<storage, read_write> deltas: array<f32>;
@group(0) @binding(3) var<storage, read> kl: array<f32>;
@compute @workgroup_size(${ELEMENTWISE_THREADS})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * u.width + id.x;
  if (i >= u.rows * u.k) { return; }
  let r = i / u.k;
  let j = i % u.k;
  let dz = deltas[u.dzOff + r * u.zCols + j];
  let m = acts[u.mOff + i];
  let v = acts[u.vOff + i];
  let f = kl[u.k + j];
  deltas[u.dmOff + i] = dz + f * m;
  var dv = dz * 0.5 * exp(v * 0.5) * acts[u.eOff + i] + f * 0.5 * (exp(v) - 1.0);
  if (u.limit > 0.0) {
    let t = v / u.limit;
    dv = dv * (1.0 - t * t);
  }
  deltas[u.drOff + i] = dv;
}`;
}
