import { createRng } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { calibrate, expectedCalibrationError, fitIsotonic, reliabilityBins } from '../src/calibration.js';

describe('isotonic calibration', () => {
  it('maps scores to observed accuracy, never decreasing', () => {
    // A recognizer that says 0.95 when it is right 70 % of the time, and 0.6 when right 30 %.
    const rng = createRng('calibration');
    const samples = [
      ...Array.from({ length: 1000 }, () => ({ score: 0.95, correct: rng.next() < 0.7 })),
      ...Array.from({ length: 1000 }, () => ({ score: 0.6, correct: rng.next() < 0.3 })),
    ];
    const table = fitIsotonic(samples);
    for (let i = 1; i < table.calibrated.length; i++) {
      expect(table.calibrated[i]).toBeGreaterThanOrEqual(table.calibrated[i - 1] as number);
      expect(table.raw[i]).toBeGreaterThan(table.raw[i - 1] as number);
    }
    expect(calibrate(table, 0.95)).toBeCloseTo(0.7, 1);
    expect(calibrate(table, 0.6)).toBeCloseTo(0.3, 1);
    // Between the points it interpolates; beyond them it stays flat.
    expect(calibrate(table, 0.775)).toBeCloseTo((calibrate(table, 0.95) + calibrate(table, 0.6)) / 2, 5);
    expect(calibrate(table, 1)).toBeCloseTo(calibrate(table, 0.95), 6);
    expect(calibrate(table, 0)).toBeCloseTo(calibrate(table, 0.6), 6);
  });

  it('pools violators: a dip in accuracy at a higher score is averaged away', () => {
    const table = fitIsotonic([
      { score: 0.1, correct: false },
      { score: 0.5, correct: true },
      { score: 0.6, correct: false },
      { score: 0.9, correct: true },
    ]);
    expect(table.calibrated).toEqual([0, 0.5, 1]);
    expect(table.raw[1]).toBeCloseTo(0.55, 10);
  });

  it('reports accuracy per confidence bin and the calibration error', () => {
    const samples = [
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.95, correct: i < 9 })),
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.55, correct: i < 2 })),
    ];
    const bins = reliabilityBins(samples);
    const high = bins.find((bin) => bin.from === 0.95);
    const middle = bins.find((bin) => bin.from === 0.5);
    expect(high).toMatchObject({ count: 10, accuracy: 0.9 });
    expect(middle).toMatchObject({ count: 10, accuracy: 0.2 });
    // (10·|0.9 − 0.95| + 10·|0.2 − 0.55|) / 20
    expect(expectedCalibrationError(samples)).toBeCloseTo(0.2, 10);
  });
});
