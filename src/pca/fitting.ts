/**
 * Fitting a {@link FittedState} from options and data: the choice of solver, incremental batches,
 * the per-feature variance and (for `mergeable`) the sufficient statistics, and streams of
 * blocks. Pure functions: each returns a new state or throws, never touching the previous one.
 * @internal
 */
import { assertFiniteHost, fail } from '../core/index.js';
import { readInput } from './io.js';
import type { PCAOptionsJSON } from './json.js';
import { columnStats } from './linalg/gram.js';
import { componentsSpec } from './options.js';
import { featureVarianceOf, mergeFeatureVariance, mergeStats, scatterOf, stateFromStats, statsOf, type SufficientStats } from './shards.js';
import { fitFull, fitRandomized, incrementalStep, type ComponentsSpec, type FittedState } from './solvers.js';

/** A full fit of `n × d` host data (not modified) with the configured solver. @internal */
export function fitState(opts: PCAOptionsJSON, data: Float64Array, n: number, d: number, fn: string): FittedState {
  if (n < 2) throw new Error(`${fn}: argument 'x' must be a matrix with at least 2 samples (rows), got ${n}`);
  const m = Math.min(n, d);
  const spec = componentsSpec(opts.nComponents);
  if (spec.kind === 'count' && spec.k > m) {
    throw new Error(`${fn}: option 'nComponents' (${spec.k}) must be at most min(nSamples, nFeatures) = min(${n}, ${d}) = ${m}`);
  }
  if (spec.kind === 'mle' && n < d) {
    throw new Error(`${fn}: option nComponents 'mle' needs at least as many samples as features, got ${n} samples of ${d} features`);
  }
  let solver = opts.solver;
  if (solver === 'auto') {
    solver = spec.kind !== 'count' || Math.max(n, d) <= 500 || spec.k >= 0.8 * m ? 'full' : 'randomized';
  }
  // One pass gives the column statistics and tells whether the data is finite; only then is
  // the first NaN/Infinity looked for, to name it.
  const stats = columnStats(data, n, d);
  if (!stats.finite) {
    assertFiniteHost(data, d, fn, 'x');
    throw new Error(`${fn}: argument 'x' holds values too large: the column sums overflow to Infinity`);
  }
  let state: FittedState;
  if (solver === 'full') {
    state = fitFull(data, n, d, stats, spec);
  } else if (solver === 'randomized') {
    if (spec.kind !== 'count') fail(fn, 'options.nComponents', "an integer with solver 'randomized'", opts.nComponents);
    state = fitRandomized(data, n, d, stats, spec.k, { nOversamples: opts.nOversamples, nIter: opts.nIter, seed: opts.seed });
  } else {
    state = fitIncremental(opts, data, n, d, spec, fn);
  }
  return withStatistics(opts, state, data, n, d);
}

/**
 * Adds, when `mergeable`, the scatter matrix of the data (and the per-feature variance it
 * implies; incremental fits carry theirs already, as scikit-learn's `var_`).
 */
function withStatistics(opts: PCAOptionsJSON, state: FittedState, data: Float64Array, n: number, d: number): FittedState {
  if (!opts.mergeable) return state;
  const featureVariance = state.featureVariance ?? featureVarianceOf(data, n, d, state.mean);
  return { ...state, featureVariance, scatter: scatterOf(data, n, d, state.mean) };
}

function fitIncremental(opts: PCAOptionsJSON, data: Float64Array, n: number, d: number, spec: ComponentsSpec, fn: string): FittedState {
  if (spec.kind === 'fraction' || spec.kind === 'mle') fail(fn, 'options.nComponents', "an integer with solver 'incremental'", opts.nComponents);
  const batch = opts.batchSize ?? 5 * d;
  const minBatch = spec.kind === 'count' ? spec.k : 0;
  if (batch < Math.max(2, minBatch)) {
    throw new Error(`${fn}: option 'batchSize' (${batch}) must be at least max(2, nComponents) = ${Math.max(2, minBatch)}`);
  }
  // Batches of `batch` rows; a last batch shorter than nComponents joins the one before.
  const bounds: number[] = [0];
  let start = 0;
  while (start + batch <= n && start + batch + minBatch <= n) {
    start += batch;
    bounds.push(start);
  }
  if (start < n) bounds.push(n);
  let state: FittedState | null = null;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i]!;
    const b = bounds[i + 1]!;
    state = incrementalState(state, data.subarray(a * d, b * d), b - a, d, spec, fn);
  }
  if (state === null) throw new Error(`${fn}: no batch to fit`);
  return state;
}

