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
});
export type SentimentTextScore = z.infer<typeof sentimentTextScoreSchema>;

/** One score per text, in the order sent. */
export const sentimentScoreResponseSchema = z.object({ scores: z.array(sentimentTextScoreSchema) });
export type SentimentScoreResponse = z.infer<typeof sentimentScoreResponseSchema>;
