import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { candidates } from './candidates.js';
import { createdAt, uuidId } from './columns.js';

/** Topic clusters found in the stored posts: a label and the terms that define it. */
export const topics = pgTable('topics', {
  id: uuidId(),
  label: text('label').notNull(),
  terms: jsonb('terms').notNull(),
  posts: integer('posts').notNull(),
  computedAt: createdAt(),
});

/**
 * A spike: a term, hashtag or topic whose volume rose against its smoothed baseline, per candidate
 * (or overall when candidate_id is null). Kept so the team sees when it was detected.
 */
export const spikeAlerts = pgTable(
  'spike_alerts',
  {
    id: uuidId(),
    candidateId: uuid('candidate_id').references(() => candidates.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    term: text('term').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    volume: integer('volume').notNull(),
    baseline: real('baseline').notNull(),
    zScore: real('z_score').notNull(),
    authors: integer('authors').notNull(),
    detectedAt: createdAt(),
  },
  (table) => [
    check('spike_alerts_kind_check', sql`kind IN ('term', 'hashtag', 'topic', 'volume')`),
    index('spike_alerts_detected_idx').on(table.detectedAt),
  ],
);
