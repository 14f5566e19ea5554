import { assertNumber, fail, rejectUnknownKeys, typeFail } from '../core/index.js';

/**
 * A KL schedule for variational models: the multiplier `ctx.klScale` that {@link train} passes to
 * `computeLoss` at each batch (the models multiply their KL weight β by it). Validation and
 * {@link evaluate} always use 1.
 *
 * - `{ kind: 'linear', epochs }`: `min(1, epoch / epochs)`, per epoch — 0 in epoch 0, 1 from
 *   epoch `epochs` on (Bowman et al. 2016's KL annealing; the same as `klWarmup: { epochs }`);
 * - `{ kind: 'cyclical', cycles, ratio }` (Fu et al. 2019, "Cyclical annealing schedule", eq. 6):
 *   with `u ∈ [0, 1)` the position in the whole run, `(epoch + batch / batchesPerEpoch) / epochs`
 *   (for streamed data, whose length is unknown, `epoch / epochs`: per epoch), and
 *   `τ = frac(u · cycles)`, the scale is `min(1, τ / ratio)`: it rises from 0 to 1 over the first
 *   `ratio` of each of the `cycles` cycles and stays at 1 for the rest;
 * - a function `(epoch, batch) => number`: called before every batch, its value (a finite
 *   number ≥ 0) is the scale.
 *
 * The schedule depends only on the epoch and batch indices (and the run's `epochs`), so resumed
 * runs (`initialEpoch`) reproduce it.
 *
 * @category Training
 * @example
 * ```ts
 * await train(vae, x, { epochs: 40, klSchedule: { kind: 'cyclical', cycles: 4, ratio: 0.5 } });
 * await train(vae, x, { epochs: 10, klSchedule: (epoch) => Math.min(1, 0.1 + epoch / 5) });
 * ```
 */
export type KlSchedule =
  | { readonly kind: 'linear'; readonly epochs: number }
  | { readonly kind: 'cyclical'; readonly cycles: number; readonly ratio: number }
  | ((epoch: number, batch: number) => number);

/**
 * The scale at batch `batch` of epoch `epoch`, given the run's number of epochs and, for
 * in-memory data, the number of batches per epoch. @internal
 */
export type KlScaleAt = (epoch: number, batch: number, batchesPerEpoch: number | undefined) => number;

/**
 * Checks `klSchedule` (and the older `klWarmup: { epochs }`, its linear special case; not both)
 * and returns the scale function, or undefined for none (scale 1). @internal
 */
export function resolveKlSchedule(klSchedule: unknown, klWarmup: unknown, totalEpochs: number, fn: string, arg: string): KlScaleAt | undefined {
  if (klWarmup !== undefined) {
    if (typeof klWarmup !== 'object' || klWarmup === null || Array.isArray(klWarmup)) typeFail(fn, `${arg}.klWarmup`, 'an object', klWarmup);
    rejectUnknownKeys(klWarmup, ['epochs'], fn, `${arg}.klWarmup`);
    const { epochs } = klWarmup as { epochs?: unknown };
    assertNumber(epochs, fn, `${arg}.klWarmup.epochs`, { min: 1, integer: true });
    if (klSchedule !== undefined) fail(fn, `${arg}.klSchedule`, `absent when ${arg}.klWarmup is given (klWarmup: { epochs } is klSchedule: { kind: 'linear', epochs })`, klSchedule);
    return (epoch) => Math.min(1, epoch / epochs);
  }
  if (klSchedule === undefined) return undefined;
  const where = `${arg}.klSchedule`;
  if (typeof klSchedule === 'function') {
    const f = klSchedule as (epoch: number, batch: number) => unknown;
    return (epoch, batch) => {
      const value = f(epoch, batch);
      assertNumber(value, fn, `${where}(${epoch}, ${batch})`, { min: 0 });
      return value;
    };
  }
  const expected = "{ kind: 'linear', epochs }, { kind: 'cyclical', cycles, ratio } or a function (epoch, batch) => number";
  if (typeof klSchedule !== 'object' || klSchedule === null || Array.isArray(klSchedule)) typeFail(fn, where, expected, klSchedule);
  const s = klSchedule as Record<string, unknown>;
  const kind = s['kind'] as Exclude<KlSchedule, (...args: never[]) => unknown>['kind'];
  switch (kind) {
    case 'linear': {
      rejectUnknownKeys(s, ['kind', 'epochs'], fn, where);
      const epochs = s['epochs'];
      assertNumber(epochs, fn, `${where}.epochs`, { min: 1, integer: true });
      return (epoch) => Math.min(1, epoch / epochs);
    }
    case 'cyclical': {
      rejectUnknownKeys(s, ['kind', 'cycles', 'ratio'], fn, where);
      const { cycles, ratio } = s;
      assertNumber(cycles, fn, `${where}.cycles`, { min: 1, integer: true });
      assertNumber(ratio, fn, `${where}.ratio`, { min: 0, max: 1, minExclusive: true });
      return (epoch, batch, batches) => cyclicalScale(epoch, batch, batches, totalEpochs, cycles, ratio);
    }
    default: {
      const never: never = kind;
      return fail(fn, `${where}.kind`, `'linear' or 'cyclical' (${expected})`, never);
    }
  }
}

/** Fu et al. 2019's cyclical schedule at a position of the run (see {@link KlSchedule}). @internal */
export function cyclicalScale(epoch: number, batch: number, batches: number | undefined, epochs: number, cycles: number, ratio: number): number {
  // In whole steps, t of T (T = epochs · batches), so that cycle boundaries are exact: τ = (t·M mod T) / T.
  const perEpoch = batches ?? 1;
  const t = epoch * perEpoch + (batches === undefined ? 0 : batch);
  const total = epochs * perEpoch;
  const tau = ((t * cycles) % total) / total;
  return Math.min(1, tau / ratio);
}
