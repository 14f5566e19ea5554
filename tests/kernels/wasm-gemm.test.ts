// The WebAssembly GEMM kernels on their own memory: the fused multiply-add kernel (relaxed SIMD)
// and the SIMD128 one against float64 products, and the fallback where relaxed SIMD is missing.
//
// Tolerance: every entry of C is a sum of k products, each step rounded to float32. With u = 2⁻²⁴
// the unit roundoff, the classic bound (Higham, Accuracy and Stability of Numerical Algorithms,
// §3.1) is |ĉ − c| ≤ γ_k · Σ_t |a_t·b_t| with γ_k = k·u / (1 − k·u), for mul + add (two roundings
// a step) and for a fused multiply-add (one) alike; the tests check each entry against that bound
// around the exact (float64) value of the float32 inputs.
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';

// Node 20 compiles relaxed SIMD only behind this V8 flag (on by default from Node 21).
const relaxedBefore = WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, 3, 2, 1, 0, 10, 13, 1, 11, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 0x02, 0x0b]));
setFlagsFromString('--experimental-wasm-relaxed-simd');
const { KC, SCRATCH_BYTES, gemmFor, gemmFmaFor, gemmModuleBytes, gemmSimd128For, hasRelaxedSimd } = await import('../../src/kernels/wasm/gemm.js');

/** A seeded uniform stream in [−1, 1), as float32 values. */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  };
}

interface Case {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly ta: boolean;
  readonly tb: boolean;
}

/** C from `kernel` on a fresh memory, and the float64 product with its error bound per entry. */
function run(kernel: (memory: WebAssembly.Memory) => { gemm: (...a: number[]) => void } | null, c: Case): { got: Float32Array; exact: Float64Array; bound: Float64Array } {
  const { m, k, n, ta, tb } = c;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((4 * (m * k + k * n + m * n) + SCRATCH_BYTES) / 65536) + 1 });
  const g = kernel(memory);
  if (g === null) throw new Error('kernel unavailable');
  const pa = 0;
  const pb = pa + 4 * m * k;
  const pc = pb + 4 * k * n;
  const pw = pc + 4 * m * n;
  const heap = new Float32Array(memory.buffer);
  const next = stream(7 * m + 13 * k + n + (ta ? 1 : 0) + (tb ? 2 : 0));
  for (let i = 0; i < m * k + k * n; i++) heap[i] = next();
  const lda = ta ? m : k;
  const ldb = tb ? k : n;
  const A = (i: number, t: number): number => heap[pa / 4 + (ta ? t * lda + i : i * lda + t)]!;
  const B = (t: number, j: number): number => heap[pb / 4 + (tb ? j * ldb + t : t * ldb + j)]!;
  g.gemm(pa, lda, ta ? 1 : 0, pb, ldb, tb ? 1 : 0, pc, n, m, n, k, pw);
  const got = new Float32Array(memory.buffer, pc, m * n).slice();
  const exact = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  const u = 2 ** -24;
  const gamma = (k * u) / (1 - k * u);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let t = 0; t < k; t++) {
        const p = A(i, t) * B(t, j);
        s += p;
        abs += Math.abs(p);
      }
      exact[i * n + j] = s;
      bound[i * n + j] = gamma * abs;
    }
  }
  return { got, exact, bound };
}

// Edges: n % 12 = 8 and 4 (the 4 × 8 and 4 × 4 blocks after the 4 × 12 ones), k over one slice.
const CASES: Case[] = [];
for (const [m, k, n] of [[8, 33, 44], [12, KC + 45, 40], [4, 7, 12], [16, 64, 24]] as const) {
  for (const ta of [false, true]) for (const tb of [false, true]) CASES.push({ m, k, n, ta, tb });
}
const label = (c: Case): string => `${c.m}x${c.k}x${c.n}${c.ta ? ' Aᵀ' : ''}${c.tb ? ' Bᵀ' : ''}`;

describe('wasm GEMM kernels', () => {
  it('compile relaxed SIMD where the runtime has it, and pick the FMA kernel then', () => {
    expect(hasRelaxedSimd()).not.toBeNull();
    const memory = new WebAssembly.Memory({ initial: 1 });
    expect(gemmFor(memory)).toBe(gemmFmaFor(memory));
    expect(gemmFmaFor(memory)).not.toBe(gemmSimd128For(memory));
  });

  it.each(CASES.map((c) => [label(c), c] as const))('FMA kernel: %s within γ_k·Σ|a·b| of the exact product', (_l, c) => {
    const { got, exact, bound } = run(gemmFmaFor, c);
    got.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThanOrEqual(bound[i]!));
  });

  it.each(CASES.map((c) => [label(c), c] as const))('SIMD128 kernel: %s within γ_k·Σ|a·b| of the exact product', (_l, c) => {
    const { got, exact, bound } = run(gemmSimd128For, c);
    got.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThanOrEqual(bound[i]!));
  });

  it('FMA rounds differently from mul + add (the kernel really fuses), yet both stay within the bound', () => {
    const c: Case = { m: 16, k: KC + 45, n: 40, ta: false, tb: false };
    const fma = run(gemmFmaFor, c).got;
    const plain = run(gemmSimd128For, c).got;
    expect(fma.some((v, i) => v !== plain[i])).toBe(true);
  });

  it('shared-memory builds import a shared memory (the worker pool) and give the same bits', () => {
    const shared = new WebAssembly.Memory({ initial: 4, maximum: 16, shared: true });
    const bytes = gemmModuleBytes({ splatLoads: false, fma: true, shared: true });
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 4 }) } })).toThrow();
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: shared } }).exports as unknown as { gemm: (...a: number[]) => void };
    // Aᵀ (33 × 8) and B (33 × 44) on the shared memory, then the same on an unshared one.
    const h = new Float32Array(shared.buffer);
    const next = stream(5);
    for (let i = 0; i < 8 * 33 + 33 * 44; i++) h[i] = next();
    inst.gemm(0, 8, 1, 4 * 8 * 33, 44, 0, 4 * (8 * 33 + 33 * 44), 44, 8, 44, 33, 65536);
    const plainMemory = new WebAssembly.Memory({ initial: 4 });
    new Float32Array(plainMemory.buffer).set(h.subarray(0, 8 * 33 + 33 * 44));
    gemmFmaFor(plainMemory)!.gemm(0, 8, 1, 4 * 8 * 33, 44, 0, 4 * (8 * 33 + 33 * 44), 44, 8, 44, 33, 65536);
    const off = 8 * 33 + 33 * 44;
    expect(Array.from(h.subarray(off, off + 8 * 44))).toEqual(Array.from(new Float32Array(plainMemory.buffer, 4 * off, 8 * 44)));
  });

  it.skipIf(relaxedBefore)('falls back to the SIMD128 kernel where relaxed SIMD is missing (Node 20 without the flag)', () => {
    const code = [
      "const g = await import('./src/kernels/wasm/gemm.ts');",
      'const memory = new WebAssembly.Memory({ initial: 1 });',
      'console.log(JSON.stringify({ relaxed: g.hasRelaxedSimd() !== null, simd128: g.gemmFor(memory) === g.gemmSimd128For(memory) && g.gemmFor(memory) !== null }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', cwd: process.cwd() });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim())).toEqual({ relaxed: false, simd128: true });
  });
});
