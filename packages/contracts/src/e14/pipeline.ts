import { z } from 'zod';
import { decimalIntegerSchema, isoDateTimeSchema } from '../common.js';
import { corporationSchema, electionCodeSchema } from './election.js';
import { copySchema, providerReadingSchema } from './submission.js';
import { departamentoCodeSchema, mesaKeySchema, municipioCodeSchema } from './territory.js';

/**
 * The E-14 document pipeline: scanned sheets (uploads, URLs on the Registraduría's site, whole
 * departamentos scraped from it) queued as durable jobs, read, fused and stored through intake.
 */

export const DOCUMENT_STATES = ['queued', 'processing', 'done', 'failed', 'dead', 'quarantined', 'replaced'] as const;
export const documentStateSchema = z
  .enum(DOCUMENT_STATES)
  .describe(
    'queued: waiting (or waiting for a retry); processing: leased by a worker; done: stored through intake; failed: refused for good (bad file, unknown mesa); dead: retries exhausted (dead letter); quarantined: held back, never stored nor sent to review (not recognisably the expected E-14 — NOT_AN_E14, TEMPLATE_MISMATCH —, a page holding numbers missing or one page twice — PAGES_MISSING, PAGE_DUPLICATED —, no ink — PAGE_BLANK —, or its sender over the review budget — REVIEW_BUDGET_EXCEEDED; the error says which) until an admin or analyst releases it with POST /retry; replaced: never read, a newer upload of the same mesa and copy by the same sender replaced it',
  );
export type DocumentState = z.infer<typeof documentStateSchema>;

/**
 * Most files one queueing request may send as the pages of one sheet (a phone photo of each page,
 * in order): more than the longest form read has pages (3), so a witness never has to split a sheet.
 */
export const MAX_SHEET_PHOTOS = 4;

/** What the sender may say about a file (anything left out is read from the sheet itself). */
export const processFieldsSchema = z.object({
  electionCode: electionCodeSchema,
  corporation: corporationSchema.optional().describe('Read from the barcode when absent'),
  mesa: mesaKeySchema.optional().describe('Read from the printed header when absent'),
  copy: copySchema.optional().describe('Read from the barcode when absent'),
});
export type ProcessFields = z.infer<typeof processFieldsSchema>;

export const processUrlRequestSchema = processFieldsSchema.extend({
  url: z.url().max(2_000).describe("A file on the Registraduría's site (E14_REGISTRADURIA_BASE_URL)"),
});

export const processAcceptedSchema = z.object({
  documentId: z.number().int(),
  state: documentStateSchema,
  duplicate: z.boolean().describe('The same file was already received for this election: its document is returned'),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  priority: z.number().int(),
});
export type ProcessAccepted = z.infer<typeof processAcceptedSchema>;

export const documentFieldSchema = z.object({
  path: z.string(),
  state: z.enum(['read', 'empty', 'illegible']),
  value: z.number().int().nullable(),
  confidence: z.number(),
  overwritten: z.boolean(),
  readings: z.array(providerReadingSchema),
  review: z
    .enum(['illegible', 'low_confidence', 'overwritten', 'disagreement', 'failed_rule'])
    .nullable()
    .describe('Why the fused value goes to a person, if it does'),
});

/** A printed code read off the sheet: its value (null when unreadable) and how sure the reader was. */
export const documentCodeReadingSchema = z.object({
  value: z.string().nullable(),
  confidence: z.number(),
});

export const documentHeaderSchema = z
  .object({
    departamento: documentCodeReadingSchema,
    municipio: documentCodeReadingSchema,
    zona: documentCodeReadingSchema,
    puesto: documentCodeReadingSchema,
    mesa: documentCodeReadingSchema,
    mesaKey: z.string().nullable().describe('The mesa the printed codes name; null when one of them was unreadable'),
  })
  .describe('The mesa codes printed in the header, as read (agreed across pages)');

export const documentBarcodeSchema = z
  .object({
    digits: z.string().nullable(),
    source: z.string().describe('bars+printed, bars, printed-digits, zxing or none'),
    confidence: z.number(),
    conflict: z.boolean().describe('The bars and the digits printed under them disagree'),
    copy: copySchema.nullable(),
    page: z.number().int().nullable(),
    pageCount: z.number().int().nullable(),
    problems: z.array(z.string()).describe('Where the barcode disagrees with the page or the document'),
  })
  .describe("The first page's barcode as read");

