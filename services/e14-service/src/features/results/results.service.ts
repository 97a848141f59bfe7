import { type Corporation, type ResultsResponse, resultsResponseSchema, territoryLevelOf } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import type { ResultsCache } from '../../shared/results-cache.js';
import type { CoverageRow, ExpectedRow, ResultsRepository, VoteRow } from './results.repository.js';
import { assembleResults, type ChildAggregate, type Expected, expectedOf, votesPerChild } from './results-assembly.js';

/** A departamento or municipio: its row id, name and expected totals. */
type TerritoryInfo = Expected & { id: number; name: string };

/** Departamento and municipio infos keyed by code ("01", "01-001"). */
type Territories = Map<string, TerritoryInfo>;

/** What one level reads: the territory's name and its children. */
interface LevelReading {
  name: string;
  children: ChildAggregate[];
}

export interface ResultsServiceDeps {
  repository: Pick<ResultsRepository, 'territories' | 'municipioRollups' | 'puestoRollups' | 'reconciledMesas'>;
  catalogs: Pick<ElectionCatalogs, 'requireElection'>;
  cache: Pick<ResultsCache, 'get' | 'set'>;
}

/** The zona code of a "DD-MMM-ZZ" territory, or of a puesto or mesa under it. */
const zonaOf = (territory: string) => territory.slice(7);
/** The mesa code of a "DD-MMM-ZZ-PP-MMM" mesa key. */
const mesaCodeOf = (mesaKey: string) => mesaKey.slice(13);
/** The "DD-MMM" municipio of any territory at municipio level or below. */
const municipioOf = (territory: string) => territory.slice(0, 6);

function requireMunicipio(catalog: ElectionCatalog, territory: string, territories: Territories): TerritoryInfo {
  const municipio = territories.get(municipioOf(territory));
  if (!municipio) throw httpError('TERRITORY_UNKNOWN', `No municipio ${municipioOf(territory)} in ${catalog.code}`);
  return municipio;
}

/**
 * The children of a territory below the municipio level, one per expected row (none: the
 * territory is unknown), with the coverage and votes read for each.
 */
function childrenOf<Row extends ExpectedRow, Coverage extends CoverageRow>(
  catalog: ElectionCatalog,
  territory: string,
  rows: { coverage: Coverage[]; votes: VoteRow[]; expected: Row[] },
  nameOf: (row: Row) => string,
): Array<ChildAggregate & { coverage: Coverage | undefined }> {
  if (rows.expected.length === 0) throw httpError('TERRITORY_UNKNOWN', `No territory ${territory} in ${catalog.code}`);
  const coverageByChild = new Map(rows.coverage.map((row) => [row.child, row]));
  const votesByChild = votesPerChild(rows.votes);
  return rows.expected.map((row) => ({
    code: row.child,
    name: nameOf(row),
    expected: { mesas: Number(row.mesas), habilitados: Number(row.habilitados) },
    coverage: coverageByChild.get(row.child),
    votes: votesByChild.get(row.child) ?? new Map(),
  }));
}

/**
 * Results by territory from reconciled truth only. National and departamento levels read the
 * per-municipio rollups (about 1,100 rows nationally, whatever the number of mesas); municipio and
 * zona the per-puesto rollups of one municipio; puesto and mesa the reconciled mesas themselves.
 * Both rollup levels are kept by shared/rollups.ts in the transaction that changes a truth.
 * Answers are cached until a change.
 */
export class ResultsService {
  private readonly territoriesByElection = new Map<number, Promise<Territories>>();

  constructor(private readonly deps: ResultsServiceDeps) {}

  /**
   * The answer as JSON text. A computed answer is checked against the response contract once,
   * then cached as text, so a cache hit is sent as is (no parse, check or serialisation).
   */
  async resultsJson(electionCode: string, corporation: Corporation, territory: string): Promise<string> {
    const catalog = await this.deps.catalogs.requireElection(electionCode, corporation);
    const cached = await this.deps.cache.get(catalog.id, corporation, territory);
    if (cached) return cached;
    const json = JSON.stringify(resultsResponseSchema.parse(await this.compute(catalog, corporation, territory)));
    await this.deps.cache.set(catalog.id, corporation, territory, json);
    return json;
  }

