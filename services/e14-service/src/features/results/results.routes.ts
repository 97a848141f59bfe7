import {
  errorResponseSchema,
  type ResultsResponse,
  resultsQuerySchema,
  resultsResponseSchema,
} from '@castor/contracts';
import type { RateSpec, ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import type { ResultsService } from './results.service.js';
import { resultsCsv, resultsCsvFilename } from './results-csv.js';

const readerRoles = { roles: ['admin', 'analyst', 'reviewer', 'viewer'] } as const;

/** `/api/results`: votes and coverage of a territory from reconciled truth. */
export const resultsRoutes: ServicePlugin<{ results: Pick<ResultsService, 'resultsJson'>; rate: RateSpec }> = async (
  app,
  { results, rate },
) => {
  app.get(
    '',
    {
      config: { auth: readerRoles, rateLimit: { max: rate.max, timeWindow: rate.windowMs } },
      schema: {
        tags: ['results'],
        summary:
          'Votes per option and list, blancos/nulos/no marcados and coverage for a territory, from reconciled truth (JSON or CSV)',
        querystring: resultsQuerySchema,
        response: { 200: z.union([resultsResponseSchema, z.string()]), 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { election, corporation, territory, format } = request.query;
      const json = await results.resultsJson(election, corporation, territory);
      if (format === 'csv') {
        const response = JSON.parse(json) as ResultsResponse;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${resultsCsvFilename(response)}"`)
          .send(resultsCsv(response));
      }
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );
};
