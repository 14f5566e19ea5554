/**
 * The state of a VQ-VAE's codebook — the code vectors, the EMA statistics and the usage tracker of
 * the dead-code restarts — with the checks of the options that shape it. Internal to
 * {@link VQVAE} and to saving/loading.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertOneOf, deriveSeed, fail, rejectUnknownKeys } from '../core/index.js';
import { emaStep } from '../nn/vector-quantizer.js';

/**
 * The EMA codebook update of a {@link VQVAE} (Razavi et al. 2019): the codes follow exponential
 * moving averages of the encoder outputs assigned to them, with decay `γ`, instead of being trained
 * by the codebook loss.
 * @category Models
 * @example
 * ```ts
 * const ema: VqEma = { decay: 0.99 };
 * ```
 */
export interface VqEma {
  /** `γ` in (0, 1); Sonnet and Razavi et al. use 0.99. */
  readonly decay: number;
}

/**
 * What a {@link VQVAE} does with dead codes, the codes that (almost) no encoder output picks:
 * - `{ kind: 'restart', threshold }` (default, threshold 0.05): after each training step, a code
 *   whose usage share — an exponential moving average (decay 0.9 per step) of the fraction of the
 *   batch's vectors assigned to it — falls below `threshold / codebookSize` is moved onto a random
 *   encoder output of the batch (and its usage reset to `1 / codebookSize`);
 * - `{ kind: 'keep' }`: codes are never moved (the original VQ-VAE).
 * @category Models
 * @example
 * ```ts
 * const deadCodes: DeadCodes = { kind: 'restart', threshold: 0.1 };
 * ```
 */
export type DeadCodes = { readonly kind: 'restart'; readonly threshold?: number } | { readonly kind: 'keep' };

/** Decay per step of the usage shares that find dead codes. @internal */
export const USAGE_DECAY = 0.9;

/** Default {@link DeadCodes} threshold. @internal */
export const DEFAULT_DEAD_THRESHOLD = 0.05;