export const documentReadingSchema = z.object({
  providers: z.array(z.string()).describe('Providers whose readings were fused'),
  vision: z.enum(['used', 'not_configured', 'failed']).describe('Claude Vision second opinion'),
  flags: z.array(z.string()).describe('e.g. vision_failed:PROVIDER_CIRCUIT_OPEN (fell back to local only)'),
  recognizer: z.string().describe('Local recognizer model, or "none" when no model is installed'),
  templateId: z.string(),
  templateVerified: z
    .boolean()
    .optional()
    .describe(
      "Every page holding numbers shows the template's layout (printed candidate numbers and rules where it puts them). False only on a quarantined sheet an admin released: its cells are not cut for review. Absent on documents read before it was checked",
    ),
  header: documentHeaderSchema.nullable().describe('Null for documents read before the header was kept'),
  barcode: documentBarcodeSchema.nullable().describe('Null when no page carried a barcode'),
  transmissionCode: documentCodeReadingSchema
    .nullable()
    .describe('The transmission code printed on the sheet; null for documents read before it was kept'),
  pageCount: z.number().int(),
  fieldsToReview: z.number().int(),
  fields: z.array(documentFieldSchema),
  timingsMs: z.record(z.string(), z.number()),
});
export type DocumentReading = z.infer<typeof documentReadingSchema>;

export const documentErrorSchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  code: z.string(),
  message: z.string(),
});

