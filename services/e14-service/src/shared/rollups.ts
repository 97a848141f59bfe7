import type { MesaStatus } from '@castor/contracts';
import type { InferSelectModel } from 'drizzle-orm';
import type pg from 'pg';
import type { municipioCoverage, puestoCoverage } from '../db/schema/tallies.js';
import type { MesaNumbers } from '../domain/reconciliation-policy.js';

/** Where a mesa sits, for the rollups. */
export interface RollupPlace {
  corporation: string;
  electionId: number;
  departamentoId: number;
  municipioId: number;
  puestoId: number;
  habilitados: number;
}

/** The counters puesto_coverage and municipio_coverage both keep, in the order of `RollupDeltas.add`'s values. */
export const COVERAGE_COLUMNS = [
  'mesas_in',
  'mesas_validated',
  'mesas_needs_review',
  'mesas_failed_rules',
  'mesas_disputed',
  'habilitados_in',
  'sufragantes',
  'urna',
  'incinerados',
  'blancos',
  'nulos',
  'no_marcados',
] as const satisfies ReadonlyArray<
  keyof InferSelectModel<typeof puestoCoverage, { dbColumnNames: true }> &
    keyof InferSelectModel<typeof municipioCoverage, { dbColumnNames: true }>
>;
const STATUS_COLUMN: Record<MesaStatus, number> = { validated: 1, needs_review: 2, failed_rules: 3, disputed: 4 };

/** One candidate row's change of votes in one place. */
interface VoteDelta {
  place: RollupPlace;
  candidateId: number;
  votes: number;
}

