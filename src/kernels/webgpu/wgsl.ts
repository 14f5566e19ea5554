/**
 * WGSL sources of the fused dense training step: one tiled product with three operand layouts
 * and epilogues, the fused loss and its gradient, and one Adam update over every weight.
 * Pure string builders; nothing here touches a device.
 * @module
 */

/** Element-wise activations the fused kernels implement (tfjs-layers names). @internal */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu';

/** Every {@link FusedActivation}. @internal */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'elu'];

/** Side of the output tile one workgroup computes (each of its 16×16 threads computes 4×4 entries). @internal */
export const TILE = 64;
/**
 * The forward product's epilogue: a {@link FusedActivation}, or `'clamp'`, the soft clamp
 * `L·tanh(z/L)` of a VAE's log-variance head (L the uniform `p`). @internal
 */
export type EpilogueActivation = FusedActivation | 'clamp';

/** Depth of the slices of the inner dimension staged in workgroup memory. */
const DEPTH = 16;

/** `act(z)` in WGSL, with the formulas tfjs uses (a stable tanh: `sign(z)·(1 − e^{−2|z|})/(1 + e^{−2|z|})`). */
function activationExpression(activation: EpilogueActivation, z: string): string {
  switch (activation) {
    case 'clamp':
      return `(u.p * tanhStable(${z} / u.p))`;
    case 'linear':
      return z;
    case 'relu':
      return `max(${z}, 0.0)`;
    case 'sigmoid':
      return `(1.0 / (1.0 + exp(-${z})))`;
    case 'tanh':
      return `tanhStable(${z})`;
    case 'elu':
      return `select(exp(${z}) - 1.0, ${z}, ${z} > 0.0)`;
  }
}

/**
 * `act'(z)` written in terms of the activation's output `a = act(z)`, so that the backward pass
 * needs only the stored activations: relu `[a > 0]`, sigmoid `a(1 − a)`, tanh `1 − a²`,
 * elu `a > 0 ? 1 : a + 1`.
 */
export function derivativeExpression(activation: FusedActivation, a: string): string {
  switch (activation) {
    case 'linear':
      return '1.0';
    case 'relu':
      return `select(0.0, 1.0, ${a} > 0.0)`;
    case 'sigmoid':
      return `(${a} * (1.0 - ${a}))`;
    case 'tanh':
      return `(1.0 - ${a} * ${a})`;
    case 'elu':
      return `select(${a} + 1.0, 1.0, ${a} > 0.0)`;
  }
}

const TANH = `
fn tanhStable(z: f32) -> f32 {
  let e = exp(-2.0 * abs(z));
  return sign(z) * (1.0 - e) / (1.0 + e);
}`;

/**
 * The three uses of the product in a dense layer's step:
 * - `forward`: `A_l = act(A_{l−1}·W + b)` (operands and output in the activations buffer, W and b in the weights);
 * - `backData`: `Δ_{l−1} = (Δ_l·Wᵀ + acc·Δ_{l−1} + λ·sign(A_{l−1})) ⊙ act'(A_{l−1})` (operands and
 *   output in the deltas buffer; `λ`, the uniform `p`, is the L1 sparsity weight over the batch
 *   size at the code, else 0; `acc = 1` adds the product to what the output holds, for the two
 *   heads of a VAE's encoder);
 * - `backWeights`: `[∂W; ∂b] = [A_{l−1}ᵀ; 1ᵀ]·Δ_l` into the gradients buffer (the bias row is a row of ones).
 * @internal
 */
export type ProductKind = 'forward' | 'backData' | 'backWeights';

/** Bindings of each product kind: the names of A, B, C and the extra operand, and their declarations. */
const PRODUCT_BINDINGS: Readonly<Record<ProductKind, { decl: string; a: string; b: string; c: string; e: string }>> = {
  forward: {
    decl: '@group(0) @binding(1) var<storage, read_write> acts: array<f32>;\n@group(0) @binding(2) var<storage, read> weights: array<f32>;',
    a: 'acts',
    b: 'weights',
    c: 'acts',
    e: 'weights',
  },
  backData: {
    decl: '@group(0) @binding(1) var<storage, read_write> deltas: array<f32>;\n@group(0) @binding(2) var<storage, read> weights: array<f32>;\n@group(0) @binding(3) var<storage, read> acts: array<f32>;',
    a: 'deltas',
    b: 'weights',
    c: 'deltas',
    e: 'acts',
  },
  backWeights: {
    decl: '@group(0) @binding(1) var<storage, read> acts: array<f32>;\n@group(0) @binding(2) var<storage, read> deltas: array<f32>;\n@group(0) @binding(3) var<storage, read_write> grads: array<f32>;',
    a: 'acts',
    b: 'deltas',
    c: 'grads',
    e: 'grads',
  },
};

const UNROLL = [0, 1, 2, 3] as const;

