import {
  campaignAnalysisSchema,
  campaignAnalyzeRequestSchema,
  errorResponseSchema,
  rivalsCompareCsvQuerySchema,
  rivalsCompareRequestSchema,
  rivalsComparisonSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import type { CampaignService } from './campaign.service.js';
import { rivalsCsv, rivalsCsvFilename } from './rivals-csv.js';

/** As for media analyses: admins, analysts and viewers read; exports are for admins and analysts. */
const readers = { roles: ['admin', 'analyst', 'viewer'] } as const;
const exporters = { roles: ['admin', 'analyst'] } as const;

/** `/api/campaign`: the campaign's candidate among the rivals, and the rivals side by side. */
export const campaignRoutes: ServicePlugin<{ campaign: CampaignService; rate: RateSpec }> = async (
  app,
  { campaign, rate },
) => {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };

  app.post(
    '/analyze',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags: ['campaign'],
        summary:
          'The own candidate (or the one named) in full — the media analysis — ranked among every followed candidate by share of voice and net sentiment, with findings against the previous period of the same length. Stored in the caller’s history. 404 CANDIDATE_UNKNOWN when the named candidate, or any own candidate, is not followed',
        body: campaignAnalyzeRequestSchema,
        response: { 200: campaignAnalysisSchema, 404: errorResponseSchema },
      },
    },
    async (request) => campaign.analyze(request.body, principal(request).sub),
  );

  app.post(
    '/rivals/compare',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags: ['campaign'],
        summary:
          'Two to eight candidates (default: all followed) side by side on every measure, for the period and the previous one of the same length, with the change; posts per interval per candidate. Stored in the caller’s history',
        body: rivalsCompareRequestSchema,
        response: { 200: rivalsComparisonSchema, 404: errorResponseSchema },
      },
    },
    async (request) => campaign.compare(request.body, principal(request).sub),
  );

  app.get(
    '/rivals/compare.csv',
    {
      config: { auth: exporters, rateLimit },
      schema: {
        tags: ['campaign'],
        summary:
          'The same comparison as CSV, one line per candidate: each measure for the period, the previous period and the change',
        querystring: rivalsCompareCsvQuerySchema,
        response: { 200: z.string().describe('text/csv'), 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const comparison = await campaign.compare({ ...request.query, granularity: 'day' }, undefined);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${rivalsCsvFilename(comparison)}"`)
        .send(rivalsCsv(comparison));
    },
  );
};
