/** Runs bench/torch_bench.py on the suite's data: PyTorch on one and on two threads. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON } from './env.js';

const SCRIPT = fileURLToPath(new URL('../torch_bench.py', import.meta.url));

/** What torch_bench.py prints for a training workload. */
export interface TorchTraining {
  readonly seconds: number[];
  /** Process CPU seconds per epoch (time.process_time). */
  readonly cpu_seconds: number[];
  readonly losses: number[];
  readonly test: number;
  readonly threads: number;
}

/** What torch_bench.py prints for the inference workload: samples per second. */
export interface TorchInference {
  /** Samples per second by the wall clock, by operation. */
  readonly wall: { readonly reconstruct: number; readonly anomalyScores: number };
  /** Samples per process CPU second, by operation. */
  readonly cpu: { readonly reconstruct: number; readonly anomalyScores: number };
  readonly threads: number;
}

/** The data written once for every PyTorch run, and a way to run the script on it. */
export class TorchRunner {
  readonly #dir: string;
  readonly #path: string;

  /** Writes `train` then `test` rows (784 float32 each) to a temporary file. */
  constructor(
    train: Float32Array,
    readonly nTrain: number,
    test: Float32Array,
    readonly nTest: number,
  ) {
    this.#dir = mkdtempSync(join(tmpdir(), 'autoencoders-bench-'));
    this.#path = join(this.#dir, 'mnist.f32');
    const all = new Float32Array(train.length + test.length);
    all.set(train, 0);
    all.set(test, train.length);
    writeFileSync(this.#path, Buffer.from(all.buffer, all.byteOffset, all.byteLength));
  }

  /**
   * Runs one workload on `threads` threads (OMP_WAIT_POLICY=PASSIVE so that an idle thread does
   * not spin) and returns its JSON, or throws with PyTorch's last error line.
   */
  run<T>(workload: 'w1' | 'w2' | 'w4' | 'gemm', threads: number, epochs: number, seed: number): T {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OMP_WAIT_POLICY: 'PASSIVE',
      OMP_NUM_THREADS: String(threads),
      MKL_NUM_THREADS: String(threads),
      OPENBLAS_NUM_THREADS: String(threads),
    };
    const args = [SCRIPT, this.#path, String(this.nTrain), String(this.nTest), String(threads), workload, String(epochs), String(seed)];
    const r = spawnSync(PYTHON, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      throw new Error(`torch_bench.py ${workload} failed: ${r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${String(r.status)}`}`);
    }
    const lines = r.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as T;
  }

  /** Removes the temporary file. */
  close(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
