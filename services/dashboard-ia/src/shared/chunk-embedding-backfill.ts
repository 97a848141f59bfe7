import type { Embedder } from '@castor/ai-providers';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { CHUNK_META_COLUMNS, type ChunkMetaRow, chunkMetaOf } from './chunk-rows.js';
import type { VectorIndex } from './vector-index.js';

/** How long the backfill waits after a failure (provider or index down) before it tries again. */
const RETRY_AFTER_MS = 60_000;

/** The name vectors are kept under: the model and its dimensions (a change of either re-embeds). */
export const embeddingKey = (embedder: Pick<Embedder, 'model' | 'dimensions'>) =>
  `${embedder.model}@${embedder.dimensions}`;

/**
 * Embeds the passages that have no vector of the configured model yet, after their upload has
 * committed: an upload never waits for the provider and is never refused because it is down
 * (its passages are searchable lexically at once, by vector once embedded). Triggered by each
 * upload and at start; a failure pauses it and it tries again later. `document_chunks.embedded_model`
 * marks what is done, so a restart resumes where it stopped and a retried batch is harmless.
 */
export class ChunkEmbeddingBackfill {
  private running: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  readonly key: string;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      embedder: Embedder;
      index: VectorIndex;
      log: FastifyBaseLogger;
      /** Passages per embedding request. */
      batch: number;
    },
  ) {
    this.key = embeddingKey(deps.embedder);
  }

  /** Starts a pass, or asks the running one to look again when it ends. */
  trigger(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.retry);
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.trigger();
      }
    });
  }

  /** Passages still waiting for their vector. */
  async pending(): Promise<number> {
    const { rows } = await this.deps.pool.query<{ pending: number }>({
      name: 'chunks-pending-embedding',
      text: 'SELECT count(*)::int AS pending FROM document_chunks WHERE embedded_model IS DISTINCT FROM $1',
      values: [this.key],
    });
    return rows[0]?.pending ?? 0;
  }

  /** Resolves when no pass is running (tests and the benchmark wait for the vectors with it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.idle();
  }

  private async pass(): Promise<void> {
    try {
      let embedded = 0;
      for (;;) {
        if (this.closed) return;
        const done = await this.embedBatch();
        if (done === 0) break;
        embedded += done;
      }
      if (embedded > 0) this.deps.log.info({ embedded, model: this.key }, 'passages embedded');
    } catch (error) {
      this.deps.log.warn(
        { err: error, index: this.deps.index.name, model: this.key, retryInMs: RETRY_AFTER_MS },
        'embedding passages failed; they stay searchable lexically and are retried',
      );
      this.retry = setTimeout(() => this.trigger(), RETRY_AFTER_MS);
      this.retry.unref();
    }
  }

  private async embedBatch(): Promise<number> {
    const { pool, embedder, index, batch } = this.deps;
    const { rows } = await pool.query<ChunkMetaRow & { id: string; index_text: string }>(
      `SELECT c.id, c.index_text, ${CHUNK_META_COLUMNS}
         FROM document_chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.embedded_model IS DISTINCT FROM $1
        ORDER BY c.id
        LIMIT $2`,
      [this.key, batch],
    );
    if (rows.length === 0) return 0;
    const embeddings = await embedder.embed(rows.map((row) => row.index_text));
    await index.upsert(
      rows.map((row, position) => ({
        chunkId: row.id,
        model: this.key,
        embedding: embeddings[position] as Float32Array,
        meta: chunkMetaOf(row),
      })),
    );
    await pool.query('UPDATE document_chunks SET embedded_model = $1 WHERE id = ANY($2::text[])', [
      this.key,
      rows.map((row) => row.id),
    ]);
    return rows.length;
  }
}
