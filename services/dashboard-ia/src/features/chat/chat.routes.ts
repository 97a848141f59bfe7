import {
  conversationIdParamsSchema,
  errorResponseSchema,
  ragChatAnswerSchema,
  ragChatRequestSchema,
  ragConversationListSchema,
  ragConversationSchema,
} from '@castor/contracts';
import { AppError, principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatService } from './chat.service.js';

const errors = { 400: errorResponseSchema, 404: errorResponseSchema } as const;

const wantsStream = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/event-stream');

/**
 * A Server-Sent Events answer, opened at the first event: a failure before it (an unknown
 * conversation or candidate) is still an ordinary 4xx; one after it is an `error` event.
 */
function eventStream(reply: FastifyReply) {
  let open = false;
  return {
    get open() {
      return open;
    },
    send(event: string, data: unknown) {
      if (!open) {
        open = true;
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-store',
          // nginx passes each event on at once instead of buffering the answer.
          'x-accel-buffering': 'no',
          'x-content-type-options': 'nosniff',
          'x-request-id': String(reply.request.id),
        });
      }
      reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (open) reply.raw.end();
    },
  };
}

/** `/api/chat/rag`: questions answered from the documents with citations, and the asker's history. */
export const chatRoutes: ServicePlugin<{ chat: ChatService; rate: RateSpec }> = async (app, { chat, rate }) => {
  // The campaign's readers ask; the history is each user's own.
  const config = {
    auth: { roles: ['admin', 'analyst', 'viewer'] },
    rateLimit: { max: rate.max, timeWindow: rate.windowMs },
  } as const;

  app.post(
    '/',
    {
      config,
      schema: {
        tags: ['chat'],
        summary:
          'Answer a question from the campaign’s documents (and your own analyses): every claim cites the passages it rests on; "No está en tus documentos." when they do not hold the answer. With accept: text/event-stream the answer streams as events: citations, claim…, answer (or error). Offline the answer quotes the passages and says so',
        body: ragChatRequestSchema,
        response: { 200: ragChatAnswerSchema, ...errors },
      },
    },
    async (request, reply) => {
      const viewer = principal(request).sub;
      if (!wantsStream(request)) return chat.ask(request.body, viewer);
      const stream = eventStream(reply);
      try {
        const answer = await chat.ask(request.body, viewer, ({ event, data }) => stream.send(event, data));
        stream.send('answer', answer);
      } catch (error) {
        if (!stream.open) throw error;
        request.log.error({ err: error }, 'chat answer failed after streaming started');
        stream.send(
          'error',
          error instanceof AppError && error.statusCode < 500
            ? { code: error.code, message: error.message }
            : { code: 'INTERNAL_ERROR', message: 'The answer could not be completed; ask again' },
        );
      }
      stream.end();
      return reply;
    },
  );

  app.get(
    '/history',
    {
      config,
      schema: {
        tags: ['chat'],
        summary: 'Your conversations, newest first (nobody else’s)',
        response: { 200: ragConversationListSchema },
      },
    },
    async (request) => ({ conversations: await chat.conversations(principal(request).sub) }),
  );

  app.get(
    '/history/:conversationId',
    {
      config,
      schema: {
        tags: ['chat'],
        summary: 'One of your conversations with its questions and answers (404 for anyone else’s)',
        params: conversationIdParamsSchema,
        response: { 200: ragConversationSchema, ...errors },
      },
    },
    async (request) => chat.conversation(request.params.conversationId, principal(request).sub),
  );
};
