import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { bce, mse } from '../../src/losses/index.js';
import { Autoencoder, denseAutoencoder } from '../../src/models/index.js';
import { convDecoder, convEncoder, denseDecoder, denseEncoder, gaussianEncoder } from '../../src/nn/index.js';
import { VAE } from '../../src/models/index.js';
import { evaluate, fit, manifoldData, meanPredictorMse } from './helpers.js';

function tiny(options: Partial<Parameters<typeof denseAutoencoder>[0]> = {}): Autoencoder {
  return denseAutoencoder({ inputDim: 8, hidden: [16], latentDim: 2, seed: 1, ...options });
}

describe('Autoencoder', () => {
  it('learns to reconstruct data on a 2-D manifold far better than the mean predictor', () => {
    const x = manifoldData(128, 8, 11);
    const ae = tiny({ latentActivation: 'linear' });
    const before = evaluate(ae, { x }).reconstruction!;
    fit(ae, { x }, { steps: 100, learningRate: 0.02 });
    const after = evaluate(ae, { x }).reconstruction!;
    const bar = meanPredictorMse(x);
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.2 * bar);
    ae.dispose();
    x.dispose();
  });

  it('computes the bce loss from the logits, matching bce on the sigmoid output', () => {
    const x = manifoldData(32, 8, 3);
    const ae = tiny({ loss: 'bce' });
    const ours = evaluate(ae, { x }).reconstruction!;
    const reference = tf.tidy(() => bce(x, ae.reconstruct(x)).dataSync()[0]!);
    expect(ours).toBeCloseTo(reference, 5);
    ae.dispose();
    x.dispose();
  });

  it('gives finite bce gradients even when the sigmoid output saturates', () => {
    const x = tf.tensor2d([[1, 0, 1, 0, 1, 0, 1, 0]]);
    const ae = tiny({ loss: 'bce' });
    // Push the last bias far out so that sigmoid(logits) is exactly 0 or 1 in float32.
    const lastDense = ae.decoder.layers.filter((l) => l.getClassName() === 'Dense').at(-1)!;
    const [kernel] = lastDense.getWeights(); // the layer's own variable: not disposed here
    const far = tf.tensor1d([-200, 200, -200, 200, -200, 200, -200, 200]);
    lastDense.setWeights([kernel!, far]);
    far.dispose();
    const { value, grads } = tf.variableGrads(() => ae.computeLoss({ x }, { training: true }).loss, ae.trainableVariables as tf.Variable[]);
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    expect(value.dataSync()[0]!).toBeGreaterThan(100);
    for (const g of Object.values(grads)) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([value, grads]);
    ae.dispose();
    x.dispose();
  });

  it('accepts a custom loss function and records it as custom', () => {
    const x = manifoldData(16, 8, 5);
    const ae = tiny({ loss: (t, p) => tf.mean(tf.abs(tf.sub(t, p))) as tf.Scalar });
    const ours = evaluate(ae, { x }).reconstruction!;
    const reference = tf.tidy(() => tf.mean(tf.abs(tf.sub(x, ae.reconstruct(x)))).dataSync()[0]!);
    expect(ours).toBeCloseTo(reference, 6);
    expect(ae.getConfig().loss).toBe('custom');
    ae.dispose();
    x.dispose();
  });

  it('rejects a custom loss that does not return a scalar', () => {
    const x = manifoldData(4, 8, 5);
    const ae = tiny({ loss: (t, p) => tf.sub(t, p) as unknown as tf.Scalar });
    const before = tf.memory().numTensors;
    expect(() => ae.computeLoss({ x }, { training: false })).toThrow(/custom loss must return a tf.Scalar/);
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
    x.dispose();
  });

  it('encodes, decodes, reconstructs and runs forward with the documented shapes and no leaks', () => {
    const ae = tiny();
    const x = manifoldData(5, 8, 2);
    const before = tf.memory().numTensors;
    const code = ae.encode(x);
    const xHat = ae.decode(code);
    const rec = ae.reconstruct(x);
    const out = ae.forward(x);
    expect(code.shape).toEqual([5, 2]);
    expect(xHat.shape).toEqual([5, 8]);
    expect(rec.shape).toEqual([5, 8]);
    expect(Array.from(out.reconstruction.dataSync())).toEqual(Array.from(rec.dataSync()));
    expect(Array.from(out.code.dataSync())).toEqual(Array.from(code.dataSync()));
    expect(Array.from(xHat.dataSync())).toEqual(Array.from(rec.dataSync()));
    tf.dispose([code, xHat, rec, out.code, out.reconstruction]);
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
    x.dispose();
  });

  it('accepts number[][] and { data, shape } inputs and returns a new tensor without leaking', () => {
    const ae = tiny();
    const rows = [
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
      [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
    ];
    const before = tf.memory().numTensors;
    const a = ae.reconstruct(rows);
    const b = ae.reconstruct({ data: Float32Array.from(rows.flat()), shape: [2, 8] });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    ae.dispose();
  });

  it('leaves the tensor count where it started after creating, training and disposing', () => {
    const x = manifoldData(32, 8, 9);
    const before = tf.memory().numTensors;
    const ae = tiny({ sparsity: { kind: 'l1', weight: 0.01 } });
    fit(ae, { x }, { steps: 3 });
    const { loss, terms } = ae.computeLoss({ x }, { training: false });
    tf.dispose([loss, terms]);
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('returns loss = reconstruction + sparsity and reports both terms', () => {
    const x = manifoldData(16, 8, 4);
    const ae = tiny({ sparsity: { kind: 'l1', weight: 0.5 }, latentActivation: 'relu' });
    const t = evaluate(ae, { x });
    expect(Object.keys(t).sort()).toEqual(['loss', 'reconstruction', 'sparsity']);
    expect(t.loss).toBeCloseTo(t.reconstruction! + t.sparsity!, 6);
    const plainMse = tf.tidy(() => mse(x, ae.reconstruct(x)).dataSync()[0]!);
    expect(t.reconstruction).toBeCloseTo(plainMse, 6);
    ae.dispose();
    x.dispose();
  });

  it('checks at construction that the decoder reads the code and gives the input shape', () => {
    const encoder = denseEncoder({ inputDim: 8, latentDim: 3 });
    const wrongIn = denseDecoder({ latentDim: 4, outputDim: 8 });
    const wrongOut = denseDecoder({ latentDim: 3, outputDim: 7 });
    expect(() => new Autoencoder({ encoder, decoder: wrongIn })).toThrow(
      "Autoencoder: the decoder's input must have shape [?,3] (the encoder's output shape), got [?,4]",
    );
    expect(() => new Autoencoder({ encoder, decoder: wrongOut })).toThrow(
      "Autoencoder: the decoder's output must have shape [?,8] (the encoder's input shape), got [?,7]",
    );
    expect(() => new Autoencoder({ encoder, decoder: {} as tfl.LayersModel })).toThrow(TypeError);
    const decoder = denseDecoder({ latentDim: 3, outputDim: 8 });
    expect(() => new Autoencoder({ encoder, decoder, loss: 'l2' as 'mse' })).toThrow(/argument 'loss'/);
    for (const m of [encoder, wrongIn, wrongOut, decoder]) m.dispose();
  });

  it('rejects inputs of the wrong width and bad options with errors naming them', () => {
    const ae = tiny();
    const before = tf.memory().numTensors;
    expect(() => ae.encode(tf.zeros([2, 7]))).toThrow("Autoencoder.encode: argument 'x' must have shape [?,8] (the encoder's input shape), got shape [2,7]");
    expect(() => ae.decode([[1, 2, 3]])).toThrow(/Autoencoder.decode: argument 'z' must have shape \[\?,2\]/);
    expect(() => ae.computeLoss({ x: tf.zeros([2, 9]) }, { training: true })).toThrow(/batch.x/);
    expect(tf.memory().numTensors).toBe(before + 2); // the two tf.zeros above
    expect(() => tiny({ sparsity: { kind: 'l2', weight: 1 } as never })).toThrow(/sparsity.kind/);
    expect(() => tiny({ sparsity: { kind: 'l1', weight: -1 } })).toThrow(/sparsity.weight/);
    ae.dispose();
    expect(() => ae.encode([[0, 0, 0, 0, 0, 0, 0, 0]])).toThrow('Autoencoder.encode: the model was disposed');
  });

  it('describes itself with a JSON-able config', () => {
    const ae = tiny({ loss: 'bce', sparsity: { kind: 'kl-bernoulli', weight: 0.1 }, latentActivation: 'sigmoid' });
    const config = ae.getConfig();
    expect(JSON.parse(JSON.stringify(config))).toEqual({
      kind: 'autoencoder',
      inputShape: [8],
      codeShape: [2],
      loss: 'bce',
      sparsity: { kind: 'kl-bernoulli', rho: 0.05, weight: 0.1 },
      corruptor: null,
    });
    expect(ae.kind).toBe('autoencoder');
    ae.dispose();
  });

  it('gives the same weights and losses for the same seed', () => {
    const x = manifoldData(8, 8, 1);
    const a = tiny({ seed: 42 });
    const b = tiny({ seed: 42 });
    const c = tiny({ seed: 43 });
    expect(evaluate(a, { x }).loss).toBe(evaluate(b, { x }).loss);
    expect(evaluate(a, { x }).loss).not.toBe(evaluate(c, { x }).loss);
    for (const m of [a, b, c]) m.dispose();
    x.dispose();
  });

  it('composes with convolutional networks on images: [n, h, w, c] in and out, and learns', () => {
    const before = tf.memory().numTensors;
    const images = tf.tidy(() => {
      // Bright squares at random places on 8×8 images.
      const rows = Array.from({ length: 16 }, (_, i) => {
        const r = i % 5;
        const c = (i * 3) % 5;
        return Array.from({ length: 64 }, (_, p) => (Math.floor(p / 8) - r < 3 && Math.floor(p / 8) >= r && (p % 8) - c < 3 && p % 8 >= c ? 1 : 0));
      });
      return tf.tensor4d(rows.flat(), [16, 8, 8, 1]);
    });
    const ae = new Autoencoder({
      encoder: convEncoder({ inputShape: [8, 8, 1], filters: [4, 8], latentDim: 6, seed: 1 }),
      decoder: convDecoder({ latentDim: 6, outputShape: [8, 8, 1], filters: [8, 4], seed: 2 }),
      loss: 'bce',
    });
    expect(ae.inputShape).toEqual([8, 8, 1]);
    const start = evaluate(ae, { x: images }).loss!;
    fit(ae, { x: images }, { steps: 25, learningRate: 0.02 });
    expect(evaluate(ae, { x: images }).loss).toBeLessThan(0.8 * start);
    const rec = ae.reconstruct(images);
    expect(rec.shape).toEqual([16, 8, 8, 1]);
    expect(() => ae.encode(tf.zeros([1, 8, 8]))).toThrow(/must have shape \[\?,8,8,1\]/);
    rec.dispose();
    ae.dispose();
    images.dispose();
    // A VAE over a convolutional body works the same way.
    const vae = new VAE({
      encoder: gaussianEncoder({ body: convEncoder({ inputShape: [8, 8, 1], filters: [4], latentDim: 6 }), latentDim: 2 }),
      decoder: convDecoder({ latentDim: 2, outputShape: [8, 8, 1], filters: [4] }),
    });
    const s = vae.sample(3, { seed: 1 });
    expect(s.shape).toEqual([3, 8, 8, 1]);
    s.dispose();
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before + 1); // the tf.zeros in the error check
  });

  it('accepts any tf.LayersModel, such as hand-built tf.sequential networks', () => {
    const before = tf.memory().numTensors;
    const encoder = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 3, activation: 'tanh' })] });
    const decoder = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [3], units: 8 }), tfl.layers.activation({ activation: 'sigmoid' })],
    });
    const ae = new Autoencoder({ encoder, decoder, loss: 'bce' });
    const x = manifoldData(16, 8, 12);
    const ours = evaluate(ae, { x }).reconstruction!;
    const reference = tf.tidy(() => bce(x, ae.reconstruct(x)).dataSync()[0]!);
    expect(ours).toBeCloseTo(reference, 5);
    const start = evaluate(ae, { x }).loss!;
    fit(ae, { x }, { steps: 30, learningRate: 0.05 });
    expect(evaluate(ae, { x }).loss).toBeLessThan(start);
    x.dispose();
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
