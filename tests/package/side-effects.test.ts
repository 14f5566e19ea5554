// package.json's `"sideEffects"` lists only the worker pool's thread entry (a script that runs when a
// Worker loads it, never imported): it is a promise that every other file of dist/ is free of side
// effects, i.e. importing a module and using nothing from it must leave nothing in a bundle. Checked file by file on the installed
// package: each module of dist/esm is copied out of the package (so that the flag cannot hide what
// it does), imported for its side effects alone by esbuild with every other import left external,
// and what remains after minification (besides those imports) must be empty. Module-scope
// constants computed by a call need `/* @__PURE__ */` for this; `2 ** n` must be a literal.
import { build } from 'esbuild';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedPackage } from './installed.js';

let copy: string;
let modules: string[];
let declared: string[];
beforeAll(async () => {
  const { packageDir } = await installedPackage();
  declared = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { sideEffects: string[] }).sideEffects;
  copy = mkdtempSync(join(tmpdir(), 'autoencoders-side-effects-'));
  cpSync(join(packageDir, 'dist', 'esm'), join(copy, 'esm'), { recursive: true });
  modules = readdirSync(join(copy, 'esm'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => !declared.includes(`./dist/${relative(copy, file)}`))
    .sort();
}, 600_000);
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** The code esbuild keeps for `import 'file'`, other imports aside. */
async function residue(file: string): Promise<string> {
  const result = await build({
    stdin: { contents: `import ${JSON.stringify(file)};`, resolveDir: copy },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'silent',
    plugins: [
      {
        name: 'only-this-file',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => (args.path === file ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text.replace(/import\s*(\*\s*as\s*[\w$]+|\{[^}]*\}|[\w$]+)?\s*(from)?\s*"[^"]+";/g, '').trim();
}

describe('every module of the installed package', () => {
  it('declares side effects only for the worker entry, in both builds', () => {
    expect(declared).toEqual(['./dist/esm/kernels/wasm/worker.js', './dist/cjs/kernels/wasm/worker.js']);
  });

  it('is free of side effects: importing it alone leaves no code in a bundle', async () => {
    expect(modules.length).toBeGreaterThan(50);
    const kept: Record<string, string> = {};
    for (const file of modules) {
      const code = await residue(file);
      if (code !== '') kept[relative(copy, file)] = code.slice(0, 200);
    }
    expect(kept).toEqual({});
  });

  it('would be caught with a module-scope call in it (so the check can fail)', async () => {
    const file = join(copy, 'esm', 'impure-probe.js');
    writeFileSync(file, 'export const CONSTANT = Math.log(2);\n');
    expect(await residue(file)).toContain('Math.log');
    writeFileSync(file, 'export const CONSTANT = /* @__PURE__ */ Math.log(2);\n');
    expect(await residue(file)).toBe('');
  });
});
