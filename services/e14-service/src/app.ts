import { fileURLToPath } from 'node:url';
import {
  createServiceApp,
  remoteAuth,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import multipart from '@fastify/multipart';
import { type E14Config, sheetLimits } from './config.js';
import { AlertsRepository } from './features/alerts/alerts.repository.js';
import { alertsRoutes, claimsRoutes } from './features/alerts/alerts.routes.js';
import { AlertsService } from './features/alerts/alerts.service.js';
import { AuditRepository } from './features/audit/audit.repository.js';
import { auditRoutes } from './features/audit/audit.routes.js';
import { DocumentRetriesRepository } from './features/documents/document-retries.repository.js';
import { DocumentsRepository } from './features/documents/documents.repository.js';
import {
  documentsRoutes,
  pipelineRoutes,
  processAliasRoutes,
  queueRoutes,
} from './features/documents/documents.routes.js';
import { DocumentsService } from './features/documents/documents.service.js';
import { OcrUsageRepository } from './features/documents/ocr-usage.repository.js';
import { DocumentPipeline } from './features/documents/pipeline.service.js';
import { PipelineActivityRepository } from './features/documents/pipeline-activity.repository.js';
import { PipelineMetrics } from './features/documents/pipeline-metrics.js';
import { ElectionsRepository } from './features/elections/elections.repository.js';
import { electionsRoutes } from './features/elections/elections.routes.js';
import { ElectionsService } from './features/elections/elections.service.js';
import { ForensicWorker } from './features/forensics/forensic-worker.js';
import { ForensicsRepository } from './features/forensics/forensics.repository.js';
import { forensicsRoutes } from './features/forensics/forensics.routes.js';
import { ForensicsService } from './features/forensics/forensics.service.js';
import { IntakeRepository } from './features/intake/intake.repository.js';
import { intakeRoutes } from './features/intake/intake.routes.js';
import { IntakeService } from './features/intake/intake.service.js';
import { ActiveModel } from './features/models/active-model.js';
import { bundledModel } from './features/models/bundled-model.js';
import { ModelsRepository } from './features/models/models.repository.js';
import { modelsRoutes } from './features/models/models.routes.js';
import { ModelMetrics, ModelsService } from './features/models/models.service.js';
import { TrainingRepository } from './features/models/training.repository.js';
import { GATE_SYNTHETIC_CELLS, TrainingService } from './features/models/training.service.js';
import { ReconciliationRepository } from './features/reconciliation/reconciliation.repository.js';
import { reconciliationRoutes } from './features/reconciliation/reconciliation.routes.js';
import { ReconciliationService } from './features/reconciliation/reconciliation.service.js';
import { ResultsRepository } from './features/results/results.repository.js';
import { resultsRoutes } from './features/results/results.routes.js';
import { ResultsService } from './features/results/results.service.js';
import { ReviewRepository } from './features/review/review.repository.js';
import { formPageRoutes, reviewRoutes } from './features/review/review.routes.js';
import { ReviewService } from './features/review/review.service.js';
import { ReviewCrops } from './features/review/review-crops.js';
import { ReviewCropsRepository } from './features/review/review-crops.repository.js';
import { ReviewLeases } from './features/review/review-leases.js';
import { ReviewMetrics } from './features/review/review-metrics.js';
import { ReviewSkips } from './features/review/review-skips.js';
import { witnessesRoutes } from './features/witnesses/witnesses.routes.js';
import { AuditHeadSigner } from './shared/audit-head.js';
import { ElectionCatalogs } from './shared/election-catalog.js';
import type { FormIntake } from './shared/form-intake.js';
import { ResultsCache } from './shared/results-cache.js';
import { SheetThreads } from './shared/sheet-threads/sheet-threads.js';
import { WitnessAssignments } from './shared/witness-assignments.js';

export const SERVICE_NAME = 'e14-service';
export const SERVICE_VERSION = '0.1.0';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));
/** The audit log is only ever read and appended to: the runtime role gets no UPDATE, DELETE or TRUNCATE on it. */
export const APPEND_ONLY_TABLES = ['audit_log'];

const MB = 1_048_576;

export interface E14App {
  app: ServiceApp;
  intake: IntakeService;
  results: ResultsService;
  resultsCache: ResultsCache;
  forensics: ForensicWorker;
  catalogs: ElectionCatalogs;
  alerts: AlertsService;
  pipeline: DocumentPipeline;
  review: ReviewService;
  models: ModelsService;
  activeModel: ActiveModel;
  training: TrainingService;
}

