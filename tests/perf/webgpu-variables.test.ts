// The trainer on WebGPU with a model's worth of variables: its gradient check must not bind one
// buffer per variable (tfjs' AddN does; devices in compatibility mode allow only a few).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import type { Batch, LossOutput, TrainableModel } from '../../src/models/contract.js';
import { train } from '../../src/train/index.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

/** A 6-layer linear network (12 variables) with an MSE reconstruction loss. */
function deepLinear(features: number): TrainableModel & { dispose(): void } {
  const widths = [features, 6, 5, 4, 5, 6, features];
  const vars: tf.Variable[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    vars.push(tf.variable(tf.randomNormal([widths[i]!, widths[i + 1]!], 0, 0.4, 'float32', 10 + i)));
    vars.push(tf.variable(tf.zeros([widths[i + 1]!])));
  }
  return {
    trainableVariables: vars,
    computeLoss(batch: Batch): LossOutput {
      return tf.tidy(() => {
        let h = batch.x;
        for (let i = 0; i < vars.length; i += 2) h = tf.add(tf.matMul(h, vars[i]!), vars[i + 1]!);
        const loss = tf.mean(tf.square(tf.sub(h, batch.x))) as tf.Scalar;
        return { loss, terms: {} };
      });
    },
    dispose: () => tf.dispose(vars),
  };
}

describe('train on WebGPU in compatibility mode', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('trains a model of twelve variables with the losses of the cpu backend', async () => {
    const rows = tf.tidy(() => tf.randomUniform([40, 8], 0, 1, 'float32', 3));
    const data = { data: (await rows.data()) as Float32Array, shape: [40, 8] as [number, number] };
    rows.dispose();
    const options = { epochs: 2, batchSize: 10, seed: 1, learningRate: 0.01 } as const;
    await tf.setBackend('cpu');
    const reference = deepLinear(8);
    const expected = (await train(reference, data, options)).epochs.map((e) => e.loss);
    reference.dispose();
    await useBackend('webgpu', { nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } });
    const model = deepLinear(8);
    const withClip = deepLinear(8);
    const losses = (await train(model, data, options)).epochs.map((e) => e.loss);
    const clipped = (await train(withClip, data, { ...options, clipNorm: 100 })).epochs.map((e) => e.loss);
    losses.forEach((l, i) => expect(l).toBeCloseTo(expected[i]!, 4));
    clipped.forEach((l, i) => expect(l).toBeCloseTo(expected[i]!, 4));
    model.dispose();
    withClip.dispose();
  });
});