  /** Forgets the territorial cache of an election (after a divipol import). */
  forgetTerritories(electionId: number): void {
    this.territoriesByElection.delete(electionId);
  }

  /** Departamento and municipio names, ids and expected totals, read once per election. */
  private territories(electionId: number): Promise<Territories> {
    let entry = this.territoriesByElection.get(electionId);
    if (!entry) {
      entry = this.deps.repository
        .territories(electionId)
        .then(
          (rows) =>
            new Map(
              rows.map((row) => [
                row.code,
                { id: row.id, name: row.name, mesas: Number(row.mesas), habilitados: Number(row.habilitados) },
              ]),
            ),
        );
      entry.catch(() => this.territoriesByElection.delete(electionId));
      this.territoriesByElection.set(electionId, entry);
    }
    return entry;
  }

  private async compute(
    catalog: ElectionCatalog,
    corporation: Corporation,
    territory: string,
  ): Promise<ResultsResponse> {
    const level = territoryLevelOf(territory);
    const territories = await this.territories(catalog.id);
    const reading =
      level === 'nacional' || level === 'departamento'
        ? await this.fromMunicipioRollups(catalog, corporation, level, territory, territories)
        : level === 'municipio' || level === 'zona'
          ? await this.fromPuestoRollups(catalog, corporation, level, territory, territories)
          : await this.fromReconciledMesas(catalog, corporation, level, territory, territories);
    return assembleResults(
      catalog,
      corporation,
      level,
      { code: territory, name: reading.name },
      expectedOf(reading.children),
      level === 'mesa' ? [] : reading.children,
      reading.children,
    );
  }

  /** Nacional (children: departamentos) or a departamento (children: its municipios). */
  private async fromMunicipioRollups(
    catalog: ElectionCatalog,
    corporation: Corporation,
    level: 'nacional' | 'departamento',
    territory: string,
    territories: Territories,
  ): Promise<LevelReading> {
    const departamento = level === 'departamento' ? territories.get(territory) : undefined;
    if (level === 'departamento' && !departamento)
      throw httpError('TERRITORY_UNKNOWN', `No departamento ${territory} in ${catalog.code}`);
    const rows = await this.deps.repository.municipioRollups(level, catalog.id, corporation, departamento?.id);
    const coverageById = new Map(rows.coverage.map((row) => [row.child, row]));
    const votesById = votesPerChild(rows.votes);
    const prefix = level === 'nacional' ? null : `${territory}-`;
    const children: ChildAggregate[] = [];
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
    return { name: departamento?.name ?? 'COLOMBIA', children };
  }

  /** A municipio (children: its zonas) or a zona (children: its puestos). */
  private async fromPuestoRollups(
    catalog: ElectionCatalog,
    corporation: Corporation,
    level: 'municipio' | 'zona',
    territory: string,
    territories: Territories,
  ): Promise<LevelReading> {
    const municipio = requireMunicipio(catalog, territory, territories);
    const zona = level === 'zona' ? zonaOf(territory) : '';
    const rows = await this.deps.repository.puestoRollups(level, territory, municipio.id, corporation, zona);
    const children = childrenOf(catalog, territory, rows, (row) =>
      level === 'zona' ? row.name : `ZONA ${zonaOf(row.child)}`,
    );
    return { name: level === 'municipio' ? municipio.name : `ZONA ${zona}`, children };
  }

  /** A puesto (its mesas are the children) or one mesa: the reconciled mesas themselves. */
  private async fromReconciledMesas(
    catalog: ElectionCatalog,
    corporation: Corporation,
    level: 'puesto' | 'mesa',
    territory: string,
    territories: Territories,
  ): Promise<LevelReading> {
    const municipio = requireMunicipio(catalog, territory, territories);
    const like = level === 'mesa' ? territory : `${territory}-%`;
    const rows = await this.deps.repository.reconciledMesas(level, municipio.id, corporation, like);
    const children = childrenOf(catalog, territory, rows, (row) => `MESA ${mesaCodeOf(row.child)}`).map(
      (child): ChildAggregate => (child.coverage?.status ? { ...child, mesaStatus: child.coverage.status } : child),
    );
    const name = level === 'puesto' ? (rows.expected[0]?.puesto_name ?? territory) : `MESA ${mesaCodeOf(territory)}`;
    return { name, children };
  }
}
