import type { Role } from '@castor/contracts';
import { type CoreUnderTest, startCoreForTests } from '@castor/core-service/testing';
import { createTestDatabase, type TestDatabase, testRedis } from '@castor/test-support';
import { buildDashboardApp, type DashboardApp } from '../src/app.js';
import { type DashboardConfig, loadDashboardConfig } from '../src/config.js';

export interface DashboardUnderTest extends DashboardApp {
  config: DashboardConfig;
  core: CoreUnderTest;
  database: TestDatabase;
  /** A real access token from core for a new user with `role`, and that user's id. */
  token(role: Role): Promise<{ token: string; userId: string }>;
  close(): Promise<void>;
}

/**
 * A real core-service (listening, so dashboard-ia fetches its JWKS and revocation feed over HTTP)
 * and a real dashboard-ia, each on a fresh database and its own Redis key prefix.
 */
export async function startDashboardForTests(env: Record<string, string> = {}): Promise<DashboardUnderTest> {
  const core = await startCoreForTests({}, { listen: true });
  const database = await createTestDatabase('dashboard');
  const redis = testRedis();
  const config = loadDashboardConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.DASHBOARD_TEST_LOG ? 'error' : 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    CORE_SERVICE_URL: core.url,
    AUTH_REVOCATION_POLL_MS: '200',
    RATE_LIMIT_DEFAULT: '1000000/minute',
    RATE_LIMIT_DASHBOARD_READ: '1000000/minute',
    ...env,
  });
  // DASHBOARD_TEST_LOG=1 shows the service's log while debugging a test.
  const dashboard = await buildDashboardApp(config, process.env.DASHBOARD_TEST_LOG ? {} : { logger: false });
  await dashboard.app.ready();
  return {
    ...dashboard,
    config,
    core,
    database,
    async token(role) {
      const session = await core.signIn(role);
      return { token: session.accessToken, userId: session.user.id };
    },
    async close() {
      await dashboard.app.close();
      await database.drop();
      await core.close();
    },
  };
}
