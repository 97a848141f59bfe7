import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postJson, postJsonFrom } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

describe('rate limits', () => {
  let core: CoreUnderTest;
  beforeAll(async () => {
    core = await startCoreForTests({
      RATE_LIMIT_AUTH: '3/minute',
      RATE_LIMIT_LEADS: '2/hour',
    });
  });
  afterAll(async () => core?.close());

  const loginFrom = (address: string, body: unknown) => postJsonFrom(core, address, '/api/auth/login', body);

  it('answers 429 with Retry-After once a client address spends its auth budget', async () => {
    const body = { email: 'someone@castor.test', password: 'whatever it is' };
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1) statuses.push(await loginFrom('10.0.0.1', body));
    expect(statuses.slice(0, 3).map((response) => response.statusCode)).toEqual([401, 401, 401]);
    const limited = statuses[3];
    expect(limited?.statusCode).toBe(429);
    expect(limited?.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // Another client address still has its own budget.
    expect((await loginFrom('10.0.0.2', { ...body, email: 'someone-else@castor.test' })).statusCode).toBe(401);
  });

  it('rate-limits demo requests and refuses obvious spam', async () => {
    const lead = {
      name: 'Campaña Ejemplo',
      email: 'contacto@campana.co',
      organization: 'Partido Ejemplo',
      role: 'campaign',
      formOpenedMs: 45_000,
    };
    const send = (body: unknown, address: string) => postJsonFrom(core, address, '/api/leads/demo-request', body);
    const first = await send(lead, '10.2.0.1');
    expect(first.statusCode).toBe(201);
    const retry = await send(lead, '10.2.0.1');
    expect(retry.json().id).toBe(first.json().id);
    expect((await send(lead, '10.2.0.1')).statusCode).toBe(429);

    const honeypot = await send({ ...lead, email: 'bot@spam.test', website: 'http://spam.test' }, '10.2.0.2');
    expect(honeypot.statusCode).toBe(422);
    expect(honeypot.json().error.code).toBe('SPAM_REJECTED');
    const tooFast = await send({ ...lead, email: 'fast@spam.test', formOpenedMs: 300 }, '10.2.0.3');
    expect(tooFast.json().error.code).toBe('SPAM_REJECTED');
    const links = await send(
      { ...lead, email: 'links@spam.test', message: 'http://a.test http://b.test http://c.test' },
      '10.2.0.4',
    );
    expect(links.json().error.code).toBe('SPAM_REJECTED');

    const admin = await core.signIn('admin');
    const list = await core.app.inject({ method: 'GET', url: '/api/leads', headers: bearer(admin.accessToken) });
    expect(list.statusCode).toBe(200);
    expect(list.json().leads.map((row: { email: string }) => row.email)).toEqual(['contacto@campana.co']);
  });
});

describe('password hashing under a burst', () => {
  let core: CoreUnderTest;
  beforeAll(async () => {
    core = await startCoreForTests({ ARGON2_MAX_CONCURRENCY: '1', ARGON2_MAX_QUEUE: '2' });
  });
  afterAll(async () => core?.close());

  it('bounds concurrent hashes and turns the overflow into 503 BUSY instead of exhausting memory', async () => {
    const body = { email: 'burst@castor.test', password: 'irrelevant for this test' };
    const responses = await Promise.all(Array.from({ length: 12 }, () => postJson(core, '/api/auth/login', body)));
    const busy = responses.filter((response) => response.statusCode === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]?.json().error.code).toBe('BUSY');
    expect(busy[0]?.headers['retry-after']).toBe('1');
    expect(responses.filter((response) => response.statusCode === 401).length).toBeGreaterThan(0);
  });
});
