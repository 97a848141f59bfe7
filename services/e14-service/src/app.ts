import { fileURLToPath } from 'node:url';
import {
  createServiceApp,
  remoteAuth,
  type ServiceApp,
  type ServiceOptions,
  serviceOptionsFromEnv,
} from '@castor/service-kit';
import multipart from '@fastify/multipart';
import type { E14Config } from './config.js';
import { alertsRoutes } from './features/alerts/alerts.routes.js';
import { AlertsService } from './features/alerts/alerts.service.js';
import { auditRoutes } from './features/audit/audit.routes.js';
import { pipelineRoutes } from './features/documents/documents.routes.js';
import { DocumentPipeline } from './features/documents/pipeline.service.js';
import { PipelineMetrics } from './features/documents/pipeline-metrics.js';
import { electionsRoutes } from './features/elections/elections.routes.js';
import { ForensicWorker } from './features/forensics/forensic-worker.js';
import { intakeRoutes } from './features/intake/intake.routes.js';
import { IntakeService } from './features/intake/intake.service.js';
import { reconciliationRoutes } from './features/reconciliation/reconciliation.routes.js';
import { resultsRoutes } from './features/results/results.routes.js';
import { ResultsService } from './features/results/results.service.js';
import { reviewRoutes } from './features/review/review.routes.js';
import { ReviewService } from './features/review/review.service.js';
import { ReviewCrops } from './features/review/review-crops.js';
import { ReviewLeases } from './features/review/review-leases.js';
import { ReviewMetrics } from './features/review/review-metrics.js';
import { witnessesRoutes } from './features/witnesses/witnesses.routes.js';
import { ElectionCatalogs } from './shared/election-catalog.js';
import { ResultsCache } from './shared/results-cache.js';
import { WitnessAssignments } from './shared/witness-assignments.js';

export const SERVICE_NAME = 'e14-service';
export const SERVICE_VERSION = '0.1.0';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

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
  const app = await createServiceApp({
    ...serviceOptionsFromEnv(config, {
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      description:
        'E-14 records: divipol, structured intake, validation rules and forensic signals, alerts and claims packets, reconciliation, hash-chained audit, results.',
      migrationsFolder: overrides.migrationsFolder ?? MIGRATIONS_FOLDER,
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

  const catalogs = new ElectionCatalogs(app.pg);
  const resultsCache = new ResultsCache(app.store, config.CACHE_TTL_RESULTS);
  const results = new ResultsService(app.pg, catalogs, resultsCache);
  const witnesses = new WitnessAssignments(app.pg);
  const intake = new IntakeService({
    pool: app.pg,
    catalogs,
    witnesses,
    resultsCache,
    forensicsDebounceMs: config.E14_FORENSICS_DEBOUNCE_MS,
  });
  const alerts = new AlertsService(app.pg, catalogs);
  const electionCodes = new Map<number, string>();
  const forensics = new ForensicWorker(
    app.pg,
    catalogs,
    async (id) => {
      const known = electionCodes.get(id);
      if (known) return known;
      const row = await app.pg.query<{ code: string }>('SELECT code FROM elections WHERE id = $1', [id]);
      const code = row.rows[0]?.code ?? null;
      if (code) electionCodes.set(id, code);
      return code;
    },
    app.log,
  );

  await intakeRoutes(app, intake, {
    batchMaxSheets: config.E14_BATCH_MAX_SHEETS,
    batchBodyLimitBytes: config.E14_BATCH_BODY_LIMIT_MB * MB,
    rate: config.RATE_LIMIT_E14_INTAKE,
  });
  const importBodyLimitBytes = config.E14_IMPORT_BODY_LIMIT_MB * MB;
  await app.register(electionsRoutes, {
    prefix: '/api/elections',
    catalogs,
    importBodyLimitBytes,
    onDivipolImported: async (catalog) => {
      results.forgetTerritories(catalog.id);
      await resultsCache.invalidate(catalog.id, [...catalog.corporations.keys()]);
    },
  });
  await app.register(reconciliationRoutes, { prefix: '/api/elections', catalogs, resultsCache, importBodyLimitBytes });
  await app.register(witnessesRoutes, { prefix: '/api/witnesses', catalogs, witnesses });
  const pipeline = new DocumentPipeline({
    pool: app.pg,
    store: app.store,
    intake,
    catalogs,
    config,
    log: app.log,
    metrics: new PipelineMetrics(app.metrics, app.pg),
  });
  await pipelineRoutes(app, {
    pipeline,
    catalogs,
    witnesses,
    maxFileBytes: config.E14_MAX_FILE_SIZE_MB * MB,
    maxAttempts: config.E14_PIPELINE_MAX_ATTEMPTS,
    intakeRate: config.RATE_LIMIT_E14_INTAKE,
    readRate: config.RATE_LIMIT_E14_READ,
  });
  await alertsRoutes(app, alerts, config.RATE_LIMIT_E14_READ);
  await auditRoutes(app);
  await resultsRoutes(app, results, catalogs, config.RATE_LIMIT_E14_READ);
  const review = new ReviewService({
    pool: app.pg,
    catalogs,
    intake,
    leases: new ReviewLeases(app.store, config.E14_REVIEW_LEASE_SECONDS),
    metrics: new ReviewMetrics(app.metrics, app.pg),
    log: app.log,
  });
  const crops = new ReviewCrops({
    pool: app.pg,
    catalogs,
    store: app.store,
    limits: { maxFileMb: config.E14_MAX_FILE_SIZE_MB, maxPages: config.E14_OCR_MAX_PAGES },
  });
  await reviewRoutes(app, review, crops, config.RATE_LIMIT_E14_READ);
  // A reviewer version left unstored by a crash between closing and intake is stored now.
  app.addHook('onReady', async () => {
    await review.flushReviewedForms();
  });

  if (config.E14_FORENSICS_ENABLED) {
    app.addHook('onReady', async () => forensics.start(config.E14_FORENSICS_POLL_MS));
  }
  if (config.E14_PIPELINE_AUTOSTART) app.addHook('onReady', async () => pipeline.start());
  app.addHook('onClose', async () => {
    await pipeline.stop();
    await forensics.stop();
  });
  return { app, intake, results, resultsCache, forensics, catalogs, alerts, pipeline, review };
}
