import {
  errorResponseSchema,
  forecastDashboardQuerySchema,
  forecastDashboardResponseSchema,
  icceQuerySchema,
  icceResponseSchema,
  MAX_POLLS_FILE_CHARS,
  momentumQuerySchema,
  momentumResponseSchema,
  pollsImportRequestSchema,
  pollsImportResponseSchema,
  pollsQuerySchema,
  pollsResponseSchema,
  seriesForecastRequestSchema,
  seriesForecastResponseSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import type { ForecastService } from './forecast.service.js';

/** As for the other analyses: admins, analysts and viewers read; importing polls is for admins and analysts. */
const readers = { roles: ['admin', 'analyst', 'viewer'] } as const;
const importers = { roles: ['admin', 'analyst'] } as const;
/** A polls file in a JSON string, with room for escaping and the mapping. */
const POLLS_BODY_LIMIT = 2 * MAX_POLLS_FILE_CHARS + 65_536;
const tags = ['forecast'];

/**
 * `/api/forecast`: the ICCE per candidate and day, its momentum, ETS forecasts with their backtest,
 * any analyst's series forecast with the same engine, and the polls shown beside them. Every answer
 * says that the ICCE measures conversation, not votes.
 */
export const forecastRoutes: ServicePlugin<{ forecast: ForecastService; rate: RateSpec }> = async (
  app,
  { forecast, rate },
) => {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };

  app.get(
    '/icce',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags,
        summary:
          'ICCE = 100·(α·ISN′ + (1 − α)·ICR) per candidate (or the one named) and UTC day, with its 95 % sampling band and the posts behind each point; unscored posts are left out and counted; suspected bots left out when excludeBots. It measures conversation, not votes',
        querystring: icceQuerySchema,
        response: { 200: icceResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => forecast.icce(request.query),
  );

  app.get(
    '/momentum',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags,
        summary:
          'Momentum of the ICCE: the least-squares slope over the trailing window (points per day) with its 95 % band; up or down only when the band excludes zero',
        querystring: momentumQuerySchema,
        response: { 200: momentumResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => forecast.momentum(request.query),
  );

  app.get(
    '/dashboard',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags,
        summary:
          'Per candidate, with and without suspected bots: the daily ICCE, its momentum, an ETS forecast with 80 % and 95 % intervals (or "datos insuficientes"), a weekly rolling-origin backtest (MASE and sMAPE against naive and seasonal naive, 95 % coverage); and the polls with their weighted average',
        querystring: forecastDashboardQuerySchema,
        response: { 200: forecastDashboardResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => forecast.dashboard(request.query),
  );

  app.post(
    '/series',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags,
        summary:
          'Forecasts a daily series the caller brings (consecutive dates and finite values) with the ICCE engine: the lowest-AICc ETS model, 80 % and 95 % intervals and its backtest. Too short a series answers status insufficient-data, never a forecast. 400 FORECAST_SERIES_INVALID for gaps, repeats, unequal lengths or too many points',
        body: seriesForecastRequestSchema,
        response: { 200: seriesForecastResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => forecast.forecastSeries(request.body),
  );

  app.post(
    '/polls',
    {
      config: { auth: importers, rateLimit },
      bodyLimit: POLLS_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Imports a polls file (CSV or TSV text: pollster, since, up_to, sample_size, source, one column per option in percent, -1 not reported) for one contest; columns are matched to candidates by `mapping` or by slug. All or nothing: 400 POLLS_LINE_INVALID lists every bad line. The same file, contest and mapping again is stored once (200 with replayed: true)',
        body: pollsImportRequestSchema,
        response: {
          200: pollsImportResponseSchema,
          201: pollsImportResponseSchema,
          400: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await forecast.importPolls(request.body, principal(request).sub);
      reply.code(result.replayed ? 200 : 201);
      return result;
    },
  );

  app.get(
    '/polls',
    {
      config: { auth: readers, rateLimit },
      schema: {
        tags,
        summary:
          'The imported polls by contest, each contest with its average weighted by sample size and recency (half-life 14 days) as of asOf (default today)',
        querystring: pollsQuerySchema,
        response: { 200: pollsResponseSchema },
      },
    },
    async (request) => forecast.polls(request.query.asOf),
  );
};
