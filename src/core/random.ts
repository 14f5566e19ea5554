/**
 * Seeded randomness. Every random choice in the package takes an explicit seed; these
 * helpers turn one user seed into independent integer seeds for tfjs ops and a
 * JavaScript generator for shuffling.
 */

/** Mixes integers into a new 31-bit seed (a small, fast hash; not cryptographic). @internal */
export function deriveSeed(seed: number, ...salt: number[]): number {
  let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  for (const s of salt) {
    h = Math.imul(h ^ (Math.floor(s) >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h & 0x7fffffff;
}

/**
 * A seeded uniform generator on [0, 1) (mulberry32: 32-bit state, period 2^32).
 * @internal
 */
export function createRng(seed: number): () => number {
  let a = deriveSeed(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher–Yates permutation of 0..n-1 drawn from `rng`. @internal */
export function permutation(n: number, rng: () => number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** A fresh seed for callers that gave none (so that unseeded calls differ). @internal */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
