import { z } from 'zod';
import { parseEnv } from './core/env.js';
import { ANTHROPIC_PRICES, type ModelPrice, pricingFromEnv } from './core/pricing.js';

/**
 * Environment of the Claude Vision reader. The API key comes from the environment only and is
 * never logged; without it the reader is simply not configured and the service uses its offline
 * reader (the local recognizer) instead.
 */
export const anthropicReaderEnvSchema = z.object({
  ANTHROPIC_API_KEY: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Anthropic API key for the Claude Vision E-14 reader; unset = the reader is off (offline reading only)'),
  ANTHROPIC_MODEL: z.string().trim().min(1).default('claude-sonnet-5-5').describe('Claude model that reads E-14 pages'),
  ANTHROPIC_BASE_URL: z
    .url()
    .default('https://api.anthropic.com')
    .describe('Messages API base URL (tests point it at a loopback fake)'),
  ANTHROPIC_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(600_000)
    .default(60_000)
    .describe('Timeout of one Messages call attempt, ms'),
  ANTHROPIC_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(4)
    .describe('Attempts per reading on 429/5xx/529/timeouts, the first included'),
  ANTHROPIC_TOOL_CHOICE: z
    .enum(['auto', 'forced'])
    .default('auto')
    .describe('auto: offer the reading tool (all models); forced: pin tool_choice (4.x models)'),
  ANTHROPIC_MAX_TOKENS: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(128_000)
    .default(16_384)
    .describe('max_tokens per reading, room for adaptive thinking included'),
  ANTHROPIC_PRICING_JSON: z
    .string()
    .optional()
    .describe(
      'JSON {model: {inputPerMTok, outputPerMTok, cacheWritePerMTok, cacheReadPerMTok}} over the built-in prices (USD)',
    ),
  CACHE_TTL_E14_READING: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600)
    .describe('How long a Claude reading stays cached by image SHA-256, seconds'),
});

export interface AnthropicReaderConfig {
  apiKey: string;
  model: string;
  baseURL: string;
  attemptTimeoutMs: number;
  maxAttempts: number;
  toolChoice: 'auto' | 'forced';
  maxTokens: number;
  prices: Record<string, ModelPrice>;
  cacheTtlSeconds: number;
}

export type AnthropicReaderSetup =
  | { configured: true; config: AnthropicReaderConfig }
  | { configured: false; reason: string; prices: Record<string, ModelPrice> };

/** Reads the environment; throws naming the variable when one is set but invalid. */
export function anthropicReaderConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AnthropicReaderSetup {
  const values = parseEnv(anthropicReaderEnvSchema, env);
  const overrides = pricingFromEnv('ANTHROPIC_PRICING_JSON', values.ANTHROPIC_PRICING_JSON);
  const prices = { ...ANTHROPIC_PRICES, ...overrides };
  if (!values.ANTHROPIC_API_KEY) {
    return { configured: false, reason: 'ANTHROPIC_API_KEY is not set: Claude Vision is off', prices };
  }
  return {
    configured: true,
    config: {
      apiKey: values.ANTHROPIC_API_KEY,
      model: values.ANTHROPIC_MODEL,
      baseURL: values.ANTHROPIC_BASE_URL,
      attemptTimeoutMs: values.ANTHROPIC_TIMEOUT_MS,
      maxAttempts: values.ANTHROPIC_MAX_ATTEMPTS,
      toolChoice: values.ANTHROPIC_TOOL_CHOICE,
      maxTokens: values.ANTHROPIC_MAX_TOKENS,
      prices,
      cacheTtlSeconds: values.CACHE_TTL_E14_READING,
    },
  };
}
