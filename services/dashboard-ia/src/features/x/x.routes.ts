import { xBudgetResponseSchema, xRefreshRequestSchema, xRefreshResponseSchema } from '@castor/contracts';
import type { ServicePlugin } from '@castor/service-kit';
import type { XService } from './x.service.js';

const operators = { auth: { roles: ['admin', 'analyst'] } } as const;

/** `/api/media/x`: what reading X costs and has left, and a refresh on demand. */
export const xRoutes: ServicePlugin<{ x: Pick<XService, 'budget' | 'refreshNow'> }> = async (app, { x }) => {
  app.get(
    '/budget',
    {
      config: operators,
      schema: {
        tags: ['media'],
        summary:
          "The X read budget: posts read, held and left today (UTC) and this month against TWITTER_DAILY_TWEET_LIMIT and TWITTER_MONTHLY_TWEET_LIMIT, their cost at X's pay-per-use prices, and the refresh schedule. Answers configured: false when TWITTER_BEARER_TOKEN is not set",
        response: { 200: xBudgetResponseSchema },
      },
    },
    async () => x.budget(),
  );

  app.post(
    '/refresh',
    {
      config: operators,
      schema: {
        tags: ['media'],
        summary:
          "Read X now for every active tracked query, or one candidate's: recent search from the newest post already stored, within the budget. 429 X_BUDGET_EXHAUSTED (with the reset) when the budget allowed no read, 502 X_AUTH_FAILED when X refused the token, 503 X_NOT_CONFIGURED without TWITTER_BEARER_TOKEN",
        body: xRefreshRequestSchema,
        response: { 200: xRefreshResponseSchema },
      },
    },
    async (request) => x.refreshNow(request.body.candidate),
  );
};
