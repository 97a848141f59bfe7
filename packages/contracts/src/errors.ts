import { z } from 'zod';

/**
 * Stable error codes returned in `{ error: { code } }`. Clients branch on these, so a code is never
 * renamed or reused for a different meaning; add new ones instead.
 */
export const ERROR_CODES = [
  // request shape
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'INVALID_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  // auth
  'AUTH_REQUIRED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_REUSED',
  'FORBIDDEN',
  'REGISTRATION_CLOSED',
  'EMAIL_TAKEN',
  'WEAK_PASSWORD',
  // resources
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'LAST_ADMIN',
  // protection
  'RATE_LIMITED',
  'SPAM_REJECTED',
  'BUSY',
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type KnownErrorCode = (typeof ERROR_CODES)[number];

/**
 * Services may add domain codes (E-14 rules, file checks...) beyond the shared list, so the wire
 * schema accepts any upper-snake-case code.
 */
export const errorCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/);

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: errorCodeSchema.describe('Stable machine-readable code'),
      message: z.string().describe('What went wrong, for a person'),
      details: z.unknown().optional().describe('Structured context: failing fields, limits, ...'),
      requestId: z.string().optional().describe('Quote this when reporting a problem'),
    }),
  })
  .describe('Every 4xx/5xx response has this shape');

export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** One entry of `details.issues` for VALIDATION_FAILED. */
export const validationIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;
