import {
  electionCodeSchema,
  errorResponseSchema,
  witnessAssignmentsRequestSchema,
  witnessAssignmentsResponseSchema,
} from '@castor/contracts';
import { httpError, principal, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import { actorName } from '../../shared/actor.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import type { WitnessAssignments } from '../../shared/witness-assignments.js';

const witnessParams = z.object({ userId: z.string().min(1).max(100) });

/** `/api/witnesses`: which mesas (or puestos, municipios...) each witness may submit E-14s for. */
export const witnessesRoutes: ServicePlugin<{ catalogs: ElectionCatalogs; witnesses: WitnessAssignments }> = async (
  app,
  { catalogs, witnesses },
) => {
  app.put(
    '/:userId/assignments',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['witnesses'],
        summary: 'Set the mesas (or puestos, municipios...) a witness may submit E-14s for, replacing the current set',
        params: witnessParams,
        body: witnessAssignmentsRequestSchema,
        response: { 200: witnessAssignmentsResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const catalog = await catalogs.requireElection(request.body.electionCode);
      const territories = await witnesses.replace(
        catalog.id,
        catalog.code,
        request.params.userId,
        request.body.territories,
        actorName(principal(request)),
      );
      return { userId: request.params.userId, electionCode: catalog.code, territories };
    },
  );

  app.get(
    '/:userId/assignments',
    {
      config: { auth: { roles: ['admin', 'witness'] } },
      schema: {
        tags: ['witnesses'],
        summary: "A witness's assignments (witnesses may read only their own)",
        params: witnessParams,
        querystring: z.object({ election: electionCodeSchema }),
        response: { 200: witnessAssignmentsResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const caller = principal(request);
      if (caller.role === 'witness' && caller.sub !== request.params.userId)
        throw httpError('NOT_FOUND', 'No such witness');
      const catalog = await catalogs.requireElection(request.query.election);
      return {
        userId: request.params.userId,
        electionCode: catalog.code,
        territories: await witnesses.list(catalog.id, request.params.userId),
      };
    },
  );
};
