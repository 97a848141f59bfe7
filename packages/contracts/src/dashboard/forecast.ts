import { z } from 'zod';
import { isoDateTimeSchema } from '../common.js';
import { candidateRefSchema } from './analysis-common.js';
import { candidateSlugSchema } from './candidates.js';

/** Every forecast answer carries this sentence: the index is about the conversation, never the vote. */
export const ICCE_DISCLAIMER =
  'El ICCE mide la conversación pública rastreada (tono y participación), no la intención de voto: no es una encuesta ni una probabilidad de ganar.' as const;
export const disclaimerSchema = z.literal(ICCE_DISCLAIMER);

/** The longest daily range the ICCE routes read: a campaign year. */
export const MAX_FORECAST_RANGE_DAYS = 366;
/** Most points `POST /api/forecast/series` accepts, and the longest horizon it forecasts. */
export const MAX_SERIES_POINTS = 1_000;
export const MAX_FORECAST_HORIZON = 60;
/** Largest polls file accepted, characters. */
export const MAX_POLLS_FILE_CHARS = 1_000_000;

export const isoDateSchema = z.iso.date();

const booleanQuerySchema = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

/**
 * A range of UTC days, both ends included; `to` defaults to today and `from` to 41 days before `to`
 * (six weeks). At most a year.
 */
const dayRangeShape = {
  candidate: candidateSlugSchema.optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  excludeBots: booleanQuerySchema('false'),
};

function checkDayRange(value: { from?: string | undefined; to?: string | undefined }, context: z.RefinementCtx) {
  if (value.from === undefined || value.to === undefined) return;
  const days = (Date.parse(value.to) - Date.parse(value.from)) / 86_400_000 + 1;
  if (days < 1) context.addIssue({ code: 'custom', path: ['to'], message: '`to` must not be before `from`' });
  else if (days > MAX_FORECAST_RANGE_DAYS)
    context.addIssue({ code: 'custom', path: ['to'], message: `a range is at most ${MAX_FORECAST_RANGE_DAYS} days` });
}

const alphaQuerySchema = z.coerce
  .number()
  .min(0)
  .max(1)
  .optional()
  .describe('Weight of tone (ISN′) against share of conversation (ICR); default ICCE_ALPHA');

/** `GET /api/forecast/icce`: the daily ICCE of one candidate (or every followed one). */
export const icceQuerySchema = z.object({ ...dayRangeShape, alpha: alphaQuerySchema }).superRefine(checkDayRange);
export type IcceQuery = z.input<typeof icceQuerySchema>;

/** One candidate's ICCE on one UTC day, with the counts behind it and its 95 % sampling band. */
export const icceDaySchema = z.object({
  date: isoDateSchema,
  /** null on a day without scored posts about the candidate. */
  icce: z.number().nullable(),
  isn: z.number().nullable(),
  isnNormalized: z.number().nullable(),
  icr: z.number(),
  standardError: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  /** The candidate's scored posts (the ones the index counts). */
  posts: z.number().int(),
  positive: z.number().int(),
  negative: z.number().int(),
  /** Scored posts about any followed candidate that day (ICR's denominator). */
  allTracked: z.number().int(),
  /** The candidate's posts not scored yet: left out of the index until the background analysis scores them. */
  unscored: z.number().int(),
  /** The candidate's posts by suspected bots that day (left out when excludeBots). */
  suspectedBotPosts: z.number().int(),
});
export type IcceDayPoint = z.infer<typeof icceDaySchema>;

const rangeResponseShape = {
  disclaimer: disclaimerSchema,
  from: isoDateSchema,
  to: isoDateSchema,
  excludeBots: z.boolean(),
  alpha: z.number(),
  /** Coverage of every band (0.95). */
  level: z.number(),
};

export const icceResponseSchema = z.object({
  ...rangeResponseShape,
  candidates: z.array(z.object({ candidate: candidateRefSchema, days: z.array(icceDaySchema) })),
});
export type IcceResponse = z.infer<typeof icceResponseSchema>;

/** `GET /api/forecast/momentum`: the smoothed daily change of the ICCE with its band. */
export const momentumQuerySchema = z
  .object({
    ...dayRangeShape,
    alpha: alphaQuerySchema,
    window: z.coerce.number().int().min(3).max(28).default(7),
  })
  .superRefine(checkDayRange);

export const momentumDaySchema = z.object({
  date: isoDateSchema,
  icce: z.number().nullable(),
  /** ICCE points per day over the trailing window; null with fewer than 3 days with posts. */
  slope: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  /** up / down when the 95 % band excludes zero, flat when it holds it. */
  direction: z.enum(['up', 'down', 'flat']).nullable(),
  points: z.number().int(),
});

export const momentumResponseSchema = z.object({
  ...rangeResponseShape,
  window: z.number().int(),
  candidates: z.array(z.object({ candidate: candidateRefSchema, days: z.array(momentumDaySchema) })),
});
export type MomentumResponse = z.infer<typeof momentumResponseSchema>;

export const predictionIntervalSchema = z.object({
  level: z.number(),
  lower: z.array(z.number()),
  upper: z.array(z.number()),
});

export const backtestScoreSchema = z.object({ mase: z.number(), smape: z.number(), mae: z.number() });

/** A rolling-origin backtest, or why there was none. */
export const backtestSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    horizon: z.number().int(),
    origins: z.number().int(),
    forecasts: z.number().int(),
    model: backtestScoreSchema,
    naive: backtestScoreSchema,
    seasonalNaive: backtestScoreSchema,
    /** Share of actual values inside the 95 % interval (nominal 0.95). */
    coverage95: z.number(),
    coverage80: z.number(),
  }),
  z.object({
    status: z.literal('insufficient-data'),
    minimum: z.number().int(),
    received: z.number().int(),
    message: z.string(),
  }),
]);

