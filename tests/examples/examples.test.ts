// Runs every example the way a reader does (`tsx examples/<name>/main.ts --quick`), each in a child
// process with its output in a temporary folder, and checks that it exits with 0 and writes the
// pictures it promises as valid, non-blank PNGs of plausible size (and the charts also as SVGs, whose
// rendering by resvg must not be blank either), so that no example can rot.
// Two children run at a time (the machines this runs on have two cores); each has its own limit.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');

/** How to run one example and what it must leave behind. */
interface ExampleCase {
  /** Command-line arguments after the script, given a fresh output folder. */
  readonly args: (out: string) => string[];
  /** PNG files the run must write into the output folder. */
  readonly pngs: readonly string[];
  /** SVG files (the charts, drawn by vega) it must write there too. */
  readonly svgs?: readonly string[];
  /** Other files it must write there. */
  readonly files?: readonly string[];
  /** Wall-clock limit of the child process, in ms. */
  readonly limit: number;
}

const quickInto = (out: string): string[] => ['--quick', '--out', out];

/** The examples whose outputs are known. An example folder not listed here gets the generic check below. */
const CASES: Readonly<Record<string, ExampleCase>> = {
  demo: { args: (out) => ['--quick', join(out, 'reconstructions.png')], pngs: ['reconstructions.png'], limit: 90_000 },
  'mnist-autoencoder': { args: quickInto, pngs: ['reconstructions.png', 'latent-2d.png'], limit: 90_000 },
  denoising: { args: quickInto, pngs: ['denoising.png', 'error-vs-noise.png'], svgs: ['error-vs-noise.svg'], limit: 120_000 },
  sparse: { args: quickInto, pngs: ['code-histogram.png', 'mean-activation.png', 'features.png'], svgs: ['code-histogram.svg', 'mean-activation.svg'], limit: 120_000 },
  vae: { args: quickInto, pngs: ['samples.png', 'manifold.png', 'latent-2d.png', 'mixture-samples.png', 'interpolation.png', 'traversal.png'], limit: 120_000 },
  cvae: { args: quickInto, pngs: ['digits.png', 'analogies.png'], limit: 120_000 },
  'vq-vae': { args: quickInto, pngs: ['reconstructions.png', 'codebook-usage.png', 'samples.png'], limit: 120_000 },
  disentanglement: { args: quickInto, pngs: ['traversal.png'], limit: 120_000 },
  'pca-vs-autoencoder': { args: quickInto, pngs: ['error-vs-k.png', 'components.png', 'reconstructions.png'], svgs: ['error-vs-k.svg'], limit: 120_000 },
  'anomaly-mnist': { args: quickInto, pngs: ['auc-by-digit.png', 'most-anomalous.png'], svgs: ['auc-by-digit.svg'], limit: 120_000 },
  'anomaly-jets': { args: quickInto, pngs: ['roc.png', 'figure3.png', 'mass-sculpting.png'], limit: 120_000 },
  'anomaly-tabular': { args: quickInto, pngs: ['roc.png'], limit: 120_000 },
  'anomaly-timeseries': { args: quickInto, pngs: ['stream.png'], limit: 120_000 },
  // The browser demo is a page: build it (no server) and check the built files.
  browser: { args: (out) => ['--build-only', '--out', out], pngs: [], files: ['index.html', 'app.js', 'mnist.bin'], limit: 120_000 },
};

/**
 * For an example not in CASES: `--quick --out <dir>`, and at least one PNG must appear in <dir> (or,
 * for an example that ignores --out, in examples/<name>/out/, written during the run).
 */
const GENERIC: ExampleCase = { args: quickInto, pngs: [], limit: 120_000 };

const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'examples', d.name, 'main.ts')))
  .map((d) => d.name)
  .sort();

// At most two children at a time.
let running = 0;
const queue: (() => void)[] = [];
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((wake) => queue.push(wake));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly seconds: number;
}

