import { type FakeAnthropic, type FakeOpenAi, startFakeAnthropic, startFakeOpenAi } from '@castor/fake-apis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createLlmClient,
  type LlmConfig,
  type LlmProviderConfig,
  llmConfigFromEnv,
  type StructuredCompletionRequest,
} from '../src/index.js';
import { redisStore } from './helpers.js';

const OPENAI_KEY = 'sk-proj-castor-test-9d2e';
const ANTHROPIC_KEY = 'sk-ant-castor-test-77aa';

const sentimentSchema = z.object({
  label: z.enum(['positivo', 'negativo', 'neutro']),
  confidence: z.number().min(0).max(1),
});
type Sentiment = z.infer<typeof sentimentSchema>;

const request = (
  prompt = 'Texto: "El candidato cumplió lo prometido en Anza."',
): StructuredCompletionRequest<Sentiment> => ({
  task: 'sentiment-label',
  system: 'Clasifica el sentimiento de un texto político colombiano.',
  prompt,
  schema: sentimentSchema,
});
const offlineLabel = (): Sentiment => ({ label: 'neutro', confidence: 0 });

let openai: FakeOpenAi;
let anthropic: FakeAnthropic;
let ollama: FakeOpenAi;

beforeEach(async () => {
  [openai, anthropic, ollama] = await Promise.all([
    startFakeOpenAi({ apiKeys: [OPENAI_KEY] }),
    startFakeAnthropic({ apiKeys: [ANTHROPIC_KEY] }),
    startFakeOpenAi(),
  ]);
});
afterEach(async () => {
  await Promise.all([openai.close(), anthropic.close(), ollama.close()]);
});

const providerConfigs = (): Record<'openai' | 'anthropic' | 'ollama', LlmProviderConfig> => ({
  openai: { provider: 'openai', model: 'gpt-4o', apiKey: OPENAI_KEY, baseURL: `${openai.url}/v1` },
  anthropic: { provider: 'anthropic', model: 'claude-haiku-5-5', apiKey: ANTHROPIC_KEY, baseURL: anthropic.url },
  ollama: { provider: 'ollama', model: 'llama3.1', apiKey: 'ollama', baseURL: `${ollama.url}/v1` },
});

/** The env path, pointed at the fakes, with fast timeouts and backoff. */
function config(overrides: Record<string, string> = {}): LlmConfig {
  return llmConfigFromEnv({
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: `${openai.url}/v1`,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: anthropic.url,
    LLM_TIMEOUT_MS: '1000',
    LLM_MAX_ATTEMPTS: '2',
    LLM_RETRY_INITIAL_DELAY_MS: '10',
    LLM_RETRY_MAX_DELAY_MS: '50',
    LLM_MAX_RETRY_AFTER_MS: '2000',
    LLM_BREAKER_THRESHOLD: '3',
    LLM_BREAKER_HALF_OPEN_MS: '400',
    ...overrides,
  });
}

