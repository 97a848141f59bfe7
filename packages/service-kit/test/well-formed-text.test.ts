import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import type { ServiceApp } from '../src/service.js';
import { serviceAppFor } from './service-app.js';

/**
 * A NUL character or a lone UTF-16 surrogate in any text a client sends is refused with 400
 * VALIDATION_FAILED naming where it was, on every route of every service, before the route's own
 * schema or handler runs (PostgreSQL cannot store either and used to answer a 500).
 */
let app: ServiceApp;

beforeAll(async () => {
  app = await serviceAppFor(inject('testInfrastructure').adminUrl);
  const open = { auth: 'public' } as const;
  // Each route hands what it got to PostgreSQL as JSON, as the services store forms and audit entries.
  const stored = async (value: unknown) =>
    (await app.pg.query<{ value: unknown }>('SELECT $1::jsonb AS value', [JSON.stringify(value)])).rows[0]?.value;
  app.post(
    '/things',
    {
      config: open,
      schema: {
        body: z.object({
          name: z.string(),
          tags: z.array(z.string()).default([]),
          meta: z.record(z.string(), z.string()).default({}),
        }),
      },
    },
    async (request) => ({ stored: await stored(request.body) }),
  );
  app.get(
    '/things/:id',
    {
      config: open,
      schema: { params: z.object({ id: z.string() }), querystring: z.object({ q: z.string().optional() }) },
    },
    async (request) => ({ stored: await stored([request.params.id, request.query.q ?? null]) }),
  );
  // No schema at all: the check does not depend on one.
  app.post('/raw', { config: open }, async (request) => ({ stored: await stored(request.body) }));
  await app.ready();
});

afterAll(async () => app?.close());

const post = (url: string, body: unknown) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

function expectRefused(response: Awaited<ReturnType<typeof post>>, path: string) {
  expect(response.statusCode, response.body).toBe(400);
  const { error } = response.json();
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toContain(path);
  expect(error.details.issues[0].path).toBe(path);
}

describe('text that PostgreSQL cannot store is refused at the schema layer', () => {
  it('accepts ordinary text, including characters outside the BMP (surrogate pairs)', async () => {
    const response = await post('/things', { name: 'Señor 😀 ñ', tags: ['a'], meta: { clave: 'valor' } });
    expect(response.statusCode, response.body).toBe(200);
    const read = await app.inject({ method: 'GET', url: `/things/${encodeURIComponent('😀 é')}?q=ok` });
    expect(read.statusCode, read.body).toBe(200);
  });

  it.each([
    ['a NUL in a field', { name: 'a\u0000b' }, 'body.name'],
    ['a lone high surrogate in an array', { name: 'x', tags: ['ok', 'bad\uD800'] }, 'body.tags.1'],
    ['a lone low surrogate', { name: '\uDC00' }, 'body.name'],
    ['a high surrogate at the end of a string', { name: 'x\uD83D' }, 'body.name'],
    ['surrogates in the wrong order', { name: '\uDE00\uD83D' }, 'body.name'],
    ['a NUL in a value of a record', { name: 'x', meta: { k: '\u0000' } }, 'body.meta.k'],
    ['a NUL in a key', { name: 'x', meta: { 'k\u0000': 'v' } }, 'body.meta'],
  ])('refuses %s in a JSON body', async (_label, body, path) => {
    expectRefused(await post('/things', body), path);
  });

  it('refuses them on a route without any schema, however deep', async () => {
    expectRefused(await post('/raw', { a: [{ b: ['fine', { c: 'x\u0000' }] }] }), 'body.a.0.b.1.c');
    const depth = 20_000;
    const response = await app.inject({
      method: 'POST',
      url: '/raw',
      headers: { 'content-type': 'application/json' },
      payload: `${'['.repeat(depth)}"\\uD800"${']'.repeat(depth)}`,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a NUL in a path parameter or the query string', async () => {
    expectRefused(await app.inject({ method: 'GET', url: '/things/a%00b' }), 'params.id');
    expectRefused(await app.inject({ method: 'GET', url: '/things/a?q=%00' }), 'querystring.q');
  });

  it('answers a lone surrogate sent as UTF-8 bytes in the URL path with 400 VALIDATION_FAILED', async () => {
    // %ED%A0%80 is what a lone \uD800 becomes under a careless UTF-8 encoder: it does not decode.
    const response = await app.inject({ method: 'GET', url: '/things/%ED%A0%80' });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The URL is malformed' });
    // The query string keeps undecodable escapes as they were: text like any other.
    expect((await app.inject({ method: 'GET', url: '/things/a?q=%ED%A0%80' })).statusCode).toBe(200);
  });
});
