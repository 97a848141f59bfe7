import { type AppError, httpError } from '@castor/service-kit';
import type { z } from 'zod';

/** Domain error codes of the intake (stable: clients branch on them). */
export const INTAKE_CODES = {
  ELECTION_UNKNOWN: 'ELECTION_UNKNOWN',
  MESA_UNKNOWN: 'MESA_UNKNOWN',
  CORPORATION_NOT_IN_ELECTION: 'CORPORATION_NOT_IN_ELECTION',
  BALLOT_OPTION_UNKNOWN: 'BALLOT_OPTION_UNKNOWN',
  VALUE_OUT_OF_RANGE: 'VALUE_OUT_OF_RANGE',
  SUM_OVER_HABILITADOS: 'SUM_OVER_HABILITADOS',
  WITNESS_NOT_ASSIGNED: 'WITNESS_NOT_ASSIGNED',
  SOURCE_NOT_ALLOWED: 'SOURCE_NOT_ALLOWED',
  SOURCE_REF_RESERVED: 'SOURCE_REF_RESERVED',
  DUPLICATE_IN_BATCH: 'DUPLICATE_IN_BATCH',
  BATCH_TOO_LARGE: 'BATCH_TOO_LARGE',
} as const;

/**
 * Maps a zod failure of a submission to a 400: numbers outside a cell's 0..999 (or negative)
 * are VALUE_OUT_OF_RANGE, anything else VALIDATION_FAILED; both list every issue with its path.
 */
export function submissionShapeError(error: z.ZodError): AppError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
  const outOfRange = hasRangeIssue(error.issues);
  const first = issues[0];
  return httpError(
    outOfRange ? INTAKE_CODES.VALUE_OUT_OF_RANGE : 'VALIDATION_FAILED',
    outOfRange
      ? `A value is outside what a cell can hold (0 to 999): ${first?.path ?? ''}`
      : `The E-14 does not match schemaVersion 2: ${first ? `${first.path} ${first.message}` : 'invalid'}`,
    { issues },
  );
}

type LooseIssue = { code?: string; origin?: string; errors?: LooseIssue[][] };

/** A numeric bound failed, directly or inside a union branch (a cell is a number or a field object). */
function hasRangeIssue(issues: readonly LooseIssue[]): boolean {
  return issues.some(
    (issue) =>
      ((issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'number') ||
      (issue.code === 'invalid_union' && (issue.errors ?? []).some((branch) => hasRangeIssue(branch))),
  );
}
