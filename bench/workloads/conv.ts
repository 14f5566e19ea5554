/**
 * Conv: a convolutional autoencoder on the digits, trained on wasm — the package's convolution
 * kernels against tfjs-backend-wasm's own. tfjs-backend-wasm has no `Conv2DBackpropFilter`, so
 * without the package a convolutional model cannot train on wasm at all; the second row keeps the
 * package's `Conv2DBackpropFilter` and uses tfjs' scalar-loop `Conv2DBackpropInput` (which also
 * runs `conv2dTranspose`, the decoder's forward pass). The cpu backend is not shown: its
 * `Conv2DBackpropFilter` loops element by element (tens of seconds per batch here).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Autoencoder } from '../../src/models/index.js';
import { convDecoder, convEncoder } from '../../src/nn/index.js';
import { evaluate, train } from '../../src/train/index.js';
import type { BenchContext } from '../lib/context.js';
import { subset } from '../lib/context.js';
import type { ImplResult, WorkloadReport } from '../lib/report.js';
import { BATCH, EpochClock, LEARNING_RATE, timeRatio } from './common.js';

/** Trains the conv autoencoder once with the kernels now registered: per-epoch times, losses, test BCE. */
async function trainConv(ctx: BenchContext, x: tf.Tensor4D, xTest: tf.Tensor4D, epochs: number, impl: string): Promise<ImplResult> {
  const ae = new Autoencoder({
    encoder: convEncoder({ inputShape: [28, 28, 1], filters: [16, 32], latentDim: 16, seed: ctx.seed }),
    decoder: convDecoder({ latentDim: 16, outputShape: [28, 28, 1], filters: [32, 16], seed: ctx.seed + 1 }),
    loss: 'bce',
  });
  try {
    const clock = new EpochClock();
    const history = await train(ae, x, {
      epochs,
      batchSize: BATCH,
      learningRate: LEARNING_RATE,
      seed: ctx.seed,
      callbacks: { onEpochBegin: () => clock.begin(), onEpochEnd: () => clock.end() },
    });
    const { loss } = await evaluate(ae, xTest, { batchSize: 500 });
    return { impl, ...clock.fields(), trainLoss: history.epochs[history.epochs.length - 1]!.loss, test: loss };
  } finally {
    ae.dispose();
  }
}

/** Runs the conv workload on the active backend (wasm: both kernel sets; otherwise the package only). */
export async function runConv(ctx: BenchContext, backend: string): Promise<WorkloadReport> {
  const notes: string[] = [];
  const trainPart = subset(ctx.data.train, ctx.quick ? 256 : 2000);
  const testPart = subset(ctx.data.test, ctx.quick ? 128 : 500);
  const x = tf.tensor4d(trainPart.x, [trainPart.n, 28, 28, 1]);
  const xTest = tf.tensor4d(testPart.x, [testPart.n, 28, 28, 1]);
  const epochs = ctx.quick ? 1 : 3;
  const rows: ImplResult[] = [];
  try {
    ctx.kernels?.fast();
    rows.push(await trainConv(ctx, x, xTest, epochs, 'package kernels'));
    if (ctx.kernels !== null) {
      ctx.kernels.stock();
      rows.push(await trainConv(ctx, x, xTest, epochs, "tfjs' Conv2DBackpropInput (+ the package's Conv2DBackpropFilter)"));
      ctx.kernels.fast();
    }
  } finally {
    tf.dispose([x, xTest]);
  }
  notes.push(
    `784 → conv 3×3/2 (16) → conv 3×3/2 (32) → dense 16 and the mirror image (convEncoder/convDecoder), BCE, Adam 1e-3, batch ${BATCH}, ${trainPart.n} training and ${testPart.n} test digits, ${epochs} epoch(s)`,
    "tfjs-backend-wasm alone cannot train this model (no Conv2DBackpropFilter); the second row swaps in tfjs' Conv2DBackpropInput only",
  );
  return {
    id: 'conv',
    title: 'Conv: convolutional autoencoder on 28 × 28 digits',
    backend,
    testMetric: 'test BCE',
    rows,
    ratios: timeRatio("package / tfjs' Conv2DBackpropInput", rows[0], rows[1]),
    notes,
  };
}
