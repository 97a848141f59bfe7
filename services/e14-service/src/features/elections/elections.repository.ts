import type { Election } from '@castor/contracts';
import type pg from 'pg';
import { withTransaction } from '../../db/client.js';
import type {
  candidates,
  departamentos,
  electionCorporations,
  elections,
  mesas,
  municipios,
  partyLists,
  puestos,
  zonas,
} from '../../db/schema/index.js';
import { type AuditInput, appendAudit } from '../../shared/audit-chain.js';

type ElectionRow = typeof elections.$inferSelect;
type CorporationRow = typeof electionCorporations.$inferSelect;
type DepartamentoRow = typeof departamentos.$inferSelect;
type MunicipioRow = typeof municipios.$inferSelect;
type ZonaRow = typeof zonas.$inferSelect;
type PuestoRow = typeof puestos.$inferSelect;
type MesaRow = typeof mesas.$inferSelect;
type PartyListRow = typeof partyLists.$inferSelect;

/** An election as `GET /api/elections` lists it. */
export type ElectionSummary = Pick<ElectionRow, 'code' | 'name' | 'date'> & {
  corporations: Array<CorporationRow['corporation']>;
  mesas: number;
};

export type DepartamentoValues = Pick<DepartamentoRow, 'code' | 'name'>;
export type MunicipioValues = Pick<MunicipioRow, 'code' | 'name'> & { departamento: DepartamentoRow['code'] };
export type ZonaValues = Pick<ZonaRow, 'code'> & {
  departamento: DepartamentoRow['code'];
  municipio: MunicipioRow['code'];
};
export type PuestoValues = ZonaValues & { puesto: Pick<PuestoRow, 'code' | 'name'> };
export type MesaValues = Pick<MesaRow, 'mesaKey' | 'code' | 'habilitados' | 'transmissionCode'>;
/** A known mesa whose habilitados an amended divipol changed by `delta`. */
export interface HabilitadosShift {
  mesaId: number;
  delta: number;
}
/** The parent ids of each mesa, one array per column, in the order of the mesas. */
export interface MesaParents {
  departamentoId: Array<MesaRow['departamentoId']>;
  municipioId: Array<MesaRow['municipioId']>;
  puestoId: Array<MesaRow['puestoId']>;
}
/** A puesto's id and its parents', by its key ("01-031-99-01"). */
export interface PuestoParents {
  key: string;
  id: PuestoRow['id'];
  municipio_id: PuestoRow['municipioId'];
  departamento_id: MunicipioRow['departamentoId'];
}
export type PartyListValues = Omit<PartyListRow, 'id' | 'electionId'>;
export type CandidateValues = Omit<typeof candidates.$inferSelect, 'id' | 'electionId'>;

const count = (result: pg.QueryResult) => result.rowCount ?? 0;
const insertedCount = (result: pg.QueryResult<{ inserted: boolean }>) =>
  result.rows.filter((row) => row.inserted).length;

/** Elections, their territorial tree and candidates (written by the divipol import), and rule configuration. */
export class ElectionsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<ElectionSummary[]> {
    const rows = await this.pool.query<Omit<ElectionSummary, 'mesas'> & { mesas: string }>(
      `SELECT e.code, e.name, to_char(e.date, 'YYYY-MM-DD') AS date,
                coalesce((SELECT array_agg(corporation ORDER BY corporation) FROM election_corporations c WHERE c.election_id = e.id), '{}') AS corporations,
                (SELECT coalesce(sum(mesa_count), 0) FROM municipios m WHERE m.election_id = e.id) AS mesas
         FROM elections e ORDER BY e.date DESC, e.code`,
    );
    return rows.rows.map((row) => ({ ...row, mesas: Number(row.mesas) }));
  }

  /** Runs `work` in one transaction, with the statements bound to its connection. */
  transaction<T>(work: (tx: ElectionsTransaction) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) => work(new ElectionsTransaction(client)));
  }
}

/**
 * The writes of one transaction. The divipol import writes every level with one unnest statement
 * (thousands of rows each), never row by row.
 */
export class ElectionsTransaction {
  constructor(private readonly client: pg.PoolClient) {}

