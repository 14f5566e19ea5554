// Tiny plotting helpers for the anomaly examples, drawn pixel by pixel into a pngjs PNG: a
// canvas with lines, rectangles and a 5 × 7 bitmap font; ROC curves; heat maps with a colour
// bar. Enough for the figures of the examples, nothing more.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [160, 160, 160];
export const LIGHT: Rgb = [225, 225, 225];
/** Line colours of the curves (colour-blind-safe blue, orange, green, purple). */
export const PALETTE: readonly Rgb[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
];

// A 5 × 7 font: each glyph is 7 rows of 5 bits, most significant bit on the left.
const GLYPHS: Record<string, readonly number[]> = {
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [28, 18, 17, 17, 17, 18, 28],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '.': [0, 0, 0, 0, 0, 12, 12],
  ',': [0, 0, 0, 0, 12, 4, 8],
  '-': [0, 0, 0, 31, 0, 0, 0],
  '+': [0, 4, 4, 31, 4, 4, 0],
  '=': [0, 0, 31, 0, 31, 0, 0],
  '(': [2, 4, 8, 8, 8, 4, 2],
  ')': [8, 4, 2, 2, 2, 4, 8],
  '/': [1, 1, 2, 4, 8, 16, 16],
  ':': [0, 12, 12, 0, 12, 12, 0],
  '^': [4, 10, 17, 0, 0, 0, 0],
  '%': [24, 25, 2, 4, 8, 19, 3],
};

/** A white RGBA canvas with the few drawing operations the figures need. */
export class Canvas {
  readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }

  /** Sets one pixel (ignored outside the canvas). */
  set(x: number, y: number, c: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const o = (yi * this.width + xi) * 4;
    this.png.data[o] = c[0];
    this.png.data[o + 1] = c[1];
    this.png.data[o + 2] = c[2];
    this.png.data[o + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, c);
  }

  /** A straight line of the given thickness (square pen). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    const r = (thickness - 1) / 2;
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) this.set(x + dx, y + dy, c);
    }
  }

  /** A dashed line (dashes of `dash` pixels). */
  dashed(x0: number, y0: number, x1: number, y1: number, c: Rgb, dash = 4): void {
    const length = Math.hypot(x1 - x0, y1 - y0);
    for (let t = 0; t < length; t += 2 * dash) {
      const a = t / length;
      const b = Math.min(1, (t + dash) / length);
      this.line(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b, c);
    }
  }

  /** Text in the 5 × 7 font (upper case; lower case is drawn as upper case), top-left at (x, y). */
  text(x: number, y: number, s: string, c: Rgb = BLACK, scale = 2): void {
    let cx = x;
    for (const ch of s.toUpperCase()) {
      const glyph = GLYPHS[ch] ?? GLYPHS[' ']!;
      glyph.forEach((bits, row) => {
        for (let col = 0; col < 5; col++) {
          if (bits & (16 >> col)) this.rect(cx + col * scale, y + row * scale, scale, scale, c);
        }
      });
      cx += 6 * scale;
    }
  }

  /** Width in pixels of `s` drawn by {@link Canvas.text}. */
  static textWidth(s: string, scale = 2): number {
    return s.length * 6 * scale - scale;
  }

  /** Text rotated by 90° (reading upwards), for y-axis titles; (x, y) is the bottom-left. */
  textUp(x: number, y: number, s: string, c: Rgb = BLACK, scale = 2): void {
    let cy = y;
    for (const ch of s.toUpperCase()) {
      const glyph = GLYPHS[ch] ?? GLYPHS[' ']!;
      glyph.forEach((bits, row) => {
        for (let col = 0; col < 5; col++) {
          if (bits & (16 >> col)) this.rect(x + row * scale, cy - (col + 1) * scale, scale, scale, c);
        }
      });
      cy -= 6 * scale;
    }
  }

  /** Writes the canvas to a PNG file, creating its folder. */
  write(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, PNG.sync.write(this.png));
  }
}

/** One ROC curve to draw. */
export interface RocSeries {
  label: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
}

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

function frame(canvas: Canvas, f: Frame, title: string, xTitle: string, yTitle: string): void {
  canvas.rect(f.x, f.y, f.w, f.h, WHITE);
  canvas.line(f.x, f.y + f.h, f.x + f.w, f.y + f.h, BLACK);
  canvas.line(f.x, f.y, f.x, f.y + f.h, BLACK);
  canvas.line(f.x + f.w, f.y, f.x + f.w, f.y + f.h, GREY);
  canvas.line(f.x, f.y, f.x + f.w, f.y, GREY);
  canvas.text(f.x + (f.w - Canvas.textWidth(title)) / 2, f.y - 26, title);
  canvas.text(f.x + (f.w - Canvas.textWidth(xTitle)) / 2, f.y + f.h + 34, xTitle);
  canvas.textUp(f.x - 62, f.y + (f.h + Canvas.textWidth(yTitle)) / 2, yTitle);
}

