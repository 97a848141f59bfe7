import { type FakeOpenAi, fakeEmbedding, startFakeOpenAi } from '@castor/fake-apis';
import { isProviderError, type ProviderError } from '@castor/resilience';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type EmbeddingConfig,
  embedderFromConfig,
  embeddingConfigFromEnv,
  OpenAiEmbedder,
  PricingTable,
  UsageLedger,
} from '../src/index.js';

const OPENAI_KEY = 'sk-proj-castor-embed-51b7';

let openai: FakeOpenAi;
beforeEach(async () => {
  openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY] });
});
afterEach(() => openai.close());

/** The env path, pointed at the fake, with fast timeouts and backoff. */
function config(overrides: Record<string, string> = {}): EmbeddingConfig {
  return embeddingConfigFromEnv({
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: `${openai.url}/v1`,
    LLM_TIMEOUT_MS: '1000',
    LLM_MAX_ATTEMPTS: '3',
    LLM_RETRY_INITIAL_DELAY_MS: '10',
    LLM_RETRY_MAX_DELAY_MS: '50',
    LLM_MAX_RETRY_AFTER_MS: '3000',
    LLM_BREAKER_THRESHOLD: '3',
    LLM_BREAKER_HALF_OPEN_MS: '60000',
    ...overrides,
  });
}

function newEmbedder(overrides: Record<string, string> = {}) {
  const embedder = embedderFromConfig(config(overrides));
  if (!(embedder instanceof OpenAiEmbedder)) throw new Error('expected an OpenAI embedder');
  return embedder;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: ProviderError) => error,
  );

