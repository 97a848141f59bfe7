import {
  alertListResponseSchema,
  type Corporation,
  corporationSchema,
  pipelineActivitySchema,
  pipelineStatusSchema,
  resultsResponseSchema,
  type Severity,
} from '@castor/contracts';
import { z } from 'zod';
import { request } from './http';

/**
 * GET /api/elections: e14-service declares this response next to its route, not in
 * packages/contracts; this is its shape as the app reads it.
 */
const electionListSchema = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      date: z.string(),
      corporations: z.array(corporationSchema),
      mesas: z.number().int(),
    }),
  ),
});
export type ElectionSummary = z.infer<typeof electionListSchema>['items'][number];

/** e14-service: elections, results with coverage, the document pipeline, alerts. */
export const e14Api = {
  elections: () => request('/api/elections', { schema: electionListSchema }).then((list) => list.items),

  results: (election: string, corporation: Corporation, territory = '') =>
    request('/api/results', { query: { election, corporation, territory }, schema: resultsResponseSchema }),

  pipelineStatus: () => request('/api/pipeline/status', { schema: pipelineStatusSchema }),

  pipelineActivity: (election: string) =>
    request('/api/pipeline/activity', { query: { election }, schema: pipelineActivitySchema }),

  alerts: (query: {
    election: string;
    severity?: Severity;
    status?: 'open' | 'acknowledged' | 'resolved';
    limit?: number;
  }) => request('/api/alerts', { query, schema: alertListResponseSchema }),
};
