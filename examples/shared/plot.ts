// Chart helpers shared by the examples, drawn pixel by pixel into a pngjs PNG: a canvas with
// antialiased lines and discs and a 5 × 7 bitmap font, and on top of it a line chart, a scatter
// plot coloured by class, a histogram, a labelled grid of images and a way to tile pictures.
// Enough for the figures of the examples and nothing more; write the results with writePng.
import { PNG } from 'pngjs';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
/** Text and axis colour. */
export const INK: Rgb = [51, 51, 51];
/** Grid line colour. */
export const GRID: Rgb = [230, 230, 230];

/** Colours of curves and bars: the Okabe–Ito palette, safe for colour-blind readers. */
export const PALETTE: readonly Rgb[] = [
  [0, 114, 178], // blue
  [213, 94, 0], // vermillion
  [0, 158, 115], // green
  [204, 121, 167], // purple
  [230, 159, 0], // orange
  [86, 180, 233], // sky blue
  [120, 120, 120], // grey
];

/** One colour per digit class 0…9 (matplotlib's tab10, the colours readers know from MNIST scatter plots). */
export const DIGIT_COLORS: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

// ---------------------------------------------------------------------------------------------
// The font: 5 × 7 glyphs, one string of 7 rows of 5 pixels each ('#' on), and 2 rows more below
// the baseline for the letters with descenders (g, j, p, q, y, ρ, μ…). Drawn for this file.

