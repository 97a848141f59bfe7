import { type AccessTokenClaims, accessTokenClaimsSchema, type Role } from '@castor/contracts';
import jwt, { type TokenOrHeader } from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, forbidden, unauthorized } from '../errors.js';
import type { KeyResolver } from './jwks.js';
import type { RevocationList } from './revocations.js';

/** The only signature algorithm CASTOR issues and accepts. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
/** RFC 9068 media type of JWT access tokens; refresh tokens are opaque and never JWTs. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * Route-level access policy: `'public'` for open routes, `{ roles }` to restrict, and nothing at
 * all for "any signed-in user". Routes are private unless they say otherwise.
 */
export type RouteAuth = 'public' | { roles: readonly Role[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Record<string, unknown>;
    user: AccessTokenClaims;
  }
}

export interface AuthOptions {
  issuer: string;
  audience: string;
  resolveKey: KeyResolver;
  revocations: RevocationList;
  revocationPollMs: number;
}

const JWT_ERROR_CODES: Record<string, { code: 'AUTH_REQUIRED' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED'; message: string }> =
  {
    FST_JWT_NO_AUTHORIZATION_IN_HEADER: { code: 'AUTH_REQUIRED', message: 'Sign in: this route needs a Bearer token' },
    FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: {
      code: 'TOKEN_EXPIRED',
      message: 'The access token has expired; refresh it',
    },
    FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED: { code: 'TOKEN_REVOKED', message: 'The access token has been revoked' },
  };

async function authenticate(request: FastifyRequest): Promise<AccessTokenClaims> {
  try {
    await request.jwtVerify();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code ?? '';
    const known = JWT_ERROR_CODES[code];
    if (known) throw unauthorized(known.code, known.message);
    throw unauthorized('TOKEN_INVALID', 'The access token is not valid');
  }
  const claims = accessTokenClaimsSchema.safeParse(request.user);
  if (!claims.success) throw unauthorized('TOKEN_INVALID', 'The access token is not valid');
  return claims.data;
}

export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    await app.register(jwt, {
      secret: {
        public: async (_request: FastifyRequest, token: TokenOrHeader) => {
          const kid = 'header' in token ? token.header.kid : undefined;
          const key = typeof kid === 'string' ? await options.resolveKey(kid) : undefined;
          if (!key) throw unauthorized('TOKEN_INVALID', 'The access token is signed with an unknown key');
          return key;
        },
      },
      // The key callback needs the header (kid); without this it receives only the payload.
      decode: { complete: true },
      verify: {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        allowedIss: options.issuer,
        allowedAud: options.audience,
        checkTyp: ACCESS_TOKEN_TYP,
        requiredClaims: ['sub', 'role', 'jti', 'iat', 'exp'],
        cache: 10_000,
      },
      trusted: (_request, decoded) => !options.revocations.isRevoked(String((decoded as { jti?: unknown }).jti)),
    });

    app.addHook('onRequest', async (request) => {
      const policy = request.routeOptions.config.auth;
      if (policy === 'public' || request.is404) return;
      const claims = await authenticate(request);
      if (policy && !policy.roles.includes(claims.role)) throw forbidden();
    });

    // Ready means the deny-list is loaded: a revoked token is never accepted after a restart.
    app.addHook('onReady', async () => options.revocations.start(options.revocationPollMs, app.redis));
    app.addHook('onClose', async () => options.revocations.stop());
    app.health.register('revocation-feed', {
      required: false,
      check: async () => {
        const { lastSyncAt } = options.revocations;
        if (lastSyncAt === 0) throw new Error('not synced yet');
        const age = Date.now() - lastSyncAt;
        if (age > options.revocationPollMs * 5) throw new Error(`last synced ${Math.round(age / 1000)} s ago`);
        return `${options.revocations.size} revoked tokens tracked`;
      },
    });
  },
  { name: 'castor-auth', dependencies: ['castor-redis', 'castor-health'] },
);

/** The verified caller of a private route. */
export function principal(request: FastifyRequest): AccessTokenClaims {
  return request.user;
}
