import type { Embedder } from '@castor/ai-providers';
import type { FastifyBaseLogger } from 'fastify';
import type { ChunkEmbeddingBackfill } from './chunk-embedding-backfill.js';
import type {
  AddedDocument,
  ChunkFilters,
  ChunkSearch,
  ChunkStore,
  ChunkStoreStats,
  ChunkToStore,
  NewDocument,
  RetrievalMode,
  StoredChunk,
  StoredDocument,
} from './chunk-store.js';
import type { PostgresChunkStore } from './postgres-chunk-store.js';
import type { VectorIndex } from './vector-index.js';

/** Reciprocal rank fusion's constant (Cormack et al. 2009): a rank r adds 1 / (60 + r). */
const RRF_K = 60;
/** Passages each half ranks before fusion: enough for a passage good in one half only to reach the top. */
const FUSION_DEPTH = 50;
/** Questions whose embedding is kept (a chat turn searches once for the answer and again for its citations). */
const QUERY_CACHE_SIZE = 512;

/**
 * Lexical and vector retrieval fused by reciprocal rank: BM25 over the Spanish lexemes (the
 * `PostgresChunkStore` it wraps, which also keeps the documents and passages) and the nearest
 * embeddings in a `VectorIndex` (embedded, or Chroma). Fusing ranks, not scores, needs no tuning
 * between two scales that do not compare. When the vector half fails (provider or index down)
 * the answer is the lexical half alone and says so in its `retrieval`.
 */
export class HybridChunkStore implements ChunkStore {
  readonly retrieval: RetrievalMode;
  private readonly queryEmbeddings = new Map<string, Float32Array>();

  constructor(
    private readonly deps: {
      lexical: PostgresChunkStore;
      vectors: VectorIndex;
      embedder: Embedder;
      backfill: ChunkEmbeddingBackfill;
      log: FastifyBaseLogger;
    },
  ) {
    this.retrieval = {
      store: `postgres + ${deps.vectors.name}`,
      mode: 'hybrid (BM25 over PostgreSQL spanish lexemes + vectors, reciprocal rank fusion)',
      embeddingModel: `${deps.embedder.provider} ${deps.embedder.model} (${deps.embedder.dimensions} dimensions)`,
    };
  }

  async addDocument(document: NewDocument, chunks: readonly ChunkToStore[]): Promise<AddedDocument> {
    const added = await this.deps.lexical.addDocument(document, chunks);
    if (added.added) this.deps.backfill.trigger();
    return added;
  }

  findByContentHash(contentHash: string): Promise<StoredDocument | undefined> {
    return this.deps.lexical.findByContentHash(contentHash);
  }

  listDocuments(viewer: string): Promise<StoredDocument[]> {
    return this.deps.lexical.listDocuments(viewer);
  }

  async deleteDocument(id: string, viewer: string): Promise<boolean> {
    const deleted = await this.deps.lexical.deleteDocument(id, viewer);
    if (deleted) {
      // Hits are resolved through dashboard_db, so a vector left behind is never shown.
      await this.deps.vectors.deleteDocument(id).catch((error: unknown) => {
        this.deps.log.warn({ err: error, documentId: id }, 'deleting the vectors of a document failed');
      });
    }
    return deleted;
  }

  get(chunkId: string, viewer: string): Promise<StoredChunk | undefined> {
    return this.deps.lexical.get(chunkId, viewer);
  }

  async search(query: string, filters: ChunkFilters, limit: number, viewer: string): Promise<ChunkSearch> {
    const depth = Math.max(limit, FUSION_DEPTH);
    const [lexical, vector] = await Promise.all([
      this.deps.lexical.rankedIds(query, filters, depth, viewer),
      this.vectorRanks(query, filters, depth, viewer),
    ]);
    if ('failure' in vector) {
      const hits = await this.deps.lexical.hitsOf(lexical.slice(0, limit), viewer);
      return { hits, retrieval: { ...this.retrieval, mode: `lexical only (vectors unavailable: ${vector.failure})` } };
    }
    const fused = new Map<string, number>();
    for (const ranking of [lexical, vector.ranked]) {
      ranking.forEach(({ chunkId }, index) => {
        fused.set(chunkId, (fused.get(chunkId) ?? 0) + 1 / (RRF_K + index + 1));
      });
    }
    // A stable sort: equal fused scores keep the lexical order (the map was filled from it first).
    const best = [...fused]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([chunkId, score]) => ({ chunkId, score }));
    return { hits: await this.deps.lexical.hitsOf(best, viewer), retrieval: this.retrieval };
  }

  async stats(): Promise<ChunkStoreStats> {
    const [counts, vectors, pending] = await Promise.all([
      this.deps.lexical.stats(),
      this.deps.vectors.count(),
      this.deps.backfill.pending(),
    ]);
    return { ...counts, vectors: { index: this.deps.vectors.name, vectors, pending } };
  }

  private async vectorRanks(
    query: string,
    filters: ChunkFilters,
    depth: number,
    viewer: string,
  ): Promise<{ ranked: Array<{ chunkId: string }> } | { failure: string }> {
    try {
      const embedding = await this.queryEmbedding(query);
      const hits = await this.deps.vectors.query(embedding, depth, {
        ...filters,
        model: this.deps.backfill.key,
        viewer,
      });
      return { ranked: hits };
    } catch (error) {
      this.deps.log.warn({ err: error, index: this.deps.vectors.name }, 'vector search failed; answering lexically');
      return { failure: error instanceof Error ? error.name : 'error' };
    }
  }

  private async queryEmbedding(query: string): Promise<Float32Array> {
    const cached = this.queryEmbeddings.get(query);
    if (cached) {
      // Most recently used last: the first key is the one to drop.
      this.queryEmbeddings.delete(query);
      this.queryEmbeddings.set(query, cached);
      return cached;
    }
    const [embedding] = await this.deps.embedder.embed([query]);
    if (!embedding) throw new Error('the embedding provider returned no vector');
    this.queryEmbeddings.set(query, embedding);
    if (this.queryEmbeddings.size > QUERY_CACHE_SIZE) {
      this.queryEmbeddings.delete(this.queryEmbeddings.keys().next().value as string);
    }
    return embedding;
  }
}
