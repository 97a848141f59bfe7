import {
  batchIntakeRequestSchema,
  batchIntakeResponseSchema,
  e14SubmissionSchema,
  errorResponseSchema,
  intakeResultSchema,
  validateResponseSchema,
} from '@castor/contracts';
import { type ErrorCode, httpError, principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import type { ItemOutcome } from '../../shared/form-intake.js';
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

const STORE_ONE_SUMMARY =
  'Store one E-14 given as data (witness app, partner, reviewer); validates, reconciles and audits it';

/** The seed named the structured intake `process-v2`; clients built on it keep working. */
const seedAlias = (url: string, summary: string) => `Alias of POST /api/e14${url} kept from the seed. ${summary}`;

type IntakeRoutesOptions = {
  intake: Pick<IntakeService, 'submit' | 'validate'>;
  batchMaxSheets: number;
  batchBodyLimitBytes: number;
  rate: RateSpec;
};

/**
 * `/api/e14`: structured E-14s (given as data, not scanned) stored one by one or in batches, and
 * checked without storing. `/forms` is the seed's `/process-v2`, which stays as an alias.
 */
export const intakeRoutes: ServicePlugin<IntakeRoutesOptions> = async (
  app,
  { intake, batchMaxSheets, batchBodyLimitBytes, rate },
) => {
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };
  const storeOne = (url: string, summary: string) =>
    app.post(
      url,
      {
        // The schema documents the body; the intake itself checks it, so a failure carries the
        // intake's codes (VALUE_OUT_OF_RANGE for impossible cell values) rather than a generic one.
        attachValidation: true,
        config: { auth: { roles: ['admin', 'witness'] }, rateLimit },
        schema: {
          tags: ['e14'],
          summary,
          headers: idempotencyHeaders,
          body: e14SubmissionSchema,
          response: { 200: intakeResultSchema, 201: intakeResultSchema, ...intakeErrors },
        },
      },
      async (request, reply) => {
        const [outcome] = await intake.submit([request.body], principal(request), request.headers['idempotency-key']);
        if (!outcome) throw new Error('intake returned no outcome');
        if (!outcome.ok) {
          throw httpError(outcome.error.code as ErrorCode, outcome.error.message, outcome.error.details);
        }
        return reply.code(outcome.result.outcome === 'stored' ? 201 : 200).send(outcome.result);
      },
    );
  const storeBatch = (url: string, summary: string) =>
    app.post(
      url,
      {
        bodyLimit: batchBodyLimitBytes,
        config: { auth: { roles: ['admin', 'witness'] }, rateLimit },
        schema: {
          tags: ['e14'],
          summary,
          body: batchIntakeRequestSchema,
          response: { 200: batchIntakeResponseSchema, 400: errorResponseSchema, 413: errorResponseSchema },
        },
      },
      async (request) => {
        const { sheets } = request.body;
        if (sheets.length > batchMaxSheets) {
          throw httpError(
            INTAKE_CODES.BATCH_TOO_LARGE,
            `At most ${batchMaxSheets} sheets per batch (got ${sheets.length})`,
            { max: batchMaxSheets },
          );
        }
        return batchAnswer(await intake.submit(sheets, principal(request)));
      },
    );

  const storeBatchSummary = `Store up to ${batchMaxSheets} E-14s in one request; per-item results, accepted items committed together`;
  storeOne('/forms', STORE_ONE_SUMMARY);
  storeBatch('/forms/batch', storeBatchSummary);
  storeOne('/process-v2', seedAlias('/forms', STORE_ONE_SUMMARY));
  storeBatch('/process-v2/batch', seedAlias('/forms/batch', storeBatchSummary));

  app.post(
    '/validate',
    {
      attachValidation: true,
      config: { auth: { roles: ['admin', 'analyst', 'reviewer', 'witness'] }, rateLimit },
      schema: {
        tags: ['e14'],
        summary: 'Validate one E-14 against the divipol and every per-sheet rule without storing it',
        body: e14SubmissionSchema,
        response: { 200: validateResponseSchema, ...intakeErrors },
      },
    },
    async (request) => intake.validate(request.body, principal(request)),
  );
};

/** Per-item results of a batch, with the counts of stored, duplicate and rejected items. */
function batchAnswer(outcomes: readonly ItemOutcome[]) {
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
}
