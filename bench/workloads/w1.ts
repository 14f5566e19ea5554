/**
 * W1: dense autoencoder 784-256-64-256-784 (ReLU on every hidden layer and the code, sigmoid
 * output), BCE, Adam 1e-3, batch 128, shuffled. Seconds per epoch, final train loss, test BCE;
 * the package, plain tfjs-layers `model.fit`, and PyTorch, side by side.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { denseAutoencoder } from '../../src/models/index.js';
import { evaluate } from '../../src/train/index.js';
import type { BenchContext } from '../lib/context.js';
import { peakRssMb } from '../lib/env.js';
import type { ImplResult, WorkloadReport } from '../lib/report.js';
import { BATCH, EpochClock, LEARNING_RATE, runTrainingWorkload, timePackage } from './common.js';

/** Test BCE of PyTorch 1.13 after 10 epochs (bench/torch_quality.py, the reference). */
export const W1_REFERENCE_BCE = 0.1142;

/** The package's W1 model, trained: per-epoch seconds, losses, test BCE. */
export async function packageW1(ctx: BenchContext, xTrain: tf.Tensor2D, xTest: tf.Tensor2D, epochs: number): Promise<ImplResult> {
  const ae = denseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, latentActivation: 'relu', loss: 'bce', seed: ctx.seed, init: 'torch' });
  try {
    const { clock, losses } = await timePackage(ae, xTrain, epochs, ctx.seed);
    const { terms } = await evaluate(ae, xTest, { batchSize: 500 });
    return { impl: 'package', ...clock.fields(), trainLoss: losses[losses.length - 1]!, test: terms['reconstruction']! };
  } finally {
    ae.dispose();
  }
}

/** The tfjs-layers model and `fit` call a user would write for W1. */
export async function plainW1(xTrain: tf.Tensor2D, xTest: tf.Tensor2D, epochs: number, impl: string): Promise<ImplResult> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 784, activation: 'sigmoid' }),
    ],
  });
  const optimizer = tf.train.adam(LEARNING_RATE);
  try {
    model.compile({ optimizer, loss: 'binaryCrossentropy' });
    const clock = new EpochClock();
    let trainLoss = Number.NaN;
    await model.fit(xTrain, xTrain, {
      epochs,
      batchSize: BATCH,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochBegin: async () => clock.begin(),
        onEpochEnd: async (_epoch, logs) => {
          clock.end();
          trainLoss = logs?.['loss'] ?? Number.NaN;
        },
      },
    });
    const testTensor = tf.tidy(() => tf.mean(tfl.metrics.binaryCrossentropy(xTest, model.predict(xTest) as tf.Tensor)));
    const test = (await testTensor.data())[0]!;
    testTensor.dispose();
    return { impl, ...clock.fields(), trainLoss, test };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/** Runs W1 on the active backend. */
export async function runW1(ctx: BenchContext, backend: string): Promise<WorkloadReport> {
  return runTrainingWorkload(ctx, backend, {
    id: 'w1',
    title: 'W1 dense autoencoder 784-256-64-256-784, BCE, Adam, batch 128',
    testMetric: 'test BCE',
    epochs: ctx.epochs.w1,
    referenceEpochs: 10,
    reference: W1_REFERENCE_BCE,
    plain: 'fit',
    runPackage: (xTrain, xTest) => packageW1(ctx, xTrain, xTest, ctx.epochs.w1),
    runPlain: (xTrain, xTest, impl) => plainW1(xTrain, xTest, ctx.plainEpochs, impl),
    afterPackage: (notes) => {
      if (!backend.startsWith('webgpu')) notes.push(`peak RSS of the process after the package's W1 training (data loaded, backend started): ${peakRssMb().toFixed(0)} MB (target < 400 MB)`);
    },
  });
}
