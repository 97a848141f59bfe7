import { CORE_ERROR_STATUS } from './core/errors.js';
import { DASHBOARD_ERROR_STATUS } from './dashboard/errors.js';
import { E14_ERROR_STATUS } from './e14/errors.js';
import { type ErrorStatus, SHARED_ERROR_STATUS } from './errors.js';

/**
 * Every error code CASTOR answers, grouped by who owns it, each with its one HTTP status. A code
 * appears in exactly one group (checked by the contracts tests).
 */
export const ERROR_STATUS_GROUPS = {
  shared: SHARED_ERROR_STATUS,
  core: CORE_ERROR_STATUS,
  e14: E14_ERROR_STATUS,
  dashboard: DASHBOARD_ERROR_STATUS,
} as const;

/** Every registered code with its status: the one place a code's HTTP status is decided. */
export const ERROR_STATUS = {
  ...SHARED_ERROR_STATUS,
  ...CORE_ERROR_STATUS,
  ...E14_ERROR_STATUS,
  ...DASHBOARD_ERROR_STATUS,
} as const satisfies Record<string, ErrorStatus>;

/** Any error code a CASTOR service may answer with. */
export type ErrorCode = keyof typeof ERROR_STATUS;

const statuses: ReadonlyMap<string, ErrorStatus> = new Map(Object.entries(ERROR_STATUS));

/** The HTTP status of a registered error code; undefined for a code nobody declared. */
export function errorStatus(code: string): ErrorStatus | undefined {
  return statuses.get(code);
}

export function isErrorCode(code: string): code is ErrorCode {
  return statuses.has(code);
}
