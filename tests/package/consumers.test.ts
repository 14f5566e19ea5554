// The installed tarball used as a Node program and a TypeScript project use it: imported as an ES
// module, required as CommonJS (both must compute the same numbers, since they are two builds of
// one source), and type-checked under the three module resolutions people configure.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedPackage, ROOT, type InstalledPackage } from './installed.js';

const exec = promisify(execFile);
let installed: InstalledPackage;
let work: string;
beforeAll(async () => {
  installed = await installedPackage();
  work = mkdtempSync(join(installed.project, '.consumer-'));
}, 600_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A program that uses a low-layer function, PCA and a training run, and prints what it got. */
const program = (load: string): string => `${load}
const run = async () => {
  const info = await ae.useBackend('cpu');
  const x = tf.tensor2d([[1, 2, 3], [2, 4, 7], [0, 1, 1], [5, 3, 2], [4, 4, 4]]);
  const mse = ae.mse(x, tf.zerosLike(x)).dataSync()[0];
  const pca = new ae.PCA({ nComponents: 2 }).fit([[1, 2, 3], [2, 4, 7], [0, 1, 1], [5, 3, 2], [4, 4, 4]]);
  const model = ae.denseAutoencoder({ inputDim: 3, hidden: [4], latentDim: 2, seed: 7 });
  const history = await ae.train(model, x, { epochs: 2, batchSize: 5, seed: 7 });
  console.log(JSON.stringify({
    backend: info.name,
    mse,
    variance: Array.from(pca.explainedVariance),
    losses: history.epochs.map((e) => e.loss),
    exports: Object.keys(ae).length,
  }));
};
run().catch((error) => { console.error(error); process.exit(1); });
`;

interface Printed {
  backend: string;
  mse: number;
  variance: number[];
  losses: number[];
  exports: number;
}

async function runNode(file: string, source: string): Promise<Printed> {
  const path = join(work, file);
  writeFileSync(path, source);
  const { stdout } = await exec(process.execPath, [path], { cwd: installed.project, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Printed;
}

describe('the installed package in Node', () => {
  let esm: Printed;
  it('runs as an ES module (import)', async () => {
    esm = await runNode(
      'esm.mjs',
      program("import * as tf from '@tensorflow/tfjs-core';\nimport '@tensorflow/tfjs-backend-cpu';\nimport * as ae from 'autoencoders';"),
    );
    expect(esm.backend).toBe('cpu');
    expect(esm.mse).toBeCloseTo((1 + 4 + 9 + 4 + 16 + 49 + 0 + 1 + 1 + 25 + 9 + 4 + 16 + 16 + 16) / 15, 5);
    expect(esm.variance).toHaveLength(2);
    expect(esm.losses).toHaveLength(2);
    expect(esm.losses.every(Number.isFinite)).toBe(true);
  });

  it('runs as CommonJS (require) and computes the same numbers as the ES module build', async () => {
    const cjs = await runNode(
      'cjs.cjs',
      program("const tf = require('@tensorflow/tfjs-core');\nrequire('@tensorflow/tfjs-backend-cpu');\nconst ae = require('autoencoders');"),
    );
    expect(cjs).toEqual(esm);
  });
});

/** A program that runs a product on the wasm backend's worker threads, and on one thread. */
const threaded = (load: string): string => `${load}
const product = () => {
  const a = tf.randomUniform([256, 784], 0, 1, 'float32', 1);
  const b = tf.randomUniform([784, 512], 0, 1, 'float32', 2);
  return Array.from(tf.matMul(a, b).dataSync().slice(0, 4096));
};
const run = async () => {
  const info = await ae.useBackend('wasm', { threads: 2 });
  const two = product();
  await ae.disposeBackend();
  await ae.useBackend('wasm', { threads: 1 });
  const one = product();
  await ae.disposeBackend();
  console.log(JSON.stringify({ threads: info.threads, same: two.every((v, i) => Object.is(v, one[i])) }));
};
run().catch((error) => { console.error(error); process.exit(1); });
`;

describe('the installed package on wasm threads', () => {
  it('finds its worker file in the ES module build and gives the one-thread bits', async () => {
    const out = (await runNode('threads.mjs', threaded("import * as tf from '@tensorflow/tfjs-core';\nimport * as ae from 'autoencoders';"))) as unknown as { threads: number; same: boolean };
    expect(out).toEqual({ threads: 2, same: true });
  });

  it('finds its worker file in the CommonJS build and gives the one-thread bits', async () => {
    const out = (await runNode('threads.cjs', threaded("const tf = require('@tensorflow/tfjs-core');\nconst ae = require('autoencoders');"))) as unknown as { threads: number; same: boolean };
    expect(out).toEqual({ threads: 2, same: true });
  });
});

/** A consumer's source: typed calls that must compile, and misuses that must not. */
const CONSUMER_TS = `import * as tf from '@tensorflow/tfjs-core';
import { PCA, denseAutoencoder, mse, train, type TrainHistory } from 'autoencoders';

export async function fit(x: tf.Tensor2D): Promise<number> {
  const model = denseAutoencoder({ inputDim: 3, hidden: [4], latentDim: 2 });
  const history: TrainHistory = await train(model, x, { epochs: 1 });
  const variance: Float64Array = new PCA({ nComponents: 2 }).fit([[1, 2, 3]]).explainedVariance;
  // @ts-expect-error mse takes tensors, not strings: the types are real, not any
  mse('a', 'b');
  return history.epochs[0]!.loss + variance[0]! + mse(x, x).dataSync()[0]!;
}
`;

/** The same through \`require\`, as a CommonJS TypeScript file sees it. */
const CONSUMER_CTS = `import ae = require('autoencoders');
export const pca: InstanceType<typeof ae.PCA> = new ae.PCA({ nComponents: 1 });
// @ts-expect-error nComponents is a number, 'mle' or a fraction, never a boolean
export const bad = new ae.PCA({ nComponents: true });
`;

const RESOLUTIONS = [
  { moduleResolution: 'node16', module: 'node16', files: ['consumer.ts', 'consumer.cts'] },
  { moduleResolution: 'nodenext', module: 'nodenext', files: ['consumer.ts', 'consumer.cts'] },
  { moduleResolution: 'bundler', module: 'esnext', files: ['consumer.ts'] },
] as const;

describe('a TypeScript consumer of the installed package', () => {
  for (const { moduleResolution, module, files } of RESOLUTIONS) {
    it(`type-checks under moduleResolution ${moduleResolution}`, async () => {
      const dir = mkdtempSync(join(work, `tsc-${moduleResolution}-`));
      writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
      writeFileSync(join(dir, 'consumer.cts'), CONSUMER_CTS);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'es2022', module, moduleResolution, strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['es2022', 'dom'] },
          files,
        }),
      );
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await exec(process.execPath, [tsc, '-p', dir], { cwd: dir }).then(
        () => ({ code: 0, out: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
      );
      expect(result.out).toBe('');
      expect(result.code).toBe(0);
    });
  }
});
