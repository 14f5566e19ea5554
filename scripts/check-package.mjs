// Checks the package as it will be published, not the source: packs the tarball, then runs
// publint --strict and are-the-types-wrong on it. Run after `npm run build` (the pack skips prepack, which would build again).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'autoencoders-pack-'));
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
try {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { encoding: 'utf8' });
  const [{ filename, size, unpackedSize, entryCount }] = JSON.parse(out);
  console.log(`packed ${filename}: ${entryCount} files, ${size} bytes (${unpackedSize} unpacked)`);
  const tarball = join(dir, filename);
  run('npx', ['publint', '--strict', tarball]);
  // Node 10 resolution has no `exports`; the package targets Node >= 20 and bundlers.
  run('npx', ['attw', tarball, '--profile', 'node16']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
