import {
  advisorRequestSchema,
  advisorResponseSchema,
  errorResponseSchema,
  recommendationIdParamsSchema,
  recommendationListSchema,
  teamTaskSchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import type { AdvisorService } from './advisor.service.js';

// Asking costs an LLM call and acting makes a task: the roles that edit the team's task board.
const advisers = { auth: { roles: ['admin', 'analyst'] } } as const;
const readers = { auth: { roles: ['admin', 'analyst', 'viewer'] } } as const;
const errors = { 400: errorResponseSchema, 404: errorResponseSchema } as const;

/** `/api/advisor`: recommendations grounded in the campaign's evidence, and the tasks they become. */
export const advisorRoutes: ServicePlugin<{ advisor: AdvisorService; rate: RateSpec }> = async (
  app,
  { advisor, rate },
) => {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };

  app.post(
    '/recommendations',
    {
      config: { ...advisers, rateLimit },
      schema: {
        tags: ['advisor'],
        summary:
          'Recommendations for a candidate (default: the campaign’s own) from the recent period against the one before: what, why, priority, owner role and the evidence (metrics, posts, spikes, document passages) each rests on. Offline they come from fixed rules and say so',
        body: advisorRequestSchema,
        response: { 200: advisorResponseSchema, ...errors },
      },
    },
    async (request) => advisor.recommend(request.body, principal(request)),
  );

  app.get(
    '/recommendations',
    {
      config: { ...readers, rateLimit },
      schema: {
        tags: ['advisor'],
        summary: 'The latest recommendations, newest first, with the task each became',
        response: { 200: recommendationListSchema },
      },
    },
    async () => ({ recommendations: await advisor.recent() }),
  );

  app.post(
    '/recommendations/:id/task',
    {
      config: { ...advisers, rateLimit },
      schema: {
        tags: ['advisor'],
        summary:
          'Turn a recommendation into a team task (201), assigned to the first member with its role; asked again, the same task (200)',
        params: recommendationIdParamsSchema,
        response: { 200: teamTaskSchema, 201: teamTaskSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { task, created } = await advisor.toTask(request.params.id, principal(request));
      reply.code(created ? 201 : 200);
      return task;
    },
  );
};
