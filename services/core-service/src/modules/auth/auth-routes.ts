import {
  authResponseSchema,
  errorResponseSchema,
  loginRequestSchema,
  logoutRequestSchema,
  okResponseSchema,
  refreshRequestSchema,
  registerRequestSchema,
  registerResponseSchema,
  revocationsQuerySchema,
  revocationsResponseSchema,
  tokenInfoResponseSchema,
  userSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServiceApp } from '@castor/service-kit';
import type { UsersService } from '../users/users-service.js';
import type { AccessTokenRevocations } from './access-revocations.js';
import type { SessionService } from './session-service.js';

export interface AuthRoutesDeps {
  sessions: SessionService;
  users: UsersService;
  revocations: AccessTokenRevocations;
  authRate: RateSpec;
}

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 429: errorResponseSchema };

export async function authRoutes(app: ServiceApp, deps: AuthRoutesDeps): Promise<void> {
  const authLimit = { max: deps.authRate.max, timeWindow: deps.authRate.windowMs };

  app.post(
    '/api/auth/register',
    {
      config: { auth: 'public', rateLimit: authLimit },
      schema: {
        tags: ['auth'],
        summary: 'Create an account (viewer, or the invited role)',
        body: registerRequestSchema,
        response: { 201: registerResponseSchema, 403: errorResponseSchema, 409: errorResponseSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send({ user: await deps.users.register(request.body) }),
  );

  app.post(
    '/api/auth/login',
    {
      config: { auth: 'public', rateLimit: authLimit },
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for an access token and a refresh token',
        body: loginRequestSchema,
        response: { 200: authResponseSchema, ...errors },
        security: [],
      },
    },
    async (request) => deps.sessions.login(request.body.email, request.body.password, request.ip),
  );

  app.post(
    '/api/auth/refresh',
    {
      config: { auth: 'public', rateLimit: authLimit },
      schema: {
        tags: ['auth'],
        summary: 'Rotate a refresh token: returns a new pair; the old refresh token stops working',
        body: refreshRequestSchema,
        response: { 200: authResponseSchema, ...errors },
        security: [],
      },
    },
    async (request) => deps.sessions.refresh(request.body.refreshToken),
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke this access token and its refresh-token family (or every session)',
        body: logoutRequestSchema,
        response: { 200: okResponseSchema, ...errors },
      },
    },
    async (request) => {
      await deps.sessions.logout(principal(request), request.body.refreshToken, request.body.allSessions);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) => deps.users.get(principal(request).sub),
  );

  app.get(
    '/api/auth/token-info',
    {
      schema: {
        tags: ['auth'],
        summary: 'What the presented access token says (verified locally, no database)',
        response: { 200: tokenInfoResponseSchema, ...errors },
      },
    },
    async (request) => {
      const claims = principal(request);
      return { sub: claims.sub, role: claims.role, expiresAt: new Date(claims.exp * 1000).toISOString() };
    },
  );

  app.get(
    '/api/auth/revocations',
    {
      // Internal feed for the other services (not routed by the gateway): revoked token ids only.
      config: { auth: 'public', rateLimit: false },
      schema: {
        tags: ['internal'],
        summary: 'Revoked access-token ids after a cursor',
        querystring: revocationsQuerySchema,
        response: { 200: revocationsResponseSchema },
      },
    },
    async (request) => deps.revocations.feed(request.query.after),
  );
}
