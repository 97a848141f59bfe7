import { randomBytes } from 'node:crypto';
import type { AuthResponse, Role } from '@castor/contracts';
import { createTestDatabase, type TestDatabase, testRedis } from '@castor/test-support';
import { buildCoreApp, type CoreApp } from '../src/app.js';
import { type CoreConfig, loadCoreConfig } from '../src/config.js';

export interface CoreUnderTest extends CoreApp {
  config: CoreConfig;
  database: TestDatabase;
  /** Base URL when started with `listen: true` (other services fetch JWKS and revocations from it). */
  url: string;
  /** Creates a user with `role` directly and signs them in; the password comes back for later logins. */
  signIn(role: Role, email?: string): Promise<AuthResponse & { password: string }>;
  close(): Promise<void>;
}

/**
 * A real core-service on a fresh database and an isolated Redis key prefix, for integration tests
 * of core itself and of services that verify its tokens.
 */
export async function startCoreForTests(
  env: Record<string, string> = {},
  options: { listen?: boolean; database?: TestDatabase } = {},
): Promise<CoreUnderTest> {
  const database = options.database ?? (await createTestDatabase('core'));
  const redis = testRedis();
  const config = loadCoreConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AUTH_REVOCATION_POLL_MS: '200',
    JWT_KEY_PREPUBLISH_SECONDS: '0',
    RATE_LIMIT_DEFAULT: '100000/minute',
    RATE_LIMIT_AUTH: '100000/minute',
    ...env,
  });
  const core = await buildCoreApp(config, { logger: false });
  let url = '';
  if (options.listen) url = await core.app.listen({ host: '127.0.0.1', port: 0 });
  else await core.app.ready();
  let sequence = 0;
  return {
    ...core,
    config,
    database,
    url,
    async signIn(role, email) {
      sequence += 1;
      const address = email ?? `${role}${sequence}-${randomBytes(3).toString('hex')}@castor.test`;
      const password = `pw-${randomBytes(12).toString('hex')}`;
      // The real invitation path: works whether self-registration is open or not.
      const { invitationToken } = await core.users.invite(null, address, role);
      await core.users.register({ email: address, password, name: `${role} ${sequence}`, invitationToken });
      return { ...(await core.sessions.login(address, password)), password };
    },
    async close() {
      await core.app.close();
      if (!options.database) await database.drop();
    },
  };
}

/** What a service that trusts core's tokens gives the shared harness below. */
export interface ServiceBehindCoreSpec<
  Config,
  App extends { app: { ready(): PromiseLike<unknown>; close(): PromiseLike<unknown> } },
> {
  /** The test-support template its database is cloned from ("e14", "dashboard"). */
  database: string;
  /** The variable that shows the service's log while debugging a test (E14_TEST_LOG, ...). */
  logVariable: string;
  loadConfig(env: Record<string, string>): Config;
  build(config: Config, overrides: { logger?: false }): Promise<App>;
  /** The service's own settings, over the harness's (and under the test's). */
  defaults?: Record<string, string>;
}

export type ServiceBehindCore<Config, App> = App & {
  config: Config;
  core: CoreUnderTest;
  database: TestDatabase;
  /** A real access token from core for a new user with `role`, and that user's id. */
  token(role: Role): Promise<{ token: string; userId: string }>;
  close(): Promise<void>;
};

/**
 * A real core-service (listening, so the service fetches its JWKS and revocation feed over HTTP)
 * and a real service built by `spec`, each on a fresh database and its own Redis key prefix.
 */
export async function startServiceBehindCore<
  Config,
  App extends { app: { ready(): PromiseLike<unknown>; close(): PromiseLike<unknown> } },
>(spec: ServiceBehindCoreSpec<Config, App>, env: Record<string, string> = {}): Promise<ServiceBehindCore<Config, App>> {
  const core = await startCoreForTests({}, { listen: true });
  const database = await createTestDatabase(spec.database);
  const redis = testRedis();
  const logging = Boolean(process.env[spec.logVariable]);
  const config = spec.loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: logging ? 'error' : 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    CORE_SERVICE_URL: core.url,
    AUTH_REVOCATION_POLL_MS: '200',
    RATE_LIMIT_DEFAULT: '1000000/minute',
    ...spec.defaults,
    ...env,
  });
  const service = await spec.build(config, logging ? {} : { logger: false });
  await service.app.ready();
  return {
    ...service,
    config,
    core,
    database,
    async token(role) {
      const session = await core.signIn(role);
      return { token: session.accessToken, userId: session.user.id };
    },
    async close() {
      await service.app.close();
      await database.drop();
      await core.close();
    },
  };
}
