import { createHash } from 'node:crypto';
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAnthropic, grayscalePng, imageTokens, readingsBySha256, startFakeAnthropic } from '../src/index.js';

const sheet = grayscalePng(120, 360, (x, y) => (x * 7 + y * 3) % 256);
const otherSheet = grayscalePng(120, 360, (x, y) => (x * 5 + y) % 256);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const readTool = {
  name: 'record_reading',
  description: 'Record the values read from the sheet',
  input_schema: {
    type: 'object' as const,
    properties: { sufragantes: { type: 'integer' } },
    required: ['sufragantes'],
  },
};

function readRequest(image: Buffer): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    tools: [readTool],
    tool_choice: { type: 'tool', name: readTool.name },
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: image.toString('base64') } },
          { type: 'text', text: 'Read the sheet.' },
        ],
      },
    ],
  };
}

let fake: FakeAnthropic;
const client = (options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) =>
  new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0, ...options });

beforeEach(async () => {
  fake = await startFakeAnthropic({ handler: readingsBySha256({ [sha256(sheet)]: { sufragantes: 192 } }) });
});
afterEach(async () => {
  await fake.close();
});

describe('fake Anthropic Messages API with the real SDK', () => {
  it('answers a forced tool call with the reading stored for the image SHA-256', async () => {
    const message = await client().messages.create(readRequest(sheet));

    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.stop_reason).toBe('tool_use');
    const [block] = message.content;
    expect(block?.type).toBe('tool_use');
    if (block?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(block.name).toBe('record_reading');
    expect(block.input).toEqual({ sufragantes: 192 });
    // The image alone is billed width × height / 750 tokens; text and the forced-tool prompt add more.
    expect(message.usage.input_tokens).toBeGreaterThan(imageTokens({ width: 120, height: 360 }));
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    const [received] = fake.messages;
    expect(received?.headers.authorization ?? received?.headers['x-api-key']).toMatch(/^(Bearer )?sk-ant-test$/);
    expect(received?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(received?.images.map((image) => image.sha256)).toEqual([sha256(sheet)]);
  });

  it('answers an unknown image with an empty forced tool input, as a model gone wrong would', async () => {
    const message = await client().messages.create(readRequest(otherSheet));
    expect(message.content[0]).toMatchObject({ type: 'tool_use', input: {} });
  });

  it('refuses invalid requests with invalid_request_error, like the real API', async () => {
    const noMaxTokens = {
      ...readRequest(sheet),
      max_tokens: undefined,
    } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    const error = await client()
      .messages.create(noMaxTokens)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as APIError).type).toBe('invalid_request_error');
    expect((error as APIError).apiMessage).toContain('max_tokens: Field required');

    const jpegClaimed = readRequest(sheet);
    const [first] = jpegClaimed.messages;
    if (!first || typeof first.content === 'string') throw new Error('unexpected request shape');
    first.content[0] = {
      type: 'image',
      source: { type: 'base64', media_type: 'image/jpeg', data: sheet.toString('base64') },
    };
    const mismatch = await client()
      .messages.create(jpegClaimed)
      .catch((caught: unknown) => caught);
    expect((mismatch as APIError).apiMessage).toContain('Image does not match the provided media type image/jpeg');

    const unknownTool = { ...readRequest(sheet), tool_choice: { type: 'tool' as const, name: 'nope' } };
    const toolError = await client()
      .messages.create(unknownTool)
      .catch((caught: unknown) => caught);
    expect((toolError as APIError).status).toBe(400);
    expect(fake.messages).toHaveLength(0);
  });

  it('refuses unknown API keys with authentication_error when keys are configured', async () => {
    await fake.close();
    fake = await startFakeAnthropic({ apiKeys: ['sk-ant-right'] });
    const error = await client({ apiKey: 'sk-ant-wrong' })
      .messages.create(readRequest(sheet))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as APIError).type).toBe('authentication_error');
    await expect(client({ apiKey: 'sk-ant-right' }).messages.create(readRequest(sheet))).resolves.toMatchObject({
      type: 'message',
    });
  });

  it.each([
    [403, 'permission_error', Anthropic.PermissionDeniedError],
    [404, 'not_found_error', Anthropic.NotFoundError],
    [429, 'rate_limit_error', Anthropic.RateLimitError],
    [500, 'api_error', Anthropic.InternalServerError],
    [529, 'overloaded_error', Anthropic.InternalServerError],
  ] as const)('maps a scripted %i (%s) to the SDK error class', async (status, type, errorClass) => {
    fake.script({ kind: 'error', status, retryAfterSeconds: status === 429 ? 7 : undefined });
    const error = await client()
      .messages.create(readRequest(sheet))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    const apiError = error as APIError;
    expect(apiError.status).toBe(status);
    expect(apiError.type).toBe(type);
    expect(apiError.requestID).toMatch(/^req_/);
    if (status === 429) expect(apiError.headers?.get('retry-after')).toBe('7');
    // The scripted failure is used up: the next request is answered normally.
    await expect(client().messages.create(readRequest(sheet))).resolves.toMatchObject({ stop_reason: 'tool_use' });
  });

  it('lets the SDK retry 429s, honouring retry-after, and 529s until success', async () => {
    fake.script({ kind: 'error', status: 429, retryAfterSeconds: 1 });
    fake.script({ kind: 'error', status: 529 });
    const started = performance.now();
    const message = await client({ maxRetries: 2 }).messages.create(readRequest(sheet));
    const elapsed = performance.now() - started;

    expect(message.content[0]).toMatchObject({ type: 'tool_use', input: { sufragantes: 192 } });
    expect(fake.requests.map((request) => request.status)).toEqual([429, 529, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
  });

  it('does not get a 400 retried by the SDK', async () => {
    const bad = { ...readRequest(sheet), temperature: 3 };
    await expect(client({ maxRetries: 2 }).messages.create(bad)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    expect(fake.requests).toHaveLength(1);
  });

  it('hangs until the client times out', async () => {
    fake.script({ kind: 'hang' });
    const started = performance.now();
    const error = await client({ timeout: 300 })
      .messages.create(readRequest(sheet))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('can answer 200 with a truncated JSON body', async () => {
    fake.script({ kind: 'malformed_json' });
    const error = await client()
      .messages.create(readRequest(sheet))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(Anthropic.APIError);
  });

  it('applies latency to every answer and serves requests concurrently', async () => {
    fake.setLatency(400);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 12 }, () => client().messages.create(readRequest(sheet))));
    const elapsed = performance.now() - started;
    expect(answers).toHaveLength(12);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(400 * 4);
    expect(fake.maxInFlight).toBe(12);
  });
});
