import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { bigserialIdColumn, createdAt, FIELD_STATE_CHECK, timestampsColumns } from './columns.js';
import { e14Forms, formIdColumn } from './forms.js';

/**
 * A field a person must look at (illegible, below the confidence threshold, or over-written).
 * pending: waiting for entries; escalated: three entries without two agreeing, only an admin
 * decides; done: closed with `resolvedState`/`resolvedValue` by consensus, an admin, or a promoted model
 * that re-read the cell with confidence (`model`, never a label to train on); cancelled:
 * its form was replaced by a newer upload of the same sender (its form never gets a reviewer version).
 */
export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: bigserialIdColumn(),
    formId: formIdColumn(),
    fieldPath: text('field_path').notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('pending'),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedState: text('resolved_state'),
    resolvedValue: integer('resolved_value'),
    resolution: text('resolution'),
    resolvedBy: text('resolved_by'),
  },
  (table) => [
    uniqueIndex('review_tasks_form_field_key').on(table.formId, table.fieldPath),
    // The queue and the admin's task list walk one status in id order, a page after a cursor.
    index('review_tasks_status_id_idx').on(table.status, table.id),
    check('review_tasks_reason_check', sql`reason IN ('illegible', 'low_confidence', 'overwritten')`),
    check('review_tasks_status_check', sql`status IN ('pending', 'escalated', 'done', 'cancelled')`),
    check('review_tasks_resolved_state_check', sql`resolved_state IN ('read', 'empty', 'illegible')`),
    check('review_tasks_resolution_check', sql`resolution IN ('consensus', 'admin', 'model')`),
  ],
);

/** One reviewer's answer to a task (double entry: one per reviewer and task). */
export const reviewEntries = pgTable(
  'review_entries',
  {
    taskId: bigint('task_id', { mode: 'number' })
      .notNull()
      .references(() => reviewTasks.id, { onDelete: 'cascade' }),
    reviewerId: text('reviewer_id').notNull(),
    reviewerRole: text('reviewer_role').notNull(),
    state: text('state').notNull(),
    value: integer('value'),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.taskId, table.reviewerId] }),
    index('review_entries_reviewer_idx').on(table.reviewerId),
    check('review_entries_state_check', FIELD_STATE_CHECK),
  ],
);

/**
 * The reviewer version of a form once its last task closed: the submission (the form with the
 * reviewed values) is written here in the closing transaction, then stored through intake, so a
 * crash in between is finished by the next close or start (intake is idempotent by content).
 */
export const reviewedForms = pgTable(
  'reviewed_forms',
  {
    formId: bigint('form_id', { mode: 'number' })
      .primaryKey()
      .references(() => e14Forms.id, { onDelete: 'cascade' }),
    submission: jsonb('submission').notNull(),
    state: text('state').notNull().default('pending'),
    reviewedFormId: bigint('reviewed_form_id', { mode: 'number' }),
    error: jsonb('error'),
    ...timestampsColumns(),
  },
  (table) => [
    index('reviewed_forms_pending_idx').on(table.state),
    check('reviewed_forms_state_check', sql`state IN ('pending', 'stored', 'refused')`),
  ],
);
