import type { BotModel } from '@castor/bot-detector';
import { botScoreRequestSchema, botScoreResponseSchema } from '@castor/contracts';
import type { ServicePlugin } from '@castor/service-kit';

const analysts = { auth: { roles: ['admin', 'analyst'] } } as const;

/** 1,000 full X user objects with long descriptions and entities stay under this. */
const BODY_LIMIT_BYTES = 4 * 1_048_576;

/** `/api/bots`: bot likelihood of X authors from their profiles, with what drove each score. */
export const botsRoutes: ServicePlugin<{ model: BotModel }> = async (app, { model }) => {
  app.post(
    '/score',
    {
      config: analysts,
      bodyLimit: BODY_LIMIT_BYTES,
      schema: {
        tags: ['bots'],
        summary:
          'Bot likelihood of up to 1,000 X API v2 user objects, each with the five features that drove it and the model that gave it',
        body: botScoreRequestSchema,
        response: { 200: botScoreResponseSchema },
      },
    },
    async (request) => ({ threshold: model.threshold, scores: model.score(request.body.users) }),
  );
};
