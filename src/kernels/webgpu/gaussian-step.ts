/**
 * The fused training step of a Gaussian VAE (or CVAE) of dense networks on WebGPU, the
 * counterpart of {@link FusedDenseStep}: the encoder body's forward products, both heads (the
 * log-variance through its soft clamp), the reparameterisation `z = μ + exp(½ log σ²) ⊙ ε` with ε
 * drawn on the host as `computeLoss` draws it, the decoder, the negative ELBO (β, KL schedule,
 * free bits, capacity) with its gradients, the backward products, and one Adam over all weights,
 * recorded into tfjs-backend-webgpu's command encoder as one compute pass.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { type AdamStepState, type FlatLayout, adamScalarsTensor } from './flat-state.js';
import { type GpuBuffer, type WebGpuBackendLike, USAGE, webGpuBackend } from './gpu.js';
import { ELEMENTWISE_THREADS, type FusedLikelihood, elboShader, reparameterizeBackwardShader, reparameterizeShader } from './gaussian-wgsl.js';
import { type CopyInto, type Dispatch, F32, StepBuffers, StepKit, type StepPlan, adamDispatch, flatBuffers, flatOffsets, recordStep } from './step-kit.js';
import { FUSED_ACTIVATIONS, type FusedActivation } from './wgsl.js';
import type { DenseLayerSpec } from './dense-step.js';

/** ½·ln(2π). */
const HALF_LOG_2PI = 0.9189385332046728;

/**
 * A Gaussian VAE of dense networks (see {@link GaussianTrainingPlan} in the models): the
 * encoder body, the two heads (linear; the log-variance clamped to `[−L, L]` by `L·tanh(·/L)`
 * when `logVarLimit` is a number), the decoder to its output (logits under
 * `bernoulli-logits`), how many label columns the encoder's input ends with (joined to z as the
 * decoder's input), and the free bits.
 * @internal
 */
export interface GaussianStackSpec {
  readonly encoder: readonly DenseLayerSpec[];
  readonly mean: DenseLayerSpec;
  readonly logVar: DenseLayerSpec;
  readonly logVarLimit: number | null;
  readonly decoder: readonly DenseLayerSpec[];
  readonly likelihood: FusedLikelihood;
  readonly labels: number;
  readonly freeBits: number;
}

/** The per-step inputs of {@link FusedGaussianStep.step}. @internal */
export interface GaussianStepInput {
  /** The encoder's input `[n, in]` (its last `labels` columns the one-hot labels). */
  readonly input: tf.Tensor;
  /** The reconstruction target `[n, out]`. */
  readonly target: tf.Tensor;
  /** ε `[n, latentDim]`. */
  readonly noise: tf.Tensor;
  /** `β·klScale`. */
  readonly klWeight: number;
  /** The KL capacity C of this step, or null for none. */
  readonly capacity: number | null;
}

/** Offsets (in floats, of `cap`-row regions) of the activations and deltas. */
interface Regions {
  readonly acts: number;
  readonly deltas: number;
  /** Encoder activations A₀ … A_B (A₀ the input). */
  readonly a: readonly number[];
  readonly m: number;
  readonly v: number;
  readonly e: number;
  /** Decoder activations G₀ … G_D (G₀ = [z, y]). */
  readonly g: readonly number[];
  readonly t: number;
  /** Deltas of A₁ … A_B (index l; index 0 unused). */
  readonly da: readonly number[];
  readonly dm: number;
  readonly dr: number;
  readonly dg: readonly number[];
}

function activationOk(l: DenseLayerSpec): boolean {
  return FUSED_ACTIVATIONS.includes(l.activation);
}

/**
 * Whether a spec can run fused: chained float32 dense layers, supported activations, linear heads
 * of one width k, a decoder that reads `k + labels` columns and gives the encoder input's width
 * less the labels, a linear output under `bernoulli-logits`, and finite settings.
 * @internal
 */
