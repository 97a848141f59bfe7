import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions, RawRequestDefaultExpression } from 'fastify';
import { stdSerializers } from 'pino';

/**
 * Paths pino removes from every log line. Bodies are not logged by default, but errors and
 * domain logs may carry objects with these fields.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'newPassword',
  'refreshToken',
  'accessToken',
  'token',
  'secret',
  'apiKey',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.passwordHash',
  '*.privateKey',
  // Personal fields: a log line is read by more people, and kept longer, than the rows it describes.
  'email',
  'phone',
  'passwordHash',
  'password_hash',
  '*.email',
  '*.phone',
  '*.password_hash',
  'user.name',
  '*.user.name',
  'headers.authorization',
  'config.headers.authorization',
];

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keep a caller's (or nginx's) request id when it looks sane, so one id follows a request everywhere. */
export function genRequestId(raw: RawRequestDefaultExpression): string {
  const header = raw.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate && REQUEST_ID_PATTERN.test(candidate) ? candidate : randomUUID();
}

/** Properties of errors that hold the values a query was run with (drizzle's `params`, ...). */
const BOUND_VALUE_KEYS = new Set(['params', 'parameters', 'values']);

/**
 * Texts in an error chain that quote the values a failed query was run with, each with what the
 * log shows instead: drizzle's message ("Failed query: <sql>\nparams: <values>"), PostgreSQL's
 * `detail` ("Key (email)=(...)", "Failing row contains (...)"), and the quoted input of a data
 * exception (SQLSTATE class 22: `invalid input syntax for type uuid: "..."`).
 */
function boundValueTexts(error: unknown, found: Array<[string, string]> = [], depth = 0): Array<[string, string]> {
  if (!(error instanceof Error) || depth > 5) return found;
  const { params, detail, code } = error as { params?: unknown; detail?: unknown; code?: unknown };
  if (Array.isArray(params)) found.push([`\nparams: ${String(params)}`, '\nparams: [redacted]']);
  if (typeof detail === 'string' && detail.length > 0) found.push([detail, '[redacted]']);
  if (typeof code === 'string' && code.startsWith('22')) {
    found.push([error.message, error.message.replace(/"[^"]*"/g, '"[redacted]"')]);
  }
  const inner = error instanceof AggregateError ? error.errors : [];
  for (const wrapped of [error.cause, ...inner]) boundValueTexts(wrapped, found, depth + 1);
  return found;
}

/** A serialized error (and what it nests) without bound values: texts rewritten, value keys dropped. */
function scrub(value: unknown, texts: Array<[string, string]>, depth = 0): unknown {
  if (typeof value === 'string') return texts.reduce((text, [from, to]) => text.replaceAll(from, to), value);
  if (typeof value !== 'object' || value === null || depth > 5) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, texts, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = BOUND_VALUE_KEYS.has(key) ? '[redacted]' : scrub(item, texts, depth + 1);
  }
  return copy;
}

/**
 * pino's error serializer (type, message and stack with their causes, own properties), minus the
 * values a failed query carried: they are users' emails, names and password hashes.
 */
export function serializeError(error: Error): ReturnType<typeof stdSerializers.err> {
  const serialized = stdSerializers.err(error);
  // Anything not error-like is returned as given by pino: it has no message or stack to rewrite.
  return error instanceof Error ? (scrub(serialized, boundValueTexts(error)) as typeof serialized) : serialized;
}

export function loggerOptions(service: string, level: string): FastifyServerOptions['logger'] {
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      err: serializeError,
      error: serializeError,
      req(request: { method: string; url: string; ip?: string; id?: string }) {
        // Query strings are dropped: they may carry search terms with personal data.
        return { method: request.method, url: request.url.split('?')[0], ip: request.ip };
      },
    },
  };
}