describe('LlmClient against the real SDKs and loopback servers', () => {
  it('answers from OpenAI with a strict json_schema generated from the zod schema', async () => {
    openai.script({ kind: 'json', content: { label: 'positivo', confidence: 0.91 } });
    const client = createLlmClient(config());

    const answer = await client.complete(request(), offlineLabel);

    expect(answer).toEqual({
      value: { label: 'positivo', confidence: 0.91 },
      provider: 'openai',
      model: 'gpt-4o',
      cached: false,
    });
    const sent = openai.completions[0];
    expect(sent?.body.model).toBe('gpt-4o');
    expect(sent?.body.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(sent?.body.max_completion_tokens).toBe(1024);
    expect(sent?.jsonSchema).toMatchObject({ name: 'sentiment-label', strict: true });
    expect(sent?.jsonSchema?.schema).toMatchObject({
      type: 'object',
      required: ['label', 'confidence'],
      properties: { label: { enum: ['positivo', 'negativo', 'neutro'] } },
    });
    expect(sent?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(anthropic.requests).toHaveLength(0);
    expect(client.online).toBe(true);
  });

  it('asks for a non-object schema wrapped in { value } and unwraps it; optional fields turn strict off', async () => {
    openai.script({ kind: 'json', content: { value: 'negativo' } });
    openai.script({ kind: 'json', content: { title: 'Resumen' } });
    const client = createLlmClient(config());

    const label = await client.complete(
      { ...request(), task: 'label-only', schema: z.enum(['positivo', 'negativo']) },
      () => 'positivo' as const,
    );
    const summary = await client.complete(
      { ...request(), task: 'media-summary', schema: z.object({ title: z.string(), note: z.string().optional() }) },
      () => ({ title: 'sin resumen' }),
    );

    expect(label).toMatchObject({ value: 'negativo', provider: 'openai' });
    expect(openai.completions[0]?.jsonSchema?.schema).toMatchObject({ required: ['value'] });
    expect(summary).toMatchObject({ value: { title: 'Resumen' }, provider: 'openai' });
    expect(openai.completions[1]?.jsonSchema?.strict).toBe(false);
  });

  it('waits out a 429 retry-after and then succeeds on OpenAI', async () => {
    openai.script({ kind: 'error', status: 429, retryAfterMs: 300 });
    openai.script({ kind: 'json', content: { label: 'negativo', confidence: 0.7 } });
    const client = createLlmClient(config());

    const started = performance.now();
    const answer = await client.complete(request(), offlineLabel);

    expect(answer).toMatchObject({ provider: 'openai', value: { label: 'negativo' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(openai.completions).toHaveLength(2);
    expect(client.ledger.totals().byModel[0]).toMatchObject({ provider: 'openai', calls: 1 });
  });

  it('does not sleep through a retry-after above the ceiling: the fallback answers at once', async () => {
    openai.script({ kind: 'error', status: 429, retryAfterMs: 30_000 });
    anthropic.script({ kind: 'tool_use', input: { label: 'neutro', confidence: 0.5 } });
    const client = createLlmClient(config());

    const started = performance.now();
    const answer = await client.complete(request(), offlineLabel);

    expect(answer.provider).toBe('anthropic');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(openai.completions).toHaveLength(1);
  });

  it('falls back to Anthropic after repeated 500s, answering through a tool whose input_schema is the schema', async () => {
    openai.script({ kind: 'error', status: 500 }, { times: 2 });
    anthropic.script({
      kind: 'tool_use',
      input: { label: 'positivo', confidence: 0.8 },
      before: [{ type: 'text', text: 'Voy a registrar la respuesta.' }],
    });
    const client = createLlmClient(config());

    const answer = await client.complete(request(), offlineLabel);

    expect(answer).toEqual({
      value: { label: 'positivo', confidence: 0.8 },
      provider: 'anthropic',
      model: 'claude-haiku-5-5',
      cached: false,
    });
    expect(openai.completions).toHaveLength(2);
    const sent = anthropic.messages[0]?.body;
    expect(sent?.tools?.[0]).toMatchObject({
      name: 'sentiment-label',
      input_schema: { type: 'object', required: ['label', 'confidence'] },
    });
    expect(sent?.system).toContain('Clasifica el sentimiento');
  });

  it('falls back when OpenAI hangs past the attempt timeout', async () => {
    openai.script({ kind: 'hang' }, { times: 2 });
    anthropic.script({ kind: 'tool_use', input: { label: 'neutro', confidence: 0.6 } });
    const client = createLlmClient(config({ LLM_TIMEOUT_MS: '1000' }));

    const started = performance.now();
    const answer = await client.complete(request(), offlineLabel);

    expect(answer.provider).toBe('anthropic');
    expect(openai.completions).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('refuses malformed output and falls back, accounting the billed tokens of the refused answers', async () => {
    openai.script({
      kind: 'text',
      text: 'positivo, con bastante seguridad',
      usage: { prompt_tokens: 100, completion_tokens: 9 },
    });
    anthropic.script({
      kind: 'tool_use',
      input: { label: 'euforico', confidence: 2 },
      usage: { input_tokens: 120, output_tokens: 20 },
    });
    ollama.script({ kind: 'json', content: { label: 'positivo', confidence: 0.55 } });
    const providers = providerConfigs();
    const client = createLlmClient({
      ...config(),
      providers: [providers.openai, providers.anthropic, providers.ollama],
    });

    const answer = await client.complete(request(), offlineLabel);

    expect(answer).toMatchObject({ provider: 'ollama', model: 'llama3.1', value: { label: 'positivo' } });
    // Bad answers are not retried on the same provider.
    expect(openai.completions).toHaveLength(1);
    expect(anthropic.messages).toHaveLength(1);
    expect(ollama.completions[0]?.body.max_tokens).toBe(1024);
    const byProvider = Object.fromEntries(client.ledger.totals().byModel.map((row) => [row.provider, row]));
    expect(byProvider.openai).toMatchObject({ calls: 1, inputTokens: 100, outputTokens: 9 });
    expect(byProvider.anthropic).toMatchObject({ calls: 1, inputTokens: 120, outputTokens: 20 });
    expect(byProvider.ollama?.costUsd).toBe(0);
  });

  it('answers offline, saying so, when every provider is down or answers garbage', async () => {
    openai.script({ kind: 'malformed_json' });
    openai.script({ kind: 'error', status: 503 }, { times: 2 });
    anthropic.script({ kind: 'error', status: 529 }, { times: 2 });
    anthropic.script({ kind: 'text', text: 'No puedo ayudar con eso.' });
    const client = createLlmClient(config());
    let offlineCalls = 0;
    const offline = () => {
      offlineCalls += 1;
      return { label: 'neutro' as const, confidence: 0 };
    };

    const first = await client.complete(request(), offline);
    const second = await client.complete(request('Otro texto'), offline);

    expect(first).toEqual({
      value: { label: 'neutro', confidence: 0 },
      provider: 'offline',
      model: 'offline',
      cached: false,
    });
    expect(second.provider).toBe('offline');
    expect(offlineCalls).toBe(2);
    // malformed body (1) + 503 twice (2); 529 twice (2) + a text turn without the tool (1).
    expect(openai.completions).toHaveLength(3);
    expect(anthropic.messages).toHaveLength(3);
  });

  it('answers offline without any request when no provider is configured', async () => {
    const client = createLlmClient(llmConfigFromEnv({}));

    const answer = await client.complete(request(), offlineLabel);

    expect(client.online).toBe(false);
    expect(client.describe()).toEqual([{ provider: 'offline', model: 'offline', state: 'offline' }]);
    expect(answer.provider).toBe('offline');
  });

  it('opens the OpenAI circuit after repeated failures, skips it while open and closes it after a good trial', async () => {
    openai.setHandler(() => ({ kind: 'error', status: 500 }));
    anthropic.setHandler(() => ({ kind: 'tool_use', input: { label: 'neutro', confidence: 0.5 } }));
    const client = createLlmClient(config({ LLM_MAX_ATTEMPTS: '1', LLM_BREAKER_THRESHOLD: '3' }));

    for (let call = 0; call < 3; call++) {
      expect((await client.complete(request(`texto ${call}`), offlineLabel)).provider).toBe('anthropic');
    }
    expect(client.describe()[0]).toEqual({ provider: 'openai', model: 'gpt-4o', state: 'open-circuit' });
    await client.complete(request('texto 3'), offlineLabel);
    expect(openai.completions).toHaveLength(3);

    openai.setHandler(() => ({ kind: 'json', content: { label: 'positivo', confidence: 0.9 } }));
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await client.complete(request('texto 4'), offlineLabel)).provider).toBe('openai');
    expect(client.describe()[0]?.state).toBe('configured');
  });

  it('serves a repeated question from the Redis cache without new tokens, across client instances', async () => {
    const { store, redis } = await redisStore();
    try {
      openai.setHandler(() => ({ kind: 'json', content: { label: 'positivo', confidence: 0.9 } }));
      const client = createLlmClient(config(), { store });

      const fresh = await client.complete(request(), offlineLabel);
      const tokensAfterFirst = client.ledger.totals().overall.inputTokens;
      const again = await client.complete(request(), offlineLabel);
      const elsewhere = await createLlmClient(config(), { store }).complete(request(), offlineLabel);

      expect(fresh.cached).toBe(false);
      expect(again).toEqual({ ...fresh, cached: true });
      expect(elsewhere.cached).toBe(true);
      expect(openai.completions).toHaveLength(1);
      expect(client.ledger.totals().overall).toMatchObject({ calls: 2, cachedCalls: 1, inputTokens: tokensAfterFirst });
      expect(tokensAfterFirst).toBeGreaterThan(0);

      // Another prompt, task or system prompt is another question.
      await client.complete(request('Otro texto'), offlineLabel);
      await client.complete({ ...request(), task: 'sentiment-label-v2' }, offlineLabel);
      await client.complete({ ...request(), system: 'Otra instrucción.' }, offlineLabel);
      expect(openai.completions).toHaveLength(4);
    } finally {
      redis.disconnect();
    }
  });

  it('shares one call among identical questions asked at once', async () => {
    openai.setHandler(() => ({ kind: 'json', content: { label: 'positivo', confidence: 0.9 } }));
    openai.script({ kind: 'json', content: { label: 'positivo', confidence: 0.9 } }, { delayMs: 200 });
    const client = createLlmClient(config());

    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => client.complete(request(), offlineLabel)),
      client.complete(request('Otra pregunta'), offlineLabel),
    ]);

    expect(answers.slice(0, 5).every((answer) => answer.provider === 'openai' && !answer.cached)).toBe(true);
    expect(openai.completions).toHaveLength(2);
    expect(client.ledger.totals().overall.calls).toBe(2);
  });

  it('keeps token and cost totals per provider and model with OpenAI prompt-cache tokens priced apart', async () => {
    openai.script({
      kind: 'json',
      content: { label: 'positivo', confidence: 0.9 },
      usage: { prompt_tokens: 1_000, cached_tokens: 200, completion_tokens: 500 },
    });
    openai.script({ kind: 'error', status: 500 }, { times: 2 });
    anthropic.script({
      kind: 'tool_use',
      input: { label: 'negativo', confidence: 0.4 },
      usage: { input_tokens: 1_000, output_tokens: 100 },
    });
    const client = createLlmClient(config());

    await client.complete(request('uno'), offlineLabel);
    await client.complete(request('dos'), offlineLabel);

    const { overall, byModel } = client.ledger.totals();
    const gpt = byModel.find((row) => row.model === 'gpt-4o');
    const claude = byModel.find((row) => row.model === 'claude-haiku-5-5');
    expect(gpt).toMatchObject({ calls: 1, inputTokens: 800, cacheReadTokens: 200, outputTokens: 500 });
    // gpt-4o: 800 × $2.50 + 500 × $10 + 200 × $1.25 per million.
    expect(gpt?.costUsd).toBeCloseTo(0.00725, 10);
    // claude-haiku-5-5: 1000 × $0.10 + 100 × $0.50 per million.
    expect(claude?.costUsd).toBeCloseTo(0.00015, 10);
    expect(overall.costUsd).toBeCloseTo(0.0074, 10);
    expect(overall.unpricedCalls).toBe(0);
  });

  it('stops on cancellation instead of falling back or answering offline', async () => {
    openai.script({ kind: 'hang' });
    const client = createLlmClient(config({ LLM_TIMEOUT_MS: '5000' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    await expect(client.complete({ ...request(), signal: controller.signal }, offlineLabel)).rejects.toMatchObject({
      code: 'PROVIDER_CANCELLED',
    });
    expect(anthropic.requests).toHaveLength(0);
  });

  it('treats a bad key as a failure of that provider only, never showing the key', async () => {
    anthropic.script({ kind: 'tool_use', input: { label: 'neutro', confidence: 0.5 } });
    const warnings: object[] = [];
    const client = createLlmClient(config({ OPENAI_API_KEY: 'sk-wrong-key-123' }), {
      log: { warn: (details) => warnings.push(details) },
    });

    const answer = await client.complete(request(), offlineLabel);

    expect(answer.provider).toBe('anthropic');
    expect(openai.completions).toHaveLength(0);
    expect(warnings[0]).toMatchObject({ provider: 'openai', code: 'PROVIDER_AUTH_FAILED', status: 401, attempts: 1 });
    expect(JSON.stringify(warnings)).not.toContain('sk-wrong-key-123');
  });
});

describe('llmConfigFromEnv', () => {
  it('orders the configured providers and skips the others', () => {
    const onlyAnthropic = llmConfigFromEnv({ ANTHROPIC_API_KEY: 'k' });
    expect(onlyAnthropic.providers.map((provider) => provider.provider)).toEqual(['anthropic']);
    expect(onlyAnthropic.providers[0]?.model).toBe('claude-haiku-5-5');

    const reordered = llmConfigFromEnv({
      OPENAI_API_KEY: 'k1',
      OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1',
      OLLAMA_MODEL: 'qwen2.5',
      LLM_PROVIDER_ORDER: 'ollama, openai',
    });
    expect(reordered.providers.map((provider) => [provider.provider, provider.model])).toEqual([
      ['ollama', 'qwen2.5'],
      ['openai', 'gpt-4o'],
    ]);
    expect(reordered.prices['qwen2.5']).toEqual({
      inputPerMTok: 0,
      outputPerMTok: 0,
      cacheWritePerMTok: 0,
      cacheReadPerMTok: 0,
    });
    expect(reordered.cacheTtlSeconds).toBe(7 * 24 * 3600);
  });

  it('takes OpenAI price overrides and refuses invalid values, naming the variable', () => {
    const prices = llmConfigFromEnv({
      OPENAI_PRICING_JSON: JSON.stringify({
        'gpt-4o': { inputPerMTok: 2, outputPerMTok: 8, cacheWritePerMTok: 0, cacheReadPerMTok: 1 },
      }),
    }).prices;
    expect(prices['gpt-4o']?.inputPerMTok).toBe(2);
    expect(prices['gpt-4o-mini']).toBeDefined();
    expect(() => llmConfigFromEnv({ LLM_PROVIDER_ORDER: 'openai,gemini' })).toThrow(/LLM_PROVIDER_ORDER/);
    expect(() => llmConfigFromEnv({ LLM_PROVIDER_ORDER: 'openai,openai' })).toThrow(/LLM_PROVIDER_ORDER/);
    expect(() => llmConfigFromEnv({ CACHE_TTL_OPENAI: '5' })).toThrow(/CACHE_TTL_OPENAI/);
    expect(() => llmConfigFromEnv({ OPENAI_PRICING_JSON: '{' })).toThrow(/OPENAI_PRICING_JSON/);
  });
});
