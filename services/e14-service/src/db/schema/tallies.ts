import { bigint, index, integer, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { corporationColumn, municipioScopeColumns } from './columns.js';

const talliedVotesColumn = () => bigint('votes', { mode: 'number' }).notNull();

/** Coverage and the non-candidate numbers of a territory, summed over its mesas. */
const coverageColumns = () => ({
  mesasIn: integer('mesas_in').notNull(),
  mesasValidated: integer('mesas_validated').notNull(),
  mesasNeedsReview: integer('mesas_needs_review').notNull(),
  mesasFailedRules: integer('mesas_failed_rules').notNull(),
  mesasDisputed: integer('mesas_disputed').notNull(),
  habilitadosIn: bigint('habilitados_in', { mode: 'number' }).notNull(),
  sufragantes: bigint('sufragantes', { mode: 'number' }).notNull(),
  urna: bigint('urna', { mode: 'number' }).notNull(),
  incinerados: bigint('incinerados', { mode: 'number' }).notNull(),
  blancos: bigint('blancos', { mode: 'number' }).notNull(),
  nulos: bigint('nulos', { mode: 'number' }).notNull(),
  noMarcados: bigint('no_marcados', { mode: 'number' }).notNull(),
});

/** Votes per candidate row per municipio, maintained in the same transaction as the truth. */
export const municipioVoteTallies = pgTable(
  'municipio_vote_tallies',
  {
    municipioId: integer('municipio_id').notNull(),
    corporation: corporationColumn(),
    candidateId: integer('candidate_id').notNull(),
    electionId: integer('election_id').notNull(),
    departamentoId: integer('departamento_id').notNull(),
    votes: talliedVotesColumn(),
  },
  (table) => [
    primaryKey({ columns: [table.municipioId, table.corporation, table.candidateId] }),
    index('municipio_vote_tallies_election_idx').on(table.electionId, table.corporation, table.departamentoId),
  ],
);

/** Coverage and the non-candidate numbers per municipio, maintained with the tallies. */
export const municipioCoverage = pgTable(
  'municipio_coverage',
  {
    ...municipioScopeColumns(),
    departamentoId: integer('departamento_id').notNull(),
    ...coverageColumns(),
  },
  (table) => [
    primaryKey({ columns: [table.municipioId, table.corporation] }),
    index('municipio_coverage_election_idx').on(table.electionId, table.corporation, table.departamentoId),
  ],
);

/** Votes per candidate row per puesto: what municipio and zona results read (Bogotá has thousands of mesas). */
export const puestoVoteTallies = pgTable(
  'puesto_vote_tallies',
  {
    puestoId: integer('puesto_id').notNull(),
    corporation: corporationColumn(),
    candidateId: integer('candidate_id').notNull(),
    municipioId: integer('municipio_id').notNull(),
    votes: talliedVotesColumn(),
  },
  (table) => [
    primaryKey({ columns: [table.puestoId, table.corporation, table.candidateId] }),
    index('puesto_vote_tallies_municipio_idx').on(table.municipioId, table.corporation),
  ],
);

/** Coverage and the non-candidate numbers per puesto, maintained with the puesto tallies. */
export const puestoCoverage = pgTable(
  'puesto_coverage',
  {
    puestoId: integer('puesto_id').notNull(),
    corporation: corporationColumn(),
    municipioId: integer('municipio_id').notNull(),
    ...coverageColumns(),
  },
  (table) => [
    primaryKey({ columns: [table.puestoId, table.corporation] }),
    index('puesto_coverage_municipio_idx').on(table.municipioId, table.corporation),
  ],
);
