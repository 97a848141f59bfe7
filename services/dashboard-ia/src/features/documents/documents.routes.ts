import {
  chunkIdParamsSchema,
  documentIdParamsSchema,
  documentListResponseSchema,
  documentUploadMetadataSchema,
  documentUploadResponseSchema,
  errorResponseSchema,
  ragSearchRequestSchema,
  ragSearchResponseSchema,
  ragSourceResponseSchema,
  ragStatsResponseSchema,
} from '@castor/contracts';
import { httpError, principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DocumentThreadFailure } from './document-thread.js';
import type { DocumentsService, UploadedFile } from './documents.service.js';
import type { RagService } from './rag.service.js';

const uploaders = { auth: { roles: ['admin', 'analyst'] } } as const;
// The campaign's readers (not the E-14 roles: reviewers and witnesses never see campaign documents).
const readers = { auth: { roles: ['admin', 'analyst', 'viewer'] } } as const;
const errors = { 400: errorResponseSchema, 404: errorResponseSchema } as const;

/** The one file and the `metadata` field of an upload, the file within `maxBytes`. */
async function readUpload(
  request: FastifyRequest,
  maxBytes: number,
): Promise<{ file: UploadedFile; metadata: z.output<typeof documentUploadMetadataSchema> }> {
  if (!request.isMultipart()) {
    throw httpError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as multipart/form-data with the file field "file"');
  }
  let file: UploadedFile | undefined;
  let metadata: unknown = {};
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 4 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'metadata') metadata = parseJson(String(part.value));
        continue;
      }
      const bytes = new Uint8Array(await part.toBuffer());
      if (part.fieldname === 'file') file = { bytes, filename: part.filename, contentType: part.mimetype };
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw httpError('DOCUMENT_TOO_LARGE', `The document exceeds the limit of ${maxBytes} bytes.`, {
        limit: 'bytes',
        max: maxBytes,
      });
    }
    throw error;
  }
  if (!file) throw httpError('DOCUMENT_FILE_MISSING', 'Send the document as the multipart file field "file"');
  const parsed = documentUploadMetadataSchema.safeParse(metadata);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw httpError('VALIDATION_FAILED', `metadata.${issue?.path.join('.')}: ${issue?.message}`, {
      issues: parsed.error.issues,
    });
  }
  return { file, metadata: parsed.data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw httpError('VALIDATION_FAILED', 'The "metadata" field must be JSON like {"candidate":"…","source":"…"}');
  }
}

/** `/api/documents`: upload, list and delete the campaign's documents (PDF, DOCX, Markdown, text). */
export const documentsRoutes: ServicePlugin<{
  documents: DocumentsService;
  maxFileBytes: number;
  rate: RateSpec;
}> = async (app, { documents, maxFileBytes, rate }) => {
  await app.register(multipart, { limits: { fileSize: maxFileBytes, files: 1 } });
  const rateLimit = { max: rate.max, timeWindow: rate.windowMs };

  app.post(
    '',
    {
      config: { ...uploaders, rateLimit },
      schema: {
        tags: ['documents'],
        summary:
          'Upload a campaign document (multipart: file "file", PDF, DOCX, Markdown or text; field "metadata", JSON {candidate?, source?}). Read and chunked with its headings and pages, stored with its chunks in one transaction. The same file again answers 200 with replayed: true; a passage another document already holds is stored once (counts.alreadyStored). Refusals: 415 DOCUMENT_FORMAT_UNSUPPORTED, 422 DOCUMENT_UNREADABLE or DOCUMENT_EMPTY, 413 DOCUMENT_TOO_LARGE',
        consumes: ['multipart/form-data'],
        response: {
          200: documentUploadResponseSchema,
          201: documentUploadResponseSchema,
          413: errorResponseSchema,
          415: errorResponseSchema,
          422: errorResponseSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { file, metadata } = await readUpload(request, maxFileBytes);
      const result = await documents.upload(file, metadata, principal(request).sub).catch((error: unknown) => {
        // A 4xx is not logged, but a thread that gave up (heap, time, crash) is worth knowing why.
        if (error instanceof Error && error.cause instanceof DocumentThreadFailure) {
          request.log.warn({ err: error.cause, filename: file.filename }, 'the document reading thread gave up');
        }
        throw error;
      });
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    '',
    {
      config: { ...readers, rateLimit },
      schema: {
        tags: ['documents'],
        summary: "The campaign's documents and the caller's own indexed analyses, newest first",
        response: { 200: documentListResponseSchema },
      },
    },
    async (request) => ({ documents: await documents.list(principal(request).sub) }),
  );

  app.delete(
    '/:id',
    {
      config: uploaders,
      schema: {
        tags: ['documents'],
        summary: 'Remove a document and its chunks (admins and analysts)',
        params: documentIdParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await documents.delete(request.params.id, principal(request).sub);
      return reply.code(204).send(null);
    },
  );
};

/** `/api/chat/rag`: retrieval over the documents (search, the source a citation names, stats). */
export const ragRoutes: ServicePlugin<{ rag: RagService; rate: RateSpec }> = async (app, { rag, rate }) => {
  const config = { ...readers, rateLimit: { max: rate.max, timeWindow: rate.windowMs } };

  app.post(
    '/search',
    {
      config,
      schema: {
        tags: ['chat'],
        summary:
          'The passages that best answer a question (top-k by score), filtered by candidate, document, source and upload date. Offline this is lexical search (PostgreSQL spanish: stemming, stop words); the answer names the mode',
        body: ragSearchRequestSchema,
        response: { 200: ragSearchResponseSchema, ...errors },
      },
    },
    async (request) => rag.search(request.body, principal(request).sub),
  );

  app.get(
    '/sources/:chunkId',
    {
      config,
      schema: {
        tags: ['chat'],
        summary: 'The whole passage a citation names, with its document, heading path, pages and neighbours',
        params: chunkIdParamsSchema,
        response: { 200: ragSourceResponseSchema, ...errors },
      },
    },
    async (request) => rag.source(request.params.chunkId, principal(request).sub),
  );

  app.get(
    '/stats',
    {
      config,
      schema: {
        tags: ['chat'],
        summary:
          "What the index holds (documents, chunks, bytes), which store and embedding model answer, and this replica's recent search latencies",
        response: { 200: ragStatsResponseSchema },
      },
    },
    async () => rag.stats(),
  );
};
