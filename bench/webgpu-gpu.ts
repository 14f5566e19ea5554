/**
 * The WebGPU benchmark for a machine with a GPU, in one command:
 *
 *     npx tsx bench/webgpu-gpu.ts [--epochs 3] [--rows 8000] [--flags backend=vulkan]
 *
 * (a try-out without a GPU: `EGL_PLATFORM=surfaceless npx tsx bench/webgpu-gpu.ts --flags backend=opengles --compat --quick --rows 512 --epochs 2`)
 *
 * Starts WebGPU in Node through the `webgpu` package (Dawn; Vulkan on Linux unless --flags says
 * otherwise) and prints, as Markdown for docs/benchmarks.md:
 * - the GPU's name (the adapter's vendor, architecture and description);
 * - W1 (784-256-64-256-784 BCE autoencoder) and W2 (784-512-(20, 20) VAE) seconds per epoch on
 *   MNIST, batch 128, Adam: the fused WebGPU path, tfjs' per-op WebGPU path
 *   (`fastWebGpuKernels: false`), and the package's wasm path on this machine's CPU — the median
 *   of epochs 2..N (the first compiles the shaders), with the path `train` reports;
 * - GFLOP/s of the package's WGSL product kernel at 128×784×512 and 4096³.
 *
 * Nothing here is checked into the docs by itself: paste the output into docs/benchmarks.md.
 */
import * as tf from '@tensorflow/tfjs-core';
import { denseAutoencoder, denseVae, train, useBackend } from '../src/index.js';
import type { BackendInfo, TrainHistory, UseBackendOptions } from '../src/index.js';
import { PRODUCT_UNIFORMS, productShader, webGpuBackend } from '../src/kernels/webgpu/index.js';
import { loadMnistSplit, MNIST_PIXELS } from './mnist-data.js';
import { subset } from './lib/context.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const EPOCHS = Number(arg('epochs', '3'));
const ROWS = Number(arg('rows', '8000'));
const FLAGS = arg('flags', '')
  .split(',')
  .filter((f) => f.length > 0);
/** `--compat`: ask for a compatibility-mode adapter (what Dawn's OpenGL ES backend needs, for a try-out on a machine without a GPU). */
const COMPAT = process.argv.includes('--compat');
/** `--quick`: the large product at 512³ instead of 4096³ (a try-out on a software adapter). */
const QUICK = process.argv.includes('--quick');
const WEBGPU: UseBackendOptions = {
  allowSoftwareAdapter: true,
  ...(FLAGS.length > 0 || COMPAT ? { nodeWebGpu: { flags: FLAGS, ...(COMPAT ? { featureLevel: 'compatibility' as const } : {}) } } : {}),
};

type Variant = 'fused' | 'per-op' | 'wasm';
type Workload = 'W1' | 'W2';

async function start(variant: Variant): Promise<BackendInfo> {
  if (variant === 'wasm') return useBackend('wasm');
  return useBackend('webgpu', { ...WEBGPU, fastWebGpuKernels: variant === 'fused' });
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function timeWorkload(workload: Workload, variant: Variant, rows: Float32Array, n: number): Promise<{ seconds: number; path: string; loss: number }> {
  await start(variant);
  const x = tf.tensor2d(rows, [n, MNIST_PIXELS]);
  const model =
    workload === 'W1'
      ? denseAutoencoder({ inputDim: 784, hidden: [256], latentDim: 64, latentActivation: 'relu', loss: 'bce', seed: 1, init: 'torch' })
      : denseVae({ inputDim: 784, hidden: [512], latentDim: 20, seed: 1, init: 'torch' });
  let history: TrainHistory;
  try {
    history = await train(model, x, { epochs: EPOCHS, batchSize: 128, learningRate: 1e-3, seed: 1 });
  } finally {
    model.dispose();
    x.dispose();
  }
  const seconds = median(history.epochs.slice(1).map((e) => e.seconds));
  return { seconds, path: history.path, loss: history.epochs[history.epochs.length - 1]!.loss };
}

interface RawDevice {
  createBuffer(d: { size: number; usage: number }): { destroy(): void };
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: object): { getBindGroupLayout(i: number): unknown };
  createBindGroup(d: object): unknown;
  createCommandEncoder(): {
    beginComputePass(): { setPipeline(p: unknown): void; setBindGroup(i: number, g: unknown): void; dispatchWorkgroups(x: number, y: number): void; end(): void };
    finish(): unknown;
  };
  queue: { writeBuffer(b: unknown, o: number, d: ArrayBufferView): void; submit(c: unknown[]): void; onSubmittedWorkDone(): Promise<void> };
}

