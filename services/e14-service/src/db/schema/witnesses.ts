import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { electionIdColumn } from './elections.js';

/** Which mesas a witness may submit for: a territory code at any level ("01-031-99-01" = a puesto). */
export const witnessAssignments = pgTable(
  'witness_assignments',
  {
    userId: text('user_id').notNull(),
    electionId: electionIdColumn(),
    territory: text('territory').notNull(),
    assignedBy: text('assigned_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.electionId, table.territory] })],
);