/** A forecast, or an explicit "datos insuficientes": never a made-up one. */
export const forecastSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    /** e.g. "ETS(A,Ad,A)": the lowest-AICc additive ETS model. */
    model: z.string(),
    aicc: z.number(),
    /** The days forecast, after the last value. */
    dates: z.array(isoDateSchema),
    point: z.array(z.number()),
    /** 80 % and 95 % prediction intervals. */
    intervals: z.array(predictionIntervalSchema),
  }),
  z.object({
    status: z.literal('insufficient-data'),
    minimum: z.number().int(),
    received: z.number().int(),
    message: z.string(),
  }),
]);
export type Forecast = z.infer<typeof forecastSchema>;

/** `POST /api/forecast/series`: any daily series an analyst brings, forecast with the same engine. */
export const seriesForecastRequestSchema = z.object({
  /** Consecutive UTC days, one per value. */
  dates: z.array(isoDateSchema).min(1),
  values: z.array(z.number()).min(1),
  horizon: z.number().int().min(1).max(MAX_FORECAST_HORIZON).default(14),
  /** Length of the seasonal cycle (7 = weekly); 1 turns seasonality off. */
  seasonPeriod: z.number().int().min(1).max(31).default(7),
});
export type SeriesForecastRequest = z.input<typeof seriesForecastRequestSchema>;

export const seriesForecastResponseSchema = z.object({
  disclaimer: disclaimerSchema,
  forecast: forecastSchema,
  backtest: backtestSchema,
});
export type SeriesForecastResponse = z.infer<typeof seriesForecastResponseSchema>;

/** `POST /api/forecast/polls`: a polls file (CSV or TSV text, the layout of the Colombia 2014 example). */
export const pollsImportRequestSchema = z.object({
  /** Which contest the polls ask about ("primera vuelta 2026"); polls of different contests are never averaged together. */
  contest: z.string().trim().min(1).max(200),
  content: z.string().min(1).max(MAX_POLLS_FILE_CHARS),
  /** Poll column → followed candidate's slug; columns left out are matched by slug or kept as other options (blank, undecided). */
  mapping: z.record(z.string().trim().toLowerCase(), candidateSlugSchema).default({}),
});
export type PollsImportRequest = z.input<typeof pollsImportRequestSchema>;

export const pollsImportResponseSchema = z.object({
  id: z.string(),
  contest: z.string(),
  polls: z.number().int(),
  /** Column → candidate slug, as stored. */
  matched: z.record(z.string(), candidateSlugSchema),
  /** Columns that name no followed candidate (blank, undecided, …): stored as other options. */
  otherOptions: z.array(z.string()),
  replayed: z.boolean(),
});
export type PollsImportResponse = z.infer<typeof pollsImportResponseSchema>;

export const pollSchema = z.object({
  pollster: z.string(),
  fieldStart: isoDateSchema,
  fieldEnd: isoDateSchema,
  sampleSize: z.number().int(),
  source: z.string().nullable(),
  /** Percent per option: candidate slugs, or the file's column for other options. */
  shares: z.record(z.string(), z.number()),
});

export const pollAverageSchema = z.object({
  option: z.string(),
  /** The candidate the option is, or null for blank, undecided and the like. */
  candidate: candidateSlugSchema.nullable(),
  average: z.number(),
  standardError: z.number(),
  polls: z.number().int(),
  effectivePolls: z.number(),
});

export const pollContestSchema = z.object({
  contest: z.string(),
  /** The day the average is for: weights halve every 14 days of age before it. */
  asOf: isoDateSchema,
  polls: z.array(pollSchema),
  average: z.array(pollAverageSchema),
});
export type PollContest = z.infer<typeof pollContestSchema>;

/** `GET /api/forecast/polls?asOf`: the imported polls by contest with their weighted average. */
export const pollsQuerySchema = z.object({ asOf: isoDateSchema.optional() });
export const pollsResponseSchema = z.object({ disclaimer: disclaimerSchema, contests: z.array(pollContestSchema) });
export type PollsResponse = z.infer<typeof pollsResponseSchema>;

/** `GET /api/forecast/dashboard`: per candidate, the ICCE with and without bots, its momentum, forecast and backtest. */
export const forecastDashboardQuerySchema = z
  .object({
    ...dayRangeShape,
    alpha: alphaQuerySchema,
    horizon: z.coerce.number().int().min(1).max(MAX_FORECAST_HORIZON).default(14),
  })
  .omit({ excludeBots: true })
  .superRefine(checkDayRange);

export const icceAnalysisSchema = z.object({
  days: z.array(icceDaySchema),
  momentum: z.array(momentumDaySchema),
  forecast: forecastSchema,
  backtest: backtestSchema,
});

export const forecastDashboardResponseSchema = z.object({
  disclaimer: disclaimerSchema,
  from: isoDateSchema,
  to: isoDateSchema,
  alpha: z.number(),
  level: z.number(),
  horizon: z.number().int(),
  generatedAt: isoDateTimeSchema,
  candidates: z.array(
    z.object({
      candidate: candidateRefSchema,
      withBots: icceAnalysisSchema,
      withoutBots: icceAnalysisSchema,
      /** This candidate's weighted poll average in each contest that reported it. */
      polls: z.array(z.object({ contest: z.string(), average: pollAverageSchema })),
    }),
  ),
  polls: z.array(pollContestSchema),
});
export type ForecastDashboardResponse = z.infer<typeof forecastDashboardResponseSchema>;
