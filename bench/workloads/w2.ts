/**
 * W2: VAE 784-512-(20, 20) / 20-512-784, Bernoulli, Adam 1e-3, batch 128, shuffled. Seconds per
 * epoch and the test negative ELBO (one sample z ~ q(z|x) per digit, as PyTorch's test loop);
 * the package, the tfjs-layers training loop a user would write (as tfjs-examples/vae:
 * `optimizer.minimize` on a loss built from the layers' outputs), and PyTorch.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { denseVae } from '../../src/models/index.js';
import type { BenchContext } from '../lib/context.js';
import type { ImplResult, WorkloadReport } from '../lib/report.js';
import { BATCH, EpochClock, LEARNING_RATE, runTrainingWorkload, timePackage } from './common.js';

/** Test −ELBO of PyTorch 1.13 after 20 epochs (bench/torch_quality.py, the reference). */
export const W2_REFERENCE_NELBO = 113.4;
const EVAL_BATCH = 500;

/** The package's W2 model, trained: per-epoch seconds, losses, test −ELBO (one sample). */
export async function packageW2(ctx: BenchContext, xTrain: tf.Tensor2D, xTest: tf.Tensor2D, epochs: number): Promise<ImplResult> {
  const vae = denseVae({ inputDim: 784, hidden: [512], latentDim: 20, seed: ctx.seed, init: 'torch' });
  try {
    const { clock, losses } = await timePackage(vae, xTrain, epochs, ctx.seed);
    // The one-sample estimate PyTorch's test loop computes (bench/quality.ts does the same).
    const n = xTest.shape[0];
    let sum = 0;
    for (let offset = 0, i = 0; offset < n; offset += EVAL_BATCH, i++) {
      const size = Math.min(EVAL_BATCH, n - offset);
      const loss = tf.tidy(() => vae.computeLoss({ x: tf.slice(xTest, [offset, 0], [size, 784]) }, { training: true, seed: 1000 + i }).loss);
      sum += (await loss.data())[0]! * size;
      loss.dispose();
    }
    return { impl: 'package', ...clock.fields(), trainLoss: losses[losses.length - 1]!, test: sum / n };
  } finally {
    vae.dispose();
  }
}

/** Per-sample −ELBO, batch mean, as tfjs-examples/vae writes it. */
function vaeLoss(x: tf.Tensor, reconstruction: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const rec = tf.mul(tfl.metrics.binaryCrossentropy(x, reconstruction), 784);
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar))), -1));
    return tf.mean(tf.add(rec, kl)) as tf.Scalar;
  });
}

/** The tfjs-layers VAE and training loop a user would write for W2. */
export async function plainW2(xTrain: tf.Tensor2D, xTest: tf.Tensor2D, epochs: number, seed: number, impl: string): Promise<ImplResult> {
  const input = tfl.input({ shape: [784] });
  const h = tfl.layers.dense({ units: 512, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  const mean = tfl.layers.dense({ units: 20 }).apply(h) as tfl.SymbolicTensor;
  const logVar = tfl.layers.dense({ units: 20 }).apply(h) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: input, outputs: [mean, logVar] });
  const decoder = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [20], units: 512, activation: 'relu' }), tfl.layers.dense({ units: 784, activation: 'sigmoid' })],
  });
  const optimizer = tf.train.adam(LEARNING_RATE);
  const loss = (x: tf.Tensor, s: number): tf.Scalar => {
    const [m, lv] = encoder.apply(x) as tf.Tensor[];
    const z = tf.add(m!, tf.mul(tf.exp(tf.mul(lv!, 0.5)), tf.randomNormal(m!.shape, 0, 1, 'float32', s)));
    return vaeLoss(x, decoder.apply(z) as tf.Tensor, m!, lv!);
  };
  try {
    const n = xTrain.shape[0];
    const clock = new EpochClock();
    let trainLoss = Number.NaN;
    for (let epoch = 0; epoch < epochs; epoch++) {
      clock.begin();
      const order = new Int32Array(n).map((_, i) => i);
      tf.util.shuffle(order);
      const orderTensor = tf.tensor1d(order, 'int32');
      let sum: tf.Tensor = tf.scalar(0);
      for (let offset = 0, b = 0; offset < n; offset += BATCH, b++) {
        const size = Math.min(BATCH, n - offset);
        const xb = tf.tidy(() => tf.gather(xTrain, tf.slice(orderTensor, [offset], [size])));
        const cost = optimizer.minimize(() => loss(xb, seed * 100003 + epoch * 1009 + b), true)!;
        const next = tf.add(sum, tf.mul(cost, size));
        tf.dispose([xb, cost, sum]);
        sum = next;
      }
      trainLoss = (await sum.data())[0]! / n;
      tf.dispose([sum, orderTensor]);
      clock.end();
    }
    const testLoss = tf.tidy(() => loss(xTest, 1000));
    const test = (await testLoss.data())[0]!;
    testLoss.dispose();
    return { impl, ...clock.fields(), trainLoss, test };
  } finally {
    encoder.dispose();
    decoder.dispose();
    optimizer.dispose();
  }
}

/** Runs W2 on the active backend. */
export async function runW2(ctx: BenchContext, backend: string): Promise<WorkloadReport> {
  return runTrainingWorkload(ctx, backend, {
    id: 'w2',
    title: 'W2 VAE 784-512-(20, 20) / 20-512-784, Bernoulli, Adam, batch 128',
    testMetric: 'test −ELBO',
    epochs: ctx.epochs.w2,
    referenceEpochs: 20,
    reference: W2_REFERENCE_NELBO,
    plain: 'loop',
    runPackage: (xTrain, xTest) => packageW2(ctx, xTrain, xTest, ctx.epochs.w2),
    runPlain: (xTrain, xTest, impl) => plainW2(xTrain, xTest, ctx.plainEpochs, ctx.seed, impl),
    notes: [
      "the plain tfjs-layers VAE is trained as tfjs-examples/vae does it: `optimizer.minimize` on the −ELBO built from the layers' outputs (tfjs-layers' `fit` has no VAE loss); its loss is summed on the device and read once per epoch",
    ],
  });
}
