// The formulas behind predictProba / predictConfidence are checked against numpy/scipy in
// probability.test.ts (fixture from tests/fixtures/make-anomaly-detector-fixtures.py); here the
// detector is checked to apply them to its own background, scaler and scores.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AnomalyDetector, anomalyScores, featureErrors } from '../../src/anomaly/index.js';
import { exceedConfidence, outlierProbability, summarize } from '../../src/anomaly/probability.js';
import { createRng } from '../../src/core/index.js';
import { denseAutoencoder } from '../../src/models/index.js';
import { PCA } from '../../src/pca/index.js';
import { Scaler } from '../../src/preprocessing/index.js';

const D = 5;
function rows(n: number, seed: number, shift = 0): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const t = rng();
    return [t, 2 * t, 10 + 5 * t, -t, 100 * t].map((v, j) => v + 0.02 * (rng() - 0.5) + (j === 2 ? shift : 0));
  });
}

describe('AnomalyDetector probabilities, confidence, scaler and explanations', () => {
  it('predictProba and predictConfidence apply the formulas to the background scores', async () => {
    const ae = denseAutoencoder({ inputDim: D, hidden: [8], latentDim: 2, seed: 3 });
    const background = rows(200, 1);
    const test = [...rows(20, 2), ...rows(10, 3, 3)];
    for (const threshold of [{ method: 'quantile', contamination: 0.1 }, { method: 'mad' }] as const) {
      const det = await new AnomalyDetector(ae, { threshold, scaler: 'standard', fit: false }).fit(background);
      const scores = await det.score(test);
      const b = summarize(det.backgroundScores!);
      expect(Array.from(await det.predictProba(test))).toEqual(Array.from(outlierProbability(scores, b, 'linear')));
      expect(Array.from(await det.predictProba(test, { method: 'unify' }))).toEqual(Array.from(outlierProbability(scores, b, 'unify')));
      const outliers = threshold.method === 'quantile' ? Math.trunc(200 * 0.1) : Array.from(det.backgroundScores!).filter((s) => s > det.threshold!).length;
      const conf = await det.predictConfidence(test);
      expect(Array.from(conf)).toEqual(Array.from(exceedConfidence(scores, b, det.threshold!, outliers)));
      for (const c of conf) expect(c >= 0 && c <= 1).toBe(true);
    }
    ae.dispose();
  });

  it('scales the input by a scaler fitted on the background', async () => {
    const ae = denseAutoencoder({ inputDim: D, hidden: [8], latentDim: 2, seed: 4 });
    const background = rows(100, 5);
    const det = await new AnomalyDetector(ae, { scaler: 'robust', fit: false }).fit(background);
    const scaler = new Scaler({ kind: 'robust' }).fit(background);
    expect(Array.from(det.scaler!.center)).toEqual(Array.from(scaler.center));
    const x = rows(7, 6);
    const z = scaler.transform(x);
    expect(Array.from(await det.score(x))).toEqual(Array.from(await anomalyScores(ae, z)));
    z.dispose();
    const unscaled = await new AnomalyDetector(ae, { fit: false }).fit(background);
    expect(unscaled.scaler).toBeNull();
    ae.dispose();
  });

  it('featureErrors rows average to the mse score, and explain names the largest', async () => {
    const ae = denseAutoencoder({ inputDim: D, hidden: [8], latentDim: 2, seed: 7 });
    const x = rows(12, 8, 2);
    const e = featureErrors(ae, x);
    expect(e.shape).toEqual([12, D]);
    const values = e.dataSync();
    const scores = await anomalyScores(ae, x);
    for (let i = 0; i < 12; i++) {
      const row = Array.from(values.subarray(i * D, (i + 1) * D));
      // float32 sums: 1e-6 relative.
      expect(Math.abs(row.reduce((a, v) => a + v, 0) / D / scores[i]! - 1)).toBeLessThan(1e-6);
    }
    const abs = featureErrors(ae, x, { error: 'absolute' });
    abs.dataSync().forEach((v, i) => expect(Math.abs(v * v - values[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, values[i]!)));
    tf.dispose([e, abs]);
    const det = await new AnomalyDetector(ae, { fit: false }).fit(rows(50, 9));
    const expl = await det.explain(x, { top: 2 });
    expect(expl).toHaveLength(12);
    for (let i = 0; i < 12; i++) {
      const row = Array.from(values.subarray(i * D, (i + 1) * D));
      const order = row.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]);
      expect(expl[i]!.features).toEqual([order[0]![1], order[1]![1]]);
      expect(expl[i]!.errors[0]).toBeCloseTo(order[0]![0], 6);
    }
    expect((await det.explain(x, { top: 99 }))[0]!.features).toHaveLength(D);
    ae.dispose();
  });

  it('featureErrors of a PCA are the squared errors of its projection back', () => {
    const pca = new PCA({ nComponents: 2 }).fit(rows(60, 10));
    const x = rows(5, 11, 1);
    const e = featureErrors(pca, x);
    const rec = pca.inverseTransform(pca.transform(x));
    const expected = x.flatMap((r, i) => r.map((v, j) => (v - rec[i]![j]!) ** 2));
    const got = e.dataSync();
    expected.forEach((v, i) => expect(got[i]!).toBeCloseTo(v, 2));
    const errors = pca.reconstructionError(x);
    for (let i = 0; i < 5; i++) expect(Array.from(got.subarray(i * D, (i + 1) * D)).reduce((a, v) => a + v, 0) / errors[i]!).toBeCloseTo(1, 3);
    e.dispose();
  });

  it('leaves no tensor behind', async () => {
    const ae = denseAutoencoder({ inputDim: D, hidden: [8], latentDim: 2, seed: 12 });
    const x = rows(40, 13);
    const before = tf.memory().numTensors;
    const det = await new AnomalyDetector(ae, { scaler: 'minmax', threshold: { method: 'iqr' }, fit: false }).fit(x);
    await det.score(x);
    await det.predict(x);
    await det.predictProba(x);
    await det.predictConfidence(x);
    await det.explain(x);
    featureErrors(ae, x).dispose();
    await expect(det.explain([[1, 2]])).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
  });

  it('rejects bad options and calls before fit, naming them', async () => {
    const ae = denseAutoencoder({ inputDim: D, hidden: [8], latentDim: 2, seed: 14 });
    expect(() => new AnomalyDetector(ae, { scaler: 'zscore' as never })).toThrow(/AnomalyDetector: argument 'options.scaler' must be one of 'standard', 'minmax', 'robust', 'none'/);
    const det = new AnomalyDetector(ae, { scaler: 'standard', fit: false });
    await expect(det.score(rows(2, 1))).rejects.toThrow(/AnomalyDetector.score: the detector's scaler is not fitted yet/);
    await expect(det.predictProba(rows(2, 1))).rejects.toThrow(/AnomalyDetector.predictProba: the detector has no threshold yet/);
    await expect(det.predictConfidence(rows(2, 1))).rejects.toThrow(/AnomalyDetector.predictConfidence: the detector has no threshold yet/);
    await det.fit(rows(30, 2));
    await expect(det.predictProba(rows(2, 1), { method: 'sigmoid' } as never)).rejects.toThrow(/argument 'options.method' must be one of 'linear', 'unify'/);
    await expect(det.explain(rows(2, 1), { top: 0 })).rejects.toThrow(/AnomalyDetector.explain: argument 'options.top' must be an integer >= 1, got the number 0/);
    await expect(det.explain(rows(2, 1), { error: 'huber' } as never)).rejects.toThrow(/options.error/);
    await expect(det.score([[1, 2, 3]])).rejects.toThrow(/AnomalyDetector.score: argument 'x' must have shape \[\?,5\]/);
    expect(() => featureErrors(ae, [[1, NaN, 0, 0, 0]])).toThrow(/featureErrors: argument 'x' must hold finite numbers/);
    expect(() => featureErrors({} as never, [[1]])).toThrow(/featureErrors: argument 'model'/);
    expect(() => featureErrors({ reconstructionError: () => [0] } as never, [[1]])).toThrow(/without transform and inverseTransform/);
    ae.dispose();
  });
});
