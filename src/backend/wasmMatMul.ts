import * as tf from '@tensorflow/tfjs-core';
import { SCRATCH_BYTES, gemmFor } from '../kernels/wasm/gemm.js';
import type { GemmExports } from '../kernels/wasm/gemm.js';
import { PARALLEL_MIN_MACS, currentPool } from './threads.js';

const PATCHED = /* @__PURE__ */ Symbol.for('autoencoders.wasmMatMul');
const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Args = Parameters<KernelFunc>[0];

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm?: { asm?: { memory?: unknown } };
}

let gemmDisabled = false;

/**
 * Switches the package's own product kernel off (`false`: products go through XNNPACK, reoriented
 * as described in {@link installFastWasmMatMul}) or back on, so that tests and benchmarks can
 * compare both on the same backend.
 * @internal
 */
export function setWasmGemmForTesting(enabled: boolean): void {
  gemmDisabled = !enabled;
}

/** The SIMD product kernel on the backend's memory, or null (no SIMD, or a build that hides its memory). */
function gemmOf(backend: WasmBackendLike): GemmExports | null {
  if (gemmDisabled) return null;
  const memory = backend.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? gemmFor(memory) : null;
}

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/**
 * Relative cost, per element, of packing the right-hand operand into XNNPACK's layout (done
 * whenever that operand — or the bias — is a tensor the kernel has not packed before, i.e. on
 * every training step) and of an explicit transpose. Measured on tfjs-backend-wasm 4.22: about
 * 11 ns and 1.1–1.7 ns per element.
 */
const PACK_COST = 8;
const TRANSPOSE_COST = 1;

/** Activations the reoriented product can apply itself, by the wasm kernel that applies them. */
const ACTIVATION_KERNELS: Readonly<Record<string, string | null>> = {
  linear: null,
  relu: 'Relu',
  relu6: 'Relu6',
  sigmoid: 'Sigmoid',
  elu: 'Elu',
};

/**
 * What the wasm kernel has packed (and keeps in its operator cache until the operand or the bias
 * is disposed): right-hand operand data id → the bias data ids (or null) and activations it was
 * packed with. Data ids are fresh objects for every tensor, so a weak map cannot go stale.
 */
const packed = new WeakMap<object, { bias: object | null; activation: string }[]>();
/** Right-hand operands seen untransposed: seen twice means reused (weights in inference). */
const seen = new WeakSet<object>();

/** The product of the batch dimensions (all but the last two). */
function outerSize(x: tf.TensorInfo): number {
  return x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
}

/**
 * Whether the right-hand operand is (likely) packed already or about to be reused — weights in
 * inference — so that XNNPACK's cached operator is the fastest way.
 */
function reusedWeights(b: tf.TensorInfo, bias: tf.TensorInfo | null, activation: string, transposeB: boolean): boolean {
  return !transposeB && (isPacked(b.dataId, bias?.dataId ?? null, activation) || seen.has(b.dataId));
}

function isPacked(operand: object, bias: object | null, activation: string): boolean {
  return packed.get(operand)?.some((p) => p.bias === bias && p.activation === activation) ?? false;
}

function recordPacked(operand: object, bias: object | null, activation: string): void {
  const list = packed.get(operand);
  if (list === undefined) packed.set(operand, [{ bias, activation }]);
  else if (!list.some((p) => p.bias === bias && p.activation === activation)) list.push({ bias, activation });
}

/**
 * The wasm kernel `kernelFunc`, rewritten so that it always reaches XNNPACK's fast path and packs
 * as little as it can.
 *
 * tfjs-backend-wasm multiplies with XNNPACK only when neither operand is transposed; and XNNPACK
 * packs the right-hand operand `B` (k × n) into its own layout whenever `B` (or the bias) is a
 * tensor it has not seen — which, in training, is every product of every step. With m = 128 rows,
 * packing costs about as much as the product itself. So each product `C = A'·B'` (A' = Aᵀ or A,
 * B' = Bᵀ or B) runs one of two ways, whichever moves fewer elements:
 * 1. `C = A'·B'`: transpose the operands that are flagged, pack `B'` (k × n; free when cached);
 * 2. `C = (B'ᵀ·A'ᵀ)ᵀ`: pack `A'ᵀ` (k × m) instead, transpose the result, then add the bias and
 *    apply the activation with the wasm kernels.
 */
