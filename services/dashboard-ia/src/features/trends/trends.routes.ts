import {
  errorResponseSchema,
  spikesQuerySchema,
  spikesResponseSchema,
  type TrendingResponse,
  trendingQuerySchema,
  trendingResponseSchema,
} from '@castor/contracts';
import { httpError, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import type { z } from 'zod';
import { sendCsv } from '../../shared/csv.js';
import type { TrendsRepository } from './trends.repository.js';
import type { TrendsService } from './trends.service.js';
import { trendsCsv, trendsCsvFilename } from './trends-csv.js';

/** Spike alerts shown beside the trends. */
const RECENT_SPIKES = 20;

/**
 * `/api/campaign/trending` (JSON and CSV) and `/api/campaign/spikes`: what rises now against its
 * smoothed baseline, per candidate or overall, and the spikes detected in the background.
 */
export const trendsRoutes: ServicePlugin<{
  trends: TrendsService;
  repository: TrendsRepository;
  rate: RateSpec;
}> = async (app, { trends, repository, rate }) => {
  const config = {
    auth: { roles: ['admin', 'analyst', 'viewer'] },
    rateLimit: { max: rate.max, timeWindow: rate.windowMs },
  } as const;

  const candidateOf = async (slug: string | undefined) => {
    if (slug === undefined) return null;
    const id = await repository.candidateId(slug);
    if (id === undefined) throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${slug}"`);
    return { id, slug };
  };

  const trending = async (query: z.output<typeof trendingQuerySchema>): Promise<TrendingResponse> => {
    const candidate = await candidateOf(query.candidate);
    const at = query.at === undefined ? new Date() : new Date(query.at);
    const computed = await trends.compute({ ...query, candidate, at });
    const summaries = await trends.postSummaries(computed.trends.flatMap((trend) => trend.postIds));
    return {
      window: { from: computed.from.toISOString(), to: computed.to.toISOString() },
      includeBots: query.includeBots,
      rule: { minZ: trends.rule.minZ, minAuthors: trends.rule.minAuthors, baselineWindows: computed.baselineWindows },
      trends: computed.trends.map((trend) => ({
        kind: trend.kind,
        term: trend.term,
        terms: trend.terms,
        candidate: candidate?.slug ?? null,
        volume: trend.volume,
        baseline: trend.baseline,
        zScore: trend.zScore,
        authors: trend.authors,
        posts: trend.postIds.flatMap((id) => summaries.get(id) ?? []),
      })),
      spikes: await trends.spikes(candidate?.id ?? null, RECENT_SPIKES),
    };
  };

  app.get(
    '/trending',
    {
      config,
      schema: {
        tags: ['campaign'],
        summary:
          'Terms, hashtags and topics rising against their smoothed baseline (z-score, a minimum of distinct authors, bots left out unless includeBots), per candidate or overall, with the most engaged posts behind each and the recent spike alerts',
        querystring: trendingQuerySchema,
        response: { 200: trendingResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => trending(request.query),
  );

  app.get(
    '/trending.csv',
    {
      config,
      schema: {
        tags: ['campaign'],
        summary: 'The same trends as CSV (cells that a spreadsheet would run as formulas are escaped)',
        querystring: trendingQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const response = await trending(request.query);
      return sendCsv(reply, trendsCsvFilename(request.query.candidate, response), trendsCsv(response));
    },
  );

  app.get(
    '/spikes',
    {
      config,
      schema: {
        tags: ['campaign'],
        summary: 'Spike alerts detected in the background, newest first, of one candidate or all',
        querystring: spikesQuerySchema,
        response: { 200: spikesResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const candidate = await candidateOf(request.query.candidate);
      return { spikes: await trends.spikes(candidate?.id ?? null, request.query.limit) };
    },
  );
};
