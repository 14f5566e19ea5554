/**
 * Reading and checking the options of {@link PCA}, and what they mean for the solvers.
 * @internal
 */
import { assertNumber, assertOneOf, fail, rejectUnknownKeys, typeFail } from '../core/index.js';
import type { PCAOptionsJSON } from './json.js';
import type { ComponentsSpec } from './solvers.js';

const OPTION_KEYS = ['nComponents', 'solver', 'whiten', 'seed', 'nOversamples', 'nIter', 'batchSize', 'mergeable'] as const;

/** The checked options with their defaults, as stored in a document. @internal */
export function normalizeOptions(options: unknown, fn = 'new PCA'): PCAOptionsJSON {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) typeFail(fn, 'options', 'an object', options);
  const o = options as Record<string, unknown>;
  rejectUnknownKeys(o, OPTION_KEYS, fn, 'options');
  const nComponents = o['nComponents'];
  if (nComponents !== undefined && nComponents !== null && nComponents !== 'mle') {
    if (typeof nComponents === 'string') fail(fn, 'options.nComponents', "a number or 'mle'", nComponents);
    assertNumber(nComponents, fn, 'options.nComponents', { min: 0, minExclusive: true });
    if (nComponents > 1 && !Number.isInteger(nComponents)) {
      fail(fn, 'options.nComponents', "an integer >= 1, a fraction in (0, 1) or 'mle'", nComponents);
    }
  }
  const solver = o['solver'] ?? 'auto';
  assertOneOf(solver, ['auto', 'full', 'randomized', 'incremental'] as const, fn, 'options.solver');
  const whiten = o['whiten'] ?? false;
  if (typeof whiten !== 'boolean') typeFail(fn, 'options.whiten', 'a boolean', whiten);
  const seed = o['seed'] ?? 0;
  assertNumber(seed, fn, 'options.seed', { integer: true });
  const nOversamples = o['nOversamples'] ?? 10;
  assertNumber(nOversamples, fn, 'options.nOversamples', { min: 0, integer: true });
  const nIter = o['nIter'] ?? 'auto';
  if (nIter !== 'auto') assertNumber(nIter, fn, 'options.nIter', { min: 0, max: 1000, integer: true });
  const batchSize = o['batchSize'] ?? null;
  if (batchSize !== null) assertNumber(batchSize, fn, 'options.batchSize', { min: 1, integer: true });
  const mergeable = o['mergeable'] ?? false;
  if (typeof mergeable !== 'boolean') typeFail(fn, 'options.mergeable', 'a boolean', mergeable);
  if ((nComponents === 'mle' || (typeof nComponents === 'number' && nComponents < 1)) && (solver === 'randomized' || solver === 'incremental')) {
    fail(fn, 'options.nComponents', `an integer with solver '${solver}' (${nComponents === 'mle' ? "'mle'" : 'a fraction'} needs the exact solver)`, nComponents);
  }
  return {
    nComponents: typeof nComponents === 'number' || nComponents === 'mle' ? nComponents : null,
    solver,
    whiten,
    seed,
    nOversamples,
    nIter,
    batchSize: batchSize as number | null,
    mergeable,
  };
}

/** How many components the options ask for. @internal */
export function componentsSpec(n: PCAOptionsJSON['nComponents']): ComponentsSpec {
  if (n === null) return { kind: 'all' };
  if (n === 'mle') return { kind: 'mle' };
  return n < 1 ? { kind: 'fraction', fraction: n } : { kind: 'count', k: n };
}

/** The options a constructor takes back from their stored form (`null` = left to the default). @internal */
export function optionsFromJSON(options: PCAOptionsJSON): Record<string, unknown> {
  return {
    ...(options.nComponents === null ? {} : { nComponents: options.nComponents }),
    solver: options.solver,
    whiten: options.whiten,
    // A document may hold a fractional seed from before seeds had to be integers: the solver
    // always floored it, so its floor draws the same numbers.
    seed: Math.floor(options.seed),
    nOversamples: options.nOversamples,
    nIter: options.nIter,
    ...(options.batchSize === null ? {} : { batchSize: options.batchSize }),
    mergeable: options.mergeable,
  };
}
