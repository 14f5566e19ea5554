// Small PNG helpers shared by the examples: grids of grey images, written with pngjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';

/** Options of {@link imageGrid}. */
export interface GridOptions {
  /** Images per row. */
  columns: number;
  /** Pixels of one image side (28 for MNIST). */
  side: number;
  /** Screen pixels per image pixel. Default 3. */
  scale?: number;
  /** Gap between images, in screen pixels. Default 2. */
  gap?: number;
}

/**
 * Draws grey images (values in [0, 1], row-major `side × side`) into one RGBA PNG,
 * `columns` per row, white on black like the MNIST scans.
 */
export function imageGrid(images: readonly ArrayLike<number>[], options: GridOptions): PNG {
  const { columns, side, scale = 3, gap = 2 } = options;
  const rows = Math.ceil(images.length / columns);
  const cell = side * scale + gap;
  const png = new PNG({ width: columns * cell + gap, height: rows * cell + gap });
  png.data.fill(64);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  images.forEach((image, k) => {
    const x0 = gap + (k % columns) * cell;
    const y0 = gap + Math.floor(k / columns) * cell;
    for (let y = 0; y < side * scale; y++) {
      for (let x = 0; x < side * scale; x++) {
        const v = image[Math.floor(y / scale) * side + Math.floor(x / scale)] ?? 0;
        const g = Math.round(255 * Math.min(1, Math.max(0, v)));
        const o = ((y0 + y) * png.width + (x0 + x)) * 4;
        png.data[o] = g;
        png.data[o + 1] = g;
        png.data[o + 2] = g;
      }
    }
  });
  return png;
}

/**
 * Writes a PNG, creating its folder. The file is stored as greyscale when every pixel is grey and
 * opaque, as RGB when every pixel is opaque, else as RGBA: the smallest of the three that loses
 * nothing (a grey picture takes about a third of the bytes of the same picture in RGBA).
 */
export function writePng(path: string, png: PNG): void {
  mkdirSync(dirname(path), { recursive: true });
  const d = png.data;
  let grey = true;
  let opaque = true;
  for (let i = 0; i < d.length && (grey || opaque); i += 4) {
    if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) grey = false;
    if (d[i + 3] !== 255) opaque = false;
  }
  const colorType = !opaque ? 6 : grey ? 0 : 2;
  // Z_FILTERED (1) instead of pngjs's run-length default: a third smaller for scatter plots, a little for images.
  writeFileSync(path, PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true, deflateStrategy: 1 }));
}
