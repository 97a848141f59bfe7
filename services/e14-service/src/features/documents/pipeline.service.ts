import { randomUUID } from 'node:crypto';
import {
  type AnthropicReaderSetup,
  anthropicReaderConfigFromEnv,
  ClaudeE14Reader,
  type E14Reading,
  PricingTable,
  ResponseCache,
  UsageLedger,
} from '@castor/ai-providers';
import { isProviderError } from '@castor/resilience';
import {
  BARCODE_CORPORATION_DIGIT,
  type Copy,
  type Corporation,
  type DocumentReading,
  type E14SubmissionV2,
  type MesaRef,
  mesaKey,
  type PipelineStatus,
  parseMesaKey,
} from '@castor/contracts';
import {
  type InspectedDocument,
  type IntakeLimitsInput,
  inspectDocument,
  isSheetError,
  LOCAL_READER,
  mesaFromHeader,
  type SheetReading,
  type SheetTemplate,
  sheetToSubmission,
} from '@castor/e14-sheets';
import { KeyValueValidatorStore, RegistraduriaClient } from '@castor/registraduria';
import { AppError, type KeyValueStore } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { E14Config } from '../../config.js';
import {
  flagFailedRules,
  fuseReadings,
  mapSubmissionFields,
  reviewReasonOf,
  submissionFieldPaths,
} from '../../domain/fusion.js';
import type { Actor } from '../../shared/actor.js';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import type { FormIntake } from '../../shared/form-intake.js';
import { TemplateResolver } from '../../shared/sheet-templates.js';
import { type DocumentJob, DocumentStore } from './document-store.js';
import type { PipelineMetrics } from './pipeline-metrics.js';
import { ReadPool } from './read-pool.js';

/** Who stores what the pipeline read: the audit log names the pipeline, the document its sender. */
const PIPELINE_ACTOR: Actor = { sub: 'e14-pipeline', role: 'admin' };

