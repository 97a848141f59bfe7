import { createHash } from 'node:crypto';
import {
  type Corporation,
  type DocumentResponse,
  type ProcessAccepted,
  type ProcessFields,
  parseMesaKey,
  type SentDocumentsQuery,
  type SentDocumentsResponse,
  mesaKey as toMesaKey,
} from '@castor/contracts';
import type { DocumentKind } from '@castor/e14-sheets';
import { type ErrorCode, httpError, serviceUnavailable } from '@castor/service-kit';
import { type Actor, actorName } from '../../shared/actor.js';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import { type InspectResult, type PhotosResult, SheetThreadsBusy } from '../../shared/sheet-threads/sheet-threads.js';
import { isAssigned, type WitnessAssignments } from '../../shared/witness-assignments.js';
import type { DocumentRetriesRepository, RequeuedDocument } from './document-retries.repository.js';
import type { DocumentRow, DocumentsRepository } from './documents.repository.js';
import type { DocumentPipeline } from './pipeline.service.js';
import type { PipelineActivityRepository } from './pipeline-activity.repository.js';

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Priorities: a witness's photo or upload first, then any upload, one mesa asked for, a routine scrape. */
export const PRIORITY = { witness: 30, disputed: 20, upload: 10, table: 5, scrape: 0 } as const;

/**
 * What a document fails with when the divipol did not know its election, mesa, ballot or
 * corporation yet: a divipol import for the election may fix it, so such documents are read again
 * after one. (MESA_NOT_IN_INDEX is the Registraduría site's index, not the divipol: it is retried
 * on its own schedule.)
 */
export const DIVIPOL_GAP_CODES = [
  'ELECTION_UNKNOWN',
  'MESA_UNKNOWN',
  'CORPORATION_NOT_IN_ELECTION',
  'CORPORATION_UNKNOWN',
  'BALLOT_UNKNOWN',
  'BALLOT_OPTION_UNKNOWN',
] as const satisfies readonly ErrorCode[];

const MEDIA_TYPES: Record<string, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };

/**
 * What a file thread made of a received file the intake checks accepted; a refused file as the
 * 4xx a sender can act on, and 503 BUSY when too many files wait for their checks.
 */
async function checked<Result extends InspectResult | PhotosResult>(
  job: Promise<Result>,
): Promise<Extract<Result, { ok: true }>> {
  const result = await job.catch((error: unknown) => {
    if (!(error instanceof SheetThreadsBusy)) throw error;
    throw serviceUnavailable('BUSY', `${error.message}; send it again in a moment`, error.retryAfterSeconds);
  });
  if (result.ok) return result as Extract<Result, { ok: true }>;
  if (result.error.sheet) throw httpError(result.error.code as ErrorCode, result.error.message);
  throw new Error(`The intake checks failed: ${result.error.message}`);
}

/** The kind of a file the intake checks accepted (refused: as `checked`). */
async function checkedKind(checks: Promise<InspectResult>): Promise<DocumentKind> {
  return (await checked(checks)).inspected.kind;
}

/**
 * What was sent to read: the files of one sheet (one file, or a photo of each page in the order
 * sent), or the URL of a file on the Registraduría's site.
 */
export type ReceivedFile = { files: Uint8Array[]; originUrl: null } | { files: null; originUrl: string };

export interface DocumentsServiceDeps {
  documents: Pick<
    DocumentsRepository,
    | 'saveFile'
    | 'addFile'
    | 'addMesas'
    | 'resume'
    | 'sentBy'
    | 'listSentBy'
    | 'findById'
    | 'mesaStatus'
    | 'mesaKeysUnder'
    | 'replaceUnreadUploads'
  >;
  pipeline: Pick<
    DocumentPipeline,
    'registraduriaClient' | 'inspect' | 'photosAsPdf' | 'poke' | 'start' | 'isRunning' | 'workerId' | 'status'
  >;
  retries: Pick<DocumentRetriesRepository, 'requeue'>;
  activity: Pick<PipelineActivityRepository, 'activity'>;
  catalogs: Pick<ElectionCatalogs, 'requireElection'>;
  witnesses: Pick<WitnessAssignments, 'territoriesOf'>;
  /** Attempts of a new job before it is a dead letter. */
  maxAttempts: number;
}

