import {
  type Corporation,
  type MesaStatus,
  type ResultsResponse,
  resultsResponseSchema,
  type TerritoryLevel,
  territoryLevelOf,
} from '@castor/contracts';
import { notFound } from '@castor/service-kit';
import type pg from 'pg';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import type { ResultsCache } from '../../shared/results-cache.js';

type Coverage = ResultsResponse['coverage'];

interface CoverageRow {
  child: string;
  mesas_in: string;
  mesas_validated: string;
  mesas_needs_review: string;
  mesas_failed_rules: string;
  mesas_disputed: string;
  habilitados_in: string;
  sufragantes: string;
  urna: string;
  incinerados: string;
  blancos: string;
  nulos: string;
  no_marcados: string;
}

interface ChildAggregate {
  code: string;
  name: string;
  expected: { mesas: number; habilitados: number };
  coverage: CoverageRow | undefined;
  votes: Map<number, number>;
  mesaStatus?: MesaStatus;
}

const emptyCoverage = (expected: { mesas: number; habilitados: number }): Coverage => ({
  mesasExpected: expected.mesas,
  mesasIn: 0,
  mesasValidated: 0,
  mesasNeedsReview: 0,
  mesasFailedRules: 0,
  mesasDisputed: 0,
  habilitadosExpected: expected.habilitados,
  habilitadosIn: 0,
});

function coverageOf(row: CoverageRow | undefined, expected: { mesas: number; habilitados: number }): Coverage {
  if (!row) return emptyCoverage(expected);
  return {
    mesasExpected: expected.mesas,
    mesasIn: Number(row.mesas_in),
    mesasValidated: Number(row.mesas_validated),
    mesasNeedsReview: Number(row.mesas_needs_review),
    mesasFailedRules: Number(row.mesas_failed_rules),
    mesasDisputed: Number(row.mesas_disputed),
    habilitadosExpected: expected.habilitados,
    habilitadosIn: Number(row.habilitados_in),
  };
}

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

/** Votes per candidate of each child territory, from rows of (child, candidate, votes). */
function votesPerChild(rows: Array<{ child: string; candidate_id: number; votes: string }>) {
  const byChild = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const votes = byChild.get(row.child) ?? new Map<number, number>();
    byChild.set(row.child, votes);
    votes.set(row.candidate_id, Number(row.votes));
  }
  return byChild;
}

/**
 * Results by territory from reconciled truth only. National and departamento levels read the
 * per-municipio rollups (about 1,100 rows nationally, whatever the number of mesas); municipio and
 * zona the per-puesto rollups of one municipio; puesto and mesa the reconciled mesas themselves.
 * Both rollup levels are kept by reconciliation/rollups.ts in the transaction that changes a truth.
 * Answers are cached until a change.
 */
export class ResultsService {
  private readonly expectedByElection = new Map<
    number,
    Promise<Map<string, { mesas: number; habilitados: number; name: string; id: number }>>
  >();

  constructor(
    private readonly pool: pg.Pool,
    private readonly catalogs: ElectionCatalogs,
    private readonly cache: ResultsCache,
  ) {}

  /**
   * The answer as JSON text. A computed answer is checked against the response contract once,
   * then cached as text, so a cache hit is sent as is (no parse, check or serialisation).
   */
  async resultsJson(electionCode: string, corporation: Corporation, territory: string): Promise<string> {
    const catalog = await this.catalogs.requireElection(electionCode, corporation);
    const cached = await this.cache.get(catalog.id, corporation, territory);
    if (cached) return cached;
    const json = JSON.stringify(resultsResponseSchema.parse(await this.compute(catalog, corporation, territory)));
    await this.cache.set(catalog.id, corporation, territory, json);
    return json;
  }