function fastMatMul(original: KernelFunc): KernelFunc {
  return (args: Args) => {
    const attrs = (args.attrs ?? {}) as MatMulAttrs;
    const inputs = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const a = inputs['a']!;
    const b = inputs['b']!;
    const bias = inputs['bias'] ?? null;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const activation = attrs.activation ?? 'linear';
    const transposeKernel = tf.getKernel('Transpose', 'wasm')?.kernelFunc;
    if (transposeKernel === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const temporary: tf.TensorInfo[] = [];
    const run = (name: string, kernelInputs: Record<string, tf.TensorInfo>, kernelAttrs: Record<string, unknown> = {}): tf.TensorInfo => {
      const f = name === 'Transpose' ? transposeKernel : tf.getKernel(name, 'wasm')!.kernelFunc;
      const out = f({ inputs: kernelInputs, backend: args.backend, attrs: kernelAttrs as tf.NamedAttrMap }) as tf.TensorInfo;
      temporary.push(out);
      return out;
    };
    const flip = (x: tf.TensorInfo): tf.TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
      return run('Transpose', { x }, { perm });
    };
    try {
      const rank = a.shape.length;
      const m = a.shape[transposeA ? rank - 1 : rank - 2]!;
      const k = a.shape[transposeA ? rank - 2 : rank - 1]!;
      const n = b.shape[transposeB ? rank - 2 : rank - 1]!;
      const activationKernel = ACTIVATION_KERNELS[activation];
      const canReorient = rank >= 2 && b.shape.length === rank && outerSize(a) === 1 && outerSize(b) === 1 && activationKernel !== undefined && inputs['preluActivationWeights'] === undefined;
      const reused = reusedWeights(b, bias, activation, transposeB);
      let reorient = false;
      if (canReorient) {
        const cost1 = (reused ? 0 : PACK_COST * k * n) + (transposeA ? TRANSPOSE_COST * m * k : 0) + (transposeB ? TRANSPOSE_COST * k * n : 0);
        const cached2 = transposeA && isPacked(a.dataId, null, 'linear');
        const extra = (bias === null ? 0 : 1) + (activationKernel === null ? 0 : 1);
        const cost2 =
          (cached2 ? 0 : PACK_COST * k * m) +
          (transposeB ? 0 : TRANSPOSE_COST * k * n) +
          (transposeA ? 0 : TRANSPOSE_COST * m * k) +
          TRANSPOSE_COST * m * n * (1 + extra);
        reorient = cost2 < cost1;
        if (!transposeB) seen.add(b.dataId);
      }
      const gemm = canReorient && m % 4 === 0 && n % 4 === 0 && !reused ? gemmOf(backend) : null;
      if (gemm !== null) {
        // The package's kernel: both operands read in place, transposed or not.
        const c = backend.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
        const pool = m * n * k >= PARALLEL_MIN_MACS && n >= 8 ? currentPool() : null;
        const memory = backend.wasm!.asm!.memory as WebAssembly.Memory;
        // In place, every thread packs B' into scratch of its own.
        const scratchThreads = pool !== null && pool.inPlace(memory) ? pool.threads : 1;
        const scratch = backend.makeOutput([(scratchThreads * SCRATCH_BYTES) / 4], 'float32');
        const at = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId).memoryOffset;
        const lda = a.shape[rank - 1]!;
        const ldb = b.shape[rank - 1]!;
        let split = false;
        try {
          if (pool !== null) {
            const product = { memory, heap: new Float32Array(memory.buffer), pa: at(a), lda, transA: transposeA, pb: at(b), ldb, transB: transposeB, pc: at(c), m, n, k, pw: at(scratch) };
            split = pool.gemm(product, gemm, 'matMul (wasm threads)');
          }
          if (!split) gemm.gemm(at(a), lda, transposeA ? 1 : 0, at(b), ldb, transposeB ? 1 : 0, at(c), n, m, n, k, at(scratch));
        } catch (error) {
          backend.disposeData(c.dataId);
          throw error;
        } finally {
          backend.disposeData(scratch.dataId);
        }
        let out = c;
        if (bias !== null) {
          temporary.push(out);
          out = run('Add', { a: out, b: bias });
          temporary.splice(temporary.indexOf(out), 1);
        }
        if (activationKernel !== null && activationKernel !== undefined) {
          temporary.push(out);
          out = run(activationKernel, { x: out });
          temporary.splice(temporary.indexOf(out), 1);
        }
        return out;
      }
      if (!reorient) {
        if (!transposeA && !transposeB) {
          const out = original(args) as tf.TensorInfo;
          if (canReorient) recordPacked(b.dataId, bias?.dataId ?? null, activation);
          return out;
        }
        const newInputs = { ...inputs } as Record<string, tf.TensorInfo>;
        if (transposeA) newInputs['a'] = flip(a);
        if (transposeB) newInputs['b'] = flip(b);
        return original({ ...args, inputs: newInputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      }
      // Cᵀ = B'ᵀ·A'ᵀ with B'ᵀ = (transposeB ? B : Bᵀ) and A'ᵀ = (transposeA ? A : Aᵀ).
      const left = transposeB ? b : flip(b);
      const right = transposeA ? a : flip(a);
      // The original kernel (fused or not) with no bias and no activation: a plain product.
      const cT = original({
        inputs: { a: left, b: right },
        backend: args.backend,
        attrs: { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 },
      }) as tf.TensorInfo;
      temporary.push(cT);
      if (transposeA) recordPacked(a.dataId, null, 'linear');
      let c = flip(cT);
      if (bias !== null) c = run('Add', { a: c, b: bias });
      if (activationKernel !== null && activationKernel !== undefined) c = run(activationKernel, { x: c });
      // The result is returned, not disposed.
      temporary.splice(temporary.indexOf(c), 1);
      return c;
    } finally {
      for (const t of temporary) backend.disposeData(t.dataId);
    }
  };
}

/**
 * Makes matrix products fast on the wasm backend, in training above all.
 *
 * tfjs-backend-wasm 4.x multiplies `Aᵀ·B` and `A·Bᵀ` about 10× slower than `A·B` (its fast
 * XNNPACK path takes untransposed operands only), and the backward pass of every dense layer
 * is made of such products: `∂L/∂W = Xᵀ·δ`, `∂L/∂X = δ·Wᵀ`. XNNPACK also packs the right-hand
 * operand into its own layout whenever it is a new tensor — in training, for every product of
 * every step — which costs about as much as a product with 128 rows.
 *
 * This re-registers the wasm `BatchMatMul` and `_FusedMatMul` kernels so that every product takes
 * the fast path (a transposed operand is transposed explicitly first, a copy that costs a few
 * percent of the product), and so that a product whose right-hand operand would be packed anew is
 * computed as `(B'ᵀ·A'ᵀ)ᵀ` when that packs fewer elements (e.g. `δ·Wᵀ` packs the 128 rows of δ
 * instead of all of W). Results are the same products, rounded in a different order (relative
 * differences around 1e-7). It also never takes tfjs-backend-wasm 4.22's slow fused path, which
 * adds the bias to the wrong entries when an operand is transposed. Safe to call more than once; {@link useBackend} calls it when it
 * starts wasm unless `{ fastWasmKernels: false }` is passed.
 *
 * @returns `true` when the wasm kernels are (now) patched, `false` when the wasm backend is not registered.
 * @category Backends
 * @example
 * ```ts
 * await useBackend('wasm');   // already calls it
 * installFastWasmMatMul();    // no-op the second time
 * ```
 */
export function installFastWasmMatMul(): boolean {
  let patched = false;
  for (const name of KERNELS) {
    const config = tf.getKernel(name, 'wasm');
    if (!config) continue;
    if ((config as unknown as Record<symbol, boolean>)[PATCHED]) {
      patched = true;
      continue;
    }
    const replacement: tf.KernelConfig & Record<symbol, boolean> = {
      ...config,
      kernelFunc: fastMatMul(config.kernelFunc),
      [PATCHED]: true,
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(replacement);
    patched = true;
  }
  return patched;
}
