/**
 * How the float64 product kernel of f64.ts is driven over a product: blocks of columns of C (the
 * unit of work a thread takes) and, inside each, blocks of the inner dimension. No imports: the
 * pool's worker (worker.ts) loads this module and nothing of the package's other modules.
 * @internal
 */

/** Signature of the `nt` / `nt32` kernels (see f64.ts). @internal */
export type NtKernel = (
  pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number,
  r1: number, r2: number, len: number, sym: number,
) => void;

/** Inner-dimension block (elements) of the float64 products: keeps the 4 rows of A in L1/L2. @internal */
export const K_BLOCK = 1024;
/**
 * Inner-dimension block of the float32 products: each lane then sums 128 products in float32
 * before the block total joins the float64 result (relative rounding ≈ 10⁻⁶).
 * @internal
 */
export const K_BLOCK_32 = 512;
/** Rows of B (columns of C) per block: the unit of work a thread takes. @internal */
export const J_BLOCK = 64;

/**
 * A product `C[0:r1, 0:r2] += A[0:r1, 0:len] · B[0:r2, 0:len]ᵀ` for `nt` (or `nt32` with
 * `f32`): pointers in bytes, strides in elements; `r1 % 4 == 0`, `len` even (a multiple of 4
 * with `f32`), rows of B read up to `r2` rounded up to even. With `upper`, only the entries with
 * column ≥ row are needed (rows below a block of columns are skipped).
 * @internal
 */
export interface NtCall {
  readonly pa: number;
  readonly lda: number;
  readonly pb: number;
  readonly ldb: number;
  readonly pc: number;
  readonly ldc: number;
  readonly r1: number;
  readonly r2: number;
  readonly len: number;
  readonly upper: boolean;
  readonly f32: boolean;
}

/** Blocks of {@link J_BLOCK} columns of C in a product. @internal */
export function ntBlockCount(c: NtCall): number {
  return Math.ceil((c.r2 + (c.r2 & 1)) / J_BLOCK);
}

/**
 * Columns `b·J_BLOCK …` of C for the product `c` with the kernel `nt` (`nt32` with `c.f32`), the
 * inner dimension in blocks of {@link K_BLOCK} (or {@link K_BLOCK_32}) added to C in order.
 * Whatever thread runs a block, and in whatever order the blocks are run, every entry of C
 * gets the same operations in the same order: a product split over threads has the same bits.
 * @internal
 */
export function ntBlock(kernel: NtKernel, c: NtCall, b: number): void {
  const r2 = c.r2 + (c.r2 & 1);
  const j0 = b * J_BLOCK;
  const jl = Math.min(J_BLOCK, r2 - j0);
  const rows = c.upper ? Math.min(c.r1, (j0 + jl + 3) & ~3) : c.r1;
  const size = c.f32 ? 4 : 8;
  const kb = c.f32 ? K_BLOCK_32 : K_BLOCK;
  const pb = c.pb + j0 * c.ldb * size;
  const pc = c.pc + j0 * 8;
  for (let t0 = 0; t0 < c.len; t0 += kb) {
    kernel(c.pa + t0 * size, c.lda, pb + t0 * size, c.ldb, pc, c.ldc, rows, jl, Math.min(kb, c.len - t0), 0);
  }
}
