// The same PyTorch reference suite on the wasm backend and on WebGPU (Dawn on Mesa's OpenGL ES in
// Node, no GPU needed): the losses use only kernels that these backends have, and their float32
// arithmetic stays within the same tolerances. See reference-suite.ts.
import { useBackend } from '../../src/backend/index.js';
import { defineReferenceSuite } from './reference-suite.js';

defineReferenceSuite('wasm', () => useBackend('wasm'));
