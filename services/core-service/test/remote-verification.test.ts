import { createServiceApp, remoteAuth, type ServiceApp } from '@castor/service-kit';
import { testRedis } from '@castor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postJson, testServiceOptions } from './helpers.js';
import { type CoreUnderTest, startCoreForTests } from './testing.js';

let core: CoreUnderTest;
beforeAll(async () => {
  core = await startCoreForTests({ JWT_KEY_PREPUBLISH_SECONDS: '1' }, { listen: true });
});
afterAll(async () => core?.close());

/** A downstream service built like e14-service and dashboard-ia: it only knows core's URL. */
async function downstream(withRedis: boolean): Promise<ServiceApp> {
  const redis = testRedis();
  const app = await createServiceApp(
    testServiceOptions(
      { name: 'downstream-test', databaseUrl: core.database.url, applicationName: 'downstream' },
      {
        description: 'verifies core tokens',
        bodyLimitBytes: 1_048_576,
        redis: { url: withRedis ? redis.url : undefined, keyPrefix: redis.keyPrefix },
        defaultRate: { max: 100_000, windowMs: 60_000 },
        auth: remoteAuth({
          CORE_SERVICE_URL: core.url,
          JWT_ISSUER: core.config.JWT_ISSUER,
          JWT_AUDIENCE: core.config.JWT_AUDIENCE,
          AUTH_REVOCATION_POLL_MS: withRedis ? 60_000 : 200,
          AUTH_JWKS_REFRESH_MS: 300,
        }),
      },
    ),
  );
  app.get('/api/probe', async (request) => ({ sub: request.user.sub }));
  app.get('/api/admin-probe', { config: { auth: { roles: ['admin'] } } }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

const probe = (app: ServiceApp, token: string, url = '/api/probe') =>
  app.inject({ method: 'GET', url, headers: bearer(token) });

async function eventually(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe.each([
  ['with Redis (pub/sub announcements; feed polled once a minute)', true],
  ['without Redis (revocation feed polled every 200 ms)', false],
])('a downstream service %s', (_label, withRedis) => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = await downstream(withRedis);
  });
  afterAll(async () => app?.close());

  it('verifies core tokens locally and enforces roles', async () => {
    const viewer = await core.signIn('viewer');
    const admin = await core.signIn('admin');
    expect((await probe(app, viewer.accessToken)).json().sub).toBe(viewer.user.id);
    expect((await probe(app, viewer.accessToken, '/api/admin-probe')).statusCode).toBe(403);
    expect((await probe(app, admin.accessToken, '/api/admin-probe')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/probe' })).statusCode).toBe(401);
  });

  it('stops accepting a token soon after it is revoked at core', async () => {
    const session = await core.signIn('analyst');
    expect((await probe(app, session.accessToken)).statusCode).toBe(200);
    const out = await postJson(core, '/api/auth/logout', {}, bearer(session.accessToken));
    expect(out.statusCode).toBe(200);
    const rejected = await eventually(async () => (await probe(app, session.accessToken)).statusCode === 401);
    expect(rejected).toBe(true);
    expect((await probe(app, session.accessToken)).json().error.code).toBe('TOKEN_REVOKED');
  });

  it('accepts tokens of a rotated key from the first one, thanks to pre-publication', async () => {
    const { nextKid } = await core.keys.rotate();
    expect(await eventually(async () => core.keys.currentKid === nextKid)).toBe(true);
    const session = await core.signIn('reviewer');
    expect((await probe(app, session.accessToken)).statusCode).toBe(200);
  });
});

describe('when core-service is down', () => {
  it('keeps verifying tokens with the keys it already has (no per-request call to core)', async () => {
    const other = await startCoreForTests({}, { listen: true });
    const app = await (async () => {
      const saved = core;
      core = other;
      try {
        return await downstream(false);
      } finally {
        core = saved;
      }
    })();
    try {
      const session = await other.signIn('viewer');
      expect((await probe(app, session.accessToken)).statusCode).toBe(200);
      await other.app.close();
      expect((await probe(app, session.accessToken)).statusCode).toBe(200);
      const health = (await app.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health.checks['revocation-feed']).toBeDefined();
    } finally {
      await app.close();
      await other.database.drop();
    }
  });
});
