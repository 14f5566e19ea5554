import * as tf from '@tensorflow/tfjs-core';
import { installFastWasmKernels } from './wasmKernels.js';
import { withSharedWasmHeap } from './sharedHeap.js';
import { hasRelaxedSimd } from '../kernels/wasm/gemm.js';
import { startThreads } from './threads.js';
import type { ThreadCount } from './threads.js';
import { setFastWebGpuKernels } from '../kernels/webgpu/index.js';
import { type OptionKeys, assertOptions, describe, typeFail } from '../core/index.js';

/**
 * The tfjs backends that {@link useBackend} knows how to start.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu`; in Node the adapter comes from the `webgpu` package (Dawn).
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (SIMD; tfjs' kernels on one thread in Node, the package's products, Adam, `Exp` and `Log1p` on every core).
 * - `cpu`: `@tensorflow/tfjs-backend-cpu` (plain JavaScript; slow but always there).
 * - `tensorflow`: `@tensorflow/tfjs-node`, only when the application installed it (Node only).
 *
 * @category Backends
 */
export type BackendName = 'webgpu' | 'wasm' | 'cpu' | 'tensorflow';

/** `'auto'`, one backend by name, or an ordered list to try. @category Backends */
export type BackendPreference = 'auto' | BackendName | readonly BackendName[];

/** What a WebGPU adapter says about itself. @category Backends */
export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** True for a software fallback adapter (SwiftShader), or for a known CPU rasteriser (llvmpipe, lavapipe). */
  readonly isFallbackAdapter: boolean;
}

/** The backend that {@link useBackend} started. @category Backends */
export interface BackendInfo {
  readonly name: BackendName;
  /** wasm only: whether the SIMD build runs. */
  readonly simd?: boolean;
  /**
   * wasm only: threads that compute the package's matrix products, fused Adam steps, `Exp` and `Log1p` (the
   * calling thread and the worker pool; see {@link UseBackendOptions.threads}); 1 where shared
   * memory is missing.
   */
  readonly threads?: number;
  /**
   * wasm only: whether the product kernel fuses multiply-adds (WebAssembly relaxed SIMD: Chromium
   * ≥ 114, Node ≥ 21, Node 20 with `--experimental-wasm-relaxed-simd`); otherwise SIMD128.
   */
  readonly relaxedSimd?: boolean;
  /** wasm only: why fewer threads run than were asked for (e.g. a page that is not cross-origin isolated). */
  readonly threadsNote?: string;
  /** webgpu only: the adapter in use. */
  readonly adapter?: GpuAdapterInfo;
}

