// The jet example's reader of the Top Quark Tagging Reference Dataset's own files (Kasieczka,
// Plehn, Thompson, Russell; Zenodo record 2603256; arXiv:1902.09914): train.h5, val.h5, test.h5,
// each a pandas DataFrame under the key 'table', one row per jet, with the columns
// E_0, PX_0, PY_0, PZ_0, …, E_199, …, PZ_199, truthE, truthPX, truthPY, truthPZ, ttv and
// is_signal_new. (The data set is read with `pd.read_hdf(path, key='table')` or
// `pd.HDFStore(path).select('table', columns=['is_signal_new'])` by the public code that uses it;
// `select` with `columns` works only on pandas' 'table' layout, so that is the layout of the files.)
//
// Both of pandas' HDF5 layouts are read, with h5wasm (the HDF5 C library compiled to WebAssembly,
// reading the file from disk through Emscripten's NODEFS, a chunk of rows at a time — the files are
// gigabytes, and no more than one chunk is ever in memory):
// - 'table' (`df.to_hdf(path, key='table', format='table')`, the data set's): one compound dataset
//   `/table/table` with a field `index` and fields `values_block_0`, `values_block_1`, … (one per
//   dtype, each an array of columns); the names of a block's columns are in its attribute
//   `values_block_<i>_kind`, a Python list pickled with protocol 0 (what PyTables writes). Columns
//   stored as data columns have fields of their own name.
// - 'fixed' (`format='fixed'`): datasets `/table/block<i>_items` (the names of a block's columns)
//   and `/table/block<i>_values` (rows × columns of that block).
// Columns are found by name, never by position. Each chunk's rows become the 800 values E, px, py,
// pz of the 200 constituents per jet, which `topTaggingImages` (data.ts) turns into 40 × 40 images.
import h5wasm from 'h5wasm/node';
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONSTITUENTS, FOUR, jetMassOfRow, topTaggingImages } from './data.js';

/** Name of the group that pandas writes the DataFrame into, the key of `to_hdf`/`read_hdf`. */
export const TOP_TAGGING_KEY = 'table';
/** The label column: 1 for a top jet, 0 for a QCD jet. */
export const LABEL_COLUMN = 'is_signal_new';
/** The 800 constituent columns, in the order the images are made from. */
export const CONSTITUENT_COLUMNS: readonly string[] = Array.from({ length: CONSTITUENTS * FOUR }, (_, i) => `${['E', 'PX', 'PY', 'PZ'][i % FOUR]!}_${Math.floor(i / FOUR)}`);

/** One chunk of rows: the constituents (`n · 800` values) and the labels of `n` jets from row `start`. */
export interface TopTaggingRows {
  start: number;
  n: number;
  constituents: Float64Array;
  labels: Uint8Array;
}

/** An open file of the data set (see {@link openTopTagging}). */
export interface TopTaggingFile {
  /** pandas' layout of the file. */
  layout: 'table' | 'fixed';
  /** Number of rows (jets). */
  rows: number;
  /** Every column name, in the file's order. */
  columns: string[];
  /** Rows `[start, stop)`, read from disk. */
  read(start: number, stop: number): TopTaggingRows;
  close(): void;
}

/** Where one column lives: a block (field or dataset) and the position in it. */
interface Place {
  block: number;
  at: number;
}

const fail = (path: string, what: string): never => {
  throw new Error(`openTopTagging: argument 'path' (${path}) must be ${what}`);
};

/**
 * The column names of a pickled Python list of strings, as PyTables stores them in a 'table'
 * layout's `values_block_<i>_kind` attribute: protocol 0, `(lp0\nVE_0\np1\naVPX_0\np2\na…a.`.
 * Only that form is accepted.
 */
export function unpickleNames(text: string): string[] {
  if (!text.startsWith('(lp') || !text.endsWith('.')) throw new Error(`unpickleNames: argument 'text' must be a Python list pickled with protocol 0 ('(lp…'), got '${text.slice(0, 20)}'`);
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const item = line.startsWith('a') ? line.slice(1) : line;
    if (item.startsWith('V')) names.push(item.slice(1).replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
    else if (item.startsWith('S')) names.push(item.slice(2, -1)); // a Python 2 str: S'name'
  }
  return names;
}

function attributeText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}

/**
 * Opens a file of the Top Quark Tagging Reference Dataset (or any pandas HDF5 file with its
 * columns) for reading rows in chunks. Refuses, with an Error that says what was found: a missing
 * file, a file that is not HDF5, a file without the group `key`, a group in neither of pandas'
 * layouts, and a table without one of the 800 constituent columns or `is_signal_new`.
 */
