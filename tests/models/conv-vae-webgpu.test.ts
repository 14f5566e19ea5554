// convVae and convCvae on WebGPU (in Node: Dawn on OpenGL ES / llvmpipe with EGL_PLATFORM=surfaceless,
// as in tests/backend/webgpu-node.test.ts). Each model is built and saved on cpu; the same weights,
// loaded on webgpu and on cpu, give the same loss terms (1e-5 relative) and the same first three epochs
// of training (1e-4 relative: the conv kernels' float32 summation orders may differ and Adam carries
// the differences forward), and training on webgpu lowers the loss. Measured on llvmpipe: at most
// 3.1e-7 relative for the terms, 8.8e-8 for the epoch losses.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { type SavedArtifacts, loadModel, saveModel } from '../../src/io/index.js';
import { type CVAE, type VAE, convCvae, convVae } from '../../src/models/index.js';
import { train } from '../../src/train/index.js';
import { bars } from './helpers.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

const WEBGPU = { nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } } as const;
const LOSS_RTOL = 1e-5;
const TRAIN_RTOL = 1e-4;

interface Run {
  /** loss and terms of computeLoss (training: true, seed 5), then of an evaluation pass (seed 6). */
  readonly terms: Record<string, number>;
  /** Epoch losses of 3 epochs of training from the saved weights. */
  readonly epochs: number[];
}

/** Loads the saved model on the current backend, takes its loss terms, then trains it 3 epochs. */
async function run(saved: SavedArtifacts, conditional: boolean): Promise<Run> {
  const model = (await loadModel(saved)) as VAE | CVAE;
  const { x, y } = bars(24, 3);
  const batch = conditional ? { x, y } : { x };
  const terms: Record<string, number> = {};
  for (const [prefix, context] of [
    ['', { training: true, seed: 5 }],
    ['eval ', { training: false, seed: 6 }],
  ] as const) {
    const out = model.computeLoss(batch, context);
    terms[`${prefix}loss`] = (await out.loss.data())[0]!;
    for (const [k, t] of Object.entries(out.terms)) terms[`${prefix}${k}`] = (await t.data())[0]!;
    tf.dispose([out.loss, ...Object.values(out.terms)]);
  }
  const history = await train(model as never, conditional ? { x, y } : x, { epochs: 3, batchSize: 8, learningRate: 0.01, seed: 2 });
  model.dispose();
  tf.dispose([x, y]);
  return { terms, epochs: history.epochs.map((e) => e.loss) };
}

function expectClose(gpu: number, cpu: number, rtol: number, label: string): void {
  expect(Number.isFinite(gpu), `${label} on webgpu: ${gpu}`).toBe(true);
  expect(Math.abs(gpu - cpu), `${label}: webgpu ${gpu}, cpu ${cpu}`).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(cpu)));
}

describe('convVae and convCvae on WebGPU', () => {
  afterAll(async () => {
    await useBackend('cpu');
  });

  const cases = [
    ['convVae', false, () => convVae({ inputShape: [8, 8, 1], filters: [4, 8], latentDim: 2, seed: 1 })],
    ['convCvae', true, () => convCvae({ inputShape: [8, 8, 1], filters: [4, 8], latentDim: 2, numClasses: 2, seed: 1 })],
    ['convCvae with the conditional VampPrior', true, () => convCvae({ inputShape: [8, 8, 1], filters: [4], latentDim: 2, numClasses: 2, seed: 1, prior: { kind: 'vamp', pseudoInputs: 3 } })],
  ] as const;

  it.each(cases)('%s: from the same weights, the loss terms and the first epochs of training agree with cpu', async (_name, conditional, make) => {
    await useBackend('cpu');
    const built = make();
    const saved = await saveModel(built, { type: 'memory' });
    built.dispose();
    const cpu = await run(saved, conditional);
    await useBackend('webgpu', WEBGPU);
    expect(tf.getBackend()).toBe('webgpu');
    const before = tf.memory().numTensors;
    const gpu = await run(saved, conditional);
    expect(tf.memory().numTensors).toBe(before);
    await useBackend('cpu');
    expect(Object.keys(gpu.terms)).toEqual(Object.keys(cpu.terms));
    for (const [k, v] of Object.entries(cpu.terms)) expectClose(gpu.terms[k]!, v, LOSS_RTOL, k);
    cpu.epochs.forEach((v, i) => expectClose(gpu.epochs[i]!, v, TRAIN_RTOL, `epoch ${i + 1} loss`));
    expect(gpu.epochs[2]!).toBeLessThan(gpu.epochs[0]!);
  });
});
