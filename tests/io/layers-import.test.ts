// importLayersModel reads what tensorflowjs_converter writes from Keras 2: the model_config wrapper
// (training_config ignored), sharded weights in several groups, uint8 / uint16 / float16
// quantization. The files under tests/fixtures/keras-layers/ and the expected values in
// tests/fixtures/keras-layers.json were written by tests/fixtures/make-keras-layers-fixtures.py
// (the converter's documented format; expected outputs by PyTorch in float64).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLayersModel } from '../../src/io/index.js';
import { VAE, type LayersSettings } from '../../src/models/index.js';
import { CASES as cases, FIXTURE_DIR as DIR, fixtureArtifacts } from './layers-fixtures.js';

/** Outputs of a network, as nested arrays (tensors disposed). */
function run(network: tfl.LayersModel, input: number[][]): number[][][] {
  return tf.tidy(() => {
    const out = network.predict(tf.tensor(input));
    return (Array.isArray(out) ? out : [out]).map((t) => t.arraySync() as number[][]);
  });
}

/** |a − b| ≤ 1e-5 everywhere (float32 forward pass against PyTorch's float64 one). */
function expectClose(actual: unknown, expected: unknown): void {
  const a = (actual as number[]).flat(4) as number[];
  const b = (expected as number[]).flat(4) as number[];
  expect(a.length).toBe(b.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
  expect(worst).toBeLessThanOrEqual(1e-5);
}

describe('importLayersModel with converter-shaped Keras files', () => {
  it('joins the shards of two weight groups in paths order (a Keras 2 functional network)', async () => {
    expect((await readdir(join(DIR, 'dense-sharded'))).filter((f) => f.endsWith('.bin'))).toHaveLength(6);
    const before = tf.memory().numTensors;
    const network = await importLayersModel(join(DIR, 'dense-sharded'));
    expectClose(run(network, cases['dense-sharded']!.input), cases['dense-sharded']!.outputs);
    network.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('dequantizes uint8 weights as q · scale + min (a Keras 2 Sequential convolutional network)', async () => {
    const network = await importLayersModel(join(DIR, 'conv-uint8'));
    const c = cases['conv-uint8']!;
    expectClose(run(network, c.input as never), c.outputs);
    // The weights are exactly the float32 values the script dequantized.
    const kernel = network.getLayer('conv2d').getWeights()[0]!;
    const bias = network.getLayer('code').getWeights()[1]!;
    expect(Array.from(kernel.dataSync())).toEqual(Array.from(new Float32Array((c.weights!['conv2d/kernel'] as unknown as number[]).flat(4) as number[])));
    expect(Array.from(bias.dataSync())).toEqual(Array.from(new Float32Array(c.weights!['code/bias']!)));
    network.dispose();
  });

  it('reads float16 kernels and uint16 biases of a two-headed encoder', async () => {
    const network = await importLayersModel(join(DIR, 'vae-encoder-float16'));
    const c = cases['vae-encoder-float16']!;
    expect(network.outputs).toHaveLength(2);
    expectClose(run(network, c.input), c.outputs);
    const [kernel, bias] = network.getLayer('hidden').getWeights();
    expect(Array.from(kernel!.dataSync())).toEqual(Array.from(new Float32Array((c.weights!['hidden/kernel'] as unknown as number[][]).flat())));
    expect(Array.from(bias!.dataSync())).toEqual(Array.from(new Float32Array(c.weights!['hidden/bias']!)));
    network.dispose();
  });

  it('gives the same network from a directory, from { modelJson, weights: shards } and from one joined buffer', async () => {
    const artifacts = await fixtureArtifacts('dense-sharded');
    const shards = artifacts.weights as Uint8Array[];
    const joined = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
    shards.reduce((offset, s) => (joined.set(s, offset), offset + s.byteLength), 0);
    for (const source of [artifacts, { modelJson: artifacts.modelJson, weights: joined }]) {
      const network = await importLayersModel(source);
      expectClose(run(network, cases['dense-sharded']!.input), cases['dense-sharded']!.outputs);
      network.dispose();
    }
  });

  it("gives tfjs-layers' own tf.loadLayersModel outputs bit for bit (its own dequantization and shard joining)", async () => {
    for (const name of ['dense-sharded', 'conv-uint8', 'vae-encoder-float16', 'vae-decoder']) {
      const { modelJson, weights } = await fixtureArtifacts(name);
      const json = JSON.parse(modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
      const joined = new Uint8Array(weights.reduce((n, s) => n + s.byteLength, 0));
      weights.reduce((offset, s) => (joined.set(s, offset), offset + s.byteLength), 0);
      const theirs = await tfl.loadLayersModel(
        tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: joined.buffer }),
      );
      const ours = await importLayersModel(join(DIR, name));
      const input = cases[name]!.input;
      expect(run(ours, input)).toEqual(run(theirs, input));
      ours.dispose();
      theirs.dispose();
    }
  });

  it('rebuilds a VAE from Keras networks and autoencoders.json with VAE.fromLayersModels', async () => {
    const before = tf.memory().numTensors;
    const encoder = await importLayersModel(join(DIR, 'vae-encoder-float16'));
    const decoder = await importLayersModel(join(DIR, 'vae-decoder'));
    const settings = JSON.parse(await readFile(join(DIR, 'vae-decoder', 'autoencoders.json'), 'utf8')) as LayersSettings;
    const vae = VAE.fromLayersModels({ encoder, decoder, settings });
    // The fixture's settings predate objectives: β alone, which becomes the ELBO objective with it.
    const config = settings.config as { beta: number };
    expect(vae.getConfig()).toEqual({ ...config, objective: { kind: 'elbo', beta: config.beta, freeBits: 0 } });
    const x = tf.tensor2d(cases['vae-reconstruct']!.input);
    const reconstruction = vae.reconstruct(x);
    expectClose(reconstruction.arraySync(), cases['vae-reconstruct']!.outputs);
    const z = tf.tensor2d(cases['vae-decoder']!.input);
    const decoded = vae.decode(z);
    expectClose(decoded.arraySync(), cases['vae-decoder']!.outputs);
    tf.dispose([x, reconstruction, z, decoded]);
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