export const documentResponseSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['upload', 'url', 'registraduria']),
  electionCode: z.string(),
  corporation: corporationSchema.nullable(),
  mesaKey: z.string().nullable(),
  copy: copySchema.nullable(),
  sha256: z.string().nullable(),
  originUrl: z.string().nullable(),
  state: documentStateSchema,
  stage: z.string(),
  priority: z.number().int(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  errors: z.array(documentErrorSchema),
  reading: documentReadingSchema.nullable(),
  formId: z.number().int().nullable(),
  intakeOutcome: z.enum(['stored', 'duplicate']).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type DocumentResponse = z.infer<typeof documentResponseSchema>;

/** The most documents one page of GET /api/e14/documents holds. */
export const SENT_DOCUMENTS_PAGE_MAX = 100;

export const sentDocumentsQuerySchema = z.object({
  election: electionCodeSchema.optional().describe('Only documents of this election'),
  before: decimalIntegerSchema({ min: 1, max: Number.MAX_SAFE_INTEGER })
    .optional()
    .describe('Paging: the nextBefore of the previous page (documents with a smaller id)'),
  limit: decimalIntegerSchema({ min: 1, max: SENT_DOCUMENTS_PAGE_MAX }).default(20),
});
export type SentDocumentsQuery = z.infer<typeof sentDocumentsQuerySchema>;

export const sentDocumentsResponseSchema = z.object({
  documents: z.array(documentResponseSchema).describe("The caller's own documents, newest first"),
  nextBefore: z.number().int().nullable().describe('Pass as before for the next page; null: this is the last page'),
});
export type SentDocumentsResponse = z.infer<typeof sentDocumentsResponseSchema>;

export const queueTableRequestSchema = z.object({
  electionCode: electionCodeSchema,
  corporation: corporationSchema,
  mesa: mesaKeySchema,
});

export const queueDepartmentRequestSchema = z.object({
  electionCode: electionCodeSchema,
  corporation: corporationSchema,
  departamento: departamentoCodeSchema,
  municipio: municipioCodeSchema.optional().describe('Only this municipio of the departamento'),
});

export const queueResponseSchema = z.object({
  queued: z.number().int().describe('New jobs'),
  alreadyQueued: z.number().int().describe('Mesas already waiting or being processed'),
  documentIds: z.array(z.number().int()).describe('Jobs of the request (new and already waiting)'),
});

export const pipelineStartResponseSchema = z.object({
  running: z.boolean(),
  workerId: z.string(),
  resumed: z.number().int().describe('Jobs waiting for a retry made due now'),
});

/** The local digit recognizer's model versions (e14-service's registry, recognizer_models). */
export const RECOGNIZER_MODEL_SOURCES = ['bundled', 'trained'] as const;
export const RECOGNIZER_MODEL_STATUSES = ['active', 'retired', 'rejected', 'candidate'] as const;

/** How a model routes one set of cells at the review threshold (counts, and shares of `cells`). */
export const modelCellFiguresSchema = z.object({
  reviewed: z.number().int().min(0).describe('Cells sent to a person: illegible, under the threshold or over-written'),
  wrongUnreviewed: z.number().int().min(0).describe('Cells read wrong with enough confidence to skip review'),
  reviewShare: z.number().min(0).max(1),
  wrongUnreviewedShare: z.number().min(0).max(1),
});
export type ModelCellFigures = z.infer<typeof modelCellFiguresSchema>;

/** One evaluation set of the gate: the version it would replace against the candidate, on the same cells. */
export const gateSetComparisonSchema = z.object({
  cells: z.number().int().min(0),
  previous: modelCellFiguresSchema,
  candidate: modelCellFiguresSchema,
});

/** The gate's stored comparison of a trained candidate with the active version it would replace. */
export const modelEvaluationSchema = z.object({
  decision: z.enum(['promoted', 'rejected']),
  reasons: z.array(z.string()).describe('Why it was rejected (empty when promoted)'),
  previousVersion: z.number().int().describe('The active version it was compared with'),
  threshold: z.number().describe('The review threshold both were routed at'),
  heldBack: gateSetComparisonSchema.describe('Reviewed cells held back from training, never trained on'),
  synthetic: gateSetComparisonSchema.describe('The synthetic test set: held-out handwriting faces'),
});
export type ModelEvaluation = z.infer<typeof modelEvaluationSchema>;

export const recognizerModelSchema = z.object({
  version: z.number().int().min(1),
  source: z
    .enum(RECOGNIZER_MODEL_SOURCES)
    .describe('bundled: the model committed with the service; trained: learned from agreed review values'),
  status: z
    .enum(RECOGNIZER_MODEL_STATUSES)
    .describe(
      'active: the one every replica reads with; retired: active before; rejected: refused by the gate; candidate: not judged yet',
    ),
  sha256: z.string().describe("SHA-256 of the model file's text"),
  createdAt: isoDateTimeSchema,
  promotedAt: isoDateTimeSchema.nullable().describe('When it last became active (promotion or rollback)'),
  evaluation: modelEvaluationSchema
    .nullable()
    .describe("The gate's comparison with the version it would replace; null when never evaluated (the bundled model)"),
  learnedFromCells: z.number().int().min(0).describe('Agreed review values it was trained on'),
  note: z.string(),
});
export type RecognizerModel = z.infer<typeof recognizerModelSchema>;

export const recognizerModelsResponseSchema = z.object({ models: z.array(recognizerModelSchema) });

export const modelRollbackRequestSchema = z.object({
  version: z.number().int().min(1).describe('The version to make active (retired or active)'),
});
export type ModelRollbackRequest = z.infer<typeof modelRollbackRequestSchema>;

export const modelRollbackResponseSchema = z.object({
  model: recognizerModelSchema,
  previousVersion: z.number().int().nullable().describe('The version active before; null when already active'),
  replay: z.boolean().describe('The version was already active: nothing changed'),
});
export type ModelRollbackResponse = z.infer<typeof modelRollbackResponseSchema>;

/** One cycle of continuous training (e14-service's recognizer_training_runs). */
export const RECOGNIZER_TRAINING_RUN_STATUSES = ['running', 'promoted', 'rejected', 'skipped', 'failed'] as const;

export const recognizerTrainingRunSchema = z.object({
  id: z.number().int(),
  status: z
    .enum(RECOGNIZER_TRAINING_RUN_STATUSES)
    .describe(
      'promoted / rejected: the gate judged its candidate; skipped: too few held-back cells to judge one; failed: see reason',
    ),
  trigger: z
    .enum(['cadence', 'manual'])
    .describe('cadence: enough new labels after the minimum interval; manual: an admin asked'),
  requestedBy: z.string(),
  startedAt: isoDateTimeSchema,
  finishedAt: isoDateTimeSchema.nullable(),
  baseVersion: z.number().int().describe('The active version it started from and was judged against'),
  candidateVersion: z.number().int().nullable(),
  newLabels: z.number().int().describe('Agreed review values that arrived since the previous cycle'),
  cells: z
    .object({ train: z.number().int(), calibration: z.number().int(), heldBack: z.number().int() })
    .nullable()
    .describe('Reviewed cells it used, by split'),
  trainSeconds: z.number().nullable(),
  rereadClosed: z.number().int().describe('Waiting review tasks the promoted model read with confidence and closed'),
  reason: z.string().nullable(),
});
export type RecognizerTrainingRun = z.infer<typeof recognizerTrainingRunSchema>;

export const recognizerTrainingResponseSchema = z.object({
  enabled: z.boolean().describe('E14_TRAINING_ENABLED'),
  running: z.boolean().describe('A cycle runs on this replica now'),
  minNewLabels: z.number().int(),
  minIntervalMinutes: z.number().int(),
  runs: z.array(recognizerTrainingRunSchema).describe('The latest cycles, newest first'),
});
export type RecognizerTrainingResponse = z.infer<typeof recognizerTrainingResponseSchema>;

export const recognizerTrainingStartedSchema = z.object({
  started: z.literal(true),
  message: z.string(),
});

export const pipelineStatusSchema = z.object({
  worker: z.object({
    running: z.boolean(),
    workerId: z.string(),
    slots: z.number().int(),
    inFlight: z.number().int(),
    readThreads: z.number().int(),
    recognizer: z.string(),
    vision: z.object({
      configured: z.boolean(),
      reason: z.string().nullable(),
      concurrency: z.number().int(),
      breaker: z.string().nullable(),
    }),
  }),
  documents: z.record(documentStateSchema, z.number().int()),
  backlog: z.number().int().describe('Queued and processing'),
  oldestWaitingSeconds: z.number().nullable(),
  throughput: z.object({
    lastMinute: z.number().int().describe('Documents finished in the last 60 s'),
    last15MinutesPerMinute: z.number(),
  }),
  errors: z
    .array(z.object({ code: z.string(), count: z.number().int() }))
    .describe('Failed and dead documents by code'),
  deadLetters: z.array(
    z.object({
      id: z.number().int(),
      code: z.string().nullable(),
      message: z.string().nullable(),
      attempts: z.number().int(),
    }),
  ),
  ocrSpend: z.object({
    calls: z.number().int(),
    cachedCalls: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    unpricedCalls: z.number().int(),
  }),
  model: recognizerModelSchema
    .pick({ version: true, source: true, promotedAt: true, evaluation: true, learnedFromCells: true })
    .nullable()
    .describe("The recognizer model this replica reads with (the registry's active version); null before it is loaded"),
});
export type PipelineStatus = z.infer<typeof pipelineStatusSchema>;

/**
 * The window the pipeline's activity covers: from an election's first document to now, at most
 * this long (election night's last hours, as observers' and PREP sites show them)...
 */
export const PIPELINE_ACTIVITY_WINDOW_HOURS = 6;
/** ...and at least this long, so documents that all arrived at once show as a spike against a quiet past. */
export const PIPELINE_ACTIVITY_MIN_WINDOW_MINUTES = 30;

/** Bucket widths, narrowest first: the narrowest that keeps the window within MAX_BUCKETS. */
export const PIPELINE_ACTIVITY_BUCKET_MINUTES = [1, 5] as const;
export const PIPELINE_ACTIVITY_MAX_BUCKETS = 72;

export const pipelineActivityQuerySchema = z.object({
  election: electionCodeSchema,
});

export const pipelineActivityBucketSchema = z.object({
  start: isoDateTimeSchema.describe('The bucket covers [start, start + bucketMinutes)'),
  received: z.number().int().describe('Documents of the election created in the bucket'),
  read: z.number().int().describe('Documents read and stored (state done) in the bucket'),
  validated: z.number().int().describe('Of those read, the ones whose form passed every rule without review'),
  backlog: z
    .number()
    .int()
    .describe(
      'Documents received and not yet finished at the end of the bucket (now for the last one); a document read again after a retry counts as waiting from its arrival',
    ),
});

export const pipelineActivitySchema = z.object({
  election: z.string(),
  bucketMinutes: z.number().int(),
  generatedAt: isoDateTimeSchema,
  buckets: z
    .array(pipelineActivityBucketSchema)
    .describe(
      `Oldest first, from the bucket of the election's first document (at least ${PIPELINE_ACTIVITY_MIN_WINDOW_MINUTES} min, at most ${PIPELINE_ACTIVITY_WINDOW_HOURS} h back) to the current one; empty before any document`,
    ),
});
export type PipelineActivity = z.infer<typeof pipelineActivitySchema>;
