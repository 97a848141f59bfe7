import { twoSidedZ } from './normal.js';

/** One candidate's posts on one day, and all tracked posts that day. */
export interface CandidateDayCounts {
  /** The candidate's posts classified positive. */
  positive: number;
  /** The candidate's posts classified negative. */
  negative: number;
  /** All the candidate's posts (positive + negative + neutral). */
  total: number;
  /** All tracked posts that day, every candidate included. */
  allTracked: number;
}

export interface IcceOptions {
  /** Weight of sentiment (ISN') against share of conversation (ICR), in [0, 1]. Default 0.5. */
  alpha?: number;
  /** Coverage of the uncertainty band. Default 0.95. */
  level?: number;
}

export interface IcceDay {
  /** ISN = P − N, shares of positive and negative among the candidate's posts, in [−1, 1]; null with no posts. */
  isn: number | null;
  /** ISN' = (ISN + 1) / 2, in [0, 1]; null with no posts. */
  isnNormalized: number | null;
  /** ICR = the candidate's posts / all tracked posts, in [0, 1] (0 when nothing was tracked). */
  icr: number;
  /** ICCE = 100·(α·ISN' + (1 − α)·ICR), in [0, 100]; null when the candidate had no posts. */
  icce: number | null;
  /** Standard error of ICCE (points); null with no posts. */
  standardError: number | null;
  /** ICCE ± z·standardError, clipped to [0, 100]; null with no posts. */
  lower: number | null;
  upper: number | null;
  /** Posts behind the point: the candidate's and all tracked. */
  posts: number;
  allTracked: number;
}

const PSEUDO_POSTS_PER_SENTIMENT = 1;
const PSEUDO_SUCCESSES = 2;

function checkCounts(counts: CandidateDayCounts): void {
  const { positive, negative, total, allTracked } = counts;
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  if (positive + negative > total)
    throw new RangeError(`positive + negative (${positive + negative}) exceeds total (${total})`);
  if (total > allTracked)
    throw new RangeError(`the candidate's posts (${total}) exceed all tracked posts (${allTracked})`);
}

/**
 * ICCE (Índice Compuesto de Conversación Electoral) of one candidate on one day, as the original
 * CASTOR defined it: ISN = P − N, ISN' = (ISN + 1)/2, ICR = candidate posts / tracked posts,
 * ICCE = 100·(α·ISN' + (1 − α)·ICR). It measures the tone and the share of the conversation that was
 * tracked, not voting intention.
 *
 * Uncertainty (delta method, sampling error only): the candidate's posts are taken as a multinomial
 * sample of positive / negative / neutral, so Var(P̂ − N̂) = (p + q − (p − q)²)/n and Var(ISN') is a
 * quarter of that; the candidate's share of tracked posts is binomial, Var(ICR) = c(1 − c)/T; the two
 * are treated as independent, so Var(ICCE) = 100²·(α²·Var(ISN') + (1 − α)²·Var(ICR)). The variances are
 * evaluated at Agresti–Coull-style adjusted proportions (one pseudo-post added to each sentiment class;
 * two successes and two failures added to the share), so that 3 posts all positive give a wide band,
 * not a zero-width one. Classification error of the sentiment model is not included.
 */
export function computeIcce(counts: CandidateDayCounts, options: IcceOptions = {}): IcceDay {
  checkCounts(counts);
  const { alpha = 0.5, level = 0.95 } = options;
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha must lie in [0, 1], got ${alpha}`);
  const z = twoSidedZ(level);
  const { positive, negative, total, allTracked } = counts;
  const icr = allTracked === 0 ? 0 : total / allTracked;
  if (total === 0) {
    return {
      isn: null,
      isnNormalized: null,
      icr,
      icce: null,
      standardError: null,
      lower: null,
      upper: null,
      posts: 0,
      allTracked,
    };
  }
  const isn = (positive - negative) / total;
  const isnNormalized = (isn + 1) / 2;
  const icce = 100 * (alpha * isnNormalized + (1 - alpha) * icr);

  const adjustedTotal = total + 3 * PSEUDO_POSTS_PER_SENTIMENT;
  const p = (positive + PSEUDO_POSTS_PER_SENTIMENT) / adjustedTotal;
  const q = (negative + PSEUDO_POSTS_PER_SENTIMENT) / adjustedTotal;
  const isnVariance = (p + q - (p - q) ** 2) / adjustedTotal;
  const adjustedTracked = allTracked + 2 * PSEUDO_SUCCESSES;
  const c = (total + PSEUDO_SUCCESSES) / adjustedTracked;
  const icrVariance = (c * (1 - c)) / adjustedTracked;
  const standardError = 100 * Math.sqrt(alpha ** 2 * (isnVariance / 4) + (1 - alpha) ** 2 * icrVariance);
  return {
    isn,
    isnNormalized,
    icr,
    icce,
    standardError,
    lower: Math.max(0, icce - z * standardError),
    upper: Math.min(100, icce + z * standardError),
    posts: total,
    allTracked,
  };
}

/** ICCE for each day of a series of counts (same options for every day). */
export function computeIcceSeries(days: readonly CandidateDayCounts[], options: IcceOptions = {}): IcceDay[] {
  return days.map((day) => computeIcce(day, options));
}
