// MNIST digits for the page: the binary asset written by build.ts, and drawing them on a canvas.

/** Width × height of one digit. */
export const SIDE = 28;
/** Pixels of one digit. */
export const PIXELS = SIDE * SIDE;

/** Digits as packed by `packDigits` in build.ts. */
export interface Digits {
  readonly count: number;
  /** Class of each digit, 0–9. */
  readonly labels: Uint8Array;
  /** `count × 784` grey levels, 0–255, row-major. */
  readonly pixels: Uint8Array;
}

/** Parses the `mnist.bin` layout: `'MNST'`, count (uint32 LE), labels, pixels. */
export function parseDigits(buffer: ArrayBuffer): Digits {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'MNST') throw new Error(`mnist.bin: expected the magic 'MNST', got '${magic}'`);
  const count = new DataView(buffer).getUint32(4, true);
  if (bytes.byteLength !== 8 + count + count * PIXELS) {
    throw new Error(`mnist.bin: ${count} digits need ${8 + count * (1 + PIXELS)} bytes, the file has ${bytes.byteLength}`);
  }
  return { count, labels: bytes.subarray(8, 8 + count), pixels: bytes.subarray(8 + count) };
}

/** Fetches and parses `mnist.bin`. */
export async function loadDigits(url = 'mnist.bin'): Promise<Digits> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  return parseDigits(await response.arrayBuffer());
}

/** Digits `from … from + count − 1` as float32 in [0, 1], `count × 784`. */
export function toUnit(digits: Digits, from: number, count: number): Float32Array {
  const out = new Float32Array(count * PIXELS);
  const src = digits.pixels.subarray(from * PIXELS, (from + count) * PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = src[i]! / 255;
  return out;
}

/** Layout of a digit grid on a canvas: one row per named set, `columns` digits a row. */
export interface GridLayout {
  readonly columns: number;
  readonly rows: number;
  /** Canvas pixels per digit pixel. */
  readonly scale: number;
  /** Canvas pixels between digits and around the grid. */
  readonly gap: number;
}

/** Size of the canvas a layout needs. */
export function gridSize(layout: GridLayout): { width: number; height: number } {
  const cell = SIDE * layout.scale + layout.gap;
  return { width: layout.columns * cell + layout.gap, height: layout.rows * cell + layout.gap };
}

/** Background grey of the grid (between digits and for rows not drawn yet). */
export const BACKGROUND = 48;

/** Clears the grid to the background grey. */
export function clearGrid(ctx: CanvasRenderingContext2D, layout: GridLayout): void {
  const { width, height } = gridSize(layout);
  ctx.fillStyle = `rgb(${BACKGROUND}, ${BACKGROUND}, ${BACKGROUND})`;
  ctx.fillRect(0, 0, width, height);
}

/**
 * Draws row `row` of the grid: `images` (each 784 values in [0, 1]) white on black,
 * each digit pixel a `scale × scale` block.
 */
export function drawRow(ctx: CanvasRenderingContext2D, layout: GridLayout, row: number, images: readonly ArrayLike<number>[]): void {
  const { scale, gap } = layout;
  const cell = SIDE * scale + gap;
  const tile = ctx.createImageData(SIDE * scale, SIDE * scale);
  images.slice(0, layout.columns).forEach((image, column) => {
    for (let y = 0; y < SIDE * scale; y++) {
      for (let x = 0; x < SIDE * scale; x++) {
        const v = image[Math.floor(y / scale) * SIDE + Math.floor(x / scale)] ?? 0;
        const g = Math.round(255 * Math.min(1, Math.max(0, v)));
        const o = (y * SIDE * scale + x) * 4;
        tile.data[o] = g;
        tile.data[o + 1] = g;
        tile.data[o + 2] = g;
        tile.data[o + 3] = 255;
      }
    }
    ctx.putImageData(tile, gap + column * cell, gap + row * cell);
  });
}
