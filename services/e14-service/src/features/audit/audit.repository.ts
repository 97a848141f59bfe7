import type pg from 'pg';
import { COVERAGE_COLUMNS } from '../../shared/rollups.js';
import type { TruthColumns } from '../../shared/truth-store.js';

/** A stored form version: its content hash, the SHA-256 of its payload and what its `e14.stored` entry recorded. */
export interface FormContentRow {
  id: string;
  content_hash: string;
  payload_hash: string;
  audited_seq: string | null;
  audited_hash: string | null;
}

/** The fields of a `reconciliation.decided` entry's `after` verify checks. */
export interface AuditedDecision {
  formId: number;
  status: string;
  numbersHash?: string;
}

/** A stored truth with the last `reconciliation.decided` entry of its mesa and corporation. */
export type TruthCheckRow = Pick<
  TruthColumns,
  | 'mesa_id'
  | 'corporation'
  | 'form_id'
  | 'status'
  | 'sufragantes'
  | 'urna'
  | 'incinerados'
  | 'blancos'
  | 'nulos'
  | 'no_marcados'
  | 'candidate_ids'
> & { votes: Array<number | null>; mesa_key: string; decision_seq: string | null; decision: AuditedDecision | null };

export interface TruthCursor {
  mesaId: number;
  corporation: string;
}

/** An audit entry whose subject is no longer stored. */
export interface OrphanEntry {
  seq: string;
  entity_id: string;
}

/** The rollups results read, each recomputed from the truths and the mesas they sit in. */
export type RollupLevel = 'puesto' | 'municipio';

/** A rollup row that differs from its recomputation: its key, and the compared values in order. */
export interface RollupMismatch {
  rows: number;
  mismatch: { place: number; corporation: string; candidate_id?: number; expected: number[]; found: number[] } | null;
}

const STATUS_COUNT = (status: string) => `count(*) FILTER (WHERE r.status = '${status}')`;
const sumOf = (column: string) => `coalesce(sum(${column}), 0)`;

/** How each coverage counter follows from the truths of a place (as `RollupDeltas.add` counts them). */
const EXPECTED_COVERAGE: Record<(typeof COVERAGE_COLUMNS)[number], string> = {
  mesas_in: 'count(*)',
  mesas_validated: STATUS_COUNT('validated'),
  mesas_needs_review: STATUS_COUNT('needs_review'),
  mesas_failed_rules: STATUS_COUNT('failed_rules'),
  mesas_disputed: STATUS_COUNT('disputed'),
  habilitados_in: sumOf('m.habilitados'),
  sufragantes: sumOf('r.sufragantes'),
  urna: sumOf('r.urna'),
  incinerados: sumOf('r.incinerados'),
  blancos: sumOf('r.blancos'),
  nulos: sumOf('r.nulos'),
  no_marcados: sumOf('r.no_marcados'),
};

const list = (columns: readonly string[], alias: string) =>
  columns.map((column) => `coalesce(${alias}.${column}, 0)`).join(', ');

/**
 * The SQL of GET /api/audit/verify's checks of stored results against the chain, read in one
 * snapshot: forms and truths in keyset pages, rollups recomputed and compared by the server, so
 * memory stays flat at 120,000 mesas.
 */
