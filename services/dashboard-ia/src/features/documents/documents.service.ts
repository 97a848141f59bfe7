import { createHash, randomUUID } from 'node:crypto';
import {
  ANALYSIS_SOURCE,
  type CampaignAnalysis,
  type DocumentListItem,
  type DocumentUploadMetadata,
  type DocumentUploadResponse,
  type MediaAnalysis,
} from '@castor/contracts';
import { type ChunkOptions, chunkDocument, type DocumentLimits, isDocumentError } from '@castor/documents';
import { httpError } from '@castor/service-kit';
import type { ChunkStore, StoredDocument } from '../../shared/chunk-store.js';
import { DocumentThreadFailure, type DocumentThreadLimits, readDocumentOffThread } from './document-thread.js';

/** Source of uploads that name none. */
export const DEFAULT_DOCUMENT_SOURCE = 'documento';

export interface UploadedFile {
  /** Handed to the reading thread: the caller must not use it afterwards. */
  bytes: Uint8Array;
  filename: string;
  contentType: string | undefined;
}

/** A stored analysis as `AnalysesRepository.record` receives it. */
export interface RecordedAnalysis {
  id: string;
  kind: 'media' | 'campaign' | 'rivals';
  requestedBy: string;
  result: unknown;
}

export function documentListItem(document: StoredDocument): DocumentListItem {
  return {
    id: document.id,
    title: document.title,
    format: document.format,
    filename: document.filename,
    pages: document.pageCount,
    chunks: document.counts.stored,
    candidate: document.candidateSlug,
    source: document.source,
    uploadedAt: document.createdAt,
    status: 'indexed',
  };
}

/**
 * The campaign's documents: an upload is read and chunked in a thread with a bounded heap, then
 * stored with its chunks in one transaction, so a refused or failed document leaves nothing
 * behind. The same file twice is stored once (answered again with `replayed: true`). Stored
 * analyses are indexed beside them, each visible to its author only.
 */
export class DocumentsService {
  constructor(
    private readonly deps: {
      store: ChunkStore;
      /** The followed candidate's id for a slug, undefined when none is followed under it. */
      candidateIdOf: (slug: string) => Promise<string | undefined>;
      limits: DocumentLimits;
      chunking: Required<Pick<ChunkOptions, 'targetTokens' | 'overlapTokens'>>;
      thread: DocumentThreadLimits;
    },
  ) {}

  async upload(file: UploadedFile, metadata: DocumentUploadMetadata, uploadedBy: string) {
    const { store } = this.deps;
    const contentHash = createHash('sha256').update(file.bytes).digest('hex');
    const byteSize = file.bytes.byteLength;
    const previous = await store.findByContentHash(contentHash);
    if (previous) return this.response(previous, true);
    const candidateId = metadata.candidate === undefined ? null : await this.candidateId(metadata.candidate);

    const documentId = randomUUID();
    const chunked = await readDocumentOffThread(
      {
        bytes: file.bytes,
        filename: file.filename,
        contentType: file.contentType,
        documentId,
        limits: this.deps.limits,
        chunking: this.deps.chunking,
      },
      this.deps.thread,
    ).catch((error: unknown) => {
      throw refusalOf(error);
    });
    const added = await store.addDocument(
      {
        id: documentId,
        contentHash,
        title: chunked.title,
        format: chunked.format,
        source: metadata.source ?? DEFAULT_DOCUMENT_SOURCE,
        filename: file.filename,
        byteSize,
        pageCount: chunked.pageCount ?? null,
        candidateId,
        analysisId: null,
        visibleTo: null,
        uploadedBy,
        chunking: { chunked: chunked.chunks.length, duplicatesRemoved: chunked.duplicatesRemoved },
      },
      chunked.chunks,
    );
    if (added.added) return this.response(added.document, false);
    // The same file, uploaded concurrently, committed first: answer with that one.
    const winner = await store.findByContentHash(contentHash);
    if (!winner) throw new Error('a document with the same content hash was reported but is gone');
    return this.response(winner, true);
  }

