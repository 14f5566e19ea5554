// backgroundRejection against tests/fixtures/jet-metrics.json, written by
// tests/fixtures/make-jet-metrics-fixtures.py (scikit-learn's roc_curve and NumPy).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/jet-metrics.json' with { type: 'json' };
import { backgroundRejection } from '../../src/index.js';

describe('backgroundRejection', () => {
  for (const c of fixture.rejection) {
    it(`matches the scikit-learn/NumPy reference: ${c.name}`, () => {
      c.efficiencies.forEach((e, i) => {
        const want = c.rejection[i];
        const got = backgroundRejection(c.scores, c.labels, e);
        if (want === null) expect(got).toBe(Infinity);
        else expect(got).toBeCloseTo(want!, 9);
      });
    });
  }

  it('gives the documented values, chance for a random score, and creates no tensors', () => {
    const before = tf.memory().numTensors;
    const scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1, 0.05];
    const labels = [1, 1, 0, 1, 1, 0, 0, 0];
    expect(backgroundRejection(scores, labels, 0.5)).toBe(Infinity);
    expect(backgroundRejection(scores, labels, 0.75)).toBe(4);
    // Between the points (0.25, 0.75) and (0.25, 1) of the ROC curve nothing changes: still 4.
    expect(backgroundRejection(scores, labels, 0.9)).toBe(4);
    // All samples tied: the ROC curve is the diagonal, 1/ε_B = 1/ε_S.
    expect(backgroundRejection([1, 1, 1, 1], [0, 1, 0, 1], 0.25)).toBeCloseTo(4, 12);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad input with errors that name the function and the argument', () => {
    expect(() => backgroundRejection([1, 2], [0, 1], 0)).toThrow(/backgroundRejection.*signalEfficiency/);
    expect(() => backgroundRejection([1, 2], [0, 1], 1.5)).toThrow(/backgroundRejection.*signalEfficiency/);
    expect(() => backgroundRejection([1, 2], [0, 1], NaN)).toThrow(/backgroundRejection.*signalEfficiency/);
    expect(() => backgroundRejection([1, NaN], [0, 1], 0.5)).toThrow(/backgroundRejection.*scores.*finite/);
    expect(() => backgroundRejection([1, 2], [1, 1], 0.5)).toThrow(/backgroundRejection/);
    expect(() => backgroundRejection([1, 2], [0, 1, 1], 0.5)).toThrow(/backgroundRejection.*labels/);
  });
});