const GLYPH_ROWS: Record<string, string> = {
  ' ': '..... ..... ..... ..... ..... ..... .....',
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '###.. #..#. #...# #...# #...# #..#. ###..',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# #...# .#.#. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  a: '..... ..... .###. ....# .#### #...# .####',
  b: '#.... #.... #.##. ##..# #...# #...# ####.',
  c: '..... ..... .###. #.... #.... #...# .###.',
  d: '....# ....# .##.# #..## #...# #...# .####',
  e: '..... ..... .###. #...# ##### #.... .###.',
  f: '..##. .#..# .#... ###.. .#... .#... .#...',
  g: '..... ..... .#### #...# #...# #...# .#### ....# .###.',
  h: '#.... #.... #.##. ##..# #...# #...# #...#',
  i: '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.',
  j: '...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..',
  k: '#.... #.... #..#. #.#.. ##... #.#.. #..#.',
  l: '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  m: '..... ..... ##.#. #.#.# #.#.# #...# #...#',
  n: '..... ..... #.##. ##..# #...# #...# #...#',
  o: '..... ..... .###. #...# #...# #...# .###.',
  p: '..... ..... ####. #...# #...# #...# ####. #.... #....',
  q: '..... ..... .#### #...# #...# #...# .#### ....# ....#',
  r: '..... ..... #.##. ##..# #.... #.... #....',
  s: '..... ..... .###. #.... .###. ....# ####.',
  t: '.#... .#... ###.. .#... .#... .#..# ..##.',
  u: '..... ..... #...# #...# #...# #..## .##.#',
  v: '..... ..... #...# #...# #...# .#.#. ..#..',
  w: '..... ..... #...# #...# #.#.# #.#.# .#.#.',
  x: '..... ..... #...# .#.#. ..#.. .#.#. #...#',
  y: '..... ..... #...# #...# #...# #...# .#### ....# .###.',
  z: '..... ..... ##### ...#. ..#.. .#... #####',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  ',': '..... ..... ..... ..... ..... .##.. .##.. ..#.. .#...',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  ';': '..... .##.. .##.. ..... ..... .##.. .##.. ..#.. .#...',
  '-': '..... ..... ..... .###. ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '[': '.###. .#... .#... .#... .#... .#... .###.',
  ']': '.###. ...#. ...#. ...#. ...#. ...#. .###.',
  '/': '..... ....# ...#. ..#.. .#... #.... .....',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  _: '..... ..... ..... ..... ..... ..... #####',
  "'": '..#.. ..#.. .#... ..... ..... ..... .....',
  '"': '.#.#. .#.#. ..... ..... ..... ..... .....',
  '<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
  '>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  '|': '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  '*': '..... ..#.. #.#.# .###. #.#.# ..#.. .....',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  '~': '..... ..... .#... #.#.# ...#. ..... .....',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
  '·': '..... ..... ..... ..#.. ..... ..... .....',
  '→': '..... ..#.. ...#. ##### ...#. ..#.. .....',
  '←': '..... ..#.. .#... ##### .#... ..#.. .....',
  '≈': '..... .#... #.#.# ...#. .#... #.#.# ...#.',
  '≤': '...#. ..#.. .#... ..#.. ...#. ..... #####',
  '≥': '.#... ..#.. ...#. ..#.. .#... ..... #####',
  '²': '.##.. #..#. ..#.. .#... ####. ..... .....',
  '−': '..... ..... ..... ##### ..... ..... .....',
  'ρ': '..... ..... .###. #...# #...# #...# ####. #.... #....',
  'λ': '#.... .#... ..#.. .##.. #..#. #...# #...#',
  'β': '.###. #...# #...# ####. #...# #...# ####. #.... #....',
  'μ': '..... ..... #...# #...# #...# #..## ###.# #.... #....',
  'σ': '..... ..... .#### #..#. #...# #...# .###.',
  'ε': '..... ..... .#### #.... .###. #.... .####',
  'Σ': '##### #.... .#... ..#.. .#... #.... #####',
  'ŷ': '..#.. .#... #...# #...# .#### ....# .###.',
};

const GLYPHS = new Map<string, Uint8Array>(
  Object.entries(GLYPH_ROWS).map(([ch, rows]) => [ch, Uint8Array.from(rows.replaceAll(' ', ''), (c) => (c === '#' ? 1 : 0))]),
);
/** Drawn for characters the font does not have: a hollow box. */
const MISSING = Uint8Array.from('##### #...# #...# #...# #...# #...# #####'.replaceAll(' ', ''), (c) => (c === '#' ? 1 : 0));

/** Width in pixels of `text` drawn at `scale` (6 font pixels a character, less the last gap). */
export function textWidth(text: string, scale = 2): number {
  const n = [...text].length;
  return n === 0 ? 0 : (6 * n - 1) * scale;
}

/** Height in pixels of one line of text at `scale`. */
export function textHeight(scale = 2): number {
  return 7 * scale;
}

// ---------------------------------------------------------------------------------------------
// The canvas.

/** Options of {@link Canvas.text}. */
export interface TextOptions {
  readonly color?: Rgb;
  /** Screen pixels per font pixel. Default 2. */
  readonly scale?: number;
  /** Horizontal anchor. Default `'left'`. */
  readonly align?: 'left' | 'center' | 'right';
  /** Vertical anchor. Default `'top'`. */
  readonly baseline?: 'top' | 'middle' | 'bottom';
  /** Draw twice, one pixel apart (a bold face). Default false. */
  readonly bold?: boolean;
  /** Run the text upwards (for a y-axis label); anchors then refer to the rotated text. Default false. */
  readonly vertical?: boolean;
  /** Draw a halo of this colour first, so the text stays readable over points. */
  readonly halo?: Rgb;
}

/** An RGBA image to draw on, with pixel-exact rectangles and text and antialiased lines and discs. */
export class Canvas {
  readonly png: PNG;
  readonly width: number;
  readonly height: number;

  constructor(width: number, height: number, background: Rgb = WHITE) {
    this.width = Math.round(width);
    this.height = Math.round(height);
    this.png = new PNG({ width: this.width, height: this.height });
    const d = this.png.data;
    for (let i = 0; i < d.length; i += 4) {
      d[i] = background[0];
      d[i + 1] = background[1];
      d[i + 2] = background[2];
      d[i + 3] = 255;
    }
  }

  /** Mixes `color` into pixel (x, y) with opacity `alpha` (0…1); outside the canvas nothing happens. */
  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || !(alpha > 0)) return;
    const o = (y * this.width + x) * 4;
    const d = this.png.data;
    const a = Math.min(1, alpha);
    d[o] = Math.round(d[o]! + (color[0] - d[o]!) * a);
    d[o + 1] = Math.round(d[o + 1]! + (color[1] - d[o + 1]!) * a);
    d[o + 2] = Math.round(d[o + 2]! + (color[2] - d[o + 2]!) * a);
  }

  /** Fills the rectangle with corner (x, y) and size w × h (rounded to whole pixels). */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.blend(px, py, color, alpha);
  }

  /** Outlines the rectangle (x, y, w, h) with a 1-pixel line inside it. */
  strokeRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    this.fillRect(x, y, w, 1, color, alpha);
    this.fillRect(x, y + h - 1, w, 1, color, alpha);
    this.fillRect(x, y + 1, 1, h - 2, color, alpha);
    this.fillRect(x + w - 1, y + 1, 1, h - 2, color, alpha);
  }

  /** An antialiased line segment of the given width between two points (pixel (i, j) covers [i, i+1] × [j, j+1]). */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, width = 1.5, alpha = 1): void {
    const r = width / 2;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    const minX = Math.floor(Math.min(x0, x1) - r - 1);
    const maxX = Math.ceil(Math.max(x0, x1) + r + 1);
    const minY = Math.floor(Math.min(y0, y1) - r - 1);
    const maxY = Math.ceil(Math.max(y0, y1) + r + 1);
    for (let py = Math.max(0, minY); py <= Math.min(this.height - 1, maxY); py++) {
      for (let px = Math.max(0, minX); px <= Math.min(this.width - 1, maxX); px++) {
        const cx = px + 0.5;
        const cy = py + 0.5;
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((cx - x0) * dx + (cy - y0) * dy) / len2));
        const ex = cx - (x0 + t * dx);
        const ey = cy - (y0 + t * dy);
        const coverage = Math.min(1, Math.max(0, r + 0.5 - Math.sqrt(ex * ex + ey * ey)));
        if (coverage > 0) this.blend(px, py, color, alpha * coverage);
      }
    }
  }

  /** A polyline, solid or dashed (`dash` = [on, off] lengths in pixels, continued across the corners). */
  polyline(points: readonly (readonly [number, number])[], color: Rgb, width = 2, dash?: readonly [number, number]): void {
    if (dash === undefined) {
      for (let i = 1; i < points.length; i++) this.line(points[i - 1]![0], points[i - 1]![1], points[i]![0], points[i]![1], color, width);
      return;
    }
    const [on, off] = dash;
    let phase = 0; // distance travelled within the current on+off period
    for (let i = 1; i < points.length; i++) {
      const [ax, ay] = points[i - 1]!;
      const [bx, by] = points[i]!;
      const len = Math.hypot(bx - ax, by - ay);
      let s = 0;
      while (s < len) {
        const inOn = phase < on;
        const step = Math.min(len - s, inOn ? on - phase : on + off - phase);
        if (inOn) {
          const t0 = s / len;
          const t1 = (s + step) / len;
          this.line(ax + (bx - ax) * t0, ay + (by - ay) * t0, ax + (bx - ax) * t1, ay + (by - ay) * t1, color, width);
        }
        s += step;
        phase = (phase + step) % (on + off);
      }
    }
  }

  /**
   * An antialiased filled disc. Edge coverage is rounded to halves: at marker sizes it looks as smooth,
   * and a scatter plot of thousands of translucent discs then compresses to a third less.
   */
  disc(cx: number, cy: number, radius: number, color: Rgb, alpha = 1): void {
    for (let py = Math.floor(cy - radius - 1); py <= Math.ceil(cy + radius + 1); py++) {
      for (let px = Math.floor(cx - radius - 1); px <= Math.ceil(cx + radius + 1); px++) {
        const coverage = Math.round(2 * Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(px + 0.5 - cx, py + 0.5 - cy)))) / 2;
        if (coverage > 0) this.blend(px, py, color, alpha * coverage);
      }
    }
  }

  /** Draws one line of text anchored at (x, y); see {@link TextOptions}. */
  text(text: string, x: number, y: number, options: TextOptions = {}): void {
    const { color = INK, scale = 2, align = 'left', baseline = 'top', bold = false, vertical = false, halo } = options;
    const w = textWidth(text, scale) + (bold ? 1 : 0);
    const h = textHeight(scale);
    // Offsets along the text (u) and across it (v) of the anchor.
    const u0 = align === 'left' ? 0 : align === 'center' ? -w / 2 : -w;
    const v0 = baseline === 'top' ? 0 : baseline === 'middle' ? -h / 2 : -h;
    const put = (u: number, v: number, c: Rgb): void => {
      // Horizontal text: (x + u, y + v). Vertical text runs upwards: u goes up, v goes right.
      const px = vertical ? x + v : x + u;
      const py = vertical ? y - u - 1 : y + v;
      this.blend(Math.round(px), Math.round(py), c);
    };
    const passes: [Rgb, number][] = [];
    if (halo !== undefined) passes.push([halo, 1]);
    passes.push([color, 0]);
    for (const [c, grow] of passes) {
      let u = Math.round(u0);
      for (const ch of text) {
        const glyph = GLYPHS.get(ch) ?? MISSING;
        for (let gy = 0; gy < glyph.length / 5; gy++) {
          for (let gx = 0; gx < 5; gx++) {
            if (glyph[gy * 5 + gx] !== 1) continue;
            for (let sy = -grow * scale; sy < scale + grow * scale; sy++) {
              for (let sx = -grow * scale; sx < scale + grow * scale + (bold ? 1 : 0); sx++) {
                put(u + gx * scale + sx, Math.round(v0) + gy * scale + sy, c);
              }
            }
          }
        }
        u += 6 * scale;
      }
    }
  }

  /** Copies a PNG onto the canvas with its top-left corner at (x, y). */
  paste(png: PNG, x: number, y: number): void {
    for (let py = 0; py < png.height; py++) {
      const ty = y + py;
      if (ty < 0 || ty >= this.height) continue;
      for (let px = 0; px < png.width; px++) {
        const tx = x + px;
        if (tx < 0 || tx >= this.width) continue;
        const s = (py * png.width + px) * 4;
        const o = (ty * this.width + tx) * 4;
        this.png.data[o] = png.data[s]!;
        this.png.data[o + 1] = png.data[s + 1]!;
        this.png.data[o + 2] = png.data[s + 2]!;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Axes.

/** One axis: its range, linear or logarithmic, and optionally its tick values and their format. */
export interface AxisOptions {
  /** Lower end; default: from the data. */
  readonly min?: number;
  /** Upper end; default: from the data. */
  readonly max?: number;
  /** A logarithmic axis of this base (2 or 10). Default: linear. */
  readonly log?: 2 | 10;
  /** Tick values; default: round numbers. */
  readonly ticks?: readonly number[];
  /** Tick label of a value. Default: as few digits as the ticks need. */
  readonly format?: (value: number) => string;
  /** Draw grid lines at the ticks. Default true. */
  readonly grid?: boolean;
}

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly log: 2 | 10 | undefined;
  readonly ticks: number[];
  readonly format: (value: number) => string;
  readonly grid: boolean;
}

/** Round tick values between `lo` and `hi`: steps of 1, 2 or 5 × 10ⁿ, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

function logTicks(lo: number, hi: number, base: 2 | 10): number[] {
  const a = Math.floor(Math.log(lo) / Math.log(base) + 1e-9);
  const b = Math.ceil(Math.log(hi) / Math.log(base) - 1e-9);
  const within = (mantissas: readonly number[]): number[] => {
    const ticks: number[] = [];
    for (let e = a; e <= b; e++) {
      for (const m of mantissas) {
        const v = m * base ** e;
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
      }
    }
    return ticks;
  };
  // The coarsest set of round values that gives at least 3 ticks.
  const sets = base === 2 ? [[1], [1, 1.5]] : [[1], [1, 3], [1, 2, 5], [1, 2, 3, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
  let ticks: number[] = [];
  for (const set of sets) {
    ticks = within(set);
    if (ticks.length >= 3) break;
  }
  return ticks;
}

/** A short label for a number: up to 4 significant digits, no trailing zeros, exponent form when tiny or huge. */
export function formatNumber(value: number, digits = 4): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = value.toExponential(Math.max(0, digits - 2)).split('e');
    return `${String(Number(m))}e${Number(e)}`;
  }
  return String(Number(value.toPrecision(digits)));
}

