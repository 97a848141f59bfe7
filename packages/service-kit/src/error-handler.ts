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
};

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
