// The backends the page offers. A browser bundle imports the tfjs backends it wants once;
// `useBackend` then chooses among those registered (it fetches nothing at run time).
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { useBackend, type BackendInfo, type BackendPreference, type UseBackendOptions } from 'autoencoders';

/** Where build.ts puts tfjs-backend-wasm's `.wasm` files, relative to the page. */
export const WASM_PATHS = new URL('tfjs-wasm/', location.href).href;

/**
 * `useBackend` with the page's wasm path, set with the wasm package's own `setWasmPaths`: in a
 * bundle, `useBackend` cannot reach that function (it imports the package by a computed name,
 * which a browser cannot resolve), and refuses its `wasmPaths` option there rather than ignore it.
 */
export async function startBackend(preference: BackendPreference, options: Omit<UseBackendOptions, 'wasmPaths'> = {}): Promise<BackendInfo> {
  setWasmPaths(WASM_PATHS);
  // BackendInfo.threads: the threads of the package's products (tfjs' XNNPACK has its own pool).
  return useBackend(preference, options);
}

/** What `navigator.gpu.requestAdapter()` gives on this machine, whether or not a backend uses it. */
export type AdapterProbe =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly vendor: string;
      readonly architecture: string;
      readonly description: string;
      readonly isFallbackAdapter: boolean;
    };

interface ProbeAdapter {
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

/** Asks the browser for a WebGPU adapter and reports what it is (for display and tests). */
export async function probeAdapter(): Promise<AdapterProbe> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<ProbeAdapter | null> } }).gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is not defined (no WebGPU in this browser, or not a secure context)' };
  let adapter: ProbeAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { available: false, reason: `requestAdapter() threw: ${(error as Error).message}` };
  }
  if (!adapter) return { available: false, reason: 'requestAdapter() gave no adapter (Chromium without a GPU needs --enable-unsafe-webgpu)' };
  const info = adapter.info ?? {};
  return {
    available: true,
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
}

/** One line about the running backend, e.g. "wasm — SIMD, 2 threads". */
export function describeBackend(info: BackendInfo): string {
  switch (info.name) {
    case 'webgpu': {
      const a = info.adapter;
      if (!a) return 'webgpu';
      const name = [a.vendor, a.architecture].filter(Boolean).join(' / ') || a.description || 'unnamed adapter';
      return `webgpu — adapter ${name}, ${a.isFallbackAdapter ? 'a software fallback adapter' : 'a hardware adapter'}`;
    }
    case 'wasm':
      return `wasm — ${info.simd ? 'SIMD' : 'no SIMD'}, ${info.threads ?? 1} thread${info.threads === 1 ? '' : 's'}${
        crossOriginIsolated ? '' : ' (the page is not cross-origin isolated, so no threads)'
      }`;
    default:
      return `${info.name} — plain JavaScript kernels`;
  }
}