/** The change of each of `COVERAGE_COLUMNS` in one place. */
interface CoverageDelta {
  place: RollupPlace;
  values: number[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Changes to the per-puesto and per-municipio rollups caused by truths being replaced: each truth
 * removed counts −1, each new one +1. Applied in one go, in a fixed key order (so concurrent
 * batches cannot deadlock), as late as possible in the transaction (so row locks are short).
 */
export class RollupDeltas {
  private readonly votes = new Map<string, VoteDelta>();
  private readonly coverage = new Map<string, CoverageDelta>();

  add(place: RollupPlace, numbers: MesaNumbers, status: MesaStatus, sign: 1 | -1): void {
    for (const [candidateId, value] of numbers.votes) {
      if (!value) continue;
      const key = `${place.puestoId}|${place.corporation}|${candidateId}`;
      const entry = this.votes.get(key) ?? { place, candidateId, votes: 0 };
      entry.votes += sign * value;
      this.votes.set(key, entry);
    }
    const values = [
      1,
      0,
      0,
      0,
      0,
      place.habilitados,
      numbers.sufragantes ?? 0,
      numbers.urna ?? 0,
      numbers.incinerados ?? 0,
      numbers.blancos ?? 0,
      numbers.nulos ?? 0,
      numbers.noMarcados ?? 0,
    ];
    values[STATUS_COLUMN[status]] = 1;
    const key = `${place.puestoId}|${place.corporation}`;
    const entry = this.coverage.get(key) ?? { place, values: COVERAGE_COLUMNS.map(() => 0) };
    values.forEach((value, index) => {
      entry.values[index] = (entry.values[index] ?? 0) + sign * value;
    });
    this.coverage.set(key, entry);
  }

  merge(other: RollupDeltas): void {
    for (const [key, entry] of other.votes) {
      const mine = this.votes.get(key) ?? { ...entry, votes: 0 };
      mine.votes += entry.votes;
      this.votes.set(key, mine);
    }
    for (const [key, entry] of other.coverage) {
      const mine = this.coverage.get(key) ?? { place: entry.place, values: COVERAGE_COLUMNS.map(() => 0) };
      entry.values.forEach((value, index) => {
        mine.values[index] = (mine.values[index] ?? 0) + value;
      });
      this.coverage.set(key, mine);
    }
  }

  /** Writes puesto then municipio rollups, each sorted by its key. */
  async apply(client: pg.PoolClient): Promise<void> {
    const puestoVotes = [...this.votes.values()].filter((row) => row.votes !== 0);
    puestoVotes.sort(
      (a, b) =>
        a.place.puestoId - b.place.puestoId ||
        byText(a.place.corporation, b.place.corporation) ||
        a.candidateId - b.candidateId,
    );
    const municipioVotes = municipioVoteRows(puestoVotes);
    const puestoCoverage = [...this.coverage.values()].sort(
      (a, b) => a.place.puestoId - b.place.puestoId || byText(a.place.corporation, b.place.corporation),
    );
    const municipioCoverage = municipioCoverageRows(puestoCoverage);
    if (puestoVotes.length > 0) await writePuestoVotes(client, puestoVotes);
    if (puestoCoverage.length > 0) await writePuestoCoverage(client, puestoCoverage);
    if (municipioVotes.length > 0) await writeMunicipioVotes(client, municipioVotes);
    if (municipioCoverage.length > 0) await writeMunicipioCoverage(client, municipioCoverage);
  }
}

/** The puesto vote deltas summed per municipio, without zeros, sorted by key. */
function municipioVoteRows(puestoVotes: readonly VoteDelta[]): VoteDelta[] {
  const municipioVotes = new Map<string, VoteDelta>();
  for (const row of puestoVotes) {
    const key = `${row.place.municipioId}|${row.place.corporation}|${row.candidateId}`;
    const entry = municipioVotes.get(key) ?? { place: row.place, candidateId: row.candidateId, votes: 0 };
    entry.votes += row.votes;
    municipioVotes.set(key, entry);
  }
  const municipioRows = [...municipioVotes.values()].filter((row) => row.votes !== 0);
  municipioRows.sort(
    (a, b) =>
      a.place.municipioId - b.place.municipioId ||
      byText(a.place.corporation, b.place.corporation) ||
      a.candidateId - b.candidateId,
  );
  return municipioRows;
}

/** The puesto coverage deltas summed per municipio, sorted by key. */
function municipioCoverageRows(puestoCoverage: readonly CoverageDelta[]): CoverageDelta[] {
  const municipioCoverage = new Map<string, CoverageDelta>();
  for (const row of puestoCoverage) {
    const key = `${row.place.municipioId}|${row.place.corporation}`;
    const entry = municipioCoverage.get(key) ?? { place: row.place, values: COVERAGE_COLUMNS.map(() => 0) };
    row.values.forEach((value, index) => {
      entry.values[index] = (entry.values[index] ?? 0) + value;
    });
    municipioCoverage.set(key, entry);
  }
  return [...municipioCoverage.values()].sort(
    (a, b) => a.place.municipioId - b.place.municipioId || byText(a.place.corporation, b.place.corporation),
  );
}

function writePuestoVotes(client: pg.PoolClient, rows: readonly VoteDelta[]) {
  return client.query({
    name: 'rollup-puesto-votes',
    text: `INSERT INTO puesto_vote_tallies (puesto_id, corporation, candidate_id, municipio_id, votes)
           SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::bigint[])
           ON CONFLICT (puesto_id, corporation, candidate_id) DO UPDATE SET votes = puesto_vote_tallies.votes + excluded.votes`,
    values: [
      rows.map((row) => row.place.puestoId),
      rows.map((row) => row.place.corporation),
      rows.map((row) => row.candidateId),
      rows.map((row) => row.place.municipioId),
      rows.map((row) => row.votes),
    ],
  });
}

function writePuestoCoverage(client: pg.PoolClient, rows: readonly CoverageDelta[]) {
  return client.query({
    name: 'rollup-puesto-coverage',
    text: `INSERT INTO puesto_coverage (puesto_id, corporation, municipio_id, ${COVERAGE_COLUMNS.join(', ')})
           SELECT * FROM unnest($1::int[], $2::text[], $3::int[], ${COVERAGE_COLUMNS.map((_, index) => `$${index + 4}::bigint[]`).join(', ')})
           ON CONFLICT (puesto_id, corporation) DO UPDATE SET
           ${COVERAGE_COLUMNS.map((name) => `${name} = puesto_coverage.${name} + excluded.${name}`).join(', ')}`,
    values: [
      rows.map((row) => row.place.puestoId),
      rows.map((row) => row.place.corporation),
      rows.map((row) => row.place.municipioId),
      ...COVERAGE_COLUMNS.map((_, index) => rows.map((row) => row.values[index] ?? 0)),
    ],
  });
}

function writeMunicipioVotes(client: pg.PoolClient, rows: readonly VoteDelta[]) {
  return client.query({
    name: 'rollup-municipio-votes',
    text: `INSERT INTO municipio_vote_tallies (municipio_id, corporation, candidate_id, election_id, departamento_id, votes)
           SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::int[], $6::bigint[])
           ON CONFLICT (municipio_id, corporation, candidate_id) DO UPDATE SET votes = municipio_vote_tallies.votes + excluded.votes`,
    values: [
      rows.map((row) => row.place.municipioId),
      rows.map((row) => row.place.corporation),
      rows.map((row) => row.candidateId),
      rows.map((row) => row.place.electionId),
      rows.map((row) => row.place.departamentoId),
      rows.map((row) => row.votes),
    ],
  });
}

function writeMunicipioCoverage(client: pg.PoolClient, rows: readonly CoverageDelta[]) {
  return client.query({
    name: 'rollup-municipio-coverage',
    text: `INSERT INTO municipio_coverage (municipio_id, corporation, election_id, departamento_id, ${COVERAGE_COLUMNS.join(', ')})
           SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], ${COVERAGE_COLUMNS.map((_, index) => `$${index + 5}::bigint[]`).join(', ')})
           ON CONFLICT (municipio_id, corporation) DO UPDATE SET
           ${COVERAGE_COLUMNS.map((name) => `${name} = municipio_coverage.${name} + excluded.${name}`).join(', ')}`,
    values: [
      rows.map((row) => row.place.municipioId),
      rows.map((row) => row.place.corporation),
      rows.map((row) => row.place.electionId),
      rows.map((row) => row.place.departamentoId),
      ...COVERAGE_COLUMNS.map((_, index) => rows.map((row) => row.values[index] ?? 0)),
    ],
  });
}
