// The card's promise — the trainer "uses WebGPU or CPU depending on environment" — checked in a
// real Chromium: which backend `useBackend` picks there, and that training on WebGPU gives the
// losses of wasm and cpu from the same seed and weights.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterProbe } from '../../examples/browser/page/backend.js';
import type { TinyKind, TinyRun } from '../../examples/browser/page/lab.js';
import { callLab, logMark, openSession, pageMessages, type Session } from './harness.js';

let session: Session | undefined;
let page: Page;
let probe: AdapterProbe;

beforeAll(async () => {
  session = await openSession();
  page = await session.open('lab.html');
  probe = await callLab(page, 'probeAdapter');
}, 180_000);

afterAll(async () => {
  await session?.close();
});

/** Largest |a − b| / max(|b|, floor) over two equally long lists. */
function maxRelativeDifference(a: readonly number[], b: readonly number[], floor = 1e-3): number {
  expect(a).toHaveLength(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(Math.abs(b[i]!), floor)));
}

describe("useBackend in Chromium (started with --enable-unsafe-webgpu, no GPU on the machine)", () => {
  it('finds a WebGPU adapter through navigator.gpu', () => {
    expect(probe, JSON.stringify(probe)).toMatchObject({ available: true });
  });

  it("'auto' does not pick a software adapter unless asked, and says what it picked", async () => {
    const auto = await callLab(page, 'useBackend', 'auto');
    if (probe.available && probe.isFallbackAdapter) {
      // A machine without a GPU: Chromium's adapter is SwiftShader, which 'auto' skips for wasm.
      expect(probe).toMatchObject({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
      expect(auto.name).toBe('wasm');
      expect(auto.simd).toBe(true);
    } else {
      // A machine with a GPU: 'auto' takes it.
      expect(auto).toMatchObject({ name: 'webgpu', adapter: { isFallbackAdapter: false } });
    }
    expect(await callLab(page, 'backend')).toBe(auto.name);

    const allowed = await callLab(page, 'useBackend', 'auto', true);
    expect(allowed).toMatchObject({ name: 'webgpu', adapter: { isFallbackAdapter: probe.available && probe.isFallbackAdapter } });
    expect(await callLab(page, 'backend')).toBe('webgpu');

    const byName = await callLab(page, 'useBackend', 'webgpu');
    expect(byName.name).toBe('webgpu');
    if (probe.available) expect(byName.adapter).toMatchObject({ vendor: probe.vendor, architecture: probe.architecture });
  }, 180_000);

  it('runs the wasm products on several threads in the cross-origin isolated page (COOP/COEP), to the same bits as one', async () => {
    expect(await callLab(page, 'crossOriginIsolated')).toBe(true);
    const auto = await callLab(page, 'wasmProduct', 'auto');
    expect(auto.info.name).toBe('wasm');
    expect(auto.info.threadsNote, auto.info.threadsNote).toBeUndefined();
    expect(auto.info.threads).toBeGreaterThan(1);
    const one = await callLab(page, 'wasmProduct', 1);
    expect(one.info.threads).toBe(1);
    expect(auto.bits).toEqual(one.bits);
  }, 180_000);

  for (const kind of ['ae', 'vae'] as const satisfies readonly TinyKind[]) {
    const name = kind === 'ae' ? 'autoencoder (16-8-4-8-16, 8 variables)' : 'VAE (16-8-2, 10 variables)';
    it(`trains a tiny ${name} on webgpu with the losses of wasm and cpu, from the same seed and weights`, async () => {
      const runs: Record<string, TinyRun> = {};
      const mark = logMark(page);
      for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
        const info = await callLab(page, 'useBackend', backend);
        expect(info.name).toBe(backend);
        runs[backend] = await callLab(page, 'trainTiny', kind);
      }
      // WebGPU reports invalid pipelines only on the console, and the work is then silently
      // skipped (reads give zeros): no such message may appear.
      expect(pageMessages(page, mark).filter((m) => /WebGPU|Invalid|exceeds the maximum|storage buffers/i.test(m))).toEqual([]);
      const cpu = runs['cpu']!;
      // 3 epochs of 3 batches of 16 samples.
      expect(cpu.batchLosses).toHaveLength(9);
      expect(cpu.epochLosses).toHaveLength(3);
      expect(cpu.epochLosses[2]!).toBeLessThan(cpu.epochLosses[0]!);
      for (const backend of ['wasm', 'webgpu'] as const) {
        const run = runs[backend]!;
        expect(run.backend).toBe(backend);
        // The dense autoencoder and the dense VAE train through the package's fused WGSL kernels on WebGPU.
        expect(run.path).toBe(backend === 'webgpu' ? 'fused-webgpu' : 'per-op');
        // Same seed → the very same initial weights on every backend (drawn in JavaScript).
        expect(run.initialWeights).toEqual(cpu.initialWeights);
        // float32 kernels that sum in different orders: measured ≤ 1e-6 apart (Chromium 156,
        // SwiftShader); 1e-4 leaves room without letting a wrong kernel through.
        expect(maxRelativeDifference(run.batchLosses, cpu.batchLosses), `${backend} batch losses`).toBeLessThan(1e-4);
        expect(maxRelativeDifference(run.epochLosses, cpu.epochLosses), `${backend} epoch losses`).toBeLessThan(1e-4);
        expect(maxRelativeDifference([run.evaluated], [cpu.evaluated]), `${backend} evaluate`).toBeLessThan(1e-4);
        expect(maxRelativeDifference(run.reconstruction, cpu.reconstruction), `${backend} reconstruction`).toBeLessThan(1e-4);
      }
      for (const run of Object.values(runs)) expect(run.leakedTensors, `tensors left on ${run.backend}`).toBe(0);
    }, 400_000);
  }
});
