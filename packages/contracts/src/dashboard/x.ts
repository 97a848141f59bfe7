import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from '../common.js';
import { candidateSlugSchema } from './candidates.js';

const count = z.number().int().min(0);
const usd = z.number().min(0);

/**
 * What reading X costs, in US dollars per resource returned (X's pay-per-use prices; the service
 * takes them from `TWITTER_PRICING_JSON` over its built-in defaults).
 */
export const xPriceTableSchema = z.object({
  postRead: usd.describe('USD per post returned'),
  userRead: usd.describe('USD per user profile returned (lookups and the authors of a search page)'),
});
export type XPriceTable = z.infer<typeof xPriceTableSchema>;

/** One budget window (the UTC day or the UTC month) of posts read from X. */
export const xReadWindowSchema = z.object({
  limit: count.describe('Posts that may be read in the window'),
  used: count.describe('Posts X returned in the window'),
  reserved: count.describe(
    'Posts held by calls still in flight (each call reserves its max_results before it is made)',
  ),
  remaining: count.describe('limit − used − reserved'),
  usersRead: count.describe('User profiles X returned in the window'),
  costUsd: usd.describe('What the window read cost at the price table (posts and users)'),
  remainingCostUsd: usd.describe('What reading the remaining posts would cost'),
  resetsAt: isoDateTimeSchema.describe('When the window starts again (UTC midnight, or the 1st of next month)'),
});
export type XReadWindow = z.infer<typeof xReadWindowSchema>;

export const xRefreshScheduleSchema = z.object({
  scheduled: z.boolean().describe('Refreshes run on their own (X configured and an interval set)'),
  intervalMinutes: z.number().int().nullable(),
  jobs: count.describe('Tracked queries with a refresh job'),
  parked: count.describe(
    'Jobs stopped after failing (X refused the token, or too many failures) until a manual refresh',
  ),
  nextDueAt: isoDateTimeSchema.nullable(),
  lastRunAt: isoDateTimeSchema.nullable(),
  lastError: z.string().nullable(),
});

/** `GET /api/media/x/budget`. */
export const xBudgetResponseSchema = z.object({
  configured: z.boolean().describe('false when TWITTER_BEARER_TOKEN is not set: nothing is read from X'),
  reason: z.string().nullable().describe('Why X is not read, when it is not'),
  currency: z.literal('USD'),
  prices: xPriceTableSchema,
  day: xReadWindowSchema,
  month: xReadWindowSchema,
  refresh: xRefreshScheduleSchema,
});
export type XBudgetResponse = z.infer<typeof xBudgetResponseSchema>;

/** `POST /api/media/x/refresh`: every active tracked query, or one candidate's. */
export const xRefreshRequestSchema = z
  .object({ candidate: candidateSlugSchema.optional().describe("Refresh only this candidate's queries") })
  .default({});
export type XRefreshRequest = z.input<typeof xRefreshRequestSchema>;

export const X_REFRESH_OUTCOMES = [
  'done',
  'budget_exhausted',
  'rate_limited',
  'auth_failed',
  'failed',
  'busy',
] as const;
export const xRefreshOutcomeSchema = z.enum(X_REFRESH_OUTCOMES);
export type XRefreshOutcome = z.infer<typeof xRefreshOutcomeSchema>;

export const xRefreshRunSchema = z.object({
  queryId: uuidSchema,
  candidate: candidateSlugSchema.nullable(),
  query: z.string().describe('The X search query sent'),
  outcome: xRefreshOutcomeSchema.describe(
    'done; budget_exhausted and rate_limited: rescheduled at the reset; auth_failed: parked; failed: retried later; busy: another worker holds it',
  ),
  pages: count.describe('Pages read (from X or its cache)'),
  postsRead: count.describe('Posts X returned (cached pages included)'),
  stored: count.describe('Posts new to the store'),
  alreadyStored: count,
  error: z.string().nullable(),
  nextDueAt: isoDateTimeSchema.nullable(),
});
export type XRefreshRun = z.infer<typeof xRefreshRunSchema>;

export const xRefreshResponseSchema = z.object({
  runs: z.array(xRefreshRunSchema),
  budget: xBudgetResponseSchema,
});
export type XRefreshResponse = z.infer<typeof xRefreshResponseSchema>;
