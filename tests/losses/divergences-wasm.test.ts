// mmd, tcDecomposition and the vector quantiser against PyTorch on the wasm backend; see divergences-suite.ts.
import { useBackend } from '../../src/backend/index.js';
import { defineDivergenceSuite } from './divergences-suite.js';

// Gradients within 1e-5 of their largest entry (see defineDivergenceSuite); values within 1e-5 relative.
defineDivergenceSuite('wasm', () => useBackend('wasm'), true);
