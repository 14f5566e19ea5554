/**
 * A float32 matrix product in WebAssembly SIMD that reads its operands where they lie in the
 * wasm backend's heap — no packing, no transposed copy of a transposed left operand.
 *
 * `gemm(pa, lda, transA, pb, ldb, transB, pc, ldc, m, n, k, pw)` (pointers in bytes, strides in
 * elements) sets `C[i·ldc + j] = Σ_{t<k} A'(i, t) · B'(t, j)` for `i < m`, `j < n`, where
 * `A'(i, t) = A[i·lda + t]`, or `A[t·lda + i]` when `transA` is 1, and `B'(t, j) = B[t·ldb + j]`,
 * or `B[j·ldb + t]` when `transB` is 1. Requires `m % 4 == 0`, `n % 4 == 0`, `k ≥ 1`, and `pw`
 * pointing at {@link SCRATCH_BYTES} bytes it may overwrite.
 *
 * Each output is the sum of its products in the order t = 0, 1, …, k − 1. In the SIMD128 kernel
 * each product and each addition is rounded to float32 — the order of XNNPACK's kernels, which
 * tfjs-backend-wasm runs — and the work is split into 4 × 8 blocks of C (4 × 4 at the right edge)
 * held in eight f32x4 registers. The fused multiply-add kernel (`fma: true`, relaxed SIMD's
 * `f32x4.relaxed_madd`) needs no register for the product, so it holds 4 × 12 blocks (twelve
 * accumulators; 4 × 8 and 4 × 4 at the right edge); where the CPU fuses, each step rounds once
 * (`acc = fl(acc + a·b)`), which is at least as accurate. Either way every element of C is
 * computed by the same instructions whatever block it falls in, so a product split by columns
 * (threads) gives the same bits. Both run over slices of at most {@link KC} values of t. Each slice of eight columns of B' is first copied
 * to the scratch area, contiguous (B's rows are often 2ᵏ floats apart, which would send every
 * row to the same few cache sets), by rows of B or, for `transB`, by 4 × 4 transposes in
 * registers — so that neither transposed operand is ever copied whole.
 * @internal
 */
import { BACKEND_MEMORY, FunctionBuilder, I32, SHARED_MEMORY, V128, lazyInstances, lazyModule, moduleBytes } from '../../core/index.js';

/** Values of t per slice. */
export const KC = 256;
/** Bytes of scratch memory `gemm` needs: one packed slice of B. */
export const SCRATCH_BYTES = 12288; // KC · 12 · 4 bytes, as a literal that bundlers can drop

/** Block widths (columns of C) of a 4-row block. */
type Width = 12 | 8 | 4;
/** Accumulators per row of a block (the widest block's vectors). */
const ROW = 3;
/** `f32x4.relaxed_madd` (a·b + c), relaxed SIMD. */
const RELAXED_MADD = 0x105;

/** acc += a·b with a and b on the stack after acc: one fused step, or a product and a sum. */
function accumulate(f: FunctionBuilder, acc: number, a: number, b: number, options: GemmOptions): void {
  if (options.fma) f.get(a).get(b).get(acc).simd(RELAXED_MADD).set(acc);
  else f.get(acc).get(a).get(b).f32x4('mul').f32x4('add').set(acc);
}

/** Emits the inner loop of one 4 × w block over the t of a slice. */
function blockLoop(f: FunctionBuilder, width: Width, transA: boolean, v: Locals, options: GemmOptions): void {
  const cols = width / 4;
  // One step of t: B row t at pB; A' column t at the row pointers (or at pA, transposed).
  const step = (aOffset: number): void => {
    for (let c = 0; c < cols; c++) f.get(v.pB).vload(16 * c).set(v.b[c]!);
    // (pB walks the packed panel: width floats per t.)
    if (transA) f.get(v.pA[0]!).vload().set(v.aVec);
    for (let r = 0; r < 4; r++) {
      if (transA) f.get(v.aVec).get(v.aVec).vlane(r).set(v.aSplat);
      else f.get(v.pA[r]!).vsplatLoad(aOffset).set(v.aSplat);
      for (let c = 0; c < cols; c++) accumulate(f, v.acc[r * ROW + c]!, v.aSplat, v.b[c]!, options);
    }
    f.inc(v.pB, width * 4);
    if (transA) f.get(v.pA[0]!).get(v.lda4).add().set(v.pA[0]!);
  };
  if (transA) {
    f.loop(() => {
      f.get(v.t).get(v.kc).geU().exitIf();
      step(0);
      f.inc(v.t, 1);
    });
    return;
  }
  // Four values of t per iteration, B at static offsets into the packed panel.
  f.loop(() => {
    f.get(v.t).i32(4).add().get(v.kc).gtU().exitIf(); // t + 4 > kc
    if (!options.splatLoads) for (let r = 0; r < 4; r++) f.get(v.pA[r]!).vload().set(v.aRows[r]!);
    for (let u = 0; u < 4; u++) {
      for (let c = 0; c < cols; c++) f.get(v.pB).vload(u * width * 4 + 16 * c).set(v.b[c]!);
      for (let r = 0; r < 4; r++) {
        // A'(i + r, t + u) in all four lanes: a broadcast load, or a lane of the row's vector.
        if (options.splatLoads) f.get(v.pA[r]!).vsplatLoad(4 * u).set(v.aSplat);
        else f.get(v.aRows[r]!).get(v.aRows[r]!).vlane(u).set(v.aSplat);
        for (let c = 0; c < cols; c++) accumulate(f, v.acc[r * ROW + c]!, v.aSplat, v.b[c]!, options);
      }
    }
    f.inc(v.pB, 4 * width * 4);
    for (let r = 0; r < 4; r++) f.inc(v.pA[r]!, 16);
    f.inc(v.t, 4);
  });
  f.loop(() => {
    f.get(v.t).get(v.kc).geU().exitIf();
    step(0);
    for (let r = 0; r < 4; r++) f.inc(v.pA[r]!, 4);
    f.inc(v.t, 1);
  });
}

