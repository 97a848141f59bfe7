import { sql } from 'drizzle-orm';
import { bigint, check, index, json, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    // `json` keeps the text as written (cheaper than jsonb; the chain hashes the canonical form anyway).
    before: json('before'),
    after: json('after'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_log_entity_idx').on(table.entity, table.entityId)],
);

/** The chain head: one row, locked by every appender so the chain is linear. */
export const auditHead = pgTable(
  'audit_head',
  {
    id: smallint('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
  },
  () => [check('audit_head_single_row', sql`id = 1`)],
);
