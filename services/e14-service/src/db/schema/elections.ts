import {
  check,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { CORPORATION_CHECK, createdAt, updatedAt } from './columns.js';

export const elections = pgTable(
  'elections',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    date: date('date').notNull(),
    /** Election-wide rule configuration; each corporation's own overrides it. */
    ruleConfig: jsonb('rule_config').notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex('elections_code_key').on(table.code)],
);

/** The corporations an election elects, each with its rule configuration (overrides of the defaults). */
export const electionCorporations = pgTable(
  'election_corporations',
  {
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    corporation: text('corporation').notNull(),
    ruleConfig: jsonb('rule_config').notNull().default({}),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.electionId, table.corporation] }),
    check('election_corporations_corporation_check', CORPORATION_CHECK),
  ],
);

/** Each imported divipol document, by SHA-256, so a second import of the same file is a no-op. */
export const divipolImports = pgTable(
  'divipol_imports',
  {
    id: serial('id').primaryKey(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    documentHash: text('document_hash').notNull(),
    importedBy: text('imported_by').notNull(),
    counts: jsonb('counts').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('divipol_imports_document_key').on(table.electionId, table.documentHash)],
);