interface Locals {
  readonly t: number;
  readonly kc: number;
  readonly pB: number;
  readonly pA: readonly number[];
  readonly ldb4: number;
  readonly lda4: number;
  readonly acc: readonly number[];
  readonly b: readonly number[];
  readonly aSplat: number;
  readonly aVec: number;
  readonly aRows: readonly number[];
  readonly rowPtr: readonly number[];
}

/** Code generation choices (for measuring alternatives). @internal */
export interface GemmOptions {
  /** Broadcast A' with `v128.load32_splat` (one load per value) instead of shuffles of one load per row. */
  readonly splatLoads: boolean;
  /** Fused multiply-add (`f32x4.relaxed_madd`, relaxed SIMD) and 4 × 12 blocks. */
  readonly fma: boolean;
  /** Import a shared memory (of at most 65,536 pages) instead of an unshared one: for the worker pool. */
  readonly shared?: boolean;
}

// Shuffles measured about 20 % faster than broadcast loads in V8 11 on x86-64 (Node 20), with
// mul + add, and about 15 % faster with FMA too (4 × 12 blocks: 37–40 GFLOP/s against 29–30 for
// SIMD128 on an AMD EPYC with AVX-512, Node 20 with --experimental-wasm-relaxed-simd).
const SIMD128: GemmOptions = { splatLoads: false, fma: false };
const FMA: GemmOptions = { splatLoads: false, fma: true };

