import { z } from 'zod';
import { decimalIntegerSchema, isoDateTimeSchema, uuidSchema } from '../common.js';
import {
  botFilterSchema,
  candidateRefSchema,
  checkPeriod,
  excludeBotsQuerySchema,
  granularitySchema,
  periodInputShape,
  periodSchema,
  postSummarySchema,
  sentimentBreakdownSchema,
} from './analysis-common.js';
import { candidateSlugSchema } from './candidates.js';

/** A free query over the stored posts: words, a #hashtag or an @account (Spanish full-text search). */
export const mediaQuerySchema = z
  .string()
  .trim()
  .min(2, { message: 'a query is at least 2 characters' })
  .max(200)
  .refine((text) => /[\p{L}\p{N}]/u.test(text), { message: 'a query needs at least one letter or digit' });

/**
 * `POST /api/media/analyze`: the conversation about a candidate, or about any text query over the
 * stored posts (words, a #hashtag or an @account), over a period.
 */
export const mediaAnalyzeRequestSchema = z
  .object({
    candidate: candidateSlugSchema.optional(),
    query: mediaQuerySchema.optional(),
    ...periodInputShape,
    granularity: granularitySchema.default('day'),
    excludeBots: z.boolean().default(false),
    top: z.number().int().min(1).max(50).default(10),
  })
  .superRefine((value, context) => {
    checkPeriod(value, context);
    if (value.candidate === undefined && value.query === undefined) {
      context.addIssue({ code: 'custom', path: ['candidate'], message: 'name a candidate or a query' });
    }
  });
export type MediaAnalyzeRequest = z.input<typeof mediaAnalyzeRequestSchema>;

export const seriesPointSchema = z.object({
  /** Start of the interval (hour, day or ISO week), UTC. */
  bucket: isoDateTimeSchema,
  posts: z.number().int(),
  positive: z.number().int(),
  neutral: z.number().int(),
  negative: z.number().int(),
  net: z.number().nullable(),
  botPosts: z.number().int(),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

export const topAuthorSchema = z.object({
  id: z.string(),
  username: z.string(),
  posts: z.number().int(),
  engagement: z.number().int(),
  botLikelihood: z.number().nullable(),
  suspectedBot: z.boolean(),
});

export const topicCountSchema = z.object({ label: z.string(), terms: z.array(z.string()), posts: z.number().int() });

/** A written summary of an analysis and who wrote it ('offline' = templated from the figures, no LLM). */
export const writtenSummarySchema = z.object({
  text: z.string(),
  provider: z.string(),
  model: z.string(),
});

export const mediaAnalysisSchema = z.object({
  id: uuidSchema,
  candidate: candidateRefSchema.nullable(),
  query: z.string().nullable(),
  period: periodSchema,
  granularity: granularitySchema,
  bots: botFilterSchema,
  totals: z.object({
    posts: z.number().int(),
    authors: z.number().int(),
    engagement: z.number().int(),
    /** Share of the selection's posts written by suspected bots (before any exclusion). */
    botShare: z.number().nullable(),
  }),
  /** The candidate's posts over all followed candidates' posts in the period (null for a free query). */
  shareOfVoice: z.number().nullable(),
  sentiment: sentimentBreakdownSchema,
  series: z.array(seriesPointSchema),
  topPosts: z.array(postSummarySchema),
  topAuthors: z.array(topAuthorSchema),
  topics: z.array(topicCountSchema),
  summary: writtenSummarySchema,
  generatedAt: isoDateTimeSchema,
});
export type MediaAnalysis = z.infer<typeof mediaAnalysisSchema>;

export const ANALYSIS_KINDS = ['media', 'campaign', 'rivals'] as const;

/** `GET /api/media/history`: the caller's earlier analyses, newest first, keyset-paged. */
export const mediaHistoryQuerySchema = z.object({
  kind: z.enum(ANALYSIS_KINDS).optional(),
  limit: decimalIntegerSchema({ min: 1, max: 100 }).default(20),
  before: isoDateTimeSchema.optional(),
});

export const analysisHistoryEntrySchema = z.object({
  id: uuidSchema,
  kind: z.enum(ANALYSIS_KINDS),
  createdAt: isoDateTimeSchema,
  request: z.record(z.string(), z.unknown()),
  /** One line on what it found ("1.234 publicaciones, neto +0,12"). */
  headline: z.string(),
});
export const mediaHistoryResponseSchema = z.object({
  analyses: z.array(analysisHistoryEntrySchema),
  nextBefore: isoDateTimeSchema.nullable(),
});

/** `GET /api/media/analyses/:id`: one stored analysis as it was answered. */
export const analysisParamsSchema = z.object({ id: uuidSchema });

/** `GET /api/media/posts.csv`: the stored posts of a candidate or query, with their scores. */
export const postsExportQuerySchema = z
  .object({
    candidate: candidateSlugSchema.optional(),
    query: mediaQuerySchema.optional(),
    ...periodInputShape,
    excludeBots: excludeBotsQuerySchema,
  })
  .superRefine((value, context) => {
    checkPeriod(value, context);
    if (value.candidate === undefined && value.query === undefined) {
      context.addIssue({ code: 'custom', path: ['candidate'], message: 'name a candidate or a query' });
    }
  });
