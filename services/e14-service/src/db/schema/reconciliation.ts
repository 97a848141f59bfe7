import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, json, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  blankNullUnmarkedColumns,
  candidateVotesColumns,
  corporationColumn,
  importedAtColumn,
  importRecordColumns,
  mesaNumbersColumns,
  serialIdColumn,
  updatedAt,
} from './columns.js';
import { electionIdColumn } from './elections.js';
import { e14Forms } from './forms.js';
import { mesaIdColumn } from './territory.js';

/** Preconteo / escrutinio numbers of one mesa, imported from CSV (castor-official/1). */
export const officialResults = pgTable(
  'official_results',
  {
    electionId: electionIdColumn(),
    mesaId: mesaIdColumn(),
    corporation: corporationColumn(),
    source: text('source').notNull(),
    sufragantes: integer('sufragantes'),
    ...blankNullUnmarkedColumns(),
    ...candidateVotesColumns(),
    fileHash: text('file_hash').notNull(),
    importedAt: importedAtColumn(),
  },
  (table) => [
    primaryKey({ columns: [table.mesaId, table.corporation, table.source] }),
    check('official_results_source_check', sql`source IN ('preconteo', 'escrutinio')`),
  ],
);

export const feedImports = pgTable(
  'feed_imports',
  {
    id: serialIdColumn(),
    electionId: electionIdColumn(),
    source: text('source').notNull(),
    fileHash: text('file_hash').notNull(),
    ...importRecordColumns(),
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
    mesaId: mesaIdColumn(),
    corporation: corporationColumn(),
    electionId: integer('election_id').notNull(),
    municipioId: integer('municipio_id').notNull(),
    formId: bigint('form_id', { mode: 'number' }).references(() => e14Forms.id),
    status: text('status').notNull(),
    policyVersion: integer('policy_version').notNull(),
    ...mesaNumbersColumns(),
    ...candidateVotesColumns(),
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
