import Anthropic from '@anthropic-ai/sdk';
import { ProviderError, retryAfterMs } from '@castor/resilience';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, OpenAIError } from 'openai';
import type { TokenUsage } from '../core/pricing.js';
import { classifyAnthropicError } from '../e14/claude-reader.js';
import type { LlmProviderConfig } from './config.js';
import { outputName, type StructuredOutput } from './structured-output.js';
import type { LlmProviderName } from './types.js';

export interface ProviderAsk {
  task: string;
  system: string;
  prompt: string;
  output: StructuredOutput;
  maxOutputTokens: number;
}

/** One call's result: the JSON the model produced (not yet validated), or why there is none; tokens either way. */
export interface ProviderAnswer {
  usage: TokenUsage;
  json: { ok: true; value: unknown } | { ok: false; problem: string };
}

/** A network text provider: one structured-output call, no retries (the client's Resilience does those). */
export interface TextProvider {
  readonly name: LlmProviderName;
  readonly model: string;
  generate(ask: ProviderAsk, signal: AbortSignal): Promise<ProviderAnswer>;
  classify(error: unknown): ProviderError;
}

/** Maps what the OpenAI SDK throws (also for Ollama) to typed provider errors. */
export function classifyOpenAiError(error: unknown, provider: 'openai' | 'ollama' = 'openai'): ProviderError {
  const who = provider === 'openai' ? 'OpenAI' : 'Ollama';
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('PROVIDER_TIMEOUT', provider, `${who} did not answer in time`, { cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError('PROVIDER_UNAVAILABLE', provider, `${who} unreachable: ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof APIError && error.status !== undefined) {
    const details = { status: error.status, retryAfterMs: retryAfterMs(error.headers), cause: error };
    const what = `${who} answered ${error.status} ${error.code ?? error.type ?? ''}`.trim();
    // An exhausted quota is a 429 too, but waiting does not refill it: go to the next provider at once.
    if (error.status === 429 && error.code === 'insufficient_quota') {
      return new ProviderError('PROVIDER_REJECTED', provider, what, details);
    }
    if (error.status === 429) return new ProviderError('PROVIDER_RATE_LIMITED', provider, what, details);
    if (error.status === 401 || error.status === 403) {
      return new ProviderError('PROVIDER_AUTH_FAILED', provider, what, details);
    }
    if (error.status === 408 || error.status === 409 || error.status >= 500) {
      return new ProviderError('PROVIDER_UNAVAILABLE', provider, what, details);
    }
    return new ProviderError('PROVIDER_REJECTED', provider, `${what}: ${error.message}`, details);
  }
  if (error instanceof SyntaxError || error instanceof OpenAIError) {
    return new ProviderError('PROVIDER_BAD_RESPONSE', provider, `${who} sent an unreadable answer: ${error.message}`, {
      cause: error,
    });
  }
  return new ProviderError('PROVIDER_UNAVAILABLE', provider, `${who} call failed: ${String(error)}`, { cause: error });
}

const noTokens = (): TokenUsage => ({ inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 });

function parseJson(text: string): ProviderAnswer['json'] {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'the content is not JSON' };
  }
}

/**
 * OpenAI Chat Completions with structured outputs (`response_format: json_schema`), on the official
 * SDK; the same class talks to Ollama's OpenAI-compatible endpoint.
 */
export class OpenAiCompatibleProvider implements TextProvider {
  readonly name: 'openai' | 'ollama';
  readonly model: string;
  /** Private so the client (which holds the API key) never shows up in logs or inspection. */
  readonly #client: OpenAI;

  constructor(config: LlmProviderConfig & { provider: 'openai' | 'ollama' }) {
    this.name = config.provider;
    this.model = config.model;
    this.#client = new OpenAI({
      apiKey: config.apiKey,
      ...(config.baseURL ? { baseURL: config.baseURL } : {}),
      maxRetries: 0,
      logLevel: 'off',
    });
  }

  classify(error: unknown): ProviderError {
    return classifyOpenAiError(error, this.name);
  }

  async generate(ask: ProviderAsk, signal: AbortSignal): Promise<ProviderAnswer> {
    const completion = await this.#client.chat.completions.create(
      {
        model: this.model,
        messages: [
          { role: 'system', content: ask.system },
          { role: 'user', content: ask.prompt },
        ],
        response_format: {
          type: 'json_schema',
          json_schema: { name: outputName(ask.task), schema: ask.output.jsonSchema, strict: ask.output.strict },
        },
        // Ollama knows max_tokens; OpenAI's newer models accept only max_completion_tokens.
        ...(this.name === 'openai'
          ? { max_completion_tokens: ask.maxOutputTokens }
          : { max_tokens: ask.maxOutputTokens }),
      },
      { signal },
    );
    const cachedTokens = completion.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    const usage: TokenUsage = completion.usage
      ? {
          inputTokens: completion.usage.prompt_tokens - cachedTokens,
          outputTokens: completion.usage.completion_tokens,
          cacheWriteTokens: 0,
          cacheReadTokens: cachedTokens,
        }
      : noTokens();
    const choice = completion.choices?.[0];
    if (!choice) return { usage, json: { ok: false, problem: 'no choice in the answer' } };
    if (choice.message.refusal) return { usage, json: { ok: false, problem: 'the model refused' } };
    if (choice.finish_reason === 'length') return { usage, json: { ok: false, problem: 'cut at max tokens' } };
    if (!choice.message.content) return { usage, json: { ok: false, problem: 'empty content' } };
    return { usage, json: parseJson(choice.message.content) };
  }
}

/** Claude through the Messages API, the structured answer taken from a tool call whose input_schema is the schema. */
export class AnthropicTextProvider implements TextProvider {
  readonly name = 'anthropic' as const;
  readonly model: string;
  readonly #client: Anthropic;

  constructor(config: LlmProviderConfig) {
    this.model = config.model;
    this.#client = new Anthropic({ apiKey: config.apiKey, baseURL: config.baseURL, maxRetries: 0, logLevel: 'off' });
  }

  classify(error: unknown): ProviderError {
    return classifyAnthropicError(error);
  }

  async generate(ask: ProviderAsk, signal: AbortSignal): Promise<ProviderAnswer> {
    const tool = outputName(ask.task);
    // tool_choice stays auto: newer Claude models refuse forced tool use (see the E-14 reader).
    const message = await this.#client.messages.create(
      {
        model: this.model,
        max_tokens: ask.maxOutputTokens,
        system: `${ask.system}\n\nGive your answer only by calling the tool "${tool}" once.`,
        tools: [{ name: tool, description: `Record the answer (${ask.task})`, input_schema: ask.output.jsonSchema }],
        tool_choice: { type: 'auto' },
        messages: [{ role: 'user', content: ask.prompt }],
      },
      { signal },
    );
    const usage: TokenUsage = {
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
      cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
    };
    if (message.stop_reason === 'max_tokens') return { usage, json: { ok: false, problem: 'cut at max tokens' } };
    const call = message.content.find((block) => block.type === 'tool_use' && block.name === tool);
    if (call?.type !== 'tool_use') return { usage, json: { ok: false, problem: 'no call of the answer tool' } };
    return { usage, json: { ok: true, value: call.input } };
  }
}

export function createTextProvider(config: LlmProviderConfig): TextProvider {
  return config.provider === 'anthropic'
    ? new AnthropicTextProvider(config)
    : new OpenAiCompatibleProvider({ ...config, provider: config.provider });
}
