// The demo page (examples/browser/) driven like a user would: it says which backend it runs on,
// trains an autoencoder on MNIST digits while staying responsive, draws digits and their
// reconstructions (checked pixel by pixel in a screenshot, written to tests/browser/artifacts/),
// saves the model to IndexedDB and loads it back, and fits PCA; opened with ?backend=webgpu it
// trains the autoencoder on WebGPU (SwiftShader here) through the package's fused kernels and says so.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOSS_SERIES } from '../../examples/browser/page/chart.js';
import { BACKGROUND, PIXELS, SIDE, parseDigits, type Digits } from '../../examples/browser/page/digits.js';
import { PALETTE } from '../../examples/shared/charts.js';
import { artifactPath, openSession, waitForState, type Session } from './harness.js';
import { correlation, decodePng, grey, maxAbsDifference, readDigit, type Image } from './pixels.js';

let session: Session | undefined;
let page: Page;
let digits: Digits;

beforeAll(async () => {
  session = await openSession();
  page = await session.open('index.html');
  const bytes = readFileSync(join(session.build.outDir, 'mnist.bin'));
  digits = parseDigits(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const text = async (selector: string): Promise<string> => (await page.locator(selector).textContent()) ?? '';
const data = (name: string): Promise<string | undefined> => page.evaluate((n) => document.body.dataset[n], name);

interface Settings {
  samples: number;
  epochs: number;
  batch: number;
  hidden: number;
  latent: number;
}

async function fill(settings: Settings): Promise<void> {
  await page.fill('#samples', String(settings.samples));
  await page.fill('#epochs', String(settings.epochs));
  await page.fill('#batch-size', String(settings.batch));
  await page.fill('#hidden', String(settings.hidden));
  await page.fill('#latent', String(settings.latent));
}

/** Clicks Train and returns the number of the run it started. */
async function startTraining(): Promise<number> {
  const run = Number((await data('run')) ?? '0') + 1;
  await page.click('#train');
  return run;
}

/** Waits until run `run` has ended (trained or stopped) and returns the state. */
async function finished(run: number): Promise<string> {
  await page.waitForFunction((r) => Number(document.body.dataset['run']) === r && ['trained', 'stopped', 'error'].includes(document.body.dataset['state'] ?? ''), run, {
    timeout: 0,
    polling: 100,
  });
  return waitForState(page, ['trained', 'stopped'], session!.log);
}

async function switchTo(choice: 'auto' | 'webgpu' | 'wasm' | 'cpu'): Promise<string> {
  await page.selectOption('#backend-choice', choice);
  await page.click('#switch-backend');
  await waitForState(page, ['ready'], session!.log);
  expect(await text('#backend-error')).toBe('');
  return text('#backend-name');
}

/** The digits canvas: where it is in the page (document pixels) and its layout. */
async function digitsCanvas(): Promise<{ x: number; y: number; scale: number; gap: number; columns: number; indices: number[]; drawn: string[] }> {
  return page.locator('#digits').evaluate((el) => {
    const r = el.getBoundingClientRect();
    const d = (el as HTMLCanvasElement).dataset;
    return {
      x: r.left + window.scrollX,
      y: r.top + window.scrollY,
      scale: Number(d['scale']),
      gap: Number(d['gap']),
      columns: Number(d['columns']),
      indices: (d['indices'] ?? '').split(',').map(Number),
      drawn: (d['drawn'] ?? '').split(','),
    };
  });
}

/** Reads row `row` of the digits grid from a full-page screenshot. */
function readRow(image: Image, canvas: Awaited<ReturnType<typeof digitsCanvas>>, row: number): Float64Array[] {
  const cell = SIDE * canvas.scale + canvas.gap;
  return Array.from({ length: canvas.columns }, (_, column) =>
    readDigit(image, Math.round(canvas.x) + canvas.gap + column * cell, Math.round(canvas.y) + canvas.gap + row * cell, canvas.scale),
  );
}

function expectedDigit(index: number): Float64Array {
  return Float64Array.from(digits.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), (v) => v / 255);
}

describe('the browser demo', () => {
  it('says which backend it uses, that auto skipped the software adapter, and switches on request', async () => {
    const adapterFallback = await data('adapterFallback');
    const adapter = await text('#adapter');
    if (adapterFallback === 'true') {
      expect(await text('#backend-name')).toBe('wasm');
      expect(adapter).toContain('google / swiftshader');
      expect(adapter).toContain('software fallback adapter');
      expect(adapter).toContain("'auto' does not use it");
    } else {
      expect(await text('#backend-name')).toBe('webgpu');
    }
    expect(await data('backend')).toBe(await text('#backend-name'));

    expect(await switchTo('cpu')).toBe('cpu');
    expect(await switchTo('wasm')).toBe('wasm');
    expect(await text('#backend-detail')).toMatch(/SIMD/);
    expect(await switchTo('webgpu')).toBe('webgpu');
    expect(await text('#backend-detail')).toMatch(adapterFallback === 'true' ? /google \/ swiftshader, a software fallback adapter/ : /a hardware adapter/);
    expect(await switchTo('auto')).toBe(adapterFallback === 'true' ? 'wasm' : 'webgpu');
  }, 180_000);

  it('handles a click on Stop while it trains (the page stays responsive)', async () => {
    await fill({ samples: 2700, epochs: 200, batch: 32, hidden: 64, latent: 16 });
    const run = await startTraining();
    // Wait until training is under way, then stop it: without yielding to the event loop the
    // click would only be handled after all 200 epochs.
    await page.waitForFunction(() => Number(document.body.dataset['batches']) >= 2, undefined, { timeout: 0, polling: 50 });
    await page.click('#stop');
    expect(await finished(run)).toBe('stopped');
    expect(Number(await data('epochs'))).toBeLessThan(200);
    expect(await text('#progress-text')).toMatch(/^stopped after \d+ of 200 epochs/);
  }, 300_000);

  it('trains an autoencoder with a progress bar, then shows held-out digits and their reconstructions (screenshot checked pixel by pixel)', async () => {
    await fill({ samples: 2700, epochs: 5, batch: 64, hidden: 128, latent: 16 });
    const run = await startTraining();
    expect(await finished(run)).toBe('trained');
    expect(await data('epochs')).toBe('5');
    const progress = await page.locator('#progress').evaluate((el) => ({ value: (el as HTMLProgressElement).value, max: (el as HTMLProgressElement).max }));
    expect(progress).toEqual({ value: 5 * 43, max: 5 * 43 });
    expect(await text('#progress-text')).toMatch(/^5 epochs on (wasm|webgpu) in [\d.]+ s · final loss [\d.]+$/);
    const mse = Number(/autoencoder 784-128-16: mean squared error ([\d.]+)/.exec(await text('#errors'))?.[1]);
    // Predicting the mean digit gives ≈ 0.07 on MNIST; five epochs get well below (measured 0.029).
    expect(mse).toBeGreaterThan(0);
    expect(mse).toBeLessThan(0.045);

    const canvas = await digitsCanvas();
    expect(canvas.drawn).toEqual(expect.arrayContaining(['originals', 'model']));
    // The live loss chart (the line-chart spec of the Node examples in a vega View) has drawn every batch loss and every epoch mean.
    await page.waitForFunction((n) => Number((document.querySelector('#loss-chart') as HTMLElement | null)?.dataset['points']) >= n, 5 * 43 + 5, { timeout: 30_000 });
    const chartBox = await page.locator('#loss-chart').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height, texts: Array.from(el.querySelectorAll('text'), (t) => t.textContent ?? '') };
    });
    expect(chartBox.texts).toEqual(expect.arrayContaining([LOSS_SERIES.batch, LOSS_SERIES.epoch, 'batch', 'loss']));
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(artifactPath('demo-after-training.png'), shot);
    const image = decodePng(shot);
    // In the screenshot: the batch curve (blue) and the epoch means (orange) are drawn inside the chart.
    const coloured = (rgb: readonly number[]): number => {
      let count = 0;
      for (let y = Math.round(chartBox.y); y < Math.round(chartBox.y + chartBox.height); y++) {
        for (let x = Math.round(chartBox.x); x < Math.round(chartBox.x + chartBox.width); x++) {
          const o = (y * image.width + x) * 4;
          if (Math.abs(image.data[o]! - rgb[0]!) + Math.abs(image.data[o + 1]! - rgb[1]!) + Math.abs(image.data[o + 2]! - rgb[2]!) < 40) count++;
        }
      }
      return count;
    };
    expect(coloured(PALETTE[0]!), 'pixels of the batch-loss curve').toBeGreaterThan(300);
    expect(coloured(PALETTE[1]!), 'pixels of the epoch means').toBeGreaterThan(60);

    // The gap around the grid is the background grey.
    expect(grey(image, Math.round(canvas.x) + 1, Math.round(canvas.y) + 1)).toBe(BACKGROUND);
    // Row 0: the held-out digits themselves, one of each class, exactly as in mnist.bin.
    const originals = readRow(image, canvas, 0);
    expect(canvas.indices.map((i) => digits.labels[i])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    originals.forEach((seen, k) => {
      expect(maxAbsDifference(seen, expectedDigit(canvas.indices[k]!)), `original ${k}`).toBeLessThanOrEqual(2 / 255);
    });
    // Row 1: reconstructions that look like their originals: each correlates with its own
    // original, and better than with any other digit shown. (Measured: 0.68–0.93, mean 0.83;
    // the best other digit 0.42–0.60.)
    const reconstructions = readRow(image, canvas, 1);
    const own = reconstructions.map((rec, k) => correlation(rec, originals[k]!));
    expect(own.reduce((a, b) => a + b, 0) / own.length).toBeGreaterThan(0.75);
    reconstructions.forEach((rec, k) => {
      const others = originals.filter((_, j) => j !== k).map((o) => correlation(rec, o));
      expect(own[k], `reconstruction ${k} vs its original`).toBeGreaterThan(0.55);
      expect(own[k], `reconstruction ${k} vs the other digits`).toBeGreaterThan(Math.max(...others));
      // Ink and background: a digit, not a grey smudge.
      expect(Math.max(...rec)).toBeGreaterThan(0.6);
      expect(Math.min(...rec)).toBeLessThan(0.1);
    });
  }, 300_000);

  it('fits PCA in the page and draws its reconstructions under the autoencoder’s', async () => {
    await fill({ samples: 2700, epochs: 5, batch: 64, hidden: 128, latent: 16 });
    await page.click('#pca');
    await page.waitForFunction(() => document.body.dataset['pca'] === 'fitted' || document.body.dataset['state'] === 'error', undefined, { timeout: 0 });
    const canvas = await digitsCanvas();
    expect(canvas.drawn).toContain('pca');
    const pcaText = /PCA \(16 components\): mean squared error ([\d.]+)/.exec(await text('#errors'));
    expect(pcaText).not.toBeNull();
    expect(await text('#io-status')).toMatch(/16 components explain [\d.]+% of the variance/);
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(artifactPath('demo-with-pca.png'), shot);
    const image = decodePng(shot);
    const originals = readRow(image, canvas, 0);
    readRow(image, canvas, 2).forEach((rec, k) => {
      expect(correlation(rec, originals[k]!), `PCA reconstruction ${k}`).toBeGreaterThan(0.6);
    });
  }, 300_000);
  it('saves the trained model to IndexedDB and loads it back with the same reconstructions, also after a reload', async () => {
    expect(await data('state')).toBe('trained');
    const before = await text('#errors');
    await page.click('#save');
    await page.waitForFunction(() => document.body.dataset['io'] === 'saved' || document.body.dataset['state'] === 'error', undefined, { timeout: 0 });
    await waitForState(page, ['trained'], session!.log);
    await page.click('#load');
    await page.waitForFunction(() => document.body.dataset['io'] === 'loaded' || document.body.dataset['state'] === 'error', undefined, { timeout: 0 });
    await waitForState(page, ['trained'], session!.log);
    expect(Number(await data('loadDiff'))).toBeLessThanOrEqual(1e-6);

    // A new page (new JavaScript context, same profile): the model comes from IndexedDB alone.
    await page.reload();
    await waitForState(page, ['ready'], session!.log);
    await page.click('#load');
    await page.waitForFunction(() => document.body.dataset['io'] === 'loaded' || document.body.dataset['state'] === 'error', undefined, { timeout: 0 });
    await waitForState(page, ['trained'], session!.log);
    const mseBefore = /mean squared error ([\d.]+)/.exec(before)?.[1];
    expect(mseBefore).toBeDefined();
    expect(await text('#errors')).toContain(`mean squared error ${mseBefore}`);
  }, 300_000);

  it('opened with ?backend=webgpu, trains the autoencoder on WebGPU through the fused kernels, and says so', async () => {
    // The VAE's fused path on SwiftShader is checked against cpu in backends.test.ts (the lab
    // page); here the demo itself, kept short: each new pipeline compiles on the CPU.
    const gpuPage = await session!.open('index.html?backend=webgpu');
    try {
      const say = async (selector: string): Promise<string> => (await gpuPage.locator(selector).textContent()) ?? '';
      expect(await say('#backend-name')).toBe('webgpu');
      expect(await gpuPage.evaluate(() => document.body.dataset['path'])).toBeUndefined();
      // A tiny budget: SwiftShader runs the GPU's work on the CPU. One step of 100 digits, 784-16-4.
      await gpuPage.fill('#samples', '100');
      await gpuPage.fill('#epochs', '1');
      await gpuPage.fill('#batch-size', '100');
      await gpuPage.fill('#hidden', '16');
      await gpuPage.fill('#latent', '4');
      await gpuPage.selectOption('#model-kind', 'ae');
      const run = Number((await gpuPage.evaluate(() => document.body.dataset['run'])) ?? '0') + 1;
      await gpuPage.click('#train');
      await gpuPage.waitForFunction((r) => Number(document.body.dataset['run']) === r && ['trained', 'stopped', 'error'].includes(document.body.dataset['state'] ?? ''), run, {
        timeout: 0,
        polling: 100,
      });
      expect(await waitForState(gpuPage, ['trained'], session!.log)).toBe('trained');
      expect(await gpuPage.evaluate(() => document.body.dataset['path'])).toBe('fused-webgpu');
      expect(await say('#training-path')).toMatch(/^steps: fused-webgpu, the package's own WGSL kernels/);
      const progress = await say('#progress-text');
      expect(progress).toMatch(/^1 epoch on webgpu in [\d.]+ s · final loss [\d.]+$/);
      // The mean binary cross-entropy per pixel of one step from the initial weights: about ln 2.
      const loss = Number(/final loss ([\d.]+)/.exec(progress)![1]);
      expect(loss).toBeGreaterThan(0.5);
      expect(loss).toBeLessThan(0.8);
    } finally {
      await gpuPage.close();
    }
  }, 180_000);
});
