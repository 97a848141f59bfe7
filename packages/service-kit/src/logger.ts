import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions, RawRequestDefaultExpression } from 'fastify';

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

export function loggerOptions(service: string, level: string): FastifyServerOptions['logger'] {
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req(request: { method: string; url: string; ip?: string; id?: string }) {
        // Query strings are dropped: they may carry search terms with personal data.
        return { method: request.method, url: request.url.split('?')[0], ip: request.ip };
      },
    },
  };
}
