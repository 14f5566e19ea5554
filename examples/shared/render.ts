// Rendering the charts in Node: a Vega-Lite (or Vega) spec to SVG with vega's headless renderer, an
// SVG to PNG with resvg (real fonts, anti-aliasing), and files of both. vega renders asynchronously;
// it runs in a worker thread that the main thread waits for, so that renderSvg (and the chart
// functions of plot.ts built on it) stay synchronous for the examples that call them.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import type { TopLevelSpec } from 'vega-lite';

/** A Vega-Lite spec (`lite`, the default) or a Vega spec. */
export type ChartSpec = TopLevelSpec | { readonly vega: object };

/** How long one render may take before {@link renderSvg} gives up, in ms. */
const RENDER_TIMEOUT_MS = 120_000;

interface Renderer {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

let renderer: Renderer | undefined;

function startRenderer(): Renderer {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./render-worker.mjs', import.meta.url), { workerData: { port: port2, signal }, transferList: [port2] });
  worker.unref(); // the worker never keeps a finished example alive
  return { worker, port: port1, signal };
}

/**
 * The SVG of a chart, rendered by vega (Vega-Lite specs are compiled with vega-lite first).
 * Synchronous: it waits for the rendering worker. Throws vega's message when the spec is wrong.
 */
export function renderSvg(spec: ChartSpec): string {
  renderer ??= startRenderer();
  const { worker, port, signal } = renderer;
  Atomics.store(signal, 0, 0);
  const vega = 'vega' in spec ? (spec as { vega: object }).vega : undefined;
  worker.postMessage(vega === undefined ? { spec, lite: true } : { spec: vega, lite: false });
  if (Atomics.wait(signal, 0, 0, RENDER_TIMEOUT_MS) === 'timed-out') {
    throw new Error(`renderSvg: vega did not render the chart within ${RENDER_TIMEOUT_MS / 1000} s`);
  }
  const answer = receiveMessageOnPort(port)?.message as { svg?: string; error?: string } | undefined;
  if (answer?.svg === undefined) throw new Error(`renderSvg: vega could not render the chart: ${answer?.error ?? 'no answer from the rendering worker'}`);
  return answer.svg;
}

/** Font files resvg loads before the system's (Debian's fonts-dejavu-core), when present. */
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];
let warnedNoFont = false;

/** Rasterises an SVG with resvg, `scale` pixels per SVG unit (default 1), on its own background. */
export function svgToPng(svg: string, scale = 1): PNG {
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  if (fontFiles.length === 0 && !warnedNoFont) {
    warnedNoFont = true;
    console.warn('svgToPng: DejaVu Sans is not installed (Debian: apt-get install fonts-dejavu-core); the text of the charts falls back to other system fonts, if any');
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return PNG.sync.read(resvg.render().asPng());
}

/** Writes a text file, creating its folder. */
export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The bytes of a PNG, base64 in a `data:` URL (to embed a pixel image in an SVG). */
export function pngDataUrl(png: PNG): string {
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** Escapes text for SVG/XML. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Width and height of an SVG document, from its root's attributes. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0) || !(height > 0)) throw new Error('svgSize: the SVG root has no width and height');
  return { width, height };
}
