// `npm run example -- <name> [flags]` runs examples/<name>/main.ts; without a name it lists them.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'main.ts')))
  .map((d) => d.name)
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.log(`usage: npm run example -- <name> [--quick]\nexamples: ${names.join(', ')}`);
  process.exit(name ? 1 : 0);
}
process.argv = [process.argv[0]!, join(here, name, 'main.ts'), ...rest];
await import(join(here, name, 'main.ts'));
