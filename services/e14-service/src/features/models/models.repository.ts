import type { ModelEvaluation, RecognizerModel } from '@castor/contracts';
import { withTransaction } from '@castor/service-kit';
import type pg from 'pg';
import { type AuditInput, appendAudit } from '../../shared/audit-chain.js';

/** A version as the routes show it (its model JSON stays in the database). */
type ModelRow = {
  version: number;
  source: RecognizerModel['source'];
  status: RecognizerModel['status'];
  sha256: string;
  created_at: Date;
  promoted_at: Date | null;
  evaluation: ModelEvaluation | null;
  learned_from_cells: number;
  note: string;
};

const SUMMARY_COLUMNS =
  'version, source, status, sha256, created_at, promoted_at, evaluation, learned_from_cells, note';

const toModel = (row: ModelRow): RecognizerModel => ({
  version: row.version,
  source: row.source,
  status: row.status,
  sha256: row.sha256,
  createdAt: row.created_at.toISOString(),
  promotedAt: row.promoted_at?.toISOString() ?? null,
  evaluation: row.evaluation,
  learnedFromCells: row.learned_from_cells,
  note: row.note,
});

/** A version to register: its model file's text and where it comes from. */
export interface NewModelVersion {
  version: number;
  json: string;
  sha256: string;
  source: RecognizerModel['source'];
  status: RecognizerModel['status'];
  learnedFromCells: number;
  note: string;
}

/** What making a version active found: the version (before), and the one active until then. */
export type Activation =
  | { outcome: 'unknown' }
  | { outcome: 'refused'; model: RecognizerModel }
  | { outcome: 'replay'; model: RecognizerModel }
  | { outcome: 'activated'; model: RecognizerModel; previousVersion: number | null };