function resolveAxis(options: AxisOptions, values: readonly number[], padFraction: number, includeZero: boolean): Axis {
  const finite = values.filter((v) => Number.isFinite(v) && (options.log === undefined || v > 0));
  let lo = options.min ?? (finite.length ? Math.min(...finite) : 0);
  let hi = options.max ?? (finite.length ? Math.max(...finite) : 1);
  if (includeZero && options.min === undefined && options.log === undefined && lo > 0) lo = 0;
  if (!(hi > lo)) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const log = options.log;
  if (log === undefined) {
    const pad = (hi - lo) * padFraction;
    if (options.min === undefined && !(includeZero && lo === 0)) lo -= pad;
    if (options.max === undefined) hi += pad;
  } else {
    const f = (hi / lo) ** padFraction;
    if (options.min === undefined) lo /= f;
    if (options.max === undefined) hi *= f;
  }
  const ticks = [...(options.ticks ?? (log === undefined ? niceTicks(lo, hi) : logTicks(lo, hi, log)))].filter((t) => t >= lo - 1e-12 && t <= hi + 1e-12);
  return { min: lo, max: hi, log, ticks, format: options.format ?? ((v) => formatNumber(v)), grid: options.grid ?? true };
}

function axisPosition(axis: Axis, value: number): number {
  if (axis.log === undefined) return (value - axis.min) / (axis.max - axis.min);
  return Math.log(value / axis.min) / Math.log(axis.max / axis.min);
}

