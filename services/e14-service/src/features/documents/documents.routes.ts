import {
  documentResponseSchema,
  errorResponseSchema,
  idParamSchema,
  MAX_SHEET_PHOTOS,
  PIPELINE_ACTIVITY_MIN_WINDOW_MINUTES,
  PIPELINE_ACTIVITY_WINDOW_HOURS,
  type ProcessFields,
  pipelineActivityQuerySchema,
  pipelineActivitySchema,
  pipelineStartResponseSchema,
  pipelineStatusSchema,
  processAcceptedSchema,
  processFieldsSchema,
  processUrlRequestSchema,
  queueDepartmentRequestSchema,
  queueResponseSchema,
  queueTableRequestSchema,
  sentDocumentsQuerySchema,
  sentDocumentsResponseSchema,
} from '@castor/contracts';
import { httpError, principal, type RateSpec, type ServicePlugin } from '@castor/service-kit';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DocumentsService, ReceivedFile } from './documents.service.js';

/**
 * The document pipeline's routes, one plugin per URL prefix (app.ts registers each with its
 * prefix, so the URLs this feature owns read there like every other feature's):
 * `/api/e14/documents` (queue a scanned E-14, read a document), `/api/e14/process` (the seed's
 * name for queueing, kept as an alias), `/api/queue` (mesas fetched from the Registraduría's site)
 * and `/api/pipeline` (this replica's workers). All four take the same options.
 */
export type DocumentsRouteOptions = {
  documents: DocumentsService;
  maxFileBytes: number;
  intakeRate: RateSpec;
  readRate: RateSpec;
};

const errors = {
  400: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  413: errorResponseSchema,
  415: errorResponseSchema,
  422: errorResponseSchema,
  502: errorResponseSchema,
};

const rateLimit = (rate: RateSpec) => ({ max: rate.max, timeWindow: rate.windowMs });

const QUEUE_FILE_SUMMARY = `Queue a scanned E-14 for reading: multipart (field "file": PDF/JPEG/PNG, plus electionCode, corporation?, mesa?, copy?) or JSON { url, electionCode, ... } of a file on the Registraduría site. Same file ⇒ same document. The phone photos of a multi-page sheet go together in one request: one "file" part per page, JPEG, up to ${MAX_SHEET_PHOTOS}, in any order (the reader tells the pages by their barcode and printed numbers), read as one PDF (same photos in the same order ⇒ same document); a PDF or PNG among several files ⇒ 415 PAGE_NOT_JPEG`;

/** What a queueing request sent: the sender's fields (not yet validated) and the file or its URL. */
interface SentDocument {
  fields: unknown;
  file: ReceivedFile;
}

/**
 * A multipart request: its fields and its files "file" in the order sent (one file, or the photos
 * of one sheet's pages), each and all together within the size limit.
 */
async function readMultipart(request: FastifyRequest, maxFileBytes: number): Promise<SentDocument> {
  const values: Record<string, string> = {};
  const files: Uint8Array[] = [];
  const megabytes = maxFileBytes / 1_048_576;
  let received = 0;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxFileBytes, files: MAX_SHEET_PHOTOS } })) {
      if (part.type === 'field') values[part.fieldname] = String(part.value);
      else if (part.fieldname === 'file') {
        const bytes = new Uint8Array(await part.toBuffer());
        received += bytes.length;
        if (received > maxFileBytes) throw httpError('FILE_TOO_LARGE', `The files together are over ${megabytes} MB`);
        files.push(bytes);
      } else await part.toBuffer();
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw httpError('FILE_TOO_LARGE', `The file is over ${megabytes} MB`);
    if (code === 'FST_FILES_LIMIT') {
      throw httpError(
        'TOO_MANY_FILES',
        `Send at most ${MAX_SHEET_PHOTOS} files per request: one scanned E-14, or the photos of one sheet's pages`,
      );
    }
    throw error;
  }
  if (files.length === 0) throw httpError('FILE_REQUIRED', 'Send the scanned E-14 as the multipart file field "file"');
  return { fields: values, file: { files, originUrl: null } };
}

/** A JSON request: the URL of a file on the Registraduría's site, and the sender's fields. */
function readUrlRequest(body: unknown): SentDocument {
  const parsed = processUrlRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw httpError('VALIDATION_FAILED', 'Send multipart with a "file", or JSON { url, electionCode }', {
      issues: parsed.error.issues,
    });
  }
  return { fields: parsed.data, file: { files: null, originUrl: parsed.data.url } };
}