/** Options of {@link useBackend}. @category Backends */
export interface UseBackendOptions {
  /**
   * Accept a software WebGPU adapter (SwiftShader, llvmpipe). Default: `false` with `'auto'`
   * (a software GPU is slower than wasm), `true` when `'webgpu'` is asked for by name.
   */
  readonly allowSoftwareAdapter?: boolean;
  /**
   * Where the `.wasm` files of tfjs-backend-wasm are found (`setWasmPaths`). Applied where
   * useBackend can import the wasm package by name (Node); in a browser bundle, call the
   * package's `setWasmPaths` yourself (useBackend says so instead of ignoring the option).
   */
  readonly wasmPaths?: string;
  /**
   * wasm only: re-register the wasm kernels that training needs fast — matrix products and data
   * movement (see {@link installFastWasmKernels}). Default `true`.
   */
  readonly fastWasmKernels?: boolean;
  /**
   * wasm only: threads for the package's matrix products (and the fused Adam step of large
   * variables, `Exp` and `Log1p` of large tensors) — a count, or `'auto'` (default): every
   * core (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in a cross-origin
   * isolated page). Workers start once, over one shared `WebAssembly.Memory` (in Node, tfjs'
   * heap made shared as the backend starts, so that they compute in place), and end with
   * {@link disposeBackend}; a product gives the same bits for any count. Where shared memory is
   * missing (a page without COOP/COEP headers) one thread runs, and `BackendInfo.threadsNote`
   * says why; workers that fail to start are an Error when a count was asked for, a note with
   * `'auto'`.
   */
  readonly threads?: ThreadCount;
  /**
   * webgpu only: train dense autoencoders and dense VAEs/CVAEs (see the backends guide) through the package's fused
   * WGSL kernels — a training step in a handful of GPU dispatches — instead of one tfjs kernel per
   * operation, and run the package's Adam as one dispatch over all weights for every other model.
   * Default `true`; `false` keeps tfjs' kernels, Adam included.
   */
  readonly fastWebGpuKernels?: boolean;
  /** The former name of {@link UseBackendOptions.fastWasmKernels}: `false` also leaves tfjs' kernels in place. */
  readonly fastWasmMatMul?: boolean;
  /**
   * Node only: how to make a WebGPU adapter with the `webgpu` package. `flags` go to
   * `create(flags)` (e.g. `['backend=opengles']` with `EGL_PLATFORM=surfaceless` in the
   * environment, which runs on Mesa without a GPU); `featureLevel: 'compatibility'` is what
   * Dawn's OpenGL ES backend needs.
   */
  readonly nodeWebGpu?: { readonly flags?: readonly string[]; readonly featureLevel?: 'core' | 'compatibility' };
}

const FN = 'useBackend';
const USE_BACKEND_OPTIONS: OptionKeys<UseBackendOptions> = {
  allowSoftwareAdapter: true,
  wasmPaths: true,
  fastWasmKernels: true,
  fastWebGpuKernels: true,
  fastWasmMatMul: true,
  nodeWebGpu: true,
  threads: true,
};
const NODE_WEBGPU_OPTIONS: OptionKeys<NonNullable<UseBackendOptions['nodeWebGpu']>> = { flags: true, featureLevel: true };
const ALL: readonly BackendName[] = ['webgpu', 'wasm', 'cpu', 'tensorflow'];
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i;

interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
}
interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  requestDevice(descriptor?: Record<string, unknown>): Promise<unknown>;
}

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

/**
 * Imports an optional package by a name held in a variable, so that bundlers neither
 * bundle it nor fail when it is not installed. Resolves to `undefined` when it is missing.
 */
