// The mass-decorrelation check of Farina, Nakai & Shih (arXiv:1808.08992): does the
// reconstruction error of background (QCD) jets depend on the jet mass, and does a cut on it
// sculpt the background's mass distribution? A bump hunt in the jet mass after an anomaly cut
// needs a smooth background: a cut that keeps mostly heavy QCD jets would make a bump of its own.
// Pure functions on plain arrays; tests/anomaly/jets-metrics.test.ts checks them against NumPy.

/**
 * Counts of `values` in the bins `[edges[i], edges[i+1])`, the last bin closed on the right, as
 * `numpy.histogram(values, bins=edges)`; values outside `[edges[0], edges[last]]` are not counted.
 * `edges` must increase strictly and have at least two entries.
 */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): Float64Array {
  checkEdges(edges, 'histogram');
  const counts = new Float64Array(edges.length - 1);
  for (let i = 0; i < values.length; i++) {
    const b = binOf(values[i]!, edges);
    if (b >= 0) counts[b]!++;
  }
  return counts;
}

/**
 * For each bin of `x` (bins as in {@link histogram}), the quantiles `qs` of the `y` of the samples
 * in it, with NumPy's default linear interpolation: for sorted `y₍₀₎ ≤ … ≤ y₍ₘ₋₁₎` and
 * `h = (m − 1)·q`, `y₍⌊h⌋₎ + (h − ⌊h⌋)·(y₍⌊h⌋+1₎ − y₍⌊h⌋₎)`. Returns one row per bin; an empty bin
 * gives a row of NaN (drawn as a gap).
 */
export function binnedQuantiles(x: ArrayLike<number>, y: ArrayLike<number>, edges: readonly number[], qs: readonly number[]): Float64Array[] {
  checkEdges(edges, 'binnedQuantiles');
  if (x.length !== y.length) throw new Error(`binnedQuantiles: arguments 'x' and 'y' must have the same length, got ${x.length} and ${y.length}`);
  for (const q of qs) if (!(q >= 0 && q <= 1)) throw new Error(`binnedQuantiles: argument 'qs' must hold numbers in [0, 1], got ${q}`);
  const bins: number[][] = Array.from({ length: edges.length - 1 }, () => []);
  for (let i = 0; i < x.length; i++) {
    const b = binOf(x[i]!, edges);
    if (b >= 0) bins[b]!.push(y[i]!);
  }
  return bins.map((values) => {
    const sorted = Float64Array.from(values).sort();
    return Float64Array.from(qs, (q) => {
      if (sorted.length === 0) return NaN;
      const h = (sorted.length - 1) * q;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, sorted.length - 1);
      return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
    });
  });
}

function checkEdges(edges: readonly number[], fn: string): void {
  const ok = edges.length >= 2 && edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1]!));
  if (!ok) throw new Error(`${fn}: argument 'edges' must be at least two finite, strictly increasing numbers, got [${edges.join(', ')}]`);
}

/** Index of the bin of `v`, or −1 outside the edges (the last bin is closed). */
function binOf(v: number, edges: readonly number[]): number {
  const last = edges.length - 1;
  if (!(v >= edges[0]!) || v > edges[last]!) return -1;
  if (v === edges[last]) return last - 1;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]!) lo = mid;
    else hi = mid;
  }
  return lo;
}
