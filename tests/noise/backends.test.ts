// The corruptors draw their random numbers in JavaScript, so a seed gives the same output on
// every backend: checked here on cpu against wasm.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { composeCorruptors, gaussianNoise, maskingNoise, saltAndPepperNoise } from '../../src/noise/index.js';

describe('corruptors across backends', () => {
  it('give the same output for the same seed on cpu and on wasm', async () => {
    const corruptors = [
      gaussianNoise({ stddev: 0.5, clip: [0, 1] }),
      maskingNoise({ rate: 0.3 }),
      saltAndPepperNoise({ rate: 0.2 }),
      composeCorruptors(maskingNoise({ rate: 0.2 }), gaussianNoise({ stddev: 0.1 })),
    ];
    const data = Float32Array.from({ length: 40 * 25 }, (_, i) => (i % 17) / 17);
    const run = (): number[][] =>
      corruptors.map((corrupt) =>
        tf.tidy(() => Array.from(corrupt(tf.tensor2d(data, [40, 25]), { seed: 99 }).dataSync())),
      );
    await useBackend('cpu');
    const onCpu = run();
    await useBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = run();
    onCpu.forEach((values, i) => expect(onWasm[i], corruptors[i]!.config.kind).toEqual(values));
    await useBackend('cpu');
  });
});
