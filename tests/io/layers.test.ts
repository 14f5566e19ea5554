// Every layer class of the whitelist goes through saveModel and loadModel: the weight shapes
// inferred from the configs must be exactly those tfjs-layers creates, or saving would refuse
// valid networks.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src/io/index.js';
import { SUPPORTED_LAYERS } from '../../src/io/topology-layers.js';
import { Autoencoder } from '../../src/models/index.js';
import { expectSameBits } from './helpers.js';

type ST = tfl.SymbolicTensor;
const L = tfl.layers;

function imageNetworks(): { encoder: tfl.LayersModel; decoder: tfl.LayersModel } {
  const input = tfl.input({ shape: [8, 8, 2] });
  let x = L.zeroPadding2d({ padding: [[1, 2], [0, 1]] }).apply(input) as ST; // 11 × 9
  x = L.conv2d({ filters: 3, kernelSize: [3, 2], dilationRate: 2, padding: 'valid' }).apply(x) as ST; // 7 × 7
  x = L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(x) as ST;
  x = L.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as ST; // 4 × 4
  x = L.batchNormalization({ axis: 3 }).apply(x) as ST;
  x = L.maxPooling2d({ poolSize: 2 }).apply(x) as ST; // 2 × 2
  x = L.upSampling2d({ size: [3, 2] }).apply(x) as ST; // 6 × 4
  x = L.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }).apply(x) as ST;
  x = L.cropping2D({ cropping: [[1, 0], [0, 1]] }).apply(x) as ST; // 5 × 3
  x = L.layerNormalization({ axis: [1, 3] }).apply(x) as ST;
  const pooled = L.globalAveragePooling2d({}).apply(x) as ST;
  const maxed = L.globalMaxPooling2d({}).apply(x) as ST;
  const flat = L.flatten().apply(x) as ST;
  const joined = L.concatenate().apply([pooled, maxed, flat]) as ST;
  const code = L.dense({ units: 3 }).apply(joined) as ST;
  const encoder = tfl.model({ inputs: input, outputs: code });

  const z = tfl.input({ shape: [3] });
  let y = L.dense({ units: 6 * 6 * 2 }).apply(z) as ST;
  y = L.reshape({ targetShape: [6, -1, 2] }).apply(y) as ST; // 6 × 6 × 2
  y = L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 1, padding: 'valid' }).apply(y) as ST; // 8 × 8
  y = L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' }).apply(y) as ST; // 16 × 16
  y = L.averagePooling2d({ poolSize: 2 }).apply(y) as ST; // 8 × 8
  y = L.permute({ dims: [2, 1, 3] }).apply(y) as ST;
  y = L.activation({ activation: 'sigmoid' }).apply(y) as ST;
  return { encoder, decoder: tfl.model({ inputs: z, outputs: y }) };
}

function sequenceNetworks(): { encoder: tfl.LayersModel; decoder: tfl.LayersModel } {
  const encoder = tfl.sequential({
    layers: [
      L.conv1d({ filters: 4, kernelSize: 2, inputShape: [6, 3], padding: 'same', activation: 'elu' }),
      L.spatialDropout1d({ rate: 0.1 }),
      L.maxPooling1d({ poolSize: 2 }),
      L.conv1d({ filters: 5, kernelSize: 2, dilationRate: 1, strides: 1 }),
      L.averagePooling1d({ poolSize: 2, strides: 1, padding: 'same' }),
      L.globalAveragePooling1d(),
      L.dense({ units: 2, useBias: false }),
    ],
  });
  const z = tfl.input({ shape: [2] });
  let y = L.repeatVector({ n: 6 }).apply(z) as ST;
  const a = L.conv1d({ filters: 3, kernelSize: 1 }).apply(y) as ST;
  const b = L.globalMaxPooling1d().apply(L.conv1d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(y) as ST) as ST;
  y = L.add().apply([a, L.repeatVector({ n: 6 }).apply(b) as ST]) as ST;
  y = L.softmax({ axis: -1 }).apply(y) as ST;
  return { encoder, decoder: tfl.model({ inputs: z, outputs: y }) };
}

