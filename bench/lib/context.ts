/** What every workload of the suite receives. */
import * as tf from '@tensorflow/tfjs-core';
import { installFastWasmKernels } from '../../src/backend/index.js';
import type { MnistPart } from '../mnist-data.js';
import { MNIST_PIXELS } from '../mnist-data.js';
import type { TorchRunner } from './torch.js';

/** The rows a run uses (all of the split, or a subset with --quick). */
export interface BenchData {
  readonly train: MnistPart;
  readonly test: MnistPart;
}

/** Options and shared resources of one `npm run bench` run. */
export interface BenchContext {
  readonly quick: boolean;
  readonly seed: number;
  /** Epochs of the package and PyTorch runs, by workload. */
  readonly epochs: { readonly w1: number; readonly w2: number };
  /** Epochs of the plain tfjs-layers runs (they are slow; seconds per epoch is still the median of epochs 2..N). */
  readonly plainEpochs: number;
  readonly data: BenchData;
  /** PyTorch, or null with the reason in `torchNote`. */
  readonly torch: TorchRunner | null;
  readonly torchNote: string;
  /** Switches the wasm kernels between tfjs' own and the package's (wasm only). */
  readonly kernels: WasmKernelSwitch | null;
  /** Repeats of each timed inference call (W4). */
  readonly inferenceRepeats: number;
  /** Runs of the package and of PyTorch in W1 and W2, alternating; each keeps its fastest. */
  readonly repeats: number;
  /** Threads of the package's wasm products with 'auto' (every core), and a way to change them (wasm only). */
  readonly threads: number;
  readonly useThreads: ((threads: number) => Promise<number>) | null;
}

/** Every `step`-th row of a part, `n` rows in all (keeps the ten digits mixed). */
export function subset(part: MnistPart, n: number): MnistPart {
  if (n >= part.n) return part;
  const step = part.n / n;
  const x = new Float32Array(n * MNIST_PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i * step);
    x.set(part.x.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = part.labels[row]!;
  }
  return { x, labels, n };
}

/** A part as a `[n, 784]` tensor on the active backend. */
export function tensorOf(part: MnistPart): tf.Tensor2D {
  return tf.tensor2d(part.x, [part.n, MNIST_PIXELS]);
}

/** The wasm kernels that {@link installFastWasmKernels} replaces. */
const PATCHED_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Slice', 'GatherV2', 'Identity', 'Sum', 'Exp', 'Log1p', 'Conv2DBackpropInput'] as const;

/**
 * The wasm kernels as tfjs registers them, captured before the package replaces them, so that
 * the plain tfjs-layers runs use what a user of tfjs gets.
 */
export class WasmKernelSwitch {
  readonly #stock = new Map<string, tf.KernelConfig>();

  /** Call after the wasm backend started and before {@link installFastWasmKernels}. */
  constructor() {
    for (const name of PATCHED_KERNELS) {
      const config = tf.getKernel(name, 'wasm');
      if (config !== undefined) this.#stock.set(name, config);
    }
  }

  /** tfjs' own kernels. */
  stock(): void {
    for (const [name, config] of this.#stock) {
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(config);
    }
  }

  /** The package's kernels (what `useBackend('wasm')` installs). */
  fast(): void {
    installFastWasmKernels();
  }
}
