import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, uuidId } from './columns.js';
import { authors, posts } from './posts.js';

/** Every sentiment score a model gave a post, with the model and its version. */
export const sentimentScores = pgTable(
  'sentiment_scores',
  {
    postId: text('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    version: text('version').notNull(),
    label: text('label').notNull(),
    score: real('score').notNull(),
    scoredAt: timestamp('scored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.postId, table.model, table.version] }),
    check('sentiment_scores_label_check', sql`label IN ('negative', 'neutral', 'positive')`),
  ],
);

/** Every bot likelihood a model gave an author, with the features that drove it. */
export const botScores = pgTable(
  'bot_scores',
  {
    authorId: text('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    version: text('version').notNull(),
    likelihood: real('likelihood').notNull(),
    suspected: boolean('suspected').notNull(),
    drivers: jsonb('drivers').notNull(),
    scoredAt: timestamp('scored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.authorId, table.model, table.version] })],
);

/**
 * Analyses a user asked for (media, campaign, rivals), kept with the request and the answer:
 * GET /api/media/history lists them.
 */
export const analyses = pgTable(
  'analyses',
  {
    id: uuidId(),
    kind: text('kind').notNull(),
    requestedBy: text('requested_by').notNull(),
    request: jsonb('request').notNull(),
    result: jsonb('result').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    check('analyses_kind_check', sql`kind IN ('media', 'campaign', 'rivals')`),
    index('analyses_created_idx').on(table.createdAt),
    // A user's history, newest first (keyset by created_at).
    index('analyses_requested_by_created_idx').on(table.requestedBy, table.createdAt.desc()),
  ],
);

/** Sentiment models trained inside the service (distilled from an LLM on the campaign's own posts). */
export const sentimentModels = pgTable('sentiment_models', {
  version: text('version').primaryKey(),
  name: text('name').notNull(),
  file: jsonb('file').notNull(),
  report: jsonb('report').notNull(),
  active: boolean('active').notNull().default(false),
  createdAt: createdAt(),
});
