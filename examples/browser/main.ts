// The browser demo: `npm run example -- browser [--port 8080] [--build-only] [--no-isolation] [--digits 3000]`.
// Builds the page into examples/browser/dist/ with esbuild, then serves it on 127.0.0.1 and
// prints the address. Open it in a browser with WebGPU (or any browser: it falls back to wasm, then cpu).
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { buildDemo } from './build.js';
import { serveStatic } from './server.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'build-only': { type: 'boolean', default: false },
    'no-isolation': { type: 'boolean', default: false },
    digits: { type: 'string', default: '3000' },
    out: { type: 'string' },
    minify: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`usage: npm run example -- browser [options]
  --port N         port to serve on (default 8080; 0 picks a free one)
  --host ADDR      address to listen on (default 127.0.0.1)
  --build-only     build the page into examples/browser/dist/ and exit
  --no-isolation   do not send COOP/COEP headers (then wasm runs on one thread)
  --digits N       MNIST digits to pack into the page (multiple of 10, default 3000)
  --out DIR        where to build (default examples/browser/dist/)
  --minify         minify the bundles`);
  process.exit(0);
}

const port = Number(values.port);
const digits = Number(values.digits);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in 0…65535, got ${values.port}`);

const started = performance.now();
const built = await buildDemo({ digits, minify: values.minify, ...(values.out === undefined ? {} : { outDir: values.out }) });
const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
const js = Object.entries(built.files).reduce((sum, [name, n]) => (name.endsWith('.js') ? sum + n : sum), 0);
console.log(
  `built ${relative(process.cwd(), built.outDir) || '.'} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
    `${kib(js)} of JavaScript, mnist.bin ${kib(built.files['mnist.bin'] ?? 0)} (${digits} digits), tfjs-wasm/*.wasm`,
);
if (values['build-only']) process.exit(0);

const server = await serveStatic(built.outDir, { port, host: values.host, isolated: !values['no-isolation'] });
console.log(`serving the autoencoders browser demo at ${server.url}  (the test lab is at ${server.url}lab.html; Ctrl-C stops)`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
