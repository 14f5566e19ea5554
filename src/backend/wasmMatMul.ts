import * as tf from '@tensorflow/tfjs-core';

const PATCHED = Symbol.for('autoencoders.wasmMatMul');
const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Args = Parameters<KernelFunc>[0];

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

/** The wasm kernel `kernelFunc`, rewritten so that a transposed operand is transposed first. */
function withExplicitTranspose(original: KernelFunc): KernelFunc {
  return (args: Args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } | undefined;
    if (!attrs?.transposeA && !attrs?.transposeB) return original(args);
    const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc;
    if (!transpose) return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const temporary: tf.TensorInfo[] = [];
    const flip = (x: tf.TensorInfo): tf.TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
      const out = transpose({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
      temporary.push(out);
      return out;
    };
    const inputs = { ...args.inputs } as Record<string, tf.TensorInfo>;
    if (attrs.transposeA) inputs['a'] = flip(inputs['a']!);
    if (attrs.transposeB) inputs['b'] = flip(inputs['b']!);
    try {
      return original({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temporary) backend.disposeData(t.dataId);
    }
  };
}

/**
 * Makes matrix products with a transposed operand fast on the wasm backend.
 *
 * tfjs-backend-wasm 4.x multiplies `Aᵀ·B` and `A·Bᵀ` about 10× slower than `A·B` (its fast
 * XNNPACK path takes untransposed operands only), and the backward pass of every dense layer
 * is made of such products: `∂L/∂W = Xᵀ·δ`, `∂L/∂X = δ·Wᵀ`. This re-registers the wasm
 * `BatchMatMul` and `_FusedMatMul` kernels so that a transposed operand is first transposed
 * explicitly (a copy that costs a few percent of the product) and then multiplied on the fast
 * path. Results are the same products, rounded in a different order (relative differences
 * around 1e-7). Safe to call more than once; {@link useBackend} calls it when it starts wasm
 * unless `{ fastWasmMatMul: false }` is passed.
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
      kernelFunc: withExplicitTranspose(config.kernelFunc),
      [PATCHED]: true,
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(replacement);
    patched = true;
  }
  return patched;
}
