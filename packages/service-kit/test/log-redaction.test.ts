import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { type LoggerOptions, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loggerOptions } from '../src/logger.js';
import type { ServiceApp } from '../src/service.js';
import { serviceAppFor } from './service-app.js';

const EMAIL = 'maria.fernanda.rojas@correo.example';
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$4b2ZkQmVyeVNlY3JldEhhc2hWYWx1ZQ';
const PHONE = '+57 300 555 0199';

/** Every line the service logs, as written by its logger (the production options, captured in memory). */
const lines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(chunk.toString('utf8'));
    done();
  },
});

/** Failing statements that carry the email and the hash as bound parameters. */
const FAILURES = {
  // 23514: PostgreSQL's detail is "Failing row contains (<email>, <hash>)".
  check: sql`INSERT INTO people (email, password_hash) VALUES (${EMAIL}, ${HASH})`,
  // 23505: the detail is "Key (email)=(<email>) already exists."
  unique: sql`INSERT INTO people (email, password_hash) VALUES (${EMAIL}, 'x'), (${EMAIL}, 'y')`,
  // 22P02: the message quotes the value it could not read.
  cast: sql`SELECT ${EMAIL}::uuid, ${HASH}::text`,
  // 42P01: only drizzle's message ("Failed query: ... params: ...") carries the values.
  missing: sql`INSERT INTO nobody (email, password_hash) VALUES (${EMAIL}, ${HASH})`,
} as const;

let app: ServiceApp;

beforeAll(async () => {
  const logger = pino({ ...(loggerOptions('kit-test', 'info') as LoggerOptions) }, capture);
  app = await serviceAppFor(inject('testInfrastructure').adminUrl, logger);
  const db = drizzle(app.pg);
  app.post<{ Params: { failure: keyof typeof FAILURES } }>(
    '/fail/:failure',
    { config: { auth: 'public' } },
    async (request) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`CREATE TEMP TABLE people (
          email text UNIQUE, password_hash text NOT NULL CHECK (length(password_hash) < 10)) ON COMMIT DROP`);
        await tx.execute(FAILURES[request.params.failure]);
      }),
  );
  // Without drizzle: pg's own error, whose `detail` quotes the row.
  app.post('/fail-pool', { config: { auth: 'public' } }, async () => {
    const client = await app.pg.connect();
    try {
      await client.query('CREATE TEMP TABLE IF NOT EXISTS mails (email text UNIQUE)');
      await client.query('INSERT INTO mails VALUES ($1), ($1)', [EMAIL]);
    } finally {
      client.release();
    }
  });
  app.post('/log-person', { config: { auth: 'public' } }, async (request) => {
    request.log.info({ email: EMAIL, phone: PHONE, user: { email: EMAIL, passwordHash: HASH } }, 'a person');
    return { logged: true };
  });
  await app.ready();
});
afterAll(() => app.close());

describe('logs never carry query parameters or personal fields', () => {
  it('logs a failed query (code, query text) without its bound values', async () => {
    for (const failure of Object.keys(FAILURES)) {
      lines.length = 0;
      const response = await app.inject({ method: 'POST', url: `/fail/${failure}` });
      expect(response.statusCode, failure).toBe(500);
      const log = lines.join('');
      // The failure is logged, so the check below is not vacuous.
      expect(log, failure).toContain('Failed query: ');
      expect(log, failure).toContain('params: [redacted]');
      for (const secret of [EMAIL, HASH, 'maria.fernanda', 'argon2id', 'c2FsdHNhbHRzYWx0']) {
        expect(log, `${failure} leaks ${secret}`).not.toContain(secret);
      }
    }
  });

  it("logs pg's own error without the row its detail quotes", async () => {
    lines.length = 0;
    expect((await app.inject({ method: 'POST', url: '/fail-pool' })).statusCode).toBe(500);
    const log = lines.join('');
    expect(log).toContain('23505');
    expect(log).toContain('mails_email_key');
    expect(log).not.toContain('maria.fernanda');
  });

  it('redacts personal fields of logged objects', async () => {
    lines.length = 0;
    await app.inject({ method: 'POST', url: '/log-person' });
    const log = lines.join('');
    expect(log).toContain('a person');
    for (const secret of [EMAIL, HASH, PHONE]) expect(log).not.toContain(secret);
  });
});