/** A plot area on a canvas and the maps from data to screen coordinates. */
export interface Frame {
  readonly canvas: Canvas;
  /** The plot area (inside the axes). */
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Data x → screen x. */
  readonly sx: (x: number) => number;
  /** Data y → screen y. */
  readonly sy: (y: number) => number;
}

/** Common options of the charts. */
export interface ChartOptions {
  /** Width and height of the picture in pixels. Default 720 × 450. */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly x?: AxisOptions;
  readonly y?: AxisOptions;
}

/** One legend line: a name and how its mark is drawn. */
interface LegendEntry {
  readonly name: string;
  readonly color: Rgb;
  readonly mark: 'line' | 'dashed' | 'disc' | 'box';
}

const TICK_SCALE = 2;
const LABEL_SCALE = 2;

/**
 * Draws the title, axes, ticks, grid and axis labels of a chart and returns its frame. `rightMargin`
 * reserves room right of the plot (for a legend outside it).
 */
function drawFrame(options: ChartOptions, x: Axis, y: Axis, rightMargin = 0): Frame {
  const width = options.width ?? 720;
  const height = options.height ?? 450;
  const canvas = new Canvas(width, height);
  const th = textHeight(TICK_SCALE);
  const yTickWidth = Math.max(0, ...y.ticks.map((t) => textWidth(y.format(t), TICK_SCALE)));
  const left = 14 + (options.yLabel ? textHeight(LABEL_SCALE) + 12 : 0) + yTickWidth + 8;
  const top = options.title ? 16 + textHeight(3) + 14 : 20;
  const bottom = 10 + th + 10 + (options.xLabel ? textHeight(LABEL_SCALE) + 12 : 0);
  const right = 24 + rightMargin;
  const w = width - left - right;
  const h = height - top - bottom;
  const sx = (v: number): number => left + axisPosition(x, v) * w;
  const sy = (v: number): number => top + h - axisPosition(y, v) * h;
  if (options.title) {
    const scale = textWidth(options.title, 3) <= width - 20 ? 3 : 2;
    canvas.text(options.title, Math.min(Math.max(left + w / 2, 10 + textWidth(options.title, scale) / 2), width - 10 - textWidth(options.title, scale) / 2), 16, { scale, align: 'center' });
  }
  for (const t of x.ticks) {
    const px = Math.round(sx(t));
    if (x.grid) canvas.fillRect(px, top, 1, h, GRID);
    canvas.fillRect(px, top + h, 1, 6, INK);
    canvas.text(x.format(t), px, top + h + 10, { scale: TICK_SCALE, align: 'center' });
  }
  let lastLabel = Infinity; // screen y of the last y tick label drawn: labels that would touch it are left out
  for (const t of y.ticks) {
    const py = Math.round(sy(t));
    if (y.grid) canvas.fillRect(left, py, w, 1, GRID);
    canvas.fillRect(left - 6, py, 6, 1, INK);
    if (lastLabel - py < th + 4) continue;
    canvas.text(y.format(t), left - 10, py, { scale: TICK_SCALE, align: 'right', baseline: 'middle' });
    lastLabel = py;
  }
  canvas.fillRect(left, top, 1, h + 1, INK);
  canvas.fillRect(left, top + h, w + 1, 1, INK);
  if (options.xLabel) canvas.text(options.xLabel, left + w / 2, height - 10, { scale: LABEL_SCALE, align: 'center', baseline: 'bottom' });
  if (options.yLabel) canvas.text(options.yLabel, 12, top + h / 2, { scale: LABEL_SCALE, align: 'center', vertical: true });
  return { canvas, left, top, width: w, height: h, sx, sy };
}