function runExample(name: string, args: readonly string[], limit: number): Promise<RunResult> {
  const started = performance.now();
  return new Promise((done) => {
    execFile(
      tsx,
      [join('examples', name, 'main.ts'), ...args],
      { cwd: root, timeout: limit, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        done({ code, signal: error?.signal ?? null, output: `${stdout}\n${stderr}`, seconds: (performance.now() - started) / 1000 });
      },
    );
  });
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Asserts that `path` is a readable PNG of a plausible size that is not one flat colour. */
function expectPicture(path: string): void {
  expect(existsSync(path), `${path} was not written`).toBe(true);
  const bytes = readFileSync(path);
  expect([...bytes.subarray(0, 8)], `${path} does not start with the PNG signature`).toEqual(PNG_SIGNATURE);
  expect(bytes.length, `${path} is suspiciously small`).toBeGreaterThan(1_000);
  expect(bytes.length, `${path} is over 2 MB`).toBeLessThan(2_000_000);
  expectNotBlank(path, PNG.sync.read(bytes));
}

/** Asserts that `path` is an SVG chart with text and marks whose rendering (by resvg) is not blank. */
function expectSvg(path: string): void {
  expect(existsSync(path), `${path} was not written`).toBe(true);
  const svg = readFileSync(path, 'utf8');
  expect(svg.startsWith('<svg'), `${path} is not an SVG document`).toBe(true);
  expect(svg.length, `${path} is over 2 MB`).toBeLessThan(2_000_000);
  expect(svg.match(/<text\b/g)?.length ?? 0, `${path} has no text`).toBeGreaterThan(3);
  // Marks: vega's paths, or the pixel images of a composed figure (figure3.svg is one image and its labels).
  expect(svg.match(/<(path|image)\b/g)?.length ?? 0, `${path} has no marks`).toBeGreaterThan(0);
  expectNotBlank(path, PNG.sync.read(new Resvg(svg, { font: { loadSystemFonts: true } }).render().asPng()));
}

function expectNotBlank(path: string, png: PNG): void {
  expect(png.width).toBeGreaterThanOrEqual(100);
  expect(png.height).toBeGreaterThanOrEqual(60);
  expect(png.width).toBeLessThanOrEqual(4_000);
  expect(png.height).toBeLessThanOrEqual(4_000);
  // Not blank: several colours, and no single colour covers (nearly) every pixel.
  const counts = new Map<number, number>();
  for (let i = 0; i < png.data.length; i += 4) {
    const c = (png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const pixels = png.width * png.height;
  expect(counts.size, `${path} has fewer than 3 colours`).toBeGreaterThanOrEqual(3);
  expect(Math.max(...counts.values()) / pixels, `${path} is (nearly) one flat colour`).toBeLessThan(0.995);
}

const tempRoot = mkdtempSync(join(tmpdir(), 'autoencoders-examples-'));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

describe('every example runs on a tiny budget', () => {
  it('finds the examples of the package', () => {
    for (const name of ['demo', 'mnist-autoencoder', 'denoising', 'sparse', 'vae', 'cvae', 'pca-vs-autoencoder', 'browser']) expect(examples).toContain(name);
  });

  for (const name of examples) {
    const known = CASES[name];
    const spec = known ?? GENERIC;
    const promised = [...spec.pngs, ...(spec.files ?? [])];
    const title = `${name} exits with 0 and writes ${promised.length > 0 ? promised.join(', ') : 'at least one PNG'}`;
    // The test's own limit covers waiting for a free slot as well as the run.
    it.concurrent(
      title,
      async () => {
        const out = join(tempRoot, name);
        const started = Date.now();
        const result = await inSlot(() => runExample(name, spec.args(out), spec.limit));
        const tail = result.output.split('\n').slice(-25).join('\n');
        expect(result.signal, `${name} was killed (${result.signal}) after ${result.seconds.toFixed(0)} s; its last output:\n${tail}`).toBeNull();
        expect(result.code, `${name} exited with ${result.code}; its last output:\n${tail}`).toBe(0);
        for (const png of spec.pngs) expectPicture(join(out, png));
        for (const svg of spec.svgs ?? []) expectSvg(join(out, svg));
        for (const file of spec.files ?? []) expect(existsSync(join(out, file)), `${name} did not write ${file}`).toBe(true);
        if (known === undefined) {
          const pngsIn = (dir: string): string[] =>
            existsSync(dir)
              ? readdirSync(dir)
                  .filter((f) => f.endsWith('.png') && statSync(join(dir, f)).mtimeMs >= started - 1000)
                  .map((f) => join(dir, f))
              : [];
          const written = pngsIn(out).length > 0 ? pngsIn(out) : pngsIn(join(root, 'examples', name, 'out'));
          expect(written.length, `${name} wrote no PNG into --out ${out} nor examples/${name}/out/; its last output:\n${tail}`).toBeGreaterThan(0);
          for (const png of written) expectPicture(png);
        }
      },
      spec.limit * 3,
    );
  }
});