/** The parts several features share, built once. */
interface Kernel {
  catalogs: ElectionCatalogs;
  resultsCache: ResultsCache;
  witnesses: WitnessAssignments;
  /** The threads that check received files: an upload never waits behind the pipeline's readings. */
  checkThreads: SheetThreads;
  /** The threads that read and crop files (the pipeline, review): their number bounds decoding's memory. */
  readThreads: SheetThreads;
}

/**
 * Builds e14-service: the service kit (tokens verified locally with core's JWKS) plus divipol
 * import, structured intake with the rule engine, reconciliation, alerts and claims packets,
 * the hash-chained audit log, results, and the background forensic signals.
 */
export async function buildE14App(
  config: E14Config,
  overrides: Pick<ServiceOptions, 'logger'> & { migrationsFolder?: string } = {},
): Promise<E14App> {
  const app = await createE14Server(config, overrides);
  const kernel: Kernel = {
    catalogs: new ElectionCatalogs(app.pg),
    resultsCache: new ResultsCache(app.store, config.CACHE_TTL_RESULTS),
    witnesses: new WitnessAssignments(app.pg),
    checkThreads: fileThreads(config, config.E14_SHEET_CHECK_THREADS),
    readThreads: fileThreads(config, config.E14_PIPELINE_READ_THREADS),
  };
  // A divipol import re-reads the documents that failed for what it did not know yet; the documents
  // feature is built after the records it stores through, and no import runs before the app is ready.
  const records = await registerRecords(app, config, kernel, (electionCode) =>
    documents.requeueAfterDivipolImport(electionCode),
  );
  // Before the pipeline's workers start (onReady hooks run in order), the read threads have the active model.
  const models = await registerModels(app, config, kernel);
  const { activeModel } = models;
  const { pipeline, documents } = await registerDocuments(app, config, kernel, records.intake, activeModel);
  const { review, crops } = await registerReview(app, config, kernel, records.intake);
  const training = await registerTraining(app, config, { review, crops }, models);
  if (config.E14_FORENSICS_ENABLED) {
    app.addHook('onReady', async () => records.forensics.start(config.E14_FORENSICS_POLL_MS));
  }
  if (config.E14_PIPELINE_AUTOSTART) app.addHook('onReady', async () => pipeline.start());
  app.addHook('onClose', async () => {
    activeModel.stop();
    await training.stop();
    await pipeline.stop();
    await records.forensics.stop();
    await Promise.all([kernel.checkThreads.close(), kernel.readThreads.close()]);
  });
  return { app, ...records, ...kernel, pipeline, review, models: models.models, activeModel, training };
}

/** `size` worker threads for untrusted files, under the configured deadlines and heap limit. */
function fileThreads(config: E14Config, size: number): SheetThreads {
  return new SheetThreads({
    size,
    timeoutMs: { inspect: config.E14_SHEET_CHECK_TIMEOUT_MS, read: config.E14_SHEET_READ_TIMEOUT_MS },
    heapMb: config.E14_SHEET_THREAD_HEAP_MB,
    maxJobsPerThread: config.E14_SHEET_THREAD_MAX_JOBS,
    maxWaitingChecks: config.E14_SHEET_CHECKS_WAITING,
    idleMs: config.E14_SHEET_THREAD_IDLE_MS,
  });
}

async function createE14Server(
  config: E14Config,
  overrides: Pick<ServiceOptions, 'logger'> & { migrationsFolder?: string },
): Promise<ServiceApp> {
  const app = await createServiceApp({
    ...serviceOptionsFromEnv(config, {
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      description:
        'E-14 records: divipol, structured intake, validation rules and forensic signals, alerts and claims packets, reconciliation, hash-chained audit, results.',
      migrationsFolder: overrides.migrationsFolder ?? MIGRATIONS_FOLDER,
      appendOnlyTables: APPEND_ONLY_TABLES,
    }),
    ...(overrides.logger === undefined ? {} : { logger: overrides.logger }),
    auth: remoteAuth(config),
  });
  await app.register(multipart, { limits: { fileSize: config.E14_IMPORT_BODY_LIMIT_MB * MB, files: 4 } });
  app.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string', bodyLimit: config.E14_IMPORT_BODY_LIMIT_MB * MB },
    (_request, body, done) => done(null, body),
  );
  return app;
}

/**
 * The structured records: intake, elections and their divipol, official feeds, witnesses,
 * results, forensic signals, alerts with claims, and the audit chain. A divipol import makes
 * results forget that election's territories and cached answers.
 */
