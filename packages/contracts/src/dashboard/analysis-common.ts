import { z } from 'zod';
import { isoDateTimeSchema } from '../common.js';
import { SENTIMENT_LABEL_VALUES } from './sentiment-labels.js';

const DAY_MS = 86_400_000;
/** The longest period one analysis covers: a campaign year. */
export const MAX_ANALYSIS_DAYS = 366;

export const sentimentLabelSchema = z.enum(SENTIMENT_LABEL_VALUES);

export const GRANULARITIES = ['hour', 'day', 'week'] as const;
export const granularitySchema = z.enum(GRANULARITIES);
export type Granularity = z.infer<typeof granularitySchema>;

/**
 * A period asked for: `from` inclusive, `to` exclusive, both ISO date-times with an offset. Either
 * may be left out (the last 30 days up to now); the span is at most a year.
 */
export const periodInputShape = {
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
};

export function checkPeriod(
  value: { from?: string | undefined; to?: string | undefined },
  context: z.RefinementCtx,
): void {
  if (value.from === undefined || value.to === undefined) return;
  const span = Date.parse(value.to) - Date.parse(value.from);
  if (span <= 0) context.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`' });
  else if (span > MAX_ANALYSIS_DAYS * DAY_MS) {
    context.addIssue({ code: 'custom', path: ['to'], message: `a period is at most ${MAX_ANALYSIS_DAYS} days` });
  }
}

export const periodSchema = z.object({ from: isoDateTimeSchema, to: isoDateTimeSchema });
export type Period = z.infer<typeof periodSchema>;

/** Counts by label and the net sentiment P − N (shares of positive and negative posts, −1..1). */
export const sentimentBreakdownSchema = z.object({
  positive: z.number().int(),
  neutral: z.number().int(),
  negative: z.number().int(),
  /** Posts not scored yet (just stored; the background analysis is on its way). */
  unscored: z.number().int(),
  net: z.number().nullable(),
});
export type SentimentBreakdown = z.infer<typeof sentimentBreakdownSchema>;

/** A post as the analyses show it. */
export const postSummarySchema = z.object({
  id: z.string(),
  text: z.string(),
  authorId: z.string(),
  authorUsername: z.string(),
  postedAt: isoDateTimeSchema,
  /** likes + reposts + replies + quotes */
  engagement: z.number().int(),
  sentiment: sentimentLabelSchema.nullable(),
  sentimentScore: z.number().nullable(),
  suspectedBot: z.boolean(),
});
export type PostSummary = z.infer<typeof postSummarySchema>;

/** A candidate as the analyses name it. */
export const candidateRefSchema = z.object({
  slug: z.string(),
  name: z.string(),
  own: z.boolean(),
  color: z.string().nullable(),
});
export type CandidateRef = z.infer<typeof candidateRefSchema>;

/** Whether an answer left suspected bots out, and how many of the selection's posts that was. */
export const botFilterSchema = z.object({
  excludeBots: z.boolean(),
  suspectedBotPosts: z.number().int(),
});

/** `excludeBots` written in a URL (the CSV exports): 'true' or 'false'. */
export const excludeBotsQuerySchema = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');
