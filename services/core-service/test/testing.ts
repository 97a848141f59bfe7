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