export function isFusableGaussian(spec: GaussianStackSpec): boolean {
  const all = [...spec.encoder, spec.mean, spec.logVar, ...spec.decoder];
  if (spec.decoder.length === 0 || !all.every(activationOk)) return false;
  if (all.some((l) => l.kernel.rank !== 2 || l.bias.rank !== 1 || l.kernel.dtype !== 'float32' || l.bias.dtype !== 'float32' || l.bias.shape[0] !== l.kernel.shape[1])) return false;
  const chained = (layers: readonly DenseLayerSpec[]): boolean => layers.every((l, i) => i === 0 || l.kernel.shape[0] === layers[i - 1]!.kernel.shape[1]);
  if (!chained(spec.encoder) || !chained(spec.decoder)) return false;
  const inCols = spec.encoder.length > 0 ? spec.encoder[0]!.kernel.shape[0]! : spec.mean.kernel.shape[0]!;
  const h = spec.encoder.length > 0 ? spec.encoder[spec.encoder.length - 1]!.kernel.shape[1]! : inCols;
  const k = spec.mean.kernel.shape[1]!;
  const out = spec.decoder[spec.decoder.length - 1]!;
  if (spec.mean.activation !== 'linear' || spec.logVar.activation !== 'linear') return false;
  if (spec.mean.kernel.shape[0] !== h || spec.logVar.kernel.shape[0] !== h || spec.logVar.kernel.shape[1] !== k) return false;
  if (!Number.isInteger(spec.labels) || spec.labels < 0 || spec.decoder[0]!.kernel.shape[0] !== k + spec.labels) return false;
  if (out.kernel.shape[1] !== inCols - spec.labels) return false;
  if (spec.likelihood === 'bernoulli-logits' && out.activation !== 'linear') return false;
  if (spec.logVarLimit !== null && !(spec.logVarLimit > 0 && Number.isFinite(spec.logVarLimit))) return false;
  return Number.isFinite(spec.freeBits) && spec.freeBits >= 0;
}

/**
 * A Gaussian VAE's training step on the active WebGPU backend. Create it with
 * {@link FusedGaussianStep.create}; call {@link FusedGaussianStep.step} once per batch; dispose it
 * after the last step's report was read.
 * @internal
 */
export class FusedGaussianStep {
  readonly #kit: StepKit;
  readonly #spec: GaussianStackSpec;
  /** Widths of the encoder's activations (A₀ … A_B), the latent width, the decoder's (G₀ … G_D). */
  readonly #enc: number[];
  readonly #k: number;
  readonly #dec: number[];
  /** Flat offsets of the layers: body…, mean, logVar, decoder…. */
  readonly #layerOffsets: number[];
  readonly #layout: FlatLayout;
  readonly #grads: GpuBuffer;
  readonly #report: GpuBuffer;
  readonly #kl: GpuBuffer;
  readonly #adamSize: GpuBuffer;
  readonly #adamStep: GpuBuffer;
  readonly #elboStep: GpuBuffer;
  readonly #buffers: StepBuffers;
  /** Where the regions lie in the buffers, for their current capacity. */
  #regions: Regions | undefined;
  #disposed = false;

  private constructor(backend: WebGpuBackendLike, spec: GaussianStackSpec, variables: readonly tf.Variable[], flat: { offsets: number[]; count: number; layerOffsets: number[] }) {
    const kit = new StepKit(backend);
    this.#kit = kit;
    this.#buffers = new StepBuffers(kit);
    this.#spec = spec;
    this.#layerOffsets = flat.layerOffsets;
    const inCols = spec.encoder.length > 0 ? spec.encoder[0]!.kernel.shape[0]! : spec.mean.kernel.shape[0]!;
    this.#enc = [inCols, ...spec.encoder.map((l) => l.kernel.shape[1]!)];
    this.#k = spec.mean.kernel.shape[1]!;
    this.#dec = [spec.decoder[0]!.kernel.shape[0]!, ...spec.decoder.map((l) => l.kernel.shape[1]!)];
    const buffers = flatBuffers(kit, variables, flat.offsets, flat.count);
    this.#layout = buffers.layout;
    this.#grads = buffers.grads;
    this.#report = kit.storage(4);
    this.#kl = kit.storage(2 * this.#k);
    this.#adamSize = kit.acquire(16, USAGE.UNIFORM | USAGE.COPY_DST);
    this.#adamStep = kit.acquire(32, USAGE.UNIFORM | USAGE.COPY_DST);
    this.#elboStep = kit.acquire(16, USAGE.UNIFORM | USAGE.COPY_DST);
  }

  /**
   * A fused step for `spec`, or null when the active backend is not tfjs-backend-webgpu or the
   * spec is not fusable ({@link isFusableGaussian}). `variables` are the trainer's, in its order:
   * exactly the spec's kernels and biases.
   */
  static create(spec: GaussianStackSpec, variables: readonly tf.Variable[]): FusedGaussianStep | null {
    const backend = webGpuBackend();
    if (backend === null || !isFusableGaussian(spec)) return null;
    const flat = flatOffsets([...spec.encoder, spec.mean, spec.logVar, ...spec.decoder], variables);
    return flat === null ? null : new FusedGaussianStep(backend, spec, variables, flat);
  }