export async function openTopTagging(path: string, key = TOP_TAGGING_KEY): Promise<TopTaggingFile> {
  const full = resolve(path);
  if (!existsSync(full)) fail(path, 'an existing file');
  // HDF5 files start with the signature \x89HDF\r\n\x1a\n (at offset 0, or 512, 1024, … after a user block).
  const head = Buffer.alloc(8);
  const fd = openSync(full, 'r');
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  let isHdf5 = false;
  for (let at = 0; at <= 4096 && !isHdf5; at = at === 0 ? 512 : 2 * at) {
    if (readSync(fd, head, 0, 8, at) === 8) isHdf5 = signature.every((b, i) => head[i] === b);
  }
  closeSync(fd);
  if (!isHdf5) fail(path, 'an HDF5 file (no HDF5 signature found)');
  await h5wasm.ready;
  const file = new h5wasm.File(full, 'r');
  try {
    const group = file.get(key);
    if (!(group instanceof h5wasm.Group)) fail(path, `a pandas HDF5 file with the key '${key}' (found the keys ${JSON.stringify(file.keys())})`);
    const g = group as InstanceType<typeof h5wasm.Group>;
    const members = g.keys();
    const opened = members.includes('table') ? tableLayout(file, key, path) : members.includes('block0_items') ? fixedLayout(file, key, path) : fail(path, `a pandas DataFrame in the 'table' or 'fixed' layout (the group '${key}' holds ${JSON.stringify(members)})`);
    return opened;
  } catch (e) {
    file.close();
    throw e;
  }
}

