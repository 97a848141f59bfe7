import { z } from 'zod';
import { parseEnv } from '../core/env.js';
import { ANTHROPIC_PRICES, type ModelPrice, pricingFromEnv } from '../core/pricing.js';
import { LOCAL_MODEL_PRICE, OPENAI_PRICES } from './prices.js';
import type { LlmProviderName } from './types.js';

const PROVIDER_NAMES = ['openai', 'anthropic', 'ollama'] as const satisfies readonly LlmProviderName[];

const milliseconds = (min: number, max: number, fallback: number, what: string) =>
  z.coerce.number().int().min(min).max(max).default(fallback).describe(what);

/**
 * Environment of the text LLM layer (dashboard-ia's labels, summaries, wording). Every key comes
 * from the environment only and is never logged; a provider without its key (or URL, for Ollama)
 * is simply not configured, and with none configured every answer is computed offline.
 */
export const llmEnvSchema = z.object({
  OPENAI_API_KEY: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('OpenAI API key, the primary text LLM; unset = OpenAI is off'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o').describe('OpenAI chat model for structured text answers'),
  OPENAI_BASE_URL: z
    .url()
    .optional()
    .describe(
      'OpenAI API base URL including /v1 (default https://api.openai.com/v1; tests point it at a loopback fake)',
    ),
  OPENAI_PRICING_JSON: z
    .string()
    .optional()
    .describe(
      'JSON {model: {inputPerMTok, outputPerMTok, cacheWritePerMTok, cacheReadPerMTok}} over the built-in OpenAI prices (USD)',
    ),
  ANTHROPIC_API_KEY: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Anthropic API key; for text answers Claude is the fallback after OpenAI; unset = Claude is off'),
  ANTHROPIC_TEXT_MODEL: z
    .string()
    .trim()
    .min(1)
    .default('claude-haiku-5-5')
    .describe('Claude model for structured text answers (ANTHROPIC_MODEL is the E-14 vision reader)'),
  ANTHROPIC_BASE_URL: z
    .url()
    .default('https://api.anthropic.com')
    .describe('Messages API base URL (tests point it at a loopback fake)'),
  ANTHROPIC_PRICING_JSON: z
    .string()
    .optional()
    .describe(
      'JSON {model: {inputPerMTok, outputPerMTok, cacheWritePerMTok, cacheReadPerMTok}} over the built-in Anthropic prices (USD)',
    ),
  OLLAMA_BASE_URL: z
    .url()
    .optional()
    .describe('OpenAI-compatible local endpoint including /v1, e.g. http://127.0.0.1:11434/v1; unset = Ollama is off'),
  OLLAMA_MODEL: z.string().trim().min(1).default('llama3.1').describe('Model served by the local endpoint'),
  LLM_PROVIDER_ORDER: z
    .string()
    .default('openai,anthropic,ollama')
    .transform((value) => value.split(',').map((name) => name.trim()))
    .pipe(z.array(z.enum(PROVIDER_NAMES)).min(1))
    .refine((names) => new Set(names).size === names.length, 'a provider is listed twice')
    .describe(
      'Fallback order of the text providers, comma-separated; unconfigured ones are skipped, offline comes last',
    ),
  LLM_TIMEOUT_MS: milliseconds(1_000, 600_000, 30_000, 'Timeout of one text LLM call attempt, ms'),
  LLM_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(3)
    .describe('Attempts per provider on 429/5xx/timeouts, the first included, before falling back to the next'),
  LLM_RETRY_INITIAL_DELAY_MS: milliseconds(
    0,
    60_000,
    500,
    'First backoff between attempts, ms (exponential, jittered)',
  ),
  LLM_RETRY_MAX_DELAY_MS: milliseconds(0, 600_000, 8_000, 'Longest backoff between attempts, ms'),
  LLM_MAX_RETRY_AFTER_MS: milliseconds(
    0,
    600_000,
    20_000,
    'A retry-after longer than this is not waited for: the next provider answers instead, ms',
  ),
  LLM_BREAKER_THRESHOLD: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('Consecutive unavailability failures (5xx, timeouts) that open a provider circuit'),
  LLM_BREAKER_HALF_OPEN_MS: milliseconds(
    100,
    3_600_000,
    30_000,
    'How long an open provider circuit waits before one trial call, ms',
  ),
  LLM_MAX_OUTPUT_TOKENS: z.coerce
    .number()
    .int()
    .min(16)
    .max(128_000)
    .default(1_024)
    .describe('Default max output tokens per answer (a request may ask for fewer or more)'),
  CACHE_TTL_OPENAI: z.coerce
    .number()
    .int()
    .min(60)
    .default(7 * 24 * 3600)
    .describe(
      'How long a text LLM answer (any provider) stays cached by provider, model, task and prompt hash, seconds',
    ),
});

export interface LlmProviderConfig {
  provider: LlmProviderName;
  model: string;
  apiKey: string;
  /** Undefined = the SDK's default (api.openai.com). */
  baseURL: string | undefined;
}

export interface LlmConfig {
  /** Configured network providers, in fallback order; empty = offline only. */
  providers: LlmProviderConfig[];
  attemptTimeoutMs: number;
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
  maxOutputTokens: number;
  cacheTtlSeconds: number;
  /** OpenAI and Anthropic list prices with the env overrides on top; the Ollama model at 0. */
  prices: Record<string, ModelPrice>;
}

/** The timeouts, retries and breaker every OpenAI-compatible call shares (chat and embeddings). */
export function llmResilienceOf(
  values: Pick<
    z.output<typeof llmEnvSchema>,
    | 'LLM_TIMEOUT_MS'
    | 'LLM_MAX_ATTEMPTS'
    | 'LLM_RETRY_INITIAL_DELAY_MS'
    | 'LLM_RETRY_MAX_DELAY_MS'
    | 'LLM_MAX_RETRY_AFTER_MS'
    | 'LLM_BREAKER_THRESHOLD'
    | 'LLM_BREAKER_HALF_OPEN_MS'
  >,
) {
  return {
    attemptTimeoutMs: values.LLM_TIMEOUT_MS,
    maxAttempts: values.LLM_MAX_ATTEMPTS,
    initialDelayMs: values.LLM_RETRY_INITIAL_DELAY_MS,
    maxDelayMs: values.LLM_RETRY_MAX_DELAY_MS,
    maxRetryAfterMs: values.LLM_MAX_RETRY_AFTER_MS,
    breakerThreshold: values.LLM_BREAKER_THRESHOLD,
    halfOpenAfterMs: values.LLM_BREAKER_HALF_OPEN_MS,
  };
}

/** Reads the environment; throws naming the variable when one is set but invalid. */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LlmConfig {
  const values = parseEnv(llmEnvSchema, env);
  const available: Record<LlmProviderName, LlmProviderConfig | null> = {
    openai: values.OPENAI_API_KEY
      ? {
          provider: 'openai',
          model: values.OPENAI_MODEL,
          apiKey: values.OPENAI_API_KEY,
          baseURL: values.OPENAI_BASE_URL,
        }
      : null,
    anthropic: values.ANTHROPIC_API_KEY
      ? {
          provider: 'anthropic',
          model: values.ANTHROPIC_TEXT_MODEL,
          apiKey: values.ANTHROPIC_API_KEY,
          baseURL: values.ANTHROPIC_BASE_URL,
        }
      : null,
    // Ollama ignores the key, but the OpenAI SDK insists on one.
    ollama: values.OLLAMA_BASE_URL
      ? { provider: 'ollama', model: values.OLLAMA_MODEL, apiKey: 'ollama', baseURL: values.OLLAMA_BASE_URL }
      : null,
  };
  return {
    providers: values.LLM_PROVIDER_ORDER.flatMap((name) => available[name] ?? []),
    ...llmResilienceOf(values),
    maxOutputTokens: values.LLM_MAX_OUTPUT_TOKENS,
    cacheTtlSeconds: values.CACHE_TTL_OPENAI,
    prices: {
      [values.OLLAMA_MODEL]: LOCAL_MODEL_PRICE,
      ...OPENAI_PRICES,
      ...ANTHROPIC_PRICES,
      ...pricingFromEnv('OPENAI_PRICING_JSON', values.OPENAI_PRICING_JSON),
      ...pricingFromEnv('ANTHROPIC_PRICING_JSON', values.ANTHROPIC_PRICING_JSON),
    },
  };
}
