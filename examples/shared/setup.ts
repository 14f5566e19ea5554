// What every MNIST example starts with: its command-line flags and an even subset of the digits.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MNIST_PIXELS, type MnistPart } from '../../bench/mnist-data.js';

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