  /** Departamento and municipio names, ids and expected totals, keyed by code ("01", "01-001"). */
  private territories(electionId: number) {
    let entry = this.expectedByElection.get(electionId);
    if (!entry) {
      entry = this.pool
        .query<{ code: string; id: number; name: string; mesas: string; habilitados: string; level: string }>(
          `SELECT d.code, d.id, d.name, sum(m.mesa_count) AS mesas, sum(m.habilitados) AS habilitados, 'd' AS level
           FROM departamentos d JOIN municipios m ON m.departamento_id = d.id WHERE d.election_id = $1 GROUP BY d.id
           UNION ALL
           SELECT d.code || '-' || m.code, m.id, m.name, m.mesa_count, m.habilitados, 'm'
           FROM municipios m JOIN departamentos d ON d.id = m.departamento_id WHERE m.election_id = $1`,
          [electionId],
        )
        .then(
          (result) =>
            new Map(
              result.rows.map((row) => [
                row.code,
                { id: row.id, name: row.name, mesas: Number(row.mesas), habilitados: Number(row.habilitados) },
              ]),
            ),
        );
      entry.catch(() => this.expectedByElection.delete(electionId));
      this.expectedByElection.set(electionId, entry);
    }
    return entry;
  }

  /** Forgets the territorial cache of an election (after a divipol import). */
  forgetTerritories(electionId: number): void {
    this.expectedByElection.delete(electionId);
  }

