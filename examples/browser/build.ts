// Builds the browser demo: bundles the page scripts with esbuild — against the package's sources,
// or, with `packageDir`, against an installed copy of the package (the end-to-end tests use the
// packed tarball, so that they test what users install) —
// (platform 'browser', no Node built-ins allowed in our own code), copies the HTML, the styles
// and the tfjs-backend-wasm binaries, and packs a few thousand MNIST digits into one binary asset.
import { build, type Metafile, type Plugin } from 'esbuild';
import { builtinModules, createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const require = createRequire(import.meta.url);

/** Options of {@link buildDemo}. */
export interface BuildOptions {
  /** Where to write the page. Default `examples/browser/dist`. It is emptied first. */
  readonly outDir?: string;
  /** Digits to pack into `mnist.bin` (a multiple of 10, at most 10 000). Default 3000. */
  readonly digits?: number;
  /** Minify the bundles. Default false (readable stack traces in the demo). */
  readonly minify?: boolean;
  /**
   * Where the page's `import … from 'autoencoders'` goes: an installed package's folder (e.g.
   * `node_modules/autoencoders` of a project that installed the packed tarball). Default: the
   * sources, `src/index.ts`.
   */
  readonly packageDir?: string;
}

/** What {@link buildDemo} wrote. */
export interface BuildResult {
  readonly outDir: string;
  /** esbuild's metafile of the page bundles (inputs and outputs). */
  readonly metafile: Metafile;
  /** Bytes of each written file, by path relative to `outDir`. */
  readonly files: Readonly<Record<string, number>>;
}

/** Node's built-in modules, with and without the `node:` prefix. */
export const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * An esbuild plugin that fails the build when a file of this package (`src/`, `examples/browser/page/`)
 * imports a Node built-in. Dependencies are left to esbuild: with platform 'browser' it resolves a
 * built-in only where the dependency's package.json maps it to `false` (an empty stub, recorded as
 * `(disabled):name` in the metafile) and fails on any other.
 */
export function noNodeBuiltins(packageDir?: string): Plugin {
  const ours = [join(root, 'src') + sep, join(here, 'page') + sep, ...(packageDir === undefined ? [] : [resolve(packageDir) + sep])];
  return {
    name: 'no-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!NODE_BUILTINS.has(args.path) && !args.path.startsWith('node:')) return undefined;
        if (!ours.some((dir) => args.importer.startsWith(dir))) return undefined;
        return {
          errors: [
            {
              text: `Node built-in '${args.path}' imported by ${relative(root, args.importer)}: code that runs in the browser must not use Node built-ins`,
            },
          ],
        };
      });
    },
  };
}

/** Page entry points: the demo and the test lab. */
export const ENTRY_POINTS = {
  app: join(here, 'page/app.ts'),
  lab: join(here, 'page/lab.ts'),
} as const;

/**
 * An esbuild plugin that resolves `autoencoders` to the sources, or to the ES module build of the
 * package installed in `packageDir` (through its package.json `exports`, as an app's bundler would).
 */
export function autoencodersFrom(packageDir?: string): Plugin {
  return {
    name: 'autoencoders-from',
    setup(b) {
      b.onResolve({ filter: /^autoencoders$/ }, async (args) => {
        if (args.pluginData === 'autoencoders-from') return undefined; // the inner resolve below
        if (packageDir === undefined) return { path: join(root, 'src/index.ts') };
        // From the project that installed it: <project>/node_modules/autoencoders → <project>.
        const project = dirname(dirname(resolve(packageDir)));
        const resolved = await b.resolve('autoencoders', { kind: args.kind, resolveDir: project, pluginData: 'autoencoders-from' });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path, sideEffects: resolved.sideEffects };
      });
    },
  };
}

/**
 * The wasm worker pool's thread entry, bundled on its own into chunks/worker.js: next to the shared
 * chunk that starts it with `new URL('./worker.js', import.meta.url)` (which esbuild leaves as it is).
 */
export const WORKER_ENTRY = join(root, 'src/kernels/wasm/worker.ts');

