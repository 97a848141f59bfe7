import { electionCodeSchema, errorResponseSchema, officialImportResponseSchema } from '@castor/contracts';
import { principal, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import { actorName } from '../../shared/actor.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import type { ResultsCache } from '../../shared/results-cache.js';
import type { ReconciliationService } from './reconciliation.service.js';

/** `/api/elections/:code/official`: the preconteo and escrutinio feeds, reconciled against the E-14s. */
export const reconciliationRoutes: ServicePlugin<{
  catalogs: ElectionCatalogs;
  resultsCache: ResultsCache;
  reconciliation: Pick<ReconciliationService, 'importOfficialFeed'>;
  importBodyLimitBytes: number;
}> = async (app, { catalogs, resultsCache, reconciliation, importBodyLimitBytes }) => {
  app.post(
    '/:code/official/:source',
    {
      bodyLimit: importBodyLimitBytes,
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['reconciliation'],
        summary:
          'Import a preconteo or escrutinio feed (text/csv, castor-official/1); differences with the E-14 become alerts',
        params: z.object({ code: electionCodeSchema, source: z.enum(['preconteo', 'escrutinio']) }),
        body: z.string().min(1),
        response: { 200: officialImportResponseSchema, 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const catalog = await catalogs.requireElection(request.params.code);
      const { source } = request.params;
      const result = await reconciliation.importOfficialFeed(
        catalog,
        source,
        request.body,
        actorName(principal(request)),
      );
      await resultsCache.invalidate(catalog.id, result.corporations);
      const { rows, mesas, unchanged, discrepancyAlerts } = result;
      return { electionCode: catalog.code, source, rows, mesas, unchanged, discrepancyAlerts };
    },
  );
};
