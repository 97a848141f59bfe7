import type pg from 'pg';
import { ChunkRows, TopRows } from './chunk-rows.js';
import type { ChunkVector, VectorFilters, VectorHit, VectorIndex, VectorMeta } from './vector-index.js';

/** Vectors read from dashboard_db per round trip at start. */
const LOAD_BATCH = 10_000;

/**
 * The embedded vector index: vectors kept in dashboard_db (`chunk_embeddings`, which is what
 * persists) and searched exactly in memory. Each vector is held as int8 with its own scale
 * (a quarter of float32's memory: 100,000 vectors of 256 dimensions take 25 MB) and compared with
 * the question's float32 vector by a full scan. Measured against PGlite with pgvector's HNSW in
 * bench/results/vector-stores.json; why this one is in the README.
 *
 * One model at a time: vectors of another model (before a change of OPENAI_EMBEDDING_MODEL) are
 * not loaded, and the backfill replaces them. Deleted documents' rows leave the matrix at once in
 * this process; the table loses them by cascade.
 */
export class PostgresVectorIndex implements VectorIndex {
  readonly name = 'postgres (exact scan in memory, int8)';
  private readonly matrix: VectorMatrix;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly model: string,
    dimensions: number,
  ) {
    this.matrix = new VectorMatrix(dimensions);
  }

  /** Reads every stored vector of `model` into memory. */
  static async load(pool: pg.Pool, model: string, dimensions: number): Promise<PostgresVectorIndex> {
    const index = new PostgresVectorIndex(pool, model, dimensions);
    let after = '';
    for (;;) {
      const { rows } = await pool.query<{
        chunk_id: string;
        embedding: Buffer;
        document_id: string;
        source: string;
        candidate_id: string | null;
        visible_to: string | null;
        created_at_ms: string;
      }>(
        `SELECT e.chunk_id, e.embedding, c.document_id, d.source, d.candidate_id, c.visible_to,
                (extract(epoch FROM d.created_at) * 1000)::bigint AS created_at_ms
           FROM chunk_embeddings e
           JOIN document_chunks c ON c.id = e.chunk_id
           JOIN documents d ON d.id = c.document_id
          WHERE e.model = $1 AND e.chunk_id > $2
          ORDER BY e.chunk_id
          LIMIT ${LOAD_BATCH}`,
        [model, after],
      );
      for (const row of rows) {
        if (row.embedding.byteLength !== dimensions * 4) continue;
        index.matrix.put(row.chunk_id, float32Of(row.embedding), {
          documentId: row.document_id,
          source: row.source,
          candidateId: row.candidate_id,
          visibleTo: row.visible_to,
          createdAtMs: Number(row.created_at_ms),
        });
      }
      if (rows.length < LOAD_BATCH) return index;
      after = (rows.at(-1) as { chunk_id: string }).chunk_id;
    }
  }

  async upsert(vectors: readonly ChunkVector[]): Promise<void> {
    const own = vectors.filter(
      (vector) => vector.model === this.model && vector.embedding.length === this.matrix.dimensions,
    );
    if (own.length === 0) return;
    // A chunk deleted meanwhile is skipped (the join), so no vector outlives its passage.
    await this.pool.query(
      `INSERT INTO chunk_embeddings (chunk_id, model, embedding)
       SELECT u.chunk_id, $1, u.embedding
         FROM unnest($2::text[], $3::bytea[]) AS u(chunk_id, embedding)
         JOIN document_chunks c ON c.id = u.chunk_id
       ON CONFLICT (chunk_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding`,
      [
        this.model,
        own.map((vector) => vector.chunkId),
        own.map((vector) =>
          Buffer.from(vector.embedding.buffer, vector.embedding.byteOffset, vector.embedding.byteLength),
        ),
      ],
    );
    for (const vector of own) this.matrix.put(vector.chunkId, vector.embedding, vector.meta);
  }

  async deleteDocument(documentId: string): Promise<void> {
    this.matrix.removeDocument(documentId);
  }

  async query(embedding: Float32Array, limit: number, filters: VectorFilters): Promise<VectorHit[]> {
    if (filters.model !== this.model || embedding.length !== this.matrix.dimensions) return [];
    return this.matrix.nearest(embedding, limit, filters);
  }

  async count(): Promise<number> {
    return this.matrix.size;
  }
}

const float32Of = (bytes: Buffer): Float32Array => {
  // A copy: the pg driver's Buffer may be a view into a larger pooled allocation.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
};

/** Unit vectors as int8 rows with one scale each, over a registry of passages. */
class VectorMatrix {
  private values = new Int8Array(0);
  private scales = new Float32Array(0);
  private readonly registry = new ChunkRows((capacity) => {
    const values = new Int8Array(capacity * this.dimensions);
    values.set(this.values);
    this.values = values;
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    this.scales = scales;
  });

  constructor(readonly dimensions: number) {}

  get size(): number {
    return this.registry.size;
  }

  put(chunkId: string, vector: Float32Array, meta: VectorMeta): void {
    const { row } = this.registry.put(chunkId, meta);
    let largest = 0;
    for (const value of vector) largest = Math.max(largest, Math.abs(value));
    const scale = largest === 0 ? 1 : largest / 127;
    const offset = row * this.dimensions;
    for (let index = 0; index < this.dimensions; index += 1) {
      this.values[offset + index] = Math.round((vector[index] as number) / scale);
    }
    this.scales[row] = scale;
  }

  removeDocument(documentId: string): void {
    this.registry.removeDocument(documentId);
  }

  /** The `limit` best rows by dot product (cosine: both sides are unit vectors), best first. */
  nearest(query: Float32Array, limit: number, filters: VectorFilters): VectorHit[] {
    const allowed = this.registry.matcher(filters, filters.viewer);
    const top = new TopRows(limit);
    const { dimensions, values } = this;
    for (let row = 0; row < this.registry.rows; row += 1) {
      if (!allowed(row)) continue;
      const offset = row * dimensions;
      let dot = 0;
      for (let index = 0; index < dimensions; index += 1) {
        dot += (query[index] as number) * (values[offset + index] as number);
      }
      top.offer(row, dot * (this.scales[row] as number));
    }
    return top.best().map(({ row, score }) => ({ chunkId: this.registry.chunkId(row), similarity: score }));
  }
}
