import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { bigserialIdColumn, bytea, createdAt } from './columns.js';
import { reviewTasks } from './review.js';

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

/**
 * One cycle of continuous training: the agreed review values it consumed (`labels_through_task_id`,
 * the cursor of the next cycle), the split it trained and judged on, the candidate it produced and
 * what became of it. At most one runs at a time across replicas (a PostgreSQL advisory lock); a row
 * left `running` by a replica that died is marked `failed` by the next cycle.
 */
export const recognizerTrainingRuns = pgTable(
  'recognizer_training_runs',
  {
    id: bigserialIdColumn(),
    status: text('status').notNull().default('running'),
    /** cadence: enough new labels after the minimum interval; manual: an admin asked. */
    trigger: text('trigger').notNull(),
    requestedBy: text('requested_by').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    baseVersion: integer('base_version').notNull(),
    candidateVersion: integer('candidate_version'),
    labelsThroughTaskId: bigint('labels_through_task_id', { mode: 'number' }).notNull(),
    newLabels: integer('new_labels').notNull(),
    /** Reviewed cells per split when the candidate was trained: { train, calibration, heldBack }. */
    cells: jsonb('cells'),
    trainSeconds: real('train_seconds'),
    /** Waiting review tasks the promoted model read with confidence and closed. */
    rereadClosed: integer('reread_closed').notNull().default(0),
    /** Why it was skipped, rejected or failed. */
    reason: text('reason'),
  },
  (table) => [
    index('recognizer_training_runs_started_idx').on(table.startedAt),
    check(
      'recognizer_training_runs_status_check',
      sql`status IN ('running', 'promoted', 'rejected', 'skipped', 'failed')`,
    ),
    check('recognizer_training_runs_trigger_check', sql`trigger IN ('cadence', 'manual')`),
  ],
);

/**
 * The crop of each agreed review value, cut once from its scan (as the recognizer saw it) and kept
 * with the split it belongs to for good: a held-back cell is never trained on, in any cycle.
 */
export const recognizerTrainingCells = pgTable(
  'recognizer_training_cells',
  {
    taskId: bigint('task_id', { mode: 'number' })
      .primaryKey()
      .references(() => reviewTasks.id, { onDelete: 'cascade' }),
    split: text('split').notNull(),
    /** The agreed value; null for a cell agreed empty. */
    value: integer('value'),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** 8-bit gray pixels, row-major (0 = ink, 255 = paper). */
    pixels: bytea('pixels').notNull(),
    createdAt: createdAt(),
  },
  () => [check('recognizer_training_cells_split_check', sql`split IN ('train', 'calibration', 'held_back')`)],
);