  private async compute(
    catalog: ElectionCatalog,
    corporation: Corporation,
    territory: string,
  ): Promise<ResultsResponse> {
    const level = territoryLevelOf(territory);
    const territories = await this.territories(catalog.id);
    const children: ChildAggregate[] = [];
    let name = 'COLOMBIA';
    let expected = { mesas: 0, habilitados: 0 };
    if (level === 'nacional' || level === 'departamento') {
      const departamento = level === 'departamento' ? territories.get(territory) : undefined;
      if (level === 'departamento' && !departamento)
        throw notFound(`No departamento ${territory} in ${catalog.code}`, 'TERRITORY_UNKNOWN');
      const childColumn = level === 'nacional' ? 'departamento_id' : 'municipio_id';
      const filter = departamento ? 'AND departamento_id = $3' : '';
      const values = departamento ? [catalog.id, corporation, departamento.id] : [catalog.id, corporation];
      const [coverage, votes] = await Promise.all([
        this.pool.query<CoverageRow>({
          name: `results-coverage-${level}`,
          text: `SELECT ${childColumn}::text AS child, ${COVERAGE_SUMS} FROM municipio_coverage
                 WHERE election_id = $1 AND corporation = $2 ${filter} GROUP BY ${childColumn}`,
          values,
        }),
        this.pool.query<{ child: string; candidate_id: number; votes: string }>({
          name: `results-votes-${level}`,
          text: `SELECT ${childColumn}::text AS child, candidate_id, sum(votes) AS votes FROM municipio_vote_tallies
                 WHERE election_id = $1 AND corporation = $2 ${filter} GROUP BY ${childColumn}, candidate_id`,
          values,
        }),
      ]);
      const coverageById = new Map(coverage.rows.map((row) => [row.child, row]));
      const votesById = new Map<string, Map<number, number>>();
      for (const row of votes.rows) {
        const map = votesById.get(row.child) ?? new Map<number, number>();
        votesById.set(row.child, map);
        map.set(row.candidate_id, Number(row.votes));
      }
      const prefix = level === 'nacional' ? null : `${territory}-`;
      for (const [code, info] of territories) {
        const isChild = prefix === null ? code.length === 2 : code.startsWith(prefix);
        if (!isChild) continue;
        children.push({
          code,
          name: info.name,
          expected: info,
          coverage: coverageById.get(String(info.id)),
          votes: votesById.get(String(info.id)) ?? new Map(),
        });
      }
      name = departamento?.name ?? name;
      expected = children.reduce(
        (total, child) => ({
          mesas: total.mesas + child.expected.mesas,
          habilitados: total.habilitados + child.expected.habilitados,
        }),
        expected,
      );
    } else if (level === 'municipio' || level === 'zona') {
      const municipio = territories.get(territory.slice(0, 6));
      if (!municipio) throw notFound(`No municipio ${territory.slice(0, 6)} in ${catalog.code}`, 'TERRITORY_UNKNOWN');
      // Children are zonas (of a municipio) or puestos (of a zona), read from the puesto rollups.
      const child = level === 'municipio' ? `'${territory}-' || z.code` : `'${territory}-' || p.code`;
      const zona = level === 'zona' ? territory.slice(7) : '';
      const values = [municipio.id, corporation, zona];
      const zonaFilter = `($3 = '' OR z.code = $3)`;
      const [coverage, votes, expectedRows] = await Promise.all([
        this.pool.query<CoverageRow>({
          name: `results-coverage-${level}`,
          text: `SELECT ${child} AS child, ${COVERAGE_SUMS} FROM puesto_coverage pc
                 JOIN puestos p ON p.id = pc.puesto_id JOIN zonas z ON z.id = p.zona_id
                 WHERE pc.municipio_id = $1 AND pc.corporation = $2 AND ${zonaFilter} GROUP BY 1`,
          values,
        }),
        this.pool.query<{ child: string; candidate_id: number; votes: string }>({
          name: `results-votes-${level}`,
          text: `SELECT ${child} AS child, pt.candidate_id, sum(pt.votes) AS votes FROM puesto_vote_tallies pt
                 JOIN puestos p ON p.id = pt.puesto_id JOIN zonas z ON z.id = p.zona_id
                 WHERE pt.municipio_id = $1 AND pt.corporation = $2 AND ${zonaFilter} GROUP BY 1, 2`,
          values,
        }),
        this.pool.query<{ child: string; mesas: string; habilitados: string; name: string }>({
          name: `results-expected-${level}`,
          text: `SELECT ${child} AS child, sum(p.mesa_count) AS mesas, sum(p.habilitados) AS habilitados, max(p.name) AS name
                 FROM puestos p JOIN zonas z ON z.id = p.zona_id
                 WHERE p.municipio_id = $1 AND $2::text IS NOT NULL AND ${zonaFilter} GROUP BY 1 ORDER BY 1`,
          values,
        }),
      ]);
      if (expectedRows.rows.length === 0)
        throw notFound(`No territory ${territory} in ${catalog.code}`, 'TERRITORY_UNKNOWN');
      const coverageByChild = new Map(coverage.rows.map((row) => [row.child, row]));
      const votesByChild = votesPerChild(votes.rows);
      for (const row of expectedRows.rows) {
        children.push({
          code: row.child,
          name: level === 'zona' ? row.name : `ZONA ${row.child.slice(7)}`,
          expected: { mesas: Number(row.mesas), habilitados: Number(row.habilitados) },
          coverage: coverageByChild.get(row.child),
          votes: votesByChild.get(row.child) ?? new Map(),
        });
        expected.mesas += Number(row.mesas);
        expected.habilitados += Number(row.habilitados);
      }
      name = level === 'municipio' ? municipio.name : `ZONA ${zona}`;
    } else {
      // A puesto (its mesas are the children) or one mesa: the reconciled mesas themselves.
      const municipioCode = territory.slice(0, 6);
      const municipio = territories.get(municipioCode);
      if (!municipio) throw notFound(`No municipio ${municipioCode} in ${catalog.code}`, 'TERRITORY_UNKNOWN');
      const like = level === 'mesa' ? territory : `${territory}-%`;
      const [coverage, votes, expectedRows] = await Promise.all([
        this.pool.query<CoverageRow & { status: MesaStatus | null }>({
          name: `results-coverage-${level}`,
          text: `SELECT m.mesa_key AS child, ${TRUTH_SUMS}, max(r.status) AS status
                 FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id
                 WHERE r.municipio_id = $1 AND r.corporation = $2 AND m.mesa_key LIKE $3 GROUP BY 1`,
          values: [municipio.id, corporation, like],
        }),
        this.pool.query<{ child: string; candidate_id: number; votes: string }>({
          name: `results-votes-${level}`,
          text: `SELECT m.mesa_key AS child, u.candidate_id, sum(coalesce(u.votes, 0)) AS votes
                 FROM reconciliations r JOIN mesas m ON m.id = r.mesa_id,
                      unnest(r.candidate_ids, r.votes) AS u(candidate_id, votes)
                 WHERE r.municipio_id = $1 AND r.corporation = $2 AND m.mesa_key LIKE $3 GROUP BY 1, 2`,
          values: [municipio.id, corporation, like],
        }),
        this.pool.query<{ child: string; mesas: string; habilitados: string; puesto_name: string }>({
          name: `results-expected-${level}`,
          text: `SELECT m.mesa_key AS child, count(*) AS mesas, sum(m.habilitados) AS habilitados, max(p.name) AS puesto_name
                 FROM mesas m JOIN puestos p ON p.id = m.puesto_id
                 WHERE m.municipio_id = $1 AND m.mesa_key LIKE $2 GROUP BY 1 ORDER BY 1`,
          values: [municipio.id, like],
        }),
      ]);
      if (expectedRows.rows.length === 0)
        throw notFound(`No territory ${territory} in ${catalog.code}`, 'TERRITORY_UNKNOWN');
      const coverageByChild = new Map(coverage.rows.map((row) => [row.child, row]));
      const votesByChild = votesPerChild(votes.rows);
      for (const row of expectedRows.rows) {
        const rowCoverage = coverageByChild.get(row.child);
        children.push({
          code: row.child,
          name: `MESA ${row.child.slice(13)}`,
          expected: { mesas: Number(row.mesas), habilitados: Number(row.habilitados) },
          coverage: rowCoverage,
          votes: votesByChild.get(row.child) ?? new Map(),
          ...(rowCoverage?.status ? { mesaStatus: rowCoverage.status } : {}),
        });
        expected.mesas += Number(row.mesas);
        expected.habilitados += Number(row.habilitados);
      }
      name = level === 'puesto' ? (expectedRows.rows[0]?.puesto_name ?? territory) : `MESA ${territory.slice(13)}`;
    }
    return this.assemble(
      catalog,
      corporation,
      level,
      { code: territory, name },
      expected,
      level === 'mesa' ? [] : children,
      children,
    );
  }

