/**
 * How the calling thread and the pool's workers talk: one control block of int32 slots at the
 * start of the shared memory, one slot of {@link SLOT_INTS} per worker.
 *
 * The caller writes the operation and its arguments into a worker's slot, then increments `seq`
 * and wakes the worker (`Atomics.notify`); the worker runs the operation and stores `seq` into
 * `done` (and wakes the caller). `status` is 0 when the operation ran, 1 when it threw.
 * @internal
 */

/** int32 slots per worker. */
export const SLOT_INTS = 32;
/** Workers the control block has room for. */
export const MAX_WORKERS = 255;
/** Bytes of the control block; data starts after it. */
export const CONTROL_BYTES = 65536;

/** Slot offset: the caller's operation counter. */
export const SEQ = 0;
/** Slot offset: the last operation the worker finished. */
export const DONE = 1;
/** Slot offset: 0 when the last operation ran, 1 when it threw. */
export const STATUS = 2;
/** Slot offset: the operation (OP_…). */
export const OP = 3;
/** First argument; arguments take the slots after it. */
export const ARGS = 4;

/** Operation: `gemm` with the twelve arguments of kernels/wasm/gemm.ts. */
export const OP_GEMM = 1;
/** Operation: leave the serving loop (the worker then ends). */
export const OP_EXIT = 2;
/** Operation: `adam` over one share (8 int32 arguments, then 8 float32 at ARGS + 8; its float64 sum at {@link RESULT}). */
export const OP_ADAM = 4;
/** Slot offset of an operation's float64 result (8-byte aligned: slots are 128 bytes). */
export const RESULT = 20;
/**
 * Slot offset (OP_GEMM_HEAP): the panels of the worker's columns not yet claimed, `lo | hi << 16`.
 * The worker claims panels from `lo` up, the caller (done with its own columns) from `hi` down,
 * each by `Atomics.compareExchange`, so that a worker that wakes late leaves its work to the caller.
 */
export const PANELS = 24;
/** Slot offset (OP_GEMM_HEAP): panels the worker has computed (claimed panels are all computed when it equals `lo`). */
export const FINISHED = 25;
/** Makes the worker end itself as if it had crashed (tests of the failure path). */
export const OP_CRASH = 3;
/**
 * Operation: a product on the heap the pool was bound to ({@link WorkerInit.heap}), in place: the
 * twelve arguments of the GEMM kernel for the whole product, then the worker's columns
 * `j0, j1` and the panel width; the worker computes the panels it claims from {@link PANELS}.
 */
export const OP_GEMM_HEAP = 5;
/** Operation: a unary vector kernel on the bound heap, in place: ARGS = which (0 `exp`, 1 `log1p`), px, py, n. */
export const OP_UNARY_HEAP = 8;
/** Operation: keep busy for ARGS[0] ms, then answer (tests of a worker that is behind). */
export const OP_STALL = 7;
/** Operation: OP_ADAM on the bound heap, in place. */
export const OP_ADAM_HEAP = 6;

/**
 * How long (ms) a thread polls its slot before it sleeps in `Atomics.wait`: a worker after an
 * operation, the caller while a worker finishes. The products of a training step follow one
 * another within a millisecond or so, and waking a sleeping thread costs 30–60 µs on an idle core
 * (futex wake-up) and far more on a busy one, where the woken thread may preempt its own caller;
 * polling keeps both threads running through a step, at the cost of CPU time the step would not
 * otherwise use (as OpenMP's spin-waiting does).
 */
export const SPIN_MS = 2;
/**
 * Operation: blocks of a float64 product (kernels/wasm/f64.ts `ntBlock`), taken one at a time
 * from the shared counter at int32 {@link QUEUE} until none is left; the eleven fields of its
 * `NtCall` as int32 arguments (`upper`, `f32` as 0/1).
 */
export const OP_NT64 = 9;
/** int32 index (in the control block, after every slot) of the block counter of {@link OP_NT64}. */
export const QUEUE = 8192;

/** What a worker gets when it starts. */
export interface WorkerInit {
  /** Marks the message as the pool's. */
  readonly autoencodersPool: 1;
  readonly memory: WebAssembly.Memory;
  /** The GEMM module compiled for a shared memory (see kernels/wasm/gemm.ts). */
  readonly gemm: WebAssembly.Module;
  /** The Adam module compiled for a shared memory (see kernels/wasm/adam.ts). */
  readonly adam: WebAssembly.Module;
  /** The float64 kernels compiled for a shared memory (see kernels/wasm/f64.ts), for {@link OP_NT64}. */
  readonly f64?: WebAssembly.Module;
  /** The vector module (kernels/wasm/vector.ts) for a shared memory, bound to `heap` only; null without a heap. */
  readonly vector: WebAssembly.Module | null;
  /** The worker's slot in the control block. */
  readonly slot: number;
  /** tfjs-backend-wasm's heap when it is shared (src/backend/sharedHeap.ts): the pool then computes on it in place. */
  readonly heap: WebAssembly.Memory | null;
}

/** The message a worker sends once it is ready. */
export const READY = 'autoencoders-pool-ready';
