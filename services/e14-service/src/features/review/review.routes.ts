import {
  errorResponseSchema,
  FORM_PAGE_SIZE_HEADERS,
  formPageParamsSchema,
  reviewAnswerSchema,
  reviewerActivitySchema,
  reviewerStatsResponseSchema,
  reviewLeaseRenewedSchema,
  reviewLeaseRequestSchema,
  reviewOutcomeSchema,
  reviewPendingQuerySchema,
  reviewPendingResponseSchema,
  reviewSkippedSchema,
  reviewSubmitRequestSchema,
  reviewTaskIdParamsSchema,
  reviewTaskListQuerySchema,
  reviewTaskListResponseSchema,
  reviewTaskSchema,
  trainingSamplesQuerySchema,
} from '@castor/contracts';
import { principal, type RateSpec, type ServiceApp, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import type { ReviewService } from './review.service.js';
import { PAGE_IMAGE_MAX_WIDTH, type ReviewCrops, type TaskImage } from './review-crops.js';

const reviewers = { roles: ['admin', 'reviewer'] } as const;
const admins = { roles: ['admin'] } as const;

type RateLimit = { max: number; timeWindow: number };

/** `/api/review`: the review desk (leased tasks, double entry, admin decisions) and its crops and samples. */
export const reviewRoutes: ServicePlugin<{ review: ReviewService; crops: ReviewCrops; rate: RateSpec }> = async (
  app,
  { review, crops, rate },
) => {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };
  deskRoutes(app, review, rateLimit);
  taskRoutes(app, review, rateLimit);
  cellRoutes(app, crops, rateLimit);
};

/** Who reads a page of a form's scan: whoever reads the alerts and claims packets it is evidence for. */
const evidenceReaders = { roles: ['admin', 'analyst', 'reviewer'] } as const;

/** `/api/e14/forms`: a page of a stored form version's scan, where an alert's cells are drawn. */
export const formPageRoutes: ServicePlugin<{ crops: ReviewCrops; rate: RateSpec }> = async (app, { crops, rate }) => {
  app.get(
    '/:formId/pages/:page.png',
    {
      config: { auth: evidenceReaders, rateLimit: { max: rate.max, timeWindow: rate.windowMs } },
      schema: {
        tags: ['alerts'],
        summary: `PNG of a page of the scan a form version was read from, registered to its layout (a photo flattened) and at most ${PAGE_IMAGE_MAX_WIDTH} px wide; ${FORM_PAGE_SIZE_HEADERS.width} and ${FORM_PAGE_SIZE_HEADERS.height} give the page's size in the coordinates of its cells' CropRefs. 404 FORM_UNKNOWN / FORM_PAGE_UNKNOWN (no scan, or no such page); 409 FORM_PAGE_UNVERIFIED: the scan does not show its form's layout, so its cells cannot be placed on it`,
        params: formPageParamsSchema,
        response: { 200: z.any().describe('image/png'), 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const image = await crops.formPageImage(request.params.formId, request.params.page);
      return reply
        .type('image/png')
        .header('cache-control', 'private, max-age=3600')
        .header(FORM_PAGE_SIZE_HEADERS.width, String(image.pageWidth))
        .header(FORM_PAGE_SIZE_HEADERS.height, String(image.pageHeight))
        .send(image.png);
    },
  );
};

/** What a reviewer does: take the next task under a lease, keep or skip it, answer it, see their numbers. */
function deskRoutes(app: ServiceApp, review: ReviewService, rateLimit: RateLimit) {
  app.get(
    '/pending',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'The next field to review, leased to you (asking again returns the same task until you answer, skip or the lease expires); ahead=1 also leases you the one after it',
        querystring: reviewPendingQuerySchema,
        response: { 200: reviewPendingResponseSchema, 400: errorResponseSchema, 503: errorResponseSchema },
      },
    },
    async (request) => review.next(principal(request), request.query.ahead === '1'),
  );

  const leaseResponses = {
    400: errorResponseSchema,
    404: errorResponseSchema,
    409: errorResponseSchema,
    503: errorResponseSchema,
  };
  app.post(
    '/tasks/:id/skip',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'Gives the task back and keeps it from you for E14_REVIEW_SKIP_SECONDS (other reviewers still get it; when only tasks you skipped are left, you get them again); skipping again is harmless',
        params: reviewTaskIdParamsSchema,
        body: reviewLeaseRequestSchema,
        response: { 200: reviewSkippedSchema, ...leaseResponses },
      },
    },
    async (request) => review.skip(principal(request), request.params.id, request.body.leaseToken),
  );

  app.post(
    '/tasks/:id/lease',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'Renews your lease while the task is on your screen (one that lapsed while nobody took the task is taken again); 409 REVIEW_LEASE_HELD once another reviewer has it',
        params: reviewTaskIdParamsSchema,
        body: reviewLeaseRequestSchema,
        response: { 200: reviewLeaseRenewedSchema, ...leaseResponses },
      },
    },
    async (request) => review.renew(principal(request), request.params.id, request.body.leaseToken),
  );

  app.get(
    '/me',
    {
      config: { auth: reviewers, rateLimit },
      schema: {
        tags: ['review'],
        summary: 'Your own throughput and accuracy against the closed values (only your numbers)',
        response: { 200: reviewerActivitySchema, 503: errorResponseSchema },
      },
    },
    async (request) => review.activity(principal(request)),
  );

  app.post(
    '/submit',
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
          503: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { taskId, leaseToken, ...answer } = request.body;
      return review.submit(principal(request), taskId, leaseToken, answer);
    },
  );
}

/** Tasks looked at one by one, an admin's decisions, and the reviewers' accuracy. */
function taskRoutes(app: ServiceApp, review: ReviewService, rateLimit: RateLimit) {
  app.get(
    '/tasks',
    {
      config: { auth: admins, rateLimit },
      schema: {
        tags: ['review'],
        summary:
          'Tasks with their context, oldest first, by status (default pending), election, mesa and reason; paged by nextCursor',
        querystring: reviewTaskListQuerySchema,
        response: { 200: reviewTaskListResponseSchema, 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => review.list(request.query),
  );

  app.get(
    '/tasks/:id',
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
    '/tasks/:id/decide',
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
    '/reviewers',
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
}

/**
 * The cells behind the tasks: a task's crop and its row's printed label, and the accepted values
 * as training samples.
 */
function cellRoutes(app: ServiceApp, crops: ReviewCrops, rateLimit: RateLimit) {
  const images: Array<{ path: string; image: TaskImage; summary: string }> = [
    {
      path: '/tasks/:id/crop',
      image: 'cell',
      summary: "PNG of the task's cell, cut from the stored scan as the recognizer saw it",
    },
    {
      path: '/tasks/:id/label-crop',
      image: 'label',
      summary:
        "PNG of the task's row as printed (candidate number and name), cut from the same page of the stored scan",
    },
  ];
  for (const { path, image, summary } of images) {
    app.get(
      path,
      {
        config: { auth: reviewers, rateLimit },
        schema: {
          tags: ['review'],
          summary: `${summary}. 409 REVIEW_CROP_UNVERIFIED: the scan does not show its form's layout, nothing is cut from it`,
          params: reviewTaskIdParamsSchema,
          response: { 200: z.any().describe('image/png'), 404: errorResponseSchema, 409: errorResponseSchema },
        },
      },
      async (request, reply) =>
        reply
          .type('image/png')
          .header('cache-control', 'private, max-age=3600')
          .send(await crops.taskImagePng(request.params.id, image)),
    );
  }

  app.get(
    '/training-samples',
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
