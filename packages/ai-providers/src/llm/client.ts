import { createHash } from 'node:crypto';
import { isProviderError, ProviderError, Resilience } from '@castor/resilience';
import { type KeyValueStore, MemoryStore } from '@castor/service-kit';
import { PricingTable } from '../core/pricing.js';
import { ResponseCache } from '../core/response-cache.js';
import { UsageLedger } from '../core/usage-ledger.js';
import type { LlmConfig } from './config.js';
import { createTextProvider, type TextProvider } from './providers.js';
import { type StructuredOutput, structuredOutputOf } from './structured-output.js';
import type { LlmClient, LlmLogger, StructuredCompletion, StructuredCompletionRequest } from './types.js';

export interface LlmClientDependencies {
  /** Where answers are cached (Redis in services); an in-process store when omitted. */
  store?: Pick<KeyValueStore, 'get' | 'set' | 'delete'>;
  /** Tokens and cost of every call; one priced from `config.prices` when omitted. */
  ledger?: UsageLedger;
  log?: LlmLogger;
}

const OFFLINE_MODEL = 'offline';

/**
 * The text LLM client: each configured provider in order, each behind its own `Resilience`
 * (timeout per attempt, retries with backoff honouring retry-after, a circuit breaker), answers
 * validated with the caller's zod schema and cached; when every provider fails or none is
 * configured, the caller's offline computation answers, marked `provider: 'offline'`.
 */
export class FallbackLlmClient implements LlmClient {
  readonly ledger: UsageLedger;
  readonly #providers: Array<{ provider: TextProvider; resilience: Resilience }>;
  readonly #cache: ResponseCache;
  readonly #config: LlmConfig;
  readonly #log: LlmLogger | undefined;
  readonly #inFlight = new Map<
    string,
    { answer: Promise<StructuredCompletion<unknown>>; signal: AbortSignal | undefined }
  >();

