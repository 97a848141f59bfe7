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
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import { actorName } from '../../shared/actor.js';
import type { AlertsService } from './alerts.service.js';
import { claimsPacketHtml } from './claims-html.js';

const readerRoles = { roles: ['admin', 'analyst', 'reviewer'] } as const;

interface AlertsRoutesOptions extends Record<string, unknown> {
  alerts: AlertsService;
  rate: RateSpec;
}

const rateLimitOf = (rate: RateSpec) => ({ max: rate.max, timeWindow: rate.windowMs });

/** `/api/alerts`: alerts with their evidence, and their status changes. */
export const alertsRoutes: ServicePlugin<AlertsRoutesOptions> = async (app, { alerts, rate }) => {
  const rateLimit = rateLimitOf(rate);
  app.get(
    '',
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

  app.get(
    '/:id',
    {
      config: { auth: readerRoles, rateLimit },
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its evidence (what a shared link to it opens)',
        params: alertIdParamsSchema,
        response: { 200: alertSchema, 404: errorResponseSchema },
      },
    },
    async (request) => alerts.get(request.params.id),
  );

  app.patch(
    '/:id',
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
};

/** `/api/claims`: the claims packet of a mesa, the evidence a lawyer takes to the escrutinio. */
export const claimsRoutes: ServicePlugin<AlertsRoutesOptions> = async (app, { alerts, rate }) => {
  const rateLimit = rateLimitOf(rate);
  app.get(
    '/:mesaKey',
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
};