/** The 4×4 accumulators of a thread as 16 scalars (no dynamically indexed array, which some compilers keep in memory). */
function declareAccumulators(): string {
  return UNROLL.flatMap((r) => UNROLL.map((c) => `var acc${r}${c} = 0.0;`)).join(' ');
}

/** One step of the inner product, unrolled: 4 values of A and 4 of B from workgroup memory, 16 multiply-adds. */
function accumulate(): string {
  const loads = UNROLL.map((r) => `let a${r} = tileA[ta + ${r}u]; let b${r} = tileB[tb + ${r}u];`).join('\n      ');
  const sums = UNROLL.flatMap((r) => UNROLL.map((c) => `acc${r}${c} = acc${r}${c} + a${r} * b${c};`)).join('\n      ');
  return `${loads}\n      ${sums}`;
}

/** Number of u32 fields of the product's uniform block (see {@link productShader}). @internal */
export const PRODUCT_UNIFORMS = 14;

/**
 * The tiled product `C[M×N] = A[M×K]·B[K×N]` with its epilogue. Operands are read through
 * strides from the uniform block (`A(i,k) = a[aOff + i·aRs + k·aCs]`), so one shader serves
 * `A·B`, `A·Bᵀ` and `Aᵀ·B`; `C` is row-major at `cOff`. With `onesRow ≠ 0` the last row of A
 * is all ones (the bias row of `backWeights`). Each workgroup computes a 64×64 tile, staging
 * 64×16 slices of A and B in workgroup memory; each of its 256 threads accumulates 4×4 entries.
 * @param kind - which use, see {@link ProductKind}.
 * @param activation - forward: the layer's activation; backData: the activation of the layer below.
 * @internal
 */
export function productShader(kind: ProductKind, activation: EpilogueActivation): string {
  const n = PRODUCT_BINDINGS[kind];
  let epilogue: string;
  if (kind === 'forward') epilogue = `let z = value + ${n.e}[u.eOff + j];\n        ${n.c}[u.cOff + i * u.N + j] = ${activationExpression(activation, 'z')};`;
  else if (kind === 'backData') epilogue = `let a = ${n.e}[u.eOff + i * u.N + j];\n        let held = select(0.0, ${n.c}[u.cOff + i * u.N + j], u.acc != 0u);\n        ${n.c}[u.cOff + i * u.N + j] = (value + held + u.p * sign(a)) * ${derivativeExpression(activation as FusedActivation, 'a')};`;
  else epilogue = `${n.c}[u.cOff + i * u.N + j] = value;`;
  // Each thread writes its 4×4 entries through the epilogue (`value` is the entry's sum).
  const writes = UNROLL.flatMap((r) =>
    UNROLL.map(
      (c) => `{
    let i = row0 + lid.y * 4u + ${r}u;
    let j = col0 + lid.x * 4u + ${c}u;
    if (i < u.M && j < u.N) {
      let value = acc${r}${c};
      ${epilogue}
    }
  }`,
    ),
  ).join('\n  ');
  return `
struct Uniforms { M: u32, N: u32, K: u32, aOff: u32, aRs: u32, aCs: u32, bOff: u32, bRs: u32, bCs: u32, cOff: u32, eOff: u32, onesRow: u32, p: f32, acc: u32 }
@group(0) @binding(0) var<uniform> u: Uniforms;
${n.decl}
var<workgroup> tileA: array<f32, ${DEPTH * TILE}>;
var<workgroup> tileB: array<f32, ${DEPTH * TILE}>;
${TANH}
fn loadA(i: u32, k: u32) -> f32 {
  if (i >= u.M || k >= u.K) { return 0.0; }
  if (u.onesRow != 0u && i == u.M - 1u) { return 1.0; }
  return ${n.a}[u.aOff + i * u.aRs + k * u.aCs];
}
fn loadB(k: u32, j: u32) -> f32 {
  if (k >= u.K || j >= u.N) { return 0.0; }
  return ${n.b}[u.bOff + k * u.bRs + j * u.bCs];
}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wg.y * ${TILE}u;
  let col0 = wg.x * ${TILE}u;
  let t = lid.y * 16u + lid.x;
  ${declareAccumulators()}
  for (var k0 = 0u; k0 < u.K; k0 = k0 + ${DEPTH}u) {
    for (var s = 0u; s < 4u; s = s + 1u) {
      let e = t + s * 256u;
      let ai = e / ${DEPTH}u;
      let ak = e % ${DEPTH}u;
      tileA[ak * ${TILE}u + ai] = loadA(row0 + ai, k0 + ak);
      let bk = e / ${TILE}u;
      let bj = e % ${TILE}u;
      tileB[bk * ${TILE}u + bj] = loadB(k0 + bk, col0 + bj);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${DEPTH}u; kk = kk + 1u) {
      let ta = kk * ${TILE}u + lid.y * 4u;
      let tb = kk * ${TILE}u + lid.x * 4u;
      ${accumulate()}
    }
    workgroupBarrier();
  }
  ${writes}
}`;
}

