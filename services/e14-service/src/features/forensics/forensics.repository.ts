import type { Corporation, RuleId } from '@castor/contracts';
import { and, eq, like } from 'drizzle-orm';
import type pg from 'pg';
import { createDb, type E14Db } from '../../db/client.js';
import { elections, type forensicQueue, mesas, reconciliations } from '../../db/schema/index.js';
import type { MesaTruth } from './forensic-signals.js';

/** A municipio and corporation waiting in the forensic queue. */
export type QueuedMunicipio = Pick<typeof forensicQueue.$inferSelect, 'municipioId' | 'electionId'> & {
  corporation: Corporation;
};

/** A reconciled mesa as the turnout × winner-share fingerprint reads it. */
export type FingerprintMesa = Pick<MesaTruth, 'habilitados' | 'sufragantes' | 'candidateIds' | 'votes'>;

/**
 * Every SQL statement of the forensic signals: the durable queue (claimed with SKIP LOCKED so
 * replicas share it), the reconciled mesas of a municipio, and its last statistics. Statements
 * taking a client run in the worker's transaction.
 */
export class ForensicsRepository {
  private readonly db: E14Db;

  constructor(pool: pg.Pool) {
    this.db = createDb(pool);
  }

  async electionCode(electionId: number): Promise<string | null> {
    const [row] = await this.db.select({ code: elections.code }).from(elections).where(eq(elections.id, electionId));
    return row?.code ?? null;
  }

  /** Locks the next queued municipio (the next due one when `dueOnly`) that no other worker holds. */
  async claimNext(client: pg.PoolClient, dueOnly: boolean): Promise<QueuedMunicipio | undefined> {
    const claimed = await client.query<QueuedMunicipio>(
      `SELECT municipio_id AS "municipioId", corporation, election_id AS "electionId" FROM forensic_queue
       WHERE ($1::boolean IS FALSE OR due_at <= now()) ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [dueOnly],
    );
    return claimed.rows[0];
  }

  async dequeue(client: pg.PoolClient, queued: QueuedMunicipio): Promise<void> {
    await client.query('DELETE FROM forensic_queue WHERE municipio_id = $1 AND corporation = $2', [
      queued.municipioId,
      queued.corporation,
    ]);
  }

  /** The "DD-MMM" code of a municipio ('' when it is gone). */
  async municipioCode(client: pg.PoolClient, municipioId: number): Promise<string> {
    const municipio = await client.query<{ code: string }>(
      `SELECT d.code || '-' || m.code AS code FROM municipios m JOIN departamentos d ON d.id = m.departamento_id WHERE m.id = $1`,
      [municipioId],
    );
    return municipio.rows[0]?.code ?? '';
  }

  /** The reconciled mesas of a municipio and corporation, by mesa key. */
  async municipioTruths(client: pg.PoolClient, municipioId: number, corporation: Corporation): Promise<MesaTruth[]> {
    const truths = await client.query<MesaTruth>({
      name: 'forensics-truths',
      text: `SELECT r.mesa_id AS "mesaId", m.mesa_key AS "mesaKey", m.habilitados, r.sufragantes, r.blancos, r.nulos,
                    r.no_marcados AS "noMarcados", r.candidate_ids AS "candidateIds", r.votes
             FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
             WHERE r.municipio_id = $1 AND r.corporation = $2 ORDER BY m.mesa_key`,
      values: [municipioId, corporation],
    });
    return truths.rows;
  }

  /** Dedupe keys of the municipio's alerts of `rules` that are not resolved. */
  async openAlertKeys(
    client: pg.PoolClient,
    municipioId: number,
    corporation: Corporation,
    rules: readonly RuleId[],
  ): Promise<string[]> {
    const open = await client.query<{ dedupe_key: string }>(
      `SELECT dedupe_key FROM alerts WHERE municipio_id = $1 AND corporation = $2 AND rule = ANY($3::text[]) AND status <> 'resolved'`,
      [municipioId, corporation, rules],
    );
    return open.rows.map((alert) => alert.dedupe_key);
  }

  async saveStats(client: pg.PoolClient, queued: QueuedMunicipio, stats: unknown): Promise<void> {
    await client.query(
      `INSERT INTO municipio_forensics (municipio_id, corporation, election_id, stats, computed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (municipio_id, corporation) DO UPDATE SET stats = excluded.stats, computed_at = now()`,
      [queued.municipioId, queued.corporation, queued.electionId, JSON.stringify(stats)],
    );
  }

  /** The reconciled mesas of a corporation whose key starts with `territory` ('' = nationwide). */
  fingerprintMesas(electionId: number, corporation: Corporation, territory: string): Promise<FingerprintMesa[]> {
    return this.db
      .select({
        habilitados: mesas.habilitados,
        sufragantes: reconciliations.sufragantes,
        candidateIds: reconciliations.candidateIds,
        votes: reconciliations.votes,
      })
      .from(reconciliations)
      .innerJoin(mesas, eq(mesas.id, reconciliations.mesaId))
      .where(
        and(
          eq(reconciliations.electionId, electionId),
          eq(reconciliations.corporation, corporation),
          like(mesas.mesaKey, `${territory}%`),
        ),
      );
  }
}
