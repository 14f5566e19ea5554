import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker pool's thread entry is built as a file of its own, found next to the module that starts it.
  entry: { index: 'src/index.ts', worker: 'src/kernels/wasm/worker.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  external: [/^@tensorflow\//, 'webgpu'],
});
