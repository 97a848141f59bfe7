import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { candidates } from './candidates.js';
import { createdAt } from './columns.js';

/**
 * The authors of stored posts, with the profile X API v2 gives (what the bot model reads). The
 * current bot score is kept on the row so every analysis can leave suspected bots out without a
 * join; `bot_scores` keeps each model's score.
 */
export const authors = pgTable(
  'authors',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    name: text('name'),
    accountCreatedAt: timestamp('account_created_at', { withTimezone: true }),
    description: text('description'),
    location: text('location'),
    url: text('url'),
    profileImageUrl: text('profile_image_url'),
    protected: boolean('protected'),
    verified: boolean('verified'),
    verifiedType: text('verified_type'),
    followers: integer('followers'),
    following: integer('following'),
    tweets: integer('tweets'),
    listed: integer('listed'),
    botLikelihood: real('bot_likelihood'),
    botSuspected: boolean('bot_suspected'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('authors_unscored_idx').on(table.id).where(sql`bot_likelihood IS NULL`)],
);

/**
 * Posts from X or from imports. The current sentiment is kept on the row (the analyses aggregate
 * 100,000s of posts in one scan); `sentiment_scores` keeps each model's score with its version.
 * `author_suspected_bot` copies the author's flag so "sin bots" needs no join.
 */
export const posts = pgTable(
  'posts',
  {
    id: text('id').primaryKey(),
    authorId: text('author_id')
      .notNull()
      .references(() => authors.id),
    text: text('text').notNull(),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
    lang: text('lang'),
    likes: integer('likes').notNull().default(0),
    reposts: integer('reposts').notNull().default(0),
    replies: integer('replies').notNull().default(0),
    quotes: integer('quotes').notNull().default(0),
    /** 'x' (read through the API) or 'import' (a CSV/JSONL export). */
    source: text('source').notNull(),
    textHash: text('text_hash').notNull(),
    sentimentLabel: text('sentiment_label'),
    sentimentScore: real('sentiment_score'),
    sentimentModel: text('sentiment_model'),
    authorSuspectedBot: boolean('author_suspected_bot').notNull().default(false),
    ingestedAt: timestamp('ingested_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('posts_source_check', sql`source IN ('x', 'import')`),
    check('posts_sentiment_label_check', sql`sentiment_label IN ('negative', 'neutral', 'positive')`),
    index('posts_posted_at_idx').on(table.postedAt),
    index('posts_author_idx').on(table.authorId),
    index('posts_unscored_idx').on(table.postedAt).where(sql`sentiment_label IS NULL`),
    // A free media query (words, #hashtag, @account) is Spanish full-text search over this expression.
    index('posts_text_search_idx').using('gin', sql`to_tsvector('spanish', ${table.text})`),
  ],
);

/**
 * Which candidates a post is about (matched by their tracked queries, or named by an import).
 * `posted_at` is copied so a candidate's posts over a period are one index range.
 */
export const postCandidates = pgTable(
  'post_candidates',
  {
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => candidates.id, { onDelete: 'cascade' }),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
    postId: text('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.candidateId, table.postedAt, table.postId] }),
    index('post_candidates_post_idx').on(table.postId),
  ],
);

/** One import of an export file: its content hash makes a re-sent file a no-op. */
export const postImports = pgTable('post_imports', {
  id: text('id').primaryKey(),
  contentHash: text('content_hash').notNull().unique(),
  format: text('format').notNull(),
  importedBy: text('imported_by').notNull(),
  counts: jsonb('counts').notNull(),
  createdAt: createdAt(),
});
