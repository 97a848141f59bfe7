import { z } from 'zod';
import { decimalIntegerSchema, isoDateTimeSchema, uuidSchema } from '../common.js';
import { postSummarySchema } from './analysis-common.js';
import { candidateSlugSchema } from './candidates.js';

export const TREND_KINDS = ['term', 'hashtag', 'topic'] as const;
export const TREND_WINDOWS = ['1h', '6h', '24h', '7d'] as const;

/**
 * `GET /api/campaign/trending`: what rises now against its smoothed baseline, per candidate or
 * overall. Suspected bots are left out of trends unless `includeBots=true`.
 */
export const trendingQuerySchema = z.object({
  candidate: candidateSlugSchema.optional(),
  window: z.enum(TREND_WINDOWS).default('24h'),
  /** The end of the window (default now): how a past debate night looked. */
  at: isoDateTimeSchema.optional(),
  includeBots: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  limit: decimalIntegerSchema({ min: 1, max: 50 }).default(15),
});

export const trendSchema = z.object({
  kind: z.enum(TREND_KINDS),
  /** The term or #hashtag, or a topic's label. */
  term: z.string(),
  /** A topic's defining terms (a single term or hashtag lists itself). */
  terms: z.array(z.string()),
  candidate: candidateSlugSchema.nullable(),
  volume: z.number().int(),
  /** Expected volume in the window from the smoothed history before it. */
  baseline: z.number(),
  zScore: z.number(),
  /** Distinct (non-bot unless included) authors behind the volume. */
  authors: z.number().int(),
  posts: z.array(postSummarySchema),
});
export type Trend = z.infer<typeof trendSchema>;

export const spikeAlertSchema = z.object({
  id: uuidSchema,
  kind: z.enum(['term', 'hashtag', 'topic', 'volume']),
  term: z.string(),
  candidate: candidateSlugSchema.nullable(),
  windowStart: isoDateTimeSchema,
  volume: z.number().int(),
  baseline: z.number(),
  zScore: z.number(),
  authors: z.number().int(),
  detectedAt: isoDateTimeSchema,
});
export type SpikeAlert = z.infer<typeof spikeAlertSchema>;

export const trendingResponseSchema = z.object({
  window: z.object({ from: isoDateTimeSchema, to: isoDateTimeSchema }),
  includeBots: z.boolean(),
  /** The rule: z ≥ minZ over a baseline of the previous windows, with at least minAuthors distinct authors. */
  rule: z.object({ minZ: z.number(), minAuthors: z.number().int(), baselineWindows: z.number().int() }),
  trends: z.array(trendSchema),
  spikes: z.array(spikeAlertSchema),
});
export type TrendingResponse = z.infer<typeof trendingResponseSchema>;

/** `GET /api/campaign/spikes`: spike alerts, newest first. */
export const spikesQuerySchema = z.object({
  candidate: candidateSlugSchema.optional(),
  limit: decimalIntegerSchema({ min: 1, max: 200 }).default(50),
});
export const spikesResponseSchema = z.object({ spikes: z.array(spikeAlertSchema) });
