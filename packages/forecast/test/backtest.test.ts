import { describe, expect, it } from 'vitest';
import { generateSeries, REFERENCE_SPECS } from '../scripts/synthetic-series.js';
import { backtest, naiveForecast, naiveScale, seasonalNaiveForecast, smapeTerm } from '../src/index.js';

describe('accuracy helpers', () => {
  it('scale MASE by the in-sample (seasonal) naive error', () => {
    expect(naiveScale([1, 3, 2, 6], 1)).toBeCloseTo((2 + 1 + 4) / 3, 12);
    expect(naiveScale([1, 3, 2, 6], 2)).toBeCloseTo((1 + 3) / 2, 12);
    expect(naiveScale([1, 3], 7)).toBeCloseTo(2, 12); // too short for the season: lag 1
  });

  it('compute sMAPE and the naive forecasts', () => {
    expect(smapeTerm(100, 50)).toBeCloseTo((200 * 50) / 150, 12);
    expect(smapeTerm(0, 0)).toBe(0);
    expect(naiveForecast([4, 5, 6], 2)).toEqual([6, 6]);
    expect(seasonalNaiveForecast([1, 2, 3, 4, 5], 4, 3)).toEqual([3, 4, 5, 3]);
  });
});

describe('backtest', () => {
  it('says when there are too few values for one origin', () => {
    expect(backtest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { horizon: 7, minTrain: 28 })).toEqual({
      ok: false,
      reason: 'insufficient-data',
      minimum: 35,
      received: 10,
    });
  });

  it('scores every origin and beats the naive forecasts on weekly data', () => {
    const spec = REFERENCE_SPECS.find((s) => s.name === 'weekly-trend-up');
    if (!spec) throw new Error('missing spec');
    const values = generateSeries({ ...spec, length: 77 }, 'backtest');
    const result = backtest(values, { horizon: 7, minTrain: 42, step: 7 });
    if (!result.ok) throw new Error('expected a backtest');
    expect(result.origins).toBe(5); // origins 42, 49, 56, 63, 70
    expect(result.forecasts).toBe(35);
    expect(result.model.mase).toBeLessThan(result.naive.mase);
    expect(result.model.mase).toBeLessThan(result.seasonalNaive.mase);
    expect(result.coverage95).toBeGreaterThanOrEqual(result.coverage80);
    expect(Object.values(result.modelsChosen).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('holds 95 % interval coverage between 0.90 and 0.97 over a set of generated series', () => {
    // Different draws from the reference set (another seed, longer series): 12 series × 10 origins × 7 days.
    let inside = 0;
    let forecasts = 0;
    for (const spec of REFERENCE_SPECS) {
      const values = generateSeries({ ...spec, length: 126 }, 'coverage-v1');
      const result = backtest(values, { horizon: 7, minTrain: 56, step: 7 });
      if (!result.ok) throw new Error(`no backtest for ${spec.name}`);
      inside += result.coverage95 * result.forecasts;
      forecasts += result.forecasts;
    }
    const coverage = inside / forecasts;
    expect(forecasts).toBe(12 * 10 * 7);
    expect(coverage).toBeGreaterThanOrEqual(0.9);
    expect(coverage).toBeLessThanOrEqual(0.97);
  });
});
