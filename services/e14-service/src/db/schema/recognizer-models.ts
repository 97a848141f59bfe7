import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';

/**
 * Every version of the local digit recognizer's model, kept for good: the committed one
 * (`bundled`, registered at the first start) and those trained from agreed review values. Exactly
 * one is `active` (a partial unique index): the model every replica's read threads use. A rollback
 * makes another one active; the gate fills `evaluation` (against the previous active version).
 */
export const recognizerModels = pgTable(
  'recognizer_models',
  {
    version: integer('version').primaryKey(),
    /** The model file's JSON (castor-digit-mlp), as @castor/digit-recognizer's parseModel takes it. */
    model: jsonb('model').notNull(),
    /** SHA-256 hex of the model file's text as registered. */
    sha256: text('sha256').notNull(),
    source: text('source').notNull(),
    status: text('status').notNull(),
    createdAt: createdAt(),
    /** When it last became active (promotion or rollback); null while it never was. */
    promotedAt: timestamp('promoted_at', { withTimezone: true }),
    evaluation: jsonb('evaluation'),
    /** Agreed review values it was trained on (0 for the bundled model). */
    learnedFromCells: integer('learned_from_cells').notNull().default(0),
    note: text('note').notNull().default(''),
  },
  (table) => [
    uniqueIndex('recognizer_models_one_active').on(table.status).where(sql`status = 'active'`),
    check('recognizer_models_source_check', sql`source IN ('bundled', 'trained')`),
    check('recognizer_models_status_check', sql`status IN ('active', 'retired', 'rejected', 'candidate')`),
  ],
);