/**
 * The documents' use cases: queue a scanned E-14 (sent, or on the Registraduría's site) or mesas to
 * fetch from the site, each at its priority, and wake the workers; show a document to who may see
 * it; start this replica's workers and report on them.
 */
export class DocumentsService {
  constructor(private readonly deps: DocumentsServiceDeps) {}

  /** Checks a received file and queues it (the same file again for the election is the same document). */
  async queueFile(user: Actor, fields: ProcessFields, received: ReceivedFile): Promise<ProcessAccepted> {
    const { documents, pipeline } = this.deps;
    const { electionCode, corporation, mesa, copy } = fields;
    const catalog = await this.deps.catalogs.requireElection(electionCode, corporation);
    const priority = await this.priorityOfUpload(user, catalog.id, mesa);
    const bytes =
      received.originUrl === null ? await this.sheetOf(received.files) : await this.fetchFromSite(received.originUrl);
    const kind = await checkedKind(pipeline.inspect(bytes));
    const sha256 = sha256Hex(bytes);
    await documents.saveFile(sha256, MEDIA_TYPES[kind] ?? 'application/octet-stream', bytes);
    const subject = {
      electionCode: catalog.code,
      corporation: corporation ?? null,
      mesaKey: mesa ?? null,
      copy: copy ?? null,
      submittedBy: actorName(user),
    };
    const document = await documents.addFile({
      kind: received.originUrl === null ? 'upload' : 'url',
      ...subject,
      originUrl: received.originUrl,
      sha256,
      priority,
      maxAttempts: this.deps.maxAttempts,
    });
    // A witness sending their mesa's sheet again means the earlier one is not to be read.
    if (user.role === 'witness' && !document.duplicate && received.originUrl === null) {
      await documents.replaceUnreadUploads(subject, document.id);
    }
    pipeline.poke();
    return {
      documentId: document.id,
      state: document.state,
      duplicate: document.duplicate,
      sha256,
      priority: document.priority,
    };
  }

  /**
   * The one file of a sheet: the file sent, or the photos of its pages as one PDF made in a file
   * thread (a page a photo, in the order sent; the reader tells each page by its barcode and
   * printed numbers). Each photo is checked first and must be a JPEG: it goes into the PDF as it
   * came (unless its camera stored it turned), while a PNG would have to be decoded.
   */
  private async sheetOf(files: Uint8Array[]): Promise<Uint8Array> {
    const [only] = files;
    if (files.length === 1 && only) return only;
    for (const [index, file] of files.entries()) {
      const kind = await checkedKind(this.deps.pipeline.inspect(file));
      if (kind !== 'jpeg') {
        throw httpError(
          'PAGE_NOT_JPEG',
          `File ${index + 1} of ${files.length} is a ${kind.toUpperCase()}: the pages of a sheet sent as several files are JPEG photos, one a page; send the photos as JPEG, or the sheet alone as one PDF with every page in it`,
        );
      }
    }
    return (await checked(this.deps.pipeline.photosAsPdf(files))).pdf;
  }

  /** A witness's upload comes first (only for a mesa assigned to them); any document of a disputed mesa next. */
  private async priorityOfUpload(user: Actor, electionId: number, mesa: string | undefined): Promise<number> {
    let priority: number = PRIORITY.upload;
    if (user.role === 'witness') {
      if (!mesa) throw httpError('MESA_REQUIRED', 'Witnesses send the mesa of their sheet');
      const territories = (await this.deps.witnesses.territoriesOf(user.sub)).get(electionId) ?? [];
      if (!isAssigned(territories, mesa))
        throw httpError('WITNESS_NOT_ASSIGNED', `You are not assigned to mesa ${mesa}`);
      priority = PRIORITY.witness;
    }
    if (mesa) {
      const status = await this.mesaStatus(electionId, mesa);
      if (status.disputed) priority = Math.max(priority, PRIORITY.disputed);
    }
    return priority;
  }

