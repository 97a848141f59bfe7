import type { ChunkMeta } from './chunk-rows.js';
import type { ChunkFilters } from './chunk-store.js';

/**
 * The vector half of retrieval: chunk embeddings and the nearest ones to a question's embedding.
 * The lexical half and the chunks themselves stay in dashboard_db (`PostgresChunkStore`); an index
 * holds only ids, vectors and the metadata the filters need, so a hit is always resolved (text,
 * visibility, deletion) through PostgreSQL. Two implementations: the embedded one (vectors in
 * dashboard_db, searched exactly in memory) and Chroma when `CHROMA_URL` is set.
 */
export interface VectorIndex {
  /** Named in the stats and every search answer, e.g. "chroma" or "postgres (exact, in memory)". */
  readonly name: string;
  /** Adds or replaces vectors by chunk id (a retried batch is harmless). */
  upsert(vectors: readonly ChunkVector[]): Promise<void>;
  /** Forgets every vector of a document (called after the document is deleted from dashboard_db). */
  deleteDocument(documentId: string): Promise<void>;
  /**
   * The `limit` vectors most similar (cosine) to `embedding` among those the filters and the viewer
   * allow, most similar first.
   */
  query(embedding: Float32Array, limit: number, filters: VectorFilters): Promise<VectorHit[]>;
  /** How many vectors the index holds. */
  count(): Promise<number>;
}

export interface ChunkVector {
  chunkId: string;
  /** The embedding model that produced it: a query is only compared with vectors of its own model. */
  model: string;
  embedding: Float32Array;
  meta: VectorMeta;
}

/** What the search filters need to know of a chunk without a trip to dashboard_db. */
export type VectorMeta = ChunkMeta;

export interface VectorFilters extends ChunkFilters {
  model: string;
  viewer: string;
}

export interface VectorHit {
  chunkId: string;
  /** Cosine similarity, 1 = same direction. */
  similarity: number;
}
