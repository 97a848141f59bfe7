import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from '../common.js';
import { ragSearchFiltersSchema, retrievalModeSchema } from './documents.js';

/** `POST /api/chat/rag`: a question about the campaign's documents (and the asker's own analyses). */
export const ragChatRequestSchema = z
  .object({
    question: z.string().trim().min(1, { message: 'ask a question' }).max(1_000),
    /** Continue one of the asker's conversations; omitted, a new one starts. */
    conversationId: uuidSchema.optional(),
    filters: ragSearchFiltersSchema.default({}),
  })
  .strict();
export type RagChatRequest = z.input<typeof ragChatRequestSchema>;

/** A passage an answer rests on: `GET /api/chat/rag/sources/:chunkId` opens it. */
export const ragCitationSchema = z.object({
  chunkId: z.string(),
  documentId: uuidSchema,
  documentTitle: z.string(),
  sectionLabel: z.string(),
  pageStart: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
  snippet: z.string(),
});
export type RagCitation = z.infer<typeof ragCitationSchema>;

/** One statement of an answer and the passages (at least one) that say it. */
export const ragClaimSchema = z.object({ text: z.string(), chunkIds: z.array(z.string()).min(1) });
export type RagClaim = z.infer<typeof ragClaimSchema>;

export const ragAnswererSchema = z.object({
  provider: z.string(),
  model: z.string(),
  /** True when no network model wrote it: the offline answer quotes the passages (extractive). */
  offline: z.boolean(),
});

export const ragChatAnswerSchema = z.object({
  conversationId: uuidSchema,
  messageId: uuidSchema,
  question: z.string(),
  /** False when the documents do not hold the answer: `text` says so and nothing is invented. */
  found: z.boolean(),
  /** The whole answer as one text (the claims joined); "No está en tus documentos." when not found. */
  text: z.string(),
  claims: z.array(ragClaimSchema),
  /** The passages the claims cite, in the order first cited. */
  citations: z.array(ragCitationSchema),
  answeredBy: ragAnswererSchema,
  retrieval: retrievalModeSchema,
  createdAt: isoDateTimeSchema,
});
export type RagChatAnswer = z.infer<typeof ragChatAnswerSchema>;

export const ragChatMessageSchema = z.discriminatedUnion('role', [
  z.object({ id: uuidSchema, role: z.literal('user'), text: z.string(), createdAt: isoDateTimeSchema }),
  z.object({
    id: uuidSchema,
    role: z.literal('assistant'),
    text: z.string(),
    found: z.boolean(),
    claims: z.array(ragClaimSchema),
    citations: z.array(ragCitationSchema),
    answeredBy: ragAnswererSchema,
    createdAt: isoDateTimeSchema,
  }),
]);
export type RagChatMessage = z.infer<typeof ragChatMessageSchema>;

/** `GET /api/chat/rag/history`: the asker's conversations, newest first (nobody else's). */
export const ragConversationListSchema = z.object({
  conversations: z.array(
    z.object({ id: uuidSchema, title: z.string(), messages: z.number().int(), updatedAt: isoDateTimeSchema }),
  ),
});

/** `GET /api/chat/rag/history/:conversationId`. */
export const ragConversationSchema = z.object({
  id: uuidSchema,
  title: z.string(),
  messages: z.array(ragChatMessageSchema),
});
export type RagConversation = z.infer<typeof ragConversationSchema>;

export const conversationIdParamsSchema = z.object({ conversationId: uuidSchema });

/**
 * The events of a streamed answer (`accept: text/event-stream`): `citations` once the passages are
 * retrieved, one `claim` per statement as it is ready, then `answer` (the same object the JSON route
 * returns) or `error` ({ code, message }).
 */
export const RAG_CHAT_EVENTS = ['citations', 'claim', 'answer', 'error'] as const;