  /** Downloads a file named by URL, only from under the configured site. */
  private async fetchFromSite(originUrl: string): Promise<Uint8Array> {
    const site = this.requireSite();
    const base = new URL(site.options.baseUrl);
    const asked = new URL(originUrl);
    if (asked.origin !== base.origin || !asked.pathname.startsWith(base.pathname.replace(/\/?$/, '/'))) {
      throw httpError('URL_NOT_ALLOWED', `Only files under ${base.href} are fetched`);
    }
    const { outcome } = await site.fetchFile(asked.href, { force: true });
    if (outcome.kind === 'missing') {
      throw httpError(
        outcome.reason === 'html-page' ? 'HTML_INSTEAD_OF_PDF' : 'E14_NOT_PUBLISHED',
        `No E-14 at this URL (${outcome.reason})`,
      );
    }
    if (outcome.kind === 'too-large') throw httpError('FILE_TOO_LARGE', 'The file is over the size limit');
    if (outcome.kind !== 'pdf') {
      throw httpError(
        'UPSTREAM_FAILED',
        `The Registraduría site did not deliver the file (${outcome.kind === 'failed' ? outcome.code : outcome.kind})`,
      );
    }
    return new Uint8Array(outcome.bytes);
  }

  /** Queues one mesa to fetch from the site (first among the fetched if a reconciliation disputes it). */
  async queueMesa(user: Actor, request: { electionCode: string; corporation: Corporation; mesa: string }) {
    this.requireSite();
    const { electionCode, corporation, mesa } = request;
    const catalog = await this.deps.catalogs.requireElection(electionCode, corporation);
    const status = await this.mesaStatus(catalog.id, mesa);
    return this.queueMesas(user, catalog.code, corporation, [toMesaKey(parseMesaKey(mesa))], {
      priority: status.disputed ? PRIORITY.disputed : PRIORITY.table,
    });
  }

  /** Queues every mesa of a departamento (or one of its municipios) from the divipol, as a routine scrape. */
  async queueTerritory(
    user: Actor,
    request: { electionCode: string; corporation: Corporation; departamento: string; municipio?: string | undefined },
  ) {
    this.requireSite();
    const { electionCode, corporation, departamento, municipio } = request;
    const catalog = await this.deps.catalogs.requireElection(electionCode, corporation);
    const prefix = municipio ? `${departamento}-${municipio}-` : `${departamento}-`;
    const mesaKeys = await this.deps.documents.mesaKeysUnder(catalog.id, prefix);
    if (mesaKeys.length === 0) {
      throw httpError('TERRITORY_UNKNOWN', `No mesas under ${prefix.slice(0, -1)} in the divipol of ${catalog.code}`);
    }
    return this.queueMesas(user, catalog.code, corporation, mesaKeys, { priority: PRIORITY.scrape });
  }

  /** Queues mesas to be fetched from the site (an already waiting mesa is not queued twice) and wakes the workers. */
  private async queueMesas(
    user: Actor,
    electionCode: string,
    corporation: Corporation,
    mesaKeys: string[],
    options: { priority: number },
  ) {
    const result = await this.deps.documents.addMesas({
      electionCode,
      corporation,
      mesaKeys,
      priority: options.priority,
      maxAttempts: this.deps.maxAttempts,
      submittedBy: `admin:${user.sub}`,
    });
    this.deps.pipeline.poke();
    return { queued: result.queued, alreadyQueued: result.ids.length - result.queued, documentIds: result.ids };
  }

  private async mesaStatus(electionId: number, key: string) {
    const mesa = await this.deps.documents.mesaStatus(electionId, key);
    if (!mesa) throw httpError('MESA_UNKNOWN', `Mesa ${key} is not in the divipol`);
    return mesa;
  }

  private requireSite() {
    const site = this.deps.pipeline.registraduriaClient();
    if (!site) {
      throw httpError(
        'REGISTRADURIA_NOT_CONFIGURED',
        "E14_REGISTRADURIA_BASE_URL is not set: this service does not fetch from the Registraduría's site",
      );
    }
    return site;
  }

