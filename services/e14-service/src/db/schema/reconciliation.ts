import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';
import { elections } from './elections.js';
import { e14Forms } from './forms.js';
import { mesas } from './territory.js';

/** Preconteo / escrutinio numbers of one mesa, imported from CSV (castor-official/1). */
export const officialResults = pgTable(
  'official_results',
  {
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    mesaId: integer('mesa_id')
      .notNull()
      .references(() => mesas.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    source: text('source').notNull(),
    sufragantes: integer('sufragantes'),
    blancos: integer('blancos'),
    nulos: integer('nulos'),
    noMarcados: integer('no_marcados'),
    candidateIds: integer('candidate_ids').array().notNull(),
    votes: integer('votes').array().notNull(),
    fileHash: text('file_hash').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.mesaId, table.corporation, table.source] }),
    check('official_results_source_check', sql`source IN ('preconteo', 'escrutinio')`),
  ],
);

export const feedImports = pgTable(
  'feed_imports',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    fileHash: text('file_hash').notNull(),
    importedBy: text('imported_by').notNull(),
    counts: jsonb('counts').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('feed_imports_file_key').on(table.electionId, table.source, table.fileHash)],
);

/**
 * The truth of one mesa and corporation: the form chosen by the reconciliation policy, its
 * numbers, and the mesa's status. Results are computed from these rows only.
 */
export const reconciliations = pgTable(
  'reconciliations',
  {
    mesaId: integer('mesa_id')
      .notNull()
      .references(() => mesas.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    electionId: integer('election_id').notNull(),
    municipioId: integer('municipio_id').notNull(),
    formId: bigint('form_id', { mode: 'number' }).references(() => e14Forms.id),
    status: text('status').notNull(),
    policyVersion: integer('policy_version').notNull(),
    sufragantes: integer('sufragantes'),
    urna: integer('urna'),
    incinerados: integer('incinerados'),
    blancos: integer('blancos'),
    nulos: integer('nulos'),
    noMarcados: integer('no_marcados'),
    candidateIds: integer('candidate_ids').array().notNull(),
    votes: integer('votes').array().notNull(),
    sourceCount: integer('source_count').notNull(),
    discrepancies: json('discrepancies').notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.mesaId, table.corporation] }),
    index('reconciliations_municipio_idx').on(table.municipioId, table.corporation),
    check('reconciliations_status_check', sql`status IN ('validated', 'needs_review', 'failed_rules', 'disputed')`),
  ],
);
