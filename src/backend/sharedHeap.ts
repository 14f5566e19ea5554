/**
 * tfjs-backend-wasm's heap as a shared `WebAssembly.Memory` in Node, so that the worker pool
 * (kernels/wasm/pool.ts) computes on the tensors where they lie instead of copying each worker's
 * share of the operands into a memory of its own and its results back.
 *
 * tfjs-backend-wasm runs its single-threaded build in Node (its threaded build needs Web Workers),
 * whose module defines its memory — unshared, at most 65,536 pages — and exports it. A memory
 * becomes shared by one bit of its limits (flags 0x01 → 0x03: the maximum is then required, and
 * the module has one); the code needs nothing else, since plain loads and stores are valid on a
 * shared memory and growing it keeps its address. So while tfjs instantiates its module, the bytes
 * it passes to `WebAssembly.instantiate` are given with that bit set. Every kernel behaves as
 * before, and computes the same bits.
 * @internal
 */

/** Reads an unsigned LEB128 at `at`: the value and the position after it. */
function uleb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const b = bytes[p++];
    if (b === undefined || shift > 28) return [-1, p];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, p];
    shift += 7;
  }
}

/**
 * Where the limits flags of the memory that a module's bytes define lie, when the module defines
 * exactly one unshared memory with a maximum (flags 0x01), and imports none; else -1.
 * @internal
 */
export function definedMemoryFlags(bytes: Uint8Array): number {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d || bytes[4] !== 0x01) return -1;
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p]!;
    const [length, body] = uleb(bytes, p + 1);
    if (length < 0 || body + length > bytes.length) return -1;
    if (id === 2) {
      // Imports: none may be a memory (kind 0x02).
      let [count, q] = uleb(bytes, body);
      for (; count > 0; count--) {
        for (let name = 0; name < 2; name++) {
          const [len, after] = uleb(bytes, q);
          if (len < 0) return -1;
          q = after + len;
        }
        const kind = bytes[q++];
        if (kind === 0x02) return -1;
        // Skip the descriptor: function (type index), table (type, limits), global (type, mutability).
        if (kind === 0x00) q = uleb(bytes, q)[1];
        else if (kind === 0x01) {
          const flags = bytes[q + 1]!;
          q = uleb(bytes, q + 2)[1];
          if ((flags & 1) !== 0) q = uleb(bytes, q)[1];
        } else if (kind === 0x03) q += 2;
        else return -1;
      }
    } else if (id === 5) {
      const [count, q] = uleb(bytes, body);
      return count === 1 && bytes[q] === 0x01 ? q : -1;
    }
    p = body + length;
  }
  return -1;
}

/** The bytes of `source` with its defined memory made shared, or null when it has no such memory. */
function sharedVersion(source: unknown): Uint8Array<ArrayBuffer> | null {
  let bytes: Uint8Array;
  if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (ArrayBuffer.isView(source)) bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  else return null;
  const at = definedMemoryFlags(bytes);
  if (at < 0) return null;
  const copy = bytes.slice();
  copy[at] = 0x03;
  return copy;
}

/**
 * Runs `init` (which starts tfjs-backend-wasm) with `WebAssembly.instantiate` giving every module
 * that defines one unshared memory with a maximum a shared one instead, then restores it. Returns
 * what `init` returns. Where `SharedArrayBuffer` is missing, only runs `init`.
 * @internal
 */
export async function withSharedWasmHeap<T>(init: () => Promise<T>): Promise<T> {
  if (typeof SharedArrayBuffer !== 'function') return init();
  const original = WebAssembly.instantiate;
  const patched = function instantiate(source: unknown, imports?: WebAssembly.Imports): Promise<unknown> {
    const run = original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>;
    const shared = source instanceof WebAssembly.Module ? null : sharedVersion(source);
    if (shared === null) return run.call(WebAssembly, source, imports);
    // A runtime without shared memories gets the module as it came.
    return run.call(WebAssembly, shared, imports).catch(() => run.call(WebAssembly, source, imports));
  };
  WebAssembly.instantiate = patched as typeof WebAssembly.instantiate;
  try {
    return await init();
  } finally {
    if (WebAssembly.instantiate === (patched as unknown)) WebAssembly.instantiate = original;
  }
}
