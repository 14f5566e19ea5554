// Three real bundlers, each in production mode (minified, tree-shaken), bundling one entry file of
// a consumer project. Each returns the code it wrote and the modules it kept, in its own words:
// esbuild's metafile, rollup's rendered modules, webpack's stats. Used by the shipped-package tests
// and by scripts/bundle-size.ts.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import webpack from 'webpack';

/** The bundlers measured. */
export const BUNDLERS = ['esbuild', 'rollup', 'webpack'] as const;
export type BundlerName = (typeof BUNDLERS)[number];

/** One bundle: its minified code and the absolute paths of the modules that contributed code. */
export interface Bundle {
  readonly code: string;
  readonly modules: readonly string[];
}

/** What to leave out of a bundle: module ids matching this are left as imports. */
export type External = (id: string) => boolean;

/** tfjs-core, its backends and Dawn: the app's own copies, never the package's code. */
export const TFJS_EXTERNAL: External = (id) => /^@tensorflow\/tfjs-(core|backend-[a-z]+)(\/|$)/.test(id) || id === 'webgpu';

/** Every dependency left out, so that the bundle is the package's own code (for the size table). */
export const ALL_EXTERNAL: External = (id) => /^@tensorflow\//.test(id) || id === 'webgpu' || id === 'cli-progress';

async function withEntry<T>(project: string, source: string, fn: (entry: string, outDir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(project, '.bundle-'));
  try {
    const entry = join(dir, 'entry.js');
    writeFileSync(entry, source);
    return await fn(entry, join(dir, 'out'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function esbuildBundle(project: string, source: string, external: External): Promise<Bundle> {
  return withEntry(project, source, async (entry) => {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: project,
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'external',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) => (external(args.path) ? { path: args.path, external: true } : undefined));
          },
        },
      ],
    });
    const output = Object.values(result.metafile.outputs)[0]!;
    const modules = Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([path]) => join(project, path));
    return { code: result.outputFiles[0]!.text, modules };
  });
}

async function rollupBundle(project: string, source: string, external: External): Promise<Bundle> {
  return withEntry(project, source, async (entry) => {
    const bundle = await rollup({
      input: entry,
      external,
      plugins: [nodeResolve({ browser: true, preferBuiltins: false })],
      logLevel: 'silent',
      onwarn: () => {},
    });
    try {
      const { output } = await bundle.generate({ format: 'es', plugins: [terser()] });
      const chunk = output.find((o) => o.type === 'chunk')!;
      const modules = Object.entries(chunk.modules)
        .filter(([, m]) => m.renderedLength > 0)
        .map(([id]) => id.replace(/^\0/, ''));
      return { code: output.map((o) => (o.type === 'chunk' ? o.code : '')).join('\n'), modules };
    } finally {
      await bundle.close();
    }
  });
}

async function webpackBundle(project: string, source: string, external: External): Promise<Bundle> {
  return withEntry(project, source, async (entry, outDir) => {
    const compiler = webpack({
      mode: 'production',
      context: project,
      entry,
      target: 'web',
      devtool: false,
      output: { path: outDir, filename: 'main.js', module: true, chunkFormat: 'module', library: { type: 'module' } },
      experiments: { outputModule: true },
      externalsType: 'module',
      externals: [({ request }, callback) => (request !== undefined && external(request) ? callback(undefined, request) : callback())],
      performance: { hints: false },
      infrastructureLogging: { level: 'error' },
    });
    const stats = await new Promise<webpack.Stats>((resolve, reject) => {
      compiler.run((error, result) => {
        compiler.close(() => {});
        if (error) reject(error);
        else if (!result) reject(new Error('webpack: no stats'));
        else if (result.hasErrors()) reject(new Error(`webpack: ${result.toJson({ all: false, errors: true }).errors!.map((e) => e.message).join('\n')}`));
        else resolve(result);
      });
    });
    // Concatenated modules list the modules they are made of; keep those that are in a chunk.
    const modules: string[] = [];
    const visit = (list: webpack.StatsModule[] | undefined): void => {
      for (const m of list ?? []) {
        if (m.modules) visit(m.modules);
        else if (m.nameForCondition && (m.chunks?.length ?? 1) > 0) modules.push(m.nameForCondition);
      }
    };
    visit(stats.toJson({ all: false, modules: true, nestedModules: true }).modules);
    const code = readdirSync(outDir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(outDir, f), 'utf8'))
      .join('\n');
    return { code, modules };
  });
}

/** Bundles `source` (an ES module in the consumer project) with the named bundler. */
export function bundleWith(bundler: BundlerName, project: string, source: string, external: External = TFJS_EXTERNAL): Promise<Bundle> {
  if (bundler === 'esbuild') return esbuildBundle(project, source, external);
  if (bundler === 'rollup') return rollupBundle(project, source, external);
  return webpackBundle(project, source, external);
}

/** Bytes of `code` minified (as written) and gzipped (level 9). */
export function sizes(code: string): { minified: number; gzipped: number } {
  const bytes = Buffer.from(code, 'utf8');
  return { minified: bytes.byteLength, gzipped: gzipSync(bytes, { level: 9 }).byteLength };
}

/** The imports whose size is recorded and capped; `ceiling` is gzipped bytes of own code. */
export interface SizeCase {
  readonly names: string;
  readonly source: string;
  /** Whether the bundle must contain tfjs-layers (true) or must not (false). */
  readonly layers: boolean;
  /** Gzipped bytes of the package's own code that no bundler may exceed. */
  readonly ceiling: number;
}
