import { twoSidedZ } from './normal.js';

export interface MomentumOptions {
  /** Days in the trailing window the line is fitted over. Default 7. */
  window?: number;
  /** Coverage of the band. Default 0.95. */
  level?: number;
}

export interface MomentumPoint {
  /** Slope of the line fitted to the trailing window: change in the index per day. null when < 3 values. */
  slope: number | null;
  standardError: number | null;
  lower: number | null;
  upper: number | null;
  /** 'up' or 'down' when the band excludes zero, 'flat' when it holds zero, null without a slope. */
  direction: 'up' | 'down' | 'flat' | null;
  /** Non-missing values the slope rests on. */
  points: number;
}

/**
 * Momentum of a daily index (ICCE): the slope of an ordinary least-squares line through the last
 * `window` days (ending at each day), in index points per day, i.e. a smoothed rate of change.
 * Missing days (null) are skipped; at least 3 values are needed.
 *
 * The band is slope ± z·SE, with SE = √(σ̂² / Σ(t − t̄)²) and σ̂² the residual variance (n − 2 degrees
 * of freedom). It reads: if the index moved along a straight line plus independent day-to-day noise
 * over the window, the true slope lies in the band with the stated probability; a band that excludes
 * zero means the rise or fall is larger than that noise explains. Day-to-day noise that is correlated
 * (a story that lasts several days) makes the band too narrow, and normal quantiles rather than
 * Student's t make it slightly narrow for short windows.
 */
export function computeMomentum(values: readonly (number | null)[], options: MomentumOptions = {}): MomentumPoint[] {
  const { window = 7, level = 0.95 } = options;
  if (!Number.isInteger(window) || window < 3) throw new RangeError(`window must be an integer ≥ 3, got ${window}`);
  const z = twoSidedZ(level);
  return values.map((_, end) => {
    let count = 0;
    let sumT = 0;
    let sumY = 0;
    for (let t = Math.max(0, end - window + 1); t <= end; t++) {
      const value = values[t];
      if (value === null || value === undefined) continue;
      count++;
      sumT += t;
      sumY += value;
    }
    if (count < 3)
      return { slope: null, standardError: null, lower: null, upper: null, direction: null, points: count };
    const meanT = sumT / count;
    const meanY = sumY / count;
    let sxx = 0;
    let sxy = 0;
    for (let t = Math.max(0, end - window + 1); t <= end; t++) {
      const value = values[t];
      if (value === null || value === undefined) continue;
      sxx += (t - meanT) ** 2;
      sxy += (t - meanT) * (value - meanY);
    }
    const slope = sxy / sxx;
    let residualSquares = 0;
    for (let t = Math.max(0, end - window + 1); t <= end; t++) {
      const value = values[t];
      if (value === null || value === undefined) continue;
      residualSquares += (value - meanY - slope * (t - meanT)) ** 2;
    }
    const standardError = Math.sqrt(residualSquares / (count - 2) / sxx);
    const lower = slope - z * standardError;
    const upper = slope + z * standardError;
    const direction = lower > 0 ? 'up' : upper < 0 ? 'down' : 'flat';
    return { slope, standardError, lower, upper, direction, points: count };
  });
}
