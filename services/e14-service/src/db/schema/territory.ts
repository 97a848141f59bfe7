import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, type PgColumn, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { corporationCheck, serialIdColumn } from './columns.js';
import { electionCorporationColumns, electionIdColumn } from './elections.js';

const codeNameColumns = () => ({ code: text('code').notNull(), name: text('name').notNull() });

/** The expected totals, kept by the divipol import for coverage. */
const expectedTotalsColumns = () => ({
  mesaCount: integer('mesa_count').notNull().default(0),
  habilitados: integer('habilitados').notNull().default(0),
});

export const departamentos = pgTable(
  'departamentos',
  {
    id: serialIdColumn(),
    electionId: electionIdColumn(),
    ...codeNameColumns(),
  },
  (table) => [uniqueIndex('departamentos_election_code_key').on(table.electionId, table.code)],
);

/** `mesaCount` and `habilitados` are the expected totals, kept by the divipol import for coverage. */
export const municipios = pgTable(
  'municipios',
  {
    id: serialIdColumn(),
    electionId: electionIdColumn(),
    departamentoId: integer('departamento_id')
      .notNull()
      .references(() => departamentos.id, { onDelete: 'cascade' }),
    ...codeNameColumns(),
    ...expectedTotalsColumns(),
  },
  (table) => [
    uniqueIndex('municipios_departamento_code_key').on(table.departamentoId, table.code),
    index('municipios_election_idx').on(table.electionId),
  ],
);

/** `municipio_id`, deleted with its municipio. */
const municipioIdColumn = () =>
  integer('municipio_id')
    .notNull()
    .references(() => municipios.id, { onDelete: 'cascade' });

export const zonas = pgTable(
  'zonas',
  {
    id: serialIdColumn(),
    municipioId: municipioIdColumn(),
    code: text('code').notNull(),
  },
  (table) => [uniqueIndex('zonas_municipio_code_key').on(table.municipioId, table.code)],
);

export const puestos = pgTable(
  'puestos',
  {
    id: serialIdColumn(),
    zonaId: integer('zona_id')
      .notNull()
      .references(() => zonas.id, { onDelete: 'cascade' }),
    municipioId: municipioIdColumn(),
    ...codeNameColumns(),
    ...expectedTotalsColumns(),
  },
  (table) => [
    uniqueIndex('puestos_zona_code_key').on(table.zonaId, table.code),
    index('puestos_municipio_idx').on(table.municipioId),
  ],
);

/**
 * One mesa with its habilitados. `mesaKey` ("01-031-99-01-001") is the key every API uses; the
 * parent ids are denormalised so intake and rollups never walk the tree.
 */
export const mesas = pgTable(
  'mesas',
  {
    id: serialIdColumn(),
    electionId: electionIdColumn(),
    departamentoId: integer('departamento_id').notNull(),
    municipioId: integer('municipio_id').notNull(),
    puestoId: integer('puesto_id')
      .notNull()
      .references(() => puestos.id, { onDelete: 'cascade' }),
    mesaKey: text('mesa_key').notNull(),
    code: text('code').notNull(),
    habilitados: integer('habilitados').notNull(),
    transmissionCode: text('transmission_code'),
  },
  (table) => [
    uniqueIndex('mesas_election_key_key').on(table.electionId, table.mesaKey),
    index('mesas_puesto_idx').on(table.puestoId),
    index('mesas_municipio_idx').on(table.municipioId),
    check('mesas_habilitados_check', sql`habilitados >= 0`),
  ],
);

/** `mesa_id`, deleted with its mesa: the column of every table keyed by mesa. */
export const mesaIdColumn = () =>
  integer('mesa_id')
    .notNull()
    .references(() => mesas.id, { onDelete: 'cascade' });

/** Where a ballot row stands: a corporation's circunscripción and territorial scope ('' = not scoped). */
const ballotScopeColumns = () => ({
  ...electionCorporationColumns(),
  circunscripcion: text('circunscripcion').notNull(),
  departamentoCode: text('departamento_code').notNull().default(''),
  municipioCode: text('municipio_code').notNull().default(''),
  ballotNumber: integer('ballot_number').notNull(),
});

interface BallotScope {
  electionId: PgColumn;
  corporation: PgColumn;
  departamentoCode: PgColumn;
  municipioCode: PgColumn;
  ballotNumber: PgColumn;
}

/** The key columns of a ballot row's scope, in the order of the unique constraints. */
const ballotScopeKey = (table: BallotScope): [PgColumn, ...PgColumn[]] => [
  table.electionId,
  table.corporation,
  table.departamentoCode,
  table.municipioCode,
  table.ballotNumber,
];

/**
 * A party list of a list corporation in one circunscripción and territorial scope ('' = not
 * scoped at that level). Its votes are the rows of `candidates` that point at it.
 */
export const partyLists = pgTable(
  'party_lists',
  {
    id: serialIdColumn(),
    ...ballotScopeColumns(),
    listCode: text('list_code'),
    preferente: boolean('preferente').notNull(),
    name: text('name').notNull(),
    party: text('party'),
  },
  (table) => [unique('party_lists_scope_ballot_key').on(...ballotScopeKey(table)), corporationCheck('party_lists')],
);

/**
 * A ballot option with its own row on the E-14: a single-winner candidate (no list), the
 * "solo por la agrupación" row of a list (candidate number 0, or none for a list sin voto
 * preferente), or a preferential candidate (101, 102...).
 */
export const candidates = pgTable(
  'candidates',
  {
    id: serialIdColumn(),
    ...ballotScopeColumns(),
    candidateNumber: integer('candidate_number'),
    listId: integer('list_id').references(() => partyLists.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    party: text('party'),
  },
  (table) => [
    unique('candidates_scope_ballot_key')
      .on(...ballotScopeKey(table), table.candidateNumber)
      .nullsNotDistinct(),
    corporationCheck('candidates'),
  ],
);
