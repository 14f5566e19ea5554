// Type-checks the code in the documentation, so that it cannot drift from the API:
//
// - every `@example` of the TSDoc in src/;
// - every ```ts / ```typescript block of README.md and docs/guides/*.md (blocks in other languages
//   — sh, html, jsonc — are skipped).
//
// Each example becomes the body of an async function (so top-level `await` works) in a generated
// module under .doc-examples/, and `tsc` checks them all with the repository's tsconfig (plus the
// DOM.Iterable lib, for browser snippets). Errors are reported at the line of the doc they come
// from, e.g. `docs/guides/backends.md:13 (block at line 10)`.
//
// Imports. A TSDoc example, or a Markdown block without an `import` of its own (one that goes on
// from an earlier block of its page), sees tfjs-core as `tf` and every export of the package by
// name. A Markdown block with `import` statements is checked as the complete module a reader would
// copy: it sees only what it imports. Its imports are hoisted out of the function, and
// `'autoencoders'` resolves to the package source (src/index.ts), as for the TSDoc examples.
//
// Free variables (the user's data). The common names below (x, xTrain, xTest, images, labels,
// model, vae, pca, chunks, background, testImages, testLabels, text, history, optimizer) are
// declared for every example. Other ones are declared by a `// given:` line inside the block,
//   // given: const images: tf.Tensor2D;
// or, in Markdown, where the reader should not see it, by an HTML comment just above the block,
//   <!-- given: const test: tf.Tensor2D; const ae: Autoencoder; -->
// Their types may name `tf` and every exported type of the package.
//
// Opting out. A Markdown block that is deliberately not a program (a fragment) is marked by an
// HTML comment just above it that says why: `<!-- not-checked: the shape of a config, not code -->`.
//
// Run: `tsx scripts/check-doc-examples.ts` (part of `npm run typecheck`).
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
  kind: 'tsdoc' | 'markdown';
  file: string;
  /** The line of the `@example` tag, or of the opening fence. */
  line: number;
  /** The code, line by line, and the line of the file each comes from. */
  code: string[];
  lines: number[];
  /** Declarations from `<!-- given: … -->` (Markdown only). */
  given: string[];
}

