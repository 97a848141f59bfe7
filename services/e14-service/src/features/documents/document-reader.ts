import type { ClaudeE14Reader, E14Reading } from '@castor/ai-providers';
import {
  BARCODE_CORPORATION_DIGIT,
  type Copy,
  type Corporation,
  DEFAULT_RULE_PARAMS,
  type DocumentReading,
  type E14Submission,
  type MesaRef,
  mesaKey,
  parseMesaKey,
} from '@castor/contracts';
import {
  type IntakeLimitsInput,
  LOCAL_READER,
  mesaFromHeader,
  type SheetReading,
  type SheetTemplate,
  sheetToSubmission,
} from '@castor/e14-sheets';
import type { RegistraduriaClient } from '@castor/registraduria';
import { isProviderError } from '@castor/resilience';
import { AppError } from '@castor/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import {
  flagFailedRules,
  fuseReadings,
  mapSubmissionFields,
  reviewReasonOf,
  submissionFieldPaths,
} from '../../domain/fusion.js';
import { PIPELINE_SOURCE_REF_PREFIX, uploadSourceRef } from '../../domain/reconciliation-policy.js';
import { reviewReason } from '../../domain/sheet-rules.js';
import { PIPELINE_ACTOR } from '../../shared/actor.js';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import type { FormIntake } from '../../shared/form-intake.js';
import { TemplateResolver } from '../../shared/sheet-templates.js';
import type { ReadResult, SheetThreads } from '../../shared/sheet-threads/sheet-threads.js';
import type { DocumentJob, DocumentsRepository } from './documents.repository.js';
import { JobError, leaseLost, QuarantineError } from './job-error.js';
import { Limiter } from './limiter.js';
import type { PipelineMetrics } from './pipeline-metrics.js';
import { printedCodes } from './printed-codes.js';
import { assertExpectedForm, assertRecognisable, releasedSubmission } from './template-fit.js';

/** Who stores what the pipeline read: the audit log names the pipeline, the document its sender. */
export { PIPELINE_ACTOR };

type LocalReading = Extract<ReadResult, { ok: true }>;
type FusedReading = ReturnType<typeof fuseReadings>;
type SecondOpinion = { reading: E14Reading | null; flag: string | null };

/**
 * Every value the local recognizer read records the registry version of its model (a value a
 * vision provider wins in fusion leaves it behind; one a person reviews drops it).
 */
function withModelVersion(submission: E14Submission, modelVersion: number | null): E14Submission {
  if (modelVersion === null) return submission;
  return mapSubmissionFields(submission, (_path, field) =>
    field.readBy === LOCAL_READER ? { ...field, modelVersion } : field,
  );
}

/** Which sheet of which mesa a document is, once identified. */
interface SheetIdentity {
  catalog: ElectionCatalog;
  mesa: MesaRef;
  corporation: Corporation;
  copy: Copy | undefined;
}

export interface DocumentReaderDeps {
  documents: Pick<DocumentsRepository, 'file' | 'saveFile' | 'progress' | 'reviewTasksOpenedBy'>;
  intake: Pick<FormIntake, 'validate'>;
  catalogs: Pick<ElectionCatalogs, 'get'>;
  metrics: PipelineMetrics;
  log: FastifyBaseLogger;
  /** The lease owner whose progress writes are fenced. */
  workerId: string;
  limits: IntakeLimitsInput;
  /** How soon a mesa the site has not published yet is looked for again. */
  recheckMs: number;
  vision: ClaudeE14Reader | null;
  visionConcurrency: number;
  /** Review tasks a witness's documents may open per hour (E14_REVIEW_TASKS_PER_UPLOADER). */
  reviewTasksPerUploader: number;
  /** The Registraduría client, when configured. */
  registraduriaClient: () => RegistraduriaClient | null;
  /** The read threads while the pipeline runs. */
  readPool: () => SheetThreads | null;
}

/**
 * Reads one job's document into the submission to store: the file (stored, or downloaded from the
 * Registraduría) → the local reading in the thread pool → an optional Claude Vision second opinion
 * → fusion → the rules, the cells to review flagged; the reading and the submission are saved on
 * the job before intake, so a retried job submits the very same content.
 */
export class DocumentReader {
  private readonly templates = new TemplateResolver();
  private readonly visionLimiter: Limiter;

  constructor(private readonly deps: DocumentReaderDeps) {
    this.visionLimiter = new Limiter(deps.visionConcurrency);
  }