/** GFLOP/s (2·M·N·K per product) of the package's forward product kernel, `reps` products in one submit, after one warm-up. */
async function gemmGflops(M: number, N: number, K: number): Promise<number> {
  const backend = webGpuBackend();
  if (backend === null) throw new Error('bench/webgpu-gpu: the webgpu backend is not active');
  const device = backend.device as unknown as RawDevice;
  const STORAGE = 0x80;
  const UNIFORM = 0x40;
  const COPY_DST = 0x8;
  const acts = device.createBuffer({ size: (M * K + M * N) * 4, usage: STORAGE | COPY_DST });
  const weights = device.createBuffer({ size: (K * N + N) * 4, usage: STORAGE | COPY_DST });
  // The product's uniform block (PRODUCT_UNIFORMS fields: M, N, K, the operands' offsets and strides, onesRow, p, acc), padded to 16 bytes.
  const fields = Uint32Array.of(M, N, K, 0, K, 1, 0, N, 1, M * K, K * N, 0, 0, 0);
  if (fields.length !== PRODUCT_UNIFORMS) throw new Error('bench/webgpu-gpu: the product kernel changed its uniforms');
  const uniforms = device.createBuffer({ size: Math.ceil((fields.length * 4) / 16) * 16, usage: UNIFORM | COPY_DST });
  device.queue.writeBuffer(uniforms, 0, fields);
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: productShader('forward', 'linear') }), entryPoint: 'main' } });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniforms, acts, weights].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const run = async (reps: number): Promise<number> => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(Math.ceil(N / 64), Math.ceil(M / 64));
    pass.end();
    const t0 = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  };
  await run(1);
  let reps = 1;
  let seconds = await run(reps);
  while (seconds < 0.5 && reps < 4096) {
    reps *= 4;
    seconds = await run(reps);
  }
  for (const b of [acts, weights, uniforms]) b.destroy();
  return (2 * M * N * K * reps) / seconds / 1e9;
}

async function main(): Promise<void> {
  const info = await useBackend('webgpu', WEBGPU);
  const a = info.adapter!;
  const gpu = [a.vendor, a.architecture, a.description].filter((s) => s.length > 0).join(' / ') || '(the adapter gives no name)';
  const split = loadMnistSplit();
  const part = subset(split.train, ROWS);
  const lines: string[] = [];
  lines.push(`GPU: ${gpu}${a.isFallbackAdapter ? ' (a software adapter)' : ''}`);
  lines.push(`Node ${process.versions.node}; ${part.n} MNIST rows, batch 128, Adam 1e-3; s/epoch = median of epochs 2..${EPOCHS}.`);
  lines.push('');
  lines.push('| workload | fused WebGPU | tfjs per-op WebGPU | package wasm (CPU) | per-op / fused | wasm / fused |');
  lines.push('| --- | --- | --- | --- | --- | --- |');
  for (const workload of process.argv.includes('--gemm-only') ? [] : (['W1', 'W2'] as const)) {
    const r: Partial<Record<Variant, { seconds: number; path: string; loss: number }>> = {};
    for (const variant of ['fused', 'per-op', 'wasm'] as const) {
      r[variant] = await timeWorkload(workload, variant, part.x, part.n);
      console.error(`${workload} ${variant}: ${r[variant]!.seconds.toFixed(3)} s/epoch (path ${r[variant]!.path}, last loss ${r[variant]!.loss.toFixed(4)})`);
    }
    const f = r.fused!;
    const cell = (v: { seconds: number; path: string }): string => `${v.seconds.toPrecision(3)} s (${v.path})`;
    lines.push(`| ${workload} | ${cell(f)} | ${cell(r['per-op']!)} | ${cell(r.wasm!)} | ${(r['per-op']!.seconds / f.seconds).toPrecision(2)}× | ${(r.wasm!.seconds / f.seconds).toPrecision(2)}× |`);
  }
  await useBackend('webgpu', WEBGPU);
  lines.push('');
  lines.push('| product (M×K·K×N) | GFLOP/s |');
  lines.push('| --- | --- |');
  const sizes: [number, number, number][] = [
    [128, 784, 512],
    QUICK ? [512, 512, 512] : [4096, 4096, 4096],
  ];
  for (const [M, K, N] of sizes) {
    lines.push(`| ${M}×${K}·${K}×${N} | ${(await gemmGflops(M, N, K)).toPrecision(3)} |`);
  }
  console.log(lines.join('\n'));
}

await main();