/** Where a legend goes: inside a corner of the plot, or outside to its right. */
export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'outside' | 'none';

function legendSize(entries: readonly LegendEntry[]): { w: number; h: number } {
  const w = 16 + 28 + 8 + Math.max(0, ...entries.map((e) => textWidth(e.name, 2)));
  return { w, h: 12 + entries.length * 22 };
}

function drawLegend(frame: Frame, entries: readonly LegendEntry[], position: LegendPosition): void {
  if (position === 'none' || entries.length === 0) return;
  const { canvas } = frame;
  const { w, h } = legendSize(entries);
  const x =
    position === 'outside' ? frame.left + frame.width + 16 : position.endsWith('right') ? frame.left + frame.width - w - 10 : frame.left + 10;
  const y = position === 'outside' || position.startsWith('top') ? frame.top + 10 : frame.top + frame.height - h - 10;
  canvas.fillRect(x, y, w, h, WHITE, 0.88);
  canvas.strokeRect(x, y, w, h, [200, 200, 200]);
  entries.forEach((e, i) => {
    const cy = y + 17 + i * 22;
    const mx = x + 10;
    if (e.mark === 'disc') canvas.disc(mx + 14, cy, 5, e.color);
    else if (e.mark === 'box') canvas.fillRect(mx + 4, cy - 7, 20, 14, e.color, 0.75);
    else canvas.polyline([[mx, cy], [mx + 28, cy]], e.color, 3, e.mark === 'dashed' ? [6, 4] : undefined);
    canvas.text(e.name, mx + 36, cy, { scale: 2, baseline: 'middle' });
  });
}

// ---------------------------------------------------------------------------------------------
// Charts.

/** One curve of a {@link lineChart}. */
export interface LineSeries {
  readonly name: string;
  /** (x, y) pairs, drawn in order. */
  readonly points: readonly (readonly [number, number])[];
  /** Default: the next colour of {@link PALETTE}. */
  readonly color?: Rgb;
  /** Dashed instead of solid. Default false. */
  readonly dashed?: boolean;
  /** Mark each point with a disc. Default true when there are at most 30 points. */
  readonly markers?: boolean;
  /** Line width in pixels. Default 2.5. */
  readonly width?: number;
}

