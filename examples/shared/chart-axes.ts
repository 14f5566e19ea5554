// The axes of the charts of charts.ts: ranges (linear or logarithmic), round tick values and their
// labels, as the scale and axis of a Vega-Lite position channel.

/** One axis: its range, linear or logarithmic, and optionally its tick values and their format. */
export interface AxisOptions {
  /** Lower end; default: from the data. */
  readonly min?: number;
  /** Upper end; default: from the data. */
  readonly max?: number;
  /** A logarithmic axis of this base (2 or 10). Default: linear. */
  readonly log?: 2 | 10;
  /** Tick values; default: round numbers. */
  readonly ticks?: readonly number[];
  /** Tick label of a value. Default: as few digits as the ticks need. */
  readonly format?: (value: number) => string;
  /** Draw grid lines at the ticks. Default true. */
  readonly grid?: boolean;
}

/** Round tick values between `lo` and `hi`: steps of 1, 2 or 5 × 10ⁿ, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** Round values for a log axis from `lo` to `hi`: the coarsest of 1, 1-3, 1-2-5, … × baseⁿ that gives at least 3 ticks. */
export function logTicks(lo: number, hi: number, base: 2 | 10): number[] {
  const a = Math.floor(Math.log(lo) / Math.log(base) + 1e-9);
  const b = Math.ceil(Math.log(hi) / Math.log(base) - 1e-9);
  const within = (mantissas: readonly number[]): number[] => {
    const ticks: number[] = [];
    for (let e = a; e <= b; e++) {
      for (const m of mantissas) {
        const v = Number((m * base ** e).toPrecision(12));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
      }
    }
    return ticks;
  };
  const sets = base === 2 ? [[1], [1, 1.5]] : [[1], [1, 3], [1, 2, 5], [1, 2, 3, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
  let ticks: number[] = [];
  for (const set of sets) {
    ticks = within(set);
    if (ticks.length >= 3) break;
  }
  return ticks;
}

/** A short label for a number: up to 4 significant digits, no trailing zeros, exponent form when tiny or huge. */
export function formatNumber(value: number, digits = 4): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = value.toExponential(Math.max(0, digits - 2)).split('e');
    return `${String(Number(m))}e${Number(e)}`;
  }
  return String(Number(value.toPrecision(digits)));
}

/** Quotes a string for a Vega expression. */
const quote = (s: string): string => JSON.stringify(s);

/**
 * The Vega-Lite scale and axis of one position channel. `values` are the data on it (for the ticks a
 * `format` function labels); `zero` includes 0 in a default linear range.
 */
export function positionChannel(options: AxisOptions, title: string | undefined, values: readonly number[], zero = false): { scale: Record<string, unknown>; axis: Record<string, unknown> } {
  const log = options.log;
  const scale: Record<string, unknown> = log === undefined ? { type: 'linear', zero } : { type: 'log', base: log };
  const finite = values.filter((v) => Number.isFinite(v) && (log === undefined || v > 0));
  let lo = options.min ?? (finite.length > 0 ? Math.min(...finite) : log === undefined ? 0 : 1);
  let hi = options.max ?? (finite.length > 0 ? Math.max(...finite) : log === undefined ? 1 : 10);
  if (log !== undefined) {
    // A log axis: the data's range, a little wider (as a ratio), with round ticks inside it.
    if (!(hi > lo)) [lo, hi] = [lo / 2, hi * 2];
    const pad = (hi / lo) ** 0.05;
    if (options.min === undefined) lo /= pad;
    if (options.max === undefined) hi *= pad;
    scale['domain'] = [lo, hi];
    scale['nice'] = false;
  } else if (options.min !== undefined || options.max !== undefined) {
    scale['domain'] = [lo, hi];
    scale['nice'] = false;
  }
  const axis: Record<string, unknown> = { grid: options.grid ?? true, title: title ?? null };
  let ticks = options.ticks;
  if (ticks === undefined && log !== undefined) ticks = logTicks(lo, hi, log);
  if (ticks === undefined && options.format !== undefined) ticks = niceTicks(lo, hi);
  if (ticks !== undefined) axis['values'] = [...ticks];
  if (ticks !== undefined && (options.format !== undefined || log !== undefined)) {
    // Labels computed here and looked up by value (a Vega expression cannot call JavaScript).
    const format = options.format ?? ((v: number) => formatNumber(v));
    axis['labelExpr'] = ticks.reduceRight((rest, t) => `datum.value === ${t} ? ${quote(format(t))} : ${rest}`, 'datum.label');
  }
  return { scale, axis };
}

