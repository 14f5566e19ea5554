/**
 * The kernel gradient of a 2-D convolution on the wasm backend, which tfjs-backend-wasm 4.22 does
 * not have (`tf.grad` of a `conv2d` or `conv2dTranspose` with respect to its filter throws
 * "Kernel 'Conv2DBackpropFilter' not registered"), so convolutional models could not train there.
 *
 * For an input `x` `[n, h, w, c]`, the output gradient `δ` `[n, oh, ow, o]`, strides `(s, t)` and
 * padding `(top, left)`, the kernel gradient is
 *
 * `∂L/∂W[a, b, i, j] = Σ_{m, y, z} x_pad[m, a + s·y, b + t·z, i] · δ[m, y, z, j]`,
 *
 * which is itself a forward convolution with the batch in the place of the channels: the padded
 * input transposed to `[c, h', w', n]`, convolved ('valid', dilation `(s, t)`) with `δ` transposed
 * to `[oh, ow, n, o]` as its filter, gives `[c, kh, kw, o]`; one more transpose gives the kernel
 * gradient `[kh, kw, c, o]`. The wasm backend runs that convolution with XNNPACK. It is built
 * from the backend's own kernels (`PadV2`, `Slice`, `Transpose`, `Conv2D`) called directly, so
 * nothing passes through the engine and every intermediate is freed here.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Args = Parameters<KernelFunc>[0];

interface DisposingBackend {
  disposeData(dataId: object): boolean;
}

interface HeapBackend extends DisposingBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The attributes both convolution gradients take. */
interface ConvGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface BackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

const FN = 'Conv2DBackpropFilter (wasm)';

/** Runs the wasm backend's kernel `name` directly (no engine, no tape): a TensorInfo the caller frees. */
function run(name: string, inputs: tf.NamedTensorInfoMap, attrs: Record<string, unknown>, backend: Args['backend']): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`${FN}: the wasm backend has no '${name}' kernel`);
  return kernel.kernelFunc({ inputs, attrs: attrs as unknown as tf.NamedAttrMap, backend }) as tf.TensorInfo;
}

/** The `Conv2DBackpropFilter` kernel function for the wasm backend (see the file comment). @internal */
export function conv2dBackpropFilterWasm(args: Args): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const backend = args.backend;
  if (attrs.dataFormat === 'NCHW') throw new Error(`${FN}: only dataFormat 'NHWC' is supported, got 'NCHW'`);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error(`${FN}: float32 inputs are supported, got ${x.dtype} and ${dy.dtype}`);
  const [kh, kw, c, o] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const [n, h, w] = x.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  if (info.outHeight !== oh || info.outWidth !== ow || dy.shape[3] !== o || x.shape[3] !== c) {
    throw new Error(`${FN}: dy of shape [${dy.shape.join(',')}] does not fit x of shape [${x.shape.join(',')}] and the filter [${attrs.filterShape.join(',')}]`);
  }
  const { strideHeight: s, strideWidth: t } = info;
  const { top, left } = info.padInfo;
  // Rows and columns of the padded input that the gradient reads.
  const needH = kh + (oh - 1) * s;
  const needW = kw + (ow - 1) * t;
  const temps: tf.TensorInfo[] = [];
  const keep = (i: tf.TensorInfo): tf.TensorInfo => {
    temps.push(i);
    return i;
  };
  const free = backend as unknown as DisposingBackend;
  try {
    let xp = x;
    const bottom = Math.max(0, needH - h - top);
    const right = Math.max(0, needW - w - left);
    if (top > 0 || left > 0 || bottom > 0 || right > 0) {
      const paddings = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      xp = keep(run('PadV2', { x: xp }, { paddings, constantValue: 0 }, backend));
    }
    if (xp.shape[1]! > needH || xp.shape[2]! > needW) {
      xp = keep(run('Slice', { x: xp }, { begin: [0, 0, 0, 0], size: [n, needH, needW, c] }, backend));
    }
    const xt = keep(run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] }, backend));
    const dyt = keep(run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend));
    const conv = keep(
      run('Conv2D', { x: xt, filter: dyt }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [s, t], dimRoundingMode: undefined }, backend),
    );
    return run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] }, backend);
  } finally {
    for (const temp of temps) free.disposeData(temp.dataId);
  }
}

interface BackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

/**
 * `Conv2DBackpropInput` — the input gradient of a convolution, and the forward pass of
 * `conv2dTranspose` — as one forward convolution (XNNPACK) instead of tfjs-backend-wasm's scalar
 * loop: `δ` spread out by the strides (`s − 1` zeros between its rows, `t − 1` between its columns)
 * and padded by `kh − 1 − top` above and `kw − 1 − left` on the left, convolved ('valid', stride 1)
 * with the kernel turned by 180° and its in and out channels swapped:
 *
 * `dx[m, i, j, c] = Σ_{a, b, o} δ_spread[m, i + a, j + b, o] · W[kh − 1 − a, kw − 1 − b, c, o]`.
 *
 * The spread costs `s·t` times the products of the scalar loop, at XNNPACK's speed. NCHW and
 * non-float32 inputs go to the original kernel.
 * @internal
 */
export function fastConv2dBackpropInput(original: KernelFunc): KernelFunc {
  return (args: Args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as BackpropInputAttrs;
    if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return original(args);
    const backend = args.backend as unknown as HeapBackend;
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: s, strideWidth: t } = info;
    const o = filter.shape[3]!;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    // δ spread and padded to [n, h + kh − 1, w + kw − 1, o]: a 'valid' kh × kw convolution of it gives [n, h, w, c].
    const ph = h + kh - 1;
    const pw = w + kw - 1;
    const temps: tf.TensorInfo[] = [];
    try {
      const spread = backend.makeOutput([n, ph, pw, o], 'float32');
      temps.push(spread);
      const dst = backend.typedArrayFromHeap(spread) as Float32Array;
      const src = backend.typedArrayFromHeap(dy) as Float32Array;
      dst.fill(0);
      for (let m = 0; m < n; m++) {
        for (let y = 0; y < oh; y++) {
          const row = y * s + top;
          if (row < 0 || row >= ph) continue;
          for (let z = 0; z < ow; z++) {
            const col = z * t + left;
            if (col < 0 || col >= pw) continue;
            const from = ((m * oh + y) * ow + z) * o;
            dst.set(src.subarray(from, from + o), ((m * ph + row) * pw + col) * o);
          }
        }
      }
      const turned = run('Reverse', { x: filter }, { dims: [0, 1] }, args.backend);
      temps.push(turned);
      const swapped = run('Transpose', { x: turned }, { perm: [0, 1, 3, 2] }, args.backend);
      temps.push(swapped);
      return run('Conv2D', { x: spread, filter: swapped }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined }, args.backend);
    } finally {
      for (const temp of temps) backend.disposeData(temp.dataId);
    }
  };
}

/**
 * Registers {@link conv2dBackpropFilterWasm} as the wasm backend's `Conv2DBackpropFilter` when the
 * backend is registered and has none of its own. Returns whether the wasm backend now has one.
 * @internal
 */
export function installWasmConvGradient(): boolean {
  if (tf.getKernel('Conv2D', 'wasm') === undefined) return false;
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilterWasm });
  }
  return true;
}
