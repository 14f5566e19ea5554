import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { denseDecoder, denseEncoder } from '../../src/nn/index.js';

const weightsOf = (m: tfl.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('denseEncoder', () => {
  it('maps [n, inputDim] to [n, latentDim] through the hidden layers', () => {
    const before = tf.memory().numTensors;
    const encoder = denseEncoder({ inputDim: 6, units: [5, 4], latentDim: 3, seed: 1 });
    expect(encoder.inputs[0]!.shape).toEqual([null, 6]);
    expect(encoder.outputs[0]!.shape).toEqual([null, 3]);
    expect(encoder.getWeights().map((w) => w.shape)).toEqual([[6, 5], [5], [5, 4], [4], [4, 3], [3]]);
    const x = tf.ones([2, 6]);
    const z = encoder.predict(x) as tf.Tensor;
    expect(z.shape).toEqual([2, 3]);
    tf.dispose([x, z]);
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies the hidden and code activations it is given', () => {
    const encoder = denseEncoder({ inputDim: 3, units: [4], latentDim: 2, activation: 'tanh', latentActivation: 'sigmoid' });
    const activations = encoder.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.getConfig()['activation']);
    expect(activations).toEqual(['tanh', 'sigmoid']);
    encoder.dispose();
  });

  it('gives the same weights for the same seed and different ones for another seed', () => {
    const a = denseEncoder({ inputDim: 5, units: [4], latentDim: 2, seed: 7 });
    const b = denseEncoder({ inputDim: 5, units: [4], latentDim: 2, seed: 7 });
    const c = denseEncoder({ inputDim: 5, units: [4], latentDim: 2, seed: 8 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)[0]).not.toEqual(weightsOf(c)[0]);
    for (const m of [a, b, c]) m.dispose();
  });

  it("draws glorot kernels and zero biases by default, PyTorch's U(±1/√fanIn) for both with init 'torch'", () => {
    const glorot = denseEncoder({ inputDim: 50, latentDim: 40, seed: 1 });
    const torch = denseEncoder({ inputDim: 50, latentDim: 40, seed: 1, init: 'torch' });
    const [gk, gb] = weightsOf(glorot);
    const [tk, tb] = weightsOf(torch);
    const glorotLimit = Math.sqrt(6 / (50 + 40));
    const torchLimit = 1 / Math.sqrt(50);
    expect(Math.max(...gk!.map(Math.abs))).toBeLessThanOrEqual(glorotLimit);
    expect(Math.max(...gk!.map(Math.abs))).toBeGreaterThan(0.9 * glorotLimit);
    expect(gb!.every((b) => b === 0)).toBe(true);
    expect(Math.max(...tk!.map(Math.abs))).toBeLessThanOrEqual(torchLimit);
    expect(Math.max(...tk!.map(Math.abs))).toBeGreaterThan(0.9 * torchLimit);
    expect(Math.max(...tb!.map(Math.abs))).toBeLessThanOrEqual(torchLimit);
    expect(tb!.some((b) => b !== 0)).toBe(true);
    glorot.dispose();
    torch.dispose();
  });

  it('rejects bad options with errors naming the argument', () => {
    expect(() => denseEncoder({ inputDim: 0, latentDim: 2 })).toThrow("denseEncoder: argument 'inputDim' must be an integer >= 1, got the number 0");
    expect(() => denseEncoder({ inputDim: 3, units: [4, 0], latentDim: 2 })).toThrow(/denseEncoder: argument 'units\[1\]'/);
    expect(() => denseEncoder({ inputDim: 3, latentDim: 2.5 })).toThrow(/argument 'latentDim'/);
    expect(() => denseEncoder({ inputDim: 3, latentDim: 2, activation: 'leaky' as 'relu' })).toThrow(/argument 'activation' must be one of/);
    expect(() => denseEncoder({ inputDim: 3, latentDim: 2, init: 'he' as 'torch' })).toThrow(/argument 'init'/);
    expect(() => denseEncoder({ inputDim: 3, latentDim: 2, seed: -1 })).toThrow(/argument 'seed'/);
  });
});

describe('denseDecoder', () => {
  it('maps [n, latentDim] to [n, outputDim] and ends in a separate sigmoid Activation layer', () => {
    const before = tf.memory().numTensors;
    const decoder = denseDecoder({ latentDim: 3, units: [4], outputDim: 6, seed: 2 });
    expect(decoder.inputs[0]!.shape).toEqual([null, 3]);
    expect(decoder.outputs[0]!.shape).toEqual([null, 6]);
    const last = decoder.layers.at(-1)!;
    expect(last.getClassName()).toBe('Activation');
    expect(last.getConfig()['activation']).toBe('sigmoid');
    const z = tf.randomNormal([4, 3], 0, 3, 'float32', 1);
    const y = decoder.predict(z) as tf.Tensor;
    expect(y.shape).toEqual([4, 6]);
    expect(Array.from(y.dataSync()).every((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose([z, y]);
    decoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ends in a plain dense layer for a linear output', () => {
    const decoder = denseDecoder({ latentDim: 2, outputDim: 3, outputActivation: 'linear' });
    expect(decoder.layers.at(-1)!.getClassName()).toBe('Dense');
    expect(decoder.layers.at(-1)!.getConfig()['activation']).toBe('linear');
    decoder.dispose();
  });

  it('gives the same weights for the same seed', () => {
    const a = denseDecoder({ latentDim: 2, units: [3], outputDim: 4, seed: 3, init: 'torch' });
    const b = denseDecoder({ latentDim: 2, units: [3], outputDim: 4, seed: 3, init: 'torch' });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    a.dispose();
    b.dispose();
  });

  it('rejects bad options with errors naming the argument', () => {
    expect(() => denseDecoder({ latentDim: 2, outputDim: -1 })).toThrow(/denseDecoder: argument 'outputDim'/);
    expect(() => denseDecoder({ latentDim: 2, outputDim: 3, outputActivation: 'softmax2' as 'linear' })).toThrow(/argument 'outputActivation'/);
    expect(() => denseDecoder({ latentDim: 2, units: 'big' as never, outputDim: 3 })).toThrow(TypeError);
  });
});
