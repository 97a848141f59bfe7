import {
  alertIdParamsSchema,
  alertListResponseSchema,
  alertSchema,
  claimsPacketParamsSchema,
  claimsPacketQuerySchema,
  claimsPacketSchema,
  errorResponseSchema,
  listAlertsQuerySchema,
  updateAlertStatusRequestSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServiceApp } from '@castor/service-kit';
import { z } from 'zod';
import { actorName } from '../../shared/actor.js';
import type { AlertsService } from './alerts.service.js';
import { claimsPacketHtml } from './claims-html.js';

const readerRoles = { roles: ['admin', 'analyst', 'reviewer'] } as const;

export async function alertsRoutes(app: ServiceApp, alerts: AlertsService, rate: RateSpec) {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };
  app.get(
    '/api/alerts',
    {
      config: { auth: readerRoles, rateLimit },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts with their evidence, filtered by severity, rule, territory, corporation and status',
        querystring: listAlertsQuerySchema,
        response: { 200: alertListResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => alerts.list(request.query),
  );

  app.patch(
    '/api/alerts/:id',
    {
      config: { auth: { roles: ['admin', 'analyst'] }, rateLimit },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge, resolve or reopen an alert, with a reason (audited)',
        params: alertIdParamsSchema,
        body: updateAlertStatusRequestSchema,
        response: { 200: alertSchema, 404: errorResponseSchema },
      },
    },
    async (request) =>
      alerts.setStatus(request.params.id, request.body.status, request.body.reason, actorName(principal(request))),
  );

  app.get(
    '/api/claims/:mesaKey',
    {
      config: { auth: readerRoles, rateLimit },
      schema: {
        tags: ['alerts'],
        summary:
          'Claims packet of a mesa: discrepancies, every source version, official feeds and the audit trail (JSON or printable HTML)',
        params: claimsPacketParamsSchema,
        querystring: claimsPacketQuerySchema,
        response: { 200: z.union([claimsPacketSchema, z.string()]), 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const packet = await alerts.claimsPacket(
        request.query.election,
        request.query.corporation,
        request.params.mesaKey,
      );
      if (request.query.format === 'html') return reply.type('text/html; charset=utf-8').send(claimsPacketHtml(packet));
      return packet;
    },
  );
}
