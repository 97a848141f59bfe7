import type { Role } from '@castor/contracts';
import { type CoreUnderTest, startCoreForTests } from '@castor/core-service/testing';
import { createTestDatabase, type TestDatabase, testRedis } from '@castor/test-support';
import { buildE14App, type E14App } from '../src/app.js';
import { type E14Config, loadE14Config } from '../src/config.js';

export interface E14UnderTest extends E14App {
  config: E14Config;
  core: CoreUnderTest;
  database: TestDatabase;
  /** A real access token from core for a new user with `role`, and that user's id. */
  token(role: Role): Promise<{ token: string; userId: string }>;
  close(): Promise<void>;
}

/**
 * A real core-service (listening, so e14 fetches its JWKS and revocation feed over HTTP) and a
 * real e14-service, each on a fresh database and its own Redis key prefix.
 */
export async function startE14ForTests(env: Record<string, string> = {}): Promise<E14UnderTest> {
  const core = await startCoreForTests({}, { listen: true });
  const database = await createTestDatabase('e14');
  const redis = testRedis();
  const config = loadE14Config({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E14_TEST_LOG ? 'error' : 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    CORE_SERVICE_URL: core.url,
    AUTH_REVOCATION_POLL_MS: '200',
    RATE_LIMIT_DEFAULT: '1000000/minute',
    E14_FORENSICS_ENABLED: 'false',
    E14_FORENSICS_DEBOUNCE_MS: '0',
    ...env,
  });
  // E14_TEST_LOG=1 shows the service's log while debugging a test.
  const e14 = await buildE14App(config, process.env.E14_TEST_LOG ? {} : { logger: false });
  await e14.app.ready();
  return {
    ...e14,
    config,
    core,
    database,
    async token(role) {
      const session = await core.signIn(role);
      return { token: session.accessToken, userId: session.user.id };
    },
    async close() {
      await e14.app.close();
      await database.drop();
      await core.close();
    },
  };
}
