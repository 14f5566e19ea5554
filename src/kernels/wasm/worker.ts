/**
 * The entry of the pool's worker threads (kernels/wasm/pool.ts starts it; it is never imported by
 * the package's other modules). Run as a worker — a Node `worker_threads` Worker or a Web Worker —
 * it waits for its {@link WorkerInit}, instantiates the kernels on the shared memory, says it is
 * ready, then serves operations from its control slot until told to exit. Loaded anywhere else
 * (a main thread), it does nothing.
 * @internal
 */
import { ARGS, DONE, FINISHED, OP, OP_ADAM, OP_ADAM_HEAP, OP_CRASH, OP_EXIT, OP_GEMM, OP_GEMM_HEAP, OP_NT64, OP_STALL, OP_UNARY_HEAP, PANELS, QUEUE, READY, RESULT, SEQ, SLOT_INTS, SPIN_MS, STATUS } from './protocol.js';
import type { WorkerInit } from './protocol.js';
import { ntBlock, ntBlockCount, type NtCall } from './blocks.js';
import type { WasmKernels } from './f64.js';

type Gemm = (...args: number[]) => void;

/**
 * The next operation's sequence number: polls `seq` for {@link SPIN_MS} after the last operation,
 * then sleeps in `Atomics.wait` until the caller stores a new one.
 */
function nextSequence(ctl: Int32Array, at: number, seen: number): number {
  const until = performance.now() + SPIN_MS;
  for (let polls = 1; ; polls++) {
    const seq = Atomics.load(ctl, at);
    if (seq !== seen) return seq;
    if ((polls & 255) === 0 && performance.now() > until) break;
  }
  for (;;) {
    Atomics.wait(ctl, at, seen);
    const seq = Atomics.load(ctl, at);
    if (seq !== seen) return seq;
  }
}

/**
 * OP_GEMM_HEAP: claims panels of its columns from the bottom of the slot's `lo | hi << 16` word
 * (a quarter of what is left at a time, at least one) and computes them, until none is left.
 */
function gemmPanels(ctl: Int32Array, base: number, gemm: Gemm): void {
  const a = ctl.subarray(base + ARGS, base + ARGS + 15);
  const [pa, lda, transA, pb, ldb, transB, pc, ldc, m, , k, pw, j0, j1, unit] = a as unknown as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  for (;;) {
    const word = Atomics.load(ctl, base + PANELS);
    const lo = word & 0xffff;
    const hi = word >>> 16;
    if (lo >= hi) return;
    const take = Math.max(1, (hi - lo) >> 2);
    if (Atomics.compareExchange(ctl, base + PANELS, word, (hi << 16) | (lo + take)) !== word) continue;
    const c0 = j0 + lo * unit;
    const c1 = Math.min(j1, j0 + (lo + take) * unit);
    try {
      gemm(pa, lda, transA, pb + 4 * (transB === 1 ? c0 * ldb : c0), ldb, transB, pc + 4 * c0, ldc, m, c1 - c0, k, pw);
    } catch {
      ctl[base + STATUS] = 1;
    }
    Atomics.add(ctl, base + FINISHED, take);
    Atomics.notify(ctl, base + FINISHED);
  }
}

