/**
 * Starting the pool's workers: Node's `worker_threads`, or Web Workers in a cross-origin isolated
 * page. Both load worker.js next to this module — in `dist/esm/kernels/wasm/` and
 * `dist/cjs/kernels/wasm/` the file the per-module build wrote, in `src/` (tests, tsx) worker.ts
 * through tsx's loader.
 * @internal
 */
import { READY } from './protocol.js';
import type { WorkerInit } from './protocol.js';
import type { SpawnWorker } from './pool.js';

interface NodeWorker {
  on(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
  off(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
  terminate(): Promise<number>;
  unref(): void;
}
type NodeWorkerClass = new (url: URL | string, options: { workerData: unknown; eval?: boolean }) => NodeWorker;

/** Where this module lies (undefined in the CommonJS build, which has no import.meta). */
function here(): string | undefined {
  try {
    return import.meta.url;
  } catch {
    return undefined;
  }
}

/**
 * This module's URL in Node: `import.meta.url` in the ES module build; in the CommonJS build (where
 * esbuild leaves `import.meta` empty) the URL of `__filename`.
 */
async function nodeBase(): Promise<string | undefined> {
  const base = here();
  if (base !== undefined && base !== '') return base;
  if (typeof __filename !== 'string') return undefined;
  const urlName = 'node:url';
  const { pathToFileURL } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ urlName)) as { pathToFileURL(path: string): URL };
  return pathToFileURL(__filename).href;
}

/** The worker file for Node, and the loader flags it needs: the built .js, or the .ts source with tsx. */
async function nodeEntry(): Promise<{ url: URL; eval?: string }> {
  const base = await nodeBase();
  if (base === undefined) throw new Error('the module knows neither its import.meta.url nor its __filename: the worker file cannot be found');
  const fsName = 'node:fs';
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fsName)) as { existsSync(p: URL): boolean };
  for (const candidate of ['./worker.js']) {
    const url = new URL(candidate, base);
    if (url.protocol === 'file:' && fs.existsSync(url)) return { url };
  }
  const source = new URL('./worker.ts', base);
  if (source.protocol === 'file:' && fs.existsSync(source)) {
    // The sources (tests, tsx): a bootstrap that registers tsx's loader in the worker (a dev
    // dependency, found from the working directory), then loads worker.ts.
    const bootstrap = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(source.href)}); })`;
    return { url: source, eval: bootstrap };
  }
  throw new Error(`the worker file worker.js was not found next to ${base}`);
}

/** A spawner of Node worker threads (they do not keep the process alive: they are unref'd). */
export async function nodeSpawner(): Promise<SpawnWorker> {
  const name = 'node:worker_threads';
  const { Worker } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as { Worker: NodeWorkerClass };
  const entry = await nodeEntry();
  return (init: WorkerInit, onExit: (reason: string) => void) =>
    new Promise((resolve, reject) => {
      const worker = entry.eval === undefined ? new Worker(entry.url, { workerData: init }) : new Worker(entry.eval, { workerData: init, eval: true });
      let lastError = '';
      const onError = (error: unknown): void => {
        lastError = (error as Error)?.message ?? String(error);
      };
      const onStartExit = (code: unknown): void => reject(new Error(`a worker exited while starting (code ${String(code)})${lastError ? `: ${lastError}` : ''}`));
      const onMessage = (message: unknown): void => {
        if (message !== READY) return;
        worker.off('message', onMessage);
        worker.off('exit', onStartExit);
        worker.on('exit', (code) => onExit(`exited (code ${String(code)})${lastError ? `: ${lastError}` : ''}`));
        worker.unref();
        resolve(worker);
      };
      worker.on('error', onError);
      worker.on('exit', onStartExit);
      worker.on('message', onMessage);
    });
}

interface WebWorker {
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown; message?: string }) => void): void;
  removeEventListener(type: 'message' | 'error', listener: (event: { data?: unknown; message?: string }) => void): void;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** A spawner of Web Workers (module workers) loading worker.js next to this module. */
export function webSpawner(): SpawnWorker {
  const WorkerClass = (globalThis as unknown as { Worker?: new (url: URL, options: { type: 'module' }) => WebWorker }).Worker;
  if (WorkerClass === undefined) throw new Error('Web Workers are not available here');
  return (init: WorkerInit, onExit: (reason: string) => void) =>
    new Promise((resolve, reject) => {
      // The literal form bundlers (webpack 5, Vite, Parcel) recognise and emit as a worker chunk.
      const worker = new WorkerClass(new URL('./worker.js', import.meta.url), { type: 'module' });
      let ready = false;
      worker.addEventListener('error', (event) => {
        if (!ready) reject(new Error(`a worker failed to start: ${event.message ?? 'no message'}`));
        else onExit(`failed: ${event.message ?? 'no message'}`);
      });
      const onMessage = (event: { data?: unknown }): void => {
        if (event.data !== READY) return;
        ready = true;
        worker.removeEventListener('message', onMessage);
        resolve(worker);
      };
      worker.addEventListener('message', onMessage);
      worker.postMessage(init);
    });
}
