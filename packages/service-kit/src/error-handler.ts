import { type ErrorCode, type ErrorResponse, errorStatus, type ValidationIssue } from '@castor/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from './errors.js';

/** Fastify's own request-shape failures, mapped once to our stable codes (answered with their registered status). */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'This endpoint does not accept that Content-Type',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'VALIDATION_FAILED', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: 'The body is empty but Content-Type says JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type is missing' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type is not valid' },
  FST_ERR_BAD_URL: { code: 'VALIDATION_FAILED', message: 'The URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'VALIDATION_FAILED', message: 'The request is malformed' },
  FST_ERR_RATE_LIMIT: { code: 'RATE_LIMITED', message: 'Too many requests' },
  FST_ERR_NOT_FOUND: { code: 'ROUTE_NOT_FOUND', message: 'No such route' },
  // @fastify/multipart
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'MULTIPART_INVALID', message: 'Send the upload as multipart/form-data' },
  FST_MP_PREMATURE_CLOSE: {
    code: 'MULTIPART_INVALID',
    message: 'The upload ended before the multipart body was complete; send it again',
  },
  FST_INVALID_JSON_FIELD_ERROR: { code: 'INVALID_JSON', message: 'A form field declared as JSON is not valid JSON' },
  FST_REQ_FILE_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'A file in the upload is over the size limit' },
  FST_FILES_LIMIT: { code: 'PAYLOAD_TOO_LARGE', message: 'The upload has more files than this endpoint takes' },
  FST_FIELDS_LIMIT: { code: 'PAYLOAD_TOO_LARGE', message: 'The upload has more fields than this endpoint takes' },
  FST_PARTS_LIMIT: { code: 'PAYLOAD_TOO_LARGE', message: 'The upload has more parts than this endpoint takes' },
};

/**
 * The multipart parser (busboy) reports a malformed body with plain Errors, told apart only by
 * their message: a Content-Type without a boundary, or a body cut off mid-part (a phone losing its
 * connection). Both are the client's to fix, on every multipart route.
 */
const MULTIPART_FAILURES: ReadonlyArray<{ pattern: RegExp; message: string }> = [
  {
    pattern: /^Multipart: Boundary not found$/,
    message:
      'The multipart Content-Type has no boundary: let the HTTP client set it (multipart/form-data; boundary=...)',
  },
  {
    pattern: /unexpected end of (multipart data|form)$/i,
    message: 'The upload ended before the multipart body was complete; send it again',
  },
];

/**
 * Other 4xx errors of Fastify and its plugins carry only a status: answered with the shared code
 * registered with that status, so the code and the status still agree. Any other 4xx is a
 * BAD_REQUEST (400).
 */
const CODE_OF_CLIENT_STATUS: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [404, 'NOT_FOUND'],
  [405, 'METHOD_NOT_ALLOWED'],
  [409, 'CONFLICT'],
  [413, 'PAYLOAD_TOO_LARGE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
  [429, 'RATE_LIMITED'],
]);

/** Socket failures on the way to PostgreSQL (or another service a request needs). */
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve us now: shutting down or starting up (57P01-57P03), too
 * many connections (53300); class 08 (connection exceptions) is matched by its prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres and pg-pool report a lost or unobtainable connection with these plain messages. */
const PG_CONNECTION_MESSAGE =
  /^(timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error)/;

/** How long a client should wait before retrying a request that found PostgreSQL unreachable. */
const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/**
 * Whether the error (or one it wraps: drizzle wraps pg's error as `cause`, Node wraps the attempts
 * of a connection to several addresses in an AggregateError) says a dependency is unreachable
 * rather than that our code or the request is wrong.
 */
function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (NETWORK_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  ) {
    return true;
  }
  if (PG_CONNECTION_MESSAGE.test(error.message)) return true;
  const inner = error instanceof AggregateError ? error.errors : [];
  return [error.cause, ...inner].some((wrapped) => isDependencyUnavailable(wrapped, depth + 1));
}

/** The registered status of a code (every code this file answers is registered). */
const statusOf = (code: ErrorCode): number => errorStatus(code) ?? 500;

function body(code: string, message: string, requestId: string, details?: unknown): ErrorResponse {
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId } };
}

function validationIssues(error: FastifyError): ValidationIssue[] {
  const context = (error as { validationContext?: string }).validationContext ?? 'body';
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as { issue?: { path?: PropertyKey[] } } | undefined;
    const path = params?.issue?.path ?? issue.instancePath.split('/').filter(Boolean);
    return { path: [context, ...path.map(String)].join('.'), message: issue.message ?? 'is invalid' };
  });
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof AppError) {
    if (error.headers) reply.headers(error.headers);
    if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
    void reply.code(error.statusCode).send(body(error.code, error.message, request.id, error.details));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = validationIssues(error);
    const first = issues[0];
    const message = first ? `${first.path} ${first.message}` : 'The request does not match the expected shape';
    void reply.code(statusOf('VALIDATION_FAILED')).send(body('VALIDATION_FAILED', message, request.id, { issues }));
    return;
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) {
    void reply.code(statusOf(known.code)).send(body(known.code, known.message, request.id));
    return;
  }
  const multipart =
    error.statusCode === undefined && MULTIPART_FAILURES.find(({ pattern }) => pattern.test(error.message));
  if (multipart) {
    void reply.code(statusOf('MULTIPART_INVALID')).send(body('MULTIPART_INVALID', multipart.message, request.id));
    return;
  }
  // The default JSON parser throws a SyntaxError with statusCode 400.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    void reply.code(statusOf('INVALID_JSON')).send(body('INVALID_JSON', 'The body is not valid JSON', request.id));
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = CODE_OF_CLIENT_STATUS.get(status) ?? 'BAD_REQUEST';
    void reply.code(statusOf(code)).send(body(code, error.message, request.id));
    return;
  }
  sendServerError(error, request, reply);
}

/** A failure on our side: logged, and answered 503 with Retry-After when a dependency is down, else 500. */
function sendServerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (isDependencyUnavailable(error)) {
    request.log.error({ err: error }, 'a dependency is unavailable');
    void reply
      .code(statusOf('DEPENDENCY_UNAVAILABLE'))
      .header('retry-after', String(DEPENDENCY_RETRY_AFTER_SECONDS))
      .send(
        body(
          'DEPENDENCY_UNAVAILABLE',
          'The database or another service this request needs is unavailable right now. Try again in a few seconds.',
          request.id,
        ),
      );
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply
    .code(statusOf('INTERNAL_ERROR'))
    .send(
      body(
        'INTERNAL_ERROR',
        'Something went wrong on our side. The error was logged; quote the request id if you report it.',
        request.id,
      ),
    );
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(statusOf('ROUTE_NOT_FOUND'))
    .send(body('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`, request.id));
}