/**
 * The reconstruction losses the fused step computes:
 * - `mse`: `mean((ŷ − t)²)` over all entries, `∂/∂z = 2(ŷ − t)/count · act'(ŷ)`;
 * - `bce-logits`: `mean(max(z, 0) − z·t + log(1 + e^{−|z|}))` of logits `z`, `∂/∂z = (σ(z) − t)/count`.
 * @internal
 */
export type FusedLoss = 'mse' | 'bce-logits';

/** Threads of the one workgroup that computes the loss. */
const LOSS_THREADS = 256;

/**
 * The loss and the gradient at the output layer's pre-activation, in one workgroup: each thread
 * walks a strided part of the `count` entries, writes `Δ_L` and sums its part of the loss; a tree
 * in workgroup memory adds the parts. With an L1 sparsity penalty (`l1 = weight / n` over the
 * `codeCount` entries of the code at `codeOff`; `codeCount = 0` without one) it also sums
 * `l1·Σ|a|`. Writes `report = [loss + penalty, 0, loss, penalty]` (`report[1]`: the finiteness flag
 * the Adam kernel raises).
 * @param activation - the output layer's activation (`mse` only; `bce-logits` reads logits).
 * @internal
 */
export function lossShader(loss: FusedLoss, activation: FusedActivation): string {
  const body =
    loss === 'mse'
      ? `let d = y - t;
      part = part + d * d;
      deltas[u.dOff + e] = 2.0 * d * u.scale * ${derivativeExpression(activation, 'y')};`
      : `part = part + max(y, 0.0) - y * t + log(1.0 + exp(-abs(y)));
      deltas[u.dOff + e] = (1.0 / (1.0 + exp(-y)) - t) * u.scale;`;
  return `
struct Uniforms { count: u32, outOff: u32, tgtOff: u32, dOff: u32, scale: f32, codeOff: u32, codeCount: u32, l1: f32 }
@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var<storage, read> acts: array<f32>;
@group(0) @binding(2) var<storage, read_write> deltas: array<f32>;
@group(0) @binding(3) var<storage, read_write> report: array<f32>;
var<workgroup> parts: array<f32, ${LOSS_THREADS}>;
var<workgroup> parts2: array<f32, ${LOSS_THREADS}>;
@compute @workgroup_size(${LOSS_THREADS})
fn main(@builtin(local_invocation_index) lid: u32) {
  var part = 0.0;
  for (var e = lid; e < u.count; e = e + ${LOSS_THREADS}u) {
    let y = acts[u.outOff + e];
    let t = acts[u.tgtOff + e];
    ${body}
  }
  var sparse = 0.0;
  for (var e = lid; e < u.codeCount; e = e + ${LOSS_THREADS}u) {
    sparse = sparse + abs(acts[u.codeOff + e]);
  }
  parts[lid] = part;
  parts2[lid] = sparse;
  workgroupBarrier();
  for (var s = ${LOSS_THREADS / 2}u; s > 0u; s = s / 2u) {
    if (lid < s) {
      parts[lid] = parts[lid] + parts[lid + s];
      parts2[lid] = parts2[lid] + parts2[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let value = parts[0] * u.scale;
    let penalty = parts2[0] * u.l1;
    report[0] = value + penalty;
    report[1] = 0.0;
    report[2] = value;
    report[3] = penalty;
  }
}`;
}

/** Threads per workgroup of the Adam kernel. @internal */
export const ADAM_THREADS = 256;

/**
 * One Adam step over every weight of the model at once (flat buffers: weights, gradients, and
 * both moments, `m` then `v`), in the order of tfjs' `AdamOptimizer`:
 * `m ← m·β₁ + g·(1−β₁)`, `v ← v·β₂ + g²·(1−β₂)`, `w ← (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)·(−α) + w`.
 * A gradient entry that is NaN or ±∞ sets `report[1]` to NaN (the trainer's NaN guard).
 * @internal
 */
export function adamShader(): string {
  return `
struct Size { n: u32, width: u32 }
struct Step { b1: f32, c1: f32, b2: f32, c2: f32, d1: f32, d2: f32, eps: f32, step: f32 }
@group(0) @binding(0) var<uniform> size: Size;
@group(0) @binding(1) var<uniform> s: Step;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> moments: array<f32>;
@group(0) @binding(5) var<storage, read_write> report: array<atomic<u32>>;
@compute @workgroup_size(${ADAM_THREADS})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * size.width + id.x;
  if (i >= size.n) { return; }
  let g = grads[i];
  if ((bitcast<u32>(g) & 0x7f800000u) == 0x7f800000u) { atomicOr(&report[1], 0x7fc00000u); }
  let m = moments[i] * s.b1 + g * s.c1;
  let v = moments[size.n + i] * s.b2 + (g * g) * s.c2;
  moments[i] = m;
  moments[size.n + i] = v;
  let mHat = m / s.d1;
  let vHat = v / s.d2;
  weights[i] = (mHat / (sqrt(vHat) + s.eps)) * s.step + weights[i];
}`;
}
