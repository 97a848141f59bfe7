import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { ConfigError, REDACTED_PATHS } from '@castor/service-kit';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCoreApp } from '../src/app.js';
import { loadCoreConfig } from '../src/config.js';
import { bearer, postJson } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

describe('configuration', () => {
  const valid = {
    DATABASE_URL: 'postgres://castor@127.0.0.1:5432/core_db',
    JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };

  it('refuses to start naming each bad variable, without echoing secret values', () => {
    const secret = 'too-short-secret';
    const attempt = () =>
      loadCoreConfig({
        ...valid,
        JWT_KEY_ENCRYPTION_KEY: secret,
        PORT: 'http',
        RATE_LIMIT_AUTH: 'lots',
        REDIS_URL: 'localhost:6379',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const variable of ['JWT_KEY_ENCRYPTION_KEY', 'PORT', 'RATE_LIMIT_AUTH', 'REDIS_URL'])
        expect(message).toContain(variable);
      expect(message).not.toContain(secret);
    }
  });

  it('requires the database URL and the key-encryption key, and applies the documented defaults', () => {
    expect(() => loadCoreConfig({})).toThrow(
      /DATABASE_URL[\s\S]*JWT_KEY_ENCRYPTION_KEY|JWT_KEY_ENCRYPTION_KEY[\s\S]*DATABASE_URL/,
    );
    const config = loadCoreConfig({ ...valid, REDIS_URL: '' });
    expect(config).toMatchObject({
      PORT: 5001,
      JWT_ACCESS_TOKEN_EXPIRES: 3600,
      JWT_REFRESH_TOKEN_EXPIRES: 604_800,
      RATE_LIMIT_AUTH: { max: 20, windowMs: 60_000 },
      RATE_LIMIT_DEFAULT: { max: 1_200, windowMs: 3_600_000 },
      AUTH_ALLOW_REGISTRATION: true,
    });
    expect(config.REDIS_URL).toBeUndefined();
  });
});

describe('logging', () => {
  it('never writes passwords, tokens or Authorization headers', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const probe = await startCoreForTests();
    const database = probe.database;
    await probe.app.close();
    const config = probe.config;
    const core = await buildCoreApp(config, { logger });
    try {
      await core.app.ready();
      const password = 'a very secret passphrase 42';
      await postJson({ app: core.app } as CoreUnderTest, '/api/auth/register', {
        email: 'log@castor.test',
        password,
        name: 'Log',
      });
      const login = await postJson({ app: core.app } as CoreUnderTest, '/api/auth/login', {
        email: 'log@castor.test',
        password,
      });
      const { accessToken, refreshToken } = login.json();
      await core.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(accessToken) });
      logger.info({ password, refreshToken, user: { password } }, 'a careless log call');
      const output = lines.join('');
      expect(output.length).toBeGreaterThan(0);
      expect(output).toContain('incoming request');
      expect(output).not.toContain(password);
      expect(output).not.toContain(accessToken);
      expect(output).not.toContain(refreshToken);
      expect(output).toContain('[redacted]');
    } finally {
      await core.app.close();
      await database.drop();
    }
  });
});

describe('metrics and health', () => {
  let core: CoreUnderTest;
  beforeAll(async () => {
    core = await startCoreForTests();
  });
  afterAll(async () => core?.close());

  it('exports default and HTTP duration metrics labelled by route', async () => {
    await core.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const metrics = await core.app.inject({ method: 'GET', url: '/api/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/\.well-known\/jwks\.json"/);
    expect(metrics.body).toContain('process_resident_memory_bytes');
  });

  it('reports each dependency, and degrades (not fails) without Redis', async () => {
    const health = (await core.app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(health).toMatchObject({
      status: 'ok',
      service: 'core-service',
      checks: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });

    const deadRedis = await startCoreForTests({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    try {
      const degraded = await deadRedis.app.inject({ method: 'GET', url: '/api/health' });
      expect(degraded.statusCode).toBe(200);
      expect(degraded.json()).toMatchObject({
        status: 'degraded',
        checks: { redis: { status: 'down' }, postgres: { status: 'up' } },
      });
      // Sign-in still works: rate limits skip a dead Redis, login throttling fails open with a warning.
      const session = await deadRedis.signIn('viewer');
      expect(session.accessToken).toBeTruthy();
    } finally {
      await deadRedis.close();
    }
  });

  it('serves an OpenAPI document generated from the zod schemas', async () => {
    const document = (await core.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    const login = document.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.properties).toHaveProperty('email');
    expect(login.responses['200']).toBeDefined();
  });
});
