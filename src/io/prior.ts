/**
 * The prior part of a saved VAE or CVAE: the (conditional) VampPrior's pseudo-inputs `prior/pseudoInputs`
 * `[K, ...inputShape]`, which its configuration implies, checked against the weights manifest
 * before anything is built (as ./codebook.ts does for a VQ-VAE's codebook).
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type JsonObject, bad, integer, isObject, onlyKeys, own } from './json.js';
import type { WeightSpec } from './weights.js';

/** The name of the VampPrior's pseudo-inputs among a saved VAE's or CVAE's weights. @internal */
export const PSEUDO_INPUTS = 'prior/pseudoInputs';

/**
 * Checks a VAE or CVAE document's optional `prior` field — absent or `{ kind: 'standard' }`, or
 * `{ kind: 'vamp', pseudoInputs: K }` with the float32 weight `prior/pseudoInputs`
 * `[K, ...inputShape]` (trainable, after the networks' weights) in the manifest.
 * @internal
 */
export function checkPriorSpecs(config: JsonObject, specs: ReadonlyMap<string, WeightSpec>, accounted: Set<string>, trainableShapes: number[][], fn: string): void {
  const at = 'modelTopology.config.prior';
  const prior = own(config, 'prior');
  if (prior === undefined) return;
  if (!isObject(prior)) bad(fn, at, "{ kind: 'standard' } or { kind: 'vamp', pseudoInputs }", prior);
  const kind = own(prior, 'kind');
  if (kind === 'standard') {
    onlyKeys(prior, ['kind'], fn, at);
    return;
  }
  if (kind !== 'vamp') bad(fn, `${at}.kind`, "'standard' or 'vamp'", kind);
  onlyKeys(prior, ['kind', 'pseudoInputs'], fn, at);
  const k = integer(own(prior, 'pseudoInputs'), fn, `${at}.pseudoInputs`, 1, 65536);
  const inputShape = own(config, 'inputShape');
  if (!Array.isArray(inputShape) || inputShape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    bad(fn, 'modelTopology.config.inputShape', 'an array of positive integers', inputShape);
  }
  const shape = [k, ...(inputShape as number[])];
  const spec = specs.get(PSEUDO_INPUTS);
  if (spec === undefined) throw new Error(`${fn}: the weights manifest lacks '${PSEUDO_INPUTS}', the VampPrior's pseudo-inputs`);
  if (spec.dtype !== 'float32' || formatShape(spec.shape) !== formatShape(shape)) {
    throw new Error(`${fn}: weight '${PSEUDO_INPUTS}' must be float32 of shape ${formatShape(shape)}, got ${spec.dtype} of shape ${formatShape(spec.shape)}`);
  }
  accounted.add(PSEUDO_INPUTS);
  trainableShapes.push(shape);
}
