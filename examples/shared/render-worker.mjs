// The worker thread of examples/shared/render.ts: turns Vega-Lite or Vega specs into SVG with vega's
// own headless renderer (View.toSVG, which is asynchronous). The main thread waits for each answer
// on a shared Int32Array, so that its callers can stay synchronous. Plain JavaScript, so that it
// loads the same way under tsx, vitest and node.
import { parentPort, workerData } from 'node:worker_threads';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/** @type {{ port: import('node:worker_threads').MessagePort, signal: Int32Array }} */
const { port, signal } = workerData;

/**
 * vega-lite's warnings, but for the one it gives when layers share a legend and only some of them
 * switch it off (the charts do that on purpose: markers and outlines add no legend entry).
 */
const logger = {
  level() {
    return logger;
  },
  error: (...args) => console.error(...args),
  warn: (...args) => {
    if (!String(args[0]).startsWith('Conflicting legend property')) console.warn('vega-lite:', ...args);
  },
  info() {},
  debug() {},
};

parentPort.on('message', async (/** @type {{ spec: object, lite: boolean }} */ request) => {
  let answer;
  try {
    const spec = request.lite ? vegaLite.compile(request.spec, { logger }).spec : request.spec;
    const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.Warn });
    answer = { svg: await view.toSVG() };
    view.finalize();
  } catch (error) {
    answer = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
