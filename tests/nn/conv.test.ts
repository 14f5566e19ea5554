import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { convDecoder, convEncoder } from '../../src/nn/index.js';

describe('convEncoder', () => {
  it('halves 28×28 digits twice to 7×7 and gives [n, latentDim]', () => {
    const before = tf.memory().numTensors;
    const encoder = convEncoder({ inputShape: [28, 28, 1], filters: [4, 8], latentDim: 5, seed: 1 });
    const conv = encoder.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(conv.map((l) => l.outputShape)).toEqual([
      [null, 14, 14, 4],
      [null, 7, 7, 8],
    ]);
    expect(encoder.outputs[0]!.shape).toEqual([null, 5]);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1);
    const z = encoder.predict(x) as tf.Tensor;
    expect(z.shape).toEqual([2, 5]);
    tf.dispose([x, z]);
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes 40×40 jet images and rounds odd sizes up', () => {
    const jets = convEncoder({ inputShape: [40, 40, 1], filters: [4, 4], latentDim: 3 });
    expect(jets.layers.filter((l) => l.getClassName() === 'Conv2D').at(-1)!.outputShape).toEqual([null, 10, 10, 4]);
    const odd = convEncoder({ inputShape: [28, 21, 3], filters: [2, 2, 2], latentDim: 3 });
    expect(odd.layers.filter((l) => l.getClassName() === 'Conv2D').at(-1)!.outputShape).toEqual([null, 4, 3, 2]);
    jets.dispose();
    odd.dispose();
  });

  it('gives the same weights for the same seed', () => {
    const a = convEncoder({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, seed: 4, init: 'torch' });
    const b = convEncoder({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, seed: 4, init: 'torch' });
    const c = convEncoder({ inputShape: [8, 8, 1], filters: [2], latentDim: 2, seed: 5, init: 'torch' });
    const w = (m: typeof a): number[][] => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w(a)).toEqual(w(b));
    expect(w(a)[0]).not.toEqual(w(c)[0]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects bad shapes and filters with errors naming the argument', () => {
    expect(() => convEncoder({ inputShape: [28, 28] as never, filters: [4], latentDim: 2 })).toThrow(
      "convEncoder: argument 'inputShape' must be an [height, width, channels] array, got an array of length 2",
    );
    expect(() => convEncoder({ inputShape: [28, 28, 1], filters: [], latentDim: 2 })).toThrow(/argument 'filters' must be a non-empty array/);
    expect(() => convEncoder({ inputShape: [28, 28, 1], filters: [4], kernelSize: 0, latentDim: 2 })).toThrow(/argument 'kernelSize'/);
  });
});

describe('convDecoder', () => {
  it('mirrors the encoder back to [n, 28, 28, 1] with a sigmoid output', () => {
    const before = tf.memory().numTensors;
    const decoder = convDecoder({ latentDim: 5, outputShape: [28, 28, 1], filters: [8, 4], seed: 2 });
    const deconv = decoder.layers.filter((l) => l.getClassName() === 'Conv2DTranspose');
    expect(deconv.map((l) => l.outputShape)).toEqual([
      [null, 14, 14, 8],
      [null, 28, 28, 4],
    ]);
    expect(decoder.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    expect(decoder.layers.at(-1)!.getConfig()['activation']).toBe('sigmoid');
    const z = tf.randomNormal([3, 5], 0, 1, 'float32', 2);
    const y = decoder.predict(z) as tf.Tensor;
    expect(y.shape).toEqual([3, 28, 28, 1]);
    tf.dispose([z, y]);
    decoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('crops back to the asked size when rounding made the map larger', () => {
    const decoder = convDecoder({ latentDim: 3, outputShape: [28, 21, 2], filters: [2, 2, 2] });
    expect(decoder.layers.some((l) => l.getClassName() === 'Cropping2D')).toBe(true);
    expect(decoder.outputs[0]!.shape).toEqual([null, 28, 21, 2]);
    const jets = convDecoder({ latentDim: 3, outputShape: [40, 40, 1], filters: [4, 4], outputActivation: 'linear' });
    expect(jets.outputs[0]!.shape).toEqual([null, 40, 40, 1]);
    expect(jets.layers.some((l) => l.getClassName() === 'Cropping2D')).toBe(false);
    decoder.dispose();
    jets.dispose();
  });

  it('rejects bad options with errors naming the argument', () => {
    expect(() => convDecoder({ latentDim: 3, outputShape: [0, 4, 1], filters: [2] })).toThrow(/convDecoder: argument 'outputShape\[0\]'/);
    expect(() => convDecoder({ latentDim: 3, outputShape: [4, 4, 1], filters: [2], strides: 1.5 })).toThrow(/argument 'strides'/);
  });
});
