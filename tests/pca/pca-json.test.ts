// toJSON / fromJSON: a faithful round trip, and fromJSON treats its input as untrusted.
import { describe, expect, it } from 'vitest';
import { PCA, type PCAJSON, type PCAStateJSON } from '../../src/pca/index.js';
import { sklearnCase } from './helpers.js';

const rows = sklearnCase('tall').x;
const fitted = (): PCA => new PCA({ nComponents: 3, whiten: true, seed: 5, batchSize: 40 }).fit(rows);
type FittedDoc = PCAJSON & { state: PCAStateJSON };
const doc = (): FittedDoc => JSON.parse(JSON.stringify(fitted())) as FittedDoc;

describe('PCA.toJSON and PCA.fromJSON', () => {
  it('round-trip a fitted model through a JSON string bit for bit', () => {
    const pca = fitted();
    const again = PCA.fromJSON(JSON.stringify(pca));
    expect(again.transform(rows)).toEqual(pca.transform(rows));
    expect(Array.from(again.components.data)).toEqual(Array.from(pca.components.data));
    expect(again.noiseVariance).toBe(pca.noiseVariance);
    expect(again.fittedSolver).toBe('full');
    expect(again.toJSON()).toEqual(pca.toJSON());
    // The restored model keeps its options: it can continue incrementally.
    again.partialFit(rows.slice(0, 10));
    expect(again.nSamplesSeen).toBe(130);
  });

  it('round-trip an unfitted model with its options', () => {
    const pca = PCA.fromJSON(new PCA({ nComponents: 0.9, solver: 'full' }).toJSON());
    expect(pca.isFitted).toBe(false);
    expect(pca.toJSON().options.nComponents).toBe(0.9);
    expect(pca.fit(rows).nComponents).toBe(new PCA({ nComponents: 0.9 }).fit(rows).nComponents);
  });

  it('writes a document with its format name and version', () => {
    const d = fitted().toJSON();
    expect(d.format).toBe('autoencoders/pca');
    expect(d.version).toBe(1);
    expect(d.state?.components.length).toBe(3 * 8);
  });

  const corruptions: [string, (d: FittedDoc) => unknown, RegExp][] = [
    ['another format', (d) => ({ ...d, format: 'ml-pca' }), /field 'format' must be 'autoencoders\/pca' \(this is not a PCA document\), got the string "ml-pca"/],
    ['a newer version', (d) => ({ ...d, version: 2 }), /field 'version' must be 1/],
    ['a missing state', (d) => ({ ...d, state: undefined }), /field 'state' must be an object or null, got undefined/],
    ['a short mean', (d) => ({ ...d, state: { ...d.state, mean: d.state.mean.slice(1) } }), /'state.mean' must be an array of 8 numbers \(its declared shape\), got an array of length 7/],
    ['components longer than declared', (d) => ({ ...d, state: { ...d.state, components: [...d.state.components, 0] } }), /state.components/],
    ['a string in components', (d) => ({ ...d, state: { ...d.state, components: d.state.components.map((v, i) => (i === 4 ? '0.1' : v)) } }), /state.components\[4\]' must be a finite number, got the string "0.1"/],
    ['a null variance', (d) => ({ ...d, state: { ...d.state, explainedVariance: [null, 1, 1] } }), /state.explainedVariance\[0\]/],
    ['a negative variance', (d) => ({ ...d, state: { ...d.state, explainedVariance: [-1, 1, 1] } }), /must be a finite number >= 0, got the number -1/],
    ['a ratio above 1', (d) => ({ ...d, state: { ...d.state, explainedVarianceRatio: [1.5, 0, 0] } }), /explainedVarianceRatio\[0\]' must be a number in \[0, 1\]/],
    ['components not of unit length', (d) => ({ ...d, state: { ...d.state, components: d.state.components.map((v) => v * 2) } }), /row 0 must have unit length/],
    ['nComponents above nFeatures', (d) => ({ ...d, state: { ...d.state, nComponents: 9 } }), /state.nComponents' must be an integer in \[1, 8\]/],
    ['a fractional nFeatures', (d) => ({ ...d, state: { ...d.state, nFeatures: 7.5 } }), /state.nFeatures/],
    ['a huge declared size', (d) => ({ ...d, state: { ...d.state, nFeatures: 2 ** 20, nComponents: 2 ** 10 } }), /more than the limit of 67108864/],
    ['an unknown solver', (d) => ({ ...d, state: { ...d.state, solver: 'svd' } }), /state.solver/],
    ['bad options', (d) => ({ ...d, options: { ...d.options, solver: 'magic' } }), /options.solver/],
    ['invalid option values', (d) => ({ ...d, options: { ...d.options, nComponents: 2.5 } }), /field 'options' is invalid: new PCA: argument 'options.nComponents'/],
    ['an unknown field', (d) => ({ ...d, extra: 1 }), /unknown field 'extra'/],
    ['an array', () => [], /must be a PCA document \(an object or its JSON string\), got an array of length 0/],
    ['null', () => null, /got null/],
  ];
  for (const [label, corrupt, message] of corruptions) {
    it(`rejects a document with ${label}`, () => {
      expect(() => PCA.fromJSON(corrupt(doc()))).toThrow(message);
    });
  }

  it('rejects invalid JSON text', () => {
    expect(() => PCA.fromJSON('{"format": ')).toThrow(/PCA.fromJSON: the string is not valid JSON/);
  });

  it('treats __proto__ keys as unknown fields, without touching any prototype', () => {
    const text = JSON.stringify(doc()).replace('{"format"', '{"__proto__":{"polluted":true},"format"');
    expect(() => PCA.fromJSON(text)).toThrow(/unknown field '__proto__'/);
    const inState = JSON.stringify(doc()).replace('"state":{', '"state":{"__proto__":{"nComponents":1},');
    expect(() => PCA.fromJSON(inState)).toThrow(/unknown field 'state.__proto__'/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
