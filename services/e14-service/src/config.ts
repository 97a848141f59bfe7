import { anthropicReaderEnvSchema } from '@castor/ai-providers';
import { authVerifierEnv, baseServiceEnv, envBoolean, envInt, envPort, envRate, loadConfig } from '@castor/service-kit';
import { z } from 'zod';

export const e14EnvSchema = z.object({
  ...baseServiceEnv,
  ...authVerifierEnv,
  PORT: envPort(5002).describe('HTTP port of e14-service'),
  REDIS_KEY_PREFIX: z.string().default('castor:e14:').describe('Prefix of every Redis key e14-service writes'),
  E14_OCR_MAX_PAGES: envInt(20, 1, 200).describe('Most pages an uploaded E-14 may have'),
  E14_OCR_DPI: envInt(150, 72, 600).describe('Resolution pages are rendered at when they must be rendered'),
  E14_MAX_FILE_SIZE_MB: envInt(10, 1, 200).describe('Largest uploaded E-14 file'),
  E14_REVIEW_LEASE_SECONDS: envInt(300, 1, 86_400).describe(
    'How long a review task stays with the reviewer it was handed to before it returns to the queue',
  ),
  E14_BATCH_MAX_SHEETS: envInt(1_000, 1, 10_000).describe('Most sheets in one POST /api/e14/forms/batch'),
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
  ...anthropicReaderEnvSchema.shape,
  E14_PIPELINE_AUTOSTART: envBoolean(true).describe(
    'Start the document workers with the service (else POST /api/pipeline/start starts them)',
  ),
  E14_PIPELINE_SLOTS: envInt(16, 1, 512).describe('Documents one replica works on at once (all stages)'),
  E14_PIPELINE_READ_THREADS: envInt(0, 0, 64).describe('Worker threads reading sheets; 0 = one per core'),
  E14_PIPELINE_VISION_CONCURRENCY: envInt(8, 1, 256).describe(
    'Claude Vision readings in flight per replica (when ANTHROPIC_API_KEY is set)',
  ),
  E14_PIPELINE_INTAKE_CONCURRENCY: envInt(2, 1, 32).describe('Read documents stored through intake at once'),
  E14_PIPELINE_MAX_ATTEMPTS: envInt(5, 1, 50).describe('Attempts of a document job before it is a dead letter'),
  E14_PIPELINE_RETRY_BASE_MS: envInt(2_000, 10, 3_600_000).describe(
    'First retry delay of a failed job; doubles per attempt (with jitter), capped at 64 times',
  ),
  E14_PIPELINE_LEASE_MS: envInt(30_000, 1_000, 3_600_000).describe(
    'A claimed job not renewed for this long (its worker died) is taken by another worker',
  ),
  E14_PIPELINE_POLL_MS: envInt(500, 20, 60_000).describe('How often an idle worker looks for due jobs'),
  E14_REGISTRADURIA_BASE_URL: z
    .url()
    .optional()
    .describe("Base URL of the Registraduría's E-14 site (or a mirror); unset = queue routes and URL intake are off"),
  E14_REGISTRADURIA_ELECTION: z
    .string()
    .regex(/^[A-Z0-9]{1,12}$/)
    .default('PRE')
    .describe('Election segment of the published file paths'),
  E14_REGISTRADURIA_CONCURRENCY: envInt(4, 1, 64).describe('Downloads in flight from the Registraduría site'),
  E14_REGISTRADURIA_RPS: envInt(4, 1, 1_000).describe('Requests per second to the Registraduría site'),
  E14_REGISTRADURIA_RECHECK_MS: envInt(60_000, 10, 3_600_000).describe(
    "How long before a mesa whose E-14 is not published yet is looked for again (and the site's index re-validated)",
  ),
});

export type E14Config = z.output<typeof e14EnvSchema>;

export function loadE14Config(env: Record<string, string | undefined> = process.env): E14Config {
  return loadConfig('e14-service', e14EnvSchema, env);
}
