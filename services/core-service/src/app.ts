import { fileURLToPath } from 'node:url';
import {
  createServiceApp,
  FallbackStore,
  RevocationList,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import type { CoreConfig } from './config.js';
import { createDb } from './db/client.js';
import { AccessTokenRevocations } from './modules/auth/access-revocations.js';
import { authRoutes } from './modules/auth/auth-routes.js';
import { LoginThrottle } from './modules/auth/login-throttle.js';
import { PasswordHasher } from './modules/auth/passwords.js';
import { RefreshGrace } from './modules/auth/refresh-grace.js';
import { SessionService } from './modules/auth/session-service.js';
import { KeyRing } from './modules/keys/key-ring.js';
import { keysRoutes } from './modules/keys/keys-routes.js';
import { leadsRoutes } from './modules/leads/leads-routes.js';
import { LeadsService } from './modules/leads/leads-service.js';
import { usersRoutes } from './modules/users/users-routes.js';
import { UsersService } from './modules/users/users-service.js';

export const SERVICE_NAME = 'core-service';
export const SERVICE_VERSION = '0.1.0';
/** Bundled builds set this define; from source the folder sits next to src/. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

/** How often each replica reloads the key ring (to learn of rotations made by another replica). */
const MAINTENANCE_INTERVAL_MS = 30_000;

export interface CoreApp {
  app: ServiceApp;
  keys: KeyRing;
  users: UsersService;
  sessions: SessionService;
}

/** Builds core-service: the service kit plus keys, sessions, users and leads. */
export async function buildCoreApp(
  config: CoreConfig,
  overrides: Pick<ServiceOptions, 'logger'> & { migrationsFolder?: string } = {},
): Promise<CoreApp> {
  let keys: KeyRing | undefined;
  let revocations: AccessTokenRevocations | undefined;

  const app = await createServiceApp({
    ...serviceOptionsFromEnv(config, {
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      description: 'Authentication, users and roles, demo requests, and the public keys that verify CASTOR tokens.',
      migrationsFolder: overrides.migrationsFolder ?? MIGRATIONS_FOLDER,
      appendOnlyTables: ['account_events'],
    }),
    ...(overrides.logger === undefined ? {} : { logger: overrides.logger }),
    // core verifies its own tokens from its key ring and reads its own revocation table.
    auth: async (instance) => {
      const db = createDb(instance.pg);
      keys = new KeyRing(db, {
        encryptionKey: Buffer.from(config.JWT_KEY_ENCRYPTION_KEY, 'base64'),
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTokenSeconds: config.JWT_ACCESS_TOKEN_EXPIRES,
        rotationDays: config.JWT_KEY_ROTATION_DAYS,
        prepublishSeconds: config.JWT_KEY_PREPUBLISH_SECONDS,
      });
      await keys.load();
      await keys.rotateIfDue();
      const list = new RevocationList((after) => requireValue(revocations).feed(after), instance.log);
      revocations = new AccessTokenRevocations(db, instance.redis, list, instance.log);
      return {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        resolveKey: keys.resolveKey,
        revocations: list,
        revocationPollMs: config.AUTH_REVOCATION_POLL_MS,
      };
    },
  });

  const db = createDb(app.pg);
  const keyRing = requireValue(keys);
  const revoked = requireValue(revocations);
  const hasher = new PasswordHasher(config.ARGON2_MAX_CONCURRENCY, config.ARGON2_MAX_QUEUE);
  // Login counters and the refresh grace window keep working through a Redis outage (per process):
  // without them, password guessing would be unlimited and concurrent refreshes would sign users out.
  const authStore = new FallbackStore(app.store, (error) => app.log.warn({ err: error }, 'auth store degraded'));
  app.addHook('onClose', async () => authStore.close());
  const sessions = new SessionService({
    db,
    keys: keyRing,
    hasher,
    throttle: new LoginThrottle(authStore, {
      maxFailures: config.LOGIN_MAX_FAILURES,
      accountMaxFailures: config.LOGIN_ACCOUNT_MAX_FAILURES,
      lockoutSeconds: config.LOGIN_LOCKOUT_SECONDS,
    }),
    grace: new RefreshGrace(authStore, config.JWT_REFRESH_GRACE_SECONDS),
    revocations: revoked,
    accessTokenSeconds: config.JWT_ACCESS_TOKEN_EXPIRES,
    refreshTokenSeconds: config.JWT_REFRESH_TOKEN_EXPIRES,
  });
  const users = new UsersService({
    db,
    hasher,
    sessions,
    revocations: revoked,
    allowRegistration: config.AUTH_ALLOW_REGISTRATION,
  });

  await authRoutes(app, { sessions, users, revocations: revoked, authRate: config.RATE_LIMIT_AUTH });
  await keysRoutes(app, keyRing);
  await usersRoutes(app, users);
  await leadsRoutes(app, new LeadsService(db), config.RATE_LIMIT_LEADS);

  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const outcome = await users.ensureAdmin(config.ADMIN_EMAIL.toLowerCase(), config.ADMIN_PASSWORD);
    if (outcome === 'created') app.log.info('created the first admin from ADMIN_EMAIL');
  }

  // Reload keys (rotations by other replicas), rotate when due, forget long-expired revocations.
  const maintenance = setInterval(() => {
    keyRing
      .load()
      .then(() => keyRing.rotateIfDue())
      .then(() => revoked.purgeExpired())
      .catch((error: unknown) => app.log.warn({ err: error }, 'maintenance failed'));
  }, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();
  app.addHook('onClose', async () => {
    clearInterval(maintenance);
    keyRing.stop();
  });

  return { app, keys: keyRing, users, sessions };
}

function requireValue<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('core-service auth setup did not run');
  return value;
}
