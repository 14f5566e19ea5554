/**
 * Rebuilding a corruptor from its (possibly untrusted) config.
 * @module
 */
import { fail, typeFail } from '../core/index.js';
import { composeFromParts, MAX_COMPOSED } from './compose.js';
import { gaussianFromConfig } from './gaussian.js';
import { parseGaussian, parseMasking, parseSaltAndPepper, readObject } from './internal.js';
import { maskingFromConfig, saltAndPepperFromConfig } from './masking.js';
import type { Corruptor } from './types.js';

/** Deepest nesting of compositions accepted from a config. @internal */
const MAX_DEPTH = 8;
const KINDS = ['gaussian', 'masking', 'salt-and-pepper', 'compose'] as const;
const FN = 'corruptorFromConfig';

function build(value: unknown, path: string, depth: number): Corruptor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    typeFail(FN, path, `a corruptor config object { kind: ${KINDS.map((k) => `'${k}'`).join(' | ')}, ... }`, value);
  }
  const kind = Object.hasOwn(value, 'kind') ? (value as { kind?: unknown }).kind : undefined;
  switch (kind) {
    case 'gaussian':
      return gaussianFromConfig(parseGaussian(value, FN, path, true));
    case 'masking':
      return maskingFromConfig(parseMasking(value, FN, path, true));
    case 'salt-and-pepper':
      return saltAndPepperFromConfig(parseSaltAndPepper(value, FN, path, true));
    case 'compose': {
      if (depth >= MAX_DEPTH) fail(FN, path, `a composition nested at most ${MAX_DEPTH} levels deep`, value);
      const o = readObject(value, ['kind', 'corruptors'], FN, path, '{ kind: \'compose\', corruptors }');
      const list = o['corruptors'];
      if (!Array.isArray(list)) typeFail(FN, `${path}.corruptors`, 'an array of corruptor configs', list);
      if (list.length === 0 || list.length > MAX_COMPOSED) fail(FN, `${path}.corruptors`, `between 1 and ${MAX_COMPOSED} configs`, list);
      return composeFromParts(list.map((c, i) => build(c, `${path}.corruptors[${i}]`, depth + 1)));
    }
    default:
      return fail(FN, `${path}.kind`, `one of ${KINDS.map((k) => `'${k}'`).join(', ')}`, kind);
  }
}

/**
 * Rebuilds a corruptor from its `config` (for example one read back from a saved model file):
 * `corruptorFromConfig(c.config)` behaves like `c` (same seed, same output).
 *
 * The config is validated as untrusted input: it must be a plain object with a known `kind` and
 * exactly the fields of that kind, with values in range (the same rules as the factories);
 * compositions may hold 1 to 64 parts and nest at most 8 deep. The returned corruptor's config is
 * a new frozen copy; the argument is not kept.
 *
 * @param config - a {@link CorruptorConfig}-shaped value (typed `unknown`: it is checked).
 * @returns a new {@link Corruptor}.
 * @throws TypeError for a value of the wrong type; Error naming the field path (e.g.
 *   `config.corruptors[1].rate`) and the value for an unknown kind, an unknown field or a value
 *   out of range.
 * @category Noise
 * @example
 * ```ts
 * const saved = JSON.stringify(maskingNoise({ rate: 0.3 }).config); // '{"kind":"masking","rate":0.3}'
 * const corrupt = corruptorFromConfig(JSON.parse(saved));
 * corrupt.config; //=> { kind: 'masking', rate: 0.3 }
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function corruptorFromConfig(config: unknown): Corruptor {
  return build(config, 'config', 0);
}
