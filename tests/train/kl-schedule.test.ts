// KL schedules of train: linear, cyclical (against Fu et al. 2019's algorithm) and functions.
// Ref: the cyclical values come from tests/fixtures/make-variational-fixtures.py ("cyclical"), which
// runs the annealing algorithm of Fu et al. 2019 step by step.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/variational.json' with { type: 'json' };
import { train } from '../../src/train/index.js';
import { linearAutoencoder } from './helpers.js';

function rows(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => [i / n, 1 - i / n, 0.5]);
}

const trainingScales = (model: ReturnType<typeof linearAutoencoder>): (number | undefined)[] => model.calls.filter((c) => c.training).map((c) => c.klScale);

describe('train klSchedule', () => {
  for (const s of fixture.cyclical) {
    it(`cyclical (${s.cycles} cycles, ratio ${s.ratio}) gives Fu et al.'s schedule over ${s.epochs} epochs of ${s.batchesPerEpoch} batches`, async () => {
      const model = linearAutoencoder({ features: 3 });
      await train(model, rows(4 * s.batchesPerEpoch), { epochs: s.epochs, batchSize: 4, seed: 0, klSchedule: { kind: 'cyclical', cycles: s.cycles, ratio: s.ratio } });
      const got = trainingScales(model);
      expect(got.length).toBe(s.scale.length);
      got.forEach((v, i) => expect(v).toBeCloseTo(s.scale[i]!, 12));
      model.dispose();
    });
  }

  it('resumed runs reproduce the cyclical schedule (it depends on the epoch, not on the call)', async () => {
    const schedule = { kind: 'cyclical', cycles: 2, ratio: 0.5 } as const;
    const whole = linearAutoencoder({ features: 3 });
    await train(whole, rows(8), { epochs: 4, batchSize: 4, seed: 0, klSchedule: schedule });
    const resumed = linearAutoencoder({ features: 3 });
    await train(resumed, rows(8), { epochs: 4, initialEpoch: 2, batchSize: 4, seed: 0, klSchedule: schedule });
    expect(trainingScales(resumed)).toEqual(trainingScales(whole).slice(4));
    whole.dispose();
    resumed.dispose();
  });

  it('linear is klWarmup: min(1, epoch / epochs) per epoch', async () => {
    const a = linearAutoencoder({ features: 3 });
    const b = linearAutoencoder({ features: 3 });
    await train(a, rows(8), { epochs: 4, batchSize: 4, seed: 0, klSchedule: { kind: 'linear', epochs: 3 } });
    await train(b, rows(8), { epochs: 4, batchSize: 4, seed: 0, klWarmup: { epochs: 3 } });
    expect(trainingScales(a)).toEqual([0, 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1, 1]);
    expect(trainingScales(b)).toEqual(trainingScales(a));
    a.dispose();
    b.dispose();
  });

  it('calls a function schedule with (epoch, batch) before every batch and uses its value; validation keeps 1', async () => {
    const model = linearAutoencoder({ features: 3 });
    const seen: [number, number][] = [];
    await train(model, rows(10), {
      epochs: 2,
      batchSize: 4,
      seed: 0,
      validationSplit: 0.2,
      klSchedule: (epoch, batch) => {
        seen.push([epoch, batch]);
        return 0.1 * (epoch * 10 + batch);
      },
    });
    expect(seen).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    trainingScales(model).forEach((v, i) => expect(v).toBeCloseTo([0, 0.1, 1, 1.1][i]!, 12));
    expect(model.calls.filter((c) => !c.training).every((c) => c.klScale === 1)).toBe(true);
    model.dispose();
  });

  it('refuses bad schedules, naming the option', async () => {
    const model = linearAutoencoder({ features: 3 });
    const data = rows(4);
    await expect(train(model, data, { klSchedule: { kind: 'cyclical', cycles: 0, ratio: 0.5 } })).rejects.toThrow(
      "train: argument 'options.klSchedule.cycles' must be an integer >= 1",
    );
    await expect(train(model, data, { klSchedule: { kind: 'cyclical', cycles: 2, ratio: 0 } })).rejects.toThrow(
      "train: argument 'options.klSchedule.ratio' must be a finite number > 0 <= 1",
    );
    await expect(train(model, data, { klSchedule: { kind: 'sigmoid' } as never })).rejects.toThrow("train: argument 'options.klSchedule.kind' must be 'linear' or 'cyclical'");
    await expect(train(model, data, { klSchedule: { kind: 'linear', epochs: 2 }, klWarmup: { epochs: 2 } })).rejects.toThrow(
      "train: argument 'options.klSchedule' must be absent when options.klWarmup is given",
    );
    await expect(train(model, data, { klSchedule: () => NaN })).rejects.toThrow("train: argument 'options.klSchedule(0, 0)' must be a finite number >= 0, got the number NaN");
    model.dispose();
  });
});