/** One incremental step, with the per-feature variance carried along (Chan's update). */
function incrementalState(prev: FittedState | null, data: Float64Array, b: number, d: number, spec: ComponentsSpec, fn: string): FittedState {
  let k: number;
  if (prev === null) {
    if (b < 2) throw new Error(`${fn}: argument 'x' must hold at least 2 samples (rows) in the first batch, got ${b}`);
    if (spec.kind === 'fraction' || spec.kind === 'mle') {
      fail(fn, 'options.nComponents', "an integer for incremental fitting (or set 'mergeable')", spec.kind === 'mle' ? 'mle' : spec.fraction);
    }
    k = spec.kind === 'count' ? spec.k : Math.min(b, d);
    if (k > d) throw new Error(`${fn}: option 'nComponents' (${k}) must be at most nFeatures = ${d}`);
    if (k > b) throw new Error(`${fn}: the first batch has ${b} samples, fewer than nComponents = ${k}; give it at least ${k} rows`);
  } else {
    k = prev.nComponents;
  }
  const next = incrementalStep(prev, data, b, d, k);
  const batchMean = columnStats(data, b, d).mean;
  const batchVar = featureVarianceOf(data, b, d, batchMean);
  if (prev === null) return { ...next, featureVariance: batchVar };
  if (prev.featureVariance === undefined) return next;
  return { ...next, featureVariance: mergeFeatureVariance(prev.nSamplesSeen, prev.mean, prev.featureVariance, b, batchMean, batchVar) };
}

/** The statistics of one block of rows. */
function blockStats(data: Float64Array, n: number, d: number): SufficientStats {
  const mean = columnStats(data, n, d).mean;
  return { n, d, mean, scatter: scatterOf(data, n, d, mean) };
}

/**
 * `partialFit`: one more batch. Mergeable models update their statistics and refit exactly
 * from them; the others take an incremental step. @internal
 */
export function partialState(opts: PCAOptionsJSON, prev: FittedState | null, data: Float64Array, n: number, d: number, fn: string): FittedState {
  const spec = componentsSpec(opts.nComponents);
  const prevStats = prev === null ? null : statsOf(prev);
  if (opts.mergeable && (prev === null || prevStats !== null)) {
    const block = blockStats(data, n, d);
    return stateFromStats(prevStats === null ? block : mergeStats(prevStats, block), spec, fn);
  }
  return incrementalState(prev, data, n, d, spec, fn);
}

/** A block of a stream read into float64, its features checked against the first block's. */
function readBlock(block: unknown, index: number, d: number | null, fn: string): { data: Float64Array; n: number; d: number } {
  const arg = `blocks[${index}]`;
  const { data, n, d: cols } = readInput(block, fn, arg);
  if (d !== null && cols !== d) throw new Error(`${fn}: argument '${arg}' must have ${d} features (columns) as the first block, got ${cols}`);
  return { data, n, d: cols };
}

/**
 * `fitStream`: a fresh fit from an (async) iterable of row blocks. Mergeable: the statistics of
 * all blocks (Chan's update), then the exact PCA; otherwise incremental steps, the first
 * blocks gathered until they hold `max(2, nComponents)` rows. @internal
 */
export async function streamState(
  opts: PCAOptionsJSON, blocks: AsyncIterable<unknown> | Iterable<unknown>, fn: string,
): Promise<FittedState> {
  const spec = componentsSpec(opts.nComponents);
  let d: number | null = null;
  let index = 0;
  let stats: SufficientStats | null = null;
  let state: FittedState | null = null;
  let pending: Float64Array[] = [];
  let pendingRows = 0;
  const needFirst = Math.max(2, spec.kind === 'count' ? spec.k : 2);
  const flush = (): void => {
    const data = new Float64Array(pendingRows * d!);
    let o = 0;
    for (const p of pending) {
      data.set(p, o);
      o += p.length;
    }
    state = incrementalState(state, data, pendingRows, d!, spec, fn);
    pending = [];
    pendingRows = 0;
  };
  for await (const block of blocks as AsyncIterable<unknown>) {
    const b = readBlock(block, index++, d, fn);
    d = b.d;
    if (opts.mergeable) {
      const s = blockStats(b.data, b.n, b.d);
      stats = stats === null ? s : mergeStats(stats, s);
      continue;
    }
    pending.push(b.data);
    pendingRows += b.n;
    if (state !== null || pendingRows >= needFirst) flush();
  }
  if (index === 0) throw new Error(`${fn}: argument 'blocks' yielded no block of rows`);
  if (opts.mergeable) return stateFromStats(stats!, spec, fn);
  if (pendingRows > 0) flush();
  return state!;
}
