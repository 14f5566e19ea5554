// What every MNIST example starts with: its command-line flags, the backend and the digits.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadMnistSplit, MNIST_PIXELS, type MnistPart } from '../../bench/mnist-data.js';
import { type BackendInfo, useBackend } from '../../src/index.js';

/** `--quick` (a tiny budget, for the test that runs every example) and `--out DIR`. */
export interface ExampleArgs {
  readonly quick: boolean;
  /** Where the pictures go: `--out`, else `out/` beside the example's main.ts. */
  readonly outDir: string;
}

/** Reads the flags of the example whose `import.meta.url` is given. */
export function exampleArgs(moduleUrl: string): ExampleArgs {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  return { quick: values.quick, outDir: values.out ?? join(dirname(fileURLToPath(moduleUrl)), 'out') };
}

/** `count` digits spread evenly over a part (the parts are grouped by digit, so every class is in). */
export function spread(part: MnistPart, count: number): MnistPart {
  if (count >= part.n) return part;
  const x = new Float32Array(count * MNIST_PIXELS);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const j = Math.floor((i * part.n) / count);
    x.set(part.x.subarray(j * MNIST_PIXELS, (j + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = part.labels[j]!;
  }
  return { x, labels, n: count };
}

/** What an MNIST example starts from: the backend, the digits, and the digits as `[n, 784]` tensors. */
export interface MnistStart {
  readonly backend: BackendInfo;
  readonly trainSet: MnistPart;
  readonly test: MnistPart;
  /** The training digits, `[trainSet.n, 784]`. */
  readonly x: tf.Tensor2D;
  /** The test digits, `[test.n, 784]`. */
  readonly xTest: tf.Tensor2D;
}

/**
 * Starts the best backend and loads the 8,000 / 2,000 MNIST split (with `quick`, 500 training
 * digits, and 500 test digits too when `quickTest`), printing the backend and the split; `detail`
 * is appended to the split's line.
 */
export async function startMnistExample(options: { quick: boolean; quickTest?: boolean; detail?: string }): Promise<MnistStart> {
  const backend = await useBackend('auto');
  console.log(`backend: ${backend.name}${backend.simd ? ' (SIMD)' : ''}`);
  const split = loadMnistSplit();
  const trainSet = spread(split.train, options.quick ? 500 : split.train.n);
  const test = options.quick && options.quickTest === true ? spread(split.test, 500) : split.test;
  const x = tf.tensor2d(trainSet.x, [trainSet.n, MNIST_PIXELS]);
  const xTest = tf.tensor2d(test.x, [test.n, MNIST_PIXELS]);
  console.log(`MNIST: ${trainSet.n} train / ${test.n} test digits of 28×28${options.detail ?? ''}`);
  return { backend, trainSet, test, x, xTest };
}
