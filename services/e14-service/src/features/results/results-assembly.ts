import type { Corporation, MesaStatus, ResultsResponse, TerritoryLevel } from '@castor/contracts';
import type { ElectionCatalog } from '../../shared/election-catalog.js';
import type { CoverageRow, CoverageSum, VoteRow } from './results.repository.js';

type Coverage = ResultsResponse['coverage'];

export interface Expected {
  mesas: number;
  habilitados: number;
}

/** One child territory (or mesa) of the answer, with what was read for it. */
export interface ChildAggregate {
  code: string;
  name: string;
  expected: Expected;
  coverage: CoverageRow | undefined;
  votes: Map<number, number>;
  mesaStatus?: MesaStatus;
}

function coverageOf(sums: Record<CoverageSum, string | number> | undefined, expected: Expected): Coverage {
  return {
    mesasExpected: expected.mesas,
    mesasIn: sums ? Number(sums.mesas_in) : 0,
    mesasValidated: sums ? Number(sums.mesas_validated) : 0,
    mesasNeedsReview: sums ? Number(sums.mesas_needs_review) : 0,
    mesasFailedRules: sums ? Number(sums.mesas_failed_rules) : 0,
    mesasDisputed: sums ? Number(sums.mesas_disputed) : 0,
    habilitadosExpected: expected.habilitados,
    habilitadosIn: sums ? Number(sums.habilitados_in) : 0,
  };
}

/** Votes per candidate of each child territory, from rows of (child, candidate, votes). */
export function votesPerChild(rows: readonly VoteRow[]): Map<string, Map<number, number>> {
  const byChild = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const votes = byChild.get(row.child) ?? new Map<number, number>();
    byChild.set(row.child, votes);
    votes.set(row.candidate_id, Number(row.votes));
  }
  return byChild;
}

/** The expected mesas and habilitados of a territory: the sum over its children. */
export function expectedOf(children: readonly ChildAggregate[]): Expected {
  return children.reduce(
    (total, child) => ({
      mesas: total.mesas + child.expected.mesas,
      habilitados: total.habilitados + child.expected.habilitados,
    }),
    { mesas: 0, habilitados: 0 },
  );
}

/** Votes per candidate and coverage sums over the parts of a territory. */
function sumParts(parts: readonly ChildAggregate[]) {
  const votes = new Map<number, number>();
  const sums: Record<CoverageSum, number> = {
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
    if (part.coverage) for (const key of Object.keys(sums) as CoverageSum[]) sums[key] += Number(part.coverage[key]);
  }
  return { votes, sums };
}

/** The corporation's candidate rows with their votes, most voted first (ties by ballot number). */
function optionsOf(
  catalog: ElectionCatalog,
  corporation: Corporation,
  votes: ReadonlyMap<number, number>,
  share: (value: number) => number,
): ResultsResponse['options'] {
  return [...votes.entries()]
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
}

/** Party lists with the votes of all their rows, most voted first. */
function listsOf(
  catalog: ElectionCatalog,
  options: ResultsResponse['options'],
  share: (value: number) => number,
): ResultsResponse['lists'] {
  const listVotes = new Map<number, number>();
  for (const option of options) {
    const listId = catalog.candidates.get(option.candidateId)?.listId;
    if (listId != null) listVotes.set(listId, (listVotes.get(listId) ?? 0) + option.votes);
  }
  return [...listVotes.entries()]
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
}

function childSummary(child: ChildAggregate): ResultsResponse['children'][number] {
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
}

/** The results answer of a territory: the sums over `parts`, with `shownChildren` listed. */
export function assembleResults(
  catalog: ElectionCatalog,
  corporation: Corporation,
  level: TerritoryLevel,
  territory: { code: string; name: string },
  expected: Expected,
  shownChildren: readonly ChildAggregate[],
  parts: readonly ChildAggregate[],
): ResultsResponse {
  const { votes, sums } = sumParts(parts);
  const candidateVotes = [...votes.values()].reduce((total, value) => total + value, 0);
  const share = (value: number) => (candidateVotes > 0 ? value / candidateVotes : 0);
  const options = optionsOf(catalog, corporation, votes, share);
  return {
    electionCode: catalog.code,
    corporation,
    level,
    territory,
    coverage: coverageOf(sums, expected),
    totals: {
      sufragantes: sums.sufragantes,
      urna: sums.urna,
      incinerados: sums.incinerados,
      candidateVotes,
      blancos: sums.blancos,
      nulos: sums.nulos,
      noMarcados: sums.no_marcados,
      turnout: sums.habilitados_in > 0 ? sums.sufragantes / sums.habilitados_in : null,
    },
    options,
    lists: listsOf(catalog, options, share),
    children: shownChildren.map(childSummary),
    source: 'reconciled',
    generatedAt: new Date().toISOString(),
  };
}
