// The test lab (lab.html): the package bundled for the browser, with small, deterministic
// experiments exposed on `window.lab` for the end-to-end tests (tests/browser/) to call through
// Playwright. Every function takes and returns plain JSON values.
import * as tf from '@tensorflow/tfjs-core';
import { probeAdapter, startBackend, type AdapterProbe } from './backend.js';
import { PIXELS, loadDigits, toUnit } from './digits.js';
import { fitPca, loadFromIndexedDb, saveToIndexedDb, type DemoModel } from './extras.js';
import { denseAutoencoder, denseVae, evaluate, train, type BackendInfo, type BackendPreference } from './lib.js';

/** Samples and features of the tiny data set. */
export const TINY = { n: 48, d: 16 } as const;

/** A deterministic `n × d` data set in (0.1, 0.9): smooth waves, the same on every backend. */
export function tinyData(n: number = TINY.n, d: number = TINY.d): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = 0.5 + 0.4 * Math.sin(0.7 * i + 1.3 * j + 0.2 * ((i * j) % 5));
  }
  return out;
}

/** Which tiny model to build. */
export type TinyKind = 'ae' | 'vae';

/** What {@link trainTiny} reports. */
export interface TinyRun {
  readonly backend: string;
  /** How `train` ran the steps (`history.path`): the fused WebGPU kernels or tfjs' per-op kernels. */
  readonly path: string;
  /** The model's trainable variables before training, flattened, in order. */
  readonly initialWeights: number[][];
  /** The loss of every batch, in order. */
  readonly batchLosses: number[];
  /** The mean training loss of every epoch. */
  readonly epochLosses: number[];
  /** `evaluate` on the whole data set after training. */
  readonly evaluated: number;
  /** Reconstruction of the first 4 samples after training, flattened. */
  readonly reconstruction: number[];
  /** Tensors alive after the run and its clean-up minus those alive before. */
  readonly leakedTensors: number;
}

/** Options of {@link trainTiny}. */
export interface TinyOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
}

function buildTiny(kind: TinyKind, seed: number): DemoModel {
  return kind === 'vae'
    ? denseVae({ inputDim: TINY.d, hidden: [8], latentDim: 2, seed })
    : denseAutoencoder({ inputDim: TINY.d, hidden: [8], latentDim: 4, loss: 'mse', seed });
}

/**
 * Builds a tiny model (16-8-4 autoencoder or 16-8-2 VAE) from `seed` on the active backend and
 * trains it for a few steps on {@link tinyData}: with the defaults, 3 epochs of 3 batches of 16.
 */
export async function trainTiny(kind: TinyKind, options: TinyOptions = {}): Promise<Omit<TinyRun, 'leakedTensors'>> {
  const { epochs = 3, batchSize = 16, learningRate = 0.01, seed = 7 } = options;
  const model = buildTiny(kind, seed);
  const x = tf.tensor2d(tinyData(), [TINY.n, TINY.d]);
  try {
    const initialWeights = await Promise.all(model.trainableVariables.map(async (v) => Array.from(await v.data())));
    const batchLosses: number[] = [];
    const history = await train(model, x, {
      epochs,
      batchSize,
      learningRate,
      seed,
      callbacks: { onBatchEnd: (_b, log) => void batchLosses.push(log.loss) },
    });
    const { loss: evaluated } = await evaluate(model, x, { seed });
    const xHat = tf.tidy(() => model.reconstruct(tf.slice(x, [0, 0], [4, TINY.d])));
    const reconstruction = Array.from(await xHat.data());
    xHat.dispose();
    return {
      backend: tf.getBackend(),
      path: history.path,
      initialWeights,
      batchLosses,
      epochLosses: history.epochs.map((e) => e.loss),
      evaluated,
      reconstruction,
    };
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** {@link trainTiny}, counting the tensors left behind once the model and data are disposed. */
async function trainTinyChecked(kind: TinyKind, options: TinyOptions = {}): Promise<TinyRun> {
  const before = tf.memory().numTensors;
  const run = await trainTiny(kind, options);
  return { ...run, leakedTensors: tf.memory().numTensors - before };
}

/** Trains a tiny model, saves it to `url` and returns its reconstruction of {@link tinyData}. */
async function trainAndSave(url: string, kind: TinyKind = 'ae'): Promise<{ backend: string; reconstruction: number[] }> {
  const model = buildTiny(kind, 11);
  const x = tf.tensor2d(tinyData(), [TINY.n, TINY.d]);
  try {
    await train(model, x, { epochs: 2, batchSize: 16, learningRate: 0.01, seed: 11 });
    await saveToIndexedDb(model, url);
    const xHat = model.reconstruct(x);
    const reconstruction = Array.from(await xHat.data());
    xHat.dispose();
    return { backend: tf.getBackend(), reconstruction };
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** Loads the model saved at `url` and returns its reconstruction of {@link tinyData}. */
async function loadAndReconstruct(url: string): Promise<{ backend: string; reconstruction: number[] }> {
  const model = await loadFromIndexedDb(url);
  const x = tf.tensor2d(tinyData(), [TINY.n, TINY.d]);
  try {
    const xHat = model.reconstruct(x);
    const reconstruction = Array.from(await xHat.data());
    xHat.dispose();
    return { backend: tf.getBackend(), reconstruction };
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** Fits PCA on the first `samples` MNIST digits of the page and reconstructs the next `held` ones. */
async function pcaOnDigits(samples: number, components: number, held: number): Promise<{ explained: number; mse: number; reconstruction: number[] }> {
  const digits = await loadDigits();
  const test = toUnit(digits, samples, held);
  const fit = await fitPca(toUnit(digits, 0, samples), samples, components, test, held);
  let sum = 0;
  for (let i = 0; i < test.length; i++) sum += (test[i]! - fit.reconstruction[i]!) ** 2;
  return { explained: fit.explained, mse: sum / test.length, reconstruction: Array.from(fit.reconstruction.subarray(0, PIXELS)) };
}

const lab = {
  probeAdapter: (): Promise<AdapterProbe> => probeAdapter(),
  useBackend: (preference: BackendPreference, allowSoftwareAdapter?: boolean): Promise<BackendInfo> =>
    startBackend(preference, allowSoftwareAdapter === undefined ? {} : { allowSoftwareAdapter }),
  /** The tfjs backend that is active now. */
  backend: (): string => tf.getBackend(),
  crossOriginIsolated: (): boolean => globalThis.crossOriginIsolated,
  /**
   * Starts wasm with `threads` and returns what useBackend says, with the bits (as int32) of a
   * 128 × 256 × 128 product large enough to be split over the threads.
   */
  wasmProduct: async (threads: number | 'auto'): Promise<{ info: BackendInfo; bits: number[] }> => {
    const info = await startBackend('wasm', { threads });
    const c = tf.tidy(() => tf.matMul(tf.randomUniform([128, 256], -1, 1, 'float32', 1), tf.randomUniform([256, 128], -1, 1, 'float32', 2)));
    const bits = Array.from(new Int32Array((c.dataSync() as Float32Array).slice().buffer));
    c.dispose();
    return { info, bits };
  },
  trainTiny: trainTinyChecked,
  trainAndSave,
  loadAndReconstruct,
  pcaOnDigits,
  tinyData: (): number[] => Array.from(tinyData()),
};

/** What the lab page puts on `window.lab`. */
export type Lab = typeof lab;

(globalThis as { lab?: Lab }).lab = lab;
document.body.dataset['state'] = 'ready';