  async read(job: DocumentJob, signal: AbortSignal): Promise<E14Submission> {
    const catalog = await this.deps.catalogs.get(job.electionCode);
    if (!catalog) throw new JobError('ELECTION_UNKNOWN', `No election ${job.electionCode} has been imported`, false);
    const bytes = await this.bytesOf(job, signal);
    const identity = { catalog, ...(await this.identify(job, bytes, catalog)) };
    const templates = this.templatesFor(identity);
    const started = performance.now();
    const local = await this.deps.metrics.timed('read', () =>
      this.readOnPool(bytes, templates, 'full', this.deps.vision !== null),
    );
    const readMs = performance.now() - started;
    const sheet: SheetReading = local.reading;
    const toSubmission = (read: SheetReading) =>
      sheetToSubmission(read, {
        electionCode: catalog.code,
        mesa: identity.mesa,
        corporation: identity.corporation,
        ...(identity.copy ? { copy: identity.copy } : {}),
        // A testigo's photo of their copy is a witness source, not the Registraduría's scan; its
        // sourceRef names the sender, whose next upload of the copy replaces it (reconciliation-policy).
        ...(job.submittedBy.startsWith('witness:')
          ? { source: 'witness', sourceRef: uploadSourceRef(job.id, job.submittedBy) }
          : { source: 'ocr', sourceRef: `${PIPELINE_SOURCE_REF_PREFIX}${job.id}` }),
      });
    if (!job.quarantineReleased) assertExpectedForm(sheet, templates);
    const { submission: localSubmission, confirmed } = job.quarantineReleased
      ? releasedSubmission(sheet, templates, toSubmission)
      : toSubmission(sheet);
    const threshold =
      catalog.corporations.get(identity.corporation)?.rules.params.confidenceThreshold ??
      DEFAULT_RULE_PARAMS.confidenceThreshold;
    const opinion = await this.secondOpinion(job, local.pageImages ?? [], identity, sheet.documentHash, signal);
    const fused = fuseReadings(
      withModelVersion(localSubmission, local.modelVersion),
      local.recognizer.startsWith('none') ? `${LOCAL_READER}:no-model` : `${LOCAL_READER}:${local.recognizer}`,
      opinion.reading ? { provider: opinion.reading.reader.id, fields: opinion.reading.fields } : null,
      threshold,
    );
    const { submission, flagged } = await this.checkRules(fused, confirmed, threshold);
    const reading = this.documentReading({ local, opinion, submission, fused, flagged, threshold, readMs });
    const saved = await this.deps.documents.progress(this.deps.workerId, job.id, {
      stage: 'intake',
      sha256: sheet.documentHash,
      corporation: identity.corporation,
      mesaKey: mesaKey(identity.mesa),
      ...(submission.copy ? { copy: submission.copy } : {}),
      reading,
      submission,
    });
    if (!saved) throw leaseLost();
    if (!job.quarantineReleased) await this.assertWithinReviewBudget(job, submission, threshold);
    return submission;
  }

  /**
   * A witness's documents open at most `reviewTasksPerUploader` review tasks an hour: past it the
   * document is quarantined (its reading kept) instead of flooding the review desk. Admins'
   * uploads and the Registraduría's scans are trusted and not counted.
   */
  private async assertWithinReviewBudget(job: DocumentJob, submission: E14Submission, threshold: number) {
    if (!job.submittedBy.startsWith('witness:')) return;
    const tasks = submissionFieldPaths(submission).filter(({ field }) => reviewReason(field, threshold) !== null);
    if (tasks.length === 0) return;
    const budget = this.deps.reviewTasksPerUploader;
    const opened = await this.deps.documents.reviewTasksOpenedBy(job.submittedBy);
    if (opened + tasks.length <= budget) return;
    throw new QuarantineError(
      'REVIEW_BUDGET_EXCEEDED',
      `This sheet would open ${tasks.length} review tasks; the documents of its sender opened ${opened} in the last hour, the budget is ${budget}`,
    );
  }

  private templatesFor({ catalog, corporation, mesa }: SheetIdentity): SheetTemplate[] {
    const templates = this.templates.forMesa(catalog, corporation, mesa);
    if (!templates) {
      throw new JobError(
        'BALLOT_UNKNOWN',
        `No ${corporation} ballot for mesa ${mesaKey(mesa)} in the divipol of ${catalog.code}`,
        false,
      );
    }
    return templates;
  }

