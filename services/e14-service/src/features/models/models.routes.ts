import {
  errorResponseSchema,
  modelRollbackRequestSchema,
  modelRollbackResponseSchema,
  recognizerModelsResponseSchema,
  recognizerTrainingResponseSchema,
  recognizerTrainingStartedSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import { actorName } from '../../shared/actor.js';
import type { ModelsService } from './models.service.js';
import type { TrainingService } from './training.service.js';

export type ModelsRouteOptions = {
  models: ModelsService;
  training: TrainingService;
  readRate: RateSpec;
  writeRate: RateSpec;
};

const rateLimit = (rate: RateSpec) => ({ max: rate.max, timeWindow: rate.windowMs });

/** `/api/pipeline` (models): the local recognizer's model versions, their rollback, continuous training. */
export const modelsRoutes: ServicePlugin<ModelsRouteOptions> = async (
  app,
  { models, training, readRate, writeRate },
) => {
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

  app.get(
    '/training',
    {
      config: { auth: { roles: ['admin', 'analyst'] }, rateLimit: rateLimit(readRate) },
      schema: {
        tags: ['pipeline'],
        summary:
          'Continuous training of the local recognizer: whether it is on, its cadence, and the latest cycles (labels used, split, training time, the gate’s outcome, tasks closed by re-reading)',
        response: { 200: recognizerTrainingResponseSchema, 403: errorResponseSchema },
      },
    },
    async () => training.state(),
  );

  app.post(
    '/training/run',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: rateLimit(writeRate) },
      schema: {
        tags: ['pipeline'],
        summary:
          'Start a training cycle now, whatever the cadence (in the background; GET /api/pipeline/training shows its outcome). 409 TRAINING_RUNNING or TRAINING_DISABLED',
        response: { 202: recognizerTrainingStartedSchema, 403: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request, reply) => reply.code(202).send(training.requestRun(actorName(principal(request)))),
  );
};
