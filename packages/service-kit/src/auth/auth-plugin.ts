import { type AccessTokenClaims, accessTokenClaimsSchema, type Role } from '@castor/contracts';
import jwt, { type TokenOrHeader } from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, httpError, unauthorized } from '../errors.js';
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

/**
 * Access tokens this process has already verified, by their exact text (bounded, oldest out
 * first). A hit skips the signature check and the claims parsing, which give the same answer for
 * the same bytes; it never skips the expiry, not-before and deny-list checks, which depend on time.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { claims: AccessTokenClaims; kid: string }>();

  constructor(
    private readonly capacity: number,
    private readonly keys: KeyResolver,
    private readonly revocations: RevocationList,
  ) {}

  /** The claims of a token verified before and still acceptable now, else undefined. */
  acceptable(token: string): AccessTokenClaims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const { claims } = entry;
    const now = Date.now() / 1000;
    if (
      claims.exp > now &&
      (claims.nbf === undefined || claims.nbf <= now) &&
      !this.revocations.isRevoked(claims.jti) &&
      // A key dropped by a rotation stops verifying its tokens at once, cached or not.
      this.keys.isTrusted(entry.kid)
    ) {
      return claims;
    }
    // Let the full verification answer with the precise error code.
    this.entries.delete(token);
    return undefined;
  }

  add(token: string, claims: AccessTokenClaims): void {
    const kid = keyIdOf(token);
    if (kid === undefined) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { claims, kid });
  }
}

/** The `kid` of a token that has just been verified (so its header is well-formed JSON). */
function keyIdOf(token: string): string | undefined {
  const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString()) as {
    kid?: unknown;
  };
  return typeof header.kid === 'string' ? header.kid : undefined;
}

const BEARER_PREFIX = 'Bearer ';

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith(BEARER_PREFIX)
    ? header.slice(BEARER_PREFIX.length)
    : undefined;
}

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
      },
      trusted: (_request, decoded) => !options.revocations.isRevoked(String((decoded as { jti?: unknown }).jti)),
    });

    const verified = new VerifiedTokens(10_000, options.resolveKey, options.revocations);
    // Callback style so that a token seen before is accepted without a promise.
    app.addHook('onRequest', (request, _reply, done) => {
      const policy = request.routeOptions.config.auth;
      if (policy === 'public' || request.is404) return done();
      const allowed = (claims: AccessTokenClaims) =>
        policy && !policy.roles.includes(claims.role)
          ? done(httpError('FORBIDDEN', 'Your role does not allow this action'))
          : done();
      const token = bearerToken(request);
      const known = token === undefined ? undefined : verified.acceptable(token);
      if (known) {
        request.user = known;
        return allowed(known);
      }
      authenticate(request).then((claims) => {
        if (token !== undefined) verified.add(token, claims);
        allowed(claims);
      }, done);
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
