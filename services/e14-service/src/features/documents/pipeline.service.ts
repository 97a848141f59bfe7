import { randomUUID } from 'node:crypto';
import { type AnthropicReaderSetup, anthropicReaderConfigFromEnv, type ClaudeE14Reader } from '@castor/ai-providers';
import type { E14Submission, PipelineStatus } from '@castor/contracts';
import type { IntakeLimitsInput } from '@castor/e14-sheets';
import { KeyValueValidatorStore, RegistraduriaClient } from '@castor/registraduria';
import type { KeyValueStore } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { type E14Config, sheetLimits } from '../../config.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import type { FormIntake } from '../../shared/form-intake.js';
import type { InspectResult, PhotosResult, SheetThreads } from '../../shared/sheet-threads/sheet-threads.js';
import { DocumentReader, PIPELINE_ACTOR } from './document-reader.js';
import type { DocumentJob, DocumentsRepository } from './documents.repository.js';
import { JobError, leaseLost, QuarantineError, toJobError } from './job-error.js';
import { Limiter } from './limiter.js';
import type { OcrUsageRepository } from './ocr-usage.repository.js';
import type { PipelineMetrics } from './pipeline-metrics.js';
import { createVisionReader } from './vision-reader.js';

export interface PipelineDeps {
  documents: DocumentsRepository;
  ocrUsage: OcrUsageRepository;
  store: KeyValueStore;
  intake: FormIntake;
  catalogs: ElectionCatalogs;
  config: E14Config;
  log: FastifyBaseLogger;
  metrics: PipelineMetrics;
  /** The threads that check received files. */
  checkThreads: Pick<SheetThreads, 'inspect' | 'photosAsPdf'>;
  /** The threads that read files (shared with review's crops). */
  readThreads: SheetThreads;
  /** The recognizer model the read threads use now (the registry's active version), for the status. */
  modelInUse: () => PipelineStatus['model'];
}

/**
 * The E-14 document pipeline: durable jobs in `e14_documents`, claimed by priority with SKIP
 * LOCKED and leased (a replica that dies loses its leases, another takes the jobs), bounded
 * concurrency per stage (file threads, vision provider, intake) and retries with backoff. Each
 * job is read by the DocumentReader (its fused submission saved on the job), then stored through
 * the FormIntake port. A retried job submits the saved submission again, and intake is
 * idempotent by content hash, so a mesa is never recorded twice.
 */
