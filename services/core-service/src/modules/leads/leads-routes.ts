import {
  demoRequestResponseSchema,
  demoRequestSchema,
  errorResponseSchema,
  leadListResponseSchema,
  paginationQuerySchema,
} from '@castor/contracts';
import type { RateSpec, ServiceApp } from '@castor/service-kit';
import type { LeadsService } from './leads-service.js';

export async function leadsRoutes(app: ServiceApp, leads: LeadsService, rate: RateSpec): Promise<void> {
  app.post(
    '/api/leads/demo-request',
    {
      config: { auth: 'public', rateLimit: { max: rate.max, timeWindow: rate.windowMs } },
      schema: {
        tags: ['leads'],
        summary: 'Ask for a demo (public)',
        body: demoRequestSchema,
        response: { 201: demoRequestResponseSchema, 422: errorResponseSchema, 429: errorResponseSchema },
        security: [],
      },
    },
    async (request, reply) => {
      const { id } = await leads.submit(request.body);
      return reply.code(201).send({ id, received: true as const });
    },
  );

  app.get(
    '/api/leads',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['leads'],
        summary: 'Demo requests, newest first',
        querystring: paginationQuerySchema,
        response: { 200: leadListResponseSchema },
      },
    },
    async (request) => leads.list(request.query.limit, request.query.offset),
  );
}
