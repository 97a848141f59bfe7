import { jwksSchema, rotateKeyResponseSchema } from '@castor/contracts';
import type { ServiceApp } from '@castor/service-kit';
import type { KeyRing } from './key-ring.js';

export async function keysRoutes(app: ServiceApp, keys: KeyRing): Promise<void> {
  app.get(
    '/.well-known/jwks.json',
    {
      config: { auth: 'public', rateLimit: false },
      schema: {
        tags: ['keys'],
        summary: 'Public keys that verify access tokens (active and recently retired)',
        response: { 200: jwksSchema },
        security: [],
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'public, max-age=300');
      return keys.jwks();
    },
  );

  app.post(
    '/api/admin/keys/rotate',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['keys'],
        summary: 'Start signing with a new key; retired keys keep verifying until their tokens expire',
        response: { 200: rotateKeyResponseSchema },
      },
    },
    async () => keys.rotate(),
  );
}
