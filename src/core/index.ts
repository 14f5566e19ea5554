export { describe, fail, typeFail, isTensor, formatShape } from './errors.js';
export { assertTensor, assertNumericTensor, assertShape, assertSameShape, assertNumber, assertOneOf, assertUnits, readOptions, rejectUnknownKeys, assertOptions } from './validate.js';
export type { NumberRule, OptionKeys } from './validate.js';
export { toTensor, toTensor2D, toHostMatrix, assertFiniteHost } from './input.js';
export type { DataInput, MatrixInput, LabelInput, HostMatrix } from './input.js';
export { deriveSeed, createRng, permutation, randomSeed } from './random.js';
export { I32, F32, F64, V128, FunctionBuilder, moduleBytes, BACKEND_MEMORY, SHARED_MEMORY, lazyModule, lazyInstances } from './wasm/index.js';
export type { FunctionOptions, ExportedFunction, MemoryImport } from './wasm/index.js';
