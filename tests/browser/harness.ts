// Shared set-up of the browser end-to-end tests: build the demo page into a temporary folder
// (from the installed package, tests/package/installed.ts),
// serve it on 127.0.0.1 (port 0), and drive Debian's Chromium with playwright-core.
//
// Chromium is launched with the flags that give WebGPU on a machine without a GPU: with
// --enable-unsafe-webgpu it offers a SwiftShader adapter (vendor "google", architecture
// "swiftshader", isFallbackAdapter: true); without it requestAdapter() gives null.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildDemo, type BuildResult } from '../../examples/browser/build.js';
import { installedPackage } from '../package/installed.js';
import { serveStatic, type StaticServer } from '../../examples/browser/server.js';
import type { Lab } from '../../examples/browser/page/lab.js';

/** Chromium to drive: `CHROMIUM_PATH` when set, else Debian's package. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Where tests write screenshots (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** The launch flags (Playwright adds its own headless ones). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

/** A built page, its server and a browser, for one test file. */
export interface Session {
  readonly build: BuildResult;
  readonly server: StaticServer;
  readonly context: BrowserContext;
  /** Opens `path` (relative to the server) in a new tab and waits until its body says `data-state="ready"`. */
  open(path: string): Promise<Page>;
  /** Messages the pages logged (console errors, uncaught errors), to show when a test fails. */
  readonly log: string[];
  close(): Promise<void>;
}

/** Throws a clear error when Chromium is missing: CI installs it, so the tests must not skip. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, which does not exist. ` +
        `Install it (Debian: apt-get install chromium; .ci/run does) or set CHROMIUM_PATH to a Chromium or Chrome binary. ` +
        `(\`npx playwright install\` is not used: it downloads from outside the npm registry.)`,
    );
  }
  return CHROMIUM_PATH;
}

/** Builds the demo, serves it and launches Chromium with a fresh profile. */
export async function openSession(options: { isolated?: boolean } = {}): Promise<Session> {
  const executablePath = requireChromium();
  const work = mkdtempSync(join(tmpdir(), 'autoencoders-browser-'));
  // The page is built against the packed tarball, installed as a user would: the tests see what ships.
  const { packageDir } = await installedPackage();
  const build = await buildDemo({ outDir: join(work, 'dist'), digits: 3000, packageDir });
  const server = await serveStatic(build.outDir, { port: 0, host: '127.0.0.1', isolated: options.isolated ?? true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1200, height: 1000 },
      deviceScaleFactor: 1,
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  const log: string[] = [];
  context.on('page', (page) => watch(page, log));
  return {
    build,
    server,
    context,
    log,
    async open(path: string): Promise<Page> {
      const page = await context.newPage();
      await page.goto(new URL(path, server.url).href);
      await waitForState(page, ['ready'], log);
      return page;
    },
    async close(): Promise<void> {
      await context.close();
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Console messages of each page, for error reports. */
const pageLogs = new WeakMap<Page, string[]>();

function watch(page: Page, log: string[]): void {
  const own: string[] = [];
  pageLogs.set(page, own);
  const push = (line: string): void => {
    log.push(line);
    own.push(line);
  };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') push(`[console.${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => push(`[pageerror] ${e.message}`));
}

/**
 * Waits until `<body data-state>` is one of `states` (no time limit of its own: the test's
 * timeout applies). Throws with the page's error text when it says `error`.
 */
export async function waitForState(page: Page, states: readonly string[], log: readonly string[] = []): Promise<string> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const s = document.body?.dataset['state'];
      return s !== undefined && (wanted.includes(s) || s === 'error') ? s : false;
    },
    states,
    { timeout: 0, polling: 100 },
  );
  const state = (await handle.jsonValue()) as string;
  if (state === 'error' && !states.includes('error')) {
    const text = await page.locator('#error').textContent().catch(() => '');
    throw new Error(`the page says error: ${text}\n${log.join('\n')}`);
  }
  return state;
}

/** How many console warnings and errors the page has logged so far (a start for {@link pageMessages}). */
export function logMark(page: Page): number {
  return pageLogs.get(page)?.length ?? 0;
}

/** The distinct console warnings and errors a page logged from message `from` on, first lines only, at most `max`. */
export function pageMessages(page: Page, from = 0, max = 12): string[] {
  const seen = new Set<string>();
  for (const line of (pageLogs.get(page) ?? []).slice(from)) seen.add(line.split('\n')[0]!.slice(0, 400));
  return [...seen].slice(0, max);
}

/**
 * Calls `window.lab[name](...args)` in the page and returns its (JSON) result. When the call
 * throws, the error says which call failed and what the page logged during the call (WebGPU
 * validation errors, for one, reach only the console).
 */
export async function callLab<K extends keyof Lab>(page: Page, name: K, ...args: Parameters<Lab[K]>): Promise<Awaited<ReturnType<Lab[K]>>> {
  const from = pageLogs.get(page)?.length ?? 0;
  try {
    return (await page.evaluate(
      async ([n, a]) => {
        const lab = (globalThis as unknown as { lab: Record<string, (...x: unknown[]) => unknown> }).lab;
        return lab[n as string]!(...(a as unknown[]));
      },
      [name, args] as const,
    )) as Awaited<ReturnType<Lab[K]>>;
  } catch (error) {
    const messages = pageMessages(page, from);
    const context = messages.length > 0 ? `\nThe page logged:\n  ${messages.join('\n  ')}` : '';
    throw new Error(`lab.${String(name)}(${args.map((a) => JSON.stringify(a)).join(', ')}) failed in the page: ${(error as Error).message}${context}`, {
      cause: error,
    });
  }
}

/** Makes the artifacts folder and returns the path of `name` in it. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