async function importOptional(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

let gradientsReady: Promise<void> | undefined;

/**
 * Makes sure the gradient functions of tfjs-core's kernels are registered. tfjs-core alone
 * registers none (training then fails with "gradient function not found for RealDiv").
 * In Node this loads `@tensorflow/tfjs-layers`, whose Node build registers them (tfjs-core's
 * own `dist/register_all_gradients.js` cannot be imported by Node's ES module loader); in a
 * bundled app it imports `@tensorflow/tfjs-core/dist/register_all_gradients.js` (with its extension, which webpack 5 requires in an ES module package).
 *
 * @throws Error when the gradients are still missing afterwards.
 * @category Backends
 * @example
 * ```ts
 * await ensureGradients();
 * const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2]));
 * ```
 */
export function ensureGradients(): Promise<void> {
  gradientsReady ??= (async () => {
    if (tf.getGradient('RealDiv') !== undefined) return;
    if (isNode()) await importOptional('@tensorflow/tfjs-layers');
    else await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    if (tf.getGradient('RealDiv') === undefined) {
      throw new Error(
        "ensureGradients: tfjs-core's gradient functions are not registered and '@tensorflow/tfjs-layers' could not be loaded to register them; install @tensorflow/tfjs-layers",
      );
    }
  })();
  gradientsReady.catch(() => (gradientsReady = undefined));
  return gradientsReady;
}

function adapterInfo(adapter: AdapterLike): GpuAdapterInfo {
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const description = info.description ?? '';
  const flagged = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const software = flagged || SOFTWARE.test(`${vendor} ${architecture} ${description}`);
  return { vendor, architecture, description, isFallbackAdapter: software };
}

/** Where Linux distributions put shared libraries (besides LD_LIBRARY_PATH). */
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/lib64', '/lib', '/usr/local/lib'];

/**
 * Node on Linux: whether Vulkan's loader (`libvulkan.so.1`) is installed, which Dawn needs for its
 * default backend. Looked up in the file system, so that a machine without it costs no Dawn start
 * and no "Couldn't load Vulkan" on stderr. True where the question does not apply.
 */
async function vulkanLoaderPresent(): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const fs = (await importOptional('node:fs')) as { existsSync?: (path: string) => boolean } | undefined;
  if (typeof fs?.existsSync !== 'function') return true;
  const dirs = [...(process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter((d) => d.length > 0), ...LIBRARY_DIRS];
  return dirs.some((d) => fs.existsSync!(`${d}/libvulkan.so.1`));
}

async function findGpu(options: UseBackendOptions, auto: boolean): Promise<GpuLike | string> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!isNode()) return 'navigator.gpu is not defined (this browser has no WebGPU)';
  // 'auto' with Dawn's default (Vulkan) backend: skip quietly where Vulkan is not installed.
  if (auto && options.nodeWebGpu?.flags === undefined && !(await vulkanLoaderPresent())) {
    return "no Vulkan loader (libvulkan.so.1) is installed, which the 'webgpu' package (Dawn) needs on Linux; without a GPU, pass nodeWebGpu: { flags: ['backend=opengles'], featureLevel: 'compatibility' } and ask for 'webgpu' by name to use Mesa's llvmpipe";
  }
  const dawn = await importOptional('webgpu');
  if (!dawn || typeof dawn['create'] !== 'function') {
    return "navigator.gpu is not defined and the optional package 'webgpu' (Dawn for Node) is not installed";
  }
  const create = dawn['create'] as (flags: string[]) => GpuLike;
  const gpu = create([...(options.nodeWebGpu?.flags ?? [])]);
  // tfjs-backend-webgpu reads the WebGPU constants (GPUBufferUsage, ...) from globalThis.
  Object.assign(globalThis, dawn['globals'] as object);
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
  return gpu;
}

type Attempt = { info: BackendInfo } | { reason: string };

async function startWebGpu(options: UseBackendOptions, allowSoftware: boolean, auto: boolean): Promise<Attempt> {
  const gpu = await findGpu(options, auto);
  if (typeof gpu === 'string') return { reason: gpu };
  const request: Record<string, unknown> = { powerPreference: 'high-performance' };
  if (options.nodeWebGpu?.featureLevel) request['featureLevel'] = options.nodeWebGpu.featureLevel;
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter(request);
  } catch (error) {
    return { reason: `requestAdapter() threw: ${(error as Error).message}` };
  }
  if (!adapter) return { reason: 'navigator.gpu.requestAdapter() gave no adapter' };
  const info = adapterInfo(adapter);
  if (info.isFallbackAdapter && !allowSoftware) {
    return {
      reason: `the only adapter is a software one (${info.vendor || info.description || 'fallback'}), slower than wasm; pass { allowSoftwareAdapter: true } or ask for 'webgpu' by name`,
    };
  }
  setFastWebGpuKernels(options.fastWebGpuKernels !== false);
  if (tf.getBackend() === 'webgpu') return { info: { name: 'webgpu', adapter: info } };
  if (isNode()) {
    const mod = await importOptional('@tensorflow/tfjs-backend-webgpu');
    const Backend = mod?.['WebGPUBackend'] as (new (device: unknown, info: unknown) => tf.KernelBackend) | undefined;
    if (!Backend) return { reason: "the optional package '@tensorflow/tfjs-backend-webgpu' is not installed" };
    // Register a factory that uses the adapter inspected above (tfjs' own asks for a default
    // adapter, which Dawn's compatibility-mode adapters do not answer).
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', async () => new Backend(await adapter.requestDevice(deviceDescriptor(adapter)), adapter.info), 3);
  } else if (!tf.findBackendFactory('webgpu')) {
    return { reason: "tfjs-backend-webgpu is not registered: add `import '@tensorflow/tfjs-backend-webgpu'` to the app" };
  }
  return (await tf.setBackend('webgpu'))
    ? { info: { name: 'webgpu', adapter: info } }
    : { reason: "tf.setBackend('webgpu') failed (tfjs logged why above)" };
}