function gemmFunction(options: GemmOptions): FunctionBuilder {
  const f = new FunctionBuilder(new Array<number>(12).fill(I32), []);
  const pa = 0, lda = 1, transA = 2, pb = 3, ldb = 4, transB = 5, pc = 6, ldc = 7, m = 8, n = 9, k = 10, pw = 11;
  const k0 = f.local(I32), i = f.local(I32), j = f.local(I32), ldc4 = f.local(I32), pC = f.local(I32);
  const v: Locals = {
    t: f.local(I32),
    kc: f.local(I32),
    pB: f.local(I32),
    pA: [f.local(I32), f.local(I32), f.local(I32), f.local(I32)],
    ldb4: f.local(I32),
    lda4: f.local(I32),
    acc: Array.from({ length: 4 * ROW }, () => f.local(V128)),
    b: [f.local(V128), f.local(V128), f.local(V128)],
    aSplat: f.local(V128),
    aVec: f.local(V128),
    aRows: [f.local(V128), f.local(V128), f.local(V128), f.local(V128)],
    rowPtr: Array.from({ length: 12 }, () => f.local(I32)),
  };
  f.get(lda).i32(2).shl().set(v.lda4);
  f.get(ldb).i32(2).shl().set(v.ldb4);
  f.get(ldc).i32(2).shl().set(ldc4);

  /** One 4 × width block at (i, j) over the slice t ∈ [k0, k0 + kc). */
  const block = (width: Width, isTransposed: boolean): void => {
    const cols = width / 4;
    // pC = pc + (i·ldc + j)·4
    f.get(pc).get(i).get(ldc4).mul().add().get(j).i32(2).shl().add().set(pC);
    // The first slice starts from zero, later ones from what C holds.
    f.get(k0).e(0x45); // i32.eqz
    f.ifElse(
      () => {
        for (let r = 0; r < 4; r++) for (let c = 0; c < cols; c++) f.vzero().set(v.acc[r * ROW + c]!);
      },
      () => {
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < cols; c++) f.get(pC).get(ldc4).i32(r).mul().add().vload(16 * c).set(v.acc[r * ROW + c]!);
        }
      },
    );
    f.get(pw).set(v.pB);
    if (isTransposed) {
      // pA = pa + (k0·lda + i)·4
      f.get(pa).get(k0).get(v.lda4).mul().add().get(i).i32(2).shl().add().set(v.pA[0]!);
    } else {
      // pA[r] = pa + ((i + r)·lda + k0)·4
      f.get(pa).get(i).get(v.lda4).mul().add().get(k0).i32(2).shl().add().set(v.pA[0]!);
      for (let r = 1; r < 4; r++) f.get(v.pA[r - 1]!).get(v.lda4).add().set(v.pA[r]!);
    }
    f.i32(0).set(v.t);
    blockLoop(f, width, isTransposed, v, options);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < cols; c++) {
        f.get(pC).get(ldc4).i32(r).mul().add().get(v.acc[r * ROW + c]!).vstore(16 * c);
      }
    }
  };

  /** Copies rows k0 … k0 + kc − 1, columns j … j + width − 1 of B' to the scratch area, contiguous. */
  const pack = (width: Width, isTransposedB: boolean): void => {
    const src = v.pA[1]!;
    const dst = v.pA[2]!;
    f.get(pw).set(dst);
    f.i32(0).set(v.t);
    if (!isTransposedB) {
      // src = pb + (k0·ldb + j)·4: one row of B' per t.
      f.get(pb).get(k0).get(v.ldb4).mul().add().get(j).i32(2).shl().add().set(src);
      f.loop(() => {
        f.get(v.t).get(v.kc).geU().exitIf();
        for (let c = 0; c < width / 4; c++) f.get(dst).get(src).vload(16 * c).vstore(16 * c);
        f.get(src).get(v.ldb4).add().set(src);
        f.inc(dst, width * 4);
        f.inc(v.t, 1);
      });
      return;
    }
    // B' = Bᵀ: rows j … j + width − 1 of B, from column k0; four values of t at a time, each 4 × 4
    // block transposed in registers.
    const rows = v.rowPtr.slice(0, width);
    f.get(pb).get(j).get(v.ldb4).mul().add().get(k0).i32(2).shl().add().set(rows[0]!);
    for (let r = 1; r < width; r++) f.get(rows[r - 1]!).get(v.ldb4).add().set(rows[r]!);
    const [x0, x1, x2, x3, y0, y1, y2, y3] = v.acc as [number, number, number, number, number, number, number, number];
    // i8x16.shuffle byte patterns for f32 lanes (0–3 first operand, 4–7 second).
    const lanes = (...l: number[]): number[] => l.flatMap((q) => [4 * q, 4 * q + 1, 4 * q + 2, 4 * q + 3]);
    f.loop(() => {
      f.get(v.t).i32(4).add().get(v.kc).gtU().exitIf(); // t + 4 > kc
      for (let blockIndex = 0; blockIndex < width / 4; blockIndex++) {
        const x = [x0, x1, x2, x3];
        for (let q = 0; q < 4; q++) f.get(rows[4 * blockIndex + q]!).vload().set(x[q]!);
        f.get(x0).get(x1).simd(0x0d, ...lanes(0, 4, 1, 5)).set(y0);
        f.get(x2).get(x3).simd(0x0d, ...lanes(0, 4, 1, 5)).set(y1);
        f.get(x0).get(x1).simd(0x0d, ...lanes(2, 6, 3, 7)).set(y2);
        f.get(x2).get(x3).simd(0x0d, ...lanes(2, 6, 3, 7)).set(y3);
        // Row t + q of the panel, columns 4·blockIndex … 4·blockIndex + 3.
        const rowsOut: [number, number, number[]][] = [
          [y0, y1, lanes(0, 1, 4, 5)],
          [y0, y1, lanes(2, 3, 6, 7)],
          [y2, y3, lanes(0, 1, 4, 5)],
          [y2, y3, lanes(2, 3, 6, 7)],
        ];
        rowsOut.forEach(([p, q, pattern], u) => {
          f.get(dst).get(p).get(q).simd(0x0d, ...pattern).vstore(u * width * 4 + 16 * blockIndex);
        });
      }
      for (const r of rows) f.inc(r, 16);
      f.inc(dst, 4 * width * 4);
      f.inc(v.t, 4);
    });
    // The last kc mod 4 values of t, one float at a time.
    f.loop(() => {
      f.get(v.t).get(v.kc).geU().exitIf();
      rows.forEach((r, q) => {
        f.get(dst).get(r).e(0x2a, 2, 0).e(0x38, 2, ...[4 * q]); // f32.load, f32.store offset 4q
      });
      for (const r of rows) f.inc(r, 4);
      f.inc(dst, width * 4);
      f.inc(v.t, 1);
    });
  };

  /** The blocks of columns j … j + width − 1 of one slice. */
  const panel = (width: Width, isTransposed: boolean, isTransposedB: boolean): void => {
    pack(width, isTransposedB);
    f.i32(0).set(i);
    f.loop(() => {
      f.get(i).get(m).geU().exitIf();
      block(width, isTransposed);
      f.inc(i, 4);
    });
    f.inc(j, width);
  };
  /** Panels of the widest width while they last, then narrower ones. */
  const panels = (widths: readonly Width[], isTransposed: boolean, isTransposedB: boolean): void => {
    const [width, ...rest] = widths as [Width, ...Width[]];
    if (rest.length === 0) {
      panel(width, isTransposed, isTransposedB);
      return;
    }
    f.get(n).get(j).sub().i32(width).geU();
    f.ifElse(
      () => panel(width, isTransposed, isTransposedB),
      () => panels(rest, isTransposed, isTransposedB),
    );
  };
  /** All blocks of one slice. */
  const slice = (isTransposed: boolean, isTransposedB: boolean): void => {
    // 4 × 12 blocks with FMA, except for a transposed A, whose column vector and its broadcast
    // leave too few registers for twelve accumulators (measured slower than 4 × 8).
    const widths: readonly Width[] = options.fma && !isTransposed ? [12, 8, 4] : [8, 4];
    f.i32(0).set(j);
    f.loop(() => {
      f.get(j).get(n).geU().exitIf();
      panels(widths, isTransposed, isTransposedB);
    });
  };

  f.i32(0).set(k0);
  f.loop(() => {
    f.get(k0).get(k).geU().exitIf();
    // kc = min(KC, k − k0)
    f.get(k).get(k0).sub().set(v.kc);
    f.get(v.kc).i32(KC).gtU(); // kc > KC
    f.ifElse(() => {
      f.i32(KC).set(v.kc);
    });
    f.get(transA);
    f.ifElse(
      () => {
        f.get(transB);
        f.ifElse(
          () => slice(true, true),
          () => slice(true, false),
        );
      },
      () => {
        f.get(transB);
        f.ifElse(
          () => slice(false, true),
          () => slice(false, false),
        );
      },
    );
    f.get(k0).get(v.kc).add().set(k0);
  });
  return f;
}