/** The worker entry of the sources, or of the ES module build of the package installed in `packageDir`. */
export function workerEntry(packageDir?: string): string {
  return packageDir === undefined ? WORKER_ENTRY : join(resolve(packageDir), 'dist/esm/kernels/wasm/worker.js');
}

/**
 * Bundles the page scripts for the browser (ES modules, shared chunks) and returns esbuild's
 * metafile. Throws (esbuild's error) when a Node built-in is needed.
 */
export async function bundlePage(outDir: string, minify = false, packageDir?: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: outDir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    minify,
    metafile: true,
    logLevel: 'silent',
    plugins: [autoencodersFrom(packageDir), noNodeBuiltins(packageDir)],
  });
  await build({
    absWorkingDir: root,
    entryPoints: [workerEntry(packageDir)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(outDir, 'chunks/worker.js'),
    sourcemap: 'linked',
    minify,
    logLevel: 'silent',
    plugins: [noNodeBuiltins(packageDir)],
  });
  return result.metafile;
}

/** Width × height of one MNIST digit. */
export const SIDE = 28;

/**
 * Packs `count` MNIST digits from the `mnist` package's JSON files into one binary:
 * `'MNST'`, the count (uint32, little-endian), `count` labels (uint8), then `count × 784`
 * grey levels (uint8, 0–255, row-major). Classes are interleaved (0, 1, …, 9, 0, 1, …),
 * taking the first `count / 10` digits of each class, so any prefix is balanced.
 */
export function packDigits(count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 10 || count % 10 !== 0) {
    throw new Error(`packDigits: argument 'count' must be a positive multiple of 10, got ${count}`);
  }
  const perClass = count / 10;
  const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src/digits');
  const pixels = SIDE * SIDE;
  const classes: number[][] = [];
  for (let c = 0; c < 10; c++) {
    const { data } = JSON.parse(readFileSync(join(digitsDir, `${c}.json`), 'utf8')) as { data: number[] };
    const available = Math.floor(data.length / pixels);
    if (available < perClass) {
      throw new Error(`packDigits: the mnist package has ${available} digits of class ${c}, ${perClass} were asked for`);
    }
    classes.push(data);
  }
  const out = new Uint8Array(8 + count + count * pixels);
  out.set([0x4d, 0x4e, 0x53, 0x54]); // 'MNST'
  new DataView(out.buffer).setUint32(4, count, true);
  const labels = 8;
  const images = 8 + count;
  for (let k = 0; k < perClass; k++) {
    for (let c = 0; c < 10; c++) {
      const i = k * 10 + c;
      out[labels + i] = c;
      const src = classes[c]!;
      for (let p = 0; p < pixels; p++) out[images + i * pixels + p] = Math.round(255 * src[k * pixels + p]!);
    }
  }
  return out;
}

const STATIC_FILES = ['index.html', 'lab.html', 'style.css'];
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Builds the whole page into `outDir`: bundles, static files, wasm binaries and `mnist.bin`. */
export async function buildDemo(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = resolve(options.outDir ?? join(here, 'dist'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'tfjs-wasm'), { recursive: true });
  const metafile = await bundlePage(outDir, options.minify ?? false, options.packageDir);
  for (const f of STATIC_FILES) copyFileSync(join(here, 'page', f), join(outDir, f));
  const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of WASM_FILES) copyFileSync(join(wasmDist, f), join(outDir, 'tfjs-wasm', f));
  writeFileSync(join(outDir, 'mnist.bin'), packDigits(options.digits ?? 3000));
  const files: Record<string, number> = {};
  for (const [path, output] of Object.entries(metafile.outputs)) files[relative(outDir, resolve(root, path))] = output.bytes;
  for (const f of STATIC_FILES) files[f] = readFileSync(join(outDir, f)).byteLength;
  for (const f of WASM_FILES) files[`tfjs-wasm/${f}`] = readFileSync(join(outDir, 'tfjs-wasm', f)).byteLength;
  files['mnist.bin'] = readFileSync(join(outDir, 'mnist.bin')).byteLength;
  return { outDir, metafile, files };
}