  private assemble(
    catalog: ElectionCatalog,
    corporation: Corporation,
    level: TerritoryLevel,
    territory: { code: string; name: string },
    expected: { mesas: number; habilitados: number },
    shownChildren: readonly ChildAggregate[],
    parts: readonly ChildAggregate[],
  ): ResultsResponse {
    const votes = new Map<number, number>();
    const totalRow: Record<keyof Omit<CoverageRow, 'child'>, number> = {
      mesas_in: 0,
      mesas_validated: 0,
      mesas_needs_review: 0,
      mesas_failed_rules: 0,
      mesas_disputed: 0,
      habilitados_in: 0,
      sufragantes: 0,
      urna: 0,
      incinerados: 0,
      blancos: 0,
      nulos: 0,
      no_marcados: 0,
    };
    for (const part of parts) {
      for (const [id, value] of part.votes) votes.set(id, (votes.get(id) ?? 0) + value);
      if (part.coverage)
        for (const key of Object.keys(totalRow) as Array<keyof typeof totalRow>)
          totalRow[key] += Number(part.coverage[key]);
    }
    const candidateVotes = [...votes.values()].reduce((total, value) => total + value, 0);
    const share = (value: number) => (candidateVotes > 0 ? value / candidateVotes : 0);
    const options = [...votes.entries()]
      .flatMap(([id, value]) => {
        const candidate = catalog.candidates.get(id);
        if (!candidate || candidate.corporation !== corporation) return [];
        const list = candidate.listId === null ? undefined : catalog.lists.get(candidate.listId);
        return [
          {
            candidateId: id,
            ballotNumber: candidate.ballotNumber,
            candidateNumber: candidate.candidateNumber,
            listCode: list?.listCode ?? null,
            name: candidate.name,
            party: candidate.party,
            circunscripcion: candidate.circunscripcion,
            votes: value,
            share: share(value),
          },
        ];
      })
      .sort((a, b) => b.votes - a.votes || a.ballotNumber - b.ballotNumber);
    const listVotes = new Map<number, number>();
    for (const option of options) {
      const listId = catalog.candidates.get(option.candidateId)?.listId;
      if (listId != null) listVotes.set(listId, (listVotes.get(listId) ?? 0) + option.votes);
    }
    const lists = [...listVotes.entries()]
      .flatMap(([id, value]) => {
        const list = catalog.lists.get(id);
        return list
          ? [
              {
                listId: id,
                ballotNumber: list.ballotNumber,
                listCode: list.listCode,
                name: list.name,
                preferente: list.preferente,
                circunscripcion: list.circunscripcion,
                votes: value,
                share: share(value),
              },
            ]
          : [];
      })
      .sort((a, b) => b.votes - a.votes);
    const coverage = coverageOf(
      {
        child: territory.code,
        ...(Object.fromEntries(Object.entries(totalRow).map(([key, value]) => [key, String(value)])) as Omit<
          CoverageRow,
          'child'
        >),
      },
      expected,
    );
    return {
      electionCode: catalog.code,
      corporation,
      level,
      territory,
      coverage,
      totals: {
        sufragantes: totalRow.sufragantes,
        urna: totalRow.urna,
        incinerados: totalRow.incinerados,
        candidateVotes,
        blancos: totalRow.blancos,
        nulos: totalRow.nulos,
        noMarcados: totalRow.no_marcados,
        turnout: totalRow.habilitados_in > 0 ? totalRow.sufragantes / totalRow.habilitados_in : null,
      },
      options,
      lists,
      children: shownChildren.map((child) => {
        let leader: number | null = null;
        let best = -1;
        for (const [id, value] of child.votes) if (value > best) [leader, best] = [id, value];
        return {
          code: child.code,
          name: child.name,
          coverage: coverageOf(child.coverage, child.expected),
          candidateVotes: [...child.votes.values()].reduce((total, value) => total + value, 0),
          leaderCandidateId: leader,
          ...(child.mesaStatus ? { mesaStatus: child.mesaStatus } : {}),
        };
      }),
      source: 'reconciled',
      generatedAt: new Date().toISOString(),
    };
  }
}

