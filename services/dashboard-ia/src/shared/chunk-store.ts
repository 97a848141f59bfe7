import type { DocumentUploadResponse } from '@castor/contracts';

/**
 * Where the campaign's documents and their passages are kept and searched. One interface so the
 * chat and the document routes do not care which engine answers: `PostgresChunkStore` (tables in
 * dashboard_db, PostgreSQL's Spanish text search) is the embedded offline default; a vector store
 * (Chroma, embeddings) implements the same methods.
 *
 * `viewer` is the signed-in user's id: campaign documents are everyone's, an indexed analysis is
 * its author's only, and every read filters by it.
 */
export interface ChunkStore {
  /** Named in every upload, search answer and stats, so nobody mistakes lexical search for semantic. */
  readonly retrieval: RetrievalMode;
  /**
   * Stores a document and its chunks atomically; chunks whose content hash a campaign document
   * already holds are skipped. `added: false` when a document with the same content hash exists.
   */
  addDocument(document: NewDocument, chunks: readonly ChunkToStore[]): Promise<AddedDocument>;
  findByContentHash(contentHash: string): Promise<StoredDocument | undefined>;
  listDocuments(viewer: string): Promise<StoredDocument[]>;
  /** Removes a document the viewer sees and its chunks; false when there is none. */
  deleteDocument(id: string, viewer: string): Promise<boolean>;
  /** The best passages for a question; `retrieval` says how they were found (a hybrid store may fall back to lexical). */
  search(query: string, filters: ChunkFilters, limit: number, viewer: string): Promise<ChunkSearch>;
  get(chunkId: string, viewer: string): Promise<StoredChunk | undefined>;
  stats(): Promise<ChunkStoreStats>;
}

export interface ChunkStoreStats {
  documents: number;
  chunks: number;
  indexBytes: number;
  /** The vector half; null when the store is lexical only. */
  vectors: { index: string; vectors: number; pending: number } | null;
}

export interface ChunkSearch {
  hits: ChunkHit[];
  retrieval: RetrievalMode;
}

export interface RetrievalMode {
  store: string;
  mode: string;
  embeddingModel: string;
}

export type UploadCounts = DocumentUploadResponse['counts'];

export interface NewDocument {
  id: string;
  contentHash: string;
  title: string;
  format: 'pdf' | 'docx' | 'markdown' | 'text' | 'analysis';
  source: string;
  filename: string | null;
  byteSize: number;
  pageCount: number | null;
  candidateId: string | null;
  analysisId: string | null;
  /** The only user who sees it (an analysis' author); null = the whole campaign. */
  visibleTo: string | null;
  uploadedBy: string;
  /** What chunking found before storing: `stored` and `alreadyStored` are the store's to count. */
  chunking: Pick<UploadCounts, 'chunked' | 'duplicatesRemoved'>;
}

export interface ChunkToStore {
  id: string;
  ordinal: number;
  headingPath: string[];
  sectionLabel: string;
  pageStart?: number | undefined;
  pageEnd?: number | undefined;
  text: string;
  indexText: string;
  contentHash: string;
  tokenEstimate: number;
}

export type AddedDocument = { added: true; document: StoredDocument } | { added: false };

export interface StoredDocument {
  id: string;
  title: string;
  format: NewDocument['format'];
  source: string;
  filename: string | null;
  pageCount: number | null;
  candidateSlug: string | null;
  visibleTo: string | null;
  counts: UploadCounts;
  createdAt: string;
}

export interface ChunkFilters {
  candidateId?: string | undefined;
  documentId?: string | undefined;
  source?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface ChunkHit {
  id: string;
  documentId: string;
  documentTitle: string;
  source: string;
  sectionLabel: string;
  pageStart: number | null;
  pageEnd: number | null;
  snippet: string;
  score: number;
}

export interface ChunkNeighbour {
  id: string;
  sectionLabel: string;
  snippet: string;
}

export interface StoredChunk {
  id: string;
  text: string;
  headingPath: string[];
  sectionLabel: string;
  pageStart: number | null;
  pageEnd: number | null;
  document: StoredDocument;
  neighbours: { previous: ChunkNeighbour | null; next: ChunkNeighbour | null };
}