  async list(viewer: string): Promise<DocumentListItem[]> {
    return (await this.deps.store.listDocuments(viewer)).map(documentListItem);
  }

  async delete(id: string, viewer: string): Promise<void> {
    if (!(await this.deps.store.deleteDocument(id, viewer))) {
      throw httpError('CAMPAIGN_DOCUMENT_UNKNOWN', 'No such document');
    }
  }

  /**
   * Indexes a stored analysis' written summary (and a campaign analysis' highlights) as a
   * document of its own, of source 'analysis', that only its author sees: the chat can then cite
   * "what the analysis of 3 March said". A rivals comparison has no written summary and is skipped.
   */
  async indexAnalysis(analysis: RecordedAnalysis): Promise<void> {
    const written = writtenAnalysis(analysis);
    if (!written || written.blocks.length === 0) return;
    const candidateId = written.candidate === null ? null : await this.deps.candidateIdOf(written.candidate);
    const documentId = randomUUID();
    const chunked = chunkDocument(
      { format: 'text', title: written.title, sections: [{ headingPath: [written.title], blocks: written.blocks }] },
      { documentId, ...this.deps.chunking },
    );
    await this.deps.store.addDocument(
      {
        id: documentId,
        contentHash: createHash('sha256').update(`analysis:${analysis.id}`).digest('hex'),
        title: written.title,
        format: 'analysis',
        source: ANALYSIS_SOURCE,
        filename: null,
        byteSize: Buffer.byteLength(written.blocks.map((block) => block.text).join('\n')),
        pageCount: null,
        candidateId: candidateId ?? null,
        analysisId: analysis.id,
        visibleTo: analysis.requestedBy,
        uploadedBy: analysis.requestedBy,
        chunking: { chunked: chunked.chunks.length, duplicatesRemoved: chunked.duplicatesRemoved },
      },
      chunked.chunks,
    );
  }

  private async candidateId(slug: string): Promise<string> {
    const id = await this.deps.candidateIdOf(slug);
    if (id === undefined) throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${slug}"`);
    return id;
  }

  private response(document: StoredDocument, replayed: boolean): DocumentUploadResponse {
    return {
      document: documentListItem(document),
      replayed,
      counts: document.counts,
      retrieval: this.deps.store.retrieval,
    };
  }
}

/** The reader's refusals as the API's codes (one status each); a thread that gave up is over the limits. */
function refusalOf(error: unknown): unknown {
  if (isDocumentError(error)) return httpError(error.code, error.message, error.details);
  if (error instanceof DocumentThreadFailure) {
    return httpError(
      'DOCUMENT_TOO_LARGE',
      'The document could not be read within the limits of one upload (memory or time): split it into smaller files',
      { limit: 'thread' },
      { cause: error },
    );
  }
  return error;
}

const day = (iso: string) => iso.slice(0, 10);
const paragraphs = (texts: string[]) => texts.filter((text) => text.trim() !== '').map((text) => ({ text }));

/** The title and paragraphs an analysis is indexed by, or undefined when it has no written summary. */
function writtenAnalysis(
  analysis: RecordedAnalysis,
): { title: string; candidate: string | null; blocks: { text: string }[] } | undefined {
  const describe = (media: MediaAnalysis, label: string) => {
    const subject = media.candidate?.name ?? media.query ?? '';
    return {
      title: `${label}: ${subject} (${day(media.period.from)} a ${day(media.period.to)})`,
      candidate: media.candidate?.slug ?? null,
    };
  };
  if (analysis.kind === 'media') {
    const media = analysis.result as MediaAnalysis;
    return { ...describe(media, 'Análisis de medios'), blocks: paragraphs([media.summary.text]) };
  }
  if (analysis.kind === 'campaign') {
    const campaign = analysis.result as CampaignAnalysis;
    return {
      ...describe(campaign.analysis, 'Análisis de campaña'),
      blocks: paragraphs([campaign.analysis.summary.text, ...campaign.highlights]),
    };
  }
  return undefined;
}
