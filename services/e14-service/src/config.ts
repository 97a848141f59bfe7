import { authVerifierEnv, baseServiceEnv, envBoolean, envInt, envPort, envRate, loadConfig } from '@castor/service-kit';
import { z } from 'zod';

const envRatio = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a number between 0 and 1' })
    .min(0, { message: 'must be at least 0' })
    .max(1, { message: 'must be at most 1' })
    .default(fallback);

export const e14EnvSchema = z.object({
  ...baseServiceEnv,
  ...authVerifierEnv,
  PORT: envPort(5002).describe('HTTP port of e14-service'),
  REDIS_KEY_PREFIX: z.string().default('castor:e14:').describe('Prefix of every Redis key e14-service writes'),
  E14_OCR_MAX_PAGES: envInt(20, 1, 200).describe('Most pages an uploaded E-14 may have'),
  E14_OCR_DPI: envInt(150, 72, 600).describe('Resolution pages are rendered at when they must be rendered'),
  E14_MAX_FILE_SIZE_MB: envInt(10, 1, 200).describe('Largest uploaded E-14 file'),
  E14_REVIEW_CONFIDENCE_THRESHOLD: envRatio(0.7).describe(
    'A field read with less confidence than this goes to review (default of the "confidence" rule)',
  ),
  E14_BATCH_MAX_SHEETS: envInt(1_000, 1, 10_000).describe('Most sheets in one POST /api/e14/process-v2/batch'),
  E14_BATCH_BODY_LIMIT_MB: envInt(32, 1, 512).describe('Largest body of a batch intake request'),
  E14_IMPORT_BODY_LIMIT_MB: envInt(128, 1, 1_024).describe('Largest divipol or official-feed file accepted'),
  E14_FORENSICS_ENABLED: envBoolean(true).describe('Run the cross-mesa forensic signals in the background'),
  E14_FORENSICS_DEBOUNCE_MS: envInt(2_000, 0, 600_000).describe(
    'How long a municipio waits after new results before its forensic signals are recomputed',
  ),
  E14_FORENSICS_POLL_MS: envInt(1_000, 50, 600_000).describe('How often the forensic queue is polled'),
  RATE_LIMIT_E14_INTAKE: envRate('600/minute').describe(
    'Budget per client address for E-14 intake and validation (a batch counts once)',
  ),
  RATE_LIMIT_E14_READ: envRate('3000/minute').describe('Budget per client address for results, alerts and claims'),
  CACHE_TTL_RESULTS: envInt(300, 1, 86_400).describe('Seconds a results answer stays cached (changes invalidate it)'),
});

export type E14Config = z.output<typeof e14EnvSchema>;

export function loadE14Config(env: Record<string, string | undefined> = process.env): E14Config {
  return loadConfig('e14-service', e14EnvSchema, env);
}
