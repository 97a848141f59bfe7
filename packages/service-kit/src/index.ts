export type { Redis } from 'ioredis';
export {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYP,
  type AuthOptions,
  authPlugin,
  principal,
  type RouteAuth,
} from './auth/auth-plugin.js';
export { createRemoteJwksResolver, type KeyResolver, type RemoteKeyResolver } from './auth/jwks.js';
export { type RemoteAuthConfig, remoteAuth } from './auth/remote-auth.js';
export {
  REVOCATION_CHANNEL,
  RevocationList,
  type RevocationSource,
  remoteRevocationSource,
} from './auth/revocations.js';
export * from './config.js';
export * from './errors.js';
export { REDACTED_PATHS } from './logger.js';
export { runMigrations } from './migrate.js';
export type { HealthCheck } from './plugins/health.js';
export { applyMigrations, createPool } from './plugins/postgres.js';
export { createRedis } from './plugins/redis.js';
export { runService } from './server.js';
export {
  createServiceApp,
  type ServiceApp,
  type ServiceEnv,
  type ServiceOptions,
  type ServicePlugin,
  serviceOptionsFromEnv,
} from './service.js';
export { FallbackStore, type KeyValueStore, MemoryStore, RedisStore } from './store.js';
export { withTransaction } from './transaction.js';
