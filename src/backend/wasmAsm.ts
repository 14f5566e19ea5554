/**
 * A very small WebAssembly assembler: enough to write the package's SIMD kernels byte by byte
 * (no toolchain, no binary blob). Functions are built with {@link FunctionBuilder}; a module
 * imports `env.memory` (the memory of tfjs-backend-wasm, so that kernels work on tensors where
 * they lie) and exports its functions by name.
 * @internal
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

function name(s: string): number[] {
  return vec(Array.from(s, (c) => [c.charCodeAt(0)]));
}

/** One function: typed locals, structured control flow and the instructions the kernels use. */
export class FunctionBuilder {
  readonly code: number[] = [];
  readonly #locals: number[] = [];

  constructor(
    readonly params: readonly number[],
    readonly results: readonly number[],
  ) {}

  /** A new local of the given type; returns its index. */
  local(type: number): number {
    this.#locals.push(type);
    return this.params.length + this.#locals.length - 1;
  }

  e(...b: number[]): this {
    this.code.push(...b);
    return this;
  }
  get(l: number): this {
    return this.e(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.e(0x21, ...uleb(l));
  }
  tee(l: number): this {
    return this.e(0x22, ...uleb(l));
  }
  i32(v: number): this {
    return this.e(0x41, ...sleb(v));
  }
  add(): this {
    return this.e(0x6a);
  }
  sub(): this {
    return this.e(0x6b);
  }
  mul(): this {
    return this.e(0x6c);
  }
  shl(): this {
    return this.e(0x74);
  }
  /** i32.ge_u */
  geU(): this {
    return this.e(0x4f);
  }
  /** i32.lt_u */
  ltU(): this {
    return this.e(0x49);
  }
  /** `local += value` for an i32 local. */
  inc(l: number, value: number): this {
    return this.get(l).i32(value).add().set(l);
  }
  /** `block { loop { body } }`: `exitIf()` in the body leaves, the loop repeats at its end. */
  loop(body: () => void): this {
    this.e(0x02, 0x40, 0x03, 0x40);
    body();
    return this.e(0x0c, 0x00, 0x0b, 0x0b);
  }
  /** `br_if 1` inside {@link FunctionBuilder.loop}: leaves the loop when the i32 on the stack is not 0. */
  exitIf(): this {
    return this.e(0x0d, 0x01);
  }
  /** `if { then } else { otherwise }` on the i32 on the stack. */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.e(0x04, 0x40);
    then();
    if (otherwise !== undefined) {
      this.e(0x05);
      otherwise();
    }
    return this.e(0x0b);
  }
  simd(op: number, ...imm: number[]): this {
    return this.e(0xfd, ...uleb(op), ...imm);
  }
  /** v128.load (align 4) at the i32 address on the stack plus `offset`. */
  vload(offset = 0): this {
    return this.simd(0x00, 2, ...uleb(offset));
  }
  /** v128.store (align 4): address then value on the stack. */
  vstore(offset = 0): this {
    return this.simd(0x0b, 2, ...uleb(offset));
  }
  /** v128.load32_splat: one float32 at the address on the stack (plus `offset`) in all four lanes. */
  vsplatLoad(offset = 0): this {
    return this.simd(0x09, 2, ...uleb(offset));
  }
  vzero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  /** i8x16.shuffle of the two v128 on the stack copying lane `lane` (f32) of the first to all four. */
  vlane(lane: number): this {
    const b = [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3];
    return this.simd(0x0d, ...b, ...b, ...b, ...b);
  }
  fadd(): this {
    return this.simd(0xe4);
  }
  fmul(): this {
    return this.simd(0xe6);
  }

  type(): number[] {
    return [0x60, ...vec(this.params.map((p) => [p])), ...vec(this.results.map((r) => [r]))];
  }

  body(): number[] {
    const groups: [number, number][] = [];
    for (const t of this.#locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const b = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t]), ...this.code, 0x0b];
    return [...uleb(b.length), ...b];
  }
}

/** A module that imports `env.memory` and exports `functions` by name, in order. */
export function moduleBytes(functions: readonly { name: string; fn: FunctionBuilder }[]): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(functions.map((f) => f.fn.type()))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.fn.body()))),
  ];
  return new Uint8Array(bytes);
}

/**
 * Compiles `bytes` once and instantiates it once per memory; the function returns `null` where
 * WebAssembly or its SIMD is missing, or where the module cannot use the memory (a shared one).
 */
export function lazyInstances<T>(bytes: () => Uint8Array<ArrayBuffer>): (memory: WebAssembly.Memory) => T | null {
  let compiled: WebAssembly.Module | null | undefined;
  const instances = new WeakMap<WebAssembly.Memory, T>();
  const failed = new WeakSet<WebAssembly.Memory>();
  return (memory) => {
    const known = instances.get(memory);
    if (known !== undefined) return known;
    if (compiled === undefined) {
      compiled = null;
      try {
        const b = bytes();
        if (typeof WebAssembly === 'object' && WebAssembly.validate(b)) compiled = new WebAssembly.Module(b);
      } catch {
        compiled = null;
      }
    }
    if (compiled === null || failed.has(memory)) return null;
    try {
      const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as T;
      instances.set(memory, exports);
      return exports;
    } catch {
      // E.g. the shared memory of tfjs' multi-threaded build, which this module's import does not declare.
      failed.add(memory);
      return null;
    }
  };
}
