import type { ErrorStatus } from '../errors.js';

/**
 * core-service's own error codes (accounts, invitations), each with its one HTTP status. The
 * shared codes it also answers (auth, rate limits, ...) live in `../errors.ts`.
 */
export const CORE_ERROR_STATUS = {
  // users
  INVITATION_INVALID: 400,
} as const satisfies Record<string, ErrorStatus>;

export type CoreErrorCode = keyof typeof CORE_ERROR_STATUS;
