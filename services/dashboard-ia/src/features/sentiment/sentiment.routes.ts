import {
  sentimentModelActivationResponseSchema,
  sentimentModelsResponseSchema,
  sentimentModelVersionParamsSchema,
  sentimentScoreRequestSchema,
  sentimentScoreResponseSchema,
} from '@castor/contracts';
import type { ServicePlugin } from '@castor/service-kit';
import type { SentimentModelsService } from './sentiment-models.service.js';
import type { SentimentScores } from './sentiment-scores.js';

const scorers = { auth: { roles: ['admin', 'analyst'] } } as const;
const admins = { auth: { roles: ['admin'] } } as const;

/** `/api/sentiment`: Spanish sentiment of any texts with the service's model, and its distilled versions. */
export const sentimentRoutes: ServicePlugin<{ scores: SentimentScores; models: SentimentModelsService }> = async (
  app,
  { scores, models },
) => {
  app.post(
    '/score',
    {
      config: scorers,
      schema: {
        tags: ['sentiment'],
        summary:
          'Score up to 1,000 Spanish texts: label (negative, neutral, positive), score P(positive) − P(negative) in −1..1, and the provider, model and version that gave it; scores are cached per text',
        body: sentimentScoreRequestSchema,
        response: { 200: sentimentScoreResponseSchema },
      },
    },
    async (request) => ({ scores: await scores.score(request.body.texts) }),
  );

  app.get(
    '/models',
    {
      config: scorers,
      schema: {
        tags: ['sentiment'],
        summary:
          'The offline sentiment models distilled from an LLM on the stored posts, each with its agreement report, and which one scores now',
        response: { 200: sentimentModelsResponseSchema },
      },
    },
    () => models.list(),
  );

  app.post(
    '/models/:version/activate',
    {
      config: admins,
      schema: {
        tags: ['sentiment'],
        summary:
          'Switch the offline sentiment model to a distilled version (or back to the committed one, e.g. v1); posts it scored with another version are scored again',
        params: sentimentModelVersionParamsSchema,
        response: { 200: sentimentModelActivationResponseSchema },
      },
    },
    (request) => models.activate(request.params.version),
  );
};
