import { z } from 'zod';
import { sentimentLabelSchema } from './analysis-common.js';

/** Most texts one `POST /api/sentiment/score` may carry. */
export const SENTIMENT_SCORE_MAX_TEXTS = 1_000;

/** `POST /api/sentiment/score`: Spanish texts to score with the service's sentiment model. */
export const sentimentScoreRequestSchema = z.object({
  texts: z
    .array(z.string().trim().min(1, { message: 'a text cannot be empty' }).max(4_000))
    .min(1, { message: 'send at least one text' })
    .max(SENTIMENT_SCORE_MAX_TEXTS, { message: `at most ${SENTIMENT_SCORE_MAX_TEXTS} texts per request` }),
});
export type SentimentScoreRequest = z.input<typeof sentimentScoreRequestSchema>;

export const sentimentTextScoreSchema = z.object({
  label: sentimentLabelSchema,
  /** P(positive) − P(negative), −1..1. */
  score: z.number().min(-1).max(1),
  /** The model that gave the score ("castor-sentiment-es-offline", "onnx:…", "llm:<provider>:<model>"). */
  model: z.string(),
  version: z.string(),
  /**
   * Who actually scored the text: "offline" is the in-process model (no network), also when it
   * stood in for the configured ONNX or LLM provider; `fallback` then says why.
   */
  provider: z.enum(['offline', 'onnx', 'llm']),
  fallback: z.string().optional(),
});
export type SentimentTextScore = z.infer<typeof sentimentTextScoreSchema>;

/** One score per text, in the order sent. */
export const sentimentScoreResponseSchema = z.object({ scores: z.array(sentimentTextScoreSchema) });
export type SentimentScoreResponse = z.infer<typeof sentimentScoreResponseSchema>;

const agreementSchema = z.object({
  posts: z.number().int(),
  /** Share of posts with the teacher's label. */
  agreement: z.number(),
  /** Macro-F1 with the teacher's labels as the truth. */
  macroF1: z.number(),
  cohenKappa: z.number(),
});

/** What a distillation measured: the offline model's agreement with its LLM teacher before and after. */
export const sentimentDistillationReportSchema = z.object({
  teacher: z.object({ name: z.string(), version: z.string(), kind: z.enum(['offline', 'onnx', 'llm']) }),
  baseVersion: z.string(),
  version: z.string(),
  sample: z.object({
    requested: z.number().int(),
    sampled: z.number().int(),
    teacherLabelled: z.number().int(),
    teacherFallbacks: z.number().int(),
    perLabel: z.record(sentimentLabelSchema, z.number().int()),
    trainedOn: z.number().int(),
    heldOut: z.number().int(),
  }),
  weighting: z.object({
    originalPosts: z.number().int(),
    originalPostWeight: z.number(),
    teacherPostWeight: z.number(),
  }),
  /** Old and new model against the teacher on the held-out part of the sample. */
  heldOut: z.object({ before: agreementSchema, after: agreementSchema }),
  wholeSampleBefore: agreementSchema,
});
export type SentimentDistillationReport = z.infer<typeof sentimentDistillationReportSchema>;

/** A sentiment model distilled in the service (stored in `sentiment_models`). */
export const sentimentModelSummarySchema = z.object({
  version: z.string(),
  name: z.string(),
  active: z.boolean(),
  createdAt: z.iso.datetime({ offset: true }),
  report: sentimentDistillationReportSchema,
});
export type SentimentModelSummary = z.infer<typeof sentimentModelSummarySchema>;

/** `GET /api/sentiment/models`: the distilled versions, and what scores now. */
export const sentimentModelsResponseSchema = z.object({
  /** The offline model's version in use: the active distilled one, else the committed one. */
  offlineVersion: z.string(),
  /** The configured provider (SENTIMENT_PROVIDER) scoring posts and /api/sentiment/score. */
  provider: z.object({ kind: z.enum(['offline', 'onnx', 'llm']), name: z.string(), version: z.string() }),
  models: z.array(sentimentModelSummarySchema),
});
export type SentimentModelsResponse = z.infer<typeof sentimentModelsResponseSchema>;

/**
 * `POST /api/sentiment/models/:version/activate`: the offline model switches to that version (the
 * committed version's name, e.g. "v1", goes back to it). Posts scored by another offline version
 * are marked and scored again in the background.
 */
export const sentimentModelVersionParamsSchema = z.object({ version: z.string().min(1).max(64) });
export const sentimentModelActivationResponseSchema = z.object({
  offlineVersion: z.string(),
  /** Stored posts whose offline score was cleared to be scored again with this version. */
  postsToRescore: z.number().int(),
});
export type SentimentModelActivationResponse = z.infer<typeof sentimentModelActivationResponseSchema>;
