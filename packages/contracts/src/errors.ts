import { z } from 'zod';

/** An HTTP status an error code may be answered with: a client error or a server error. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

/**
 * Error codes every service shares, each with the one HTTP status it is answered with. Stable:
 * clients branch on them, so a code is never renamed or reused for a different meaning, and its
 * status never changes; add new codes instead. Each service declares its own domain codes next to
 * its contracts (core: `core/errors.ts`, e14: `e14/errors.ts`); `error-registry.ts` joins them.
 */
export const SHARED_ERROR_STATUS = {
  // request shape
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  /** A multipart body without a boundary, or one that ends in the middle of a part. */
  MULTIPART_INVALID: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  // auth
  AUTH_REQUIRED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_LOCKED: 429,
  ACCOUNT_DISABLED: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  FORBIDDEN: 403,
  REGISTRATION_CLOSED: 403,
  EMAIL_TAKEN: 409,
  WEAK_PASSWORD: 400,
  // resources
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  LAST_ADMIN: 409,
  // protection
  RATE_LIMITED: 429,
  SPAM_REJECTED: 422,
  BUSY: 503,
  DEPENDENCY_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, ErrorStatus>;

export type KnownErrorCode = keyof typeof SHARED_ERROR_STATUS;

/** The shared codes (the keys of SHARED_ERROR_STATUS), for existing users of the list. */
export const ERROR_CODES = Object.keys(SHARED_ERROR_STATUS) as readonly KnownErrorCode[];

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
