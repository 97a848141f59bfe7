import type { FastifyBaseLogger } from 'fastify';
import { RevocationList } from '../src/auth/revocations.js';
import { createServiceApp, type ServiceApp } from '../src/service.js';

/**
 * A real service built by createServiceApp on `databaseUrl`, with no signing keys (its test routes
 * are public) and the in-process store. The caller registers routes, then calls `ready()`.
 */
export function serviceAppFor(databaseUrl: string, logger: FastifyBaseLogger | false = false): Promise<ServiceApp> {
  const noKeys = Object.assign(async () => undefined, { isTrusted: () => false });
  return createServiceApp({
    name: 'kit-test',
    version: '0.0.0',
    description: 'service-kit test app',
    logLevel: 'silent',
    trustProxy: 'false',
    bodyLimitBytes: 1_048_576,
    postgres: { connectionString: databaseUrl, poolMax: 2, statementTimeoutMs: 10_000, applicationName: 'kit-test' },
    redis: { url: undefined, keyPrefix: 'kit-test:' },
    defaultRate: { max: 1_000_000, windowMs: 60_000 },
    auth: () => ({
      issuer: 'castor-test',
      audience: 'castor-test',
      resolveKey: noKeys,
      revocations: new RevocationList(async () => ({ revocations: [], cursor: 0 })),
      revocationPollMs: 60_000,
    }),
    logger,
  });
}
