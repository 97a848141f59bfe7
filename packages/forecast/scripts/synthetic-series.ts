import { createRng } from '@castor/seeded-random';

/**
 * Daily series built from known parts (level, slope, a weekly shape, level shifts, a random-walk
 * component and noise), drawn from a seeded generator so that the R reference and the tests see the
 * same numbers on every machine.
 */
export interface SyntheticSeriesSpec {
  name: string;
  length: number;
  level: number;
  /** Added per day. */
  slope: number;
  /** Amplitude of the weekly shape (its values lie in ±amplitude and sum to zero). */
  weeklyAmplitude: number;
  /** Standard deviation of the independent noise. */
  noiseSd: number;
  /** Standard deviation of the daily step of a random walk added to the level (0 for none). */
  walkSd?: number;
  /** A permanent jump of `size` from day `at` on. */
  levelShift?: { at: number; size: number };
  /** Slope that decays by this factor each day (a damped trend), instead of a constant one. */
  slopeDecay?: number;
}

export function generateSeries(spec: SyntheticSeriesSpec, seed: string): number[] {
  const rng = createRng(`${seed}:${spec.name}`);
  const shape = Array.from({ length: 7 }, () => rng.uniform(-1, 1));
  const shapeMean = shape.reduce((a, b) => a + b, 0) / 7;
  const shapeMax = Math.max(...shape.map((v) => Math.abs(v - shapeMean)));
  const weekly = shape.map((v) => ((v - shapeMean) / shapeMax) * spec.weeklyAmplitude);
  const values: number[] = [];
  let walk = 0;
  let trend = 0;
  let slope = spec.slope;
  for (let t = 0; t < spec.length; t++) {
    walk += spec.walkSd ? rng.gaussian(0, spec.walkSd) : 0;
    trend += slope;
    if (spec.slopeDecay !== undefined) slope *= spec.slopeDecay;
    const shift = spec.levelShift && t >= spec.levelShift.at ? spec.levelShift.size : 0;
    const value = spec.level + trend + (weekly[t % 7] as number) + walk + shift + rng.gaussian(0, spec.noiseSd);
    values.push(Math.round(value * 1000) / 1000);
  }
  return values;
}

export const REFERENCE_SEED = 'forecast-reference-v1';
export const REFERENCE_HORIZON = 14;
export const REFERENCE_SEASON_PERIOD = 7;
const LENGTH = 112; // 14 weeks to fit, 2 weeks to score

/** The series R's ets and HoltWinters are run on (reference/series.json). */
export const REFERENCE_SPECS: readonly SyntheticSeriesSpec[] = [
  { name: 'flat-noise', length: LENGTH, level: 50, slope: 0, weeklyAmplitude: 0, noiseSd: 3 },
  { name: 'trend-up', length: LENGTH, level: 30, slope: 0.4, weeklyAmplitude: 0, noiseSd: 2 },
  { name: 'weekly-strong', length: LENGTH, level: 60, slope: 0, weeklyAmplitude: 12, noiseSd: 2 },
  { name: 'weekly-trend-up', length: LENGTH, level: 40, slope: 0.25, weeklyAmplitude: 6, noiseSd: 2 },
  { name: 'weekly-trend-down', length: LENGTH, level: 80, slope: -0.2, weeklyAmplitude: 8, noiseSd: 3 },
  {
    name: 'shift-up',
    length: LENGTH,
    level: 45,
    slope: 0,
    weeklyAmplitude: 0,
    noiseSd: 2,
    levelShift: { at: 70, size: 10 },
  },
  {
    name: 'weekly-shift-down',
    length: LENGTH,
    level: 55,
    slope: 0.05,
    weeklyAmplitude: 7,
    noiseSd: 2,
    levelShift: { at: 84, size: -8 },
  },
  { name: 'damped-growth', length: LENGTH, level: 20, slope: 1.2, slopeDecay: 0.97, weeklyAmplitude: 3, noiseSd: 1.5 },
  { name: 'random-walk', length: LENGTH, level: 50, slope: 0, weeklyAmplitude: 0, noiseSd: 0.5, walkSd: 1.5 },
  { name: 'weekly-random-walk', length: LENGTH, level: 50, slope: 0, weeklyAmplitude: 5, noiseSd: 1, walkSd: 1 },
  { name: 'weekly-low-noise', length: LENGTH, level: 30, slope: 0.1, weeklyAmplitude: 4, noiseSd: 0.5 },
  { name: 'noisy-trend', length: LENGTH, level: 100, slope: 0.3, weeklyAmplitude: 3, noiseSd: 6 },
];

export interface ReferenceSeriesFile {
  seed: string;
  seasonPeriod: number;
  horizon: number;
  series: { name: string; train: number[]; test: number[] }[];
}

export function referenceSeries(): ReferenceSeriesFile {
  return {
    seed: REFERENCE_SEED,
    seasonPeriod: REFERENCE_SEASON_PERIOD,
    horizon: REFERENCE_HORIZON,
    series: REFERENCE_SPECS.map((spec) => {
      const values = generateSeries(spec, REFERENCE_SEED);
      return { name: spec.name, train: values.slice(0, -REFERENCE_HORIZON), test: values.slice(-REFERENCE_HORIZON) };
    }),
  };
}
