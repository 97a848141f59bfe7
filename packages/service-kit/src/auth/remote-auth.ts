import type { FastifyInstance } from 'fastify';
import type { AuthOptions } from './auth-plugin.js';
import { ACCESS_TOKEN_ALGORITHM } from './auth-plugin.js';
import { createRemoteJwksResolver } from './jwks.js';
import { RevocationList, remoteRevocationSource } from './revocations.js';

export interface RemoteAuthConfig {
  CORE_SERVICE_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  AUTH_REVOCATION_POLL_MS: number;
  AUTH_JWKS_REFRESH_MS: number;
}

/** Auth for services other than core: keys from core's JWKS, deny-list from core's feed. */
export function remoteAuth(config: RemoteAuthConfig) {
  return (app: FastifyInstance): AuthOptions => {
    const resolveKey = createRemoteJwksResolver({
      url: new URL('/.well-known/jwks.json', config.CORE_SERVICE_URL).toString(),
      algorithm: ACCESS_TOKEN_ALGORITHM,
      refreshMs: config.AUTH_JWKS_REFRESH_MS,
    });
    app.addHook('onReady', async () => resolveKey.start());
    app.addHook('onClose', async () => resolveKey.stop());
    return {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      resolveKey,
      revocations: new RevocationList(remoteRevocationSource(config.CORE_SERVICE_URL), app.log),
      revocationPollMs: config.AUTH_REVOCATION_POLL_MS,
    };
  };
}
