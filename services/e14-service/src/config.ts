import { anthropicReaderEnvSchema } from '@castor/ai-providers';
import type { IntakeLimitsInput } from '@castor/e14-sheets';
import { authVerifierEnv, baseServiceEnv, envBoolean, envInt, envPort, envRate, loadConfig } from '@castor/service-kit';
import { z } from 'zod';
import { parseAuditSigningKey } from './shared/audit-head.js';

export const e14EnvSchema = z.object({
  ...baseServiceEnv,
  ...authVerifierEnv,
  PORT: envPort(5002).describe('HTTP port of e14-service'),
  REDIS_KEY_PREFIX: z.string().default('castor:e14:').describe('Prefix of every Redis key e14-service writes'),
  E14_OCR_MAX_PAGES: envInt(20, 1, 200).describe('Most pages an uploaded E-14 may have'),
  E14_OCR_DPI: envInt(150, 72, 600).describe('Resolution pages are rendered at when they must be rendered'),
  E14_MAX_FILE_SIZE_MB: envInt(10, 1, 200).describe('Largest uploaded E-14 file'),
  E14_REVIEW_LEASE_SECONDS: envInt(300, 1, 86_400).describe(
    'How long a review task stays with the reviewer it was handed to before it returns to the queue (the desk renews it while the task is on screen)',
  ),
  E14_REVIEW_SKIP_SECONDS: envInt(600, 1, 86_400).describe(
    'How long a task a reviewer skipped is kept from that reviewer (others still get it; when only skipped tasks are left they get them again)',
  ),
  E14_REVIEW_TASKS_PER_UPLOADER: envInt(60, 1, 100_000).describe(
    "Review tasks a witness's uploads may open per hour; past it their documents are quarantined (REVIEW_BUDGET_EXCEEDED) until an admin or analyst releases them. Admins' uploads and the Registraduría's scans are not counted",
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
  E14_PIPELINE_READ_THREADS: envInt(2, 0, 64).describe(
    'Worker threads that read documents and cut review crops, so at most this many decode pages at once; 0 = one per core',
  ),
  E14_SHEET_CHECK_THREADS: envInt(1, 1, 16).describe(
    'Worker threads that check received files before they are queued, apart from the reading ones so an upload never waits behind the pipeline',
  ),
  E14_SHEET_THREAD_HEAP_MB: envInt(96, 32, 4_096).describe(
    'JavaScript heap limit of one file thread; a file that needs more is refused as FILE_TOO_COMPLEX',
  ),
  E14_SHEET_THREAD_MAX_JOBS: envInt(200, 1, 1_000_000).describe(
    'Files one thread works on before it is replaced by a fresh one (memory a decoder keeps is given back)',
  ),
  E14_SHEET_CHECK_TIMEOUT_MS: envInt(10_000, 100, 600_000).describe(
    'Longest the intake checks of one received file may run in its thread; beyond, the file is refused as FILE_TOO_COMPLEX',
  ),
  E14_SHEET_READ_TIMEOUT_MS: envInt(120_000, 100, 3_600_000).describe(
    'Longest the reading of one document (or its review crops) may run in its thread, wall clock (a 100 MP photo takes ~9 s on an idle core); beyond, it fails for good as FILE_TOO_COMPLEX',
  ),
  E14_SHEET_THREAD_IDLE_MS: envInt(30_000, 100, 3_600_000).describe(
    'A file thread idle this long ends (V8 never collects in an idle thread, so the last decoded page would stay resident); the next job starts a new one',
  ),
  E14_MAX_DECODED_MB: envInt(64, 8, 4_096).describe(
    'Most of one PDF intake holds inflated at once; a page image past it is inflated when its page is read, as grey (a 300-dpi page of the form is ~39 MB grey, ~117 MB as colour); it bounds what each read thread holds',
  ),
  E14_SHEET_CHECKS_WAITING: envInt(8, 0, 1_000).describe(
    'Received files waiting for a thread to be checked; more are answered 503 BUSY with Retry-After',
  ),
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
  E14_MODEL_POLL_MS: envInt(5_000, 50, 600_000).describe(
    "How often a replica looks at the recognizer model registry's active version; a promoted or rolled-back model reads within this long, without a restart",
  ),
  E14_TRAINING_ENABLED: envBoolean(true).describe(
    'Continuous training of the local recognizer from agreed review values (gated, versioned, reversible); false switches it off (the active model keeps reading)',
  ),
  E14_TRAINING_MIN_NEW_LABELS: envInt(500, 1, 1_000_000).describe(
    'Agreed review values that must arrive since the last training cycle before the next one starts',
  ),
  E14_TRAINING_MIN_INTERVAL_MINUTES: envInt(30, 0, 10_080).describe(
    'Least time between the starts of two training cycles',
  ),
  E14_TRAINING_CHECK_MS: envInt(60_000, 100, 3_600_000).describe(
    'How often a replica checks whether a training cycle is due (one runs at a time across replicas)',
  ),
  E14_TRAINING_MIN_HELD_BACK: envInt(50, 1, 100_000).describe(
    'Held-back reviewed cells the gate needs before it judges a candidate (fewer: the cycle is skipped)',
  ),
  E14_TRAINING_MAX_CELLS: envInt(8_000, 100, 200_000).describe(
    'Most recent reviewed cells a cycle trains and judges on (memory bound)',
  ),
  E14_TRAINING_REREAD_MAX: envInt(2_000, 0, 100_000).describe(
    'Waiting review tasks a promoted model reads again per cycle (0: no re-reading)',
  ),
  E14_TRAINING_REHEARSAL_CELLS: envInt(1_500, 50, 100_000).describe(
    'Synthetic cells a cycle rehearses with the reviewed ones, so the model keeps what it knew (about 10 ms each on one core)',
  ),
  E14_TRAINING_THREAD_HEAP_MB: envInt(1_024, 128, 16_384).describe('Heap limit of the training thread'),
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
  E14_AUDIT_SIGNING_KEY: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined) return undefined;
      try {
        return parseAuditSigningKey(text);
      } catch {
        context.addIssue({ code: 'custom', message: 'must be an Ed25519 private key (PKCS#8 PEM, or base64)' });
        return z.NEVER;
      }
    })
    .describe(
      'Ed25519 private key signing the audit chain head (GET /api/audit/head): PKCS#8 PEM, base64 of its PKCS#8 DER, or base64 of its 32-byte seed; unset = heads are published unsigned',
    ),
});

export type E14Config = z.output<typeof e14EnvSchema>;

export function loadE14Config(env: Record<string, string | undefined> = process.env): E14Config {
  return loadConfig('e14-service', e14EnvSchema, env);
}

/** What one received file may be, judged before and while it is decoded (uploads, pipeline reads, review crops). */
export const sheetLimits = (config: E14Config): IntakeLimitsInput => ({
  maxFileMb: config.E14_MAX_FILE_SIZE_MB,
  maxPages: config.E14_OCR_MAX_PAGES,
  maxDecodedMb: config.E14_MAX_DECODED_MB,
});