/** A job failure: `retry` false = the document itself is at fault (a new attempt would fail the same way). */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retry: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** A counting semaphore: bounds the jobs inside one stage (or one provider) at a time. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly size: number) {}
  get inUse() {
    return this.active;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export interface PipelineDeps {
  pool: pg.Pool;
  store: KeyValueStore;
  intake: FormIntake;
  catalogs: ElectionCatalogs;
  config: E14Config;
  log: FastifyBaseLogger;
  metrics: PipelineMetrics;
}

/**
 * The E-14 document pipeline: durable jobs in `e14_documents`, claimed by priority with SKIP
 * LOCKED and leased (a replica that dies loses its leases, another takes the jobs), bounded
 * concurrency per stage (read threads, vision provider, intake) and retries with backoff. Each
 * job: file (stored, or downloaded from the Registraduría) → local reading in the thread pool →
 * optional Claude Vision second opinion → fusion → the fused submission is saved on the job,
 * then stored through IntakeService. A retried job submits the saved submission again, and
 * intake is idempotent by content hash, so a mesa is never recorded twice.
 */
export class DocumentPipeline {
  readonly documents: DocumentStore;
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly templates = new TemplateResolver();
  private readonly limits: IntakeLimitsInput;
  private readonly vision: ClaudeE14Reader | null;
  readonly visionSetup: AnthropicReaderSetup;
  private readonly visionLimiter: Limiter;
  private readonly intakeLimiter: Limiter;
  private readPool: ReadPool | null = null;
  private registraduria: RegistraduriaClient | null = null;
  private readonly inFlight = new Map<number, AbortController>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly deps: PipelineDeps) {
    const { config } = deps;
    this.documents = new DocumentStore(deps.pool);
    this.limits = { maxFileMb: config.E14_MAX_FILE_SIZE_MB, maxPages: config.E14_OCR_MAX_PAGES };
    this.visionLimiter = new Limiter(config.E14_PIPELINE_VISION_CONCURRENCY);
    this.intakeLimiter = new Limiter(config.E14_PIPELINE_INTAKE_CONCURRENCY);
    this.visionSetup = anthropicReaderConfigFromEnv(config as unknown as NodeJS.ProcessEnv);
    this.vision = this.visionSetup.configured ? this.createVision(this.visionSetup.config) : null;
  }

  private createVision(config: Extract<AnthropicReaderSetup, { configured: true }>['config']): ClaudeE14Reader {
    const { pool, metrics, log } = this.deps;
    const ledger = new UsageLedger(new PricingTable(config.prices), (record) => {
      const provider = record.provider;
      metrics.providerCalls.inc({ provider, outcome: record.cached ? 'cached' : record.outcome });
      metrics.providerTokens.inc({ provider, kind: 'input' }, record.usage.inputTokens);
      metrics.providerTokens.inc({ provider, kind: 'output' }, record.usage.outputTokens);
      if (record.costUsd) metrics.providerCostUsd.inc({ provider, model: record.model }, record.costUsd);
      pool
        .query(
          `INSERT INTO ocr_usage (at, provider, model, subject, input_tokens, output_tokens, cost_usd, cached, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            record.at,
            provider,
            record.model,
            record.subject ?? null,
            record.usage.inputTokens,
            record.usage.outputTokens,
            record.costUsd,
            record.cached,
            record.outcome,
          ],
        )
        .catch((error: unknown) => log.error({ err: error }, 'could not record OCR usage'));
    });
    return new ClaudeE14Reader({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      model: config.model,
      toolChoice: config.toolChoice,
      maxTokens: config.maxTokens,
      resilience: {
        attemptTimeoutMs: config.attemptTimeoutMs,
        maxAttempts: config.maxAttempts,
        onBreakerStateChange: (event) => log.warn({ provider: event.provider, state: event.state }, 'vision breaker'),
      },
      cache: new ResponseCache(this.deps.store, { keyPrefix: 'ai:e14:', ttlSeconds: config.cacheTtlSeconds }),
      ledger,
    });
  }

  /** The Registraduría client, when its base URL is configured. */
  site(): RegistraduriaClient | null {
    const { config, store } = this.deps;
    if (!config.E14_REGISTRADURIA_BASE_URL) return null;
    this.registraduria ??= new RegistraduriaClient({
      baseUrl: config.E14_REGISTRADURIA_BASE_URL,
      election: config.E14_REGISTRADURIA_ELECTION,
      concurrency: config.E14_REGISTRADURIA_CONCURRENCY,
      requestsPerSecond: config.E14_REGISTRADURIA_RPS,
      indexMaxAgeMs: config.E14_REGISTRADURIA_RECHECK_MS,
      maxFileBytes: config.E14_MAX_FILE_SIZE_MB * 1_048_576,
      validators: new KeyValueValidatorStore(store),
    });
    return this.registraduria;
  }

  /** Intake checks of a received file (cheap: bytes, structure, declared sizes); throws SheetError. */
  inspect(bytes: Uint8Array): Promise<InspectedDocument> {
    return inspectDocument(bytes, this.limits);
  }

  get isRunning() {
    return this.running;
  }

  /** Starts this replica's workers (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const threads = this.deps.config.E14_PIPELINE_READ_THREADS;
    this.readPool ??= threads > 0 ? new ReadPool(threads) : new ReadPool();
    const leaseMs = this.deps.config.E14_PIPELINE_LEASE_MS;
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(200, Math.floor(leaseMs / 3)));
    this.heartbeat.unref();
    this.loop = this.run();
  }

  /** A new job may be due: look now instead of at the next poll. */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const controller of this.inFlight.values()) controller.abort();
    await this.loop;
    this.loop = null;
    // Jobs interrupted by the stop go back to the queue at once instead of waiting out their lease.
    await this.documents
      .release(this.workerId)
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'could not release pipeline jobs'));
    await this.readPool?.close();
    this.readPool = null;
    this.registraduria?.close();
    this.registraduria = null;
  }

  private async renewLeases() {
    const ids = [...this.inFlight.keys()];
    if (ids.length === 0) return;
    try {
      const held = await this.documents.renew(this.workerId, ids, this.deps.config.E14_PIPELINE_LEASE_MS);
      // A lease lost (this replica stalled past it): another worker owns the job now.
      for (const id of ids) if (!held.has(id)) this.inFlight.get(id)?.abort();
    } catch (error) {
      this.deps.log.warn({ err: error }, 'could not renew pipeline leases');
    }
  }

  private async run(): Promise<void> {
    const { config, log } = this.deps;
    const active = new Set<Promise<void>>();
    while (this.running) {
      const free = config.E14_PIPELINE_SLOTS - active.size;
      let claimed: DocumentJob[] = [];
      if (free > 0) {
        try {
          claimed = await this.documents.claim(this.workerId, free, config.E14_PIPELINE_LEASE_MS);
        } catch (error) {
          log.error({ err: error }, 'could not claim pipeline jobs');
        }
      }
      for (const job of claimed) {
        const task = this.process(job).finally(() => {
          active.delete(task);
          this.poke();
        });
        active.add(task);
      }
      if (claimed.length === 0 || active.size >= config.E14_PIPELINE_SLOTS) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, config.E14_PIPELINE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
    await Promise.allSettled(active);
  }

  private backoffMs(attempt: number, retryAfterMs: number | null): number {
    const base = this.deps.config.E14_PIPELINE_RETRY_BASE_MS;
    const exponential = base * 2 ** Math.min(6, Math.max(0, attempt - 1));
    return Math.max(retryAfterMs ?? 0, Math.round(exponential * (0.5 + Math.random() * 0.5)));
  }

  private async timed<T>(stage: string, task: () => Promise<T>): Promise<T> {
    const end = this.deps.metrics.stageSeconds.startTimer({ stage });
    try {
      return await task();
    } finally {
      end();
    }
  }

  private async process(job: DocumentJob): Promise<void> {
    const { metrics, log } = this.deps;
    const controller = new AbortController();
    this.inFlight.set(job.id, controller);
    try {
      const submission = job.submission ?? (await this.read(job, controller.signal));
      if (controller.signal.aborted) throw new JobError('LEASE_LOST', 'Another worker took this job', true);
      const outcome = await this.timed('intake', () =>
        this.intakeLimiter.run(() => this.deps.intake.submit([submission], PIPELINE_ACTOR)),
      );
      const [item] = outcome;
      if (!item) throw new Error('intake returned no outcome');
      if (!item.ok) {
        throw new JobError(item.error.code, item.error.message, item.status >= 500);
      }
      const created = await this.documents.finish(this.workerId, job.id, {
        formId: item.result.formId,
        intakeOutcome: item.result.outcome,
      });
      metrics.jobs.inc({ outcome: item.result.outcome });
      if (created) metrics.documentSeconds.observe({ outcome: 'stored' }, (Date.now() - created.getTime()) / 1000);
    } catch (error) {
      const failure =
        error instanceof JobError
          ? error
          : isSheetError(error)
            ? new JobError(error.code, error.message, false)
            : new JobError('INTERNAL_ERROR', (error as Error).message ?? String(error), true);
      if (failure.code !== 'LEASE_LOST') {
        const state = await this.documents
          .fail(
            this.workerId,
            job,
            { code: failure.code, message: failure.message },
            failure.retry ? this.backoffMs(job.attempts, failure.retryAfterMs) : null,
          )
          .catch((writeError: unknown) => {
            log.error({ err: writeError, documentId: job.id }, 'could not record a failed pipeline job');
            return null;
          });
        if (state) {
          metrics.jobs.inc({ outcome: state === 'queued' ? 'retried' : state });
          if (state !== 'queued') {
            metrics.documentSeconds.observe({ outcome: state }, (Date.now() - job.createdAt.getTime()) / 1000);
          }
        }
        if (failure.code === 'INTERNAL_ERROR') log.error({ err: error, documentId: job.id }, 'pipeline job failed');
      }
    } finally {
      this.inFlight.delete(job.id);
    }
  }

  private async bytesOf(job: DocumentJob, signal: AbortSignal): Promise<Uint8Array> {
    if (job.sha256) {
      const stored = await this.documents.file(job.sha256);
      if (stored) return stored;
    }
    if (job.kind !== 'registraduria' || !job.mesaKey) {
      throw new JobError('FILE_MISSING', 'The file of this document is not stored', false);
    }
    const site = this.site();
    if (!site) throw new JobError('REGISTRADURIA_NOT_CONFIGURED', 'E14_REGISTRADURIA_BASE_URL is not set', true);
    const result = await this.timed('fetch', () => site.fetchMesa(parseMesaKey(job.mesaKey as string), { signal }));
    // The site publishes mesa by mesa through the night: what is not there yet is looked for again later.
    const recheckMs = this.deps.config.E14_REGISTRADURIA_RECHECK_MS;
    if (!result) {
      throw new JobError('MESA_NOT_IN_INDEX', `Mesa ${job.mesaKey} is not in the site's index yet`, true, recheckMs);
    }
    const { outcome } = result;
    switch (outcome.kind) {
      case 'pdf': {
        await this.documents.saveFile(outcome.sha256, 'application/pdf', outcome.bytes);
        await this.documents.progress(this.workerId, job.id, { stage: 'fetched', sha256: outcome.sha256 });
        return new Uint8Array(outcome.bytes.buffer, outcome.bytes.byteOffset, outcome.bytes.byteLength);
      }
      case 'unchanged': {
        const stored = await this.documents.file(outcome.sha256);
        if (stored) return stored;
        // Remembered by another replica's validators but never stored here: download it again.
        const forced = await site.fetchMesa(parseMesaKey(job.mesaKey), { signal, force: true });
        if (forced?.outcome.kind !== 'pdf') throw new JobError('E14_FETCH_FAILED', 'Re-download failed', true);
        await this.documents.saveFile(forced.outcome.sha256, 'application/pdf', forced.outcome.bytes);
        return new Uint8Array(forced.outcome.bytes);
      }
      case 'missing':
        throw new JobError(
          'E14_NOT_PUBLISHED',
          `No E-14 published for mesa ${job.mesaKey} yet (${outcome.reason})`,
          true,
          recheckMs,
        );
      case 'too-large':
        throw new JobError('FILE_TOO_LARGE', `The published file is over ${outcome.limitBytes} bytes`, false);
      default:
        throw new JobError(outcome.code, outcome.message, true, outcome.retryAfterMs);
    }
  }

  private async readOnPool(
    bytes: Uint8Array,
    templates: SheetTemplate[],
    mode: 'header' | 'full',
    pageImages: boolean,
  ) {
    const pool = this.readPool;
    if (!pool) throw new JobError('PIPELINE_STOPPED', 'The pipeline is stopping', true);
    const result = await pool.read({ bytes, templates, limits: this.limits, mode, pageImages });
    if (!result.ok) throw new JobError(result.error.code, result.error.message, !result.error.sheet);
    return result;
  }

  /** Which mesa, corporation and copy: what the sender said, else what the sheet prints. */
  private async identify(
    job: DocumentJob,
    bytes: Uint8Array,
    catalog: ElectionCatalog,
  ): Promise<{ mesa: MesaRef; corporation: Corporation; copy: Copy | undefined }> {
    let mesa = job.mesaKey ? parseMesaKey(job.mesaKey) : undefined;
    let corporation = job.corporation ?? undefined;
    let copy = job.copy ?? undefined;
    if (!mesa || !corporation) {
      const { reading } = await this.readOnPool(bytes, [this.templates.headerTemplate()], 'header', false);
      if (!mesa) {
        const header = mesaFromHeader(reading.header);
        if (!header.success)
          throw new JobError('HEADER_UNREAD', 'The mesa codes could not be read; send the mesa', false);
        mesa = header.data;
      }
      const barcode = reading.pages.find((page) => page.barcode?.parsed)?.barcode?.parsed;
      copy ??= barcode?.copy ?? undefined;
      if (!corporation) {
        const digit = barcode?.corporationDigit;
        const matching = [...catalog.corporations.keys()].filter((c) => BARCODE_CORPORATION_DIGIT[c] === digit);
        if (matching.length !== 1) {
          throw new JobError(
            'CORPORATION_UNKNOWN',
            `The barcode does not tell the corporation among ${[...catalog.corporations.keys()].join(', ')}; send it`,
            false,
          );
        }
        corporation = matching[0] as Corporation;
      }
    }
    return { mesa, corporation, copy };
  }

  private async secondOpinion(
    job: DocumentJob,
    pageImages: Array<{ page: number; bytes: Uint8Array }>,
    catalog: ElectionCatalog,
    corporation: Corporation,
    mesa: MesaRef,
    documentHash: string,
    signal: AbortSignal,
  ): Promise<{ reading: E14Reading | null; flag: string | null }> {
    const vision = this.vision;
    if (!vision) return { reading: null, flag: null };
    try {
      const reading = await this.timed('vision', () =>
        this.visionLimiter.run(() =>
          vision.read(
            {
              images: pageImages.map((image) => ({
                bytes: image.bytes,
                mediaType: 'image/png' as const,
                page: image.page,
              })),
              hints: {
                corporation,
                ballots: catalog.optionsFor(corporation, mesa.departamento, mesa.municipio).map((option) => ({
                  ballotNumber: option.ballotNumber,
                  ...(option.candidateNumber === null ? {} : { candidateNumber: option.candidateNumber }),
                  name: option.name,
                })),
              },
              documentHash,
            },
            { signal },
          ),
        ),
      );
      return { reading, flag: null };
    } catch (error) {
      if (signal.aborted) throw new JobError('LEASE_LOST', 'Another worker took this job', true);
      // The provider failing never holds a sheet back: the local reading goes on alone, flagged.
      const code = isProviderError(error) ? error.code : 'PROVIDER_FAILED';
      this.deps.metrics.providerCalls.inc({ provider: 'anthropic', outcome: 'fallback' });
      this.deps.log.warn({ documentId: job.id, code }, 'vision reading failed; local reading only');
      return { reading: null, flag: `vision_failed:${code}` };
    }
  }

  /**
   * A value read above the mesa's habilitados is a misreading far more often than a sheet that
   * says so (a 7 read as 700), and intake refuses it: such a cell becomes illegible, its readings
   * kept, so the sheet is stored and a person reads the cell. A sum over habilitados marks the
   * largest vote row. Other refusals (unknown mesa, ballot) are left to intake to report.
   */
  private async withoutImplausibleValues(
    input: E14SubmissionV2,
  ): Promise<{ submission: E14SubmissionV2; implausible: Set<string> }> {
    const implausible = new Set<string>();
    let submission = input;
    for (let round = 0; round < 5; round++) {
      const error = await this.deps.intake.validate(submission, PIPELINE_ACTOR).then(
        () => null,
        (failure: unknown) => failure,
      );
      if (!(error instanceof AppError) || error.code !== 'SUM_OVER_HABILITADOS') break;
      const details = error.details as { field?: string };
      let target = details.field;
      if (!target?.startsWith('nivelacion.')) {
        const votes = submissionFieldPaths(submission).filter(
          ({ path, field }) =>
            !path.startsWith('nivelacion.') &&
            !path.startsWith('listTotals.') &&
            path !== 'sumaTotal' &&
            field.state === 'read',
        );
        target = votes.sort((a, b) => (b.field.value ?? 0) - (a.field.value ?? 0))[0]?.path;
      }
      if (!target || implausible.has(target)) break;
      implausible.add(target);
      const path = target;
      submission = mapSubmissionFields(submission, (fieldPath, field) =>
        fieldPath === path ? { ...field, state: 'illegible', value: null, confidence: 0 } : field,
      );
    }
    return { submission, implausible };
  }

  private async read(job: DocumentJob, signal: AbortSignal): Promise<E14SubmissionV2> {
    const catalog = await this.deps.catalogs.get(job.electionCode);
    if (!catalog) throw new JobError('ELECTION_UNKNOWN', `No election ${job.electionCode} has been imported`, false);
    const bytes = await this.bytesOf(job, signal);
    const { mesa, corporation, copy } = await this.identify(job, bytes, catalog);
    const template = this.templates.forMesa(catalog, corporation, mesa);
    if (!template) {
      throw new JobError(
        'BALLOT_UNKNOWN',
        `No ${corporation} ballot for mesa ${mesaKey(mesa)} in the divipol of ${catalog.code}`,
        false,
      );
    }
    const started = performance.now();
    const local = await this.timed('read', () => this.readOnPool(bytes, [template], 'full', this.vision !== null));
    const readMs = performance.now() - started;
    const sheet: SheetReading = local.reading;
    const { submission: localSubmission, confirmed } = sheetToSubmission(sheet, {
      electionCode: catalog.code,
      mesa,
      corporation,
      ...(copy ? { copy } : {}),
      sourceRef: `e14-document:${job.id}`,
      // A testigo's photo of their copy is a witness source, not the Registraduría's scan.
      source: job.submittedBy.startsWith('witness:') ? 'witness' : 'ocr',
    });
    const threshold = catalog.corporations.get(corporation)?.rules.params.confidenceThreshold ?? 0.7;
    const opinion = await this.secondOpinion(
      job,
      local.pageImages ?? [],
      catalog,
      corporation,
      mesa,
      sheet.documentHash,
      signal,
    );
    const fused = fuseReadings(
      localSubmission,
      local.recognizer.startsWith('none') ? `${LOCAL_READER}:no-model` : `${LOCAL_READER}:${local.recognizer}`,
      opinion.reading ? { provider: opinion.reading.reader.id, fields: opinion.reading.fields } : null,
      threshold,
    );
    const { submission: plausible, implausible } = await this.withoutImplausibleValues(fused.submission);
    // Rules run before storing so the cells of a sheet that does not add up go to a person too.
    const checked = await this.deps.intake.validate(plausible, PIPELINE_ACTOR).catch(() => null);
    // A value the second provider changed is no longer the one the sheet's sums confirmed.
    const stillConfirmed = new Set([...confirmed].filter((path) => !fused.disagreements.has(path)));
    const { submission, flagged } = flagFailedRules(
      plausible,
      checked?.validation.findings ?? [],
      threshold,
      stillConfirmed,
    );
    for (const path of implausible) flagged.add(path);
    const fields = submissionFieldPaths(submission).map(({ path, field }) => ({
      path,
      state: field.state,
      value: field.value,
      confidence: field.confidence,
      overwritten: field.overwritten,
      readings: field.readings ?? [],
      review: reviewReasonOf(path, field, threshold, fused.disagreements, flagged),
    }));
    const reading: DocumentReading = {
      providers: [LOCAL_READER, ...(opinion.reading ? [opinion.reading.reader.id] : [])],
      vision: opinion.reading ? 'used' : this.vision ? 'failed' : 'not_configured',
      flags: [
        ...(opinion.flag ? [opinion.flag] : []),
        ...(local.recognizer.startsWith('none') ? ['local_model_missing'] : []),
      ],
      recognizer: local.recognizer,
      templateId: sheet.templateId,
      pageCount: sheet.pageCount,
      fieldsToReview: fields.filter((field) => field.review !== null).length,
      fields,
      timingsMs: { inspect: sheet.timings.inspectMs, read: readMs },
    };
    const saved = await this.documents.progress(this.workerId, job.id, {
      stage: 'intake',
      sha256: sheet.documentHash,
      corporation,
      mesaKey: mesaKey(mesa),
      ...(submission.copy ? { copy: submission.copy } : {}),
      reading,
      submission,
    });
    if (!saved) throw new JobError('LEASE_LOST', 'Another worker took this job', true);
    return submission;
  }

  async status(): Promise<PipelineStatus> {
    const { pool, config } = this.deps;
    const [states, oldest, throughput, errors, dead, spend] = await Promise.all([
      pool.query<{ state: string; count: number }>(
        'SELECT state, count(*)::int AS count FROM e14_documents GROUP BY state',
      ),
      pool.query<{ seconds: number | null }>(
        `SELECT extract(epoch FROM now() - min(created_at))::float8 AS seconds FROM e14_documents WHERE state = 'queued'`,
      ),
      pool.query<{ minute: number; quarter: number }>(
        `SELECT count(*) FILTER (WHERE finished_at > now() - interval '1 minute')::int AS minute,
                count(*)::int AS quarter
         FROM e14_documents WHERE finished_at > now() - interval '15 minutes'`,
      ),
      pool.query<{ code: string; count: number }>(
        `SELECT error_code AS code, count(*)::int AS count FROM e14_documents
         WHERE state IN ('failed', 'dead') AND error_code IS NOT NULL GROUP BY error_code ORDER BY count DESC`,
      ),
      pool.query<{ id: string; code: string | null; message: string | null; attempts: number }>(
        `SELECT id, error_code AS code, error_message AS message, attempts FROM e14_documents
         WHERE state = 'dead' ORDER BY finished_at DESC LIMIT 20`,
      ),
      pool.query<{ calls: number; cached: number; input: string; output: string; cost: number; unpriced: number }>(
        `SELECT count(*)::int AS calls, count(*) FILTER (WHERE cached)::int AS cached,
                coalesce(sum(input_tokens), 0)::text AS input, coalesce(sum(output_tokens), 0)::text AS output,
                coalesce(sum(cost_usd), 0)::float8 AS cost, count(*) FILTER (WHERE cost_usd IS NULL)::int AS unpriced
         FROM ocr_usage`,
      ),
    ]);
    const counts = { queued: 0, processing: 0, done: 0, failed: 0, dead: 0 };
    for (const row of states.rows) counts[row.state as keyof typeof counts] = row.count;
    const usage = spend.rows[0];
    return {
      worker: {
        running: this.running,
        workerId: this.workerId,
        slots: config.E14_PIPELINE_SLOTS,
        inFlight: this.inFlight.size,
        readThreads: this.readPool?.size ?? 0,
        recognizer: this.readPool?.recognizer ?? 'not started',
        vision: {
          configured: this.vision !== null,
          reason: this.visionSetup.configured ? null : this.visionSetup.reason,
          concurrency: config.E14_PIPELINE_VISION_CONCURRENCY,
          breaker: this.vision ? this.vision.resilience.breakerState : null,
        },
      },
      documents: counts,
      backlog: counts.queued + counts.processing,
      oldestWaitingSeconds: oldest.rows[0]?.seconds ?? null,
      throughput: {
        lastMinute: throughput.rows[0]?.minute ?? 0,
        last15MinutesPerMinute: (throughput.rows[0]?.quarter ?? 0) / 15,
      },
      errors: errors.rows,
      deadLetters: dead.rows.map((row) => ({
        id: Number(row.id),
        code: row.code,
        message: row.message,
        attempts: row.attempts,
      })),
      ocrSpend: {
        calls: usage?.calls ?? 0,
        cachedCalls: usage?.cached ?? 0,
        inputTokens: Number(usage?.input ?? 0),
        outputTokens: Number(usage?.output ?? 0),
        costUsd: usage?.cost ?? 0,
        unpricedCalls: usage?.unpriced ?? 0,
      },
    };
  }
}