/**
 * Two panels of ROC curves: the usual true-positive rate against false-positive rate, and the
 * physicists' view of the same curves (as in the paper): background rejection 1 / ε_B on a log
 * scale against signal efficiency ε_S. A legend names each curve.
 */
export function rocFigure(series: readonly RocSeries[], signal: string, background: string): Canvas {
  const canvas = new Canvas(1100, 520);
  const left: Frame = { x: 90, y: 50, w: 400, h: 380 };
  const right: Frame = { x: 650, y: 50, w: 400, h: 380 };
  frame(canvas, left, 'ROC CURVE', `FALSE POSITIVE RATE (${background})`, `TRUE POSITIVE RATE (${signal})`);
  frame(canvas, right, 'BACKGROUND REJECTION', `SIGNAL EFFICIENCY (${signal})`, `1 / EB (${background})`);
  // Left: ticks and the chance diagonal.
  for (let t = 0; t <= 1.0001; t += 0.2) {
    const px = left.x + t * left.w;
    const py = left.y + left.h - t * left.h;
    canvas.line(px, left.y + left.h, px, left.y + left.h + 5, BLACK);
    canvas.line(left.x - 5, py, left.x, py, BLACK);
    if (t > 0 && t < 1) {
      canvas.dashed(px, left.y, px, left.y + left.h, LIGHT, 2);
      canvas.dashed(left.x, py, left.x + left.w, py, LIGHT, 2);
    }
    const label = t.toFixed(1);
    canvas.text(px - Canvas.textWidth(label) / 2, left.y + left.h + 10, label);
    canvas.text(left.x - 10 - Canvas.textWidth(label), py - 7, label);
  }
  canvas.dashed(left.x, left.y + left.h, left.x + left.w, left.y, GREY);
  // Right: log axis from 1 to 10^maxDecade.
  const maxDecade = 3;
  const ry = (rejection: number) => right.y + right.h - (Math.log10(rejection) / maxDecade) * right.h;
  for (let d = 0; d <= maxDecade; d++) {
    const py = ry(10 ** d);
    canvas.line(right.x - 5, py, right.x, py, BLACK);
    if (d > 0 && d < maxDecade) canvas.dashed(right.x, py, right.x + right.w, py, LIGHT, 2);
    const label = String(10 ** d);
    canvas.text(right.x - 10 - Canvas.textWidth(label), py - 7, label);
  }
  for (let t = 0; t <= 1.0001; t += 0.2) {
    const px = right.x + t * right.w;
    canvas.line(px, right.y + right.h, px, right.y + right.h + 5, BLACK);
    const label = t.toFixed(1);
    canvas.text(px - Canvas.textWidth(label) / 2, right.y + right.h + 10, label);
  }
  // Random guessing on the right: 1 / ε_B = 1 / ε_S.
  let prev: [number, number] | null = null;
  for (let e = 0.02; e <= 1.0001; e += 0.01) {
    const p: [number, number] = [right.x + e * right.w, Math.max(right.y, ry(1 / e))];
    if (prev) canvas.line(prev[0], prev[1], p[0], p[1], GREY);
    prev = p;
  }
  series.forEach((s, k) => {
    const c = PALETTE[k % PALETTE.length]!;
    for (let i = 1; i < s.fpr.length; i++) {
      canvas.line(
        left.x + s.fpr[i - 1]! * left.w,
        left.y + left.h - s.tpr[i - 1]! * left.h,
        left.x + s.fpr[i]! * left.w,
        left.y + left.h - s.tpr[i]! * left.h,
        c,
        3,
      );
    }
    let last: [number, number] | null = null;
    for (let i = 0; i < s.fpr.length; i++) {
      const f = s.fpr[i]!;
      const t = s.tpr[i]!;
      if (f <= 0 || t <= 0) continue;
      const p: [number, number] = [right.x + t * right.w, Math.max(right.y, ry(Math.min(1 / f, 10 ** maxDecade)))];
      if (last) canvas.line(last[0], last[1], p[0], p[1], c, 3);
      last = p;
    }
    // Legend, in the lower right of the left panel.
    const ly = left.y + left.h - 30 - (series.length - 1 - k) * 24;
    canvas.rect(left.x + 130, ly + 5, 24, 4, c);
    canvas.text(left.x + 162, ly, s.label);
  });
  return canvas;
}

