import OpenAI, { type APIError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, startFakeOpenAi } from '../src/index.js';

const schema = {
  type: 'object',
  properties: { label: { type: 'string', enum: ['positivo', 'negativo'] } },
  required: ['label'],
  additionalProperties: false,
};
const body = (
  jsonSchema: Record<string, unknown> = schema,
  strict = true,
): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Clasifica.' },
    { role: 'user', content: 'Buen trabajo del alcalde.' },
  ],
  response_format: { type: 'json_schema', json_schema: { name: 'label', schema: jsonSchema, strict } },
});

let fake: FakeOpenAi;
const client = (apiKey = 'sk-test') => new OpenAI({ apiKey, baseURL: `${fake.url}/v1`, maxRetries: 0 });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: APIError) => error,
  );

beforeEach(async () => {
  fake = await startFakeOpenAi({ apiKeys: ['sk-test'] });
});
afterEach(() => fake.close());

describe('fake OpenAI chat completions', () => {
  it('answers a scripted JSON content with usage, and records the structured-output schema asked for', async () => {
    fake.script({ kind: 'json', content: { label: 'positivo' }, usage: { prompt_tokens: 40, cached_tokens: 8 } });
    const completion = await client().chat.completions.create(body());

    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ label: 'positivo' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 40, prompt_tokens_details: { cached_tokens: 8 } });
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(fake.completions[0]?.jsonSchema).toEqual({ name: 'label', schema, strict: true });
  });

  it('sends 429 with retry-after headers, 500, refusals and malformed bodies as the real API would', async () => {
    fake.script({ kind: 'error', status: 429, retryAfterMs: 1_500 });
    fake.script({ kind: 'error', status: 500 });
    fake.script({ kind: 'refusal', refusal: 'No puedo ayudar con eso.' });
    fake.script({ kind: 'malformed_json' });

    const limited = await failure(client().chat.completions.create(body()));
    expect(limited.status).toBe(429);
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.headers?.get('retry-after')).toBe('2');
    expect(limited.headers?.get('retry-after-ms')).toBe('1500');
    expect((await failure(client().chat.completions.create(body()))).status).toBe(500);
    const refused = await client().chat.completions.create(body());
    expect(refused.choices[0]?.message).toMatchObject({ content: null, refusal: 'No puedo ayudar con eso.' });
    await expect(client().chat.completions.create(body())).rejects.toThrow();
  });

  it('refuses a wrong key, unknown arguments and a strict schema that is not closed', async () => {
    expect((await failure(client('sk-other').chat.completions.create(body()))).status).toBe(401);
    const unknown = await failure(client().chat.completions.create({ ...body(), foo: 1 } as never));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain('Unrecognized request argument supplied: foo');
    const open = await failure(client().chat.completions.create(body({ ...schema, additionalProperties: undefined })));
    expect(open.status).toBe(400);
    expect(open.message).toContain("'additionalProperties' is required");
    const optional = { ...schema, properties: { ...schema.properties, note: { type: 'string' } } };
    expect((await failure(client().chat.completions.create(body(optional)))).message).toContain("Missing 'note'");
    // Not strict: anything goes.
    fake.script({ kind: 'json', content: { label: 'negativo' } });
    await expect(client().chat.completions.create(body(optional, false))).resolves.toBeDefined();
    expect(fake.completions).toHaveLength(1);
  });
});
