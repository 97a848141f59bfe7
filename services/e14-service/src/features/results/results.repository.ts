import type { Corporation, MesaStatus } from '@castor/contracts';
import type pg from 'pg';
import type { mesas, municipioCoverage, municipios, municipioVoteTallies, puestos } from '../../db/schema/index.js';

/** The SQL names (`mesas_in`...) of a table's columns. */
type SqlNames<Columns extends Record<string, { _: { name: string } }>> = {
  [Key in keyof Columns]: Columns[Key]['_']['name'];
}[keyof Columns];

/** The numbers both rollup levels keep (mesas in, by status, habilitados in, E-11, blancos...). */
export type CoverageSum = SqlNames<
  Omit<typeof municipioCoverage._.columns, 'municipioId' | 'corporation' | 'electionId' | 'departamentoId'>
>;

/** One child territory's coverage sums; PostgreSQL returns sums of integers as numeric text. */
export type CoverageRow = { child: string } & Record<CoverageSum, string>;

export interface VoteRow {
  child: string;
  candidate_id: (typeof municipioVoteTallies.$inferSelect)['candidateId'];
  votes: string;
}

/** A departamento ('d') or municipio ('m') with its expected mesas and habilitados. */
export type TerritoryRow = Pick<typeof municipios.$inferSelect, 'id' | 'name'> & {
  code: string;
  mesas: string;
  habilitados: string;
  level: string;
};

/** Expected mesas and habilitados of a child territory below the municipio. */
export interface ExpectedRow {
  child: string;
  mesas: string;
  habilitados: string;
}

export type PuestoLevelRows = {
  coverage: CoverageRow[];
  votes: VoteRow[];
  expected: Array<ExpectedRow & Pick<typeof puestos.$inferSelect, 'name'>>;
};

export type MesaLevelRows = {
  coverage: Array<CoverageRow & { status: MesaStatus | null }>;
  votes: VoteRow[];
  expected: Array<ExpectedRow & { puesto_name: (typeof puestos.$inferSelect)['name'] }>;
};

const COVERAGE_SUMS = `sum(mesas_in) AS mesas_in, sum(mesas_validated) AS mesas_validated,
  sum(mesas_needs_review) AS mesas_needs_review, sum(mesas_failed_rules) AS mesas_failed_rules,
  sum(mesas_disputed) AS mesas_disputed, sum(habilitados_in) AS habilitados_in, sum(sufragantes) AS sufragantes,
  sum(urna) AS urna, sum(incinerados) AS incinerados, sum(blancos) AS blancos, sum(nulos) AS nulos,
  sum(no_marcados) AS no_marcados`;

/** The same sums computed from reconciled mesas (municipio level and below). */
const TRUTH_SUMS = `count(*) AS mesas_in, count(*) FILTER (WHERE r.status = 'validated') AS mesas_validated,
  count(*) FILTER (WHERE r.status = 'needs_review') AS mesas_needs_review,
  count(*) FILTER (WHERE r.status = 'failed_rules') AS mesas_failed_rules,
  count(*) FILTER (WHERE r.status = 'disputed') AS mesas_disputed, sum(m.habilitados) AS habilitados_in,
  coalesce(sum(r.sufragantes), 0) AS sufragantes, coalesce(sum(r.urna), 0) AS urna,
  coalesce(sum(r.incinerados), 0) AS incinerados, coalesce(sum(r.blancos), 0) AS blancos,
  coalesce(sum(r.nulos), 0) AS nulos, coalesce(sum(r.no_marcados), 0) AS no_marcados`;

/**
 * Every SQL statement of the results: the per-municipio rollups (nacional, departamento), the
 * per-puesto rollups (municipio, zona) and the reconciled mesas (puesto, mesa). Each level's
 * statements are prepared under the level's name.
 */
