import type pg from 'pg';
import { CHUNK_META_COLUMNS, type ChunkMetaRow, ChunkRows, chunkMetaOf, TopRows } from './chunk-rows.js';
import type { ChunkVector, VectorFilters, VectorHit, VectorIndex, VectorMeta } from './vector-index.js';

/** Vectors read from dashboard_db per round trip at start. */
const LOAD_BATCH = 10_000;

/**
 * The embedded vector index: vectors kept in dashboard_db (`chunk_embeddings`, which is what
 * persists) and searched in memory. Each vector is held as int8 with its own scale (a quarter of
 * float32's memory: 100,000 vectors of 256 dimensions take 25 MB) plus a sign code that picks the
 * candidates the int8 vectors rank. Measured against PGlite with pgvector's HNSW in
 * bench/results/vector-stores.json; why this one is in the README.
 *
 * One model at a time: vectors of another model (before a change of OPENAI_EMBEDDING_MODEL) are
 * not loaded, and the backfill replaces them. Deleted documents' rows leave the matrix at once in
 * this process; the table loses them by cascade.
 */
export class PostgresVectorIndex implements VectorIndex {
  readonly name = 'postgres (in memory: sign codes, then int8)';
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
      const { rows } = await pool.query<ChunkMetaRow & { chunk_id: string; embedding: Buffer }>(
        `SELECT e.chunk_id, e.embedding, ${CHUNK_META_COLUMNS}
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
        index.matrix.put(row.chunk_id, float32Of(row.embedding), chunkMetaOf(row));
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

/** Bits set in every 16-bit value: two lookups count a 32-bit word's. */
const BITS_IN = (() => {
  const table = new Uint8Array(65_536);
  for (let value = 1; value < 65_536; value += 1) table[value] = (table[value >> 1] as number) + (value & 1);
  return table;
})();

/**
 * Candidates the sign codes let through to the exact comparison, per result asked: enough that
 * the codes' coarse order almost never drops a true top result (measured in the tests and the
 * benchmark as recall against the exact scan).
 */
const CANDIDATES_PER_RESULT = 20;
const MIN_CANDIDATES = 500;

/**
 * Unit vectors as int8 rows with one scale each, and a sign code per row (one bit per dimension)
 * over a registry of passages. A search compares the question's code with every allowed row's by
 * Hamming distance (a few integer operations per 32 dimensions), keeps the closest candidates, and
 * ranks only those by the int8 dot product: an exact scan of 100,000 × 256 took 60–100 ms of the
 * event loop, this a few.
 */
export class VectorMatrix {
  private values = new Int8Array(0);
  private scales = new Float32Array(0);
  private codes = new Int32Array(0);
  private distances = new Uint16Array(0);
  private readonly words: number;
  private readonly registry = new ChunkRows((capacity) => {
    const values = new Int8Array(capacity * this.dimensions);
    values.set(this.values);
    this.values = values;
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    this.scales = scales;
    const codes = new Int32Array(capacity * this.words);
    codes.set(this.codes);
    this.codes = codes;
    this.distances = new Uint16Array(capacity);
  });

  constructor(readonly dimensions: number) {
    this.words = Math.ceil(dimensions / 32);
  }

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
    this.codes.set(signCode(vector, this.words), row * this.words);
  }

  removeDocument(documentId: string): void {
    this.registry.removeDocument(documentId);
  }

  /** The `limit` best rows by dot product (cosine: both sides are unit vectors), best first. */
  nearest(query: Float32Array, limit: number, filters: VectorFilters): VectorHit[] {
    const allowed = this.registry.matcher(filters, filters.viewer);
    const { words, codes, distances, dimensions, values } = this;
    const queryCode = signCode(query, words);
    // Pass 1: every allowed row's Hamming distance, counted by distance.
    const rowsAt = new Uint32Array(dimensions + 2);
    const rows = this.registry.rows;
    for (let row = 0; row < rows; row += 1) {
      if (!allowed(row)) {
        distances[row] = 0xffff;
        continue;
      }
      let distance = 0;
      const offset = row * words;
      for (let word = 0; word < words; word += 1) {
        const differing = (codes[offset + word] as number) ^ (queryCode[word] as number);
        distance += (BITS_IN[differing & 0xffff] as number) + (BITS_IN[differing >>> 16] as number);
      }
      distances[row] = distance;
      rowsAt[distance] = (rowsAt[distance] as number) + 1;
    }
    // The distance within which the wanted number of candidates lies.
    const wanted = Math.max(MIN_CANDIDATES, limit * CANDIDATES_PER_RESULT);
    let within = 0;
    let seen = 0;
    while (within <= dimensions && seen + (rowsAt[within] as number) < wanted) {
      seen += rowsAt[within] as number;
      within += 1;
    }
    // Pass 2: the candidates ranked by the int8 dot product.
    const top = new TopRows(limit);
    for (let row = 0; row < rows; row += 1) {
      if ((distances[row] as number) > within) continue;
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

/** One bit per dimension, set where the value is positive. */
function signCode(vector: Float32Array, words: number): Int32Array {
  const code = new Int32Array(words);
  for (let index = 0; index < vector.length; index += 1) {
    if ((vector[index] as number) > 0) code[index >> 5] = (code[index >> 5] as number) | (1 << (index & 31));
  }
  return code;
}
