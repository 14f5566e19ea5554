// The discretised MIG (mutual information gap) of the disentanglement example: Chen et al. 2018,
// §4.1, in the histogram form of Locatello et al. 2019. Checked against scikit-learn's
// mutual_info_score and scipy's entropy by tests/examples/mig.test.ts
// (fixture from tests/fixtures/make-mig-fixtures.py).

/** Equal-width bin indices of `values` into `bins` bins over their range. */
export function discretise(values: ArrayLike<number>, bins: number): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) [lo, hi] = [Math.min(lo, values[i]!), Math.max(hi, values[i]!)];
  const width = (hi - lo) / bins || 1;
  return Array.from(values, (v) => Math.min(bins - 1, Math.floor((v - lo) / width)));
}

/** Empirical mutual information (nats) of two discrete sequences. */
export function mutualInformation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const joint = new Map<string, number>();
  const pa = new Map<number, number>();
  const pb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    joint.set(`${a[i]},${b[i]}`, (joint.get(`${a[i]},${b[i]}`) ?? 0) + 1);
    pa.set(a[i]!, (pa.get(a[i]!) ?? 0) + 1);
    pb.set(b[i]!, (pb.get(b[i]!) ?? 0) + 1);
  }
  let mi = 0;
  for (const [key, count] of joint) {
    const [i, j] = key.split(',').map(Number) as [number, number];
    mi += (count / n) * Math.log((count * n) / (pa.get(i)! * pb.get(j)!));
  }
  return mi;
}

/** The discretised MIG of the codes `[n, latent]` (row-major) on the factors (each of length n). */
export function mig(codes: ArrayLike<number>, latent: number, factors: readonly (readonly number[])[]): number {
  const n = factors[0]!.length;
  const latents = Array.from({ length: latent }, (_, j) => discretise(Array.from({ length: n }, (_, i) => codes[i * latent + j]!), 20));
  let total = 0;
  for (const factor of factors) {
    const v = discretise(factor, 10);
    const entropy = mutualInformation(v, v);
    const mis = latents.map((z) => mutualInformation(z, v)).sort((p, q) => q - p);
    total += (mis[0]! - mis[1]!) / entropy;
  }
  return total / factors.length;
}