async function registerRecords(
  app: ServiceApp,
  config: E14Config,
  kernel: Kernel,
  requeueDocuments: (electionCode: string) => Promise<number>,
) {
  const { catalogs, resultsCache, witnesses } = kernel;
  const readRate = config.RATE_LIMIT_E14_READ;
  const importBodyLimitBytes = config.E14_IMPORT_BODY_LIMIT_MB * MB;
  const results = new ResultsService({ repository: new ResultsRepository(app.pg), catalogs, cache: resultsCache });
  const intake = new IntakeService({
    repository: new IntakeRepository(app.pg),
    catalogs,
    witnesses,
    resultsCache,
    forensicsDebounceMs: config.E14_FORENSICS_DEBOUNCE_MS,
  });
  const alerts = new AlertsService(app.pg, catalogs, new AlertsRepository(app.pg));
  const forensicsRepository = new ForensicsRepository(app.pg);
  const forensics = new ForensicWorker({ pool: app.pg, repository: forensicsRepository, catalogs, log: app.log });
  const elections = new ElectionsService({
    repository: new ElectionsRepository(app.pg),
    catalogs,
    onDivipolImported: async (catalog) => {
      results.forgetTerritories(catalog.id);
      await resultsCache.invalidate(catalog.id, [...catalog.corporations.keys()]);
      await requeueDocuments(catalog.code);
    },
  });
  await app.register(intakeRoutes, {
    prefix: '/api/e14',
    intake,
    batchMaxSheets: config.E14_BATCH_MAX_SHEETS,
    batchBodyLimitBytes: config.E14_BATCH_BODY_LIMIT_MB * MB,
    rate: config.RATE_LIMIT_E14_INTAKE,
  });
  await app.register(electionsRoutes, { prefix: '/api/elections', elections, importBodyLimitBytes });
  await app.register(reconciliationRoutes, {
    prefix: '/api/elections',
    catalogs,
    resultsCache,
    reconciliation: new ReconciliationService(new ReconciliationRepository(app.pg)),
    importBodyLimitBytes,
  });
  await app.register(witnessesRoutes, { prefix: '/api/witnesses', catalogs, witnesses });
  await app.register(alertsRoutes, { prefix: '/api/alerts', alerts, rate: readRate });
  await app.register(claimsRoutes, { prefix: '/api/claims', alerts, rate: readRate });
  await app.register(auditRoutes, {
    prefix: '/api/audit',
    repository: new AuditRepository(app.pg),
    signer: new AuditHeadSigner(config.E14_AUDIT_SIGNING_KEY),
  });
  await app.register(resultsRoutes, { prefix: '/api/results', results, rate: readRate });
  await app.register(forensicsRoutes, {
    prefix: '/api/forensics',
    forensics: new ForensicsService({ repository: forensicsRepository, catalogs }),
    rate: readRate,
  });
  return { intake, results, alerts, forensics };
}

/**
 * The local recognizer's model registry: the committed model registered at the first start, the
 * active version followed (polled) and handed to the read threads, listing and rollback.
 */
async function registerModels(app: ServiceApp, config: E14Config, kernel: Kernel) {
  const repository = new ModelsRepository(app.pg);
  const activeModel = new ActiveModel({
    repository,
    use: (model) => kernel.readThreads.useModel(model),
    pollMs: config.E14_MODEL_POLL_MS,
    log: app.log,
  });
  const metrics = new ModelMetrics(app.metrics);
  const models = new ModelsService({ repository, metrics, onActiveChanged: () => activeModel.refresh() });
  app.addHook('onReady', async () => {
    try {
      if (await models.registerBundled(await bundledModel())) app.log.info('bundled recognizer model registered');
    } catch (error) {
      // Without a committed model file the service still reads headers and sends every cell to review.
      app.log.error({ err: error }, 'the bundled recognizer model could not be registered');
    }
    await activeModel.refresh();
    activeModel.start();
  });
  return { models, activeModel, repository, metrics };
}

/**
 * Continuous training of the recognizer from the review desk's agreed values, and the registry's
 * routes (versions, rollback, training), registered once both exist.
 */
