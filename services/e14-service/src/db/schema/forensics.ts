import { index, jsonb, pgTable, primaryKey, timestamp } from 'drizzle-orm/pg-core';
import { municipioScopeColumns } from './columns.js';

/** Municipios whose forensic signals must be recomputed, durable so a restart loses nothing. */
export const forensicQueue = pgTable(
  'forensic_queue',
  {
    ...municipioScopeColumns(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.municipioId, table.corporation] }),
    index('forensic_queue_due_idx').on(table.dueAt),
  ],
);

/** The last computed statistics of a municipio (shown on the dashboard whether or not they alert). */
export const municipioForensics = pgTable(
  'municipio_forensics',
  {
    ...municipioScopeColumns(),
    stats: jsonb('stats').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.municipioId, table.corporation] })],
);
