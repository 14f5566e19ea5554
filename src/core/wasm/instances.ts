/**
 * Compiling and instantiating the assembled modules lazily: nothing is compiled before the first
 * call (so importing a kernel file costs nothing), and a module is compiled at most once.
 * Compilation is synchronous (`new WebAssembly.Module`), which browsers allow on the main thread
 * for modules as small as these.
 * @internal
 */

/** Compiles `bytes`, or `null` where WebAssembly, or the SIMD the bytes use, is missing. */
function compile(bytes: () => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') return null;
    const b = bytes();
    return WebAssembly.validate(b) ? new WebAssembly.Module(b) : null;
  } catch {
    return null;
  }
}

/**
 * A function that compiles `bytes()` on its first call and returns the same module on every
 * call, or `null` where WebAssembly or its SIMD is missing (then callers use JavaScript).
 * @internal
 */
export function lazyModule(bytes: () => Uint8Array<ArrayBuffer>): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) compiled = compile(bytes);
    return compiled;
  };
}

/**
 * Compiles `bytes` once (see {@link lazyModule}) and instantiates it once per memory, imported
 * as `env.memory`; the function returns the instance's exports, or `null` where WebAssembly or
 * its SIMD is missing, or where the module cannot use the memory. `bytes(shared)` gives the module
 * for an unshared memory (`false`) or for a shared one (`true`: tfjs-backend-wasm's heap when it
 * is shared, see src/backend/sharedHeap.ts); each is compiled on first need.
 * @internal
 */
export function lazyInstances<T>(bytes: (shared: boolean) => Uint8Array<ArrayBuffer>): (memory: WebAssembly.Memory) => T | null {
  const unshared = lazyModule(() => bytes(false));
  const shared = lazyModule(() => bytes(true));
  const instances = new WeakMap<WebAssembly.Memory, T>();
  const failed = new WeakSet<WebAssembly.Memory>();
  return (memory) => {
    const known = instances.get(memory);
    if (known !== undefined) return known;
    if (failed.has(memory)) return null;
    const isShared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    const compiled = isShared ? shared() : unshared();
    if (compiled === null) return null;
    try {
      const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as T;
      instances.set(memory, exports);
      return exports;
    } catch {
      // E.g. a shared memory whose maximum exceeds the one the module's import declares.
      failed.add(memory);
      return null;
    }
  };
}