  /** A queued document; witnesses see only the documents they sent. */
  async document(user: Actor, id: number): Promise<DocumentResponse> {
    const row = await this.deps.documents.findById(id);
    if (!row) throw httpError('DOCUMENT_UNKNOWN', `No document ${id}`);
    if (user.role === 'witness' && !(await this.deps.documents.sentBy(row.id, actorName(user)))) {
      throw httpError('FORBIDDEN', 'Witnesses see the documents they sent');
    }
    return toDocumentResponse(row);
  }

  /** The caller's own documents, newest first, a page at a time (whatever their role: staff see theirs too). */
  async sentDocuments(user: Actor, query: SentDocumentsQuery): Promise<SentDocumentsResponse> {
    // One more than asked: whether a next page exists without counting.
    const rows = await this.deps.documents.listSentBy({
      submittedBy: actorName(user),
      election: query.election,
      before: query.before,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      documents: page.map(toDocumentResponse),
      nextBefore: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /**
   * Puts a failed, dead or quarantined document (or an upload replaced before it was read) back in
   * the queue, to be read again from its start; a quarantined one is released: read without the
   * quarantine checks, stored and sent to review as any other.
   */
  async retry(user: Actor, id: number): Promise<DocumentResponse> {
    const row = await this.deps.documents.findById(id);
    if (!row) throw httpError('DOCUMENT_UNKNOWN', `No document ${id}`);
    const [requeued] = await this.deps.retries.requeue({ id }, (document) => retriedAudit(document, actorName(user)));
    if (!requeued) {
      throw httpError(
        'DOCUMENT_NOT_RETRYABLE',
        `Document ${id} is ${row.state}: only failed, dead or quarantined documents (or an upload replaced before it was read) are retried` +
          (row.kind === 'registraduria' ? ' (a mesa fetched again since is retried through its newest document)' : ''),
      );
    }
    this.deps.pipeline.poke();
    return this.document(user, id);
  }

  /** After a divipol import: the election's documents that failed for what the divipol did not know are read again. */
  async requeueAfterDivipolImport(electionCode: string): Promise<number> {
    const requeued = await this.deps.retries.requeue({ electionCode, errorCodes: DIVIPOL_GAP_CODES }, (document) =>
      retriedAudit(document, 'system:divipol-import'),
    );
    if (requeued.length > 0) this.deps.pipeline.poke();
    return requeued.length;
  }

  /** Starts this replica's workers; jobs waiting for a retry become due now. */
  async startWorkers() {
    const { pipeline } = this.deps;
    pipeline.start();
    const resumed = await this.deps.documents.resume();
    pipeline.poke();
    return { running: pipeline.isRunning, workerId: pipeline.workerId, resumed };
  }

  status() {
    return this.deps.pipeline.status();
  }

  /** An election's documents received, read and validated over time, and the backlog after each bucket. */
  activity(electionCode: string) {
    return this.deps.activity.activity(electionCode);
  }
}

function retriedAudit(document: RequeuedDocument, actor: string) {
  return {
    actor,
    action: 'document.retried',
    entity: 'e14_document',
    entityId: String(document.id),
    before: { state: document.state, errorCode: document.errorCode, attempts: document.attempts },
    after: { state: 'queued', attempts: 0 },
  };
}

function toDocumentResponse(row: DocumentRow): DocumentResponse {
  return {
    id: row.id,
    kind: row.kind,
    electionCode: row.electionCode,
    corporation: row.corporation,
    mesaKey: row.mesaKey,
    copy: row.copy,
    sha256: row.sha256,
    originUrl: row.originUrl,
    state: row.state,
    stage: row.stage,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    errors: row.errors,
    reading: row.reading
      ? {
          ...row.reading,
          // Documents read before the printed codes were kept have none.
          header: row.reading.header ?? null,
          barcode: row.reading.barcode ?? null,
          transmissionCode: row.reading.transmissionCode ?? null,
        }
      : null,
    formId: row.formId,
    intakeOutcome: row.intakeOutcome,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
  };
}