/** A horizontal reference line across the plot, with a label at its right end. */
export interface ReferenceLine {
  readonly y: number;
  readonly label?: string;
  readonly color?: Rgb;
  /** Which end of the line the label sits at. Default `'right'`. */
  readonly labelAt?: 'left' | 'right';
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartOptions {
  readonly series: readonly LineSeries[];
  readonly legend?: LegendPosition;
  readonly references?: readonly ReferenceLine[];
}

/**
 * A line chart: curves over shared axes (linear or logarithmic), with ticks, grid, axis labels,
 * a legend and optional horizontal reference lines.
 */
export function lineChart(options: LineChartOptions): PNG {
  const { series, legend = 'top-right', references = [] } = options;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...series.flatMap((s) => s.points.map((p) => p[1])), ...references.map((r) => r.y)];
  const x = resolveAxis(options.x ?? {}, xs, 0.03, false);
  const y = resolveAxis(options.y ?? {}, ys, 0.06, false);
  const entries: LegendEntry[] = series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length]!, mark: s.dashed ? 'dashed' : 'line' }));
  const frame = drawFrame(options, x, y, legend === 'outside' ? legendSize(entries).w + 16 : 0);
  const { canvas } = frame;
  for (const r of references) {
    const py = frame.sy(r.y);
    const color = r.color ?? INK;
    canvas.polyline([[frame.left, py], [frame.left + frame.width, py]], color, 1.5, [8, 5]);
    const atLeft = r.labelAt === 'left';
    if (r.label) canvas.text(r.label, atLeft ? frame.left + 8 : frame.left + frame.width - 6, py - 6, { align: atLeft ? 'left' : 'right', baseline: 'bottom', color, halo: WHITE });
  }
  series.forEach((s, i) => {
    const color = entries[i]!.color;
    const pts = s.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py)).map(([px, py]) => [frame.sx(px), frame.sy(py)] as const);
    canvas.polyline(pts, color, s.width ?? 2.5, s.dashed ? [9, 6] : undefined);
    if (s.markers ?? s.points.length <= 30) for (const [px, py] of pts) canvas.disc(px, py, 4.5, color);
  });
  drawLegend(frame, entries, legend);
  return canvas.png;
}

/** Options of {@link scatterPlot}. */
export interface ScatterOptions extends ChartOptions {
  readonly x: AxisOptions & { readonly values: ArrayLike<number> };
  readonly y: AxisOptions & { readonly values: ArrayLike<number> };
  /** Class index of each point (0…classes−1), for its colour. */
  readonly classes: ArrayLike<number>;
  /** Legend names of the classes; default their indices. */
  readonly classNames?: readonly string[];
  /** Colours of the classes. Default {@link DIGIT_COLORS}. */
  readonly colors?: readonly Rgb[];
  /** Disc radius in pixels. Default 2.5. */
  readonly radius?: number;
  /** Disc opacity. Default 0.6. */
  readonly alpha?: number;
  /** Write each class name, large, at the median of its points. Default true. */
  readonly labelClasses?: boolean;
  readonly legend?: LegendPosition;
}

/**
 * A scatter plot coloured by class: the points are drawn in a fixed pseudo-random order (so that
 * no class hides the others), each class's name is written at the median of its points, and a
 * legend names the colours.
 */
export function scatterPlot(options: ScatterOptions): PNG {
  const { classes, colors = DIGIT_COLORS, radius = 2.5, alpha = 0.6, labelClasses = true, legend = 'outside' } = options;
  const n = Math.min(options.x.values.length, options.y.values.length, classes.length);
  const xv = Array.from({ length: n }, (_, i) => options.x.values[i]!);
  const yv = Array.from({ length: n }, (_, i) => options.y.values[i]!);
  const x = resolveAxis(options.x, xv, 0.04, false);
  const y = resolveAxis(options.y, yv, 0.04, false);
  const nClasses = Math.max(0, ...Array.from({ length: n }, (_, i) => classes[i]! + 1));
  const names = options.classNames ?? Array.from({ length: nClasses }, (_, c) => String(c));
  const entries: LegendEntry[] = names.map((name, c) => ({ name, color: colors[c % colors.length]!, mark: 'disc' }));
  const frame = drawFrame(options, x, y, legend === 'outside' ? legendSize(entries).w + 16 : 0);
  const { canvas } = frame;
  const inside = (px: number, py: number): boolean => px >= frame.left && px <= frame.left + frame.width && py >= frame.top && py <= frame.top + frame.height;
  // A fixed shuffle (multiplicative hash order) so that later classes do not cover earlier ones.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 2654435761) % 4294967296) - ((b * 2654435761) % 4294967296));
  for (const i of order) {
    const px = frame.sx(xv[i]!);
    const py = frame.sy(yv[i]!);
    if (inside(px, py)) canvas.disc(px, py, radius, colors[classes[i]! % colors.length]!, alpha);
  }
  if (labelClasses) {
    for (let c = 0; c < nClasses; c++) {
      const members = order.filter((i) => classes[i] === c);
      if (members.length === 0) continue;
      const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
      const px = frame.sx(median(members.map((i) => xv[i]!)));
      const py = frame.sy(median(members.map((i) => yv[i]!)));
      if (inside(px, py)) canvas.text(names[c] ?? String(c), px, py, { scale: 3, align: 'center', baseline: 'middle', color: colors[c % colors.length]!, halo: WHITE, bold: true });
    }
  }
  drawLegend(frame, entries, legend);
  return canvas.png;
}

/** One distribution of a {@link histogram}. */
export interface HistogramSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly color?: Rgb;
}

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartOptions {
  readonly series: readonly HistogramSeries[];
  /** Number of bins over the x range. Default 40. */
  readonly bins?: number;
  /** Show each series as a fraction of its values (so series of different sizes compare). Default true. */
  readonly normalize?: boolean;
  readonly legend?: LegendPosition;
}

