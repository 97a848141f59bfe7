import { z } from 'zod';

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown when the environment does not satisfy a service's schema. Never carries the values. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${service} cannot start: invalid configuration\n${problems
        .map((problem) => `  - ${problem.variable}: ${problem.message}`)
        .join('\n')}\nSee .env.example for every variable and its meaning.`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` against `schema`. Empty strings count as unset so that `FOO=` in a compose file
 * falls back to the default instead of failing obscurely.
 */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    service,
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: issue.message,
    })),
  );
}

// ---- reusable variable types ----

export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const envInt = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` })
    .default(fallback);

export const envPort = (fallback: number) => envInt(fallback, 1, 65_535);

export const envUrl = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(':', ''));
      } catch {
        return false;
      }
    },
    { message: `must be a ${protocols.join(' or ')} URL` },
  );

const RATE_UNITS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export interface RateSpec {
  max: number;
  windowMs: number;
}

/** "100/hour" → { max: 100, windowMs: 3600000 }; the format of the seed's RATE_LIMIT_* variables. */
export const envRate = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx): RateSpec => {
      const match = /^(\d+)\s*\/\s*(second|minute|hour|day)s?$/.exec(value.trim().toLowerCase());
      if (!match?.[1] || !match[2]) {
        ctx.addIssue({ code: 'custom', message: 'must look like 100/hour (units: second, minute, hour, day)' });
        return z.NEVER;
      }
      return { max: Number(match[1]), windowMs: RATE_UNITS[match[2] as keyof typeof RATE_UNITS] };
    });

/** Variables every service reads. Each service spreads these into its own schema. */
export const baseServiceEnv = {
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('development, test or production'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server listens on'),
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .describe(
      'Which proxies may set X-Forwarded-For (Fastify trustProxy): "loopback", a CIDR list, or "false". Client addresses drive rate limits.',
    ),
  BODY_LIMIT_BYTES: envInt(1_048_576, 1_024, 104_857_600).describe('Largest JSON request body accepted'),
  DATABASE_URL: envUrl(['postgres', 'postgresql']).describe(
    "PostgreSQL URL of the service's own database, as the role the service runs as",
  ),
  DATABASE_MIGRATION_URL: envUrl(['postgres', 'postgresql'])
    .optional()
    .describe(
      "URL of the same database as the role that owns its tables, used only to apply migrations at start; DATABASE_URL's role then gets table privileges and owns nothing. Unset: DATABASE_URL's role migrates",
    ),
  DATABASE_POOL_MAX: envInt(10, 1, 200).describe('Connections in the PostgreSQL pool'),
  DATABASE_STATEMENT_TIMEOUT_MS: envInt(15_000, 100, 600_000).describe('statement_timeout for every query'),
  REDIS_URL: envUrl(['redis', 'rediss'])
    .optional()
    .describe('Redis URL with the service DB index (e.g. redis://redis:6379/1). Unset: in-process cache and counters'),
  RATE_LIMIT_DEFAULT: envRate('1200/hour').describe(
    'Budget of routes without their own: per signed-in user (per client address when anonymous); sized for a dashboard polling every few seconds',
  ),
} as const;

/** Variables of services that verify access tokens issued by core-service. */
export const authVerifierEnv = {
  CORE_SERVICE_URL: envUrl(['http', 'https'])
    .default('http://127.0.0.1:5001')
    .describe('Base URL of core-service (JWKS and revocation feed)'),
  JWT_ISSUER: z.string().min(1).default('castor-core').describe('Expected `iss` of access tokens'),
  JWT_AUDIENCE: z.string().min(1).default('castor').describe('Expected `aud` of access tokens'),
  AUTH_REVOCATION_POLL_MS: envInt(2_000, 100, 60_000).describe(
    'How often the revoked-token feed is polled (Redis pub/sub makes it immediate when available)',
  ),
  AUTH_JWKS_REFRESH_MS: envInt(60_000, 100, 3_600_000).describe(
    "How often core's public keys are refetched; keep it below core's JWT_KEY_PREPUBLISH_SECONDS",
  ),
} as const;
