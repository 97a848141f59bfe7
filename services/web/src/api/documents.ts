import {
  type DocumentUploadMetadata,
  documentListResponseSchema,
  documentUploadResponseSchema,
  type RagChatAnswer,
  type RagChatRequest,
  type RagCitation,
  type RagClaim,
  ragChatAnswerSchema,
  ragCitationSchema,
  ragClaimSchema,
  ragConversationListSchema,
  ragConversationSchema,
  ragSourceResponseSchema,
  ragStatsResponseSchema,
} from '@castor/contracts';
import { z } from 'zod';
import { readEventStream } from './event-stream';
import { ApiError, request, requestEventStream, requestNoContent } from './http';
import { uploadForm } from './upload-form';

/** What a streamed answer tells as it is written: the passages first, then each claim, then the whole answer. */
export type ChatStreamEvent =
  | { event: 'citations'; citations: RagCitation[] }
  | { event: 'claim'; claim: RagClaim }
  | { event: 'answer'; answer: RagChatAnswer };

const citationsEventSchema = z.object({ citations: z.array(ragCitationSchema) });
const errorEventSchema = z.object({ code: z.string(), message: z.string() });

/** An event's data parsed by its schema; data that does not match is RESPONSE_INVALID, not trusted. */
function parseEvent<T>(data: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new ApiError(200, 'RESPONSE_INVALID', 'A streamed event is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(200, 'RESPONSE_INVALID', parsed.error.message);
  return parsed.data;
}

/** dashboard-ia: the campaign's documents and the chat that answers from them. */
export const documentsApi = {
  list: () => request('/api/documents', { schema: documentListResponseSchema }).then((l) => l.documents),

  /** Uploads one file (admins and analysts), reporting upload progress from 0 to 1. */
  upload: (file: File, metadata: DocumentUploadMetadata, onProgress: (fraction: number) => void) => {
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', file, file.name);
    return uploadForm('/api/documents', form, documentUploadResponseSchema, onProgress);
  },

  remove: (id: string) => requestNoContent(`/api/documents/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  stats: () => request('/api/chat/rag/stats', { schema: ragStatsResponseSchema }),

  /** The whole passage a citation names, with its document, section, pages and neighbours. */
  source: (chunkId: string) =>
    request(`/api/chat/rag/sources/${encodeURIComponent(chunkId)}`, { schema: ragSourceResponseSchema }),

  conversations: () =>
    request('/api/chat/rag/history', { schema: ragConversationListSchema }).then((l) => l.conversations),

  conversation: (id: string) =>
    request(`/api/chat/rag/history/${encodeURIComponent(id)}`, { schema: ragConversationSchema }),

  /**
   * Asks a question and yields the answer as it streams in; an `error` event is thrown as an
   * ApiError, and a stream that ends without its answer is RESPONSE_INVALID.
   */
  async *ask(body: RagChatRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const response = await requestEventStream('/api/chat/rag', { method: 'POST', body, signal });
    if (!response.body) throw new ApiError(response.status, 'RESPONSE_INVALID', 'The answer has no body');
    let answered = false;
    // Read to the end (the service closes the stream after the answer): a body left unread is a
    // cancelled request to the browser.
    for await (const { event, data } of readEventStream(response.body)) {
      if (event === 'citations') yield { event, citations: parseEvent(data, citationsEventSchema).citations };
      else if (event === 'claim') yield { event, claim: parseEvent(data, ragClaimSchema) };
      else if (event === 'answer') {
        answered = true;
        yield { event, answer: parseEvent(data, ragChatAnswerSchema) };
      } else if (event === 'error') {
        const failure = parseEvent(data, errorEventSchema);
        throw new ApiError(response.status, failure.code, failure.message);
      }
    }
    if (!answered) throw new ApiError(response.status, 'RESPONSE_INVALID', 'The answer stream ended before its answer');
  },
};
