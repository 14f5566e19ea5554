// The jet example's reader of the Top Quark Tagging Reference Dataset's HDF5 files (examples/
// anomaly-jets/h5.ts), on tiny files in the data set's format written by pandas' own `to_hdf`
// (tests/fixtures/make-top-tagging-h5.py), in both of pandas' layouts. The expected labels, jet
// masses and 40 × 40 images come from the same script, computed there with NumPy
// (tests/fixtures/top-tagging-tiny-h5.json).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import expected from '../fixtures/top-tagging-tiny-h5.json' with { type: 'json' };
import { openTopTagging, readTopTaggingJets, unpickleNames } from '../../examples/anomaly-jets/h5.js';

const fixtures = resolve(import.meta.dirname, '../fixtures');
const tableFile = join(fixtures, 'top-tagging-tiny-table.h5');
const fixedFile = join(fixtures, 'top-tagging-tiny-fixed.h5');
const jets = expected.jets;
/** The first `qcd` jets of label 0 and `top` of label 1, in file order. */
const firstOfEach = (qcd: number, top: number) => {
  const seen = [0, 0];
  return jets.filter((j) => seen[j.is_signal_new]!++ < (j.is_signal_new === 0 ? qcd : top));
};
const scratch = mkdtempSync(join(tmpdir(), 'jets-h5-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The dense image of one jet of the fixture. */
function image(pixels: number[][]): Float32Array {
  const out = new Float32Array(1600);
  for (const [p, v] of pixels) out[p!] = v!;
  return out;
}

describe.each([
  ['table', tableFile],
  ['fixed', fixedFile],
])("the jet example's reader of top-tagging .h5 files, pandas' '%s' layout", (layout, file) => {
  it('finds the columns by name and reads the labels in chunks', async () => {
    const f = await openTopTagging(file);
    try {
      expect(f.layout).toBe(layout);
      expect(f.rows).toBe(jets.length);
      expect(f.columns).toHaveLength(806);
      expect(f.columns.slice(0, 4)).toEqual(['E_0', 'PX_0', 'PY_0', 'PZ_0']);
      const a = f.read(0, 7);
      const b = f.read(7, jets.length);
      expect([...a.labels, ...b.labels]).toEqual(jets.map((j) => j.is_signal_new));
      expect(b.start).toBe(7);
      expect(a.constituents).toHaveLength(7 * 800);
      expect(f.read(3, 3).n).toBe(0);
      expect(() => f.read(5, jets.length + 1)).toThrow(/TopTaggingFile.read: arguments 'start', 'stop'/);
    } finally {
      f.close();
    }
  });

  it("gives NumPy's images and jet masses, keeping the first jets of each class, in chunks of 5 rows", async () => {
    const got = await readTopTaggingJets(file, { want: { qcd: 5, top: 8 }, chunkRows: 5 });
    const want = firstOfEach(5, 8);
    expect(want).toHaveLength(13);
    expect(Array.from(got.labels)).toEqual(want.map((j) => j.is_signal_new));
    // The 5th QCD jet is row 12 (labels 0 at rows 0, 3, 6, …), the 8th top jet row 11: nothing needed after row 12.
    expect(got.stop).toBe(13);
    want.forEach((j, i) => {
      expect(got.masses[i]).toBeCloseTo(j.mass, 2);
      const ref = image(j.pixels);
      const img = got.images.subarray(i * 1600, (i + 1) * 1600);
      for (let p = 0; p < 1600; p++) expect(Math.abs(img[p]! - ref[p]!)).toBeLessThan(1e-6);
    });
  });

  it('reads from a start row to the end of the file when it has fewer jets than wanted', async () => {
    const got = await readTopTaggingJets(file, { want: { qcd: 100, top: 100 }, start: 30 });
    expect(got.stop).toBe(jets.length);
    expect(Array.from(got.labels)).toEqual(jets.slice(30).map((j) => j.is_signal_new));
    const last = image(jets.at(-1)!.pixels);
    got.images.subarray(-1600).forEach((v, p) => expect(Math.abs(v - last[p]!)).toBeLessThan(1e-6));
  });
});

describe('bad top-tagging files', () => {
  it('refuses a missing file, a file that is not HDF5, a wrong key and a missing column, saying what it found', async () => {
    await expect(openTopTagging(join(scratch, 'nothing.h5'))).rejects.toThrow(/openTopTagging: argument 'path' .* must be an existing file/);
    const text = join(scratch, 'jets.csv');
    writeFileSync(text, 'E_0,PX_0\n1,2\n');
    await expect(openTopTagging(text)).rejects.toThrow(/must be an HDF5 file/);
    await expect(openTopTagging(join(fixtures, 'top-tagging-bad-key.h5'))).rejects.toThrow(/with the key 'table' \(found the keys \["jets"\]\)/);
    await expect(openTopTagging(tableFile, 'jets')).rejects.toThrow(/with the key 'jets' \(found the keys \["table"\]\)/);
    await expect(readTopTaggingJets(join(fixtures, 'top-tagging-bad-column.h5'), { want: { qcd: 1, top: 1 } })).rejects.toThrow(/missing: PZ_7$/);
  });

  it('refuses bad options of readTopTaggingJets', async () => {
    await expect(readTopTaggingJets(tableFile, { want: { qcd: -1, top: 1 } })).rejects.toThrow(/readTopTaggingJets: argument 'options.want.qcd' must be an integer >= 0, got -1/);
    await expect(readTopTaggingJets(tableFile, { want: { qcd: 1, top: 1 }, chunkRows: 0 })).rejects.toThrow(/options.chunkRows/);
  });

  it('reads only protocol-0 pickled name lists', () => {
    expect(unpickleNames('(lp0\nVE_0\np1\naVis_signal_new\np2\na.')).toEqual(['E_0', 'is_signal_new']);
    expect(() => unpickleNames('\x80\x04\x95')).toThrow(/unpickleNames: argument 'text' must be a Python list pickled with protocol 0/);
  });
});
