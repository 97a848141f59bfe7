import {
  analysisParamsSchema,
  campaignAnalysisSchema,
  errorResponseSchema,
  mediaAnalysisSchema,
  mediaAnalyzeRequestSchema,
  mediaHistoryQuerySchema,
  mediaHistoryResponseSchema,
  postsExportQuerySchema,
  rivalsComparisonSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import type { MediaService } from './media.service.js';
import { postsCsv } from './posts-csv.js';

/**
 * Who reads the conversation: admins, analysts and viewers (the observers and media who follow the
 * campaign read the analyses they run). Witnesses and reviewers work on E-14 forms and get 403.
 * Raw posts leave the service (CSV) for admins and analysts only.
 */
const readers = { roles: ['admin', 'analyst', 'viewer'] } as const;
const exporters = { roles: ['admin', 'analyst'] } as const;

/** `/api/media`: analyses of a candidate's or a query's conversation, the caller's history, the posts export. */
export const mediaRoutes: ServicePlugin<{ media: MediaService; rate: RateSpec }> = async (app, { media, rate }) => {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };

  app.post(
    '/analyze',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags: ['media'],
        summary:
          'The conversation about a followed candidate or a free query (words, #hashtag, @account; Spanish full-text search) over a period (default: the last 30 days): volume, share of voice, sentiment over time, top posts and authors, bot share, top hashtags and a written summary; with or without suspected bots. Stored in the caller’s history. 404 CANDIDATE_UNKNOWN; 400 ANALYSIS_QUERY_UNSEARCHABLE for a query of stop words only',
        body: mediaAnalyzeRequestSchema,
        response: { 200: mediaAnalysisSchema, 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => media.analyze(request.body, principal(request).sub),
  );

  app.get(
    '/history',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags: ['media'],
        summary: 'The caller’s own analyses (media, campaign, rivals), newest first; page with `before` = nextBefore',
        querystring: mediaHistoryQuerySchema,
        response: { 200: mediaHistoryResponseSchema },
      },
    },
    async (request) =>
      media.history(principal(request).sub, {
        kind: request.query.kind,
        before: request.query.before,
        limit: request.query.limit,
      }),
  );

  app.get(
    '/analyses/:id',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags: ['media'],
        summary: 'One of the caller’s stored analyses as it was answered; another user’s answers 404 ANALYSIS_UNKNOWN',
        params: analysisParamsSchema,
        response: {
          200: z.union([mediaAnalysisSchema, campaignAnalysisSchema, rivalsComparisonSchema]),
          404: errorResponseSchema,
        },
      },
    },
    async (request) => media.stored(principal(request).sub, request.params.id),
  );

  app.get(
    '/posts.csv',
    {
      config: { auth: exporters, rateLimit },
      schema: {
        tags: ['media'],
        summary:
          'The posts of a candidate or query over a period as CSV (the import’s columns plus sentiment, its model and the bot flag), streamed; cells that a spreadsheet would run as a formula are prefixed with a quote',
        querystring: postsExportQuerySchema,
        response: { 200: z.any().describe('text/csv'), 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const { selection, candidate } = await media.selectionOf(query);
      const period = media.period(query);
      const name = candidate?.slug ?? 'consulta';
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="publicaciones-${name}-${period.from.toISOString().slice(0, 10)}-${period.to.toISOString().slice(0, 10)}.csv"`,
        )
        .send(postsCsv(media.exportPosts(selection, period, query.excludeBots)));
    },
  );
};
