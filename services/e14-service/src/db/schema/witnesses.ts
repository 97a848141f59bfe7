import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { elections } from './elections.js';

/** Which mesas a witness may submit for: a territory code at any level ("01-031-99-01" = a puesto). */
export const witnessAssignments = pgTable(
  'witness_assignments',
  {
    userId: text('user_id').notNull(),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id, { onDelete: 'cascade' }),
    territory: text('territory').notNull(),
    assignedBy: text('assigned_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.electionId, table.territory] })],
);