function denseNetworks(): { encoder: tfl.LayersModel; decoder: tfl.LayersModel } {
  const input = tfl.input({ shape: [6] });
  const a = L.dense({ units: 4, activation: 'swish', kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }), kernelConstraint: tfl.constraints.maxNorm({ maxValue: 2 }) }).apply(input) as ST;
  const b = L.dense({ units: 4, activation: 'selu', kernelInitializer: 'heNormal', biasInitializer: tfl.initializers.constant({ value: 0.1 }) }).apply(input) as ST;
  const merged = [L.add(), L.multiply(), L.average(), L.maximum(), L.minimum()].map((m) => m.apply([a, b]) as ST);
  let x = L.concatenate().apply(merged) as ST; // 20
  x = L.reLU({ maxValue: 6 }).apply(x) as ST;
  x = L.leakyReLU({ alpha: 0.2 }).apply(x) as ST;
  x = L.gaussianNoise({ stddev: 0.1 }).apply(x) as ST;
  x = L.gaussianDropout({ rate: 0.1 }).apply(x) as ST;
  x = L.alphaDropout({ rate: 0.1 }).apply(x) as ST;
  x = L.dropout({ rate: 0.1 }).apply(x) as ST;
  x = L.reshape({ targetShape: [5, 4] }).apply(x) as ST;
  x = L.prelu({ sharedAxes: [1] }).apply(x) as ST;
  x = L.thresholdedReLU({ theta: 0.01 }).apply(x) as ST;
  x = L.flatten().apply(x) as ST;
  x = L.batchNormalization({ center: false }).apply(x) as ST;
  const code = L.dense({ units: 2, activation: 'tanh' }).apply(x) as ST;
  const encoder = tfl.model({ inputs: input, outputs: code });
  const z = tfl.input({ shape: [2] });
  let y = L.dense({ units: 6, trainable: false }).apply(z) as ST;
  y = L.rescaling({ scale: 0.5, offset: 0.1 }).apply(y) as ST;
  y = L.elu().apply(y) as ST;
  return { encoder, decoder: tfl.model({ inputs: z, outputs: y }) };
}

describe('every supported layer class round trips', () => {
  const cases: [string, () => { encoder: tfl.LayersModel; decoder: tfl.LayersModel }, number[]][] = [
    ['image layers (convolutions, pooling, padding, cropping, up-sampling, normalisation, merges)', imageNetworks, [3, 8, 8, 2]],
    ['sequence layers (Conv1D, 1-D pooling, RepeatVector, Add, Softmax) in Sequential and functional networks', sequenceNetworks, [3, 6, 3]],
    ['dense layers with merges, activations, noise, Reshape, PReLU, non-trainable layers, regularizers and constraints', denseNetworks, [3, 6]],
  ];
  const seen = new Set<string>();
  for (const [name, build, shape] of cases) {
    it(`saves and loads ${name} with the same outputs`, async () => {
      const before = tf.memory().numTensors;
      const ae = new Autoencoder(build());
      for (const network of [ae.encoder, ae.decoder]) for (const layer of network.layers) seen.add(layer.getClassName());
      // Give every weight (moving statistics included) a value of its own.
      tf.tidy(() => {
        for (const w of [...ae.encoder.weights, ...ae.decoder.weights]) {
          (w.read() as tf.Variable).assign(tf.randomUniform(w.shape as number[], 0.1, 0.9, 'float32', seen.size + w.shape.length));
        }
      });
      const again = await loadModel(await saveModel(ae, { type: 'memory' }), { kind: 'autoencoder' });
      expect(again.decoder.trainableWeights.length).toBe(ae.decoder.trainableWeights.length);
      const x = tf.randomUniform(shape, 0, 1, 'float32', 5);
      await expectSameBits(ae.reconstruct(x), again.reconstruct(x));
      x.dispose();
      ae.dispose();
      again.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('refuses a layer whose tfjs config does not describe its weights (SeparableConv2D drops depth_multiplier)', async () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const x = L.separableConv2d({ filters: 3, kernelSize: 1, depthMultiplier: 2 }).apply(input) as ST;
    const encoder = tfl.model({ inputs: input, outputs: L.flatten().apply(x) as ST });
    const z = tfl.input({ shape: [48] });
    const decoder = tfl.model({ inputs: z, outputs: L.reshape({ targetShape: [4, 4, 2] }).apply(L.dense({ units: 32 }).apply(z) as ST) as ST });
    const ae = new Autoencoder({ encoder, decoder });
    const before = tf.memory().numTensors;
    await expect(saveModel(ae, { type: 'memory' })).rejects.toThrow(
      /saveModel: the encoder's layer 'separable_conv2d_SeparableConv2D\d+' \(SeparableConv2D\) has weights of shapes \[1,1,2,2\], \[1,1,4,3\], \[3\], but its configuration describes \[1,1,2,1\], \[1,1,2,3\], \[3\]; this layer cannot be saved faithfully/,
    );
    expect(tf.memory().numTensors).toBe(before);
    ae.dispose();
  });

  it('covers the whole whitelist', () => {
    const missing = SUPPORTED_LAYERS.filter((c) => !seen.has(c));
    expect(missing).toEqual([]);
  });
});
