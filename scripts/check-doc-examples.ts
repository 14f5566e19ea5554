// Type-checks every `@example` of the TSDoc in src/: each ```ts block becomes the body of an
// async function in a generated module that imports tfjs-core as `tf` and every runtime export
// of the package by name, then `tsc` checks them all. Free variables of an example (the
// user's data) are declared in a `// given:` line inside the block, e.g.
//   // given: const images: tf.Tensor2D;
// which becomes a declaration. The common names below (x, xTrain, xTest, images, labels, model,
// vae, pca, chunks, background, testImages, testLabels, text, history, optimizer) are declared for every example. Run: `tsx scripts/check-doc-examples.ts`
// (part of `npm run typecheck`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as api from '../src/index.js';

const root = join(import.meta.dirname, '..');
const out = join(root, '.doc-examples');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

interface Example {
  file: string;
  line: number;
  code: string;
}

function examples(file: string): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example/.test(lines[i]!)) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*\*\s*```/.test(lines[j]!)) {
      if (/^\s*\*\//.test(lines[j]!) || /^\s*\*\s*@/.test(lines[j]!)) break;
      j++;
    }
    if (j >= lines.length || !/^\s*\*\s*```/.test(lines[j]!)) continue;
    const body: string[] = [];
    let k = j + 1;
    for (; k < lines.length && !/^\s*\*\s*```/.test(lines[k]!); k++) body.push(lines[k]!.replace(/^\s*\* ?/, ''));
    found.push({ file, line: i + 1, code: body.join('\n') });
    i = k;
  }
  return found;
}

const names = Object.keys(api).sort();
// The exported types, read from the `export type { … }` blocks of src/index.ts.
const typeNames = [...readFileSync(join(root, 'src/index.ts'), 'utf8').matchAll(/export type \{([^}]*)\}/g)]
  .flatMap((m) => m[1]!.split(','))
  .map((n) => n.trim())
  .filter((n) => n.length > 0);
const common = [
  'declare const x: tf.Tensor2D;',
  'declare const xTrain: tf.Tensor2D;',
  'declare const xTest: tf.Tensor2D;',
  'declare const images: tf.Tensor2D;',
  'declare const labels: number[];',
  'declare const model: Autoencoder;',
  'declare const vae: VAE;',
  'declare const pca: PCA;',
  'declare const chunks: Iterable<tf.Tensor2D> & AsyncIterable<tf.Tensor2D>;',
  'declare const background: tf.Tensor2D;',
  'declare const testImages: tf.Tensor2D;',
  'declare const testLabels: number[];',
  'declare const text: string;',
  'declare const history: TrainHistory;',
  'declare const optimizer: tf.Optimizer;',
];
const all = sources(join(root, 'src')).flatMap(examples);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
all.forEach((example, n) => {
  const given = example.code
    .split('\n')
    .filter((l) => l.trim().startsWith('// given:'))
    .map((l) => `declare ${l.trim().slice('// given:'.length).trim()}`);
  const code = example.code
    .split('\n')
    .filter((l) => !l.trim().startsWith('// given:'))
    .join('\n');
  const where = `${relative(root, example.file)}:${example.line}`;
  writeFileSync(
    join(out, `example-${String(n).padStart(3, '0')}.ts`),
    [
      `// ${where}`,
      `import * as tf from '@tensorflow/tfjs-core';`,
      `import { ${names.join(', ')} } from '../src/index.js';`,
      `import type { ${typeNames.join(', ')} } from '../src/index.js';`,
      ...common,
      ...given,
      `void tf;`,
      `export async function example(): Promise<void> {`,
      code,
      `}`,
      '',
    ].join('\n'),
  );
});
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../tsconfig.json',
      compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, noEmit: true },
      include: ['./*.ts'],
      exclude: [],
    },
    null,
    2,
  ),
);
try {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(out, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  console.log(`${all.length} TSDoc examples type-check`);
} catch (error) {
  const text = String((error as { stdout?: string }).stdout ?? error);
  const files = new Set<string>();
  for (const m of text.matchAll(/(example-\d+\.ts)\((\d+),\d+\): (error .*)/g)) {
    const head = readFileSync(join(out, m[1]!), 'utf8').split('\n')[0]!.slice(3);
    console.error(`${head} (generated ${m[1]} line ${m[2]}): ${m[3]}`);
    files.add(m[1]!);
  }
  if (files.size === 0) console.error(text);
  console.error(`\n${files.size} of ${all.length} TSDoc examples do not type-check (generated files in .doc-examples/)`);
  process.exit(1);
}
