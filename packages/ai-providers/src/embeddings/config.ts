import type { ResilienceOptions } from '@castor/resilience';
import { z } from 'zod';
import { parseEnv } from '../core/env.js';
import { type ModelPrice, pricingFromEnv } from '../core/pricing.js';
import { llmEnvSchema, llmResilienceOf } from '../llm/config.js';
import { OPENAI_PRICES } from '../llm/prices.js';

/**
 * OpenAI's embedding models: their full size, whether `dimensions` may shorten it (ada-002 refuses
 * the parameter) and the longest input in tokens. Another model name (an OpenAI-compatible
 * server's) is accepted as configured; its answers are checked against the size asked for.
 */
export const OPENAI_EMBEDDING_MODELS: Readonly<
  Record<string, { dimensions: number; shortenable: boolean; maxInputTokens: number }>
> = {
  'text-embedding-3-small': { dimensions: 1536, shortenable: true, maxInputTokens: 8191 },
  'text-embedding-3-large': { dimensions: 3072, shortenable: true, maxInputTokens: 8191 },
  'text-embedding-ada-002': { dimensions: 1536, shortenable: false, maxInputTokens: 8191 },
};

/** What the real API takes per request: 2,048 inputs and 300,000 tokens. */
export const OPENAI_EMBEDDING_REQUEST_LIMITS = { maxInputs: 2048, maxTokens: 300_000 } as const;

/**
 * The embedding variables of their own; the key, the base URL, the price overrides and the
 * timeout, retry and breaker settings are the text LLM layer's (`llmEnvSchema`), so one OpenAI
 * account is configured once. A service spreads both shapes into its schema.
 */
export const embeddingEnvSchema = z.object({
  OPENAI_EMBEDDING_MODEL: z
    .string()
    .trim()
    .min(1)
    .default('text-embedding-3-small')
    .describe(
      'OpenAI embedding model for the vector half of document retrieval (used only with OPENAI_API_KEY; without it retrieval is lexical only)',
    ),
  OPENAI_EMBEDDING_DIMENSIONS: z.coerce
    .number()
    .int()
    .min(64)
    .max(3072)
    .default(256)
    .describe(
      "Size of each embedding vector (the API's dimensions parameter). 256 holds 1/6 of the memory and scan time of -3-small's full 1536, and OpenAI's own benchmarks show shortened text-embedding-3 vectors keep most of the quality; at most 1536 for -3-small, 3072 for -3-large, exactly 1536 for ada-002",
    ),
  OPENAI_EMBEDDING_BATCH_INPUTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(OPENAI_EMBEDDING_REQUEST_LIMITS.maxInputs)
    .default(OPENAI_EMBEDDING_REQUEST_LIMITS.maxInputs)
    .describe('Most texts embedded per request (the API takes up to 2048)'),
  OPENAI_EMBEDDING_BATCH_TOKENS: z.coerce
    .number()
    .int()
    .min(8_191)
    .max(OPENAI_EMBEDDING_REQUEST_LIMITS.maxTokens)
    .default(250_000)
    .describe(
      'Most estimated tokens per embeddings request (the API takes up to 300,000; the estimate is deliberately high, about 3 characters a token)',
    ),
});

const sharedLlmVariables = llmEnvSchema.pick({
  OPENAI_API_KEY: true,
  OPENAI_BASE_URL: true,
  OPENAI_PRICING_JSON: true,
  LLM_TIMEOUT_MS: true,
  LLM_MAX_ATTEMPTS: true,
  LLM_RETRY_INITIAL_DELAY_MS: true,
  LLM_RETRY_MAX_DELAY_MS: true,
  LLM_MAX_RETRY_AFTER_MS: true,
  LLM_BREAKER_THRESHOLD: true,
  LLM_BREAKER_HALF_OPEN_MS: true,
});

/** Every variable the embedder reads: the shared LLM ones and its own. */
const embeddingConfigSchema = sharedLlmVariables.extend(embeddingEnvSchema.shape);

/** Timeout, retries and breaker of the embeddings calls, as `Resilience` takes them. */
export type EmbeddingResilienceConfig = Pick<
  ResilienceOptions,
  | 'attemptTimeoutMs'
  | 'maxAttempts'
  | 'initialDelayMs'
  | 'maxDelayMs'
  | 'maxRetryAfterMs'
  | 'breakerThreshold'
  | 'halfOpenAfterMs'
>;

export interface EmbeddingConfig {
  /** Undefined = no OpenAI key: there is no embedder and retrieval is lexical only. */
  apiKey: string | undefined;
  /** Undefined = the SDK's default (api.openai.com). */
  baseURL: string | undefined;
  model: string;
  dimensions: number;
  maxBatchInputs: number;
  maxBatchTokens: number;
  resilience: EmbeddingResilienceConfig & { attemptTimeoutMs: number };
  /** OpenAI list prices (embedding models included) with OPENAI_PRICING_JSON on top. */
  prices: Record<string, ModelPrice>;
}

/**
 * Reads the environment; throws naming the variable when one is set but invalid, or when the
 * dimensions do not fit a known model (ada-002 is always 1536: set OPENAI_EMBEDDING_DIMENSIONS=1536).
 */
export function embeddingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddingConfig {
  const values = parseEnv(embeddingConfigSchema, env);
  const known = OPENAI_EMBEDDING_MODELS[values.OPENAI_EMBEDDING_MODEL];
  if (known && !known.shortenable && values.OPENAI_EMBEDDING_DIMENSIONS !== known.dimensions) {
    throw new Error(
      `invalid environment: OPENAI_EMBEDDING_DIMENSIONS: ${values.OPENAI_EMBEDDING_MODEL} always has ${known.dimensions} dimensions`,
    );
  }
  if (known && values.OPENAI_EMBEDDING_DIMENSIONS > known.dimensions) {
    throw new Error(
      `invalid environment: OPENAI_EMBEDDING_DIMENSIONS: at most ${known.dimensions} for ${values.OPENAI_EMBEDDING_MODEL}`,
    );
  }
  return {
    apiKey: values.OPENAI_API_KEY,
    baseURL: values.OPENAI_BASE_URL,
    model: values.OPENAI_EMBEDDING_MODEL,
    dimensions: values.OPENAI_EMBEDDING_DIMENSIONS,
    maxBatchInputs: values.OPENAI_EMBEDDING_BATCH_INPUTS,
    maxBatchTokens: values.OPENAI_EMBEDDING_BATCH_TOKENS,
    resilience: llmResilienceOf(values),
    prices: { ...OPENAI_PRICES, ...pricingFromEnv('OPENAI_PRICING_JSON', values.OPENAI_PRICING_JSON) },
  };
}
