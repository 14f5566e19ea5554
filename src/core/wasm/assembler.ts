/**
 * A very small WebAssembly assembler: enough to write the package's SIMD kernels byte by byte
 * (no toolchain, no binary blob). Functions are built with {@link FunctionBuilder}; a module
 * ({@link moduleBytes}) imports one memory and exports its functions by name. The float32
 * kernels of src/backend import the memory of tfjs-backend-wasm (so that they work on tensors
 * where they lie); the float64 PCA kernels import a memory of their own.
 * @internal
 */

/** Value type `i32`. @internal */
export const I32 = 0x7f;
/** Value type `f32`. @internal */
export const F32 = 0x7d;
/** Value type `f64`. @internal */
export const F64 = 0x7c;
/** Value type `v128`. @internal */
export const V128 = 0x7b;

/** Unsigned LEB128 encoding of a 32-bit value. @internal */
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

/** Signed LEB128 encoding of a 32-bit value. @internal */
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

/** A vector: its length, then its items. */
function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: its id, its size in bytes, then its bytes. */
function section(id: number, bytes: readonly number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

/** A name: its UTF-8 bytes as a vector. */
function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/** SIMD opcodes (after the 0xfd prefix) of the float32 lane arithmetic, by name. */
const F32X4 = { add: 0xe4, mul: 0xe6 } as const;
/** SIMD opcodes (after the 0xfd prefix) of the float64 lane arithmetic, by name. */
const F64X2 = { splat: 0x14, add: 0xf0, sub: 0xf1, mul: 0xf2 } as const;

/** Options of a {@link FunctionBuilder}. @internal */
export interface FunctionOptions {
  /**
   * log₂ of the alignment hint of `v128.load` and `v128.store`: 2 (4 bytes) for kernels on
   * float32 lanes, 3 (8 bytes) for kernels on float64 lanes. A hint only: the results do not
   * depend on it. Default 2.
   */
  readonly vectorAlign?: number;
}

/**
 * One function: typed locals, structured control flow and the instructions the kernels use.
 * Every emitting method appends to {@link FunctionBuilder.code} and returns the builder, so that
 * instructions chain in stack order.
 * @internal
 */
export class FunctionBuilder {
  /** The instructions emitted so far (without the final `end`). */
  readonly code: number[] = [];
  readonly #locals: number[] = [];
  readonly #vectorAlign: number;

  constructor(
    readonly params: readonly number[],
    readonly results: readonly number[],
    options: FunctionOptions = {},
  ) {
    this.#vectorAlign = options.vectorAlign ?? 2;
  }

  /** A new local of the given type; returns its index. */
  local(type: number): number {
    this.#locals.push(type);
    return this.params.length + this.#locals.length - 1;
  }

  /** Emits raw bytes (for instructions without a method of their own). */
  e(...b: number[]): this {
    this.code.push(...b);
    return this;
  }
  /** local.get */
  get(l: number): this {
    return this.e(0x20, ...uleb(l));
  }
  /** local.set */
  set(l: number): this {
    return this.e(0x21, ...uleb(l));
  }
  /** local.tee */
  tee(l: number): this {
    return this.e(0x22, ...uleb(l));
  }
  /** i32.const */
  i32(v: number): this {
    return this.e(0x41, ...sleb(v));
  }
  /** i32.add */
  add(): this {
    return this.e(0x6a);
  }
  /** i32.sub */
  sub(): this {
    return this.e(0x6b);
  }
  /** i32.mul */
  mul(): this {
    return this.e(0x6c);
  }
  /** i32.shl */
  shl(): this {
    return this.e(0x74);
  }
  /** i32.ge_u */
  geU(): this {
    return this.e(0x4f);
  }
  /** i32.gt_u */
  gtU(): this {
    return this.e(0x4b);
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
  /** A SIMD instruction: the 0xfd prefix, the opcode `op`, then its immediates `imm`. */
  simd(op: number, ...imm: number[]): this {
    return this.e(0xfd, ...uleb(op), ...imm);
  }
  /** v128.load at the i32 address on the stack plus `offset`. */
  vload(offset = 0): this {
    return this.simd(0x00, this.#vectorAlign, ...uleb(offset));
  }
  /** v128.store: address then value on the stack. */
  vstore(offset = 0): this {
    return this.simd(0x0b, this.#vectorAlign, ...uleb(offset));
  }
  /** v128.load32_splat: one float32 at the address on the stack (plus `offset`) in all four lanes. */
  vsplatLoad(offset = 0): this {
    return this.simd(0x09, 2, ...uleb(offset));
  }
  /** v128.const 0 */
  vzero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  /** i8x16.shuffle of the two v128 on the stack copying lane `lane` (f32) of the first to all four. */
  vlane(lane: number): this {
    const b = [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3];
    return this.simd(0x0d, ...b, ...b, ...b, ...b);
  }
  /** An f32x4 instruction: `add` or `mul` of the two v128 on the stack. */
  f32x4(op: keyof typeof F32X4): this {
    return this.simd(F32X4[op]);
  }
  /** An f64x2 instruction: `splat` of the f64 on the stack, or `add`, `sub`, `mul` of the two v128 on it. */
  f64x2(op: keyof typeof F64X2): this {
    return this.simd(F64X2[op]);
  }
  /** Pops an f64x2, pushes the f64 sum of its two lanes (through the v128 local `scratch`). */
  f64x2Sum(scratch: number): this {
    return this.tee(scratch).simd(0x21, 0).get(scratch).simd(0x21, 1).e(0xa0);
  }

  /** The function's type: `func (params) → (results)`. */
  type(): number[] {
    return [0x60, ...vec(this.params.map((p) => [p])), ...vec(this.results.map((r) => [r]))];
  }

  /** The function's body with its size: locals grouped by runs of one type, code, `end`. */
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

/** One exported function of a module built by {@link moduleBytes}. @internal */
export interface ExportedFunction {
  readonly name: string;
  readonly fn: FunctionBuilder;
}

/** The memory a module built by {@link moduleBytes} imports from `env`. @internal */
export interface MemoryImport {
  /** Its field name in `env`. */
  readonly name: string;
  /** The least size the module accepts, in 64 KiB pages (no maximum is declared unless shared). */
  readonly minPages: number;
  /**
   * A shared memory (`new WebAssembly.Memory({ shared: true, maximum })`, for threads) of at most
   * this many pages; absent for an unshared memory.
   */
  readonly sharedMaxPages?: number;
}

/** The memory of tfjs-backend-wasm as the backend kernels import it: `env.memory`, any size. @internal */
export const BACKEND_MEMORY: MemoryImport = { name: 'memory', minPages: 0 };

/** A shared `env.memory` of any size up to 4 GiB (65,536 pages), for kernels run by worker threads. @internal */
export const SHARED_MEMORY: MemoryImport = { name: 'memory', minPages: 0, sharedMaxPages: 65536 };

/** The limits of a memory import: unshared with a minimum, or shared with a minimum and a maximum. */
function limits(memory: MemoryImport): number[] {
  if (memory.sharedMaxPages === undefined) return [0x00, ...uleb(memory.minPages)];
  return [0x03, ...uleb(memory.minPages), ...uleb(memory.sharedMaxPages)];
}

/**
 * A module that imports `memory` (by default an unshared memory without a maximum) and exports
 * `functions` by name, in order.
 * @internal
 */
export function moduleBytes(
  functions: readonly ExportedFunction[],
  memory: MemoryImport = BACKEND_MEMORY,
): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(functions.map((f) => f.fn.type()))),
    ...section(2, vec([[...name('env'), ...name(memory.name), 0x02, ...limits(memory)]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.fn.body()))),
  ];
  return new Uint8Array(bytes);
}