/** A perceptual blue–green–yellow colour map (viridis-like), `t` in [0, 1]. */
export function colour(t: number): Rgb {
  const stops: readonly Rgb[] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Options of {@link heatmapGrid}. */
export interface HeatmapOptions {
  /** Pixels per side of one image. */
  side: number;
  /** Screen pixels per image pixel. */
  scale: number;
  /** Titles above the columns. */
  columns: readonly string[];
  /** Titles left of the rows. */
  rows: readonly string[];
  /** Colour scale: log10 of the intensity, `decades` decades up to the power of ten at or above the row's maximum. */
  decades: number;
}

/**
 * A grid of images (`panels[row][column]`, each `side × side`, row-major) on a log colour
 * scale; each row has its own scale (its maximum at the top), shown by a colour bar on the right.
 */
export function heatmapGrid(panels: readonly (readonly ArrayLike<number>[])[], options: HeatmapOptions): Canvas {
  const { side, scale, columns, rows, decades } = options;
  const cell = side * scale;
  const gap = 16;
  const x0 = 210;
  const y0 = 40;
  const width = x0 + columns.length * (cell + gap) + 150;
  const height = y0 + rows.length * (cell + gap) + 10;
  const canvas = new Canvas(width, height);
  columns.forEach((title, c) => canvas.text(x0 + c * (cell + gap) + (cell - Canvas.textWidth(title)) / 2, 12, title));
  panels.forEach((row, r) => {
    const top = y0 + r * (cell + gap);
    const label = rows[r] ?? '';
    label.split('\n').forEach((line, k) => canvas.text(10, top + cell / 2 - 10 + k * 20, line));
    let max = 0;
    for (const image of row) for (let i = 0; i < side * side; i++) max = Math.max(max, image[i]!);
    const hi = Math.ceil(Math.log10(max));
    const lo = hi - decades;
    row.forEach((image, c) => {
      const left = x0 + c * (cell + gap);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const v = image[y * side + x]!;
          const t = v > 0 ? (Math.log10(v) - lo) / decades : 0;
          canvas.rect(left + x * scale, top + y * scale, scale, scale, v > 0 && t > 0 ? colour(t) : colour(0));
        }
      }
    });
    // Colour bar with its end labels.
    const bx = x0 + panels[0]!.length * (cell + gap);
    for (let y = 0; y < cell; y++) canvas.rect(bx, top + y, 16, 1, colour(1 - y / cell));
    canvas.text(bx + 22, top, `10^${hi}`);
    canvas.text(bx + 22, top + cell - 14, `10^${lo}`);
  });
  return canvas;
}

/** One group of bars of {@link barChart}. */
export interface BarGroup {
  label: string;
  values: readonly number[];
}

/**
 * A grouped bar chart of values in [0, 1] (e.g. one ROC AUC per model and per group), with a
 * dashed reference line (e.g. 0.5 = chance) and a legend naming the series.
 */
export function barChart(groups: readonly BarGroup[], series: readonly string[], title: string, yTitle: string, reference = 0.5): Canvas {
  const f: Frame = { x: 100, y: 60, w: Math.max(500, groups.length * 70), h: 320 };
  const canvas = new Canvas(f.x + f.w + 40, f.y + f.h + 110);
  frame(canvas, f, title, '', yTitle);
  for (let t = 0; t <= 1.0001; t += 0.2) {
    const py = f.y + f.h - t * f.h;
    canvas.line(f.x - 5, py, f.x, py, BLACK);
    if (t > 0 && t < 1) canvas.dashed(f.x, py, f.x + f.w, py, LIGHT, 2);
    const label = t.toFixed(1);
    canvas.text(f.x - 10 - Canvas.textWidth(label), py - 7, label);
  }
  const slot = f.w / groups.length;
  const bar = Math.min(24, (slot - 16) / series.length);
  groups.forEach((g, i) => {
    const left = f.x + i * slot + (slot - bar * series.length) / 2;
    g.values.forEach((v, k) => {
      const h = Math.max(0, Math.min(1, v)) * f.h;
      canvas.rect(left + k * bar, f.y + f.h - h, bar - 2, h, PALETTE[k % PALETTE.length]!);
    });
    canvas.text(f.x + i * slot + (slot - Canvas.textWidth(g.label)) / 2, f.y + f.h + 10, g.label);
  });
  canvas.dashed(f.x, f.y + f.h - reference * f.h, f.x + f.w, f.y + f.h - reference * f.h, BLACK, 5);
  series.forEach((s, k) => {
    const lx = f.x + k * 220;
    canvas.rect(lx, f.y + f.h + 50, 24, 14, PALETTE[k % PALETTE.length]!);
    canvas.text(lx + 32, f.y + f.h + 50, s);
  });
  return canvas;
}
