// The MIG of the disentanglement example (examples/disentanglement/mig.ts) against scikit-learn's
// mutual_info_score and scipy's entropy: values from tests/fixtures/make-mig-fixtures.py.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/mig.json' with { type: 'json' };
import { discretise, mig, mutualInformation } from '../../examples/disentanglement/mig.js';

const [miCase, binCase, migCase] = fixture.cases as unknown as [
  { a: number[]; b: number[]; mi: number },
  { values: number[]; bins: number; indices: number[] },
  { codes: number[]; latent: number; factors: number[][]; mig: number },
];

describe('the discretised MIG matches scikit-learn and scipy', () => {
  it('mutual information of two discrete sequences', () => {
    expect(mutualInformation(miCase.a, miCase.b)).toBeCloseTo(miCase.mi, 10);
  });

  it('equal-width bins, the maximum in the last bin', () => {
    expect(discretise(binCase.values, binCase.bins)).toEqual(binCase.indices);
  });

  it('the MIG of 4 latents on 2 factors', () => {
    const value = mig(migCase.codes, migCase.latent, migCase.factors);
    expect(value).toBeCloseTo(migCase.mig, 10);
    expect(value).toBeGreaterThan(0.05);
  });
});
