// The convolutional model of the jet example (`--conv`), made of the package's convEncoder and
// convDecoder, trains on wasm: the gradients of its loss with respect to every weight, computed on
// wasm with the package's convolution kernels (src/backend/wasmConv.ts), are those of tfjs' cpu
// backend (the reference), and a few steps of `train` on wasm lower its loss.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConvJetModelOptions, convJetAutoencoder } from '../../examples/anomaly-jets/model.js';
import { useBackend } from '../../src/backend/index.js';
import { train } from '../../src/train/index.js';

/** Gradients of the mean squared reconstruction error of a tiny conv jet model, per weight, on the active backend. */
function gradients(options: ConvJetModelOptions): Map<string, Float32Array> {
  const ae = convJetAutoencoder(options);
  const x = tf.randomUniform([3, 40, 40, 1], 0, 1, 'float32', 6);
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(ae.reconstruct(x), x))) as tf.Scalar);
  // Variable names carry a global counter; the order of the weights is the model's.
  const out = new Map<string, Float32Array>(ae.trainableVariables.map((v, i) => [`${i}:${v.shape.join('x')}`, grads[v.name]!.dataSync() as Float32Array]));
  tf.dispose([x, value, ...Object.values(grads)]);
  ae.dispose();
  return out;
}

afterAll(async () => {
  await useBackend('cpu');
});

// Without dense layers around the code (three strided convolutions to 5 × 5), and with them (the
// paper's 32 units; two convolutions to 10 × 10).
describe.each([
  ['three convolutions', { filters: [2, 3, 4], latentDim: 3, seed: 1 }],
  ['two convolutions and dense layers around the code', { filters: [2, 3], dense: 5, latentDim: 3, seed: 1 }],
] as const)('the convolutional jet autoencoder, %s', (_, options: ConvJetModelOptions) => {
  it('builds 40 × 40 × 1 in and out with a code of k, and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const ae = convJetAutoencoder({ ...options, latentDim: 6 });
    expect(ae.inputShape).toEqual([40, 40, 1]);
    expect(ae.codeShape).toEqual([6]);
    const images = tf.zeros([2, 40, 40, 1]);
    const code = ae.encode(images);
    expect(code.shape).toEqual([2, 6]);
    tf.dispose([images, code]);
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("has the cpu backend's gradients on wasm, for every weight, and trains there", async () => {
    await useBackend('cpu');
    const reference = gradients(options);
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const ours = gradients(options);
    expect([...ours.keys()]).toEqual([...reference.keys()]);
    for (const [name, g] of ours) {
      const r = reference.get(name)!;
      const scale = Math.max(...r.map(Math.abs));
      expect(scale, name).toBeGreaterThan(0);
      const worst = Math.max(...g.map((v, i) => Math.abs(v - r[i]!)));
      expect(worst / scale, name).toBeLessThan(1e-4);
    }
    const ae = convJetAutoencoder(options);
    const x = tf.randomUniform([32, 40, 40, 1], 0, 1, 'float32', 7);
    const history = await train(ae, x, { epochs: 5, batchSize: 8, learningRate: 3e-3, seed: 1 });
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss);
    x.dispose();
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