/** The module bytes: imports `env.memory`, exports `gemm`. @internal */
export function gemmModuleBytes(options: GemmOptions = SIMD128): Uint8Array<ArrayBuffer> {
  return moduleBytes([{ name: 'gemm', fn: gemmFunction(options) }], options.shared === true ? SHARED_MEMORY : BACKEND_MEMORY);
}

/** The exported function (see the file comment). @internal */
export interface GemmExports {
  gemm(
    pa: number, lda: number, transA: number, pb: number, ldb: number, transB: number,
    pc: number, ldc: number, m: number, n: number, k: number, pw: number,
  ): void;
}

/**
 * The SIMD128 kernel bound to `memory` (compiled once, instantiated once per memory), or `null`
 * where WebAssembly SIMD is not available.
 * @internal
 */
export const gemmSimd128For = /* @__PURE__ */ lazyInstances<GemmExports>((shared) => gemmModuleBytes({ ...SIMD128, shared }));

/** The FMA kernel bound to `memory`, or `null` where relaxed SIMD is not available. @internal */
export const gemmFmaFor = /* @__PURE__ */ lazyInstances<GemmExports>((shared) => gemmModuleBytes({ ...FMA, shared }));

/** Whether this runtime compiles relaxed SIMD (`f32x4.relaxed_madd`): Chromium ≥ 114, Node ≥ 21. @internal */
export const hasRelaxedSimd = /* @__PURE__ */ lazyModule(() => gemmModuleBytes(FMA));


/**
 * The fastest kernel bound to `memory`: FMA where relaxed SIMD compiles, else SIMD128; built for
 * a shared memory when `memory` is one (tfjs-backend-wasm's threaded build, in a cross-origin
 * isolated page); `null` where WebAssembly SIMD is missing.
 * @internal
 */
export function gemmFor(memory: WebAssembly.Memory): GemmExports | null {
  return gemmFmaFor(memory) ?? gemmSimd128For(memory);
}

/** The options of the kernel {@link gemmFor} picks, for a shared memory (the worker pool). @internal */
export function sharedGemmOptions(): GemmOptions {
  return { ...(hasRelaxedSimd() !== null ? FMA : SIMD128), shared: true };
}
