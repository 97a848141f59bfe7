import type { ConversationMeasures, Granularity } from '@castor/contracts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The window an analysis covers when the request leaves one or both bounds out. */
export const DEFAULT_ANALYSIS_DAYS = 30;

export interface TimePeriod {
  from: Date;
  to: Date;
}

/**
 * The period asked for: both bounds as given; one bound alone is the 30 days after `from` or
 * before `to`; neither is the last 30 days up to `now`. (The contract already refused to < from
 * and spans over a year.)
 */
export function resolvePeriod(input: { from?: string | undefined; to?: string | undefined }, now: Date): TimePeriod {
  const window = DEFAULT_ANALYSIS_DAYS * DAY_MS;
  if (input.from !== undefined && input.to !== undefined) return { from: new Date(input.from), to: new Date(input.to) };
  if (input.from !== undefined) {
    const from = new Date(input.from);
    return { from, to: new Date(from.getTime() + window) };
  }
  const to = input.to === undefined ? now : new Date(input.to);
  return { from: new Date(to.getTime() - window), to };
}

/** The period of the same length that ends where `period` starts. */
export function previousPeriod(period: TimePeriod): TimePeriod {
  const span = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - span), to: period.from };
}

export const isoPeriod = (period: TimePeriod) => ({ from: period.from.toISOString(), to: period.to.toISOString() });

/** `part / whole`, or null when there is nothing to share. */
export function shareOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export interface SentimentCounts {
  positive: number;
  neutral: number;
  negative: number;
}

/** Net sentiment P − N: the positive share minus the negative share of the scored posts (−1..1). */
export function netSentiment(counts: SentimentCounts): number | null {
  const scored = counts.positive + counts.neutral + counts.negative;
  return scored > 0 ? (counts.positive - counts.negative) / scored : null;
}

/** A selection's counts: `all` and `bots` before suspected bots are left out, the rest after. */
export interface ConversationCounts extends SentimentCounts {
  all: number;
  bots: number;
  posts: number;
  authors: number;
  engagement: number;
}

/**
 * What one candidate's (or selection's) counts come to, measured as the contract compares them;
 * the bot share is of the posts before any exclusion, as the media analysis gives it.
 */
export function conversationMeasures(
  counts: ConversationCounts,
  allCandidatesPosts: number | null,
): ConversationMeasures {
  const scored = counts.positive + counts.neutral + counts.negative;
  return {
    posts: counts.posts,
    authors: counts.authors,
    engagement: counts.engagement,
    shareOfVoice: allCandidatesPosts === null ? null : shareOf(counts.posts, allCandidatesPosts),
    positiveShare: shareOf(counts.positive, scored),
    negativeShare: shareOf(counts.negative, scored),
    net: netSentiment(counts),
    botShare: shareOf(counts.bots, counts.all),
  };
}

const relativeChange = (current: number, previous: number) => (previous > 0 ? (current - previous) / previous : null);
const absoluteChange = (current: number | null, previous: number | null) =>
  current === null || previous === null ? null : current - previous;

/** Period-over-period change: relative for counts (null when the previous period had none), absolute for shares. */
export function measuresChange(current: ConversationMeasures, previous: ConversationMeasures) {
  return {
    posts: relativeChange(current.posts, previous.posts),
    authors: relativeChange(current.authors, previous.authors),
    engagement: relativeChange(current.engagement, previous.engagement),
    shareOfVoice: absoluteChange(current.shareOfVoice, previous.shareOfVoice),
    positiveShare: absoluteChange(current.positiveShare, previous.positiveShare),
    negativeShare: absoluteChange(current.negativeShare, previous.negativeShare),
    net: absoluteChange(current.net, previous.net),
    botShare: absoluteChange(current.botShare, previous.botShare),
  };
}

/** Start of the interval holding `at`, UTC (ISO weeks start on Monday), as PostgreSQL's date_trunc gives it. */
export function bucketStart(at: Date, granularity: Granularity): Date {
  const start = new Date(at.getTime());
  start.setUTCMinutes(0, 0, 0);
  if (granularity === 'hour') return start;
  start.setUTCHours(0);
  if (granularity === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  return start;
}

const STEP_MS: Record<Granularity, number> = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS };

/** Every interval start of the period, so a chart shows quiet intervals as zero rather than skipping them. */
export function bucketsOf(period: TimePeriod, granularity: Granularity): Date[] {
  const buckets: Date[] = [];
  for (let at = bucketStart(period.from, granularity).getTime(); at < period.to.getTime(); at += STEP_MS[granularity]) {
    buckets.push(new Date(at));
  }
  return buckets;
}

/** `points` keyed by interval start, with every interval of the period present (`empty` where none was counted). */
export function fillSeries<Point extends { bucket: string }>(
  points: readonly Point[],
  period: TimePeriod,
  granularity: Granularity,
  empty: (bucket: string) => Point,
): Point[] {
  const byBucket = new Map(points.map((point) => [new Date(point.bucket).toISOString(), point]));
  return bucketsOf(period, granularity).map((start) => {
    const bucket = start.toISOString();
    return byBucket.get(bucket) ?? empty(bucket);
  });
}

/**
 * Standard competition rank of `key` by `value`, highest first (1 = first; ties share a rank;
 * null values come last).
 */
export function rankBy<T>(items: readonly T[], value: (item: T) => number | null, key: T): number {
  const own = value(key);
  if (own === null) return items.filter((item) => value(item) !== null).length + 1;
  return items.filter((item) => (value(item) ?? Number.NEGATIVE_INFINITY) > own).length + 1;
}