  /**
   * Records one training step: forward, reparameterisation, loss, backward, Adam, and the copies
   * of the new weights and moments into new tensors assigned to the variables.
   * @returns the report `[loss, check, reconstruction, kl]` (check: 0, or NaN when a gradient was
   *   not finite), owned by the caller.
   */
  step(input: GaussianStepInput, adam: AdamStepState): tf.Tensor1D {
    if (this.#disposed) throw new Error('FusedGaussianStep.step: the step was disposed');
    const n = input.input.shape[0]!;
    const plan = this.#planFor(n);
    const r = this.#regions!;
    const scalars = adamScalarsTensor(adam.scalars);
    const fr = Math.fround;
    const elbo = tf.tensor1d([fr(input.klWeight), fr(input.capacity ?? 0), input.capacity === null ? 0 : 1, 0]);
    try {
      const k = this.#k;
      const copies: CopyInto[] = [
        { from: scalars, to: this.#adamStep, at: 0, bytes: 32 },
        { from: elbo, to: this.#elboStep, at: 0, bytes: 16 },
        { from: input.input, to: this.#buffers.acts, at: r.a[0]! * F32, bytes: n * this.#enc[0]! * F32 },
        { from: input.noise, to: this.#buffers.acts, at: r.e * F32, bytes: n * k * F32 },
        { from: input.target, to: this.#buffers.acts, at: r.t * F32, bytes: n * this.#dec[this.#dec.length - 1]! * F32 },
      ];
      return recordStep(this.#kit.backend, this.#layout, adam, copies, plan.dispatches, this.#report, 4);
    } finally {
      scalars.dispose();
      elbo.dispose();
    }
  }

  /** Releases the step's GPU buffers (back to tfjs' pool). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#buffers.dispose();
    const own = [this.#layout.weights, this.#grads, this.#layout.moments, this.#report, this.#kl, this.#adamSize, this.#adamStep, this.#elboStep];
    for (const b of own) this.#kit.release(b);
  }

  /** The dispatches of a step on `n` rows (made once per batch size), on buffers of the largest batch yet. */
  #planFor(n: number): StepPlan {
    const grow = (rows: number): { acts: number; deltas: number } => {
      this.#regions = layoutRegions(rows, this.#enc, this.#k, this.#dec);
      return this.#regions;
    };
    return this.#buffers.planFor(n, grow, (rows) => this.#makePlan(rows));
  }

  #makePlan(n: number): StepPlan {
    const kit = this.#kit;
    const spec = this.#spec;
    const r = this.#regions!;
    const [enc, dec, k] = [this.#enc, this.#dec, this.#k];
    const [acts, deltas, weights, grads] = [this.#buffers.acts, this.#buffers.deltas, this.#layout.weights, this.#grads];
    const B = spec.encoder.length;
    const D = spec.decoder.length;
    const wOff = this.#layerOffsets;
    const [wM, wV] = [wOff[B]!, wOff[B + 1]!];
    const wDec = (l: number): number => wOff[B + 1 + l]!;
    const uniforms: GpuBuffer[] = [];
    const out: Dispatch[] = [];
    const forward = (act: FusedActivation | 'clamp', din: number, dout: number, from: number, w: number, to: number, p = 0): void => {
      out.push(kit.product('forward', act, [n, dout, din, from, din, 1, w, dout, 1, to, w + din * dout, 0, p, 0], [acts, weights], uniforms));
    };
    // [∂W; ∂b] = [Aᵀ; 1ᵀ]·Δ
    const backWeights = (din: number, dout: number, from: number, delta: number, w: number): void => {
      out.push(kit.product('backWeights', 'linear', [din + 1, dout, n, from, 1, din, delta, dout, 1, w, 0, 1, 0, 0], [acts, deltas, grads], uniforms));
    };
    // Δ_in = (Δ·Wᵀ + acc·Δ_in) ⊙ act'(A_in)
    const backData = (act: FusedActivation, din: number, dout: number, delta: number, w: number, to: number, at: number, acc = 0): void => {
      out.push(kit.product('backData', act, [n, din, dout, delta, dout, 1, w, 1, dout, to, at, 0, 0, acc], [deltas, weights, acts], uniforms));
    };
    for (let l = 1; l <= B; l++) forward(spec.encoder[l - 1]!.activation, enc[l - 1]!, enc[l]!, r.a[l - 1]!, wOff[l - 1]!, r.a[l]!);
    const h = enc[B]!;
    forward('linear', h, k, r.a[B]!, wM, r.m);
    const limit = spec.logVarLimit;
    forward(limit === null ? 'linear' : 'clamp', h, k, r.a[B]!, wV, r.v, limit ?? 0);
    const c = spec.labels;
    out.push(kit.elementwise('reparameterize', reparameterizeShader, [n, k, c, enc[0]!, r.m, r.v, r.e, r.a[0]!, r.g[0]!], new Set(), [acts], n * (k + c), ELEMENTWISE_THREADS, uniforms));
    for (let l = 1; l <= D; l++) forward(spec.decoder[l - 1]!.activation, dec[l - 1]!, dec[l]!, r.g[l - 1]!, wDec(l), r.g[l]!);
    const outAct = spec.decoder[D - 1]!.activation;
    const d = dec[D]!;
    const elbo = kit.pipeline(`elbo:${spec.likelihood}:${outAct}`, () => elboShader(spec.likelihood, outAct));
    const recConst = spec.likelihood === 'gaussian' ? HALF_LOG_2PI * d : 0;
    const lu = kit.uniform([n * d, r.g[D]!, r.t, r.dg[D]!, 1 / n, n, k, r.m, r.v, spec.freeBits, recConst], new Set([4, 9, 10]));
    uniforms.push(lu);
    out.push({ pipeline: elbo, group: kit.group(elbo, [lu, this.#elboStep, acts, deltas, this.#kl, this.#report]), x: 1, y: 1 });
    for (let l = D; l >= 1; l--) {
      backWeights(dec[l - 1]!, dec[l]!, r.g[l - 1]!, r.dg[l]!, wDec(l));
      // Down to the decoder's input [z, y] (no activation there).
      backData(l > 1 ? spec.decoder[l - 2]!.activation : 'linear', dec[l - 1]!, dec[l]!, r.dg[l]!, wDec(l), r.dg[l - 1]!, r.g[l - 1]!);
    }
    const backward = [n, k, k + c, r.m, r.v, r.e, r.dg[0]!, r.dm, r.dr, limit ?? 0];
    out.push(kit.elementwise('reparameterize-backward', reparameterizeBackwardShader, backward, new Set([9]), [acts, deltas, this.#kl], n * k, ELEMENTWISE_THREADS, uniforms));
    backWeights(h, k, r.a[B]!, r.dm, wM);
    backWeights(h, k, r.a[B]!, r.dr, wV);
    if (B > 0) {
      // Δ_B = (Δμ·W_μᵀ + Δr·W_vᵀ) ⊙ act'(A_B), in two products (the second adds to the first).
      backData('linear', h, k, r.dm, wM, r.da[B]!, r.a[B]!);
      backData(spec.encoder[B - 1]!.activation, h, k, r.dr, wV, r.da[B]!, r.a[B]!, 1);
    }
    for (let l = B; l >= 1; l--) {
      backWeights(enc[l - 1]!, enc[l]!, r.a[l - 1]!, r.da[l]!, wOff[l - 1]!);
      if (l > 1) backData(spec.encoder[l - 2]!.activation, enc[l - 1]!, enc[l]!, r.da[l]!, wOff[l - 1]!, r.da[l - 1]!, r.a[l - 1]!);
    }
    out.push(adamDispatch(kit, this.#layout, this.#adamSize, this.#adamStep, grads, this.#report));
    return { dispatches: out, uniforms };
  }
}

/** Where each region of `cap` rows lies in the activations and deltas buffers. */
function layoutRegions(cap: number, enc: readonly number[], k: number, dec: readonly number[]): Regions {
  let acts = 0;
  const take = (width: number): number => {
    const at = acts;
    acts += cap * width;
    return at;
  };
  const a = enc.map(take);
  const [m, v, e] = [take(k), take(k), take(k)];
  const g = dec.map(take);
  const t = take(dec[dec.length - 1]!);
  let deltas = 0;
  const takeDelta = (width: number): number => {
    const at = deltas;
    deltas += cap * width;
    return at;
  };
  const da = enc.map((w, l) => (l === 0 ? 0 : takeDelta(w)));
  const [dm, dr] = [takeDelta(k), takeDelta(k)];
  const dg = dec.map(takeDelta);
  return { acts, deltas, a, m, v, e, g, t, da, dm, dr, dg };
}