export class DocumentPipeline {
  readonly documents: DocumentsRepository;
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly visionSetup: AnthropicReaderSetup;
  private readonly limits: IntakeLimitsInput;
  private readonly vision: ClaudeE14Reader | null;
  private readonly intakeLimiter: Limiter;
  private readonly reader: DocumentReader;
  private registraduria: RegistraduriaClient | null = null;
  private readonly inFlight = new Map<number, AbortController>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly deps: PipelineDeps) {
    const { config, metrics, log } = deps;
    this.documents = deps.documents;
    this.limits = sheetLimits(config);
    this.intakeLimiter = new Limiter(config.E14_PIPELINE_INTAKE_CONCURRENCY);
    this.visionSetup = anthropicReaderConfigFromEnv(config as unknown as NodeJS.ProcessEnv);
    this.vision = this.visionSetup.configured
      ? createVisionReader(this.visionSetup.config, { store: deps.store, metrics, usage: deps.ocrUsage, log })
      : null;
    this.reader = new DocumentReader({
      documents: deps.documents,
      intake: deps.intake,
      catalogs: deps.catalogs,
      metrics,
      log,
      workerId: this.workerId,
      limits: this.limits,
      recheckMs: config.E14_REGISTRADURIA_RECHECK_MS,
      vision: this.vision,
      visionConcurrency: config.E14_PIPELINE_VISION_CONCURRENCY,
      reviewTasksPerUploader: config.E14_REVIEW_TASKS_PER_UPLOADER,
      registraduriaClient: () => this.registraduriaClient(),
      readPool: () => deps.readThreads,
    });
  }

  /** The Registraduría client, when its base URL is configured. */
  registraduriaClient(): RegistraduriaClient | null {
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

  /**
   * Intake checks of a received file (bytes, structure, declared sizes) in a file thread; rejects
   * with SheetThreadsBusy when too many files wait for their checks.
   */
  inspect(bytes: Uint8Array): Promise<InspectResult> {
    return this.deps.checkThreads.inspect(bytes, this.limits);
  }

  /** The photos of a sheet's pages (each checked by `inspect` first), in this order, as one PDF, in a file thread. */
  photosAsPdf(photos: Uint8Array[]): Promise<PhotosResult> {
    return this.deps.checkThreads.photosAsPdf(photos, this.limits);
  }

  get isRunning() {
    return this.running;
  }

  /** Starts this replica's workers (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
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
    const slots = this.deps.config.E14_PIPELINE_SLOTS;
    const active = new Set<Promise<void>>();
    while (this.running) {
      const claimed = await this.claimDue(slots - active.size);
      for (const job of claimed) {
        const task = this.process(job).finally(() => {
          active.delete(task);
          this.poke();
        });
        active.add(task);
      }
      if (claimed.length === 0 || active.size >= slots) await this.nextPoll();
    }
    await Promise.allSettled(active);
  }

  /** Claims up to `free` due jobs (none when every slot is busy; a failed claim is logged and retried at the next poll). */
  private async claimDue(free: number): Promise<DocumentJob[]> {
    const { config, log } = this.deps;
    if (free <= 0) return [];
    try {
      return await this.documents.claim(this.workerId, free, config.E14_PIPELINE_LEASE_MS);
    } catch (error) {
      log.error({ err: error }, 'could not claim pipeline jobs');
      return [];
    }
  }

  /** Waits for the poll interval, or less when poked. */
  private async nextPoll(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.deps.config.E14_PIPELINE_POLL_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private backoffMs(attempt: number, retryAfterMs: number | null): number {
    const base = this.deps.config.E14_PIPELINE_RETRY_BASE_MS;
    const exponential = base * 2 ** Math.min(6, Math.max(0, attempt - 1));
    return Math.max(retryAfterMs ?? 0, Math.round(exponential * (0.5 + Math.random() * 0.5)));
  }

  private async process(job: DocumentJob): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(job.id, controller);
    try {
      const submission = job.submission ?? (await this.reader.read(job, controller.signal));
      if (controller.signal.aborted) throw leaseLost();
      await this.store(job, submission);
    } catch (error) {
      const failure = toJobError(error);
      if (failure.code !== 'LEASE_LOST') await this.recordFailure(job, failure, error);
    } finally {
      this.inFlight.delete(job.id);
    }
  }

  /** Stores the job's submission through intake and marks the job done. */
  private async store(job: DocumentJob, submission: E14Submission): Promise<void> {
    const { metrics } = this.deps;
    const outcome = await metrics.timed('intake', () =>
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
  }

  /** Writes a failed attempt on the job (retried with backoff, failed, dead or quarantined) and counts it. */
  private async recordFailure(job: DocumentJob, failure: JobError, error: unknown): Promise<void> {
    const { metrics, log } = this.deps;
    const reason = { code: failure.code, message: failure.message };
    const state = await (failure instanceof QuarantineError
      ? this.documents.quarantine(this.workerId, job, reason).then((held) => (held ? 'quarantined' : null))
      : this.documents.fail(
          this.workerId,
          job,
          reason,
          failure.retry ? this.backoffMs(job.attempts, failure.retryAfterMs) : null,
        )
    ).catch((writeError: unknown) => {
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

  async status(): Promise<PipelineStatus> {
    const { config } = this.deps;
    const [queue, ocrSpend] = await Promise.all([this.documents.queueSummary(), this.deps.ocrUsage.spend()]);
    const counts = { queued: 0, processing: 0, done: 0, failed: 0, dead: 0, quarantined: 0, replaced: 0 };
    for (const row of queue.states) counts[row.state] = row.count;
    return {
      worker: {
        running: this.running,
        workerId: this.workerId,
        slots: config.E14_PIPELINE_SLOTS,
        inFlight: this.inFlight.size,
        readThreads: this.deps.readThreads.size,
        recognizer: this.deps.readThreads.recognizer,
        vision: {
          configured: this.vision !== null,
          reason: this.visionSetup.configured ? null : this.visionSetup.reason,
          concurrency: config.E14_PIPELINE_VISION_CONCURRENCY,
          breaker: this.vision ? this.vision.resilience.breakerState : null,
        },
      },
      documents: counts,
      backlog: counts.queued + counts.processing,
      oldestWaitingSeconds: queue.oldestWaitingSeconds,
      throughput: {
        lastMinute: queue.finished.lastMinute,
        last15MinutesPerMinute: queue.finished.last15Minutes / 15,
      },
      errors: queue.errors,
      deadLetters: queue.deadLetters,
      ocrSpend,
      model: this.deps.modelInUse(),
    };
  }
}
