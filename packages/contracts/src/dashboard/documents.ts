import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from '../common.js';
import { candidateSlugSchema } from './candidates.js';

/**
 * The campaign's documents and the retrieval over them: `POST/GET/DELETE /api/documents` and
 * `/api/chat/rag/{search,sources,stats}`. Documents belong to the campaign (one per deployment):
 * every signed-in role reads them. A stored analysis is indexed too, as a document of source
 * `analysis` that only the user who asked for it sees.
 */

export const DOCUMENT_FILE_FORMATS = ['pdf', 'docx', 'markdown', 'text'] as const;
/** What a document was read from: an uploaded file's format, or `analysis` for an indexed analysis. */
export const INDEXED_DOCUMENT_FORMATS = [...DOCUMENT_FILE_FORMATS, 'analysis'] as const;
/** The source of every indexed analysis; an upload may not claim it. */
export const ANALYSIS_SOURCE = 'analysis';

/** A short label that groups documents ("programa", "prensa", "debate"); uploads default to "documento". */
export const documentSourceSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, {
  message: 'must be 1 to 40 lower-case letters, digits or dashes (for example "prensa")',
});

/** The multipart field `metadata` of `POST /api/documents` (JSON). */
export const documentUploadMetadataSchema = z
  .object({
    /** The followed candidate the document is about. */
    candidate: candidateSlugSchema.optional(),
    source: documentSourceSchema
      .refine((source) => source !== ANALYSIS_SOURCE, { message: `"${ANALYSIS_SOURCE}" is kept for indexed analyses` })
      .optional(),
  })
  .strict();
export type DocumentUploadMetadata = z.infer<typeof documentUploadMetadataSchema>;

/** How the search index sees the store: named in uploads, search answers and stats. */
export const retrievalModeSchema = z.object({
  /** `postgres`: tables in dashboard_db. */
  store: z.string(),
  /**
   * "offline lexical (BM25 over PostgreSQL spanish lexemes)" while no embeddings are configured;
   * "hybrid (…)" with them, and "lexical only (…)" in a search answer when the vector half failed.
   */
  mode: z.string(),
  /** The embedding model, or "none (offline lexical)". */
  embeddingModel: z.string(),
});

export const documentListItemSchema = z.object({
  id: uuidSchema,
  title: z.string(),
  format: z.enum(INDEXED_DOCUMENT_FORMATS),
  filename: z.string().nullable(),
  /** Pages of a PDF (null where a format has none). */
  pages: z.number().int().nullable(),
  /** Chunks stored for it (those already stored from another document are not counted). */
  chunks: z.number().int(),
  candidate: candidateSlugSchema.nullable(),
  source: z.string(),
  uploadedAt: isoDateTimeSchema,
  /** A document is stored in one transaction with its chunks, so a listed one is always searchable. */
  status: z.literal('indexed'),
});
export type DocumentListItem = z.infer<typeof documentListItemSchema>;

/** `POST /api/documents`: 201 stored, 200 the same file was stored before (replayed). */
export const documentUploadResponseSchema = z.object({
  document: documentListItemSchema,
  replayed: z.boolean(),
  counts: z.object({
    /** Chunks the reader cut the document into, after removing its own repeated paragraphs and chunks. */
    chunked: z.number().int(),
    stored: z.number().int(),
    /** Chunks whose text another stored document already holds: kept once, under the first document. */
    alreadyStored: z.number().int(),
    /** What de-duplication inside the document removed: repeated paragraphs and repeated chunks. */
    duplicatesRemoved: z.object({ blocks: z.number().int(), chunks: z.number().int() }),
  }),
  retrieval: retrievalModeSchema,
});
export type DocumentUploadResponse = z.infer<typeof documentUploadResponseSchema>;

export const documentListResponseSchema = z.object({ documents: z.array(documentListItemSchema) });
export type DocumentListResponse = z.infer<typeof documentListResponseSchema>;

export const documentIdParamsSchema = z.object({ id: uuidSchema });