/**
 * Histograms of one or more series over shared bins: translucent bars with a solid outline, so that
 * overlapping distributions stay visible. Values outside the x range are counted in the end bins.
 * With a logarithmic y axis, empty bins are left out.
 */
export function histogram(options: HistogramOptions): PNG {
  const { series, bins = 40, normalize = true, legend = 'top-right' } = options;
  let lo = options.x?.min ?? Infinity;
  let hi = options.x?.max ?? -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (options.x?.min === undefined && v < lo) lo = v;
      if (options.x?.max === undefined && v > hi) hi = v;
    }
  }
  if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo - 0.5, lo + 0.5] : [0, 1];
  const counts = series.map((s) => {
    const c = new Float64Array(bins);
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      c[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]! += 1;
    }
    if (normalize) for (let b = 0; b < bins; b++) c[b]! /= Math.max(1, s.values.length);
    return c;
  });
  const logY = options.y?.log !== undefined;
  const heights = counts.flatMap((c) => Array.from(c)).filter((v) => !logY || v > 0);
  const x = resolveAxis({ ...options.x, min: lo, max: hi }, [lo, hi], 0, false);
  const y = resolveAxis(options.y ?? {}, heights, 0.05, !logY);
  const entries: LegendEntry[] = series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length]!, mark: 'box' }));
  const frame = drawFrame(options, x, y, legend === 'outside' ? legendSize(entries).w + 16 : 0);
  const { canvas } = frame;
  const base = frame.top + frame.height;
  counts.forEach((c, i) => {
    const color = entries[i]!.color;
    const outline: [number, number][] = [];
    for (let b = 0; b < bins; b++) {
      const x0 = frame.sx(lo + ((hi - lo) * b) / bins);
      const x1 = frame.sx(lo + ((hi - lo) * (b + 1)) / bins);
      const v = c[b]!;
      const top = logY && v <= 0 ? base : Math.max(frame.top, Math.min(base, frame.sy(v)));
      canvas.fillRect(x0, top, x1 - x0, base - top, color, 0.35);
      outline.push([x0, top], [x1, top]);
    }
    canvas.polyline([[outline[0]![0], base], ...outline, [outline[outline.length - 1]![0], base]], color, 2);
  });
  canvas.fillRect(frame.left, base, frame.width + 1, 1, INK);
  drawLegend(frame, entries, legend);
  return canvas.png;
}

// ---------------------------------------------------------------------------------------------
// Images.

/** A colour map from a value in [0, 1] (grey) or [−1, 1] (diverging) to a colour. */
export type ColorMap = 'grey' | 'diverging';

const DIVERGING: readonly Rgb[] = [
  [33, 102, 172],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [178, 24, 43],
];

