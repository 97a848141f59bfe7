import { sql } from 'drizzle-orm';
import { check, date, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt, uuidId } from './columns.js';

/** The campaign team: people with a role and a territory; `user_id` links a CASTOR account. */
export const teamMembers = pgTable(
  'team_members',
  {
    id: uuidId(),
    userId: text('user_id').unique(),
    name: text('name').notNull(),
    email: text('email'),
    role: text('role').notNull(),
    territory: text('territory'),
    createdAt: createdAt(),
  },
  () => [
    check('team_members_role_check', sql`role IN ('coordinator', 'analyst', 'communications', 'field', 'volunteer')`),
  ],
);

/** A task for the team, with its status and owner; `origin` links what raised it (a trend, an alert). */
export const teamTasks = pgTable(
  'team_tasks',
  {
    id: uuidId(),
    title: text('title').notNull(),
    description: text('description'),
    status: text('status').notNull().default('todo'),
    priority: text('priority').notNull().default('medium'),
    ownerId: uuid('owner_id').references(() => teamMembers.id, { onDelete: 'set null' }),
    territory: text('territory'),
    dueDate: date('due_date'),
    origin: jsonb('origin'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    check('team_tasks_status_check', sql`status IN ('todo', 'in_progress', 'blocked', 'done')`),
    check('team_tasks_priority_check', sql`priority IN ('low', 'medium', 'high', 'urgent')`),
    index('team_tasks_owner_idx').on(table.ownerId),
  ],
);
