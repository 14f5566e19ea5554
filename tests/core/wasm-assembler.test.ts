// The WebAssembly assembler and loader shared by the backend's and PCA's kernels (src/core/wasm):
// its encodings, and small modules built with it, run.
import { describe, expect, it } from 'vitest';
import { F32, F64, FunctionBuilder, I32, V128, lazyInstances, lazyModule, moduleBytes } from '../../src/core/index.js';
import { sleb, uleb } from '../../src/core/wasm/assembler.js';

/** `scale(px, n, a)`: `x[0:n] *= a` in float32, four at a time (n a multiple of 4). */
function scaleF32(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, F32], []);
  const px = 0, n = 1, a = 2;
  const off = f.local(I32), end = f.local(I32), av = f.local(V128);
  f.get(a).simd(0x13).set(av); // f32x4.splat
  f.get(n).i32(2).shl().set(end);
  f.i32(0).set(off);
  f.loop(() => {
    f.get(off).get(end).geU().exitIf();
    f.get(px).get(off).add();
    f.get(px).get(off).add().vload().get(av).f32x4('mul').vstore();
    f.inc(off, 16);
  });
  return f;
}

/** `dot(px, py, n) → Σ x·y` in float64, two at a time (n even). */
function dotF64(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], [F64], { vectorAlign: 3 });
  const px = 0, py = 1, n = 2;
  const off = f.local(I32), end = f.local(I32), acc = f.local(V128), t = f.local(V128);
  f.get(n).i32(3).shl().set(end);
  f.vzero().set(acc);
  f.i32(0).set(off);
  f.loop(() => {
    f.get(off).get(end).geU().exitIf();
    f.get(acc).get(px).get(off).add().vload().get(py).get(off).add().vload().f64x2('mul').f64x2('add').set(acc);
    f.inc(off, 16);
  });
  f.get(acc).f64x2Sum(t);
  return f;
}

/** `clampSub(a, b) → a > b ? a − b : 0` (control flow and i32 comparisons). */
function clampSub(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32], [I32]);
  const r = f.local(I32);
  f.get(0).get(1).gtU().ifElse(
    () => f.get(0).get(1).sub().set(r),
    () => f.i32(0).set(r),
  );
  return f.get(r);
}

describe('LEB128', () => {
  it('encodes unsigned values', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
  });

  it('encodes signed values', () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('moduleBytes and the loaders', () => {
  it('builds a module on the backend memory (env.memory) whose float32 SIMD kernel runs in place', () => {
    const exportsFor = lazyInstances<{ scale(px: number, n: number, a: number): void }>(() =>
      moduleBytes([{ name: 'scale', fn: scaleF32() }]),
    );
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernels = exportsFor(memory);
    expect(kernels).not.toBeNull();
    expect(exportsFor(memory)).toBe(kernels);
    const heap = new Float32Array(memory.buffer);
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 9], 4);
    kernels!.scale(16, 8, 0.5);
    expect(Array.from(heap.subarray(3, 14))).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 9, 0]);
  });

  it('builds a module on a named memory with a least size, whose float64 kernel and control flow run', () => {
    const bytes = (): Uint8Array<ArrayBuffer> =>
      moduleBytes(
        [
          { name: 'dot', fn: dotF64() },
          { name: 'clampSub', fn: clampSub() },
        ],
        { name: 'mem', minPages: 1 },
      );
    const module = lazyModule(bytes);
    const compiled = module();
    expect(compiled).not.toBeNull();
    expect(module()).toBe(compiled);
    expect(WebAssembly.Module.imports(compiled!)).toEqual([{ module: 'env', name: 'mem', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(compiled!).map((e) => e.name)).toEqual(['dot', 'clampSub']);
    // Less than the declared least size cannot be imported.
    expect(() => new WebAssembly.Instance(compiled!, { env: { mem: new WebAssembly.Memory({ initial: 0 }) } })).toThrow();

    const mem = new WebAssembly.Memory({ initial: 1 });
    const { dot, clampSub: sub } = new WebAssembly.Instance(compiled!, { env: { mem } }).exports as unknown as {
      dot(px: number, py: number, n: number): number;
      clampSub(a: number, b: number): number;
    };
    const heap = new Float64Array(mem.buffer);
    heap.set([1, 2, 3, 4], 0);
    heap.set([0.5, -1, 2, 0.25], 4);
    expect(dot(0, 32, 4)).toBe(0.5 - 2 + 6 + 1);
    expect(sub(7, 3)).toBe(4);
    expect(sub(3, 7)).toBe(0);
  });

  it('gives null for bytes that do not validate, and for a memory the module cannot import', () => {
    expect(lazyModule(() => new Uint8Array([0, 1, 2]))()).toBeNull();
    const exportsFor = lazyInstances<object>(() => moduleBytes([{ name: 'scale', fn: scaleF32() }]));
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    expect(exportsFor(shared)).toBeNull();
    expect(exportsFor(shared)).toBeNull();
  });
});
