// Checks of the toy jet generator of examples/anomaly-jets (what its README claims about it).
import { describe, expect, it } from 'vitest';
import { CENTRE, SIDE, invariantMass, jetImage, makeJets, qcdJet, rng32, subjets, topPartons } from '../../examples/anomaly-jets/jets.js';
import type { Particle } from '../../examples/anomaly-jets/jets.js';

describe('the toy jet generator of the jet example', () => {
  it('decays tops so that m(q q̄′) follows the W mass and m(b q q̄′) the top mass', () => {
    const rng = rng32(5);
    for (let i = 0; i < 200; i++) {
      const [b, q, qbar] = topPartons(rng) as [Particle, Particle, Particle];
      const mw = invariantMass([q, qbar]);
      const mt = invariantMass([b, q, qbar]);
      // Breit–Wigner masses truncated at ±5 widths.
      expect(Math.abs(mw - 80.4)).toBeLessThan(5 * 2.1 + 1e-6);
      expect(Math.abs(mt - 173.0)).toBeLessThan(5 * 1.4 + 1e-6);
    }
  });

  it('gives images that sum to 1, with the leading subjet in pixel (20, 20) and the second above it', () => {
    const rng = rng32(6);
    let atCentre = 0;
    for (let i = 0; i < 100; i++) {
      const image = jetImage(qcdJet(rng));
      expect(image.length).toBe(SIDE * SIDE);
      expect(image.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      // The brightest pixel is the hardest particle, inside the leading subjet's cone (radius 0.2 =
      // 4 pixels) whose pT-weighted centre is the image centre; usually it is the centre itself.
      let best = 0;
      image.forEach((v, p) => {
        if (v > image[best]!) best = p;
      });
      const [row, col] = [Math.floor(best / SIDE), best % SIDE];
      expect(Math.hypot(row - CENTRE, col - CENTRE)).toBeLessThanOrEqual(4);
      if (row === CENTRE && col === CENTRE) atCentre++;
    }
    expect(atCentre).toBeGreaterThan(80);
    // Averaged over jets, the pT above the centre (the second subjet) exceeds the pT below it.
    const { images } = makeJets('top', 200, 7);
    let above = 0;
    let below = 0;
    for (let j = 0; j < 200; j++) {
      for (let row = 0; row < SIDE; row++) {
        for (let col = 0; col < SIDE; col++) {
          const v = images[j * SIDE * SIDE + row * SIDE + col]!;
          if (row < CENTRE) above += v;
          if (row > CENTRE) below += v;
        }
      }
    }
    expect(above).toBeGreaterThan(2 * below);
  });

  it('is reproducible from its seed and finds subjets sorted by pT', () => {
    expect(Array.from(makeJets('qcd', 3, 9).images)).toEqual(Array.from(makeJets('qcd', 3, 9).images));
    const found = subjets(qcdJet(rng32(10)));
    for (let i = 1; i < found.length; i++) expect(found[i]!.pt).toBeLessThanOrEqual(found[i - 1]!.pt);
  });

  it('makes top-like jets heavier than QCD-like ones', () => {
    const median = (a: Float32Array) => Float32Array.from(a).sort()[Math.floor(a.length / 2)]!;
    const qcd = median(makeJets('qcd', 300, 11).masses);
    const top = median(makeJets('top', 300, 12).masses);
    expect(top).toBeGreaterThan(165);
    expect(top).toBeLessThan(195);
    expect(qcd).toBeLessThan(100);
  });
});
