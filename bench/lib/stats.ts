/** Small statistics and formatting helpers of the benchmark suite. */

/** The median of a non-empty list (the upper middle for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Seconds per epoch as the suite reports it: the median of epochs 2..N (the first epoch
 * compiles kernels and warms the JIT), or the only epoch when there is one.
 */
export function epochSeconds(perEpoch: readonly number[]): number {
  return perEpoch.length > 1 ? median(perEpoch.slice(1)) : (perEpoch[0] ?? Number.NaN);
}

/** Milliseconds since an arbitrary origin, monotonic. */
export function nowMs(): number {
  return performance.now();
}

/** CPU milliseconds of this process (user + system, all threads). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A number with `digits` significant digits, or '—' when it is not finite. */
export function fmt(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

/** A ratio as `12.3×`. */
export function ratio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

/** The largest `|a_i − b_i| / |b_i|` over the common length (0 for none). */
export function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return w;
}
