import type { ServiceOptions } from '@castor/service-kit';
import type { CoreUnderTest } from './testing.js';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function postJson(core: CoreUnderTest, url: string, body: unknown, headers: Record<string, string> = {}) {
  return core.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

/** A POST of `body` as JSON, as if from `remoteAddress` (the limits per client address). */
export function postJsonFrom(core: CoreUnderTest, remoteAddress: string, url: string, body: unknown) {
  return core.app.inject({
    method: 'POST',
    url,
    remoteAddress,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

/** A GET of `url` with `token` as the bearer. */
export function getAs(core: CoreUnderTest, url: string, token: string) {
  return core.app.inject({ method: 'GET', url, headers: bearer(token) });
}

/**
 * The options of a small service built on service-kit inside a test: version 0.0.0, silent, trusting
 * loopback, a pool of two on `databaseUrl` (as `applicationName`); `options` the rest.
 */
export function testServiceOptions(
  { name, databaseUrl, applicationName = name }: { name: string; databaseUrl: string; applicationName?: string },
  options: Pick<ServiceOptions, 'description' | 'bodyLimitBytes' | 'redis' | 'defaultRate' | 'auth'>,
): ServiceOptions {
  return {
    name,
    version: '0.0.0',
    logLevel: 'silent',
    trustProxy: 'loopback',
    postgres: { connectionString: databaseUrl, poolMax: 2, statementTimeoutMs: 5_000, applicationName },
    logger: false,
    ...options,
  };
}
