import type { Corporation } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import { eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import { createDb } from '../db/client.js';
import { candidates, electionCorporations, elections, partyLists } from '../db/schema/index.js';
import { type EffectiveRules, effectiveRules } from '../domain/rule-catalog.js';

/** What a candidate row and a party list share: their place on the ballot of one circunscripción. */
interface BallotPlace {
  id: number;
  corporation: Corporation;
  circunscripcion: string;
  departamentoCode: string;
  municipioCode: string;
  ballotNumber: number;
  name: string;
}

export interface CandidateInfo extends BallotPlace {
  candidateNumber: number | null;
  listId: number | null;
  party: string | null;
}

export interface ListInfo extends BallotPlace {
  listCode: string | null;
  preferente: boolean;
}

/** What intake, reconciliation and results need to know about one election, held in memory. */
export interface ElectionCatalog {
  id: number;
  code: string;
  name: string;
  date: string;
  corporations: Map<Corporation, { rules: EffectiveRules; config: unknown }>;
  electionRuleConfig: unknown;
  candidates: Map<number, CandidateInfo>;
  lists: Map<number, ListInfo>;
  /** Finds the candidate row of `option` ("3" or "3-101") for a mesa of departamento/municipio. */
  resolveOption(
    corporation: Corporation,
    departamento: string,
    municipio: string,
    option: string,
  ): CandidateInfo | undefined;
  /** The ballot options of a corporation on the sheets of a mesa, in ballot order. */
  optionsFor(corporation: Corporation, departamento: string, municipio: string): CandidateInfo[];
}

const scopeKey = (departamento: string, municipio: string) => `${departamento}|${municipio}`;
export const optionKey = (ballotNumber: number, candidateNumber: number | null) =>
  candidateNumber === null ? String(ballotNumber) : `${ballotNumber}-${candidateNumber}`;

/** The election's rows: itself, its corporations, its candidate rows and its party lists. */
async function readCatalogRows(pool: pg.Pool, code: string) {
  const db = createDb(pool);
  const [election] = await db
    .select({
      id: elections.id,
      code: elections.code,
      name: elections.name,
      date: sql<string>`to_char(${elections.date}, 'YYYY-MM-DD')`,
      ruleConfig: elections.ruleConfig,
    })
    .from(elections)
    .where(eq(elections.code, code));
  if (!election) return null;
  const [corporations, candidateRows, listRows] = await Promise.all([
    db
      .select({ corporation: electionCorporations.corporation, ruleConfig: electionCorporations.ruleConfig })
      .from(electionCorporations)
      .where(eq(electionCorporations.electionId, election.id)),
    db
      .select()
      .from(candidates)
      .where(eq(candidates.electionId, election.id))
      .orderBy(candidates.ballotNumber, sql`${candidates.candidateNumber} NULLS FIRST`),
    db.select().from(partyLists).where(eq(partyLists.electionId, election.id)),
  ]);
  return { election, corporations, candidateRows, listRows };
}

type CandidateRow = typeof candidates.$inferSelect;
type ListRow = typeof partyLists.$inferSelect;

const toCandidateInfo = (candidate: CandidateRow): CandidateInfo => ({
  id: candidate.id,
  corporation: candidate.corporation as Corporation,
  circunscripcion: candidate.circunscripcion,
  departamentoCode: candidate.departamentoCode,
  municipioCode: candidate.municipioCode,
  ballotNumber: candidate.ballotNumber,
  candidateNumber: candidate.candidateNumber,
  listId: candidate.listId,
  name: candidate.name,
  party: candidate.party,
});

const toListInfo = (list: ListRow): ListInfo => ({
  id: list.id,
  corporation: list.corporation as Corporation,
  circunscripcion: list.circunscripcion,
  departamentoCode: list.departamentoCode,
  municipioCode: list.municipioCode,
  ballotNumber: list.ballotNumber,
  listCode: list.listCode,
  preferente: list.preferente,
  name: list.name,
});

/** Ballot options by corporation, then scope (departamento|municipio), then option key ("3", "3-101"). */
type OptionsByScope = Map<Corporation, Map<string, Map<string, CandidateInfo>>>;

function indexByScope(candidateInfos: Iterable<CandidateInfo>): OptionsByScope {
  const byScope: OptionsByScope = new Map();
  for (const info of candidateInfos) {
    const scopes = byScope.get(info.corporation) ?? new Map<string, Map<string, CandidateInfo>>();
    byScope.set(info.corporation, scopes);
    const key = scopeKey(info.departamentoCode, info.municipioCode);
    const options = scopes.get(key) ?? new Map<string, CandidateInfo>();
    scopes.set(key, options);
    options.set(optionKey(info.ballotNumber, info.candidateNumber), info);
  }
  return byScope;
}

/** A mesa's options come from its municipio's, its departamento's and the national scope, narrowest first. */
const scopesOf = (departamento: string, municipio: string) => [
  scopeKey(departamento, municipio),
  scopeKey(departamento, ''),
  scopeKey('', ''),
];

function optionLookups(byScope: OptionsByScope): Pick<ElectionCatalog, 'resolveOption' | 'optionsFor'> {
  const optionsCache = new Map<string, CandidateInfo[]>();
  return {
    resolveOption(corporation, departamento, municipio, option) {
      const scopes = byScope.get(corporation);
      if (!scopes) return undefined;
      for (const key of scopesOf(departamento, municipio)) {
        const found = scopes.get(key)?.get(option);
        if (found) return found;
      }
      return undefined;
    },
    optionsFor(corporation, departamento, municipio) {
      const cacheKey = `${corporation}|${departamento}|${municipio}`;
      const cached = optionsCache.get(cacheKey);
      if (cached) return cached;
      const scopes = byScope.get(corporation);
      const options = scopes
        ? scopesOf(departamento, municipio).flatMap((key) => [...(scopes.get(key)?.values() ?? [])])
        : [];
      options.sort((a, b) => a.ballotNumber - b.ballotNumber || (a.candidateNumber ?? -1) - (b.candidateNumber ?? -1));
      optionsCache.set(cacheKey, options);
      return options;
    },
  };
}

async function loadCatalog(pool: pg.Pool, code: string): Promise<ElectionCatalog | null> {
  const rows = await readCatalogRows(pool, code);
  if (!rows) return null;
  const { election, corporations, candidateRows, listRows } = rows;
  const candidateInfos = new Map(candidateRows.map((row) => [row.id, toCandidateInfo(row)]));
  return {
    id: election.id,
    code: election.code,
    name: election.name,
    date: election.date,
    electionRuleConfig: election.ruleConfig,
    corporations: new Map(
      corporations.map((corporation) => [
        corporation.corporation as Corporation,
        { config: corporation.ruleConfig, rules: effectiveRules(election.ruleConfig, corporation.ruleConfig) },
      ]),
    ),
    candidates: candidateInfos,
    lists: new Map(listRows.map((list) => [list.id, toListInfo(list)])),
    ...optionLookups(indexByScope(candidateInfos.values())),
  };
}

/**
 * Election catalogs cached per process. Imports and rule changes invalidate the local copy at
 * once; other replicas pick changes up within `ttlMs`.
 */
export class ElectionCatalogs {
  private readonly entries = new Map<string, { loadedAt: number; catalog: Promise<ElectionCatalog | null> }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs = 10_000,
  ) {}

  get(code: string): Promise<ElectionCatalog | null> {
    const entry = this.entries.get(code);
    if (entry && Date.now() - entry.loadedAt < this.ttlMs) return entry.catalog;
    const catalog = loadCatalog(this.pool, code);
    this.entries.set(code, { loadedAt: Date.now(), catalog });
    catalog.catch(() => this.entries.delete(code));
    return catalog;
  }

  /**
   * The election, or a 404 `ELECTION_UNKNOWN`; given a corporation, also a 422
   * `CORPORATION_NOT_IN_ELECTION` when the election does not elect it.
   */
  async requireElection(code: string, corporation?: Corporation): Promise<ElectionCatalog> {
    const catalog = await this.get(code);
    if (!catalog) throw httpError('ELECTION_UNKNOWN', `No election ${code} has been imported`);
    if (corporation !== undefined && !catalog.corporations.has(corporation)) {
      throw httpError('CORPORATION_NOT_IN_ELECTION', `${corporation} is not elected in ${code}`, {
        corporations: [...catalog.corporations.keys()],
      });
    }
    return catalog;
  }

  invalidate(code: string): void {
    this.entries.delete(code);
  }
}