/** The device limits tfjs-backend-webgpu relies on: ask for the adapter's own maxima. */
function deviceDescriptor(adapter: AdapterLike): Record<string, unknown> {
  const names = [
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
    'maxComputeInvocationsPerWorkgroup',
  ];
  const requiredLimits: Record<string, number> = {};
  for (const n of names) if (typeof adapter.limits[n] === 'number') requiredLimits[n] = adapter.limits[n];
  const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  return { requiredLimits, requiredFeatures };
}

async function startPackaged(name: 'wasm' | 'cpu' | 'tensorflow', pkg: string, options: UseBackendOptions): Promise<Attempt> {
  if (name === 'tensorflow' && !isNode()) return { reason: '@tensorflow/tfjs-node runs in Node only' };
  let mod: Record<string, unknown> | undefined;
  if (!tf.findBackendFactory(name)) {
    mod = await importOptional(pkg);
    if (!mod || !tf.findBackendFactory(name)) {
      return { reason: `the optional package '${pkg}' is not installed${isNode() ? '' : ` or not imported (add \`import '${pkg}'\` to the app)`}` };
    }
  }
  if (name === 'wasm' && options.wasmPaths !== undefined) {
    mod ??= await importOptional(pkg);
    const setWasmPaths = mod?.['setWasmPaths'] as ((p: string) => void) | undefined;
    if (!setWasmPaths) {
      return {
        reason: `option 'wasmPaths' cannot be applied: '${pkg}' cannot be imported by name here (a browser bundle); call its setWasmPaths yourself before useBackend`,
      };
    }
    setWasmPaths(options.wasmPaths);
  }
  // In Node, tfjs-backend-wasm's heap is made shared as it starts, for the worker pool to compute in place.
  const activate = (): Promise<boolean> => tf.setBackend(name);
  if (!(await (name === 'wasm' && isNode() ? withSharedWasmHeap(activate) : activate()))) {
    const hint = name === 'wasm' ? ' (often: the .wasm files were not found; pass wasmPaths)' : '';
    return { reason: `tf.setBackend('${name}') failed${hint}; tfjs logged why above` };
  }
  if (name !== 'wasm') return { info: { name } };
  const fast = options.fastWasmKernels !== false && options.fastWasmMatMul !== false;
  if (fast) installFastWasmKernels();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  // The threads run the package's product kernel: none without it.
  const started = fast && simd ? await startThreads(options.threads ?? 'auto') : await startThreads(1);
  const info: BackendInfo = { name, simd, threads: started.threads, relaxedSimd: fast && hasRelaxedSimd() !== null };
  return { info: started.note === undefined ? info : { ...info, threadsNote: started.note } };
}

function start(name: BackendName, options: UseBackendOptions, auto: boolean): Promise<Attempt> {
  switch (name) {
    case 'webgpu':
      return startWebGpu(options, options.allowSoftwareAdapter ?? !auto, auto);
    case 'wasm':
      return startPackaged('wasm', '@tensorflow/tfjs-backend-wasm', options);
    case 'cpu':
      return startPackaged('cpu', '@tensorflow/tfjs-backend-cpu', options);
    case 'tensorflow':
      return startPackaged('tensorflow', '@tensorflow/tfjs-node', options);
  }
}

/**
 * Chooses, starts and activates a tfjs backend, and registers the gradient functions that
 * training needs.
 *
 * - `'auto'` (default): WebGPU when `navigator.gpu` gives an adapter that is not a software
 *   fallback (in Node, `navigator.gpu` comes from the optional `webgpu` package when it is
 *   installed); then `tensorflow` where the application installed `@tensorflow/tfjs-node`;
 *   then wasm; then cpu. It never picks SwiftShader or llvmpipe: on a CPU they are slower than wasm.
 * - a name: that backend, or an Error saying why it cannot start.
 * - a list: the first that starts, or an Error listing why each failed.
 *
 * In Node the backend packages are imported on demand. In a browser bundle, import the
 * backends you want once (`import '@tensorflow/tfjs-backend-webgpu'`), and `useBackend`
 * chooses among them. Convolutional models train on wasm with the package's kernels
 * ({@link installFastWasmKernels} adds the `Conv2DBackpropFilter` that tfjs-backend-wasm lacks).
 *
 * @param preference - `'auto'`, a {@link BackendName}, or an ordered list of names.
 * @param options - see {@link UseBackendOptions}.
 * @returns what started: `{ name, simd?, threads?, adapter? }`.
 * @throws Error naming the backend and the reason when the asked backend (or every one in the list) cannot start.
 * @category Backends
 * @example
 * ```ts
 * const backend = await useBackend();          // 'auto'
 * console.log(backend.name);                   // 'wasm' on a machine without a GPU
 * await useBackend(['webgpu', 'cpu']);         // first that starts
 * ```
 */
export async function useBackend(preference: BackendPreference = 'auto', options: UseBackendOptions = {}): Promise<BackendInfo> {
  assertOptions(options, USE_BACKEND_OPTIONS, FN);
  if (options.nodeWebGpu !== undefined) assertOptions(options.nodeWebGpu, NODE_WEBGPU_OPTIONS, FN, 'options.nodeWebGpu');
  const t = options.threads;
  if (t !== undefined && t !== 'auto' && !(typeof t === 'number' && Number.isInteger(t) && t >= 1 && t <= 256)) {
    throw new Error(`${FN}: option 'threads' must be 'auto' or an integer from 1 to 256, got ${describe(t)}`);
  }
  if (options.fastWebGpuKernels !== undefined && typeof options.fastWebGpuKernels !== 'boolean') {
    typeFail(FN, 'options.fastWebGpuKernels', 'a boolean', options.fastWebGpuKernels);
  }
  const auto = preference === 'auto';
  let names: readonly BackendName[];
  if (auto) names = isNode() ? ['webgpu', 'tensorflow', 'wasm', 'cpu'] : ['webgpu', 'wasm', 'cpu'];
  else if (typeof preference === 'string') names = [preference];
  else names = preference;
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => !ALL.includes(n))) {
    const bad = Array.isArray(preference) ? (preference as unknown[]).findIndex((n) => !ALL.includes(n as BackendName)) : -1;
    const got = bad >= 0 ? `a list whose entry ${bad} is ${describe((preference as unknown[])[bad])}` : describe(preference);
    throw new Error(
      `${FN}: argument 'preference' must be 'auto', one of ${ALL.map((n) => `'${n}'`).join(', ')} or a non-empty list of them, got ${got}`,
    );
  }
  await ensureGradients();
  const reasons: string[] = [];
  for (const name of names) {
    let attempt: Attempt;
    try {
      attempt = await start(name, options, auto);
    } catch (error) {
      attempt = { reason: (error as Error).message };
    }
    if ('info' in attempt) {
      await tf.ready();
      return attempt.info;
    }
    reasons.push(`${name}: ${attempt.reason}`);
  }
  if (names.length === 1) throw new Error(`${FN}: backend '${names[0]}' cannot start: ${reasons[0]!.slice(names[0]!.length + 2)}`);
  throw new Error(`${FN}: no backend of [${names.join(', ')}] could start:\n  ${reasons.join('\n  ')}`);
}
