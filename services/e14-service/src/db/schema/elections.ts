import { date, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  corporationCheck,
  corporationColumn,
  importRecordColumns,
  serialIdColumn,
  timestampsColumns,
  updatedAt,
} from './columns.js';

export const elections = pgTable(
  'elections',
  {
    id: serialIdColumn(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    date: date('date').notNull(),
    /** Election-wide rule configuration; each corporation's own overrides it. */
    ruleConfig: jsonb('rule_config').notNull().default({}),
    ...timestampsColumns(),
  },
  (table) => [uniqueIndex('elections_code_key').on(table.code)],
);

/** `election_id`, deleted with its election: the column of every table an election owns. */
export const electionIdColumn = () =>
  integer('election_id')
    .notNull()
    .references(() => elections.id, { onDelete: 'cascade' });

/** An election's row of one corporation. */
export const electionCorporationColumns = () => ({ electionId: electionIdColumn(), corporation: corporationColumn() });

/** The corporations an election elects, each with its rule configuration (overrides of the defaults). */
export const electionCorporations = pgTable(
  'election_corporations',
  {
    ...electionCorporationColumns(),
    ruleConfig: jsonb('rule_config').notNull().default({}),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.electionId, table.corporation] }),
    corporationCheck('election_corporations'),
  ],
);

/** Each imported divipol document, by SHA-256, so a second import of the same file is a no-op. */
export const divipolImports = pgTable(
  'divipol_imports',
  {
    id: serialIdColumn(),
    electionId: electionIdColumn(),
    documentHash: text('document_hash').notNull(),
    ...importRecordColumns(),
  },
  (table) => [uniqueIndex('divipol_imports_document_key').on(table.electionId, table.documentHash)],
);