export class ResultsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Departamentos (code "01") and municipios (code "01-001") of an election with their expected totals. */
  async territories(electionId: number): Promise<TerritoryRow[]> {
    const result = await this.pool.query<TerritoryRow>(
      `SELECT d.code, d.id, d.name, sum(m.mesa_count) AS mesas, sum(m.habilitados) AS habilitados, 'd' AS level
       FROM departamentos d JOIN municipios m ON m.departamento_id = d.id WHERE d.election_id = $1 GROUP BY d.id
       UNION ALL
       SELECT d.code || '-' || m.code, m.id, m.name, m.mesa_count, m.habilitados, 'm'
       FROM municipios m JOIN departamentos d ON d.id = m.departamento_id WHERE m.election_id = $1`,
      [electionId],
    );
    return result.rows;
  }

  /**
   * Coverage and votes per departamento (nacional) or per municipio of one departamento, from the
   * per-municipio rollups; the child is the departamento or municipio id.
   */
  async municipioRollups(
    level: 'nacional' | 'departamento',
    electionId: number,
    corporation: Corporation,
    departamentoId: number | undefined,
  ): Promise<{ coverage: CoverageRow[]; votes: VoteRow[] }> {
    const childColumn = level === 'nacional' ? 'departamento_id' : 'municipio_id';
    const filter = departamentoId === undefined ? '' : 'AND departamento_id = $3';
    const values = departamentoId === undefined ? [electionId, corporation] : [electionId, corporation, departamentoId];
    const [coverage, votes] = await Promise.all([
      this.pool.query<CoverageRow>({
        name: `results-coverage-${level}`,
        text: `SELECT ${childColumn}::text AS child, ${COVERAGE_SUMS} FROM municipio_coverage
               WHERE election_id = $1 AND corporation = $2 ${filter} GROUP BY ${childColumn}`,
        values,
      }),
      this.pool.query<VoteRow>({
        name: `results-votes-${level}`,
        text: `SELECT ${childColumn}::text AS child, candidate_id, sum(votes) AS votes FROM municipio_vote_tallies
               WHERE election_id = $1 AND corporation = $2 ${filter} GROUP BY ${childColumn}, candidate_id`,
        values,
      }),
    ]);
    return { coverage: coverage.rows, votes: votes.rows };
  }

  /**
   * Coverage, votes and expected totals per zona of a municipio, or per puesto of one zona ('' =
   * every zona), from the per-puesto rollups; the child is the zona or puesto code.
   */
  async puestoRollups(
    level: 'municipio' | 'zona',
    territory: string,
    municipioId: number,
    corporation: Corporation,
    zona: string,
  ): Promise<PuestoLevelRows> {
    // The territory is a parameter, not spliced into the text: a prepared statement's name must
    // keep one text on a connection, so the text cannot vary with the municipio asked for.
    const child = level === 'municipio' ? `$4::text || z.code` : `$4::text || p.code`;
    const values = [municipioId, corporation, zona, `${territory}-`];
    const zonaFilter = `($3 = '' OR z.code = $3)`;
    const [coverage, votes, expected] = await Promise.all([
      this.pool.query<CoverageRow>({
        name: `results-coverage-${level}`,
        text: `SELECT ${child} AS child, ${COVERAGE_SUMS} FROM puesto_coverage pc
               JOIN puestos p ON p.id = pc.puesto_id JOIN zonas z ON z.id = p.zona_id
               WHERE pc.municipio_id = $1 AND pc.corporation = $2 AND ${zonaFilter} GROUP BY 1`,
        values,
      }),
      this.pool.query<VoteRow>({
        name: `results-votes-${level}`,
        text: `SELECT ${child} AS child, pt.candidate_id, sum(pt.votes) AS votes FROM puesto_vote_tallies pt
               JOIN puestos p ON p.id = pt.puesto_id JOIN zonas z ON z.id = p.zona_id
               WHERE pt.municipio_id = $1 AND pt.corporation = $2 AND ${zonaFilter} GROUP BY 1, 2`,
        values,
      }),
      this.pool.query<PuestoLevelRows['expected'][number]>({
        name: `results-expected-${level}`,
        text: `SELECT ${child} AS child, sum(p.mesa_count) AS mesas, sum(p.habilitados) AS habilitados, max(p.name) AS name
               FROM puestos p JOIN zonas z ON z.id = p.zona_id
               WHERE p.municipio_id = $1 AND $2::text IS NOT NULL AND ${zonaFilter} GROUP BY 1 ORDER BY 1`,
        values,
      }),
    ]);
    return { coverage: coverage.rows, votes: votes.rows, expected: expected.rows };
  }

  /**
   * Coverage, votes and expected totals per reconciled mesa whose key matches `like` (a puesto's
   * mesas, or one mesa); the child is the mesa key.
   */
  async reconciledMesas(
    level: 'puesto' | 'mesa',
    municipioId: number,
    corporation: Corporation,
    like: (typeof mesas.$inferSelect)['mesaKey'],
  ): Promise<MesaLevelRows> {
    const [coverage, votes, expected] = await Promise.all([
      this.pool.query<MesaLevelRows['coverage'][number]>({
        name: `results-coverage-${level}`,
        text: `SELECT m.mesa_key AS child, ${TRUTH_SUMS}, max(r.status) AS status
               FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
               WHERE r.municipio_id = $1 AND r.corporation = $2 AND m.mesa_key LIKE $3 GROUP BY 1`,
        values: [municipioId, corporation, like],
      }),
      this.pool.query<VoteRow>({
        name: `results-votes-${level}`,
        text: `SELECT m.mesa_key AS child, u.candidate_id, sum(coalesce(u.votes, 0)) AS votes
               FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id,
                    unnest(r.candidate_ids, r.votes) AS u(candidate_id, votes)
               WHERE r.municipio_id = $1 AND r.corporation = $2 AND m.mesa_key LIKE $3 GROUP BY 1, 2`,
        values: [municipioId, corporation, like],
      }),
      this.pool.query<MesaLevelRows['expected'][number]>({
        name: `results-expected-${level}`,
        text: `SELECT m.mesa_key AS child, count(*) AS mesas, sum(m.habilitados) AS habilitados, max(p.name) AS puesto_name
               FROM mesas m JOIN puestos p ON p.id = m.puesto_id
               WHERE m.municipio_id = $1 AND m.mesa_key LIKE $2 GROUP BY 1 ORDER BY 1`,
        values: [municipioId, like],
      }),
    ]);
    return { coverage: coverage.rows, votes: votes.rows, expected: expected.rows };
  }
}