async function registerTraining(
  app: ServiceApp,
  config: E14Config,
  desk: { review: ReviewService; crops: ReviewCrops },
  registry: Awaited<ReturnType<typeof registerModels>>,
) {
  const training = new TrainingService({
    repository: new TrainingRepository(app.pg),
    models: registry.repository,
    desk: {
      reviewedCells: (afterTaskId, limit) => desk.crops.reviewedCells(afterTaskId, limit),
      rereadableCells: (limit) => desk.crops.rereadableCells(limit),
      closeFormByModel: (formId, readings, version) => desk.review.closeFormByModel(formId, readings, version),
    },
    metrics: registry.metrics,
    onActiveChanged: () => registry.activeModel.refresh(),
    settings: {
      enabled: config.E14_TRAINING_ENABLED,
      minNewLabels: config.E14_TRAINING_MIN_NEW_LABELS,
      minIntervalMs: config.E14_TRAINING_MIN_INTERVAL_MINUTES * 60_000,
      checkMs: config.E14_TRAINING_CHECK_MS,
      minHeldBack: config.E14_TRAINING_MIN_HELD_BACK,
      maxCells: config.E14_TRAINING_MAX_CELLS,
      rereadMax: config.E14_TRAINING_REREAD_MAX,
      threadHeapMb: config.E14_TRAINING_THREAD_HEAP_MB,
      syntheticCells: GATE_SYNTHETIC_CELLS,
      rehearsalCells: config.E14_TRAINING_REHEARSAL_CELLS,
    },
    log: app.log,
  });
  await app.register(modelsRoutes, {
    prefix: '/api/pipeline',
    models: registry.models,
    training,
    readRate: config.RATE_LIMIT_E14_READ,
    writeRate: config.RATE_LIMIT_E14_INTAKE,
  });
  app.addHook('onReady', async () => training.start());
  return training;
}

/** The scanned-document pipeline: uploads, the Registraduría queue, workers; it stores through intake. */
async function registerDocuments(
  app: ServiceApp,
  config: E14Config,
  kernel: Kernel,
  intake: FormIntake,
  activeModel: Pick<ActiveModel, 'inUse'>,
) {
  const { catalogs, witnesses } = kernel;
  const documents = new DocumentsRepository(app.pg);
  const pipeline = new DocumentPipeline({
    documents,
    ocrUsage: new OcrUsageRepository(app.pg),
    store: app.store,
    intake,
    catalogs,
    config,
    log: app.log,
    metrics: new PipelineMetrics(app.metrics, documents),
    checkThreads: kernel.checkThreads,
    readThreads: kernel.readThreads,
    modelInUse: () => activeModel.inUse,
  });
  const documentsService = new DocumentsService({
    documents,
    retries: new DocumentRetriesRepository(app.pg),
    activity: new PipelineActivityRepository(app.pg),
    pipeline,
    catalogs,
    witnesses,
    maxAttempts: config.E14_PIPELINE_MAX_ATTEMPTS,
  });
  const documentsOptions = {
    documents: documentsService,
    maxFileBytes: config.E14_MAX_FILE_SIZE_MB * MB,
    intakeRate: config.RATE_LIMIT_E14_INTAKE,
    readRate: config.RATE_LIMIT_E14_READ,
  };
  await app.register(documentsRoutes, { prefix: '/api/e14/documents', ...documentsOptions });
  await app.register(processAliasRoutes, { prefix: '/api/e14/process', ...documentsOptions });
  await app.register(queueRoutes, { prefix: '/api/queue', ...documentsOptions });
  await app.register(pipelineRoutes, { prefix: '/api/pipeline', ...documentsOptions });
  return { pipeline, documents: documentsService };
}

/** The review desk; a closed form is stored as a reviewer version through intake. */
async function registerReview(app: ServiceApp, config: E14Config, kernel: Kernel, intake: FormIntake) {
  const reviewRepository = new ReviewRepository(app.pg);
  const crops = new ReviewCrops({
    repository: new ReviewCropsRepository(app.pg),
    catalogs: kernel.catalogs,
    store: app.store,
    limits: sheetLimits(config),
    threads: kernel.readThreads,
  });
  const review = new ReviewService({
    repository: reviewRepository,
    catalogs: kernel.catalogs,
    printedLabels: crops,
    intake,
    leases: new ReviewLeases(app.store, config.E14_REVIEW_LEASE_SECONDS),
    skips: new ReviewSkips(app.store, config.E14_REVIEW_SKIP_SECONDS),
    metrics: new ReviewMetrics(app.metrics, reviewRepository),
    log: app.log,
  });
  await app.register(reviewRoutes, { prefix: '/api/review', review, crops, rate: config.RATE_LIMIT_E14_READ });
  await app.register(formPageRoutes, { prefix: '/api/e14/forms', crops, rate: config.RATE_LIMIT_E14_READ });
  // A reviewer version left unstored by a crash between closing and intake is stored now.
  app.addHook('onReady', async () => {
    await review.flushReviewedForms();
  });
  return { review, crops };
}