/** The places of the constituent columns and the label, or an Error naming what is missing. */
function locate(places: Map<string, Place>, path: string): { four: Place[]; label: Place } {
  const missing = [...CONSTITUENT_COLUMNS, LABEL_COLUMN].filter((c) => !places.has(c));
  if (missing.length > 0) fail(path, `a table with the columns E_i, PX_i, PY_i, PZ_i (i < 200) and ${LABEL_COLUMN}; missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  return { four: CONSTITUENT_COLUMNS.map((c) => places.get(c)!), label: places.get(LABEL_COLUMN)! };
}

/** Row bounds checked against the file's rows. */
function checkRange(start: number, stop: number, rows: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop < start || stop > rows) {
    throw new Error(`TopTaggingFile.read: arguments 'start', 'stop' must be integers with 0 <= start <= stop <= ${rows}, got ${start}, ${stop}`);
  }
}

function label(v: number, row: number): number {
  if (v !== 0 && v !== 1) throw new Error(`TopTaggingFile.read: column '${LABEL_COLUMN}' must hold 0 or 1, got ${v} in row ${row}`);
  return v;
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

function tableLayout(file: H5File, key: string, path: string): TopTaggingFile {
  const table = file.get(`${key}/table`) as H5Dataset;
  const fields = (table.metadata.compound_type?.members ?? []).map((m) => m.name);
  const places = new Map<string, Place>();
  const columns: string[] = [];
  fields.forEach((field, block) => {
    if (field === 'index') return;
    if (/^values_block_\d+$/.test(field)) {
      const text = attributeText(table.attrs[`${field}_kind`]?.value);
      if (text === undefined) fail(path, `a pandas 'table' layout with the attribute ${field}_kind`);
      unpickleNames(text!).forEach((name, at) => {
        places.set(name, { block, at });
        columns.push(name);
      });
    } else {
      places.set(field, { block, at: -1 }); // a data column: a field of its own
      columns.push(field);
    }
  });
  const { four, label: lab } = locate(places, path);
  const rows = table.shape?.[0] ?? 0;
  return layoutFile(file, 'table', rows, columns, four, lab, (start, stop) => {
    const records = table.slice([[start, stop]]) as unknown as unknown[][];
    return (i, p) => Number(p.at < 0 ? records[i]![p.block] : (records[i]![p.block] as ArrayLike<unknown>)[p.at]);
  });
}

function fixedLayout(file: H5File, key: string, path: string): TopTaggingFile {
  const places = new Map<string, Place>();
  const columns: string[] = [];
  const blocks: H5Dataset[] = [];
  for (let block = 0; file.get(`${key}/block${block}_items`) !== null; block++) {
    const items = (file.get(`${key}/block${block}_items`) as H5Dataset).value as unknown as string[];
    const values = file.get(`${key}/block${block}_values`);
    if (!(values instanceof h5wasm.Dataset)) fail(path, `a pandas 'fixed' layout with block${block}_values next to block${block}_items`);
    blocks.push(values as H5Dataset);
    Array.from(items).forEach((name, at) => {
      places.set(String(name), { block, at });
      columns.push(String(name));
    });
  }
  const { four, label: lab } = locate(places, path);
  const rows = blocks[0]!.shape?.[0] ?? 0;
  return layoutFile(file, 'fixed', rows, columns, four, lab, (start, stop) => {
    const needed = new Set([...four.map((p) => p.block), lab.block]);
    const data = new Map<number, { values: ArrayLike<number | bigint>; width: number }>();
    for (const b of needed) data.set(b, { values: blocks[b]!.slice([[start, stop], []]) as unknown as ArrayLike<number | bigint>, width: blocks[b]!.shape![1]! });
    return (i, p) => {
      const d = data.get(p.block)!;
      return Number(d.values[i * d.width + p.at]);
    };
  });
}

/**
 * A {@link TopTaggingFile} of either layout: `cells(start, stop)` reads rows [start, stop) of the
 * file and gives the value of a column's place in row `i` of them (0 = `start`).
 */
function layoutFile(
  file: H5File,
  layout: TopTaggingFile['layout'],
  rows: number,
  columns: string[],
  four: readonly Place[],
  lab: Place,
  cells: (start: number, stop: number) => (i: number, p: Place) => number,
): TopTaggingFile {
  return {
    layout,
    rows,
    columns,
    read(start, stop) {
      checkRange(start, stop, rows);
      const n = stop - start;
      const constituents = new Float64Array(n * FOUR * CONSTITUENTS);
      const labels = new Uint8Array(n);
      if (n === 0) return { start, n, constituents, labels };
      const value = cells(start, stop);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < four.length; c++) constituents[i * four.length + c] = value(i, four[c]!);
        labels[i] = label(value(i, lab), start + i);
      }
      return { start, n, constituents, labels };
    },
    close: () => void file.close(),
  };
}

/** What {@link readTopTaggingJets} returns: images, jet masses and labels of the jets it kept, in file order. */
export interface TopTaggingJets {
  images: Float32Array;
  masses: Float32Array;
  labels: Uint8Array;
  /** The row after the last one it looked at: the last jet it kept, or the end of the file (where to start for more jets). */
  stop: number;
}

/** Options of {@link readTopTaggingJets}. */
export interface ReadTopTaggingOptions {
  /** Jets to keep of each class: `qcd` (label 0) and `top` (label 1). */
  want: { qcd: number; top: number };
  /** First row to read. Default 0. */
  start?: number;
  /** Rows per chunk read from disk. Default 2000. */
  chunkRows?: number;
  /** The group of the DataFrame. Default 'table'. */
  key?: string;
}

/**
 * Streams a file of the data set chunk by chunk from row `start`, turns the rows into 40 × 40
 * images (`topTaggingImages`) and their jet masses, and keeps the first `want.qcd` QCD jets and
 * `want.top` top jets; stops reading as soon as it has them (or at the end of the file).
 */
export async function readTopTaggingJets(path: string, options: ReadTopTaggingOptions): Promise<TopTaggingJets> {
  const { want, start = 0, chunkRows = 2000, key = TOP_TAGGING_KEY } = options;
  for (const [name, v] of [['want.qcd', want.qcd], ['want.top', want.top], ['start', start]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`readTopTaggingJets: argument 'options.${name}' must be an integer >= 0, got ${v}`);
  }
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new Error(`readTopTaggingJets: argument 'options.chunkRows' must be an integer >= 1, got ${chunkRows}`);
  const file = await openTopTagging(path, key);
  const pixels = 40 * 40;
  const images = new Float32Array((want.qcd + want.top) * pixels);
  const masses = new Float32Array(want.qcd + want.top);
  const labels = new Uint8Array(want.qcd + want.top);
  const have = [0, 0];
  let kept = 0;
  let row = Math.min(start, file.rows);
  let stop = row;
  try {
    while (row < file.rows && (have[0]! < want.qcd || have[1]! < want.top)) {
      const chunk = file.read(row, Math.min(row + chunkRows, file.rows));
      row += chunk.n;
      const take: number[] = [];
      for (let i = 0; i < chunk.n && (have[0]! < want.qcd || have[1]! < want.top); i++) {
        const l = chunk.labels[i]!;
        if (have[l]! < (l === 0 ? want.qcd : want.top)) {
          have[l]!++;
          take.push(i);
        }
        stop = chunk.start + i + 1;
      }
      const width = FOUR * CONSTITUENTS;
      const picked = new Float64Array(take.length * width);
      take.forEach((i, j) => picked.set(chunk.constituents.subarray(i * width, (i + 1) * width), j * width));
      images.set(topTaggingImages(picked, take.length), kept * pixels);
      take.forEach((i, j) => {
        masses[kept + j] = jetMassOfRow(picked, j * width);
        labels[kept + j] = chunk.labels[i]!;
      });
      kept += take.length;
    }
  } finally {
    file.close();
  }
  return { images: images.slice(0, kept * pixels), masses: masses.slice(0, kept), labels: labels.slice(0, kept), stop };
}

/** The jets of one class from {@link readTopTaggingJets}' result, as `makeJets` gives them. */
export function jetsOfClass(jets: TopTaggingJets, label: 0 | 1): { images: Float32Array; masses: Float32Array } {
  const rows = [...jets.labels.keys()].filter((i) => jets.labels[i] === label);
  const images = new Float32Array(rows.length * 1600);
  rows.forEach((r, j) => images.set(jets.images.subarray(r * 1600, (r + 1) * 1600), j * 1600));
  return { images, masses: Float32Array.from(rows, (r) => jets.masses[r]!) };
}
