/**
 * Composition of corruptors.
 * @module
 */
import { deriveSeed, fail, typeFail } from '../core/index.js';
import { makeCorruptor } from './internal.js';
import type { ComposeCorruptorsConfig, Corruptor } from './types.js';

/** At most this many corruptors in one composition (a config may come from an untrusted file). @internal */
export const MAX_COMPOSED = 64;

/** Builds the composition of already-valid corruptors. @internal */
export function composeFromParts(parts: readonly Corruptor[]): Corruptor<ComposeCorruptorsConfig> {
  const config: ComposeCorruptorsConfig = Object.freeze({ kind: 'compose', corruptors: Object.freeze(parts.map((c) => c.config)) });
  return makeCorruptor(config, 'composeCorruptors', (x, seed) => {
    let y = x;
    parts.forEach((corrupt, i) => {
      y = corrupt(y, { seed: deriveSeed(seed, i + 1) });
    });
    return y;
  });
}

/**
 * Chains corruptors: `composeCorruptors(a, b)(x)` is `b(a(x))`, e.g. masking then Gaussian noise.
 * Corruptor `i` gets its own seed derived from the call's seed, so a seeded call is reproducible
 * and the parts draw independent noise. Intermediate tensors are freed (`tf.tidy`); the caller
 * owns the returned tensor.
 *
 * @param corruptors - one or more corruptors (at most 64), applied first to last.
 * @returns a {@link Corruptor} with `config` `{ kind: 'compose', corruptors: [configs…] }`.
 * @throws TypeError when an argument is not a corruptor built by this package (a function with a
 *   `config`); Error when none (or more than 64) is given.
 * @category Noise
 * @example
 * ```ts
 * const corrupt = composeCorruptors(maskingNoise({ rate: 0.2 }), gaussianNoise({ stddev: 0.1, clip: [0, 1] }));
 * const noisy = corrupt(images, { seed: 3 });
 * corrupt.config.corruptors.map((c) => c.kind); //=> ['masking', 'gaussian']
 * noisy.dispose();
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function composeCorruptors(...corruptors: Corruptor[]): Corruptor<ComposeCorruptorsConfig> {
  const fn = 'composeCorruptors';
  if (corruptors.length === 0 || corruptors.length > MAX_COMPOSED) {
    fail(fn, 'corruptors', `between 1 and ${MAX_COMPOSED} corruptors`, corruptors);
  }
  corruptors.forEach((c, i) => {
    const config = typeof c === 'function' ? (c as { config?: unknown }).config : undefined;
    if (typeof config !== 'object' || config === null || typeof (config as { kind?: unknown }).kind !== 'string') {
      typeFail(fn, `corruptors[${i}]`, 'a corruptor (from gaussianNoise, maskingNoise, saltAndPepperNoise, composeCorruptors or corruptorFromConfig)', c);
    }
  });
  return composeFromParts(corruptors);
}
