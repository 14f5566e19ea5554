import { writeFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

// One output file per source module, in both formats, so that an app bundling
// `import { mse } from 'autoencoders'` loads `losses/reconstruction.js` and what it imports, and
// nothing else: with `"sideEffects": false` a bundler drops every module whose exports go unused,
// tfjs-layers with the `nn/` files that import it. (A single bundled `index.js` importing
// tfjs-layers at its top kept all of tfjs-layers in every app, since that package has side effects.)
//
// esbuild transpiles each file on its own (`bundle: false`); the sources' relative imports already
// end in `.js`, which is right for both folders: `dist/cjs/` holds a package.json saying
// `"type": "commonjs"`, so its `.js` files (and `.d.ts` files) are CommonJS to Node and to
// TypeScript. The declarations are emitted by `tsc` (tsconfig.build.json), once per folder.
const common: Options = {
  entry: ['src/**/*.ts'],
  bundle: false,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  dts: false,
  splitting: false,
};

export default defineConfig([
  { ...common, format: 'esm', outDir: 'dist/esm', clean: true },
  {
    ...common,
    format: 'cjs',
    outDir: 'dist/cjs',
    clean: true,
    outExtension: () => ({ js: '.js' }),
    onSuccess: async () => {
      writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
    },
  },
]);
