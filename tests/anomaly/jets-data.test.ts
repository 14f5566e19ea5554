// The real-data path of the jet example: rows in the layout of the Top Quark Tagging Reference
// Dataset, from tests/fixtures/top-tagging-tiny.json, written by
// tests/fixtures/make-top-tagging-fixtures.py together with NumPy's pT, η, φ of the constituents
// relative to the jet axis (the reference for steps 1–3 of the preprocessing).
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/top-tagging-tiny.json' with { type: 'json' };
import { constituentsOfJet, topTaggingImages } from '../../examples/anomaly-jets/data.js';
import { jetImage } from '../../examples/anomaly-jets/jets.js';

const { columns, rows, particles } = fixture;
const n = particles.length;

describe('the top-tagging data path of the jet example', () => {
  it("gives NumPy's pT, η and φ relative to the jet axis, padding dropped, φ wrapped", () => {
    for (let j = 0; j < n; j++) {
      const got = constituentsOfJet(rows, j * columns);
      const want = particles[j]!;
      expect(got).toHaveLength(want.pt.length);
      got.forEach((p, i) => {
        expect(p.pt).toBeCloseTo(want.pt[i]!, 9);
        expect(p.eta).toBeCloseTo(want.eta[i]!, 9);
        expect(p.phi).toBeCloseTo(want.phi[i]!, 9);
      });
    }
    // The second jet lies across φ = π: relative to its axis every constituent stays near 0.
    expect(Math.max(...constituentsOfJet(rows, columns).map((p) => Math.abs(p.phi)))).toBeLessThan(1.5);
  });

  it('makes 40 × 40 images that sum to 1, those of jetImage on the same particles', () => {
    const images = topTaggingImages(rows, n, columns);
    expect(images).toHaveLength(n * 1600);
    for (let j = 0; j < n; j++) {
      const image = images.subarray(j * 1600, (j + 1) * 1600);
      expect(image.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      const p = particles[j]!;
      const reference = jetImage(p.pt.map((pt, i) => ({ pt, eta: p.eta[i]!, phi: p.phi[i]! })));
      image.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 6));
    }
  });

  it('refuses rows of the wrong size, an empty jet and non-finite values', () => {
    expect(() => topTaggingImages(rows.slice(1), n, columns)).toThrow(/topTaggingImages: argument 'rows'/);
    expect(() => topTaggingImages(rows, n, 799)).toThrow(/topTaggingImages: argument 'columns'/);
    expect(() => topTaggingImages(new Float32Array(800), 1)).toThrow(/jet 0 has no constituents/);
    expect(() => constituentsOfJet([1, 2, 3])).toThrow(/constituentsOfJet: argument 'values'/);
    const bad = Float64Array.from(rows.slice(0, 800));
    bad[5] = NaN;
    expect(() => constituentsOfJet(bad)).toThrow(/finite numbers/);
  });
});