/** recognizer_models: the registry of the local recognizer's model versions. */
export class ModelsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Registers `model` unless a version with its number exists, or (`onlyIfEmpty`) the registry
   * holds any: one statement, so replicas starting at once on an empty registry register it once
   * (the loser waits on the primary key, then does nothing). True when it registered it.
   */
  async register(model: NewModelVersion, onlyIfEmpty: boolean): Promise<boolean> {
    const inserted = await this.pool.query(
      `INSERT INTO recognizer_models (version, model, sha256, source, status, promoted_at, learned_from_cells, note)
       SELECT $1, $2::jsonb, $3, $4, $5, CASE WHEN $5 = 'active' THEN now() END, $6, $7
       WHERE NOT ($8::boolean AND EXISTS (SELECT 1 FROM recognizer_models))
       ON CONFLICT DO NOTHING`,
      [
        model.version,
        model.json,
        model.sha256,
        model.source,
        model.status,
        model.learnedFromCells,
        model.note,
        onlyIfEmpty,
      ],
    );
    return inserted.rowCount === 1;
  }

  /** The active version (a lookup on the partial unique index, cheap enough to poll). */
  async active(): Promise<RecognizerModel | null> {
    const result = await this.pool.query<ModelRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM recognizer_models WHERE status = 'active'`,
    );
    return result.rows[0] ? toModel(result.rows[0]) : null;
  }

  /** A version's model file JSON as text. */
  async modelText(version: number): Promise<string | null> {
    const result = await this.pool.query<{ model: string }>(
      'SELECT model::text AS model FROM recognizer_models WHERE version = $1',
      [version],
    );
    return result.rows[0]?.model ?? null;
  }

  async list(): Promise<RecognizerModel[]> {
    const result = await this.pool.query<ModelRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM recognizer_models ORDER BY version DESC`,
    );
    return result.rows.map(toModel);
  }

  /** The number the next trained version takes. */
  async nextVersion(): Promise<number> {
    const result = await this.pool.query<{ next: number }>(
      'SELECT coalesce(max(version), 0) + 1 AS next FROM recognizer_models',
    );
    return result.rows[0]?.next ?? 1;
  }

  /**
   * Registers a trained candidate with the gate's evaluation, in one transaction under the
   * registry's lock: promoted (the active version retired, this one active) when the gate said so
   * and the version it was judged against is still the active one, else rejected; audited either way.
   */
  async registerTrained(
    model: Omit<NewModelVersion, 'status' | 'source'>,
    evaluation: ModelEvaluation,
    actor: string,
  ): Promise<{ model: RecognizerModel; promoted: boolean }> {
    return withTransaction(this.pool, async (client) => {
      await client.query('LOCK TABLE recognizer_models IN SHARE ROW EXCLUSIVE MODE');
      const active = await client.query<{ version: number }>(
        "SELECT version FROM recognizer_models WHERE status = 'active'",
      );
      const stored: ModelEvaluation =
        evaluation.decision === 'promoted' && active.rows[0]?.version !== evaluation.previousVersion
          ? {
              ...evaluation,
              decision: 'rejected',
              reasons: [
                `the active version changed while it was trained (it was judged against v${evaluation.previousVersion})`,
              ],
            }
          : evaluation;
      const promoted = stored.decision === 'promoted';
      if (promoted) await client.query(`UPDATE recognizer_models SET status = 'retired' WHERE status = 'active'`);
      const inserted = await client.query<ModelRow>(
        `INSERT INTO recognizer_models (version, model, sha256, source, status, promoted_at, evaluation, learned_from_cells, note)
         VALUES ($1, $2::jsonb, $3, 'trained', $4, CASE WHEN $4 = 'active' THEN now() END, $5::jsonb, $6, $7)
         RETURNING ${SUMMARY_COLUMNS}`,
        [
          model.version,
          model.json,
          model.sha256,
          promoted ? 'active' : 'rejected',
          JSON.stringify(stored),
          model.learnedFromCells,
          model.note,
        ],
      );
      await appendAudit(client, [
        {
          actor,
          action: promoted ? 'recognizer_model.promoted' : 'recognizer_model.rejected',
          entity: 'recognizer_model',
          entityId: String(model.version),
          before: { activeVersion: stored.previousVersion },
          after: promoted
            ? { activeVersion: model.version, learnedFromCells: model.learnedFromCells }
            : { activeVersion: stored.previousVersion, reasons: stored.reasons },
        },
      ]);
      return { model: toModel(inserted.rows[0] as ModelRow), promoted };
    });
  }

  /**
   * Makes `version` the active one in one transaction, the previous active retired, with the audit
   * entry `audit` gives; `eligible` says which statuses may become active. Writers of the registry
   * queue on a table lock (readers do not), so two activations at once leave one active version.
   */
  async activate(
    version: number,
    eligible: (model: RecognizerModel) => boolean,
    audit: (model: RecognizerModel, previousVersion: number | null) => AuditInput,
  ): Promise<Activation> {
    return withTransaction(this.pool, async (client) => {
      await client.query('LOCK TABLE recognizer_models IN SHARE ROW EXCLUSIVE MODE');
      const found = await client.query<ModelRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM recognizer_models WHERE version = $1`,
        [version],
      );
      const row = found.rows[0];
      if (!row) return { outcome: 'unknown' };
      const model = toModel(row);
      if (model.status === 'active') return { outcome: 'replay', model };
      if (!eligible(model)) return { outcome: 'refused', model };
      const retired = await client.query<{ version: number }>(
        `UPDATE recognizer_models SET status = 'retired' WHERE status = 'active' RETURNING version`,
      );
      const activated = await client.query<ModelRow>(
        `UPDATE recognizer_models SET status = 'active', promoted_at = now() WHERE version = $1
         RETURNING ${SUMMARY_COLUMNS}`,
        [version],
      );
      const previousVersion = retired.rows[0]?.version ?? null;
      const now = toModel(activated.rows[0] as ModelRow);
      await appendAudit(client, [audit(now, previousVersion)]);
      return { outcome: 'activated', model: now, previousVersion };
    });
  }
}
