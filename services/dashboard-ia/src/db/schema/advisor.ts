import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { candidates } from './candidates.js';
import { createdAt } from './columns.js';
import { teamTasks } from './team.js';

/** The advisor's recommendations, kept so one click can turn each into a team task (once). */
export const advisorRecommendations = pgTable(
  'advisor_recommendations',
  {
    id: uuid('id').primaryKey(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => candidates.id, { onDelete: 'cascade' }),
    requestedBy: text('requested_by').notNull(),
    title: text('title').notNull(),
    why: text('why').notNull(),
    priority: text('priority').notNull(),
    ownerRole: text('owner_role').notNull(),
    evidence: jsonb('evidence').notNull(),
    /** Who wrote it: provider, model, offline. */
    answeredBy: jsonb('answered_by').notNull(),
    taskId: uuid('task_id').references(() => teamTasks.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    check('advisor_recommendations_priority_check', sql`priority IN ('low', 'medium', 'high', 'urgent')`),
    index('advisor_recommendations_created_idx').on(table.createdAt),
  ],
);
