// The PyTorch reference suite of the losses on the wasm backend: the losses use only kernels that
// it has, and its float32 arithmetic stays within the same tolerances. See reference-suite.ts.
import { useBackend } from '../../src/backend/index.js';
import { defineReferenceSuite } from './reference-suite.js';

defineReferenceSuite('wasm', () => useBackend('wasm'));