/** Chunk ids are `<document id>:<ordinal>:<12 hex of the content hash>`. */
export const chunkIdSchema = z.string().regex(/^[0-9a-f-]{36}:\d{1,9}:[0-9a-f]{12}$/, { message: 'not a chunk id' });
export const chunkIdParamsSchema = z.object({ chunkId: chunkIdSchema });

export const ragSearchFiltersSchema = z
  .object({
    candidate: candidateSlugSchema.optional(),
    documentId: uuidSchema.optional(),
    source: documentSourceSchema.optional(),
    /** The document's upload (or analysis) time, inclusive bounds. */
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
  })
  .strict()
  .refine((filters) => !filters.from || !filters.to || Date.parse(filters.from) <= Date.parse(filters.to), {
    message: '"from" must not be after "to"',
    path: ['from'],
  });
export type RagSearchFilters = z.infer<typeof ragSearchFiltersSchema>;

/** `POST /api/chat/rag/search`. */
export const ragSearchRequestSchema = z
  .object({
    query: z.string().trim().min(1).max(500),
    filters: ragSearchFiltersSchema.default({}),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type RagSearchRequest = z.input<typeof ragSearchRequestSchema>;

export const ragChunkHitSchema = z.object({
  id: z.string(),
  documentId: uuidSchema,
  documentTitle: z.string(),
  source: z.string(),
  /** The heading path without the document's title, joined by " › " (empty before any heading). */
  sectionLabel: z.string(),
  pageStart: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
  /** The passage's first characters; `GET /api/chat/rag/sources/:chunkId` gives the whole text. */
  snippet: z.string(),
  /**
   * The relevance score: BM25 (lexical only), ts_rank (a question with search operators) or the
   * reciprocal-rank fusion of the lexical and vector ranks (hybrid); only its order is meaningful.
   */
  score: z.number(),
  /** 1 = best. */
  rank: z.number().int(),
});
export type RagChunkHit = z.infer<typeof ragChunkHitSchema>;

export const ragSearchResponseSchema = z.object({
  query: z.string(),
  chunks: z.array(ragChunkHitSchema),
  retrieval: retrievalModeSchema,
  tookMs: z.number(),
});
export type RagSearchResponse = z.infer<typeof ragSearchResponseSchema>;

const chunkNeighbourSchema = z.object({ id: z.string(), sectionLabel: z.string(), snippet: z.string() });

/** `GET /api/chat/rag/sources/:chunkId`: what a citation opens. */
export const ragSourceResponseSchema = z.object({
  id: z.string(),
  text: z.string(),
  headingPath: z.array(z.string()),
  sectionLabel: z.string(),
  pageStart: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
  document: documentListItemSchema,
  /** The chunks before and after it in the same document, when there are. */
  neighbours: z.object({ previous: chunkNeighbourSchema.nullable(), next: chunkNeighbourSchema.nullable() }),
});
export type RagSourceResponse = z.infer<typeof ragSourceResponseSchema>;

/** `GET /api/chat/rag/stats`. */
export const ragStatsResponseSchema = z.object({
  documents: z.number().int(),
  chunks: z.number().int(),
  retrieval: retrievalModeSchema,
  /** Bytes of the chunk table with its text index (PostgreSQL: table, TOAST and indexes). */
  indexBytes: z.number().int(),
  /**
   * The vector half: where the vectors are, how many, and how many passages still wait for their
   * embedding (embedding runs after an upload, so a provider outage never refuses a document).
   * Null when retrieval is lexical only (no embeddings configured).
   */
  vectors: z.object({ index: z.string(), vectors: z.number().int(), pending: z.number().int() }).nullable(),
  /** Over the last searches this replica answered (kept in memory, at most `window`); null before any. */
  queryLatencyMs: z.object({
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    samples: z.number().int(),
    window: z.number().int(),
  }),
});
export type RagStatsResponse = z.infer<typeof ragStatsResponseSchema>;
