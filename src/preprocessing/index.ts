/**
 * Preparing data for the models: per-feature scaling and sliding windows over time series.
 * @module
 */
export { Scaler } from './scaler.js';
export type { ScalerKind, ScalerOptions, ScalerJSON } from './scaler.js';
export { slidingWindows, windowScoresToPoints } from './windows.js';
export type { SeriesInput, SlidingWindowOptions, WindowScoreOptions } from './windows.js';
