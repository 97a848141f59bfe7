import type { z } from 'zod';

export type LlmProviderName = 'openai' | 'anthropic' | 'ollama';

export interface StructuredCompletionRequest<T> {
  /** The use, for the ledger and the cache key, e.g. 'sentiment-label', 'media-summary'. */
  task: string;
  system: string;
  prompt: string;
  /** The output is validated with zod; an invalid output is a provider failure (the next provider is tried). */
  schema: z.ZodType<T>;
  maxOutputTokens?: number;
  /** Cancels the call (an HTTP request that went away): rejects with PROVIDER_CANCELLED, no fallback. */
  signal?: AbortSignal;
}

export interface StructuredCompletion<T> {
  value: T;
  provider: LlmProviderName | 'offline';
  model: string;
  cached: boolean;
}

export interface LlmClient {
  /** Tries the configured providers in order; `offline` computes the answer when none is configured or all fail. */
  complete<T>(request: StructuredCompletionRequest<T>, offline: () => T | Promise<T>): Promise<StructuredCompletion<T>>;
  /** True when at least one network provider is configured. */
  readonly online: boolean;
  describe(): Array<{ provider: string; model: string; state: 'configured' | 'open-circuit' | 'offline' }>;
}

/** What the client logs through (a pino/Fastify logger fits). Details never include keys or prompts. */
export interface LlmLogger {
  warn(details: object, message: string): void;
}
