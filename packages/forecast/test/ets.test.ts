import { createRng } from '@castor/seeded-random';
import { describe, expect, it } from 'vitest';
import { type ForecastSuccess, forecastSeries, MINIMUM_POINTS, twoSidedZ } from '../src/index.js';

function success(result: ReturnType<typeof forecastSeries>): ForecastSuccess {
  if (!result.ok) throw new Error(`expected a forecast, got ${JSON.stringify(result)}`);
  return result;
}

/** Simulates ETS(A,N,N): y_t = ℓ_{t−1} + e_t, ℓ_t = ℓ_{t−1} + α·e_t. */
function simulateSimpleSmoothing(n: number, alpha: number, sd: number, seed: string): number[] {
  const rng = createRng(seed);
  let level = 100;
  return Array.from({ length: n }, () => {
    const e = rng.gaussian(0, sd);
    const y = level + e;
    level += alpha * e;
    return y;
  });
}

function weeklySeries(n: number, seed: string): number[] {
  const rng = createRng(seed);
  const shape = [8, 5, 0, -2, -3, -12, 4];
  return Array.from({ length: n }, (_, t) => 50 + 0.1 * t + (shape[t % 7] as number) + rng.gaussian(0, 1));
}

describe('forecastSeries', () => {
  it('refuses series shorter than the minimum instead of forecasting', () => {
    const result = forecastSeries([1, 2, 3, 4, 5, 6, 7], { horizon: 3 });
    expect(result).toEqual({ ok: false, reason: 'insufficient-data', minimum: MINIMUM_POINTS, received: 7 });
    expect(forecastSeries([], { horizon: 1 }).ok).toBe(false);
    expect(forecastSeries([1, 3, 2, 4, 3, 5, 4, 6], { horizon: 2 }).ok).toBe(true);
  });

  it('rejects bad options and non-finite values', () => {
    const values = weeklySeries(30, 'bad');
    expect(() => forecastSeries(values, { horizon: 0 })).toThrow(RangeError);
    expect(() => forecastSeries(values, { horizon: 2, seasonPeriod: 0 })).toThrow(RangeError);
    expect(() => forecastSeries(values, { horizon: 2, levels: [1.2] })).toThrow(RangeError);
    expect(() => forecastSeries([...values, Number.NaN], { horizon: 2 })).toThrow(/values\[30\]/);
  });

  it('recovers the smoothing parameter of simulated simple exponential smoothing', () => {
    for (const alpha of [0.2, 0.7]) {
      const values = simulateSimpleSmoothing(400, alpha, 2, `ses-${alpha}`);
      const fit = success(
        forecastSeries(values, { horizon: 5, seasonPeriod: 1, candidates: [{ trend: 'N', season: 'N' }] }),
      );
      expect(fit.model).toBe('ETS(A,N,N)');
      expect(Math.abs(fit.params.alpha - alpha)).toBeLessThan(0.1);
      expect(Math.sqrt(fit.sigma2)).toBeGreaterThan(1.8);
      expect(Math.sqrt(fit.sigma2)).toBeLessThan(2.2);
    }
  });

  it('gives ETS(A,N,N) intervals of width σ·√(1 + (h−1)α²)·z and a flat point forecast', () => {
    const values = simulateSimpleSmoothing(120, 0.4, 1, 'ann-intervals');
    const fit = success(forecastSeries(values, { horizon: 6, candidates: [{ trend: 'N', season: 'N' }] }));
    const { alpha } = fit.params;
    for (const point of fit.point) expect(point).toBeCloseTo(fit.point[0] as number, 10);
    for (const [i, sd] of fit.forecastSd.entries()) {
      expect(sd).toBeCloseTo(Math.sqrt(fit.sigma2 * (1 + i * alpha * alpha)), 10);
    }
    const [i80, i95] = fit.intervals as [ForecastSuccess['intervals'][0], ForecastSuccess['intervals'][0]];
    expect(i80.level).toBe(0.8);
    expect(i95.level).toBe(0.95);
    for (let h = 0; h < 6; h++) {
      const half95 = ((i95.upper[h] as number) - (i95.lower[h] as number)) / 2;
      expect(half95).toBeCloseTo(twoSidedZ(0.95) * (fit.forecastSd[h] as number), 10);
      expect(i95.lower[h]).toBeLessThan(i80.lower[h] as number);
      expect(i95.upper[h]).toBeGreaterThan(i80.upper[h] as number);
    }
  });

  it('chooses a weekly seasonal model for weekly data and lines its forecast up with the weekdays', () => {
    const values = weeklySeries(84, 'weekly');
    const fit = success(forecastSeries(values, { horizon: 7 }));
    expect(fit.season).toBe('A');
    expect(fit.seasonPeriod).toBe(7);
    expect(fit.model).toMatch(/^ETS\(A,(N|A|Ad),A\)$/);
    // Day 84 is weekday 0 (+8), day 89 is weekday 5 (−12): the forecast keeps that 20-point gap.
    expect((fit.point[0] as number) - (fit.point[5] as number)).toBeGreaterThan(15);
    expect(fit.initialState.season?.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 8);
    expect(fit.candidates).toHaveLength(6);
    expect(fit.candidates[0]?.model).toBe(fit.model);
  });

  it('does not consider a season without two full cycles and a little more', () => {
    const values = weeklySeries(15, 'short');
    const fit = success(forecastSeries(values, { horizon: 3 }));
    expect(fit.season).toBe('N');
    expect(fit.candidates.every((candidate) => candidate.model.endsWith(',N)'))).toBe(true);
    const longer = success(forecastSeries(weeklySeries(21, 'short'), { horizon: 3 }));
    expect(longer.candidates.some((candidate) => candidate.model.endsWith(',A)'))).toBe(true);
  });

  it('continues a clean linear trend and prefers a trend model for it', () => {
    const rng = createRng('trend');
    const values = Array.from({ length: 60 }, (_, t) => 10 + 2 * t + rng.gaussian(0, 0.3));
    const fit = success(forecastSeries(values, { horizon: 10, seasonPeriod: 1 }));
    expect(fit.trend).not.toBe('N');
    expect(fit.point[9]).toBeGreaterThan(10 + 2 * 69 - 5);
    expect(fit.point[9]).toBeLessThan(10 + 2 * 69 + 5);
  });

  it('damps the trend with φ in [0.8, 0.98] when the growth is slowing', () => {
    const rng = createRng('damped');
    let slope = 3;
    let level = 0;
    const values = Array.from({ length: 100 }, () => {
      level += slope;
      slope *= 0.94;
      return level + rng.gaussian(0, 0.2);
    });
    const fit = success(forecastSeries(values, { horizon: 5, seasonPeriod: 1 }));
    expect(fit.model).toBe('ETS(A,Ad,N)');
    expect(fit.params.phi).toBeGreaterThanOrEqual(0.8);
    expect(fit.params.phi).toBeLessThanOrEqual(0.98);
  });

  it('forecasts a constant series as that constant', () => {
    const fit = success(
      forecastSeries(
        Array.from({ length: 30 }, () => 42),
        { horizon: 4 },
      ),
    );
    for (const point of fit.point) expect(point).toBeCloseTo(42, 6);
    expect(Number.isFinite(fit.aicc)).toBe(true);
  });

  it('keeps the parameter bounds of the usual region (0 < β < α < 1, 0 < γ < 1 − α)', () => {
    const fit = success(
      forecastSeries(weeklySeries(70, 'bounds'), { horizon: 3, candidates: [{ trend: 'A', season: 'A' }] }),
    );
    const { alpha, beta, gamma } = fit.params;
    expect(alpha).toBeGreaterThan(0);
    expect(alpha).toBeLessThan(1);
    expect(beta).toBeLessThanOrEqual(alpha);
    expect(gamma).toBeLessThanOrEqual(1 - alpha);
    expect(fit.parameterCount).toBe(3 + 2 + 6 + 1);
    expect(fit.fitted).toHaveLength(70);
  });
});
