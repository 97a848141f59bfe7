import {
  batchIntakeRequestSchema,
  batchIntakeResponseSchema,
  e14SubmissionV2Schema,
  errorResponseSchema,
  intakeResultSchema,
  validateResponseSchema,
} from '@castor/contracts';
import { AppError, principal, type RateSpec, type ServiceApp } from '@castor/service-kit';
import { z } from 'zod';
import type { IntakeService } from './intake.service.js';
import { INTAKE_CODES } from './intake-errors.js';

const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(8).max(200).optional().describe('Retry-safe key; reused with another E-14 ⇒ 409'),
});

const intakeErrors = {
  400: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

export async function intakeRoutes(
  app: ServiceApp,
  intake: IntakeService,
  options: { batchMaxSheets: number; batchBodyLimitBytes: number; rate: RateSpec },
) {
  const rateLimit = { max: options.rate.max, timeWindow: options.rate.windowMs };

  app.post(
    '/api/e14/process-v2',
    {
      // The schema documents the body; the intake itself checks it, so a failure carries the
      // intake's codes (VALUE_OUT_OF_RANGE for impossible cell values) rather than a generic one.
      attachValidation: true,
      config: { auth: { roles: ['admin', 'witness'] }, rateLimit },
      schema: {
        tags: ['e14'],
        summary: 'Store one E-14 given as data (witness app, partner, reviewer); validates, reconciles and audits it',
        headers: idempotencyHeaders,
        body: e14SubmissionV2Schema,
        response: { 200: intakeResultSchema, 201: intakeResultSchema, ...intakeErrors },
      },
    },
    async (request, reply) => {
      const [outcome] = await intake.submit([request.body], principal(request), request.headers['idempotency-key']);
      if (!outcome) throw new Error('intake returned no outcome');
      if (!outcome.ok) {
        throw new AppError(outcome.status, outcome.error.code, outcome.error.message, outcome.error.details);
      }
      return reply.code(outcome.result.outcome === 'stored' ? 201 : 200).send(outcome.result);
    },
  );

  app.post(
    '/api/e14/process-v2/batch',
    {
      bodyLimit: options.batchBodyLimitBytes,
      config: { auth: { roles: ['admin', 'witness'] }, rateLimit },
      schema: {
        tags: ['e14'],
        summary: `Store up to ${options.batchMaxSheets} E-14s in one request; per-item results, accepted items committed together`,
        body: batchIntakeRequestSchema,
        response: { 200: batchIntakeResponseSchema, 400: errorResponseSchema, 413: errorResponseSchema },
      },
    },
    async (request) => {
      const { sheets } = request.body;
      if (sheets.length > options.batchMaxSheets) {
        throw new AppError(
          413,
          INTAKE_CODES.BATCH_TOO_LARGE,
          `At most ${options.batchMaxSheets} sheets per batch (got ${sheets.length})`,
          { max: options.batchMaxSheets },
        );
      }
      const outcomes = await intake.submit(sheets, principal(request));
      const items = outcomes.map((outcome, index) =>
        outcome.ok
          ? { index, ok: true as const, result: outcome.result }
          : { index, ok: false as const, status: outcome.status, error: outcome.error },
      );
      return {
        stored: items.filter((item) => item.ok && item.result.outcome === 'stored').length,
        duplicates: items.filter((item) => item.ok && item.result.outcome === 'duplicate').length,
        rejected: items.filter((item) => !item.ok).length,
        items,
      };
    },
  );

  app.post(
    '/api/e14/validate',
    {
      attachValidation: true,
      config: { auth: { roles: ['admin', 'analyst', 'reviewer', 'witness'] }, rateLimit },
      schema: {
        tags: ['e14'],
        summary: 'Validate one E-14 against the divipol and every per-sheet rule without storing it',
        body: e14SubmissionV2Schema,
        response: { 200: validateResponseSchema, ...intakeErrors },
      },
    },
    async (request) => intake.validate(request.body, principal(request)),
  );
}