function tsdocExamples(file: string): Example[] {
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
    const code: string[] = [];
    const at: number[] = [];
    let k = j + 1;
    for (; k < lines.length && !/^\s*\*\s*```/.test(lines[k]!); k++) {
      code.push(lines[k]!.replace(/^\s*\* ?/, ''));
      at.push(k + 1);
    }
    found.push({ kind: 'tsdoc', file, line: i + 1, code, lines: at, given: [] });
    i = k;
  }
  return found;
}

/** Splits `const a: T; const b: { c: U; d: V };` at the semicolons outside brackets. */
function declarations(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ';' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim().replace(/\s+/g, ' ')).filter((p) => p.length > 0);
}

/** The HTML comments directly above line `fence` (0-based), skipping blank lines, nearest last. */
function commentsAbove(lines: readonly string[], fence: number): string[] {
  const comments: string[] = [];
  let i = fence - 1;
  for (;;) {
    while (i >= 0 && lines[i]!.trim() === '') i--;
    if (i < 0 || !lines[i]!.trim().endsWith('-->')) break;
    let start = i;
    while (start >= 0 && !lines[start]!.includes('<!--')) start--;
    if (start < 0) break;
    const text = lines.slice(start, i + 1).join('\n');
    comments.unshift(text.slice(text.indexOf('<!--') + 4, text.lastIndexOf('-->')).trim());
    i = start - 1;
  }
  return comments;
}

interface Skipped {
  file: string;
  line: number;
  reason: string;
}
const skipped: Skipped[] = [];

function markdownBlocks(file: string): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open as unknown as [string, string, string, string];
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const code: string[] = [];
    const at: number[] = [];
    let k = i + 1;
    for (; k < lines.length && !close.test(lines[k]!); k++) {
      code.push(lines[k]!.startsWith(indent) ? lines[k]!.slice(indent.length) : lines[k]!.trimStart());
      at.push(k + 1);
    }
    if (k >= lines.length) throw new Error(`${relative(root, file)}:${i + 1}: code block is never closed`);
    if (/^(ts|typescript)$/i.test(lang)) {
      const comments = commentsAbove(lines, i);
      const optOut = comments.find((c) => /^not-checked\b/.test(c));
      if (optOut !== undefined) {
        const reason = optOut.replace(/^not-checked:?/, '').trim();
        if (reason === '') throw new Error(`${relative(root, file)}:${i + 1}: <!-- not-checked --> must say why: <!-- not-checked: reason -->`);
        skipped.push({ file, line: i + 1, reason });
      } else {
        const given = comments.filter((c) => /^given:/.test(c)).flatMap((c) => declarations(c.slice('given:'.length)));
        found.push({ kind: 'markdown', file, line: i + 1, code, lines: at, given });
      }
    }
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
  'const x: tf.Tensor2D',
  'const xTrain: tf.Tensor2D',
  'const xTest: tf.Tensor2D',
  'const images: tf.Tensor2D',
  'const labels: number[]',
  'const model: Autoencoder',
  'const vae: VAE',
  'const pca: PCA',
  'const chunks: Iterable<tf.Tensor2D> & AsyncIterable<tf.Tensor2D>',
  'const background: tf.Tensor2D',
  'const testImages: tf.Tensor2D',
  'const testLabels: number[]',
  'const text: string',
  'const history: TrainHistory',
  'const optimizer: tf.Optimizer',
];
/** The name a declaration such as `const images: tf.Tensor2D` declares. */
const declared = (declaration: string): string => /^(?:const|let|var|function|class)\s+([\w$]+)/.exec(declaration)?.[1] ?? '';
const scope = [
  `import * as tf from '@tensorflow/tfjs-core';`,
  `import { ${names.join(', ')} } from '../src/index.js';`,
  `import type { ${typeNames.join(', ')} } from '../src/index.js';`,
];

/** Splits the `import` statements (which may span lines) from the rest of a block. */
function hoistImports(example: Example): { imports: string[]; importLines: number[]; body: string[]; bodyLines: number[]; bound: Set<string> } {
  const imports: string[] = [];
  const importLines: number[] = [];
  const body: string[] = [];
  const bodyLines: number[] = [];
  const statements: string[] = [];
  let inImport = false;
  example.code.forEach((line, n) => {
    const starts = /^import[\s{*'"]/.test(line);
    if (starts || inImport) {
      imports.push(line);
      importLines.push(example.lines[n]!);
      if (starts) statements.push(line);
      else statements[statements.length - 1] += `\n${line}`;
      inImport = !/['"][^'"]+['"]\s*(with\s*\{[^}]*\}\s*)?;?\s*$/.test(line);
    } else {
      body.push(line);
      bodyLines.push(example.lines[n]!);
    }
  });
  // The names each statement binds: `tf` of `import * as tf from …`; `a`, `c` and `T` of `import { a, b as c, type T } from …`.
  const bound = new Set<string>();
  for (const statement of statements) {
    const clause = /^import\s+(?:type\s+)?([\s\S]*?)\s+from\s/.exec(statement)?.[1] ?? '';
    for (const part of clause.replace(/[{}]/g, ',').split(',')) {
      const name = part.trim().split(/\s+as\s+|\s+/).pop()!;
      if (/^[\w$]+$/.test(name)) bound.add(name);
    }
  }
  return { imports, importLines, body, bodyLines, bound };
}

interface Generated {
  example: Example;
  file: string;
  /** Generated line (1-based) → line of the doc. */
  map: Map<number, number>;
}

function generate(example: Example, n: number): Generated {
  const givenInBlock = example.code.filter((l) => l.trim().startsWith('// given:')).map((l) => l.trim().slice('// given:'.length).trim());
  const kept = example.code.map((l, i) => [l, example.lines[i]!] as const).filter(([l]) => !l.trim().startsWith('// given:'));
  const stripped: Example = { ...example, code: kept.map(([l]) => l), lines: kept.map(([, at]) => at) };
  const given = [...givenInBlock.flatMap(declarations), ...example.given];
  const where = `${relative(root, example.file)}:${example.line}`;
  const name = `example-${String(n).padStart(3, '0')}`;
  const { imports, importLines, body, bodyLines, bound } = hoistImports(stripped);
  const head: string[] = [`// ${where}`];
  const map = new Map<number, number>();
  if (example.kind === 'tsdoc' || imports.length === 0) {
    head.push(...scope, ...common.map((d) => `declare ${d};`), ...given.map((d) => `declare ${d};`), `void tf;`);
    if (imports.length > 0) throw new Error(`${where}: a TSDoc example cannot have imports`);
  } else {
    // A complete snippet: its own imports, and the free names from a companion module, whose
    // declarations can name tf and the package's types without adding them to the snippet's scope.
    const free = [...common, ...given].filter((d) => !bound.has(declared(d)));
    writeFileSync(join(out, `${name}.given.ts`), [`// ${where}`, ...scope, `void tf;`, ...free.map((d) => `export declare ${d};`), ''].join('\n'));
    imports.forEach((line, i) => {
      head.push(line);
      map.set(head.length, importLines[i]!);
    });
    head.push(`import { ${free.map(declared).join(', ')} } from './${name}.given.js';`);
  }
  head.push(`export async function example(): Promise<void> {`);
  body.forEach((_, i) => map.set(head.length + 1 + i, bodyLines[i]!));
  writeFileSync(join(out, `${name}.ts`), [...head, ...body, `}`, ''].join('\n'));
  return { example, file: `${name}.ts`, map };
}

const docs = [join(root, 'README.md'), ...readdirSync(join(root, 'docs/guides')).filter((f) => f.endsWith('.md')).sort().map((f) => join(root, 'docs/guides', f))];
const all = [...sources(join(root, 'src')).flatMap(tsdocExamples), ...docs.flatMap(markdownBlocks)];
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const generated = all.map(generate);
const byFile = new Map(generated.map((g) => [g.file, g]));
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../tsconfig.json',
      compilerOptions: {
        noUnusedLocals: false,
        noUnusedParameters: false,
        noEmit: true,
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        paths: { autoencoders: ['../src/index.ts'] },
      },
      include: ['./*.ts'],
      exclude: [],
    },
    null,
    2,
  ),
);
const count = (kind: Example['kind']): number => all.filter((e) => e.kind === kind).length;
const summary = `${count('tsdoc')} TSDoc examples and ${count('markdown')} Markdown code blocks (README.md, docs/guides/*.md)`;
for (const s of skipped) console.log(`not checked: ${relative(root, s.file)}:${s.line} (${s.reason})`);
try {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(out, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  console.log(`${summary} type-check`);
} catch (error) {
  const text = String((error as { stdout?: string }).stdout ?? error);
  const failed = new Set<string>();
  for (const m of text.matchAll(/(example-\d+(?:\.given)?\.ts)\((\d+),\d+\): (error .*)/g)) {
    const g = byFile.get(m[1]!.replace('.given', ''));
    if (!g) continue;
    const source = m[1]!.includes('.given') ? undefined : g.map.get(Number(m[2]));
    const file = relative(root, g.example.file);
    const where = source === undefined ? `${file}:${g.example.line}` : `${file}:${source}`;
    console.error(`${where} (${g.example.kind === 'tsdoc' ? '@example' : 'block'} at line ${g.example.line}; generated ${m[1]} line ${m[2]}): ${m[3]}`);
    failed.add(g.file);
  }
  if (failed.size === 0) console.error(text);
  console.error(`\n${failed.size} of ${all.length} examples do not type-check — checked: ${summary}; generated files in .doc-examples/`);
  process.exit(1);
}
