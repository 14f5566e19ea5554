/**
 * Sections of docs/benchmarks.md that a standalone benchmark writes (bench/likelihood.ts), kept
 * between `<!-- section:NAME -->` and `<!-- /section:NAME -->` so that the suite's full rewrite
 * (bench/run.ts --write) carries them over and the standalone script can replace its own.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const begin = (name: string): string => `<!-- section:${name} -->`;
const end = (name: string): string => `<!-- /section:${name} -->`;

/** Every marked section of `text`, whole (markers included), by name. */
export function markedSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->/g)) out.set(m[1]!, m[0]);
  return out;
}

/** The marked sections of the file at `path` (none when it does not exist). */
export function markedSectionsOf(path: string): Map<string, string> {
  return existsSync(path) ? markedSections(readFileSync(path, 'utf8')) : new Map();
}

/** `body` wrapped in the markers of section `name`. */
export function markSection(name: string, body: string): string {
  return `${begin(name)}\n${body.trim()}\n${end(name)}`;
}

/**
 * `text` with section `name` set to `block` (already marked): in place when it is there, else
 * before the heading `before` when that is there, else at the end.
 */
export function putSection(text: string, name: string, block: string, before = '## What makes the package fast on the CPU'): string {
  const existing = markedSections(text).get(name);
  if (existing !== undefined) return text.replace(existing, () => block);
  const at = text.indexOf(`\n${before}`);
  if (at >= 0) return `${text.slice(0, at)}\n${block}\n${text.slice(at)}`;
  return `${text.trimEnd()}\n\n${block}\n`;
}

/** Writes `body` as section `name` of the report at `path` (a new report when there is none), and says so. */
export function writeSection(path: string, name: string, body: string): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  writeFileSync(path, putSection(text, name, markSection(name, body)));
  console.log(`wrote ${path}`);
}
