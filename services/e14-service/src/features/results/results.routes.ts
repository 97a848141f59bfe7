import {
  corporationSchema,
  electionCodeSchema,
  errorResponseSchema,
  type ResultsResponse,
  resultsQuerySchema,
  resultsResponseSchema,
  territoryCodeSchema,
} from '@castor/contracts';
import { notFound, type RateSpec, type ServiceApp } from '@castor/service-kit';
import { z } from 'zod';
import { fingerprint } from '../../domain/forensic-stats.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import { type ResultsService, resultsCsv } from './results.service.js';

const readerRoles = { roles: ['admin', 'analyst', 'reviewer', 'viewer'] } as const;

export async function resultsRoutes(
  app: ServiceApp,
  results: ResultsService,
  catalogs: ElectionCatalogs,
  rate: RateSpec,
) {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };
  app.get(
    '/api/results',
    {
      config: { auth: readerRoles, rateLimit },
      schema: {
        tags: ['results'],
        summary:
          'Votes per option and list, blancos/nulos/no marcados and coverage for a territory, from reconciled truth (JSON or CSV)',
        querystring: resultsQuerySchema,
        response: { 200: z.union([resultsResponseSchema, z.string()]), 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const json = await results.resultsJson(
        request.query.election,
        request.query.corporation,
        request.query.territory,
      );
      if (request.query.format === 'csv') {
        const response = JSON.parse(json) as ResultsResponse;
        const filename = `resultados-${response.electionCode}-${response.corporation}-${response.territory.code || 'nacional'}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .send(resultsCsv(response));
      }
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  app.get(
    '/api/forensics/fingerprint',
    {
      config: { auth: readerRoles, rateLimit },
      schema: {
        tags: ['forensics'],
        summary:
          "Turnout × winner-share histogram (Klimek et al. 2012) of a territory's reconciled mesas, for the dashboard",
        querystring: z.object({
          election: electionCodeSchema,
          corporation: corporationSchema,
          territory: territoryCodeSchema.default(''),
          bins: z.coerce.number().int().min(5).max(100).default(20),
        }),
        response: {
          200: z.object({
            winnerCandidateId: z.number().int().nullable(),
            bins: z.number().int(),
            mesas: z.number().int(),
            histogram: z.array(z.array(z.number())).describe('histogram[turnoutBin][shareBin] = mesas'),
          }),
          404: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { election, corporation, territory, bins } = request.query;
      const catalog = await catalogs.requireElection(election);
      const rows = await app.pg.query<{
        habilitados: number;
        sufragantes: number | null;
        candidate_ids: number[];
        votes: Array<number | null>;
      }>(
        `SELECT m.habilitados, r.sufragantes, r.candidate_ids, r.votes FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
         WHERE r.election_id = $1 AND r.corporation = $2 AND m.mesa_key LIKE $3`,
        [catalog.id, corporation, `${territory}%`],
      );
      const totals = new Map<number, number>();
      for (const row of rows.rows)
        row.candidate_ids.forEach((id, index) => {
          totals.set(id, (totals.get(id) ?? 0) + (row.votes[index] ?? 0));
        });
      const winner = [...totals.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
      const points = rows.rows.flatMap((row) => {
        const total = row.votes.reduce<number>((sum, value) => sum + (value ?? 0), 0);
        if (row.habilitados === 0 || row.sufragantes === null || total === 0) return [];
        const index = winner === null ? -1 : row.candidate_ids.indexOf(winner);
        return [{ turnout: row.sufragantes / row.habilitados, share: index < 0 ? 0 : (row.votes[index] ?? 0) / total }];
      });
      return { winnerCandidateId: winner, bins, mesas: points.length, histogram: fingerprint(points, bins) };
    },
  );
}
