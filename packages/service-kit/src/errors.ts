import type { KnownErrorCode } from '@castor/contracts';

/**
 * The one error type route code throws. The error handler turns it into
 * `{ error: { code, message, details } }` with `statusCode`; anything else becomes a 500 whose
 * details are logged, never sent.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: KnownErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.headers = options?.headers;
  }
  readonly headers: Record<string, string> | undefined;
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (code: KnownErrorCode, message: string) =>
  new AppError(401, code, message, undefined, { headers: { 'www-authenticate': 'Bearer' } });
export const forbidden = (message = 'Your role does not allow this action') => new AppError(403, 'FORBIDDEN', message);
export const notFound = (message: string, code = 'NOT_FOUND') => new AppError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new AppError(422, code, message, details);
export const tooManyRequests = (message: string, retryAfterSeconds: number, code: KnownErrorCode = 'RATE_LIMITED') =>
  new AppError(
    429,
    code,
    message,
    { retryAfterSeconds },
    {
      headers: { 'retry-after': String(retryAfterSeconds) },
    },
  );
export const serviceUnavailable = (code: KnownErrorCode, message: string, retryAfterSeconds?: number) =>
  new AppError(
    503,
    code,
    message,
    undefined,
    retryAfterSeconds ? { headers: { 'retry-after': String(retryAfterSeconds) } } : undefined,
  );
