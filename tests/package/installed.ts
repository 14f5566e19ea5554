// The package as a user installs it: `npm run build`, `npm pack`, and `npm install` of the tarball
// into an empty project that also has the peer dependencies. Tests of the shipped artifact (bundlers,
// Node ESM/CJS, type-checking consumers, the browser page) import from that project, not from src/.
//
// Building and installing takes a while, and vitest runs test files in several processes, so the
// result is cached in the system's temporary folder (outside the repository, so that no package
// resolves from the repository's node_modules by walking up), keyed by a hash of everything that
// goes into the tarball; the first process to need it builds it while holding a lock (a directory
// made with mkdir, which is atomic), the others wait for its `ready` file.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A temporary project with the packed package installed. */
export interface InstalledPackage {
  /** The consumer project (its node_modules holds `autoencoders` and the peers). */
  readonly project: string;
  /** `project/node_modules/autoencoders`, the unpacked tarball. */
  readonly packageDir: string;
  /** The tarball that was installed. */
  readonly tarball: string;
}

/** Peer (and optional peer) dependencies the consumer project gets, linked from this repository. */
const PEERS = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  'webgpu',
];

/** What goes into the tarball, or decides how it is built. */
const INPUTS = ['src', 'package.json', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.src.json', 'tsconfig.build.json', 'scripts/finish-build.mjs', 'README.md', 'CHANGELOG.md', 'LICENSE'];

function hashInputs(): string {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    const full = join(ROOT, path);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) add(join(path, name));
    } else {
      hash.update(path).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  for (const path of INPUTS) add(path);
  return hash.digest('hex').slice(0, 16);
}

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

function buildInto(dir: string): InstalledPackage {
  run('npm', ['run', 'build'], ROOT);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT)) as { filename: string }[];
  const tarball = join(dir, packed[0]!.filename);
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
  // Peers are not installed by npm here (--legacy-peer-deps): they are this repository's copies,
  // linked in after the install (npm would prune links it did not make).
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps', '--no-package-lock', tarball], project);
  for (const name of PEERS) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
  return { project, packageDir: join(project, 'node_modules', 'autoencoders'), tarball };
}

let cached: InstalledPackage | undefined;

/**
 * Builds, packs and installs the package once per content hash and returns where it is.
 * Waits (up to 10 minutes) while another test process builds the same hash.
 */
export async function installedPackage(): Promise<InstalledPackage> {
  if (cached) return cached;
  const cache = join(tmpdir(), `autoencoders-installed-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);
  mkdirSync(cache, { recursive: true });
  const key = hashInputs();
  const dir = join(cache, key);
  const ready = join(dir, 'ready.json');
  // One lock for every hash: a build writes the repository's dist/, which two builds of different
  // sources (an edit between two test processes' calls) must not write at once.
  const lock = join(cache, 'build.lock');
  const deadline = Date.now() + 600_000;
  while (!existsSync(ready)) {
    let owner = false;
    try {
      mkdirSync(lock);
      owner = true;
    } catch {
      // Another process builds it; a lock older than 10 minutes is from a process that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
    }
    if (owner && existsSync(ready)) {
      rmSync(lock, { recursive: true, force: true });
      break;
    }
    if (owner) {
      const staging = `${dir}.staging`;
      try {
        rmSync(staging, { recursive: true, force: true });
        mkdirSync(staging);
        const built = buildInto(staging);
        rmSync(dir, { recursive: true, force: true });
        renameSync(staging, dir);
        const rel = (p: string): string => relative(staging, p);
        writeFileSync(ready, JSON.stringify({ project: rel(built.project), packageDir: rel(built.packageDir), tarball: rel(built.tarball) }));
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      // Builds of other sources older than an hour are stale (a younger one may be in use by a test).
      for (const name of readdirSync(cache)) {
        const path = join(cache, name);
        if (name !== key && !name.endsWith('.lock') && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline) throw new Error(`installedPackage: gave up waiting for ${lock} (another test process building the package)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const rel = JSON.parse(readFileSync(ready, 'utf8')) as Record<'project' | 'packageDir' | 'tarball', string>;
  cached = { project: join(dir, rel.project), packageDir: join(dir, rel.packageDir), tarball: join(dir, rel.tarball) };
  return cached;
}
