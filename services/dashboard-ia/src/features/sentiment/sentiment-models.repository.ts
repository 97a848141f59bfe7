import type { SentimentDistillationReport } from '@castor/contracts';
import { type ModelFile, modelFileSchema } from '@castor/sentiment-es';
import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';

export interface StoredSentimentModel {
  version: string;
  name: string;
  active: boolean;
  createdAt: Date;
  report: SentimentDistillationReport;
}

/** Posts whose offline score is cleared per statement when a new version is activated. */
const RESCORE_BATCH = 5_000;

/** `sentiment_models`: the offline models distilled in this service, at most one of them active. */
export class SentimentModelsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<StoredSentimentModel[]> {
    const { rows } = await this.pool.query<StoredSentimentModel>(
      `SELECT version, name, active, created_at AS "createdAt", report FROM sentiment_models ORDER BY created_at DESC`,
    );
    return rows;
  }

  /** The active version's name (null: none, the committed model scores); the cheap query replicas poll. */
  async activeVersion(): Promise<string | null> {
    const { rows } = await this.pool.query<{ version: string }>(
      `SELECT version FROM sentiment_models WHERE active LIMIT 1`,
    );
    return rows[0]?.version ?? null;
  }

  async file(version: string): Promise<ModelFile> {
    const { rows } = await this.pool.query<{ file: unknown }>(`SELECT file FROM sentiment_models WHERE version = $1`, [
      version,
    ]);
    return modelFileSchema.parse(rows[0]?.file);
  }

  async insert(model: { file: ModelFile; report: SentimentDistillationReport }): Promise<void> {
    await this.pool.query(
      `INSERT INTO sentiment_models (version, name, file, report) VALUES ($1, $2, $3, $4)
       ON CONFLICT (version) DO UPDATE SET file = EXCLUDED.file, report = EXCLUDED.report`,
      [model.file.version, model.file.name, JSON.stringify(model.file), JSON.stringify(model.report)],
    );
  }

  /**
   * Makes `version` the only active model; null deactivates them all (the committed model scores
   * again). False when no stored model has that version.
   */
  activate(version: string | null): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      if (version !== null) {
        const found = await client.query(`SELECT 1 FROM sentiment_models WHERE version = $1 FOR UPDATE`, [version]);
        if (found.rowCount === 0) return false;
      }
      await client.query(
        `UPDATE sentiment_models SET active = (version IS NOT DISTINCT FROM $1::text) WHERE active OR version = $1`,
        [version],
      );
      return true;
    });
  }

  /**
   * Clears the score of the posts an offline model `name` scored with another version than
   * `current`, a batch per statement (no long lock on the table), so the background scoring scores
   * them again. Posts scored by an ONNX or LLM provider are left alone.
   */
  async markForRescoring(name: string, current: string): Promise<number> {
    let marked = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `WITH stale AS (
           SELECT id FROM posts
            WHERE sentiment_label IS NOT NULL AND starts_with(sentiment_model, $1) AND sentiment_model <> $2
            LIMIT $3 FOR UPDATE SKIP LOCKED)
         UPDATE posts SET sentiment_label = NULL, sentiment_score = NULL, sentiment_model = NULL
           FROM stale WHERE posts.id = stale.id`,
        [`${name}@`, `${name}@${current}`, RESCORE_BATCH],
      );
      if (!rowCount) return marked;
      marked += rowCount;
    }
  }
}