function processFields(fields: unknown): ProcessFields {
  const parsed = processFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw httpError('VALIDATION_FAILED', `${issue?.path.join('.')}: ${issue?.message}`, {
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}

type PluginApp = Parameters<ServicePlugin<DocumentsRouteOptions>>[0];

/** POST at the plugin's prefix: queue a scanned E-14 (the same route under its name and under its alias). */
function postQueueFile(
  app: PluginApp,
  { documents, maxFileBytes, intakeRate }: DocumentsRouteOptions,
  summary: string,
) {
  app.post(
    '',
    {
      config: { auth: { roles: ['admin', 'witness'] }, rateLimit: rateLimit(intakeRate) },
      schema: {
        tags: ['pipeline'],
        summary,
        body: processUrlRequestSchema.nullish(),
        response: { 202: processAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = principal(request);
      const sent = request.isMultipart() ? await readMultipart(request, maxFileBytes) : readUrlRequest(request.body);
      const accepted = await documents.queueFile(user, processFields(sent.fields), sent.file);
      return reply.code(202).send(accepted);
    },
  );
}

/** `/api/e14/documents`: queue a scanned E-14; the caller's own documents; a queued document; retry a failed one. */
export const documentsRoutes: ServicePlugin<DocumentsRouteOptions> = async (app, options) => {
  postQueueFile(app, options, QUEUE_FILE_SUMMARY);

  app.get(
    '',
    {
      config: { auth: { roles: ['admin', 'analyst', 'reviewer', 'witness'] }, rateLimit: rateLimit(options.readRate) },
      schema: {
        tags: ['pipeline'],
        summary:
          "The caller's own documents (what they sent, whatever their role), newest first, a page at a time (before: the previous page's nextBefore)",
        querystring: sentDocumentsQuerySchema,
        response: { 200: sentDocumentsResponseSchema, 400: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => options.documents.sentDocuments(principal(request), request.query),
  );

  app.get(
    '/:id',
    {
      config: { auth: { roles: ['admin', 'analyst', 'reviewer', 'witness'] }, rateLimit: rateLimit(options.readRate) },
      schema: {
        tags: ['pipeline'],
        summary: 'A queued document: state, stage, attempts and errors, the reading of every provider, the stored form',
        params: z.object({ id: idParamSchema }),
        response: { 200: documentResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => options.documents.document(principal(request), request.params.id),
  );

  // Analysts watch the pipeline's failures and dead letters (GET /api/pipeline/status), so they may
  // retry one too: a retry only reads again a file already received, it adds nothing. Senders
  // (witnesses) may not: their uploads are re-read only after someone checked why they failed.
  app.post(
    '/:id/retry',
    {
      config: { auth: { roles: ['admin', 'analyst'] }, rateLimit: rateLimit(options.intakeRate) },
      schema: {
        tags: ['pipeline'],
        summary:
          'Put a failed or dead document back in the queue (attempts reset, read again from its file), audited; 409 DOCUMENT_NOT_RETRYABLE when it has not failed',
        params: z.object({ id: idParamSchema }),
        response: { 200: documentResponseSchema, ...errors },
      },
    },
    async (request) => options.documents.retry(principal(request), request.params.id),
  );
};

/** `/api/e14/process`: the seed's name for POST /api/e14/documents, kept so existing senders keep working. */
export const processAliasRoutes: ServicePlugin<DocumentsRouteOptions> = async (app, options) => {
  postQueueFile(
    app,
    options,
    `Alias of POST /api/e14/documents, the seed's name for it (kept for existing senders). ${QUEUE_FILE_SUMMARY}`,
  );
};

/** `/api/queue`: mesas whose E-14 is fetched from the Registraduría's site and read. */
export const queueRoutes: ServicePlugin<DocumentsRouteOptions> = async (app, { documents, intakeRate }) => {
  app.post(
    '/table',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: rateLimit(intakeRate) },
      schema: {
        tags: ['pipeline'],
        summary: "Queue one mesa: its E-14 is fetched from the Registraduría's site and read",
        body: queueTableRequestSchema,
        response: { 202: queueResponseSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(202).send(await documents.queueMesa(principal(request), request.body)),
  );

  app.post(
    '/department',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: rateLimit(intakeRate) },
      schema: {
        tags: ['pipeline'],
        summary: 'Queue every mesa of a departamento (or one of its municipios) from the divipol, as a routine scrape',
        body: queueDepartmentRequestSchema,
        response: { 202: queueResponseSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(202).send(await documents.queueTerritory(principal(request), request.body)),
  );
};

/** `/api/pipeline`: this replica's document workers. */
export const pipelineRoutes: ServicePlugin<DocumentsRouteOptions> = async (
  app,
  { documents, intakeRate, readRate },
) => {
  app.post(
    '/start',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: rateLimit(intakeRate) },
      schema: {
        tags: ['pipeline'],
        summary: "Start (or resume) this replica's document workers; jobs waiting for a retry become due now",
        response: { 200: pipelineStartResponseSchema },
      },
    },
    async () => documents.startWorkers(),
  );

  app.get(
    '/status',
    {
      config: { auth: { roles: ['admin', 'analyst'] }, rateLimit: rateLimit(readRate) },
      schema: {
        tags: ['pipeline'],
        summary:
          'Documents per state, backlog and oldest waiting, throughput, errors per code, dead letters, OCR spend, this replica’s workers',
        response: { 200: pipelineStatusSchema },
      },
    },
    async () => documents.status(),
  );

  app.get(
    '/activity',
    {
      config: { auth: { roles: ['admin', 'analyst'] }, rateLimit: rateLimit(readRate) },
      schema: {
        tags: ['pipeline'],
        summary: `An election's documents received, read and validated per bucket (1 or 5 minutes) from its first document (at least ${PIPELINE_ACTIVITY_MIN_WINDOW_MINUTES} min, at most ${PIPELINE_ACTIVITY_WINDOW_HOURS} h back), and the backlog after each`,
        querystring: pipelineActivityQuerySchema,
        response: { 200: pipelineActivitySchema, 400: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => documents.activity(request.query.election),
  );
};
