import { sentimentScoreRequestSchema, sentimentScoreResponseSchema } from '@castor/contracts';
import type { ServicePlugin } from '@castor/service-kit';
import type { SentimentScores } from './sentiment-scores.js';

const scorers = { auth: { roles: ['admin', 'analyst'] } } as const;

/** `/api/sentiment`: Spanish sentiment of any texts with the service's model. */
export const sentimentRoutes: ServicePlugin<{ scores: SentimentScores }> = async (app, { scores }) => {
  app.post(
    '/score',
    {
      config: scorers,
      schema: {
        tags: ['sentiment'],
        summary:
          'Score up to 1,000 Spanish texts: label (negative, neutral, positive), score P(positive) − P(negative) in −1..1, and the model and version that gave it; scores are cached per text',
        body: sentimentScoreRequestSchema,
        response: { 200: sentimentScoreResponseSchema },
      },
    },
    async (request) => ({ scores: await scores.score(request.body.texts) }),
  );
};
