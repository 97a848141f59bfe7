import { z } from 'zod';

export const uuidSchema = z.uuid();

/** Emails are compared case-insensitively; store them trimmed and lower-cased. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((value) => value.toLowerCase());

export const isoDateTimeSchema = z.iso.datetime({ offset: true });

/**
 * A whole number written in a URL (a path segment or a query parameter): plain decimal digits, no
 * sign, spaces, leading zeros, fraction, exponent or `0x`. `z.coerce.number()` read `0x10`, ` 1`
 * and `1e1` as numbers, so `/api/review/tasks/0x10/decide` decided task 16; every number a URL
 * carries goes through here instead.
 */
export function decimalIntegerSchema({ min, max }: { min: number; max: number }) {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, {
      message: 'must be a whole number in plain decimal digits (no sign, spaces, leading zeros, exponent or 0x)',
    })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** A database id (bigserial) in a URL: 1 or more, in plain decimal digits. */
export const idParamSchema = decimalIntegerSchema({ min: 1, max: Number.MAX_SAFE_INTEGER });

export const paginationQuerySchema = z.object({
  limit: decimalIntegerSchema({ min: 1, max: 500 }).default(50),
  offset: decimalIntegerSchema({ min: 0, max: 1_000_000 }).default(0),
});

export const okResponseSchema = z.object({ ok: z.literal(true) });

export const healthCheckSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().optional(),
  detail: z.string().optional(),
});

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  service: z.string(),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z.record(z.string(), healthCheckSchema),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