export class AuditRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Runs `use` in one REPEATABLE READ, READ ONLY transaction: the chain, truths and rollups seen together. */
  async inSnapshot<T>(use: (snapshot: AuditSnapshot) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await use(new AuditSnapshot(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Verify's reads, all on the one client holding its snapshot. */
export class AuditSnapshot {
  constructor(readonly client: pg.PoolClient) {}

  /** Forms after `afterId`, each with the SHA-256 of its stored payload text and its audited content hash. */
  async formsPage(afterId: number, limit: number): Promise<FormContentRow[]> {
    const result = await this.client.query<FormContentRow>({
      name: 'audit-verify-forms',
      text: `SELECT f.id, f.content_hash, encode(sha256(convert_to(f.payload::text, 'UTF8')), 'hex') AS payload_hash,
               a.seq AS audited_seq, a.after->>'contentHash' AS audited_hash
             FROM e14_forms f
             LEFT JOIN LATERAL (SELECT seq, after FROM audit_log
                                WHERE entity = 'e14_form' AND entity_id = f.id::text AND action = 'e14.stored'
                                ORDER BY seq LIMIT 1) a ON true
             WHERE f.id > $1 ORDER BY f.id LIMIT $2`,
      values: [afterId, limit],
    });
    return result.rows;
  }

  /** The first `e14.stored` entry whose form is gone. */
  async firstMissingForm(): Promise<(OrphanEntry & { audited_hash: string }) | undefined> {
    const result = await this.client.query<OrphanEntry & { audited_hash: string }>(
      `SELECT a.seq, a.entity_id, a.after->>'contentHash' AS audited_hash FROM audit_log a
       WHERE a.action = 'e14.stored' AND NOT EXISTS (SELECT 1 FROM e14_forms f WHERE f.id = a.entity_id::bigint)
       ORDER BY a.seq LIMIT 1`,
    );
    return result.rows[0];
  }

  /**
   * Truths after `after` in (mesa, corporation) order, each with the last decision audited for it
   * (entries written before decisions named their mesa id have no `mesaId` and match none).
   */
  async truthsPage(after: TruthCursor, limit: number): Promise<TruthCheckRow[]> {
    const result = await this.client.query<TruthCheckRow>({
      name: 'audit-verify-truths',
      text: `SELECT r.mesa_id, r.corporation, m.mesa_key, r.form_id, r.status, r.sufragantes, r.urna, r.incinerados,
               r.blancos, r.nulos, r.no_marcados, r.candidate_ids, r.votes, d.seq AS decision_seq, d.after AS decision
             FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
             LEFT JOIN LATERAL (SELECT seq, after FROM audit_log
                                WHERE entity = 'mesa' AND entity_id = m.mesa_key || '/' || r.corporation
                                  AND action = 'reconciliation.decided' AND after->>'mesaId' = r.mesa_id::text
                                ORDER BY seq DESC LIMIT 1) d ON true
             WHERE (r.mesa_id, r.corporation) > ($1, $2) ORDER BY r.mesa_id, r.corporation LIMIT $3`,
      values: [after.mesaId, after.corporation, limit],
    });
    return result.rows;
  }

  /** The first decision whose truth is gone. */
  async firstMissingTruth(): Promise<OrphanEntry | undefined> {
    const result = await this.client.query<OrphanEntry>(
      `SELECT a.seq, a.entity_id FROM audit_log a
       WHERE a.action = 'reconciliation.decided' AND a.after->>'mesaId' IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM reconciliations r
                         WHERE r.mesa_id = (a.after->>'mesaId')::int AND r.corporation = split_part(a.entity_id, '/', 2))
       ORDER BY a.seq LIMIT 1`,
    );
    return result.rows[0];
  }

  /** Recomputes the per-candidate vote tallies of a level from the truths; the first stored row that differs. */
  async firstVoteTallyMismatch(level: RollupLevel): Promise<RollupMismatch> {
    const key = `${level}_id`;
    const result = await this.client.query<RollupMismatch>(
      `WITH expected AS (
         SELECT m.${key} AS place, r.corporation, v.candidate_id, sum(v.votes) AS votes
         FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id,
              unnest(r.candidate_ids, r.votes) AS v(candidate_id, votes)
         GROUP BY 1, 2, 3),
       compared AS (
         SELECT coalesce(e.place, s.${key}) AS place, coalesce(e.corporation, s.corporation) AS corporation,
                coalesce(e.candidate_id, s.candidate_id) AS candidate_id,
                coalesce(e.votes, 0) AS expected, coalesce(s.votes, 0) AS found
         FROM expected e FULL JOIN ${level}_vote_tallies s
           ON s.${key} = e.place AND s.corporation = e.corporation AND s.candidate_id = e.candidate_id)
       SELECT (SELECT count(*)::int FROM compared) AS rows,
              (SELECT json_build_object('place', place, 'corporation', corporation, 'candidate_id', candidate_id,
                                        'expected', json_build_array(expected), 'found', json_build_array(found))
               FROM compared WHERE expected <> found ORDER BY place, corporation, candidate_id LIMIT 1) AS mismatch`,
    );
    return result.rows[0] ?? { rows: 0, mismatch: null };
  }

  /** Recomputes the coverage counters of a level from the truths; the first stored row that differs. */
  async firstCoverageMismatch(level: RollupLevel): Promise<RollupMismatch> {
    const key = `${level}_id`;
    const expected = COVERAGE_COLUMNS.map((column) => `${EXPECTED_COVERAGE[column]} AS ${column}`).join(', ');
    const result = await this.client.query<RollupMismatch>(
      `WITH expected AS (
         SELECT m.${key} AS place, r.corporation, ${expected}
         FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id GROUP BY 1, 2),
       compared AS (
         SELECT coalesce(e.place, s.${key}) AS place, coalesce(e.corporation, s.corporation) AS corporation,
                json_build_array(${list(COVERAGE_COLUMNS, 'e')}) AS expected,
                json_build_array(${list(COVERAGE_COLUMNS, 's')}) AS found,
                (${list(COVERAGE_COLUMNS, 'e')}) IS DISTINCT FROM (${list(COVERAGE_COLUMNS, 's')}) AS differs
         FROM expected e FULL JOIN ${level}_coverage s ON s.${key} = e.place AND s.corporation = e.corporation)
       SELECT (SELECT count(*)::int FROM compared) AS rows,
              (SELECT json_build_object('place', place, 'corporation', corporation, 'expected', expected, 'found', found)
               FROM compared WHERE differs ORDER BY place, corporation LIMIT 1) AS mismatch`,
    );
    return result.rows[0] ?? { rows: 0, mismatch: null };
  }
}
