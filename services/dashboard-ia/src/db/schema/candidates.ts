import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, uuidId } from './columns.js';

/**
 * The people whose conversation is followed: the campaign's own candidate(s) and the rivals. A
 * slug is the stable handle clients use in URLs and imports ("cepeda", "de-la-espriella").
 */
export const candidates = pgTable(
  'candidates',
  {
    id: uuidId(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    party: text('party'),
    /** true for the campaign's own candidate; rivals are compared against it. */
    own: boolean('own').notNull().default(false),
    color: text('color'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('candidates_slug_key').on(table.slug)],
);

/**
 * What to follow on X and how imported posts are matched to a candidate: a term, a hashtag or an
 * account. `value` is stored normalised (lower case, without # or @).
 */
export const trackedQueries = pgTable(
  'tracked_queries',
  {
    id: uuidId(),
    candidateId: uuid('candidate_id').references(() => candidates.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [
    check('tracked_queries_kind_check', sql`kind IN ('term', 'hashtag', 'account')`),
    uniqueIndex('tracked_queries_candidate_kind_value_key').on(table.candidateId, table.kind, table.value),
    index('tracked_queries_active_idx').on(table.active),
  ],
);
