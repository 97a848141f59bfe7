import {
  errorResponseSchema,
  reviewAnswerSchema,
  reviewerStatsResponseSchema,
  reviewOutcomeSchema,
  reviewPendingResponseSchema,
  reviewSubmitRequestSchema,
  reviewTaskIdParamsSchema,
  reviewTaskListQuerySchema,
  reviewTaskListResponseSchema,
  reviewTaskSchema,
  trainingSamplesQuerySchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServiceApp } from '@castor/service-kit';
import { z } from 'zod';
import type { ReviewService } from './review.service.js';
import type { ReviewCrops } from './review-crops.js';

const reviewers = { roles: ['admin', 'reviewer'] } as const;
const admins = { roles: ['admin'] } as const;

export async function reviewRoutes(app: ServiceApp, review: ReviewService, crops: ReviewCrops, rate: RateSpec) {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };

  app.get(
    '/api/review/pending',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'The next field to review, leased to you (asking again returns the same task until you answer or the lease expires)',
        response: { 200: reviewPendingResponseSchema, 503: errorResponseSchema },
      },
    },
    async (request) => ({ task: await review.next(principal(request)) }),
  );

  app.post(
    '/api/review/submit',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'Your answer to a leased task (double entry: two reviewers must agree, a third on disagreement); a retry with the same answer is a no-op',
        body: reviewSubmitRequestSchema,
        response: {
          200: reviewOutcomeSchema,
          400: errorResponseSchema,
          404: errorResponseSchema,
          409: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { taskId, leaseToken, ...answer } = request.body;
      return review.submit(principal(request), taskId, leaseToken, answer);
    },
  );

  app.get(
    '/api/review/tasks',
    {
      config: { auth: admins, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'Tasks of one status with their context, oldest first (default: escalated, the ones waiting for an admin)',
        querystring: reviewTaskListQuerySchema,
        response: { 200: reviewTaskListResponseSchema },
      },
    },
    async (request) => ({
      tasks: await review.list(request.query.status, request.query.afterTaskId, request.query.limit),
    }),
  );

  app.get(
    '/api/review/tasks/:id',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary: 'One task with its context, without taking a lease',
        params: reviewTaskIdParamsSchema,
        response: { 200: reviewTaskSchema, 404: errorResponseSchema },
      },
    },
    async (request) => review.get(request.params.id),
  );

  app.post(
    '/api/review/tasks/:id/decide',
    {
      config: { auth: admins, rateLimit },
      schema: {
        tags: ['review'],
        summary: 'An admin closes a task with their answer, whatever its entries (the way out of an escalated task)',
        params: reviewTaskIdParamsSchema,
        body: reviewAnswerSchema,
        response: {
          200: reviewOutcomeSchema,
          400: errorResponseSchema,
          404: errorResponseSchema,
          409: errorResponseSchema,
        },
      },
    },
    async (request) => review.decide(principal(request), request.params.id, request.body),
  );

  app.get(
    '/api/review/reviewers',
    {
      config: { auth: admins, rateLimit },
      schema: {
        tags: ['review'],
        summary: "Each reviewer's accuracy against the closed values, and the open backlog",
        response: { 200: reviewerStatsResponseSchema },
      },
    },
    async () => review.reviewers(),
  );

  app.get(
    '/api/review/tasks/:id/crop',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary: "PNG of the task's cell, cut from the stored scan as the recognizer saw it",
        params: reviewTaskIdParamsSchema,
        response: { 200: z.any().describe('image/png'), 404: errorResponseSchema },
      },
    },
    async (request, reply) =>
      reply
        .type('image/png')
        .header('cache-control', 'private, max-age=3600')
        .send(await crops.taskCropPng(request.params.id)),
  );

  app.get(
    '/api/review/training-samples',
    {
      config: { auth: admins, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'Every accepted value with its cell as NDJSON reviewed samples (pnpm --filter @castor/digit-recognizer train --reviewed <folder>); paged by x-next-after-task-id',
        querystring: trainingSamplesQuerySchema,
        response: { 200: z.string().describe('application/x-ndjson') },
      },
    },
    async (request, reply) => {
      const page = await crops.trainingSamples(request.query.afterTaskId, request.query.limit);
      return reply
        .type('application/x-ndjson')
        .header('x-next-after-task-id', String(page.last))
        .header('x-skipped-cells', String(page.skipped))
        .send(page.lines.map((line) => `${line}\n`).join(''));
    },
  );
}