/** The colour of `v`: grey maps [0, 1] black → white; diverging maps [−1, 1] blue → white → red. */
export function colorOf(v: number, map: ColorMap): Rgb {
  if (map === 'grey') {
    const g = Math.round(255 * Math.min(1, Math.max(0, v)));
    return [g, g, g];
  }
  const t = (Math.min(1, Math.max(-1, v)) + 1) * 2; // 0…4 over the stops
  const i = Math.min(3, Math.floor(t));
  const f = t - i;
  const a = DIVERGING[i]!;
  const b = DIVERGING[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** One row of an {@link imagePanel}: a label on the left and its images. */
export interface PanelRow {
  readonly label?: string;
  readonly images: readonly ArrayLike<number>[];
  /** A short caption under each image. */
  readonly captions?: readonly string[];
}

/** Options of {@link imagePanel}. */
export interface ImagePanelOptions {
  readonly rows: readonly PanelRow[];
  /** Image side in pixels (square images, row-major). Default 28. */
  readonly side?: number;
  /** Screen pixels per image pixel. Default 3. */
  readonly scale?: number;
  /** Gap between images in screen pixels. Default 2. */
  readonly gap?: number;
  /** Extra gap between rows. Default 0. */
  readonly rowGap?: number;
  readonly title?: string;
  /** A short note under the title. */
  readonly subtitle?: string;
  /** Labels above the columns. */
  readonly columnLabels?: readonly string[];
  /** Default `'grey'`. */
  readonly colormap?: ColorMap;
  /**
   * `'none'`: values are used as they are ([0, 1] grey, [−1, 1] diverging). `'each'`: every image
   * is stretched to its own range (grey: min → black, max → white; diverging: ±max |v|). Default `'none'`.
   */
  readonly normalize?: 'none' | 'each';
}

/**
 * A grid of small images with an optional title, row labels on the left and column labels on top:
 * the way the examples show originals, reconstructions, samples and learned features.
 */
export function imagePanel(options: ImagePanelOptions): PNG {
  const { rows, side = 28, scale = 3, gap = 2, rowGap = 0, colormap = 'grey', normalize = 'none' } = options;
  const cell = side * scale;
  const columns = Math.max(1, ...rows.map((r) => r.images.length));
  const labelWidth = rows.some((r) => r.label) ? Math.max(...rows.map((r) => textWidth(r.label ?? '', 2))) + 16 : 0;
  const titleHeight = (options.title ? textHeight(3) + 18 : 0) + (options.subtitle ? textHeight(2) + 10 : 0);
  const headHeight = options.columnLabels ? textHeight(2) + 10 : 0;
  const captionHeight = (r: PanelRow): number => (r.captions ? textHeight(2) + 8 : 0);
  const gridWidth = labelWidth + columns * cell + (columns - 1) * gap;
  const textWidest = Math.max(options.title ? textWidth(options.title, 3) : 0, options.subtitle ? textWidth(options.subtitle, 2) : 0);
  const width = 20 + Math.max(gridWidth, textWidest);
  const height = 10 + titleHeight + headHeight + rows.reduce((h, r) => h + cell + captionHeight(r), 0) + (rows.length - 1) * (gap + rowGap) + 10;
  const canvas = new Canvas(width, Math.max(height, 1));
  const gridLeft = 10 + labelWidth + Math.floor((width - 20 - gridWidth) / 2);
  const gridTop = 10 + titleHeight + headHeight;
  if (options.title) canvas.text(options.title, width / 2, 12, { scale: 3, align: 'center' });
  if (options.subtitle) canvas.text(options.subtitle, width / 2, 12 + (options.title ? textHeight(3) + 10 : 0), { scale: 2, align: 'center', color: [110, 110, 110] });
  options.columnLabels?.forEach((label, c) => {
    canvas.text(label, gridLeft + c * (cell + gap) + cell / 2, gridTop - 8, { align: 'center', baseline: 'bottom' });
  });
  let y0 = gridTop;
  rows.forEach((row) => {
    if (row.label) canvas.text(row.label, gridLeft - 12, y0 + cell / 2, { align: 'right', baseline: 'middle' });
    row.images.forEach((image, c) => {
      const x0 = gridLeft + c * (cell + gap);
      let lo = colormap === 'grey' ? 0 : -1;
      let hi = 1;
      if (normalize === 'each') {
        let mn = Infinity;
        let mx = -Infinity;
        for (let i = 0; i < side * side; i++) {
          mn = Math.min(mn, image[i] ?? 0);
          mx = Math.max(mx, image[i] ?? 0);
        }
        if (colormap === 'grey') [lo, hi] = mx > mn ? [mn, mx] : [mn - 1, mn + 1];
        else {
          const m = Math.max(Math.abs(mn), Math.abs(mx)) || 1;
          [lo, hi] = [-m, m];
        }
      }
      for (let py = 0; py < side; py++) {
        for (let px = 0; px < side; px++) {
          const v = image[py * side + px] ?? 0;
          const t = colormap === 'grey' ? (v - lo) / (hi - lo) : (2 * (v - lo)) / (hi - lo) - 1;
          canvas.fillRect(x0 + px * scale, y0 + py * scale, scale, scale, colorOf(t, colormap));
        }
      }
      const caption = row.captions?.[c];
      if (caption) canvas.text(caption, x0 + cell / 2, y0 + cell + 5, { align: 'center' });
    });
    y0 += cell + captionHeight(row) + gap + rowGap;
  });
  return canvas.png;
}

/** Options of {@link tile}. */
export interface TileOptions {
  /** Pictures per row. Default: all in one row. */
  readonly columns?: number;
  /** Space between pictures. Default 0. */
  readonly gap?: number;
  readonly title?: string;
}

/** Puts pictures side by side (and in rows of `columns`), on white, under an optional title. */
export function tile(pictures: readonly PNG[], options: TileOptions = {}): PNG {
  const { columns = pictures.length, gap = 0 } = options;
  const rows: PNG[][] = [];
  for (let i = 0; i < pictures.length; i += columns) rows.push(pictures.slice(i, i + columns));
  const rowHeights = rows.map((r) => Math.max(...r.map((p) => p.height)));
  const colWidths = Array.from({ length: columns }, (_, c) => Math.max(0, ...rows.map((r) => r[c]?.width ?? 0)));
  const titleHeight = options.title ? textHeight(3) + 24 : 0;
  const contentWidth = colWidths.reduce((s, w) => s + w, 0) + gap * (columns - 1);
  const width = Math.max(contentWidth, options.title ? textWidth(options.title, 3) + 20 : 0);
  const height = titleHeight + rowHeights.reduce((s, h) => s + h, 0) + gap * (rows.length - 1);
  const canvas = new Canvas(width, height);
  if (options.title) canvas.text(options.title, width / 2, 14, { scale: 3, align: 'center' });
  let y = titleHeight;
  rows.forEach((row, r) => {
    let x = Math.floor((width - contentWidth) / 2);
    row.forEach((p, c) => {
      canvas.paste(p, x, y);
      x += colWidths[c]! + gap;
    });
    y += rowHeights[r]! + gap;
  });
  return canvas.png;
}
