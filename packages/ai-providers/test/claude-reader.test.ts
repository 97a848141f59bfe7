import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { type FakeAnthropic, readingsBySha256, startFakeAnthropic } from '@castor/fake-apis';
import { ProviderError } from '@castor/resilience';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_PRICES,
  E14_READER_PROMPT_VERSION,
  E14_READER_TOOL_NAME,
  e14ToolInputJsonSchema,
  PricingTable,
  ResponseCache,
  UsageLedger,
} from '../src/index.js';
import {
  anzaToolInput,
  barcelonaToolInput,
  fastResilience,
  MODEL,
  newReader,
  pageImage,
  redisStore,
  TEST_API_KEY,
} from './helpers.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sheet = pageImage(7);
const documentHash = 'a'.repeat(64);

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic({
    apiKeys: [TEST_API_KEY],
    handler: readingsBySha256({ [sha256(sheet.bytes)]: anzaToolInput() }),
  });
});
afterEach(async () => {
  await fake.close();
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${inspect(error)}`);
  return error;
}

describe('ClaudeE14Reader against the fake Messages API (real SDK)', () => {
  it('sends the images, versioned prompt and tool schema, and parses the structured reading', async () => {
    const { reader, ledger } = newReader(fake);
    const reading = await reader.read({
      images: [sheet],
      documentHash,
      hints: { corporation: 'PRESIDENTE', ballots: [{ ballotNumber: 1 }, { ballotNumber: 2 }] },
    });

    expect(reading.reader).toEqual({
      id: `anthropic:${MODEL}`,
      kind: 'vision-llm',
      offline: false,
      model: MODEL,
      prompt: E14_READER_PROMPT_VERSION,
    });
    expect(reading.imageSha256).toEqual([sha256(sheet.bytes)]);
    expect(reading.header).toEqual(anzaToolInput().header);
    expect(Object.keys(reading.fields).sort()).toEqual(
      anzaToolInput()
        .fields.map((field) => field.path)
        .sort(),
    );
    expect(reading.fields['nivelacion.sufragantes']).toEqual({
      state: 'read',
      value: 192,
      confidence: 0.97,
      overwritten: false,
      readBy: `anthropic:${MODEL}`,
      crop: { page: 1, x: 600, y: 900, width: 180, height: 48, documentHash },
    });
    expect(reading.fields['votes.1']).toMatchObject({ value: 34, overwritten: true, confidence: 0.81 });
    expect(reading.fields.nulos).toMatchObject({ state: 'empty', value: null });

    const [sent] = fake.messages;
    if (!sent) throw new Error('the fake saw no request');
    expect(sent.body.model).toBe(MODEL);
    expect(sent.body.tools?.[0]?.name).toBe(E14_READER_TOOL_NAME);
    expect(sent.body.tools?.[0]?.input_schema).toEqual(e14ToolInputJsonSchema);
    expect(sent.body.tool_choice).toEqual({ type: 'auto' });
    expect(sent.body.temperature).toBeUndefined();
    expect(sent.images.map((image) => image.sha256)).toEqual([sha256(sheet.bytes)]);
    const text = JSON.stringify(sent.body.messages);
    expect(text).toContain('Image 1 is page 1 of the sheet.');
    expect(text).toContain('votes.1, votes.2');

    // Tokens as the API billed them, priced from the table.
    const answer = fake.requests.at(-1);
    expect(answer?.status).toBe(200);
    expect(reading.usage?.inputTokens).toBe(sent.estimatedInputTokens);
    const price = ANTHROPIC_PRICES[MODEL];
    if (!price || !reading.usage) throw new Error('missing price or usage');
    expect(reading.usage.costUsd).toBeCloseTo(
      (reading.usage.inputTokens * price.inputPerMTok + reading.usage.outputTokens * price.outputPerMTok) / 1e6,
      12,
    );
    expect(ledger.totals().overall).toMatchObject({ calls: 1, cachedCalls: 0, inputTokens: reading.usage.inputTokens });
  });

  it('takes the tool call after thinking and text blocks, as adaptive-thinking models answer', async () => {
    fake.script({
      kind: 'tool_use',
      input: anzaToolInput(),
      before: [
        { type: 'thinking', thinking: 'The urna row shows 191; the E-11 row 192.' },
        { type: 'text', text: 'Recording the reading.' },
      ],
    });
    const { reader } = newReader(fake);
    const reading = await reader.read({ images: [sheet] });
    expect(reading.fields['nivelacion.urna']?.value).toBe(191);
  });

  it('reads several pages at once and traces each region to its page', async () => {
    const second = pageImage(8, 2);
    const input = anzaToolInput();
    const [firstField] = input.fields;
    if (!firstField) throw new Error('empty fixture');
    fake.script({
      kind: 'tool_use',
      input: { ...input, fields: [{ ...firstField, region: { ...firstField.region, image: 2 } }] },
    });
    const { reader } = newReader(fake);
    const reading = await reader.read({ images: [sheet, second] });
    expect(reading.imageSha256).toEqual([sha256(sheet.bytes), sha256(second.bytes)]);
    expect(reading.fields['nivelacion.sufragantes']?.crop?.page).toBe(2);
    expect(JSON.stringify(fake.messages[0]?.body.messages)).toContain('Image 2 is page 2 of the sheet.');
  });

  it('reads a first-round consulate sheet: CÓNSUL/EMBAJADOR copy, departamento 88, rows over two pages', async () => {
    const pageTwo = pageImage(9, 2);
    fake.script({ kind: 'tool_use', input: barcelonaToolInput() });
    const { reader } = newReader(fake);
    const reading = await reader.read({ images: [sheet, pageTwo], documentHash });

    expect(reading.reader.prompt).toBe('e14-reader/v2');
    expect(reading.header).toMatchObject({ departamento: '88', municipio: '355', copy: 'consul_embajador' });
    expect(reading.fields['votes.7']).toMatchObject({ value: 1, crop: { page: 1 } });
    expect(reading.fields['votes.8']).toMatchObject({ value: 0, crop: { page: 2 } });
    expect(reading.fields['votes.11']).toMatchObject({ value: 7, crop: { page: 2 } });
    expect(reading.fields.sumaTotal).toMatchObject({ value: 134, crop: { page: 2, documentHash } });
    expect(reading.fields['nivelacion.incinerados']).toMatchObject({ state: 'empty', value: null });

    // What the model was told: the consulate copy, its header and the page split.
    const system = fake.messages[0]?.body.system;
    if (typeof system !== 'string') throw new Error('the system prompt was not sent as text');
    expect(system).toContain('CÓNSUL/EMBAJADOR');
    expect(system).toMatch(/CONSULADO: 88[^\n]*PAÍS/);
    expect(system).toMatch(/page 2 holds candidates 8–13/);
  });

  it('forces the tool when configured for models that need it', async () => {
    const { reader } = newReader(fake, { toolChoice: 'forced' });
    await reader.read({ images: [sheet] });
    expect(fake.messages[0]?.body.tool_choice).toEqual({ type: 'tool', name: E14_READER_TOOL_NAME });
  });

  it('retries a 429 after the retry-after the API asked for, then succeeds', async () => {
    fake.script({ kind: 'error', status: 429, retryAfterSeconds: 1 });
    const retries: number[] = [];
    const { reader } = newReader(fake, {
      resilience: { ...fastResilience, onRetry: ({ delayMs }) => retries.push(delayMs) },
    });
    const started = performance.now();
    const reading = await reader.read({ images: [sheet] });
    const elapsed = performance.now() - started;

    expect(fake.requests.map((request) => request.status)).toEqual([429, 200]);
    expect(reading.usage?.attempts).toBe(2);
    // Backoff alone is at most 100 ms here: the 1 s wait is the retry-after.
    expect(retries).toHaveLength(1);
    expect(retries[0]).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up at once when retry-after is longer than the configured maximum', async () => {
    fake.script({ kind: 'error', status: 429, retryAfterSeconds: 120 });
    const { reader } = newReader(fake);
    const error = await failure(reader.read({ images: [sheet] }));
    expect(error.code).toBe('PROVIDER_RATE_LIMITED');
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.attempts).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('opens the circuit after consecutive 500s, fails fast, then recovers through half-open', async () => {
    const states: string[] = [];
    const { reader } = newReader(fake, {
      resilience: { ...fastResilience, maxAttempts: 1, onBreakerStateChange: ({ state }) => states.push(state) },
    });
    fake.script({ kind: 'error', status: 500 }, { times: 3 });
    for (let call = 0; call < 3; call++) {
      expect((await failure(reader.read({ images: [pageImage(100 + call)] }))).code).toBe('PROVIDER_UNAVAILABLE');
    }
    expect(reader.resilience.breakerState).toBe('open');

    const open = await failure(reader.read({ images: [sheet] }));
    expect(open.code).toBe('PROVIDER_CIRCUIT_OPEN');
    expect(fake.requests).toHaveLength(3);

    await new Promise((resolve) => setTimeout(resolve, fastResilience.halfOpenAfterMs + 50));
    const reading = await reader.read({ images: [sheet] });
    expect(reading.fields.blancos?.value).toBe(2);
    expect(reader.resilience.breakerState).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens the circuit when the half-open trial fails (529 overloaded)', async () => {
    const { reader } = newReader(fake, { resilience: { ...fastResilience, maxAttempts: 1 } });
    fake.script({ kind: 'error', status: 529 }, { times: 4 });
    for (let call = 0; call < 3; call++) await failure(reader.read({ images: [pageImage(200 + call)] }));
    expect(reader.resilience.breakerState).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, fastResilience.halfOpenAfterMs + 50));
    expect((await failure(reader.read({ images: [sheet] }))).code).toBe('PROVIDER_UNAVAILABLE');
    expect(reader.resilience.breakerState).toBe('open');
    expect((await failure(reader.read({ images: [sheet] }))).code).toBe('PROVIDER_CIRCUIT_OPEN');
  });

  it('times out a hung call, retries it, and reports PROVIDER_TIMEOUT', async () => {
    fake.script({ kind: 'hang' }, { times: 2 });
    const { reader } = newReader(fake, { resilience: { ...fastResilience, attemptTimeoutMs: 300, maxAttempts: 2 } });
    const started = performance.now();
    const error = await failure(reader.read({ images: [sheet] }));
    expect(error.code).toBe('PROVIDER_TIMEOUT');
    expect(error.attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    expect(fake.requests).toHaveLength(2);
  });

  it('cancels when the caller aborts', async () => {
    fake.script({ kind: 'hang' });
    const { reader } = newReader(fake);
    const error = await failure(reader.read({ images: [sheet] }, { signal: AbortSignal.timeout(200) }));
    expect(error.code).toBe('PROVIDER_CANCELLED');
  });

  it.each([
    ['a tool input missing the header', { kind: 'tool_use', input: { fields: [] } }],
    [
      'a read field without a value',
      { kind: 'tool_use', input: { ...anzaToolInput(), fields: [{ ...anzaToolInput().fields[0], value: null }] } },
    ],
    [
      'a field reported twice',
      {
        kind: 'tool_use',
        input: { ...anzaToolInput(), fields: [anzaToolInput().fields[0], anzaToolInput().fields[0]] },
      },
    ],
    [
      'a region on an image that was not sent',
      {
        kind: 'tool_use',
        input: {
          ...anzaToolInput(),
          fields: [{ ...anzaToolInput().fields[0], region: { image: 2, x: 0, y: 0, width: 5, height: 5 } }],
        },
      },
    ],
    ['a text answer without the tool call', { kind: 'text', text: 'The sheet shows 192 voters.' }],
    ['an answer cut at max_tokens', { kind: 'text', text: '{"header":', stopReason: 'max_tokens' }],
  ] as const)('refuses %s as PROVIDER_BAD_RESPONSE and still accounts its tokens', async (_what, reply) => {
    fake.script(reply as Parameters<FakeAnthropic['script']>[0]);
    const { reader, ledger } = newReader(fake);
    const error = await failure(reader.read({ images: [sheet] }));
    expect(error.code).toBe('PROVIDER_BAD_RESPONSE');
    expect(fake.requests).toHaveLength(1);
    const totals = ledger.totals().overall;
    expect(totals.calls).toBe(1);
    expect(totals.inputTokens).toBe(fake.messages[0]?.estimatedInputTokens);
    expect(totals.costUsd).toBeGreaterThan(0);
  });

  it('refuses a 200 with a malformed JSON body as PROVIDER_BAD_RESPONSE without retrying', async () => {
    fake.script({ kind: 'malformed_json' });
    const { reader } = newReader(fake);
    const error = await failure(reader.read({ images: [sheet] }));
    expect(error.code).toBe('PROVIDER_BAD_RESPONSE');
    expect(fake.requests).toHaveLength(1);
    expect(reader.resilience.breakerState).toBe('closed');
  });

  it('maps a bad key to PROVIDER_AUTH_FAILED, without retries, and never shows the key', async () => {
    const { reader } = newReader(fake, { apiKey: 'sk-ant-wrong-key-0000' });
    const error = await failure(reader.read({ images: [sheet] }));
    expect(error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(error.status).toBe(401);
    expect(fake.requests).toHaveLength(1);
    for (const shown of [JSON.stringify(error), error.message, inspect(reader, { depth: 8 }), JSON.stringify(reader)]) {
      expect(shown).not.toContain('sk-ant-wrong-key-0000');
    }
  });

  it('refuses images that are not what they claim before calling anyone', async () => {
    const { reader } = newReader(fake);
    const jpegClaim = { ...sheet, mediaType: 'image/jpeg' as const };
    expect((await failure(reader.read({ images: [jpegClaim] }))).code).toBe('PROVIDER_INVALID_INPUT');
    expect((await failure(reader.read({ images: [] }))).code).toBe('PROVIDER_INVALID_INPUT');
    expect(fake.requests).toHaveLength(0);
  });

  it('serves a second reading of the same images from the Redis cache, across reader instances', async () => {
    const { store, redis } = await redisStore();
    try {
      const cache = new ResponseCache(store, { keyPrefix: 'ai:', ttlSeconds: 600 });
      const first = newReader(fake, { cache });
      const fresh = await first.reader.read({ images: [sheet] });
      const again = await first.reader.read({ images: [sheet] });
      // Another process with the same store (a restarted worker) hits the cache too.
      const second = newReader(fake, { cache });
      const elsewhere = await second.reader.read({ images: [sheet] });

      expect(fake.messages).toHaveLength(1);
      expect(fresh.usage?.cached).toBe(false);
      expect(again.usage).toMatchObject({ cached: true, costUsd: 0, inputTokens: 0 });
      expect(elsewhere.fields).toEqual(fresh.fields);
      expect(first.ledger.totals().overall).toMatchObject({ calls: 2, cachedCalls: 1 });

      // Other images, or the same images with other hints, are other questions.
      await first.reader.read({ images: [sheet], hints: { corporation: 'PRESIDENTE' } });
      expect(fake.messages).toHaveLength(2);
    } finally {
      redis.disconnect();
    }
  });

  it('treats a corrupt cache entry as a miss and replaces it', async () => {
    const { store, redis } = await redisStore();
    try {
      const cache = new ResponseCache(store, { keyPrefix: 'ai:', ttlSeconds: 600 });
      const { reader } = newReader(fake, { cache });
      await reader.read({ images: [sheet] });
      const keys = await redis.keys(`${redis.options.keyPrefix}ai:*`);
      expect(keys).toHaveLength(1);
      const key = (keys[0] ?? '').slice((redis.options.keyPrefix ?? '').length);
      await store.set(key, '{"reader":"garbage"}', 600);
      const reading = await reader.read({ images: [sheet] });
      expect(reading.usage?.cached).toBe(false);
      expect(fake.messages).toHaveLength(2);
    } finally {
      redis.disconnect();
    }
  });

  it('still reads when the cache store is down, and says so through onError', async () => {
    const { store, redis } = await redisStore();
    const errors: string[] = [];
    const cache = new ResponseCache(store, {
      keyPrefix: 'ai:',
      ttlSeconds: 600,
      onError: (_error, operation) => errors.push(operation),
    });
    redis.disconnect();
    const { reader } = newReader(fake, { cache });
    const reading = await reader.read({ images: [sheet] });
    expect(reading.fields.blancos?.value).toBe(2);
    expect(errors).toEqual(['get', 'set']);
  });

  it('makes one call for concurrent readings of the same images', async () => {
    fake.setLatency(200);
    const { reader } = newReader(fake);
    const [a, b] = await Promise.all([reader.read({ images: [sheet] }), reader.read({ images: [sheet] })]);
    expect(a).toBe(b);
    expect(fake.messages).toHaveLength(1);

    // Callers that cancel separately do not share: one's abort must not fail the other.
    const cancelled = new AbortController();
    const [aborted, kept] = await Promise.all([
      reader.read({ images: [sheet] }, { signal: cancelled.signal }).catch((error: unknown) => error),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const read = reader.read({ images: [sheet] });
        cancelled.abort();
        return read;
      })(),
    ]);
    expect((aborted as ProviderError).code).toBe('PROVIDER_CANCELLED');
    expect(kept.fields.blancos?.value).toBe(2);
  });

  it('sums tokens and cost per model, and counts calls to unpriced models without inventing a price', async () => {
    const usages = [
      { input_tokens: 1_500, output_tokens: 400 },
      { input_tokens: 1_700, output_tokens: 380, cache_read_input_tokens: 1_000 },
      { input_tokens: 2_100, output_tokens: 520, cache_creation_input_tokens: 900 },
    ];
    for (const usage of usages) fake.script({ kind: 'tool_use', input: anzaToolInput(), usage });
    const records: number[] = [];
    const ledger = new UsageLedger(new PricingTable(ANTHROPIC_PRICES), (record) => records.push(record.costUsd ?? -1));
    const { reader } = newReader(fake, { ledger });
    for (const [index] of usages.entries()) await reader.read({ images: [pageImage(300 + index)] });

    const price = ANTHROPIC_PRICES[MODEL];
    if (!price) throw new Error(`no price for ${MODEL}`);
    const expected =
      (5_300 * price.inputPerMTok +
        1_300 * price.outputPerMTok +
        900 * price.cacheWritePerMTok +
        1_000 * price.cacheReadPerMTok) /
      1e6;
    const { overall, byModel } = ledger.totals();
    expect(overall).toMatchObject({
      calls: 3,
      inputTokens: 5_300,
      outputTokens: 1_300,
      cacheWriteTokens: 900,
      cacheReadTokens: 1_000,
      unpricedCalls: 0,
    });
    expect(overall.costUsd).toBeCloseTo(expected, 12);
    expect(records.reduce((sum, cost) => sum + cost, 0)).toBeCloseTo(expected, 12);
    expect(byModel.map((row) => row.model)).toEqual([MODEL]);

    const unpriced = newReader(fake, { model: 'claude-unknown-9', ledger });
    fake.script({ kind: 'tool_use', input: anzaToolInput(), usage: { input_tokens: 10, output_tokens: 5 } });
    const reading = await unpriced.reader.read({ images: [pageImage(400)] });
    expect(reading.usage?.costUsd).toBeNull();
    expect(ledger.totals().overall).toMatchObject({ calls: 4, unpricedCalls: 1, inputTokens: 5_310 });
    expect(ledger.totals().overall.costUsd).toBeCloseTo(expected, 12);
  });
});
