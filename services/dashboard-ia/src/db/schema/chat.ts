import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt, uuidId } from './columns.js';

/** A user's conversation with the campaign's documents: only its owner ever reads it. */
export const chatConversations = pgTable(
  'chat_conversations',
  {
    id: uuidId(),
    /** The user (token subject) who asked; every read filters by it. */
    ownerId: text('owner_id').notNull(),
    /** The first question, shortened. */
    title: text('title').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('chat_conversations_owner_idx').on(table.ownerId, table.updatedAt)],
);

/** The chat history: each question and its answer (claims, citations and who answered, as sent). */
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => chatConversations.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    text: text('text').notNull(),
    /** For an answer: found, claims, citations, answeredBy. */
    answer: jsonb('answer'),
    createdAt: createdAt(),
  },
  (table) => [
    check('chat_messages_role_check', sql`role IN ('user', 'assistant')`),
    index('chat_messages_conversation_idx').on(table.conversationId, table.createdAt),
  ],
);
