import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { candidates } from './candidates.js';
import { createdAt, uuidId } from './columns.js';

/** One import of a polls file: the hash of its content, contest and mapping makes a re-sent file a no-op. */
export const pollImports = pgTable('poll_imports', {
  id: uuidId(),
  contentHash: text('content_hash').notNull().unique(),
  contest: text('contest').notNull(),
  importedBy: text('imported_by').notNull(),
  polls: integer('polls').notNull(),
  createdAt: createdAt(),
});

/** A published poll of one contest (first round, runoff): polls of different contests are never averaged together. */
export const polls = pgTable(
  'polls',
  {
    id: uuidId(),
    importId: uuid('import_id')
      .notNull()
      .references(() => pollImports.id, { onDelete: 'cascade' }),
    contest: text('contest').notNull(),
    pollster: text('pollster').notNull(),
    fieldStart: date('field_start', { mode: 'string' }).notNull(),
    fieldEnd: date('field_end', { mode: 'string' }).notNull(),
    sampleSize: integer('sample_size').notNull(),
    source: text('source'),
    /** The line of the imported file the poll came from. */
    line: integer('line').notNull(),
  },
  (table) => [
    check('polls_sample_size_check', sql`sample_size > 0`),
    check('polls_field_check', sql`field_start <= field_end`),
    index('polls_contest_idx').on(table.contest, table.fieldEnd),
  ],
);

/**
 * A poll's percentage for one option: a followed candidate (candidate_id set) or another option the
 * file names (blank, undecided: candidate_id null). Options a poll did not report have no row.
 */
export const pollShares = pgTable(
  'poll_shares',
  {
    pollId: uuid('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    option: text('option').notNull(),
    candidateId: uuid('candidate_id').references(() => candidates.id, { onDelete: 'cascade' }),
    share: doublePrecision('share').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.pollId, table.option] }),
    check('poll_shares_share_check', sql`share >= 0 AND share <= 100`),
  ],
);
