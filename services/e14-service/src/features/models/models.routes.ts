import {
  errorResponseSchema,
  modelRollbackRequestSchema,
  modelRollbackResponseSchema,
  recognizerModelsResponseSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import { actorName } from '../../shared/actor.js';
import type { ModelsService } from './models.service.js';

export type ModelsRouteOptions = { models: ModelsService; readRate: RateSpec; writeRate: RateSpec };

const rateLimit = (rate: RateSpec) => ({ max: rate.max, timeWindow: rate.windowMs });

/** `/api/pipeline` (models): the local recognizer's model versions and their rollback. */
export const modelsRoutes: ServicePlugin<ModelsRouteOptions> = async (app, { models, readRate, writeRate }) => {
  app.get(
    '/models',
    {
      config: { auth: { roles: ['admin', 'analyst'] }, rateLimit: rateLimit(readRate) },
      schema: {
        tags: ['pipeline'],
        summary:
          "The local recognizer's model versions, newest first: status, dates, the gate's evaluation, reviewed cells learned from",
        response: { 200: recognizerModelsResponseSchema, 403: errorResponseSchema },
      },
    },
    async () => ({ models: await models.list() }),
  );

  app.post(
    '/model/rollback',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: rateLimit(writeRate) },
      schema: {
        tags: ['pipeline'],
        summary:
          'Make an earlier (retired) model version the active one, audited; every replica reads with it within E14_MODEL_POLL_MS. Already active ⇒ 200 with replay; 404 MODEL_VERSION_UNKNOWN; 409 MODEL_VERSION_REJECTED or MODEL_VERSION_NOT_GATED',
        body: modelRollbackRequestSchema,
        response: {
          200: modelRollbackResponseSchema,
          400: errorResponseSchema,
          403: errorResponseSchema,
          404: errorResponseSchema,
          409: errorResponseSchema,
        },
      },
    },
    async (request) => models.rollback(actorName(principal(request)), request.body.version),
  );
};
