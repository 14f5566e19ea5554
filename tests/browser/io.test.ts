// Saving to IndexedDB in Chromium: a model saved in one page and loaded in the next (a new
// JavaScript context, the same browser profile) gives the same reconstructions.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLab, openSession, waitForState, type Session } from './harness.js';
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

async function reload(): Promise<void> {
  await page.reload();
  await waitForState(page, ['ready'], session!.log);
}

describe('saveModel / loadModel with indexeddb:// in Chromium', () => {
  for (const kind of ['ae', 'vae'] as const) {
    it(`${kind === 'ae' ? 'an autoencoder' : 'a VAE'} saved on wasm loads in a new page with the same reconstructions`, async () => {
      const url = `indexeddb://e2e-${kind}`;
      await callLab(page, 'useBackend', 'wasm');
      const saved = await callLab(page, 'trainAndSave', url, kind);
      await reload();
      await callLab(page, 'useBackend', 'wasm');
      const loaded = await callLab(page, 'loadAndReconstruct', url);
      // Same weights, same kernels: the very same numbers.
      expect(loaded.reconstruction).toEqual(saved.reconstruction);
      // On cpu: the same up to float32 rounding.
      await callLab(page, 'useBackend', 'cpu');
      const onCpu = await callLab(page, 'loadAndReconstruct', url);
      expect(onCpu.backend).toBe('cpu');
      expect(maxAbsDifference(onCpu.reconstruction, saved.reconstruction)).toBeLessThan(1e-5);
    }, 300_000);
  }

  it('a model trained and saved on webgpu loads on cpu with the same reconstructions', async () => {
    const url = 'indexeddb://e2e-webgpu';
    const info = await callLab(page, 'useBackend', 'webgpu');
    expect(info.name).toBe('webgpu');
    const saved = await callLab(page, 'trainAndSave', url, 'ae');
    expect(saved.backend).toBe('webgpu');
    await reload();
    await callLab(page, 'useBackend', 'cpu');
    const loaded = await callLab(page, 'loadAndReconstruct', url);
    expect(loaded.backend).toBe('cpu');
    expect(maxAbsDifference(loaded.reconstruction, saved.reconstruction)).toBeLessThan(1e-5);
  }, 400_000);
});