/** Checked EMA option, or null. @internal */
export function checkEma(value: unknown, fn: string): VqEma | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) fail(fn, 'ema', '{ decay } with decay in (0, 1)', value);
  rejectUnknownKeys(value, ['decay'], fn, 'ema');
  const decay = (value as { decay?: unknown }).decay;
  assertNumber(decay, fn, 'ema.decay', { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  return { decay };
}

/** Checked dead-code option with its threshold filled in. @internal */
export function checkDeadCodes(value: unknown, fn: string): { readonly kind: 'restart'; readonly threshold: number } | { readonly kind: 'keep' } {
  if (value === undefined) return { kind: 'restart', threshold: DEFAULT_DEAD_THRESHOLD };
  const expected = "{ kind: 'restart', threshold? } or { kind: 'keep' }";
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(fn, 'deadCodes', expected, value);
  const kind = (value as { kind?: unknown }).kind;
  assertOneOf(kind, ['restart', 'keep'] as const, fn, 'deadCodes.kind');
  if (kind === 'keep') {
    rejectUnknownKeys(value, ['kind'], fn, 'deadCodes');
    return { kind };
  }
  rejectUnknownKeys(value, ['kind', 'threshold'], fn, 'deadCodes');
  const threshold = (value as { threshold?: unknown }).threshold ?? DEFAULT_DEAD_THRESHOLD;
  assertNumber(threshold, fn, 'deadCodes.threshold', { min: 0, max: 1, minExclusive: true });
  return { kind, threshold };
}

/** The variables of a codebook, by the name they are saved under (`codebook/<name>`). @internal */
export type CodebookVariables = { embeddings: tf.Variable; counts?: tf.Variable; sums?: tf.Variable; usage?: tf.Variable };

/**
 * The codebook `[K, d]` and its statistics, all `tf.Variable`s the model owns.
 * @internal
 */
export class Codebook {
  readonly embeddings: tf.Variable<tf.Rank.R2>;
  readonly #counts: tf.Variable<tf.Rank.R1> | null;
  readonly #sums: tf.Variable<tf.Rank.R2> | null;
  readonly #usage: tf.Variable<tf.Rank.R1> | null;

  constructor(
    readonly size: number,
    readonly dim: number,
    readonly ema: VqEma | null,
    readonly deadThreshold: number | null,
    seed: number,
  ) {
    // U(−1/K, 1/K), the initialisation of the reference implementations. Each code starts as if
    // one vector equal to it had been assigned (Nₖ = 1, mₖ = eₖ). tf.variable keeps the tensor's
    // data; tf.tidy frees the tensor objects.
    let made: { embeddings: tf.Variable<tf.Rank.R2>; counts: tf.Variable<tf.Rank.R1> | null; sums: tf.Variable<tf.Rank.R2> | null; usage: tf.Variable<tf.Rank.R1> | null } | undefined;
    tf.tidy(() => {
      const init = tf.randomUniform([size, dim], -1 / size, 1 / size, 'float32', seed) as tf.Tensor2D;
      made = {
        embeddings: tf.variable(init, ema === null),
        counts: ema === null ? null : tf.variable(tf.ones([size]) as tf.Tensor1D, false),
        sums: ema === null ? null : tf.variable(tf.clone(init), false),
        usage: deadThreshold === null ? null : tf.variable(tf.fill([size], 1 / size) as tf.Tensor1D, false),
      };
    });
    this.embeddings = made!.embeddings;
    this.#counts = made!.counts;
    this.#sums = made!.sums;
    this.#usage = made!.usage;
  }

  /** The variables, by saved name. */
  variables(): CodebookVariables {
    const out: CodebookVariables = { embeddings: this.embeddings };
    if (this.#counts !== null) out.counts = this.#counts;
    if (this.#sums !== null) out.sums = this.#sums;
    if (this.#usage !== null) out.usage = this.#usage;
    return out;
  }

  /**
   * After a training step's forward pass: the EMA update (with `ema`) and the dead-code restarts
   * (with a threshold), from the one-hot assignments `[m, K]` and the detached encoder outputs
   * `[m, d]`. Call inside `tf.tidy`.
   */
  update(oneHot: tf.Tensor2D, z: tf.Tensor2D, seed: number): void {
    let codebook: tf.Tensor2D = this.embeddings;
    let counts: tf.Tensor1D | null = null;
    let sums: tf.Tensor2D | null = null;
    if (this.ema !== null) {
      const next = emaStep({ counts: this.#counts!, sums: this.#sums! }, oneHot, z, this.ema.decay);
      ({ codebook, counts, sums } = next);
    }
    if (this.deadThreshold !== null) {
      const m = z.shape[0];
      const share = tf.div(tf.sum(oneHot, 0), m);
      const usage = tf.add(tf.mul(this.#usage!, USAGE_DECAY), tf.mul(share, 1 - USAGE_DECAY)) as tf.Tensor1D;
      const dead = tf.less(usage, this.deadThreshold / this.size);
      const rows = tf.cast(tf.floor(tf.randomUniform([this.size], 0, m * (1 - 1e-7), 'float32', deriveSeed(seed, 1))), 'int32');
      const candidates = tf.gather(z, rows) as tf.Tensor2D;
      const deadRows = tf.expandDims(dead, 1);
      codebook = tf.where(deadRows, candidates, codebook);
      if (counts !== null) counts = tf.where(dead, tf.onesLike(counts), counts);
      if (sums !== null) sums = tf.where(deadRows, candidates, sums);
      this.#usage!.assign(tf.where(dead, tf.fill([this.size], 1 / this.size), usage) as tf.Tensor1D);
    }
    if (codebook !== this.embeddings) this.embeddings.assign(codebook);
    if (counts !== null) this.#counts!.assign(counts);
    if (sums !== null) this.#sums!.assign(sums);
  }

  dispose(): void {
    for (const v of Object.values(this.variables())) v.dispose();
  }
}
