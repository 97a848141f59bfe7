import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stratifiedFolds, stratifiedSplit } from '../src/index.js';

const labels = fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 300 });

describe('stratifiedSplit', () => {
  it('puts every row on exactly one side and keeps each label’s share', () => {
    fc.assert(
      fc.property(labels, fc.double({ min: 0, max: 1, noNaN: true }), (rows, share) => {
        const { train, test } = stratifiedSplit(rows, share, 'seed');
        expect([...train, ...test].sort((a, b) => a - b)).toEqual(rows.map((_, index) => index));
        for (const label of new Set(rows)) {
          const count = rows.filter((row) => row === label).length;
          expect(test.filter((index) => rows[index] === label).length).toBe(Math.round(count * share));
        }
      }),
    );
  });

  it('is a pure function of labels and seed', () => {
    const rows = Array.from({ length: 200 }, (_, index) => (index % 3 === 0 ? 'a' : 'b'));
    expect(stratifiedSplit(rows, 0.2, 'seed-a')).toEqual(stratifiedSplit(rows, 0.2, 'seed-a'));
    expect(stratifiedSplit(rows, 0.2, 'seed-b').test).not.toEqual(stratifiedSplit(rows, 0.2, 'seed-a').test);
  });
});

describe('stratifiedFolds', () => {
  it('partitions the rows into folds whose label counts differ by at most one', () => {
    fc.assert(
      fc.property(labels, fc.integer({ min: 2, max: 10 }), (rows, k) => {
        const folds = stratifiedFolds(rows, k, 'folds');
        expect(folds.flat().sort((a, b) => a - b)).toEqual(rows.map((_, index) => index));
        for (const label of new Set(rows)) {
          const counts = folds.map((fold) => fold.filter((index) => rows[index] === label).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