  async lockDivipolImports(electionCode: string): Promise<void> {
    await this.client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`divipol:${electionCode}`]);
  }

  /** Creates the election or corrects its name and date; returns its id. */
  async upsertElection(election: Election): Promise<ElectionRow['id']> {
    const upserted = await this.client.query<Pick<ElectionRow, 'id'>>(
      `INSERT INTO elections (code, name, date) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, date = excluded.date, updated_at = now()
         WHERE (elections.name, elections.date) IS DISTINCT FROM (excluded.name, excluded.date)
       RETURNING id`,
      [election.code, election.name, election.date],
    );
    const electionId =
      upserted.rows[0]?.id ??
      (await this.client.query<Pick<ElectionRow, 'id'>>('SELECT id FROM elections WHERE code = $1', [election.code]))
        .rows[0]?.id;
    if (electionId === undefined) throw new Error('election upsert returned no id');
    return electionId;
  }

  async wasImported(electionId: number, documentHash: string): Promise<boolean> {
    const previous = await this.client.query(
      'SELECT 1 FROM divipol_imports WHERE election_id = $1 AND document_hash = $2',
      [electionId, documentHash],
    );
    return Boolean(previous.rowCount);
  }

  async addCorporations(electionId: number, corporations: ReadonlyArray<CorporationRow['corporation']>): Promise<void> {
    await this.client.query(
      `INSERT INTO election_corporations (election_id, corporation) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [electionId, corporations],
    );
  }

  /** Each territorial insert but the zonas' returns how many rows it created. */
  async insertDepartamentos(electionId: number, rows: readonly DepartamentoValues[]): Promise<number> {
    return count(
      await this.client.query(
        `INSERT INTO departamentos (election_id, code, name) SELECT $1, c, n FROM unnest($2::text[], $3::text[]) t(c, n)
         ON CONFLICT (election_id, code) DO NOTHING`,
        [electionId, rows.map((item) => item.code), rows.map((item) => item.name)],
      ),
    );
  }

  async insertMunicipios(electionId: number, rows: readonly MunicipioValues[]): Promise<number> {
    return count(
      await this.client.query(
        `INSERT INTO municipios (election_id, departamento_id, code, name)
         SELECT $1, d.id, t.c, t.n FROM unnest($2::text[], $3::text[], $4::text[]) t(dep, c, n)
         JOIN departamentos d ON d.election_id = $1 AND d.code = t.dep
         ON CONFLICT (departamento_id, code) DO NOTHING`,
        [
          electionId,
          rows.map((item) => item.departamento),
          rows.map((item) => item.code),
          rows.map((item) => item.name),
        ],
      ),
    );
  }

  async insertZonas(electionId: number, rows: readonly ZonaValues[]): Promise<void> {
    await this.client.query(
      `INSERT INTO zonas (municipio_id, code)
       SELECT m.id, t.z FROM unnest($2::text[], $3::text[], $4::text[]) t(dep, mun, z)
       JOIN departamentos d ON d.election_id = $1 AND d.code = t.dep
       JOIN municipios m ON m.departamento_id = d.id AND m.code = t.mun
       ON CONFLICT (municipio_id, code) DO NOTHING`,
      [
        electionId,
        rows.map((item) => item.departamento),
        rows.map((item) => item.municipio),
        rows.map((item) => item.code),
      ],
    );
  }

  async insertPuestos(electionId: number, rows: readonly PuestoValues[]): Promise<number> {
    return count(
      await this.client.query(
        `INSERT INTO puestos (zona_id, municipio_id, code, name)
         SELECT z.id, m.id, t.p, t.n FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) t(dep, mun, zc, p, n)
         JOIN departamentos d ON d.election_id = $1 AND d.code = t.dep
         JOIN municipios m ON m.departamento_id = d.id AND m.code = t.mun
         JOIN zonas z ON z.municipio_id = m.id AND z.code = t.zc
         ON CONFLICT (zona_id, code) DO NOTHING`,
        [
          electionId,
          rows.map((item) => item.departamento),
          rows.map((item) => item.municipio),
          rows.map((item) => item.code),
          rows.map((item) => item.puesto.code),
          rows.map((item) => item.puesto.name),
        ],
      ),
    );
  }

  async puestoParentsByKey(electionId: number): Promise<Map<string, PuestoParents>> {
    const rows = await this.client.query<PuestoParents>(
      `SELECT d.code || '-' || m.code || '-' || z.code || '-' || p.code AS key, p.id, m.id AS municipio_id, d.id AS departamento_id
       FROM puestos p JOIN zonas z ON z.id = p.zona_id JOIN municipios m ON m.id = p.municipio_id
       JOIN departamentos d ON d.id = m.departamento_id WHERE m.election_id = $1`,
      [electionId],
    );
    return new Map(rows.rows.map((row) => [row.key, row]));
  }

  /**
   * Inserts new mesas and corrects the habilitados and transmission code of known ones; returns
   * how each corrected mesa's habilitados moved (`previous` reads the rows as they were before this
   * statement: every part of one statement sees the same snapshot).
   */
  async upsertMesas(
    electionId: number,
    rows: readonly MesaValues[],
    parents: MesaParents,
  ): Promise<{ inserted: number; updated: number; habilitadosShifts: HabilitadosShift[] }> {
    const result = await this.client.query<{ inserted: boolean; mesa_id: number; delta: number }>(
      `WITH incoming AS (
         SELECT * FROM unnest($2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[])
           AS i(departamento_id, municipio_id, puesto_id, mesa_key, code, habilitados, transmission_code)
       ), previous AS (
         SELECT m.id, m.habilitados FROM mesas m JOIN incoming i ON i.mesa_key = m.mesa_key WHERE m.election_id = $1
       ), upserted AS (
         INSERT INTO mesas (election_id, departamento_id, municipio_id, puesto_id, mesa_key, code, habilitados, transmission_code)
         SELECT $1, * FROM incoming
         ON CONFLICT (election_id, mesa_key) DO UPDATE
           SET habilitados = excluded.habilitados, transmission_code = excluded.transmission_code
           WHERE (mesas.habilitados, mesas.transmission_code) IS DISTINCT FROM (excluded.habilitados, excluded.transmission_code)
         RETURNING id, habilitados, (xmax = 0) AS inserted
       )
       SELECT u.inserted, u.id AS mesa_id, u.habilitados - coalesce(p.habilitados, u.habilitados) AS delta
       FROM upserted u LEFT JOIN previous p ON p.id = u.id`,
      [
        electionId,
        parents.departamentoId,
        parents.municipioId,
        parents.puestoId,
        rows.map((mesa) => mesa.mesaKey),
        rows.map((mesa) => mesa.code),
        rows.map((mesa) => mesa.habilitados),
        rows.map((mesa) => mesa.transmissionCode),
      ],
    );
    const inserted = insertedCount(result);
    const habilitadosShifts = result.rows
      .filter((row) => row.delta !== 0)
      .map((row) => ({ mesaId: row.mesa_id, delta: row.delta }));
    return { inserted, updated: result.rows.length - inserted, habilitadosShifts };
  }

  /**
   * Moves the habilitados that coverage counts for mesas already in the results (turnout divides
   * by them), in the puesto then the municipio rollup of each corporation with a truth there.
   */
  async shiftCoverageHabilitados(shifts: readonly HabilitadosShift[]): Promise<void> {
    if (shifts.length === 0) return;
    const ids = shifts.map((shift) => shift.mesaId);
    const deltas = shifts.map((shift) => shift.delta);
    for (const [table, place] of [
      ['puesto_coverage', 'puesto_id'],
      ['municipio_coverage', 'municipio_id'],
    ] as const) {
      await this.client.query(
        `UPDATE ${table} c SET habilitados_in = c.habilitados_in + d.delta
         FROM (SELECT m.${place} AS place_id, r.corporation, sum(s.delta)::bigint AS delta
               FROM unnest($1::int[], $2::int[]) AS s(mesa_id, delta)
               JOIN mesas m ON m.id = s.mesa_id JOIN reconciliations r ON r.mesa_id = s.mesa_id
               GROUP BY 1, 2 ORDER BY 1, 2) d
         WHERE c.${place} = d.place_id AND c.corporation = d.corporation`,
        [ids, deltas],
      );
    }
  }

  /** The expected mesas and habilitados of each municipio and puesto, which coverage reads. */
  async refreshTerritoryTotals(electionId: number): Promise<void> {
    await this.client.query(
      `UPDATE municipios m SET mesa_count = s.n, habilitados = s.h
       FROM (SELECT municipio_id, count(*)::int AS n, sum(habilitados)::int AS h FROM mesas WHERE election_id = $1 GROUP BY municipio_id) s
       WHERE m.id = s.municipio_id AND (m.mesa_count, m.habilitados) IS DISTINCT FROM (s.n, s.h)`,
      [electionId],
    );
    await this.client.query(
      `UPDATE puestos p SET mesa_count = s.n, habilitados = s.h
       FROM (SELECT puesto_id, count(*)::int AS n, sum(habilitados)::int AS h FROM mesas WHERE election_id = $1 GROUP BY puesto_id) s
       WHERE p.id = s.puesto_id AND (p.mesa_count, p.habilitados) IS DISTINCT FROM (s.n, s.h)`,
      [electionId],
    );
  }

  async upsertPartyLists(electionId: number, lists: readonly PartyListValues[]): Promise<void> {
    await this.client.query(
      `INSERT INTO party_lists (election_id, corporation, circunscripcion, departamento_code, municipio_code, ballot_number, list_code, preferente, name, party)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bool[], $9::text[], $10::text[])
       ON CONFLICT (election_id, corporation, departamento_code, municipio_code, ballot_number) DO UPDATE
         SET list_code = excluded.list_code, preferente = excluded.preferente, name = excluded.name, party = excluded.party
         WHERE (party_lists.list_code, party_lists.preferente, party_lists.name, party_lists.party)
           IS DISTINCT FROM (excluded.list_code, excluded.preferente, excluded.name, excluded.party)`,
      [
        electionId,
        lists.map((list) => list.corporation),
        lists.map((list) => list.circunscripcion),
        lists.map((list) => list.departamentoCode),
        lists.map((list) => list.municipioCode),
        lists.map((list) => list.ballotNumber),
        lists.map((list) => list.listCode),
        lists.map((list) => list.preferente),
        lists.map((list) => list.name),
        lists.map((list) => list.party),
      ],
    );
  }

  /** Party list ids by "corporation|departamento|municipio|ballot number". */
  async partyListIdsByKey(electionId: number): Promise<Map<string, PartyListRow['id']>> {
    const rows = await this.client.query<Pick<PartyListRow, 'id'> & { key: string }>(
      `SELECT corporation || '|' || departamento_code || '|' || municipio_code || '|' || ballot_number AS key, id
       FROM party_lists WHERE election_id = $1`,
      [electionId],
    );
    return new Map(rows.rows.map((row) => [row.key, row.id]));
  }

  /** Inserts new candidates and corrects known ones; returns how many it created. */
  async upsertCandidates(electionId: number, rows: readonly CandidateValues[]): Promise<number> {
    return insertedCount(
      await this.client.query<{ inserted: boolean }>(
        `INSERT INTO candidates (election_id, corporation, circunscripcion, departamento_code, municipio_code, ballot_number, candidate_number, list_id, name, party)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::text[], $10::text[])
         ON CONFLICT ON CONSTRAINT candidates_scope_ballot_key DO UPDATE
           SET name = excluded.name, party = excluded.party, circunscripcion = excluded.circunscripcion
           WHERE (candidates.name, candidates.party, candidates.circunscripcion) IS DISTINCT FROM (excluded.name, excluded.party, excluded.circunscripcion)
         RETURNING (xmax = 0) AS inserted`,
        [
          electionId,
          rows.map((item) => item.corporation),
          rows.map((item) => item.circunscripcion),
          rows.map((item) => item.departamentoCode),
          rows.map((item) => item.municipioCode),
          rows.map((item) => item.ballotNumber),
          rows.map((item) => item.candidateNumber),
          rows.map((item) => item.listId),
          rows.map((item) => item.name),
          rows.map((item) => item.party),
        ],
      ),
    );
  }

  async recordImport(electionId: number, documentHash: string, importedBy: string, counts: object): Promise<void> {
    await this.client.query(
      'INSERT INTO divipol_imports (election_id, document_hash, imported_by, counts) VALUES ($1, $2, $3, $4)',
      [electionId, documentHash, importedBy, JSON.stringify(counts)],
    );
  }

  /** Replaces the election-wide rule configuration; returns the one it replaced. */
  async replaceElectionRuleConfig(electionId: number, config: unknown): Promise<unknown> {
    const previous = await this.client.query<{ rule_config: ElectionRow['ruleConfig'] }>(
      'SELECT rule_config FROM elections WHERE id = $1 FOR UPDATE',
      [electionId],
    );
    await this.client.query('UPDATE elections SET rule_config = $2, updated_at = now() WHERE id = $1', [
      electionId,
      JSON.stringify(config),
    ]);
    return previous.rows[0]?.rule_config;
  }

  /** Replaces one corporation's rule configuration; returns the one it replaced. */
  async replaceCorporationRuleConfig(
    electionId: number,
    corporation: CorporationRow['corporation'],
    config: unknown,
  ): Promise<unknown> {
    const previous = await this.client.query<{ rule_config: CorporationRow['ruleConfig'] }>(
      'SELECT rule_config FROM election_corporations WHERE election_id = $1 AND corporation = $2 FOR UPDATE',
      [electionId, corporation],
    );
    await this.client.query(
      'UPDATE election_corporations SET rule_config = $3, updated_at = now() WHERE election_id = $1 AND corporation = $2',
      [electionId, corporation, JSON.stringify(config)],
    );
    return previous.rows[0]?.rule_config;
  }

  async audit(entries: readonly AuditInput[]): Promise<void> {
    await appendAudit(this.client, entries);
  }
}
