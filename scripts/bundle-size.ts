// Writes docs/bundle-size.md: for each import of tests/package/budgets.ts, the size of the package's
// own code in a production bundle of the installed tarball (tfjs and the other dependencies left
// out), minified and gzipped, per bundler, next to the ceiling that tests/package/tree-shaking.test.ts
// enforces. Run with `npm run size` after changing what a public function pulls in.
import { writeFileSync } from 'node:fs';
import { ALL_EXTERNAL, BUNDLERS, bundleWith, sizes } from '../tests/package/bundlers.js';
import { SIZE_CASES } from '../tests/package/budgets.js';
import { installedPackage } from '../tests/package/installed.js';

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;
const { project } = await installedPackage();
const rows: string[] = [];
for (const { names, source, layers, ceiling } of SIZE_CASES) {
  const cells: string[] = [];
  let worst = 0;
  for (const bundler of BUNDLERS) {
    const { minified, gzipped } = sizes((await bundleWith(bundler, project, source, ALL_EXTERNAL)).code);
    worst = Math.max(worst, gzipped);
    cells.push(`${kib(minified)} / ${kib(gzipped)}`);
  }
  rows.push(`| \`import ${names}\` | ${layers ? 'yes' : 'no'} | ${cells.join(' | ')} | ${kib(ceiling)} | ${worst <= ceiling ? 'within' : '**over**'} |`);
  console.log(rows.at(-1));
}
const doc = `# Bundle size

What an app pays for one import of the package, measured on the packed tarball installed into an
empty project (\`tests/package/installed.ts\`) and bundled in production mode by esbuild, rollup (with
\`@rollup/plugin-node-resolve\` and terser) and webpack 5. Only the package's own code is counted:
TensorFlow.js (tfjs-core, tfjs-layers, the backends), \`webgpu\` and \`cli-progress\` are left out, since
an app has its own copies. Sizes are minified / gzipped (level 9).

"tfjs-layers" says whether the import pulls in tfjs-layers when it is *not* left out (checked for every
bundler by \`tests/package/tree-shaking.test.ts\`): the losses, noise, PCA, metrics and backend
selection never do; the models do, since they are made of Layers networks.

The ceiling is a budget on the largest gzipped size of the three; the test fails when an import goes
over it. Regenerate this page with \`npm run size\`.

| import | tfjs-layers | esbuild | rollup | webpack | ceiling (gzipped) | |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
writeFileSync(new URL('../docs/bundle-size.md', import.meta.url), doc);
console.log('wrote docs/bundle-size.md');
