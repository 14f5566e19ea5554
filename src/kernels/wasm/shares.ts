/**
 * What the worker pool (pool.ts) splits: a product or an Adam step as pointers on one heap, and
 * the equal shares of columns (or entries) it gives the threads.
 * @internal
 */
/** A product C = A'·B' as the GEMM kernel takes it (see kernels/wasm/gemm.ts), on one heap. */
export interface Product {
  /** The memory `heap` views: when it is the pool's bound heap, the product is computed in place. */
  readonly memory?: WebAssembly.Memory;
  readonly heap: Float32Array;
  readonly pa: number;
  readonly lda: number;
  readonly transA: boolean;
  readonly pb: number;
  readonly ldb: number;
  readonly transB: boolean;
  readonly pc: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /**
   * Scratch for the calling thread's part, `SCRATCH_BYTES` bytes (kernels/wasm/gemm.ts); in place
   * (`WorkerPool.inPlace`), `SCRATCH_BYTES` for each of the pool's threads, one after another.
   */
  readonly pw: number;
}

/** One Adam step's pointers (bytes) on the caller's heap, and its length (a multiple of 4). */
export interface AdamStep {
  /** The memory `heap` views: when it is the pool's bound heap, the step is computed in place. */
  readonly memory?: WebAssembly.Memory;
  readonly heap: Float32Array;
  readonly pw: number;
  readonly pm: number;
  readonly pv: number;
  readonly pg: number;
  readonly pw2: number;
  readonly pm2: number;
  readonly pv2: number;
  readonly n: number;
}

/** Column ranges [j0, j1) of C for `parts` threads: equal shares, multiples of 4 (the kernel's block edge). */
export function columnRanges(n: number, parts: number): [number, number][] {
  const quads = n / 4;
  const ranges: [number, number][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const end = Math.round((quads * (p + 1)) / parts);
    if (end > start) ranges.push([4 * start, 4 * end]);
    start = end;
  }
  return ranges;
}