describe('OpenAiEmbedder against the real SDK and the loopback fake', () => {
  it('embeds each text in order at the configured size, unit length, through base64', async () => {
    const embedder = newEmbedder();
    const texts = ['  Propuesta de educación pública  ', 'Seguridad ciudadana en Medellín', 'Vías terciarias'];

    const vectors = await embedder.embed(texts);

    expect(embedder).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', dimensions: 256 });
    expect(vectors).toHaveLength(3);
    for (const [index, vector] of vectors.entries()) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(256);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
      // Trimmed, then embedded by the fake model: the same vector, so the order is the input's.
      expect(Array.from(vector)).toEqual(
        Array.from(fakeEmbedding((texts[index] as string).trim(), 256)).map((value) => expect.closeTo(value, 6)),
      );
    }
    const sent = openai.embeddings[0];
    expect(sent?.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 256, encoding_format: 'base64' });
    expect(sent?.inputs).toEqual(texts.map((text) => text.trim()));
    expect(sent?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    await expect(embedder.embed([])).resolves.toEqual([]);
    expect(openai.embeddings).toHaveLength(1);
  });

  it('decodes the same vectors the SDK gives for float and for its own base64 default', async () => {
    const vectors = await newEmbedder({ OPENAI_EMBEDDING_DIMENSIONS: '64' }).embed(['Debate de candidatos']);
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${openai.url}/v1`, maxRetries: 0 });
    const request = { model: 'text-embedding-3-small', input: 'Debate de candidatos', dimensions: 64 };
    const floats = await client.embeddings.create({ ...request, encoding_format: 'float' });
    const sdkBase64 = await client.embeddings.create(request);

    expect(floats.data[0]?.embedding).toEqual(sdkBase64.data[0]?.embedding);
    expect(Array.from(vectors[0] ?? [])).toEqual(floats.data[0]?.embedding.map((value) => expect.closeTo(value, 6)));
  });

  it('leaves dimensions out for ada-002 and asks for the full size of -3-large', async () => {
    const ada = newEmbedder({ OPENAI_EMBEDDING_MODEL: 'text-embedding-ada-002', OPENAI_EMBEDDING_DIMENSIONS: '1536' });
    const large = newEmbedder({
      OPENAI_EMBEDDING_MODEL: 'text-embedding-3-large',
      OPENAI_EMBEDDING_DIMENSIONS: '3072',
    });

    expect((await ada.embed(['uno']))[0]).toHaveLength(1536);
    expect((await large.embed(['dos']))[0]).toHaveLength(3072);
    expect(openai.embeddings[0]?.body.dimensions).toBeUndefined();
    expect(openai.embeddings[1]?.body.dimensions).toBe(3072);
  });

  it('splits more than 2048 texts, and batches over the token budget, into several requests in order', async () => {
    const embedder = newEmbedder({ OPENAI_EMBEDDING_DIMENSIONS: '64' });
    const texts = Array.from({ length: 4100 }, (_, index) => `fragmento ${index}`);

    const vectors = await embedder.embed(texts);

    expect(openai.embeddings.map((request) => request.inputs.length)).toEqual([2048, 2048, 4]);
    expect(vectors).toHaveLength(4100);
    expect(Array.from(vectors[4099] ?? [])).toEqual(
      Array.from(fakeEmbedding('fragmento 4099', 64)).map((value) => expect.closeTo(value, 6)),
    );

    // 10 texts of ~9,000 characters (~3,000 estimated tokens) against a 10,000-token budget: 3 per request.
    const budgeted = newEmbedder({ OPENAI_EMBEDDING_DIMENSIONS: '64', OPENAI_EMBEDDING_BATCH_TOKENS: '10000' });
    const long = Array.from({ length: 10 }, (_, index) => `${'voto '.repeat(1_800)}${index}`);
    await budgeted.embed(long);
    expect(openai.embeddings.slice(3).map((request) => request.inputs.length)).toEqual([3, 3, 3, 1]);
  });

  it("cuts an input past the model's 8,191-token limit (estimated at 3 characters a token) instead of being refused", async () => {
    const vectors = await newEmbedder().embed(['palabra '.repeat(10_000)]);

    expect(vectors).toHaveLength(1);
    expect(openai.embeddings[0]?.inputs[0]).toHaveLength(8191 * 3);
  });

  it('refuses an empty text before any request', async () => {
    const error = await rejection(newEmbedder().embed(['hola', '   ']));

    expect(isProviderError(error, 'PROVIDER_INVALID_INPUT')).toBe(true);
    expect(error.message).toContain('text 1');
    expect(openai.requests).toHaveLength(0);
  });

  it('waits out a 429 retry-after and then succeeds', async () => {
    openai.scriptEmbeddings({ kind: 'error', status: 429, retryAfterMs: 300 });
    const embedder = newEmbedder();

    const vectors = await embedder.embed(['encuesta']);

    expect(vectors).toHaveLength(1);
    const [limited, retried] = openai.requests;
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    // The retry-after (300 ms) was honoured, not the 10-50 ms backoff.
    expect((retried?.receivedAtMs ?? 0) - (limited?.answeredAtMs ?? 0)).toBeGreaterThanOrEqual(290);
    expect(embedder.ledger.totals().byModel[0]).toMatchObject({ calls: 1 });
  });

  it('gives up on persistent 500s after the configured attempts with a clear error, then the circuit opens', async () => {
    openai.scriptEmbeddings({ kind: 'error', status: 500 }, { times: 3 });
    const embedder = newEmbedder();

    const error = await rejection(embedder.embed(['encuesta']));

    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('OpenAI answered 500');
    expect(openai.embeddings).toHaveLength(3);

    // Three unavailability failures in a row: the breaker is open and no request goes out.
    const open = await rejection(embedder.embed(['encuesta']));
    expect(open.code).toBe('PROVIDER_CIRCUIT_OPEN');
    expect(openai.embeddings).toHaveLength(3);
  });

  it('bounds a hung request by the attempt timeout and retries it', async () => {
    openai.scriptEmbeddings({ kind: 'hang' }, { times: 2 });
    const embedder = newEmbedder({ LLM_MAX_ATTEMPTS: '2' });

    const error = await rejection(embedder.embed(['encuesta']));

    expect(error.code).toBe('PROVIDER_TIMEOUT');
    expect(error.attempts).toBe(2);
    expect(openai.embeddings).toHaveLength(2);
  });

  it('stops on cancellation', async () => {
    openai.scriptEmbeddings({ kind: 'hang' });
    const controller = new AbortController();
    const pending = rejection(newEmbedder().embed(['encuesta'], { signal: controller.signal }));
    while (openai.embeddings.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();

    expect((await pending).code).toBe('PROVIDER_CANCELLED');
  });

  it('refuses a wrong key without retrying', async () => {
    const embedder = newEmbedder({ OPENAI_API_KEY: 'sk-wrong' });

    const error = await rejection(embedder.embed(['encuesta']));

    expect(error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(error.attempts).toBe(1);
    expect(JSON.stringify(error)).not.toContain('sk-wrong');
  });

  it('records the billed tokens and their cost per request in the ledger', async () => {
    const ledger = new UsageLedger(new PricingTable(config().prices));
    const embedder = embedderFromConfig(config({ OPENAI_EMBEDDING_BATCH_INPUTS: '2' }), { ledger });

    await embedder?.embed(['Programa de gobierno', 'Plan de desarrollo', 'Presupuesto']);

    const billed = openai.embeddings.reduce((sum, request) => sum + request.estimatedPromptTokens, 0);
    expect(openai.embeddings).toHaveLength(2);
    expect(ledger.totals().byModel).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'text-embedding-3-small',
        calls: 2,
        inputTokens: billed,
        outputTokens: 0,
        unpricedCalls: 0,
        costUsd: (billed * 0.02) / 1_000_000,
      }),
    ]);
  });

  it('places similar Spanish sentences closer than unrelated ones (sanity of the fake)', async () => {
    const [query, similar, unrelated] = await newEmbedder().embed([
      '¿Qué propone la candidata sobre la educación pública?',
      'Nuestra propuesta de educación pública: más colegios y docentes',
      'El partido de fútbol terminó empatado el domingo',
    ]);

    expect(dot(query as Float32Array, similar as Float32Array)).toBeGreaterThan(
      dot(query as Float32Array, unrelated as Float32Array) + 0.2,
    );
  });
});

describe('embedding configuration', () => {
  it('has no embedder without an OpenAI key: retrieval is then lexical only', () => {
    const offline = embeddingConfigFromEnv({});
    expect(offline).toMatchObject({ apiKey: undefined, model: 'text-embedding-3-small', dimensions: 256 });
    expect(embedderFromConfig(offline)).toBeUndefined();
  });

  it('reuses the LLM timeout and retry settings and reads its own model, size and batch limits', () => {
    const read = embeddingConfigFromEnv({
      OPENAI_API_KEY: 'sk-x',
      OPENAI_EMBEDDING_MODEL: 'text-embedding-3-large',
      OPENAI_EMBEDDING_DIMENSIONS: '1024',
      OPENAI_EMBEDDING_BATCH_INPUTS: '512',
      LLM_TIMEOUT_MS: '5000',
    });
    expect(read).toMatchObject({
      dimensions: 1024,
      maxBatchInputs: 512,
      maxBatchTokens: 250_000,
      resilience: { attemptTimeoutMs: 5000, maxAttempts: 3 },
    });
    expect(read.prices['text-embedding-3-large']?.inputPerMTok).toBe(0.13);
  });

  it('refuses sizes the model cannot give, naming the variable', () => {
    expect(() => embeddingConfigFromEnv({ OPENAI_EMBEDDING_DIMENSIONS: '32' })).toThrow(/OPENAI_EMBEDDING_DIMENSIONS/);
    expect(() => embeddingConfigFromEnv({ OPENAI_EMBEDDING_DIMENSIONS: '2048' })).toThrow(
      /OPENAI_EMBEDDING_DIMENSIONS: at most 1536/,
    );
    expect(() => embeddingConfigFromEnv({ OPENAI_EMBEDDING_MODEL: 'text-embedding-ada-002' })).toThrow(
      /always has 1536 dimensions/,
    );
    expect(() => embeddingConfigFromEnv({ OPENAI_EMBEDDING_BATCH_INPUTS: '4096' })).toThrow(
      /OPENAI_EMBEDDING_BATCH_INPUTS/,
    );
  });
});
