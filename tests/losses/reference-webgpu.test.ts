// The PyTorch reference suite on WebGPU in Node without a GPU: the `webgpu` package (Dawn) on
// its OpenGL ES backend over Mesa's llvmpipe (EGL_PLATFORM=surfaceless), as in
// tests/backend/webgpu-node.test.ts. See reference-suite.ts.
import { useBackend } from '../../src/backend/index.js';
import { defineReferenceSuite } from './reference-suite.js';

process.env['EGL_PLATFORM'] ??= 'surfaceless';

defineReferenceSuite('webgpu', () => useBackend('webgpu', { nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } }));
