import type { Corporation } from '@castor/contracts';
import { notFound, unprocessable } from '@castor/service-kit';
import type pg from 'pg';
import { type EffectiveRules, effectiveRules } from '../domain/rule-catalog.js';

export interface CandidateInfo {
  id: number;
  corporation: Corporation;
  circunscripcion: string;
  departamentoCode: string;
  municipioCode: string;
  ballotNumber: number;
  candidateNumber: number | null;
  listId: number | null;
  name: string;
  party: string | null;
}

export interface ListInfo {
  id: number;
  corporation: Corporation;
  circunscripcion: string;
  departamentoCode: string;
  municipioCode: string;
  ballotNumber: number;
  listCode: string | null;
  preferente: boolean;
  name: string;
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

async function loadCatalog(pool: pg.Pool, code: string): Promise<ElectionCatalog | null> {
  const election = await pool.query<{ id: number; code: string; name: string; date: string; rule_config: unknown }>(
    `SELECT id, code, name, to_char(date, 'YYYY-MM-DD') AS date, rule_config FROM elections WHERE code = $1`,
    [code],
  );
  const row = election.rows[0];
  if (!row) return null;
  const [corporations, candidateRows, listRows] = await Promise.all([
    pool.query<{ corporation: Corporation; rule_config: unknown }>(
      'SELECT corporation, rule_config FROM election_corporations WHERE election_id = $1',
      [row.id],
    ),
    pool.query<{
      id: number;
      corporation: Corporation;
      circunscripcion: string;
      departamento_code: string;
      municipio_code: string;
      ballot_number: number;
      candidate_number: number | null;
      list_id: number | null;
      name: string;
      party: string | null;
    }>('SELECT * FROM candidates WHERE election_id = $1 ORDER BY ballot_number, candidate_number NULLS FIRST', [
      row.id,
    ]),
    pool.query<{
      id: number;
      corporation: Corporation;
      circunscripcion: string;
      departamento_code: string;
      municipio_code: string;
      ballot_number: number;
      list_code: string | null;
      preferente: boolean;
      name: string;
    }>('SELECT * FROM party_lists WHERE election_id = $1', [row.id]),
  ]);
  const electionRuleConfig = row.rule_config;
  const candidates = new Map<number, CandidateInfo>();
  const byScope = new Map<Corporation, Map<string, Map<string, CandidateInfo>>>();
  for (const candidate of candidateRows.rows) {
    const info: CandidateInfo = {
      id: candidate.id,
      corporation: candidate.corporation,
      circunscripcion: candidate.circunscripcion,
      departamentoCode: candidate.departamento_code,
      municipioCode: candidate.municipio_code,
      ballotNumber: candidate.ballot_number,
      candidateNumber: candidate.candidate_number,
      listId: candidate.list_id,
      name: candidate.name,
      party: candidate.party,
    };
    candidates.set(info.id, info);
    const scopes = byScope.get(info.corporation) ?? new Map<string, Map<string, CandidateInfo>>();
    byScope.set(info.corporation, scopes);
    const key = scopeKey(info.departamentoCode, info.municipioCode);
    const options = scopes.get(key) ?? new Map<string, CandidateInfo>();
    scopes.set(key, options);
    options.set(optionKey(info.ballotNumber, info.candidateNumber), info);
  }
  const lists = new Map<number, ListInfo>(
    listRows.rows.map((list) => [
      list.id,
      {
        id: list.id,
        corporation: list.corporation,
        circunscripcion: list.circunscripcion,
        departamentoCode: list.departamento_code,
        municipioCode: list.municipio_code,
        ballotNumber: list.ballot_number,
        listCode: list.list_code,
        preferente: list.preferente,
        name: list.name,
      },
    ]),
  );
  const scopesOf = (departamento: string, municipio: string) => [
    scopeKey(departamento, municipio),
    scopeKey(departamento, ''),
    scopeKey('', ''),
  ];
  const optionsCache = new Map<string, CandidateInfo[]>();
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    date: row.date,
    electionRuleConfig,
    corporations: new Map(
      corporations.rows.map((corporation) => [
        corporation.corporation,
        { config: corporation.rule_config, rules: effectiveRules(electionRuleConfig, corporation.rule_config) },
      ]),
    ),
    candidates,
    lists,
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
    if (!catalog) throw notFound(`No election ${code} has been imported`, 'ELECTION_UNKNOWN');
    if (corporation !== undefined && !catalog.corporations.has(corporation)) {
      throw unprocessable('CORPORATION_NOT_IN_ELECTION', `${corporation} is not elected in ${code}`, {
        corporations: [...catalog.corporations.keys()],
      });
    }
    return catalog;
  }

  invalidate(code: string): void {
    this.entries.delete(code);
  }
}
