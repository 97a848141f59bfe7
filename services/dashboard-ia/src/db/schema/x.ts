import { sql } from 'drizzle-orm';
import { bigserial, check, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { trackedQueries } from './candidates.js';
import { createdAt } from './columns.js';

/**
 * The X read ledger: every call reserves the posts it may read before it is made (so the daily
 * and monthly budgets hold across replicas), then settles to what X returned.
 */
export const xReads = pgTable(
  'x_reads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    day: date('day').notNull(),
    endpoint: text('endpoint').notNull(),
    query: text('query'),
    reserved: integer('reserved').notNull(),
    used: integer('used'),
    /** User profiles X returned (lookups, and the authors of a search page): billed apart from posts. */
    usersRead: integer('users_read').notNull().default(0),
    status: text('status').notNull().default('reserved'),
    createdAt: createdAt(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (table) => [
    check('x_reads_status_check', sql`status IN ('reserved', 'settled', 'failed')`),
    index('x_reads_day_idx').on(table.day),
  ],
);

/** Scheduled refreshes of a tracked query from X: durable jobs, claimed with SKIP LOCKED. */
export const xRefreshJobs = pgTable(
  'x_refresh_jobs',
  {
    queryId: uuid('query_id')
      .primaryKey()
      .references(() => trackedQueries.id, { onDelete: 'cascade' }),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    sinceId: text('since_id'),
    lastError: text('last_error'),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }),
    /** Set when retrying cannot help (X refused the token, too many failures): skipped until a manual refresh or a restart. */
    parkedAt: timestamp('parked_at', { withTimezone: true }),
  },
  (table) => [index('x_refresh_jobs_due_idx').on(table.dueAt)],
);
