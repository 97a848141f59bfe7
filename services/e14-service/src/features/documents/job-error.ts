import { isSheetError } from '@castor/e14-sheets';

/** A job failure: `retry` false = the document itself is at fault (a new attempt would fail the same way). */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retry: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Why a document is held back in quarantine (error codes of packages/contracts e14/errors.ts). */
export type QuarantineCode =
  | 'NOT_AN_E14'
  | 'PAGE_BLANK'
  | 'PAGES_MISSING'
  | 'PAGE_DUPLICATED'
  | 'TEMPLATE_MISMATCH'
  | 'REVIEW_BUDGET_EXCEEDED';

/**
 * The document is held back, not refused: it is never stored nor sent to review, and an admin or
 * analyst may release it (POST /retry), after which it is read again without the quarantine checks.
 */
export class QuarantineError extends JobError {
  constructor(code: QuarantineCode, message: string) {
    super(code, message, false);
  }
}

/** Any error a job ends with, as a JobError: a refused file for good, anything unexpected retried. */
export function toJobError(error: unknown): JobError {
  if (error instanceof JobError) return error;
  if (isSheetError(error)) return new JobError(error.code, error.message, false);
  return new JobError('INTERNAL_ERROR', (error as Error).message ?? String(error), true);
}

/** The job was taken over by another worker (this replica's lease ran out) or the pipeline stopped it. */
export const leaseLost = () => new JobError('LEASE_LOST', 'Another worker took this job', true);
