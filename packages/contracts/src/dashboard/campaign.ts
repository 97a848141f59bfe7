import { z } from 'zod';
import {
  botFilterSchema,
  candidateRefSchema,
  checkPeriod,
  excludeBotsQuerySchema,
  granularitySchema,
  periodInputShape,
  periodSchema,
} from './analysis-common.js';
import { candidateSlugSchema } from './candidates.js';
import { mediaAnalysisSchema } from './media.js';

/** Every measure compared between candidates and between a period and the one before it. */
export const conversationMeasuresSchema = z.object({
  posts: z.number().int(),
  authors: z.number().int(),
  engagement: z.number().int(),
  shareOfVoice: z.number().nullable(),
  positiveShare: z.number().nullable(),
  negativeShare: z.number().nullable(),
  net: z.number().nullable(),
  botShare: z.number().nullable(),
});
export type ConversationMeasures = z.infer<typeof conversationMeasuresSchema>;

/**
 * Period-over-period change: relative for counts (0.25 = +25 %; null when the previous period had
 * none), absolute for shares and the net (+0.05 = five points).
 */
export const measuresChangeSchema = z.object({
  posts: z.number().nullable(),
  authors: z.number().nullable(),
  engagement: z.number().nullable(),
  shareOfVoice: z.number().nullable(),
  positiveShare: z.number().nullable(),
  negativeShare: z.number().nullable(),
  net: z.number().nullable(),
  botShare: z.number().nullable(),
});

/** `POST /api/campaign/rivals/compare`: two to eight candidates side by side (default: all followed). */
export const rivalsCompareRequestSchema = z
  .object({
    candidates: z.array(candidateSlugSchema).min(2).max(8).optional(),
    ...periodInputShape,
    granularity: granularitySchema.default('day'),
    excludeBots: z.boolean().default(false),
  })
  .superRefine((value, context) => {
    checkPeriod(value, context);
    if (value.candidates && new Set(value.candidates).size !== value.candidates.length) {
      context.addIssue({ code: 'custom', path: ['candidates'], message: 'a candidate is named twice' });
    }
  });
export type RivalsCompareRequest = z.input<typeof rivalsCompareRequestSchema>;

/**
 * `GET /api/campaign/rivals/compare.csv?candidates=a,b&from&to&excludeBots`: the same comparison as
 * CSV, candidates comma-separated (default: all followed).
 */
export const rivalsCompareCsvQuerySchema = z
  .object({
    candidates: z
      .string()
      .transform((list) => list.split(',').map((slug) => slug.trim()))
      .pipe(z.array(candidateSlugSchema).min(2).max(8))
      .optional(),
    ...periodInputShape,
    excludeBots: excludeBotsQuerySchema,
  })
  .superRefine((value, context) => {
    checkPeriod(value, context);
    if (value.candidates && new Set(value.candidates).size !== value.candidates.length) {
      context.addIssue({ code: 'custom', path: ['candidates'], message: 'a candidate is named twice' });
    }
  });

export const rivalsComparisonSchema = z.object({
  id: z.uuid(),
  period: periodSchema,
  /** The period of the same length just before, that `change` is measured against. */
  previousPeriod: periodSchema,
  granularity: granularitySchema,
  excludeBots: z.boolean(),
  candidates: z.array(
    z.object({
      candidate: candidateRefSchema,
      measures: conversationMeasuresSchema,
      previous: conversationMeasuresSchema,
      change: measuresChangeSchema,
    }),
  ),
  /** Posts per interval per candidate slug, for the side-by-side chart. */
  series: z.array(z.object({ bucket: z.string(), posts: z.record(z.string(), z.number().int()) })),
  generatedAt: z.string(),
});
export type RivalsComparison = z.infer<typeof rivalsComparisonSchema>;

/** `POST /api/campaign/analyze`: the own candidate (or the one named) in full, placed among the rivals. */
export const campaignAnalyzeRequestSchema = z
  .object({
    candidate: candidateSlugSchema.optional(),
    ...periodInputShape,
    granularity: granularitySchema.default('day'),
    excludeBots: z.boolean().default(false),
  })
  .superRefine(checkPeriod);
export type CampaignAnalyzeRequest = z.input<typeof campaignAnalyzeRequestSchema>;

export const campaignAnalysisSchema = z.object({
  analysis: mediaAnalysisSchema,
  bots: botFilterSchema,
  /** Where the candidate stands by share of voice and by net sentiment among all followed (1 = first). */
  rank: z.object({ shareOfVoice: z.number().int(), net: z.number().int(), of: z.number().int() }),
  rivals: z.array(z.object({ candidate: candidateRefSchema, measures: conversationMeasuresSchema })),
  /** Short findings in Spanish, each from the figures above ("El volumen subió 35 % frente a la semana anterior"). */
  highlights: z.array(z.string()),
});
export type CampaignAnalysis = z.infer<typeof campaignAnalysisSchema>;
