/**
 * Trend detection over window counts: is a term's volume in the current window unusual given the
 * windows before it? Pure: the caller counts, this decides.
 */

export interface TrendRule {
  /** The z-score a rise must reach. */
  minZ: number;
  /** Distinct authors the current window's volume must come from: one loud account is not a trend. */
  minAuthors: number;
  /** Weight of the newest previous window in the smoothed baseline (EWMA), 0..1. */
  smoothing: number;
}

export const DEFAULT_TREND_RULE: TrendRule = { minZ: 3, minAuthors: 5, smoothing: 0.3 };

/** A term's (or topic's, or a candidate's total) counts: previous windows oldest first, then the current one. */
export interface WindowSeries {
  history: readonly number[];
  volume: number;
  /** Distinct authors behind `volume` (the caller leaves suspected bots out unless asked not to). */
  authors: number;
}

export interface TrendScore {
  /** The expected volume: the exponentially weighted mean of the previous windows. */
  baseline: number;
  zScore: number;
  isTrend: boolean;
}

/** The exponentially weighted moving average of `history` (oldest first); 0 without history. */
export function smoothedBaseline(history: readonly number[], smoothing: number): number {
  if (history.length === 0) return 0;
  let average = history[0] as number;
  for (let index = 1; index < history.length; index++) {
    average = smoothing * (history[index] as number) + (1 - smoothing) * average;
  }
  return average;
}

/**
 * Anscombe's transform: for Poisson counts 2√(x + 3/8) has variance ≈ 1 whatever the mean, so one
 * threshold fits a term seen twice a day and one seen 500 times an hour.
 */
const anscombe = (count: number) => 2 * Math.sqrt(count + 0.375);

function deviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * The z-score of the current window against the smoothed baseline, on Anscombe-transformed counts:
 * the difference of the transformed volume and baseline over the transformed history's standard
 * deviation, floored at 1 (the Poisson noise no history can claim to be below). So 0 → 3 posts
 * scores 2.4 (noise), 0 → 8 scores 4.5, 100 → 130 scores 2.8, and a term that always swings
 * widely needs a wider swing. A trend also needs `minAuthors` distinct authors behind the volume.
 */
export function scoreWindow(series: WindowSeries, rule: TrendRule): TrendScore {
  const baseline = smoothedBaseline(series.history, rule.smoothing);
  const spread = Math.max(1, deviation(series.history.map(anscombe)));
  const zScore = (anscombe(series.volume) - anscombe(baseline)) / spread;
  return {
    baseline,
    zScore,
    isTrend: series.volume > baseline && zScore >= rule.minZ && series.authors >= rule.minAuthors,
  };
}
