// Last step of `npm run build`: the declarations tsc wrote into dist/esm/ are copied into dist/cjs/,
// whose package.json says "type": "commonjs", so that TypeScript reads them there as the types of
// CommonJS files (one set of declarations per format, as are-the-types-wrong expects).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const from = 'dist/esm';
const to = 'dist/cjs';
let count = 0;
for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const source = join(entry.parentPath, entry.name);
  const target = join(to, relative(from, source));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  count++;
}
console.log(`build: ${count} declaration files in ${from}/ and ${to}/`);
