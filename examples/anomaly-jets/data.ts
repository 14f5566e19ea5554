// The real-data path of the jet example: the constituents of the public "Top Quark Tagging
// Reference Dataset" (Kasieczka, Plehn et al., arXiv:1902.09914; Zenodo record 2603256) turned into
// the same 40 × 40 images as the toy generator's.
//
// The data set's format: pandas HDF5 files (train.h5, val.h5, test.h5), one table under the key
// 'table' in PyTables' 'table' layout, one row per jet (anti-kT R = 0.8, pT 550–650 GeV,
// |η| < 2). Its columns are E_0, PX_0, PY_0, PZ_0, …, E_199, PX_199, PY_199, PZ_199 — the
// four-vectors (GeV) of up to 200 constituents, ordered by decreasing pT and padded with zeros —
// then truthE, truthPX, truthPY, truthPZ, ttv and is_signal_new (1 for a top jet, 0 for QCD).
//
// This file starts from the numbers of the rows; h5.ts reads them from the data set's .h5 files
// (chunk by chunk, columns by name). The data itself cannot be downloaded on the machines of this
// project.
//
// Preprocessing, documented: for each jet, (1) drop the zero padding (E = 0); (2) each constituent
// becomes a massless particle with pT = √(px² + py²), η = asinh(pz / pT), φ = atan2(py, px); (3)
// take the jet axis as the direction (η, φ) of the sum of the constituents' four-vectors and
// express every constituent relative to it, Δη = η − η_jet, Δφ = φ − φ_jet wrapped into (−π, π];
// (4) from there the toy generator's `jetImage` (jets.ts): subjets, centring on the leading one,
// rotation, flip, 40 × 40 pixels of 0.05 × 0.05, intensities summing to 1. The images of the real
// data have R = 0.8 jets at lower pT than the toy's (R = 1.0, 800–900 GeV), so their prongs sit
// further apart; the pixel size is the same.
import { type Particle, SIDE, jetImage } from './jets.js';

/** Values per constituent (E, px, py, pz) and constituents per jet in the reference data set. */
export const FOUR = 4;
export const CONSTITUENTS = 200;

/**
 * The constituents of one jet, from `4 · 200` values `E_0, PX_0, PY_0, PZ_0, …`, as massless
 * particles relative to the jet axis (steps 1–3 of the preprocessing above). A jet with no
 * constituent gives an empty list.
 */
export function constituentsOfJet(values: ArrayLike<number>, offset = 0): Particle[] {
  if (values.length < offset + FOUR * CONSTITUENTS) {
    throw new Error(`constituentsOfJet: argument 'values' must hold ${FOUR * CONSTITUENTS} values from offset ${offset} (E, px, py, pz of 200 constituents), got ${values.length - offset}`);
  }
  const kept: { pt: number; eta: number; phi: number }[] = [];
  let [px, py, pz] = [0, 0, 0];
  for (let c = 0; c < CONSTITUENTS; c++) {
    const [E, x, y, z] = [0, 1, 2, 3].map((k) => values[offset + FOUR * c + k]!) as [number, number, number, number];
    if (![E, x, y, z].every(Number.isFinite)) throw new Error(`constituentsOfJet: argument 'values' must hold finite numbers, found ${[E, x, y, z].join(', ')} at constituent ${c}`);
    if (E === 0) continue;
    const pt = Math.hypot(x, y);
    if (pt === 0) continue; // along the beam: no direction in (η, φ)
    kept.push({ pt, eta: Math.asinh(z / pt), phi: Math.atan2(y, x) });
    px += x;
    py += y;
    pz += z;
  }
  if (kept.length === 0) return [];
  const jetPt = Math.hypot(px, py);
  const jetEta = Math.asinh(pz / jetPt);
  const jetPhi = Math.atan2(py, px);
  return kept.map((p) => ({ pt: p.pt, eta: p.eta - jetEta, phi: wrap(p.phi - jetPhi) }));
}

/**
 * 40 × 40 jet images (the full preprocessing above) of `n` rows of the reference data set, each
 * row `columns` values long with the 800 constituent values first (800 for the four-vectors alone,
 * 806 for the whole row of the table). Returns `n · 1600` values, row-major images one after the
 * other, as `makeJets` does.
 */
export function topTaggingImages(rows: ArrayLike<number>, n: number, columns = FOUR * CONSTITUENTS): Float32Array {
  if (!Number.isInteger(columns) || columns < FOUR * CONSTITUENTS) throw new Error(`topTaggingImages: argument 'columns' must be an integer >= 800, got ${columns}`);
  if (!Number.isInteger(n) || n < 0 || rows.length !== n * columns) throw new Error(`topTaggingImages: argument 'rows' must hold n · columns = ${n} · ${columns} values, got ${rows.length}`);
  const images = new Float32Array(n * SIDE * SIDE);
  for (let i = 0; i < n; i++) {
    const particles = constituentsOfJet(rows, i * columns);
    if (particles.length === 0) throw new Error(`topTaggingImages: jet ${i} has no constituents`);
    images.set(jetImage(particles), i * SIDE * SIDE);
  }
  return images;
}

function wrap(dphi: number): number {
  let d = dphi;
  while (d > Math.PI) d -= 2 * Math.PI;
  while (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

/**
 * The jet mass (GeV) of one row: √max(0, E² − |p|²) of the sum of its constituents' four-vectors
 * (`4 · 200` values `E_0, PX_0, PY_0, PZ_0, …` from `offset`), the zero padding adding nothing.
 */
export function jetMassOfRow(values: ArrayLike<number>, offset = 0): number {
  if (values.length < offset + FOUR * CONSTITUENTS) throw new Error(`jetMassOfRow: argument 'values' must hold ${FOUR * CONSTITUENTS} values from offset ${offset}, got ${values.length - offset}`);
  const sum = [0, 0, 0, 0];
  for (let i = 0; i < FOUR * CONSTITUENTS; i++) sum[i % FOUR]! += values[offset + i]!;
  const [e, px, py, pz] = sum as [number, number, number, number];
  return Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
}
