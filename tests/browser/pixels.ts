// Reading digits back from a screenshot of the demo's canvas.
import { PNG } from 'pngjs';
import { SIDE } from '../../examples/browser/page/digits.js';

/** A decoded RGBA image. */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function decodePng(bytes: Uint8Array): Image {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: png.data };
}

/** Grey level (red channel, 0–255) at `(x, y)`. */
export function grey(image: Image, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) {
    throw new Error(`pixel (${x}, ${y}) is outside the ${image.width}×${image.height} image`);
  }
  return image.data[(y * image.width + x) * 4]!;
}

/**
 * The 28 × 28 digit drawn with its top-left corner at `(x0, y0)`, each digit pixel a
 * `scale × scale` block: the centre of every block, as values in [0, 1].
 */
export function readDigit(image: Image, x0: number, y0: number, scale: number): Float64Array {
  const out = new Float64Array(SIDE * SIDE);
  const mid = Math.floor(scale / 2);
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) out[r * SIDE + c] = grey(image, x0 + c * scale + mid, y0 + r * scale + mid) / 255;
  }
  return out;
}

/** Pearson correlation of two equally long lists. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/** Largest |a − b| over two equally long lists. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
