// Saving and loading an AnomalyDetector: the same scores after a round trip (on the same backend
// and from cpu to wasm), and the detector block of the file checked as untrusted input.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AnomalyDetector } from '../../src/anomaly/index.js';
import { useBackend } from '../../src/backend/index.js';
import { createRng } from '../../src/core/index.js';
import { loadModel, saveModel } from '../../src/io/index.js';
import type { SavedArtifacts } from '../../src/io/index.js';
import { denseAutoencoder, Autoencoder } from '../../src/models/index.js';
import { PCA } from '../../src/pca/index.js';
import { editJson, expectRejectsClean, tempDir } from './helpers.js';

const D = 6;
function rows(n: number, seed: number, shift = 0): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const t = rng();
    return [t, 1 - t, 3 * t, 5, 10 * t * t, -2 * t].map((v, j) => v + 0.05 * (rng() - 0.5) + (j === 4 ? shift : 0));
  });
}

async function fitted(): Promise<{ ae: Autoencoder; det: AnomalyDetector }> {
  const ae = denseAutoencoder({ inputDim: D, hidden: [12], latentDim: 2, seed: 5 });
  const det = new AnomalyDetector(ae, {
    scaler: 'standard',
    threshold: { method: 'pot', risk: 1e-3, initialQuantile: 0.8 },
    trainOptions: { epochs: 3, batchSize: 32, seed: 2 },
  });
  await det.fit(rows(120, 1));
  return { ae, det };
}

function maxRel(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-3));
  return m;
}

describe('saveModel / loadModel of an AnomalyDetector', () => {
  it('round-trips the model, scaler, threshold and background: the same scores, flags, probabilities and confidences', async () => {
    const { ae, det } = await fitted();
    const test = [...rows(20, 2), ...rows(10, 3, 4)];
    const saved = await saveModel(det, { type: 'memory' });
    const json = JSON.parse(saved.modelJson);
    expect(json.modelTopology.kind).toBe('autoencoder');
    expect(json.modelTopology.detector.threshold.method).toBe('pot');
    const copy = await loadModel(saved, { kind: 'detector' });
    expect(copy).toBeInstanceOf(AnomalyDetector);
    expect(copy.threshold).toBe(det.threshold);
    expect(copy.thresholdFit).toEqual(det.thresholdFit);
    expect(copy.contamination).toBe(det.contamination);
    expect(Array.from(copy.backgroundScores!)).toEqual(Array.from(det.backgroundScores!));
    expect(Array.from(copy.scaler!.scale)).toEqual(Array.from(det.scaler!.scale));
    expect(Array.from(await copy.score(test))).toEqual(Array.from(await det.score(test)));
    expect(Array.from(await copy.predict(test))).toEqual(Array.from(await det.predict(test)));
    expect(Array.from(await copy.predictProba(test, { method: 'unify' }))).toEqual(Array.from(await det.predictProba(test, { method: 'unify' })));
    expect(Array.from(await copy.predictConfidence(test))).toEqual(Array.from(await det.predictConfidence(test)));
    // Without kind 'detector' the file is its model.
    const model = await loadModel(saved);
    expect(model).toBeInstanceOf(Autoencoder);
    (model as Autoencoder).dispose();
    (copy.model as Autoencoder).dispose();
    ae.dispose();
  });

  it('saves a PCA detector to a directory and loads it back', async () => {
    const det = await new AnomalyDetector(new PCA({ nComponents: 2 }), { threshold: { method: 'mad' }, scaler: 'robust' }).fit(rows(80, 4));
    const dir = await tempDir();
    await saveModel(det, dir);
    const copy = await loadModel(dir, { kind: 'detector' });
    const x = rows(15, 5, 2);
    expect(maxRel(await copy.score(x), await det.score(x))).toBeLessThan(1e-6);
    expect(copy.thresholdFit).toEqual(det.thresholdFit);
  });

  it('scores the same on wasm as the detector fitted on cpu (to 1e-5)', async () => {
    const { ae, det } = await fitted();
    const test = [...rows(30, 6), ...rows(10, 7, 3)];
    const onCpu = await det.score(test);
    const saved = await saveModel(det, { type: 'memory' });
    ae.dispose();
    try {
      await useBackend('wasm');
      const copy = await loadModel(saved, { kind: 'detector' });
      const onWasm = await copy.score(test);
      (copy.model as Autoencoder).dispose();
      expect(maxRel(onWasm, onCpu)).toBeLessThan(1e-5);
    } finally {
      await useBackend('cpu');
    }
  });

  it('refuses an unfitted detector and a file without a detector', async () => {
    const ae = denseAutoencoder({ inputDim: D, hidden: [4], latentDim: 2, seed: 1 });
    await expect(saveModel(new AnomalyDetector(ae), { type: 'memory' })).rejects.toThrow(/saveModel: argument 'model' is a detector that is not fitted yet/);
    const plain = await saveModel(ae, { type: 'memory' });
    await expectRejectsClean(() => loadModel(plain, { kind: 'detector' }), /loadModel: the file holds a model of kind 'autoencoder' without a detector/);
    await expect(loadModel(plain, { kind: 'detektor' } as never)).rejects.toThrow(/'pca', 'vqvae', 'kernel-pca', 'detector', got the string "detektor"/);
    ae.dispose();
  });
});

