import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { referenceSeries } from '../scripts/synthetic-series.js';
import { forecastSeries, naiveScale } from '../src/index.js';

// R's numbers come from reference/ets-reference.R (forecast::ets and stats::HoltWinters) run on
// reference/series.json; the tests read the committed JSON and never need R.
const read = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));

const seriesFile = z
  .object({
    seed: z.string(),
    seasonPeriod: z.number(),
    horizon: z.number(),
    series: z.array(z.object({ name: z.string(), train: z.array(z.number()), test: z.array(z.number()) })),
  })
  .parse(read('series.json'));

const score = z.object({ mase: z.number(), smape: z.number(), coverage95: z.number() });
const rReference = z
  .object({
    seed: z.string(),
    series: z.array(
      z.object({
        name: z.string(),
        etsAdditive: score.extend({ model: z.string(), aicc: z.number() }),
        etsDefault: score.extend({ model: z.string() }),
        holtWinters: score,
      }),
    ),
  })
  .parse(read('r-reference.json'));

const { seasonPeriod, horizon } = seriesFile;

const ours = seriesFile.series.map((series) => {
  const result = forecastSeries(series.train, { horizon, seasonPeriod });
  if (!result.ok) throw new Error(`no forecast for ${series.name}`);
  const meanAbsoluteError =
    series.test.reduce((sum, actual, h) => sum + Math.abs(actual - (result.point[h] as number)), 0) / horizon;
  return {
    name: series.name,
    result,
    mase: meanAbsoluteError / naiveScale(series.train, seasonPeriod),
    n: series.train.length,
  };
});

describe('reference series', () => {
  it('are the ones the generator produces today (R saw exactly these numbers)', () => {
    expect(seriesFile).toEqual(referenceSeries());
    expect(rReference.seed).toBe(seriesFile.seed);
    expect(rReference.series.map((s) => s.name)).toEqual(seriesFile.series.map((s) => s.name));
  });
});

describe('agreement with R', () => {
  it("keeps each series' test MASE within 10 % of forecast::ets (additive models)", () => {
    ours.forEach((mine, i) => {
      const r = rReference.series[i]?.etsAdditive.mase as number;
      expect(
        Math.abs(mine.mase / r - 1),
        `${mine.name}: ours ${mine.mase.toFixed(3)}, R ${r.toFixed(3)}`,
      ).toBeLessThanOrEqual(0.1);
    });
  });

  it("keeps the mean test MASE within 10 % of HoltWinters' (or below it)", () => {
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const oursMean = mean(ours.map((mine) => mine.mase));
    const holtWinters = mean(rReference.series.map((s) => s.holtWinters.mase));
    expect(oursMean).toBeLessThanOrEqual(1.1 * holtWinters);
  });

  it('picks the model R picks on nearly every series', () => {
    const same = ours.filter((mine, i) => mine.result.model === rReference.series[i]?.etsAdditive.model);
    expect(same.length).toBeGreaterThanOrEqual(seriesFile.series.length - 2);
  });

  it("reaches a likelihood at least as high as R's for the model R chose", () => {
    // R's AICc drops the constant n·(log(2π/n) + 1) from −2·log-likelihood; the parameter counts agree.
    ours.forEach((mine, i) => {
      const reference = rReference.series[i]?.etsAdditive;
      const candidate = mine.result.candidates.find((c) => c.model === reference?.model);
      const rAicc = (reference?.aicc as number) + mine.n * (Math.log((2 * Math.PI) / mine.n) + 1);
      expect(candidate?.aicc, mine.name).toBeLessThanOrEqual(rAicc + 0.5);
    });
  });
});
