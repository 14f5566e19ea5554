// PCA runs in the page: fitted in Chromium on MNIST digits, it gives what the same code gives in
// Node on the same digits (PCA works in float64 on the host, whatever the tfjs backend).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIXELS, parseDigits, toUnit } from '../../examples/browser/page/digits.js';
import { PCA } from '../../src/pca/index.js';
import { callLab, openSession, type Session } from './harness.js';
import { maxAbsDifference } from './pixels.js';

let session: Session | undefined;
let page: Page;

beforeAll(async () => {
  session = await openSession();
  page = await session.open('lab.html');
}, 180_000);

afterAll(async () => {
  await session?.close();
});

describe('PCA in Chromium', () => {
  it('fits 1000 MNIST digits in the page and reconstructs held-out ones as it does in Node', async () => {
    const [samples, components, held] = [1000, 16, 100];
    const inPage = await callLab(page, 'pcaOnDigits', samples, components, held);

    const bytes = readFileSync(join(session!.build.outDir, 'mnist.bin'));
    const digits = parseDigits(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const pca = new PCA({ nComponents: components }).fit({ data: toUnit(digits, 0, samples), shape: [samples, PIXELS] });
    const test = toUnit(digits, samples, held);
    const reconstruction = pca.inverseTransform(pca.transform({ data: test, shape: [held, PIXELS] })).data;
    const explained = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
    let mse = 0;
    for (let i = 0; i < test.length; i++) mse += (test[i]! - reconstruction[i]!) ** 2;
    mse /= test.length;

    // 16 components of MNIST explain a bit over half of the variance.
    expect(inPage.explained).toBeGreaterThan(0.5);
    expect(inPage.explained).toBeLessThan(0.75);
    expect(inPage.explained).toBeCloseTo(explained, 6);
    expect(inPage.mse).toBeCloseTo(mse, 6);
    expect(inPage.reconstruction).toHaveLength(PIXELS);
    expect(maxAbsDifference(inPage.reconstruction, reconstruction.subarray(0, PIXELS))).toBeLessThan(1e-4);
  }, 300_000);
});