/** CSV export of a results answer: one line per option, then the special rows and coverage. */
export function resultsCsv(response: ResultsResponse): string {
  const quoteCsv = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = ['territorio,nivel,corporacion,opcion,nombre,votos'];
  const line = (option: string, name: string, votes: number) =>
    lines.push(
      [response.territory.code, response.level, response.corporation, option, quoteCsv(name), String(votes)].join(','),
    );
  for (const option of response.options) {
    line(
      option.candidateNumber === null
        ? String(option.ballotNumber)
        : `${option.ballotNumber}-${option.candidateNumber}`,
      option.name,
      option.votes,
    );
  }
  line('BLANCO', 'VOTOS EN BLANCO', response.totals.blancos);
  line('NULO', 'VOTOS NULOS', response.totals.nulos);
  line('NO_MARCADO', 'VOTOS NO MARCADOS', response.totals.noMarcados);
  line('SUFRAGANTES', 'TOTAL VOTANTES E-11', response.totals.sufragantes);
  line('MESAS_ESPERADAS', 'MESAS ESPERADAS', response.coverage.mesasExpected);
  line('MESAS_INFORMADAS', 'MESAS INFORMADAS', response.coverage.mesasIn);
  line('MESAS_VALIDADAS', 'MESAS VALIDADAS', response.coverage.mesasValidated);
  line('MESAS_EN_DISPUTA', 'MESAS EN DISPUTA', response.coverage.mesasDisputed);
  return `${lines.join('\n')}\n`;
}
