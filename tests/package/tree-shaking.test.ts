// An app that imports one name must get that name, not the whole package. Checked on the package as
// users install it (the packed tarball, tests/package/installed.ts), with three real bundlers in
// production mode: the low-layer imports must keep no tfjs-layers module, the model imports must
// keep it (so that the check can fail), and the package's own code must stay under its ceiling
// (tests/package/budgets.ts; the table is docs/bundle-size.md, written by `npm run size`).
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_EXTERNAL, BUNDLERS, bundleWith, sizes } from './bundlers.js';
import { SIZE_CASES } from './budgets.js';
import { installedPackage, type InstalledPackage } from './installed.js';

let installed: InstalledPackage;
beforeAll(async () => {
  installed = await installedPackage();
}, 600_000);

const isLayers = (path: string): boolean => path.includes('/@tensorflow/tfjs-layers/');
const isOurs = (path: string): boolean => path.includes('/node_modules/autoencoders/');

describe.each(BUNDLERS)('a production bundle made by %s of the installed package', (bundler) => {
  for (const { names, source, layers, ceiling } of SIZE_CASES) {
    it(`of import ${names} ${layers ? 'contains' : 'contains no'} tfjs-layers code, and at most ${(ceiling / 1024).toFixed(1)} KiB gzipped of the package's own`, async () => {
      const bundle = await bundleWith(bundler, installed.project, source);
      const ours = bundle.modules.filter(isOurs);
      // Only the ES module build is bundled (never dist/cjs), and something of it is.
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.filter((p) => !p.includes('/autoencoders/dist/esm/'))).toEqual([]);
      if (layers) expect(bundle.modules.some(isLayers)).toBe(true);
      else expect(bundle.modules.filter(isLayers)).toEqual([]);
      const own = layers ? await bundleWith(bundler, installed.project, source, ALL_EXTERNAL) : bundle;
      // Nothing but the package's files and the entry itself: the bundle is all own code.
      if (!layers) expect(bundle.modules.filter((p) => !isOurs(p) && !p.includes('/.bundle-'))).toEqual([]);
      const { minified, gzipped } = sizes(own.code);
      console.log(`${bundler} ${names}: own code ${(minified / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(2)} KiB gzipped`);
      expect(gzipped).toBeLessThanOrEqual(ceiling);
    });
  }

  it('of the whole package contains tfjs-layers, so the checks above can fail', async () => {
    const bundle = await bundleWith(bundler, installed.project, "import * as ae from 'autoencoders';\nconsole.log(ae);");
    expect(bundle.modules.some(isLayers)).toBe(true);
  });
});
