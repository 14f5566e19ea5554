/**
 * The WebAssembly assembler and loader shared by the wasm kernels of src/backend and src/pca.
 * @internal
 */
export { I32, F32, F64, V128, FunctionBuilder, moduleBytes, BACKEND_MEMORY, SHARED_MEMORY } from './assembler.js';
export type { FunctionOptions, ExportedFunction, MemoryImport } from './assembler.js';
export { lazyModule, lazyInstances } from './instances.js';
