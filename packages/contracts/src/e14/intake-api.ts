import { z } from 'zod';
import { corporationSchema } from './election.js';
import { validationResultSchema } from './rules.js';
import { copySchema } from './submission.js';
import { mesaKeySchema } from './territory.js';

export const MESA_STATUSES = ['validated', 'needs_review', 'failed_rules', 'disputed'] as const;
export const mesaStatusSchema = z
  .enum(MESA_STATUSES)
  .describe(
    'validated: the truth passes every blocking rule; needs_review: a field awaits a person; failed_rules: a high/critical rule fails; disputed: sources of the mesa disagree',
  );
export type MesaStatus = z.infer<typeof mesaStatusSchema>;

/** What happened to one submitted E-14. */
export const intakeResultSchema = z.object({
  outcome: z
    .enum(['stored', 'duplicate'])
    .describe('duplicate: this exact content was already stored (idempotent replay); nothing new was written'),
  formId: z.number().int(),
  version: z.number().int().describe('Version of this copy from this source (1 = first)'),
  mesaKey: mesaKeySchema,
  corporation: corporationSchema,
  copy: copySchema,
  contentHash: z.string().describe('SHA-256 of the canonical (RFC 8785) submission'),
  formStatus: z.enum(['validated', 'needs_review', 'failed_rules']),
  validation: validationResultSchema,
  mesaStatus: mesaStatusSchema.describe('Status of the mesa after reconciling all its sources'),
  truthFormId: z.number().int().nullable().describe("The form the reconciliation chose as the mesa's truth"),
  alertIds: z.array(z.number().int()),
});
export type IntakeResult = z.infer<typeof intakeResultSchema>;

export const intakeErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

export const batchItemResultSchema = z.discriminatedUnion('ok', [
  z.object({ index: z.number().int(), ok: z.literal(true), result: intakeResultSchema }),
  z.object({ index: z.number().int(), ok: z.literal(false), status: z.number().int(), error: intakeErrorSchema }),
]);

/**
 * Batch intake: per-item results. Each item is accepted or refused on its own (a refused item
 * writes nothing); all accepted items of one request are committed in one transaction.
 */
export const batchIntakeRequestSchema = z.object({
  sheets: z.array(z.unknown()).min(1).describe('E14Submission objects (schemaVersion 2)'),
});

export const batchIntakeResponseSchema = z.object({
  stored: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  items: z.array(batchItemResultSchema),
});

export const validateResponseSchema = z.object({
  mesaKey: mesaKeySchema,
  habilitados: z.number().int(),
  validation: validationResultSchema,
});
