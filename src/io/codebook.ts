/**
 * The codebook part of a saved VQ-VAE: which `codebook/…` weights its configuration implies, checked
 * against the weights manifest before anything is built.
 * @internal
 */
import { formatShape } from '../core/index.js';
import { type JsonObject, bad, integer, isObject, own } from './json.js';
import type { WeightSpec } from './weights.js';

/** The weights of a VQ-VAE's codebook are named `codebook/<name>`. @internal */
export const CODEBOOK = 'codebook';

/**
 * The codebook weights a VQ-VAE document describes — `embeddings` `[K, d]` (trainable unless EMA),
 * with EMA `counts` `[K]` and `sums` `[K, d]`, with restarts `usage` `[K]` — checked against the
 * manifest. The values of the options are checked again by the VQVAE constructor on load.
 * @internal
 */
export function checkCodebookSpecs(config: JsonObject, specs: ReadonlyMap<string, WeightSpec>, accounted: Set<string>, trainableShapes: number[][], fn: string): void {
  const at = 'modelTopology.config';
  const k = integer(own(config, 'codebookSize'), fn, `${at}.codebookSize`, 1, 2 ** 24);
  const d = integer(own(config, 'codeDim'), fn, `${at}.codeDim`, 1, 2 ** 24);
  const ema = own(config, 'ema');
  if (ema !== null && !isObject(ema)) bad(fn, `${at}.ema`, '{ decay } or null', ema);
  const dead = own(config, 'deadCodes');
  if (!isObject(dead)) bad(fn, `${at}.deadCodes`, "{ kind: 'restart', threshold } or { kind: 'keep' }", dead);
  const deadKind = own(dead, 'kind');
  if (deadKind !== 'restart' && deadKind !== 'keep') bad(fn, `${at}.deadCodes.kind`, "'restart' or 'keep'", deadKind);
  const expected: [string, number[]][] = [['embeddings', [k, d]]];
  if (ema !== null) expected.push(['counts', [k]], ['sums', [k, d]]);
  if (deadKind === 'restart') expected.push(['usage', [k]]);
  for (const [short, shape] of expected) {
    const name = `${CODEBOOK}/${short}`;
    const spec = specs.get(name);
    if (spec === undefined) throw new Error(`${fn}: the weights manifest lacks '${name}', a weight of the codebook`);
    if (spec.dtype !== 'float32' || formatShape(spec.shape) !== formatShape(shape)) {
      throw new Error(`${fn}: weight '${name}' must be float32 of shape ${formatShape(shape)}, got ${spec.dtype} of shape ${formatShape(spec.shape)}`);
    }
    accounted.add(name);
  }
  if (ema === null) trainableShapes.push([k, d]);
}
