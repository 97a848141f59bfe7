import { authVerifierEnv, baseServiceEnv, envBoolean, envInt, envPort, envRate, loadConfig } from '@castor/service-kit';
import { z } from 'zod';

export const coreEnvSchema = z.object({
  ...baseServiceEnv,
  JWT_ISSUER: authVerifierEnv.JWT_ISSUER,
  JWT_AUDIENCE: authVerifierEnv.JWT_AUDIENCE,
  AUTH_REVOCATION_POLL_MS: authVerifierEnv.AUTH_REVOCATION_POLL_MS,
  PORT: envPort(5001).describe('HTTP port of core-service'),
  REDIS_KEY_PREFIX: z.string().default('castor:core:').describe('Prefix of every Redis key core-service writes'),
  JWT_ACCESS_TOKEN_EXPIRES: envInt(3_600, 60, 86_400).describe('Access token lifetime in seconds'),
  JWT_REFRESH_TOKEN_EXPIRES: envInt(604_800, 300, 7_776_000).describe('Refresh token lifetime in seconds'),
  JWT_REFRESH_GRACE_SECONDS: envInt(10, 0, 60).describe(
    'For this long after a rotation, the rotated refresh token returns the same new pair (tabs refreshing at once); 0 = off',
  ),
  JWT_KEY_ENCRYPTION_KEY: z
    .string({ message: 'is required: 32 random bytes in base64 (openssl rand -base64 32)' })
    .refine((value) => Buffer.from(value, 'base64').length === 32, {
      message: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
    })
    .describe('Encrypts the JWT signing keys at rest (AES-256-GCM). 32 bytes, base64'),
  JWT_KEY_ROTATION_DAYS: envInt(30, 0, 3_650).describe(
    'Rotate the signing key after this many days; 0 = only on demand',
  ),
  JWT_KEY_PREPUBLISH_SECONDS: envInt(120, 0, 86_400).describe(
    "A new signing key is published this long before it signs; keep it above the other services' AUTH_JWKS_REFRESH_MS",
  ),
  AUTH_ALLOW_REGISTRATION: envBoolean(true).describe('Allow self-registration as viewer; false = invitation only'),
  ADMIN_EMAIL: z.email().optional().describe('Creates this admin at start when no such user exists'),
  ADMIN_PASSWORD: z.string().min(12).optional().describe('Password of ADMIN_EMAIL (at least 12 characters)'),
  RATE_LIMIT_AUTH: envRate('20/minute').describe('Budget per client address for register/login/refresh'),
  RATE_LIMIT_LEADS: envRate('5/hour').describe('Budget per client address for demo requests'),
  LOGIN_MAX_FAILURES: envInt(5, 1, 100).describe(
    'Failed logins for one email from one client address before that address is locked for that email',
  ),
  LOGIN_ACCOUNT_MAX_FAILURES: envInt(20, 1, 10_000).describe(
    'Failed logins for one email from all addresses after which a single failure locks an address for it',
  ),
  LOGIN_LOCKOUT_SECONDS: envInt(900, 10, 86_400).describe(
    'Window in which failures are counted, and how long a locked address stays locked',
  ),
  ARGON2_MAX_CONCURRENCY: envInt(4, 1, 64).describe('Password hashes computed at once (each takes 19 MiB)'),
  ARGON2_MAX_QUEUE: envInt(64, 0, 10_000).describe('Hashes allowed to wait; beyond it requests get 503 BUSY'),
});

export type CoreConfig = z.output<typeof coreEnvSchema>;

export function loadCoreConfig(env: Record<string, string | undefined> = process.env): CoreConfig {
  return loadConfig('core-service', coreEnvSchema, env);
}
