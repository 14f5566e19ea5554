// The imports whose bundles are checked and whose size is recorded in docs/bundle-size.md, with a
// ceiling on the package's own code in each (gzipped bytes, level 9, as bundled and minified by
// esbuild, rollup + terser and webpack 5 in production mode; the largest of the three counts).
// A ceiling is a budget, not a measurement: raise one only with a reason in the commit message.
import type { SizeCase } from './bundlers.js';

const KiB = 1024;

export const SIZE_CASES: readonly SizeCase[] = [
  { names: '{ mse }', source: "import { mse } from 'autoencoders';\nconsole.log(mse);", layers: false, ceiling: 2 * KiB },
  { names: '{ bce, gaussianNoise }', source: "import { bce, gaussianNoise } from 'autoencoders';\nconsole.log(bce, gaussianNoise);", layers: false, ceiling: 3.5 * KiB },
  { names: '{ rocAuc }', source: "import { rocAuc } from 'autoencoders';\nconsole.log(rocAuc);", layers: false, ceiling: 2 * KiB },
  { names: '{ PCA }', source: "import { PCA } from 'autoencoders';\nconsole.log(PCA);", layers: false, ceiling: 24 * KiB },
  { names: '{ mmd, tcDecomposition }', source: "import { mmd, tcDecomposition } from 'autoencoders';\nconsole.log(mmd, tcDecomposition);", layers: false, ceiling: 5 * KiB },
  { names: '{ GaussianMixture }', source: "import { GaussianMixture } from 'autoencoders';\nconsole.log(GaussianMixture);", layers: false, ceiling: 12 * KiB },
  { names: '{ useBackend }', source: "import { useBackend } from 'autoencoders';\nconsole.log(useBackend);", layers: false, ceiling: 20 * KiB },
  {
    names: '{ denseAutoencoder, train }',
    source: "import { denseAutoencoder, train } from 'autoencoders';\nconsole.log(denseAutoencoder, train);",
    layers: true,
    ceiling: 30 * KiB,
  },
];
