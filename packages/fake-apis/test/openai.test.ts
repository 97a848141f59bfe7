import OpenAI, { type APIError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, fakeEmbedding, startFakeOpenAi } from '../src/index.js';

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

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += (a[index] ?? 0) * (b[index] ?? 0);
  return dot;
};
const norm = (vector: ArrayLike<number>) => Math.sqrt(cosine(vector, vector));

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

describe('fake OpenAI embeddings', () => {
  it('answers one unit vector per input, in order, in float and in base64 (which the SDK decodes by default)', async () => {
    const input = ['Propuesta de educación pública', 'Seguridad en Medellín'];
    const asFloats = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input,
      dimensions: 256,
      encoding_format: 'float',
    });
    // No encoding_format: the SDK asks for base64 and decodes it itself.
    const decoded = await client().embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 256 });

    expect(fake.embeddings.map((request) => request.body.encoding_format)).toEqual(['float', 'base64']);
    expect(asFloats.object).toBe('list');
    expect(asFloats.model).toBe('text-embedding-3-small');
    expect(asFloats.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([
      ['embedding', 0, 256],
      ['embedding', 1, 256],
    ]);
    expect(decoded.data.map((item) => item.embedding)).toEqual(asFloats.data.map((item) => item.embedding));
    for (const item of asFloats.data) expect(norm(item.embedding)).toBeCloseTo(1, 5);
    expect(asFloats.data[0]?.embedding).not.toEqual(asFloats.data[1]?.embedding);
    expect(asFloats.usage).toEqual({ prompt_tokens: 8 + 6, total_tokens: 14 });
    expect(fake.embeddings[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('gives each model its full size without dimensions, and the same text the same vector', async () => {
    const small = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'voto' });
    const large = await client().embeddings.create({ model: 'text-embedding-3-large', input: 'voto' });
    const ada = await client().embeddings.create({ model: 'text-embedding-ada-002', input: ['voto'] });

    expect(small.data[0]?.embedding).toHaveLength(1536);
    expect(large.data[0]?.embedding).toHaveLength(3072);
    expect(ada.data[0]?.embedding).toEqual(small.data[0]?.embedding);
    expect(Array.from(fakeEmbedding('voto', 1536))).toEqual(small.data[0]?.embedding);
  });

  it('accepts token ids as the real API does', async () => {
    const one = await client().embeddings.create({ model: 'text-embedding-3-small', input: [15, 27, 99] });
    const two = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: [[15, 27, 99], [4]],
      dimensions: 64,
    });

    expect(one.data).toHaveLength(1);
    expect(one.usage.prompt_tokens).toBe(3);
    expect(two.data.map((item) => item.embedding.length)).toEqual([64, 64]);
    expect(two.usage.prompt_tokens).toBe(4);
  });

  it('refuses empty input, too many inputs, too long inputs and unknown arguments with 400', async () => {
    const empty = await failure(client().embeddings.create({ model: 'text-embedding-3-small', input: '' }));
    expect(empty.status).toBe(400);
    expect(empty.message).toContain("'$.input' is invalid");
    expect(
      (await failure(client().embeddings.create({ model: 'text-embedding-3-small', input: ['a', ''] }))).status,
    ).toBe(400);
    expect((await failure(client().embeddings.create({ model: 'text-embedding-3-small', input: [] }))).status).toBe(
      400,
    );
    const many = await failure(
      client().embeddings.create({ model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') }),
    );
    expect(many.status).toBe(400);
    expect(many.message).toContain('2049');
    const long = await failure(
      client().embeddings.create({ model: 'text-embedding-3-small', input: 'palabra '.repeat(5_000) }),
    );
    expect(long.status).toBe(400);
    expect(long.message).toContain('maximum context length is 8192 tokens');
    const unknown = await failure(
      client().embeddings.create({ model: 'text-embedding-3-small', input: 'x', foo: 1 } as never),
    );
    expect(unknown.message).toContain('Unrecognized request argument supplied: foo');
    expect(fake.embeddings).toHaveLength(0);
    expect(fake.requests.map((request) => request.status)).toEqual([400, 400, 400, 400, 400, 400]);
  });

  it('answers 404 model_not_found for an unknown model and refuses dimensions where the real API does', async () => {
    const unknown = await failure(client().embeddings.create({ model: 'text-embedding-4', input: 'x' }));
    expect(unknown.status).toBe(404);
    expect(unknown.code).toBe('model_not_found');
    expect(unknown.message).toContain('text-embedding-4');
    const ada = await failure(
      client().embeddings.create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 256 }),
    );
    expect(ada.status).toBe(400);
    expect(ada.message).toContain('does not support specifying dimensions');
    const wide = await failure(
      client().embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 3072 }),
    );
    expect(wide.status).toBe(400);
    expect(wide.param).toBe('dimensions');
    expect(
      (await failure(client('sk-other').embeddings.create({ model: 'text-embedding-3-small', input: 'x' }))).status,
    ).toBe(401);
  });

  it('sends scripted faults (429 with retry-after, 500) to embeddings only, then vectors again', async () => {
    fake.scriptEmbeddings({ kind: 'error', status: 429, retryAfterMs: 1_500 });
    fake.scriptEmbeddings({ kind: 'error', status: 500 });
    fake.script({ kind: 'json', content: { ok: true } });

    const limited = await failure(client().embeddings.create({ model: 'text-embedding-3-small', input: 'x' }));
    expect(limited.status).toBe(429);
    expect(limited.headers?.get('retry-after')).toBe('2');
    expect(limited.headers?.get('retry-after-ms')).toBe('1500');
    expect((await failure(client().embeddings.create({ model: 'text-embedding-3-small', input: 'x' }))).status).toBe(
      500,
    );
    await expect(client().embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).resolves.toMatchObject({
      data: [{ index: 0 }],
    });
    // The chat script was not consumed by the embeddings requests.
    const chat = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hola' }],
    });
    expect(chat.choices[0]?.message.content).toBe('{"ok":true}');
    expect(fake.embeddings).toHaveLength(3);
  });

  it('places texts that share words closer than unrelated ones, accents and case folded', () => {
    const dimensions = 256;
    const query = fakeEmbedding('Propuestas de educación pública para los colegios', dimensions);
    const similar = fakeEmbedding('La EDUCACION publica y los colegios del municipio', dimensions);
    const unrelated = fakeEmbedding('Resultados del partido de fútbol del domingo', dimensions);

    expect(cosine(query, similar)).toBeGreaterThan(0.4);
    expect(cosine(query, similar)).toBeGreaterThan(cosine(query, unrelated) + 0.3);
  });
});