/** Serves operations until OP_EXIT; polls, then blocks its thread in `Atomics.wait`, between them. */
function serve(init: WorkerInit, ready: () => void): void {
  const kernels = (memory: WebAssembly.Memory): { gemm: Gemm; adam: (...args: number[]) => number } => ({
    gemm: (new WebAssembly.Instance(init.gemm, { env: { memory } }).exports as { gemm: Gemm }).gemm,
    adam: (new WebAssembly.Instance(init.adam, { env: { memory } }).exports as { adam: (...args: number[]) => number }).adam,
  });
  const own = kernels(init.memory);
  const heap = init.heap === null ? null : kernels(init.heap);
  type Unary = (px: number, py: number, n: number) => void;
  const vector = init.heap === null || init.vector === null ? null : (new WebAssembly.Instance(init.vector, { env: { memory: init.heap } }).exports as { exp: Unary; log1p: Unary });
  // PCA's float64 kernels run on the pool's own memory, where its workspaces lie.
  const f64 = init.f64 === undefined ? null : (new WebAssembly.Instance(init.f64, { env: { memory: init.memory } }).exports as unknown as WasmKernels);
  // The control block lies in the first page, which growing the memory never moves.
  const ctl = new Int32Array(init.memory.buffer, 0, (init.slot + 1) * SLOT_INTS);
  const queue = new Int32Array(init.memory.buffer, 0, QUEUE + 1);
  const floats = new Float32Array(ctl.buffer, 0, ctl.length);
  const doubles = new Float64Array(ctl.buffer, 0, ctl.length / 2);
  const base = init.slot * SLOT_INTS;
  let seen = Atomics.load(ctl, base + SEQ);
  ready();
  for (;;) {
    const seq = nextSequence(ctl, base + SEQ, seen);
    seen = seq;
    const op = ctl[base + OP];
    if (op === OP_EXIT) return;
    if (op === OP_CRASH) throw new Error('autoencoders worker: crash requested (a test of the failure path)');
    if (op === OP_STALL) {
      for (const until = performance.now() + ctl[base + ARGS]!; performance.now() < until; );
    }
    let status = 0;
    try {
      const on = op === OP_GEMM || op === OP_ADAM ? own : op === OP_GEMM_HEAP || op === OP_ADAM_HEAP ? heap : null;
      if (op === OP_STALL) status = 0;
      else if (op === OP_NT64) {
        if (f64 === null) status = 1;
        else {
          const a = ctl.subarray(base + ARGS, base + ARGS + 11);
          const call: NtCall = { pa: a[0]!, lda: a[1]!, pb: a[2]!, ldb: a[3]!, pc: a[4]!, ldc: a[5]!, r1: a[6]!, r2: a[7]!, len: a[8]!, upper: a[9] === 1, f32: a[10] === 1 };
          const kernel = call.f32 ? f64.nt32 : f64.nt;
          const blocks = ntBlockCount(call);
          for (let b = Atomics.add(queue, QUEUE, 1); b < blocks; b = Atomics.add(queue, QUEUE, 1)) ntBlock(kernel, call, b);
        }
      } else if (op === OP_UNARY_HEAP) {
        const a = ctl.subarray(base + ARGS, base + ARGS + 4);
        if (vector === null) status = 1;
        else (a[0] === 0 ? vector.exp : vector.log1p)(a[1]!, a[2]!, a[3]!);
      } else if (on === null) status = 1;
      else if (op === OP_GEMM_HEAP) {
        gemmPanels(ctl, base, on.gemm);
        status = ctl[base + STATUS]!;
      } else if (op === OP_GEMM) {
        const a = ctl.subarray(base + ARGS, base + ARGS + 12);
        on.gemm(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!);
      } else {
        const a = ctl.subarray(base + ARGS, base + ARGS + 8);
        const f = floats.subarray(base + ARGS + 8, base + ARGS + 16);
        doubles[(base + RESULT) / 2] = on.adam(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, f[0]!, f[1]!, f[2]!, f[3]!, f[4]!, f[5]!, f[6]!, f[7]!);
      }
    } catch {
      status = 1;
    }
    ctl[base + STATUS] = status;
    Atomics.store(ctl, base + DONE, seq);
    Atomics.notify(ctl, base + DONE);
  }
}

function isInit(data: unknown): data is WorkerInit {
  return typeof data === 'object' && data !== null && (data as { autoencodersPool?: unknown }).autoencodersPool === 1;
}

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void, options?: { once: boolean }): void;
}

const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; process?: { versions?: { node?: string } } };
if (typeof scope.WorkerGlobalScope === 'function') {
  // A Web Worker: the init comes as the first message.
  const self = globalThis as unknown as WorkerScope;
  self.addEventListener('message', (event) => {
    if (isInit(event.data)) serve(event.data, () => self.postMessage(READY));
  }, { once: true });
} else if (typeof scope.process?.versions?.node === 'string') {
  // Node: only inside a worker_threads Worker started by the pool (workerData holds the init).
  const name = 'node:worker_threads';
  void import(/* @vite-ignore */ /* webpackIgnore: true */ name).then((wt: { isMainThread: boolean; workerData: unknown; parentPort: { postMessage(m: unknown): void } | null }) => {
    if (!wt.isMainThread && isInit(wt.workerData) && wt.parentPort !== null) {
      const port = wt.parentPort;
      serve(wt.workerData, () => port.postMessage(READY));
    }
  });
}
