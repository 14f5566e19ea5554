// A detector trained and fitted on WebGPU (in Node: Dawn on OpenGL ES / llvmpipe, as in
// tests/backend/webgpu-node.test.ts), saved, then loaded and scored on cpu: the same scores to 1e-5.
import { describe, expect, it } from 'vitest';
import { AnomalyDetector } from '../../src/anomaly/index.js';
import { useBackend } from '../../src/backend/index.js';
import { createRng } from '../../src/core/index.js';
import { loadModel, saveModel } from '../../src/io/index.js';
import type { Autoencoder } from '../../src/models/index.js';
import { denseAutoencoder } from '../../src/models/index.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

function rows(n: number, seed: number, shift = 0): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const t = rng();
    return [t, 1 - t, 3 * t, 5, 10 * t * t, -2 * t].map((v, j) => v + 0.05 * (rng() - 0.5) + (j === 4 ? shift : 0));
  });
}

describe('a detector saved on WebGPU and loaded on cpu', () => {
  it('gives the same scores, flags and threshold', async () => {
    const test = [...rows(30, 6), ...rows(10, 7, 3)];
    let saved;
    let onGpu: Float32Array;
    let threshold: number | null;
    try {
      await useBackend('webgpu', { nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } });
      const ae = denseAutoencoder({ inputDim: 6, hidden: [12], latentDim: 2, outputActivation: 'linear', seed: 5 });
      const det = await new AnomalyDetector(ae, { scaler: 'robust', threshold: { method: 'iqr' }, trainOptions: { epochs: 3, batchSize: 32, seed: 2 } }).fit(rows(120, 1));
      onGpu = await det.score(test);
      threshold = det.threshold;
      saved = await saveModel(det, { type: 'memory' });
      ae.dispose();
    } finally {
      await useBackend('cpu');
    }
    const copy = await loadModel(saved, { kind: 'detector' });
    const onCpu = await copy.score(test);
    expect(copy.threshold).toBe(threshold);
    for (let i = 0; i < test.length; i++) expect(Math.abs(onCpu[i]! - onGpu[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(onGpu[i]!)));
    (copy.model as Autoencoder).dispose();
  });
});
