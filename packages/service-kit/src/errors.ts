import { type ErrorCode, errorStatus } from '@castor/contracts';

export type { ErrorCode } from '@castor/contracts';

export interface AppErrorOptions {
  cause?: unknown;
  headers?: Record<string, string>;
}

/**
 * The one error type route code throws. The error handler turns it into
 * `{ error: { code, message, details } }` with `statusCode`; anything else becomes a 500 whose
 * details are logged, never sent.
 *
 * A code's status is the one registered with it in `@castor/contracts` (one code, one status,
 * everywhere): build errors with `httpError(code, message)`. The status given to the constructor
 * is only used for a code nobody registered; that form remains while e14-service migrates to
 * `httpError`.
 */
export class AppError extends Error {
  readonly statusCode: number;
  readonly headers: Record<string, string> | undefined;

  constructor(
    statusCode: number,
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    options?: AppErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.statusCode = errorStatus(code) ?? statusCode;
    this.headers = options?.headers;
  }
}

/**
 * The registered HTTP status of a code. An unregistered code is a programming error: it throws a
 * plain Error (never an AppError, so it cannot pass for a client's mistake).
 */
export function registeredStatus(code: ErrorCode): number {
  const status = errorStatus(code);
  if (status === undefined) {
    throw new Error(`Error code ${JSON.stringify(code)} is not registered in @castor/contracts (error-registry.ts)`);
  }
  return status;
}

/** The error for a registered code, answered with the code's registered status (see `registeredStatus`). */
export function httpError(code: ErrorCode, message: string, details?: unknown, options?: AppErrorOptions): AppError {
  return new AppError(registeredStatus(code), code, message, details, options);
}

/** An AUTH_REQUIRED / TOKEN_* / ... error with the `www-authenticate: Bearer` challenge. */
export const unauthorized = (code: ErrorCode, message: string) =>
  httpError(code, message, undefined, { headers: { 'www-authenticate': 'Bearer' } });

/** A RATE_LIMITED (or ACCOUNT_LOCKED, ...) error telling the client when to come back. */
export const tooManyRequests = (message: string, retryAfterSeconds: number, code: ErrorCode = 'RATE_LIMITED') =>
  httpError(code, message, { retryAfterSeconds }, { headers: { 'retry-after': String(retryAfterSeconds) } });

/** A BUSY / DEPENDENCY_UNAVAILABLE (...) error, with retry-after when the wait is known. */
export const serviceUnavailable = (code: ErrorCode, message: string, retryAfterSeconds?: number) =>
  httpError(
    code,
    message,
    undefined,
    retryAfterSeconds ? { headers: { 'retry-after': String(retryAfterSeconds) } } : undefined,
  );

/*
 * The helpers below predate the registry and are kept for e14-service until it moves to
 * `httpError`. Each answers the REGISTERED status of the code it is given (not the status its name
 * suggests), and throws for an unregistered code like `httpError` does. Their `code: string`
 * parameters are checked at run time only; `httpError` checks its code when compiling.
 */

/** @deprecated Use `httpError(code, message, details)`. */
export const badRequest = (code: string, message: string, details?: unknown) =>
  httpError(code as ErrorCode, message, details);
/** @deprecated Use `httpError('FORBIDDEN', message)`. */
export const forbidden = (message = 'Your role does not allow this action') => httpError('FORBIDDEN', message);
/** @deprecated Use `httpError(code, message)`. */
export const notFound = (message: string, code = 'NOT_FOUND') => httpError(code as ErrorCode, message);
/** @deprecated Use `httpError(code, message, details)`. */
export const conflict = (code: string, message: string, details?: unknown) =>
  httpError(code as ErrorCode, message, details);
/** @deprecated Use `httpError(code, message, details)`. */
export const unprocessable = (code: string, message: string, details?: unknown) =>
  httpError(code as ErrorCode, message, details);