describe('loadModel of a detector file as untrusted input', () => {
  let saved: SavedArtifacts;
  const edit = (f: (d: Record<string, unknown>) => unknown): SavedArtifacts =>
    editJson(saved, (j) => {
      f(j['modelTopology']['detector']);
    });

  it('rejects each bad field of the detector block by name, leaving no tensor behind', async () => {
    const { ae, det } = await fitted();
    saved = await saveModel(det, { type: 'memory' });
    ae.dispose();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bad files are made by editing arbitrary JSON
    const cases: [(d: Record<string, any>) => unknown, RegExp][] = [
      [(d) => (d['version'] = 2), /field 'modelTopology.detector.version' must be 1/],
      [(d) => (d['extra'] = 1), /unknown field 'modelTopology.detector.extra'/],
      [(d) => (d['metric'] = 'elbo'), /field 'modelTopology.detector.metric' must be 'mse' or 'bce' for a autoencoder/],
      [(d) => (d['batchSize'] = 0), /modelTopology.detector.batchSize' must be an integer in \[1,/],
      [(d) => (d['backgroundScores'] = []), /modelTopology.detector.backgroundScores' must be an array of 1 to 262144 finite numbers/],
      [(d) => (d['backgroundScores'][3] = 'NaN'), /modelTopology.detector.backgroundScores\[3\]' must be a finite number/],
      [(d) => (d['threshold']['method'] = 'otsu'), /modelTopology.detector.threshold.method' must be one of/],
      [(d) => (d['threshold']['scale'] = -1), /modelTopology.detector.threshold.scale' must be a finite number > 0/],
      [(d) => (d['threshold']['n'] = 7), /modelTopology.detector.threshold.n' must be the number of background scores \(120\)/],
      [(d) => (d['threshold']['risk'] = 0.5), /modelTopology.detector.threshold.risk' must be a finite number > 0 and < 0.19999/],
      [(d) => delete d['threshold']['threshold'], /modelTopology.detector.threshold.threshold' must be a finite number, got undefined/],
      [(d) => (d['threshold']['__proto__x'] = 1), /unknown field 'modelTopology.detector.threshold.__proto__x'/],
      [(d) => (d['scaler']['scale'][0] = 0), /field 'modelTopology.detector.scaler' is invalid: Scaler.fromJSON: argument 'json.scale\[0\]' must be a finite number > 0/],
      [(d) => (d['scaler']['featureShape'] = [3]), /json.center' must be an array of 3 numbers/],
      [(d) => ((d['scaler']['featureShape'] = [3, 2])), /scaler.featureShape' is \[3,2\], but the model takes samples of shape \[6\]/],
    ];
    for (const [f, pattern] of cases) await expectRejectsClean(() => loadModel(edit(f), { kind: 'detector' }), pattern);
    const proto = editJson(saved, (j) => {
      j['modelTopology']['detector'] = JSON.parse('{"__proto__": {"polluted": 1}}');
    });
    await expectRejectsClean(() => loadModel(proto, { kind: 'detector' }), /__proto__/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('survives random corruptions of the detector block: each loads or throws an Error, and nothing leaks (seeded fuzz)', async () => {
    const rng = createRng(2026);
    const junk = [null, -1, 0, 1e308, 'x', [], {}, true, 0.5, [1, 2], { method: 'mad' }];
    const before = tf.memory().numTensors;
    let rejected = 0;
    for (let trial = 0; trial < 60; trial++) {
      const bad = editJson(saved, (j) => {
        const block = j['modelTopology']['detector'];
        const paths: [Record<string, unknown>, string][] = [];
        const walk = (o: Record<string, unknown>): void => {
          for (const k of Object.keys(o)) {
            paths.push([o, k]);
            const v = o[k];
            if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>);
          }
        };
        walk(block);
        const [obj, key] = paths[Math.floor(rng() * paths.length)]!;
        if (rng() < 0.2) delete obj[key];
        else obj[key] = junk[Math.floor(rng() * junk.length)];
      });
      try {
        const det = await loadModel(bad, { kind: 'detector' });
        (det.model as Autoencoder).dispose();
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/^loadModel: /);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(40);
    expect(tf.memory().numTensors).toBe(before);
  });
});
