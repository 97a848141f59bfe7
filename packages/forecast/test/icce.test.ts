import { describe, expect, it } from 'vitest';
import { computeIcce, computeIcceSeries, computeMomentum } from '../src/index.js';

describe('computeIcce', () => {
  it('follows the definition: ISN = P − N, ISN′ = (ISN + 1)/2, ICR = share, ICCE = 100(α·ISN′ + (1 − α)·ICR)', () => {
    const day = computeIcce({ positive: 60, negative: 20, total: 100, allTracked: 400 });
    expect(day.isn).toBeCloseTo(0.4, 12);
    expect(day.isnNormalized).toBeCloseTo(0.7, 12);
    expect(day.icr).toBeCloseTo(0.25, 12);
    expect(day.icce).toBeCloseTo(100 * (0.5 * 0.7 + 0.5 * 0.25), 12);
    expect(day.posts).toBe(100);
    const sentimentOnly = computeIcce({ positive: 60, negative: 20, total: 100, allTracked: 400 }, { alpha: 1 });
    expect(sentimentOnly.icce).toBeCloseTo(70, 12);
  });

  it('computes the delta-method standard error from the adjusted proportions', () => {
    const day = computeIcce({ positive: 60, negative: 20, total: 100, allTracked: 400 });
    const p = 61 / 103;
    const q = 21 / 103;
    const c = 102 / 404;
    const expected = 100 * Math.sqrt(0.25 * ((p + q - (p - q) ** 2) / 103 / 4) + 0.25 * ((c * (1 - c)) / 404));
    expect(day.standardError).toBeCloseTo(expected, 12);
    expect(day.lower).toBeCloseTo((day.icce as number) - 1.959963985 * expected, 6);
  });

  it('gives small counts wide bands, even when every post has the same sentiment', () => {
    const few = computeIcce({ positive: 3, negative: 0, total: 3, allTracked: 30 });
    const many = computeIcce({ positive: 300, negative: 0, total: 300, allTracked: 3000 });
    expect(few.icce).toBeCloseTo(many.icce as number, 12);
    const width = (d: typeof few) => (d.upper as number) - (d.lower as number);
    expect(width(few)).toBeGreaterThan(10);
    expect(width(few)).toBeGreaterThan(5 * width(many));
    expect(few.upper).toBeLessThanOrEqual(100);
    expect(few.lower).toBeGreaterThanOrEqual(0);
  });

  it('has no index (null) on a day the candidate had no posts, but a share of 0', () => {
    const day = computeIcce({ positive: 0, negative: 0, total: 0, allTracked: 50 });
    expect(day).toMatchObject({ isn: null, icce: null, standardError: null, icr: 0, posts: 0 });
  });

  it('rejects counts that cannot be', () => {
    expect(() => computeIcce({ positive: 5, negative: 6, total: 10, allTracked: 20 })).toThrow(RangeError);
    expect(() => computeIcce({ positive: 1, negative: 0, total: 30, allTracked: 20 })).toThrow(RangeError);
    expect(() => computeIcce({ positive: 1.5, negative: 0, total: 3, allTracked: 20 })).toThrow(RangeError);
    expect(() => computeIcce({ positive: 1, negative: 0, total: 3, allTracked: 20 }, { alpha: 2 })).toThrow(RangeError);
  });

  it('maps a series of days', () => {
    const days = computeIcceSeries([
      { positive: 1, negative: 1, total: 4, allTracked: 8 },
      { positive: 0, negative: 0, total: 0, allTracked: 8 },
    ]);
    expect(days.map((d) => d.icce)).toEqual([50, null]);
  });
});

describe('computeMomentum', () => {
  it('measures the slope of a straight line exactly, with no uncertainty', () => {
    const values = Array.from({ length: 10 }, (_, t) => 40 + 1.5 * t);
    const momentum = computeMomentum(values, { window: 5 });
    expect(momentum[0]?.slope).toBeNull();
    expect(momentum[1]?.slope).toBeNull();
    expect(momentum[2]?.slope).toBeCloseTo(1.5, 12);
    expect(momentum[9]?.slope).toBeCloseTo(1.5, 12);
    expect(momentum[9]?.standardError).toBeCloseTo(0, 12);
    expect(momentum[9]?.direction).toBe('up');
    expect(momentum[9]?.points).toBe(5);
  });

  it('matches the textbook OLS slope standard error', () => {
    const values = [10, 12, 11, 14, 13];
    const [point] = computeMomentum(values, { window: 5 }).slice(-1);
    // t̄ = 2, Sxx = 10, Sxy = 8 → slope 0.8; residuals −0.4, 0.8, −1, 1.2, −0.6 → RSS 3.6, σ̂² = 3.6/3.
    expect(point?.slope).toBeCloseTo(0.8, 12);
    expect(point?.standardError).toBeCloseTo(Math.sqrt(3.6 / 3 / 10), 12);
    expect(point?.lower).toBeCloseTo(0.8 - 1.959963985 * Math.sqrt(0.12), 6);
    expect(point?.direction).toBe('up');
    // Sxy = 1 → slope 0.1, well inside its band.
    expect(computeMomentum([10, 13, 9, 12, 11]).at(-1)?.direction).toBe('flat');
  });

  it('skips missing days and calls a falling index down', () => {
    const values = [50, null, 46, 44.5, null, 40, 38.2];
    const last = computeMomentum(values, { window: 7 }).at(-1);
    expect(last?.points).toBe(5);
    expect(last?.direction).toBe('down');
    expect(computeMomentum([1, null, null, 2], { window: 4 }).at(-1)?.slope).toBeNull();
  });
});