  /** The file of the job: stored, else downloaded from the Registraduría's site (and stored). */
  private async bytesOf(job: DocumentJob, signal: AbortSignal): Promise<Uint8Array> {
    const { documents, recheckMs } = this.deps;
    if (job.sha256) {
      const stored = await documents.file(job.sha256);
      if (stored) return stored;
    }
    if (job.kind !== 'registraduria' || !job.mesaKey) {
      throw new JobError('FILE_MISSING', 'The file of this document is not stored', false);
    }
    const site = this.deps.registraduriaClient();
    if (!site) throw new JobError('REGISTRADURIA_NOT_CONFIGURED', 'E14_REGISTRADURIA_BASE_URL is not set', true);
    const key = job.mesaKey;
    const result = await this.deps.metrics.timed('fetch', () => site.fetchMesa(parseMesaKey(key), { signal }));
    // The site publishes mesa by mesa through the night: what is not there yet is looked for again later.
    if (!result) {
      throw new JobError('MESA_NOT_IN_INDEX', `Mesa ${key} is not in the site's index yet`, true, recheckMs);
    }
    const { outcome } = result;
    switch (outcome.kind) {
      case 'pdf': {
        await documents.saveFile(outcome.sha256, 'application/pdf', outcome.bytes);
        await documents.progress(this.deps.workerId, job.id, { stage: 'fetched', sha256: outcome.sha256 });
        return new Uint8Array(outcome.bytes.buffer, outcome.bytes.byteOffset, outcome.bytes.byteLength);
      }
      case 'unchanged': {
        const stored = await documents.file(outcome.sha256);
        if (stored) return stored;
        // Remembered by another replica's validators but never stored here: download it again.
        const forced = await site.fetchMesa(parseMesaKey(key), { signal, force: true });
        if (forced?.outcome.kind !== 'pdf') throw new JobError('E14_FETCH_FAILED', 'Re-download failed', true);
        await documents.saveFile(forced.outcome.sha256, 'application/pdf', forced.outcome.bytes);
        return new Uint8Array(forced.outcome.bytes);
      }
      case 'missing':
        throw new JobError(
          'E14_NOT_PUBLISHED',
          `No E-14 published for mesa ${key} yet (${outcome.reason})`,
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
  ): Promise<LocalReading> {
    const pool = this.deps.readPool();
    if (!pool) throw new JobError('PIPELINE_STOPPED', 'The pipeline is stopping', true);
    const result = await pool.read({ bytes, templates, limits: this.deps.limits, mode, pageImages });
    if (result.ok) return result;
    throw new JobError(result.error.code, result.error.message, !result.error.sheet);
  }

  /** Which mesa, corporation and copy: what the sender said, else what the sheet prints. */
  private async identify(
    job: DocumentJob,
    bytes: Uint8Array,
    catalog: ElectionCatalog,
  ): Promise<Omit<SheetIdentity, 'catalog'>> {
    let mesa = job.mesaKey ? parseMesaKey(job.mesaKey) : undefined;
    let corporation = job.corporation ?? undefined;
    let copy = job.copy ?? undefined;
    if (!mesa || !corporation) {
      const { reading } = await this.readOnPool(bytes, this.templates.headerTemplates(), 'header', false);
      if (!job.quarantineReleased) assertRecognisable(reading);
      if (!mesa) {
        const header = mesaFromHeader(reading.header);
        if (!header.success)
          throw new JobError('HEADER_UNREAD', 'The mesa codes could not be read; send the mesa', false);
        mesa = header.data;
      }
      const barcode = reading.pages.find((page) => page.barcode?.parsed)?.barcode?.parsed;
      copy ??= barcode?.copy ?? undefined;
      corporation ??= corporationOfBarcode(catalog, barcode?.corporationDigit);
    }
    return { mesa, corporation, copy };
  }

  private async secondOpinion(
    job: DocumentJob,
    pageImages: Array<{ page: number; bytes: Uint8Array }>,
    identity: SheetIdentity,
    documentHash: string,
    signal: AbortSignal,
  ): Promise<SecondOpinion> {
    const vision = this.deps.vision;
    if (!vision) return { reading: null, flag: null };
    try {
      const reading = await this.deps.metrics.timed('vision', () =>
        this.visionLimiter.run(() => vision.read(visionRequest(pageImages, identity, documentHash), { signal })),
      );
      return { reading, flag: null };
    } catch (error) {
      if (signal.aborted) throw leaseLost();
      // The provider failing never holds a sheet back: the local reading goes on alone, flagged.
      const code = isProviderError(error) ? error.code : 'PROVIDER_FAILED';
      this.deps.metrics.providerCalls.inc({ provider: 'anthropic', outcome: 'fallback' });
      this.deps.log.warn({ documentId: job.id, code }, 'vision reading failed; local reading only');
      return { reading: null, flag: `vision_failed:${code}` };
    }
  }

  /** The fused submission made plausible and checked by the rules: the cells to send to a person flagged. */
  private async checkRules(fused: FusedReading, confirmed: ReadonlySet<string>, threshold: number) {
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
    return { submission, flagged };
  }

  /**
   * A value read above the mesa's habilitados is a misreading far more often than a sheet that
   * says so (a 7 read as 700), and intake refuses it: such a cell becomes illegible, its readings
   * kept, so the sheet is stored and a person reads the cell. A sum over habilitados marks the
   * largest vote row, then the next, until the sum fits (a sheet of 13 candidates may hold ten
   * misread rows). Other refusals (unknown mesa, ballot) are left to intake to report.
   */
  private async withoutImplausibleValues(
    input: E14Submission,
  ): Promise<{ submission: E14Submission; implausible: Set<string> }> {
    const implausible = new Set<string>();
    let submission = input;
    // Each round marks one more field: there are never more rounds than fields.
    for (let round = submissionFieldPaths(input).length; round > 0; round--) {
      const error = await this.deps.intake.validate(submission, PIPELINE_ACTOR).then(
        () => null,
        (failure: unknown) => failure,
      );
      if (!(error instanceof AppError) || error.code !== 'SUM_OVER_HABILITADOS') break;
      const target = (error.details as { field?: string }).field;
      const path = target?.startsWith('nivelacion.') ? target : largestVoteRow(submission);
      if (!path || implausible.has(path)) break;
      implausible.add(path);
      submission = mapSubmissionFields(submission, (fieldPath, field) =>
        fieldPath === path ? { ...field, state: 'illegible', value: null, confidence: 0 } : field,
      );
    }
    return { submission, implausible };
  }

  /** What the document shows of its reading: providers, flags, every field and why it goes to review. */
  private documentReading(input: {
    local: LocalReading;
    opinion: SecondOpinion;
    submission: E14Submission;
    fused: FusedReading;
    flagged: Set<string>;
    threshold: number;
    readMs: number;
  }): DocumentReading {
    const { local, opinion, threshold } = input;
    const sheet = local.reading;
    const fields = submissionFieldPaths(input.submission).map(({ path, field }) => ({
      path,
      state: field.state,
      value: field.value,
      confidence: field.confidence,
      overwritten: field.overwritten,
      readings: field.readings ?? [],
      review: reviewReasonOf(path, field, threshold, input.fused.disagreements, input.flagged),
    }));
    return {
      providers: [LOCAL_READER, ...(opinion.reading ? [opinion.reading.reader.id] : [])],
      vision: opinion.reading ? 'used' : this.deps.vision ? 'failed' : 'not_configured',
      flags: [
        ...(opinion.flag ? [opinion.flag] : []),
        ...(local.recognizer.startsWith('none') ? ['local_model_missing'] : []),
      ],
      recognizer: local.recognizer,
      templateId: sheet.templateId,
      templateVerified: sheet.templateVerified,
      ...printedCodes(sheet),
      pageCount: sheet.pageCount,
      fieldsToReview: fields.filter((field) => field.review !== null).length,
      fields,
      timingsMs: { inspect: sheet.timings.inspectMs, read: input.readMs },
    };
  }
}

/** The page images for the vision provider, with the mesa's ballot as hints. */
function visionRequest(
  pageImages: Array<{ page: number; bytes: Uint8Array }>,
  { catalog, corporation, mesa }: SheetIdentity,
  documentHash: string,
) {
  return {
    images: pageImages.map((image) => ({ bytes: image.bytes, mediaType: 'image/png' as const, page: image.page })),
    hints: {
      corporation,
      ballots: catalog.optionsFor(corporation, mesa.departamento, mesa.municipio).map((option) => ({
        ballotNumber: option.ballotNumber,
        ...(option.candidateNumber === null ? {} : { candidateNumber: option.candidateNumber }),
        name: option.name,
      })),
    },
    documentHash,
  };
}

/** The corporation the barcode's digit names among the election's, when exactly one matches. */
function corporationOfBarcode(catalog: ElectionCatalog, digit: number | undefined): Corporation {
  const matching = [...catalog.corporations.keys()].filter((c) => BARCODE_CORPORATION_DIGIT[c] === digit);
  if (matching.length !== 1) {
    throw new JobError(
      'CORPORATION_UNKNOWN',
      `The barcode does not tell the corporation among ${[...catalog.corporations.keys()].join(', ')}; send it`,
      false,
    );
  }
  return matching[0] as Corporation;
}

/** The vote row (not nivelación, list totals or the sum) read with the largest value. */
function largestVoteRow(submission: E14Submission): string | undefined {
  const votes = submissionFieldPaths(submission).filter(
    ({ path, field }) =>
      !path.startsWith('nivelacion.') &&
      !path.startsWith('listTotals.') &&
      path !== 'sumaTotal' &&
      field.state === 'read',
  );
  return votes.sort((a, b) => (b.field.value ?? 0) - (a.field.value ?? 0))[0]?.path;
}