  constructor(config: LlmConfig, dependencies: LlmClientDependencies = {}) {
    this.#config = config;
    this.#log = dependencies.log;
    this.ledger = dependencies.ledger ?? new UsageLedger(new PricingTable(config.prices));
    this.#cache = new ResponseCache(dependencies.store ?? new MemoryStore(), {
      keyPrefix: 'llm:',
      ttlSeconds: config.cacheTtlSeconds,
      onError: (error, operation) =>
        this.#log?.warn({ operation, error: String(error) }, 'LLM response cache failed; treated as a miss'),
    });
    this.#providers = config.providers.map((providerConfig) => {
      const provider = createTextProvider(providerConfig);
      const resilience = new Resilience({
        provider: provider.name,
        attemptTimeoutMs: config.attemptTimeoutMs,
        maxAttempts: config.maxAttempts,
        initialDelayMs: config.initialDelayMs,
        maxDelayMs: config.maxDelayMs,
        maxRetryAfterMs: config.maxRetryAfterMs,
        breakerThreshold: config.breakerThreshold,
        halfOpenAfterMs: config.halfOpenAfterMs,
        classify: (error) => provider.classify(error),
        onBreakerStateChange: ({ state }) =>
          this.#log?.warn({ provider: provider.name, model: provider.model, state }, 'LLM provider circuit changed'),
      });
      return { provider, resilience };
    });
  }

  get online(): boolean {
    return this.#providers.length > 0;
  }

  describe() {
    return [
      ...this.#providers.map(({ provider, resilience }) => ({
        provider: provider.name,
        model: provider.model,
        state:
          resilience.breakerState === 'open' || resilience.breakerState === 'isolated'
            ? ('open-circuit' as const)
            : ('configured' as const),
      })),
      { provider: 'offline', model: OFFLINE_MODEL, state: 'offline' as const },
    ];
  }

  async complete<T>(
    request: StructuredCompletionRequest<T>,
    offline: () => T | Promise<T>,
  ): Promise<StructuredCompletion<T>> {
    const output = structuredOutputOf(request.schema);
    // The system prompt and the schema are part of the question: a change to either is a new answer.
    const promptHash = createHash('sha256')
      .update(JSON.stringify([request.system, output.jsonSchema, request.prompt]))
      .digest('hex');
    // The same question asked again while it is being answered (a dashboard opened by many at once)
    // shares the one call, when both can be cancelled together (same signal or none).
    const questionKey = `${request.task}:${promptHash}`;
    const pending = this.#inFlight.get(questionKey);
    if (pending && pending.signal === request.signal) return pending.answer as Promise<StructuredCompletion<T>>;
    const answer = this.#answer(request, offline, output, promptHash);
    if (!pending) {
      this.#inFlight.set(questionKey, { answer, signal: request.signal });
      answer.finally(() => this.#inFlight.delete(questionKey)).catch(() => undefined);
    }
    return answer;
  }

  async #answer<T>(
    request: StructuredCompletionRequest<T>,
    offline: () => T | Promise<T>,
    output: StructuredOutput,
    promptHash: string,
  ): Promise<StructuredCompletion<T>> {
    const cacheKey = (provider: TextProvider) => `${provider.name}:${provider.model}:${request.task}:${promptHash}`;

    const started = performance.now();
    const hits = await Promise.all(
      this.#providers.map(({ provider }) => this.#cache.get(cacheKey(provider), request.schema)),
    );
    const hitIndex = hits.findIndex((hit) => hit !== null);
    const hitProvider = this.#providers[hitIndex]?.provider;
    if (hitProvider) {
      this.ledger.record({
        provider: hitProvider.name,
        model: hitProvider.model,
        operation: request.task,
        subject: promptHash,
        usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
        cached: true,
        attempts: 0,
        durationMs: performance.now() - started,
        outcome: 'ok',
      });
      return { value: hits[hitIndex] as T, provider: hitProvider.name, model: hitProvider.model, cached: true };
    }

    for (const { provider, resilience } of this.#providers) {
      const attemptStarted = performance.now();
      let attempt = 0;
      try {
        const { value, attempts } = await resilience.execute(async (signal) => {
          attempt += 1;
          const answer = await provider.generate(
            {
              task: request.task,
              system: request.system,
              prompt: request.prompt,
              output,
              maxOutputTokens: request.maxOutputTokens ?? this.#config.maxOutputTokens,
            },
            signal,
          );
          const parsed = answer.json.ok ? request.schema.safeParse(output.unwrap(answer.json.value)) : null;
          if (parsed?.success) return { value: parsed.data, usage: answer.usage };
          // Billed even though refused; bad answers are not retried on the same provider.
          this.ledger.record({
            provider: provider.name,
            model: provider.model,
            operation: request.task,
            subject: promptHash,
            usage: answer.usage,
            cached: false,
            attempts: attempt,
            durationMs: performance.now() - attemptStarted,
            outcome: 'bad_response',
          });
          const problem = answer.json.ok
            ? `does not match the schema: ${parsed?.error.issues[0]?.message}`
            : answer.json.problem;
          throw new ProviderError(
            'PROVIDER_BAD_RESPONSE',
            provider.name,
            `${provider.name} answer refused: ${problem}`,
          );
        }, request.signal);
        this.ledger.record({
          provider: provider.name,
          model: provider.model,
          operation: request.task,
          subject: promptHash,
          usage: value.usage,
          cached: false,
          attempts,
          durationMs: performance.now() - attemptStarted,
          outcome: 'ok',
        });
        await this.#cache.set(cacheKey(provider), value.value);
        return { value: value.value, provider: provider.name, model: provider.model, cached: false };
      } catch (error) {
        if (isProviderError(error, 'PROVIDER_CANCELLED') || request.signal?.aborted) throw error;
        const failure = isProviderError(error) ? error : provider.classify(error);
        this.#log?.warn(
          { task: request.task, model: provider.model, ...failure.toJSON() },
          'LLM provider failed; falling back',
        );
      }
    }
    return { value: await offline(), provider: 'offline', model: OFFLINE_MODEL, cached: false };
  }
}

/** The client for a service, from `llmConfigFromEnv()`; with no provider configured it answers offline only. */
export function createLlmClient(config: LlmConfig, dependencies: LlmClientDependencies = {}): FallbackLlmClient {
  return new FallbackLlmClient(config, dependencies);
}
