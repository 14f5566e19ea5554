import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_VAR_LIMIT, convEncoder, denseEncoder, gaussianEncoder } from '../../src/nn/index.js';

describe('gaussianEncoder', () => {
  it('gives the mean and the log-variance, both [n, latentDim]', () => {
    const before = tf.memory().numTensors;
    const encoder = gaussianEncoder({ inputDim: 6, units: [5], latentDim: 3, seed: 1 });
    expect(encoder.outputs.map((o) => o.shape)).toEqual([
      [null, 3],
      [null, 3],
    ]);
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 1);
    const [mean, logVar] = encoder.predict(x) as tf.Tensor[];
    expect(mean!.shape).toEqual([4, 3]);
    expect(logVar!.shape).toEqual([4, 3]);
    tf.dispose([x, mean!, logVar!]);
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the log-variance within [−L, L] however large the raw head output, and ≈ raw near 0', () => {
    const encoder = gaussianEncoder({ inputDim: 2, latentDim: 2, seed: 2, logVarLimit: 5 });
    // Walk back from the log-variance output: rescaling ← tanh ← rescaling ← the dense head.
    let t = encoder.outputs[1]!;
    while (t.sourceLayer.getClassName() !== 'Dense') t = t.inputs[0]!;
    const head = t.sourceLayer;
    const kernel = tf.tensor2d([
      [1000, 0.01],
      [-1000, 0],
    ]);
    const bias = tf.zeros([2]);
    head.setWeights([kernel, bias]);
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const logVar = (encoder.predict(x) as tf.Tensor[])[1]!;
    const v = Array.from(logVar.dataSync());
    expect(v[0]).toBeLessThanOrEqual(5);
    expect(v[0]).toBeGreaterThan(4.99);
    expect(v[2]).toBeGreaterThanOrEqual(-5);
    expect(v[2]).toBeLessThan(-4.99);
    expect(v[1]).toBeCloseTo(0.01, 6); // 5·tanh(0.01/5) ≈ 0.01
    expect(v.every(Number.isFinite)).toBe(true);
    tf.dispose([kernel, bias, x, logVar]);
    encoder.dispose();
    expect(DEFAULT_LOG_VAR_LIMIT).toBe(10);
  });

  it('puts the heads on any single-output body, such as a convolutional encoder', () => {
    const before = tf.memory().numTensors;
    const body = convEncoder({ inputShape: [12, 12, 1], filters: [2], latentDim: 6, seed: 1 });
    const encoder = gaussianEncoder({ body, latentDim: 2, seed: 3 });
    expect(encoder.inputs[0]!.shape).toEqual([null, 12, 12, 1]);
    expect(encoder.outputs.map((o) => o.shape)).toEqual([
      [null, 2],
      [null, 2],
    ]);
    const x = tf.ones([1, 12, 12, 1]);
    const out = encoder.predict(x) as tf.Tensor[];
    tf.dispose([x, ...out]);
    encoder.dispose(); // takes the body's layers with it
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same weights for the same seed', () => {
    const a = gaussianEncoder({ inputDim: 3, units: [2], latentDim: 2, seed: 9 });
    const b = gaussianEncoder({ inputDim: 3, units: [2], latentDim: 2, seed: 9 });
    const w = (m: typeof a): number[][] => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w(a)).toEqual(w(b));
    // The two heads do not start equal.
    expect(w(a)[2]).not.toEqual(w(a)[4]);
    a.dispose();
    b.dispose();
  });

  it('rejects conflicting or bad options with errors naming them', () => {
    const body = denseEncoder({ inputDim: 3, latentDim: 2 });
    expect(() => gaussianEncoder({ inputDim: 3, body, latentDim: 2 })).toThrow("gaussianEncoder: give either 'inputDim' or 'body', not both");
    expect(() => gaussianEncoder({ body: {} as never, latentDim: 2 })).toThrow(/argument 'body' must be a tf.LayersModel/);
    expect(() => gaussianEncoder({ latentDim: 2 })).toThrow("gaussianEncoder: argument 'inputDim' must be an integer >= 1, got undefined");
    expect(() => gaussianEncoder({ inputDim: 3, latentDim: 2, logVarLimit: 0 })).toThrow(/argument 'logVarLimit' must be a finite number > 0/);
    body.dispose();
  });
});
