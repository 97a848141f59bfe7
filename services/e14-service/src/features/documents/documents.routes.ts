import {
  type Corporation,
  documentResponseSchema,
  errorResponseSchema,
  parseMesaKey,
  pipelineStartResponseSchema,
  pipelineStatusSchema,
  processAcceptedSchema,
  processFieldsSchema,
  processUrlRequestSchema,
  queueDepartmentRequestSchema,
  queueResponseSchema,
  queueTableRequestSchema,
  mesaKey as toMesaKey,
} from '@castor/contracts';
import { isSheetError } from '@castor/e14-sheets';
import {
  AppError,
  badRequest,
  forbidden,
  notFound,
  principal,
  type RateSpec,
  type ServiceApp,
} from '@castor/service-kit';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import { isAssigned, type WitnessAssignments } from '../../shared/witness-assignments.js';
import { PRIORITY, sha256Hex } from './document-store.js';
import type { DocumentPipeline } from './pipeline.service.js';

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

const SIZE_CODES = new Set(['FILE_TOO_LARGE', 'IMAGE_TOO_LARGE', 'DECOMPRESSION_BOMB', 'TOO_MANY_PAGES']);

/** A file refused by the intake checks, as the 4xx a sender can act on. */
function refusal(error: unknown): never {
  if (isSheetError(error)) {
    const status = SIZE_CODES.has(error.code) ? 413 : error.code === 'FILE_TYPE_UNSUPPORTED' ? 415 : 422;
    throw new AppError(status, error.code, error.message);
  }
  throw error;
}

const MEDIA_TYPES: Record<string, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };

export async function pipelineRoutes(
  app: ServiceApp,
  deps: {
    pipeline: DocumentPipeline;
    catalogs: ElectionCatalogs;
    witnesses: WitnessAssignments;
    maxFileBytes: number;
    maxAttempts: number;
    intakeRate: RateSpec;
    readRate: RateSpec;
  },
) {
  const { pipeline, catalogs } = deps;
  const intakeLimit = { max: deps.intakeRate.max, timeWindow: deps.intakeRate.windowMs };
  const readLimit = { max: deps.readRate.max, timeWindow: deps.readRate.windowMs };

  async function mesaStatus(electionId: number, key: string): Promise<{ id: number; disputed: boolean }> {
    const row = await app.pg.query<{ id: number; disputed: boolean }>(
      `SELECT m.id, EXISTS (SELECT 1 FROM reconciliations r WHERE r.mesa_id = m.id AND r.status = 'disputed') AS disputed
       FROM mesas m WHERE m.election_id = $1 AND m.mesa_key = $2`,
      [electionId, key],
    );
    const mesa = row.rows[0];
    if (!mesa) throw new AppError(422, 'MESA_UNKNOWN', `Mesa ${key} is not in the divipol`);
    return mesa;
  }

  /** Queues mesas to be fetched from the site (an already waiting mesa is not queued twice) and wakes the workers. */
  async function queueMesas(
    request: FastifyRequest,
    electionCode: string,
    corporation: Corporation,
    mesaKeys: string[],
    options: { priority: number },
  ) {
    const result = await pipeline.documents.addMesas({
      electionCode,
      corporation,
      mesaKeys,
      priority: options.priority,
      maxAttempts: deps.maxAttempts,
      submittedBy: `admin:${principal(request).sub}`,
    });
    pipeline.poke();
    return { queued: result.queued, alreadyQueued: result.ids.length - result.queued, documentIds: result.ids };
  }

  function requireSite() {
    const site = pipeline.site();
    if (!site) {
      throw new AppError(
        409,
        'REGISTRADURIA_NOT_CONFIGURED',
        "E14_REGISTRADURIA_BASE_URL is not set: this service does not fetch from the Registraduría's site",
      );
    }
    return site;
  }

  app.post(
    '/api/e14/process',
    {
      config: { auth: { roles: ['admin', 'witness'] }, rateLimit: intakeLimit },
      schema: {
        tags: ['pipeline'],
        summary:
          'Queue a scanned E-14 for reading: multipart (field "file": PDF/JPEG/PNG, plus electionCode, corporation?, mesa?, copy?) or JSON { url, electionCode, ... } of a file on the Registraduría site. Same file ⇒ same document',
        body: processUrlRequestSchema.nullish(),
        response: { 202: processAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = principal(request);
      let fields: unknown;
      let bytes: Uint8Array | undefined;
      let originUrl: string | null = null;
      if (request.isMultipart()) {
        const values: Record<string, string> = {};
        try {
          for await (const part of request.parts({ limits: { fileSize: deps.maxFileBytes, files: 1 } })) {
            if (part.type === 'field') values[part.fieldname] = String(part.value);
            else if (part.fieldname === 'file') bytes = new Uint8Array(await part.toBuffer());
            else await part.toBuffer();
          }
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') {
            throw new AppError(413, 'FILE_TOO_LARGE', `The file is over ${deps.maxFileBytes / 1_048_576} MB`);
          }
          if (code === 'FST_FILES_LIMIT') throw badRequest('TOO_MANY_FILES', 'Send one file per request');
          throw error;
        }
        if (!bytes) throw badRequest('FILE_REQUIRED', 'Send the scanned E-14 as the multipart file field "file"');
        fields = values;
      } else {
        const body = processUrlRequestSchema.safeParse(request.body);
        if (!body.success) {
          throw badRequest('VALIDATION_FAILED', 'Send multipart with a "file", or JSON { url, electionCode }', {
            issues: body.error.issues,
          });
        }
        fields = body.data;
        originUrl = body.data.url;
      }
      const parsed = processFieldsSchema.safeParse(fields);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest('VALIDATION_FAILED', `${issue?.path.join('.')}: ${issue?.message}`, {
          issues: parsed.error.issues,
        });
      }
      const { electionCode, corporation, mesa, copy } = parsed.data;
      const catalog = await catalogs.requireElection(electionCode, corporation);
      let priority: number = PRIORITY.upload;
      if (user.role === 'witness') {
        if (!mesa) throw badRequest('MESA_REQUIRED', 'Witnesses send the mesa of their sheet');
        const territories = (await deps.witnesses.territoriesOf(user.sub)).get(catalog.id) ?? [];
        if (!isAssigned(territories, mesa))
          throw new AppError(403, 'WITNESS_NOT_ASSIGNED', `You are not assigned to mesa ${mesa}`);
        priority = PRIORITY.witness;
      }
      if (mesa) {
        const status = await mesaStatus(catalog.id, mesa);
        if (status.disputed) priority = Math.max(priority, PRIORITY.disputed);
      }

      if (originUrl !== null) {
        const site = requireSite();
        const base = new URL(site.options.baseUrl);
        const asked = new URL(originUrl);
        if (asked.origin !== base.origin || !asked.pathname.startsWith(base.pathname.replace(/\/?$/, '/'))) {
          throw new AppError(422, 'URL_NOT_ALLOWED', `Only files under ${base.href} are fetched`);
        }
        const fetched = await site.fetchFile(asked.href, { force: true });
        const { outcome } = fetched;
        if (outcome.kind === 'missing') {
          throw new AppError(
            422,
            outcome.reason === 'html-page' ? 'HTML_INSTEAD_OF_PDF' : 'E14_NOT_PUBLISHED',
            `No E-14 at this URL (${outcome.reason})`,
          );
        }
        if (outcome.kind === 'too-large') throw new AppError(413, 'FILE_TOO_LARGE', 'The file is over the size limit');
        if (outcome.kind !== 'pdf') {
          throw new AppError(
            502,
            'UPSTREAM_FAILED',
            `The Registraduría site did not deliver the file (${outcome.kind === 'failed' ? outcome.code : outcome.kind})`,
          );
        }
        bytes = new Uint8Array(outcome.bytes);
      }
      if (!bytes) throw badRequest('FILE_REQUIRED', 'No file');
      const inspected = await pipeline.inspect(bytes).catch(refusal);
      const sha256 = sha256Hex(bytes);
      await pipeline.documents.saveFile(sha256, MEDIA_TYPES[inspected.kind] ?? 'application/octet-stream', bytes);
      const document = await pipeline.documents.addFile({
        kind: originUrl === null ? 'upload' : 'url',
        electionCode: catalog.code,
        corporation: corporation ?? null,
        mesaKey: mesa ?? null,
        copy: copy ?? null,
        originUrl,
        sha256,
        priority,
        maxAttempts: deps.maxAttempts,
        submittedBy: `${user.role}:${user.sub}`,
      });
      pipeline.poke();
      return reply.code(202).send({
        documentId: document.id,
        state: document.state,
        duplicate: document.duplicate,
        sha256,
        priority: document.priority,
      });
    },
  );

  app.get(
    '/api/e14/documents/:id',
    {
      config: { auth: { roles: ['admin', 'analyst', 'reviewer', 'witness'] }, rateLimit: readLimit },
      schema: {
        tags: ['pipeline'],
        summary: 'A queued document: state, stage, attempts and errors, the reading of every provider, the stored form',
        params: z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
        response: { 200: documentResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const user = principal(request);
      const document = await pipeline.documents.get(request.params.id);
      if (!document) throw notFound(`No document ${request.params.id}`, 'DOCUMENT_UNKNOWN');
      if (user.role === 'witness' && !(await pipeline.documents.sentBy(document.id, `witness:${user.sub}`))) {
        throw forbidden('Witnesses see the documents they sent');
      }
      return document;
    },
  );

  app.post(
    '/api/queue/table',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: intakeLimit },
      schema: {
        tags: ['pipeline'],
        summary: "Queue one mesa: its E-14 is fetched from the Registraduría's site and read",
        body: queueTableRequestSchema,
        response: { 202: queueResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      requireSite();
      const { electionCode, corporation, mesa } = request.body;
      const catalog = await catalogs.requireElection(electionCode, corporation);
      const status = await mesaStatus(catalog.id, mesa);
      const queued = await queueMesas(request, catalog.code, corporation, [toMesaKey(parseMesaKey(mesa))], {
        priority: status.disputed ? PRIORITY.disputed : PRIORITY.table,
      });
      return reply.code(202).send(queued);
    },
  );

  app.post(
    '/api/queue/department',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: intakeLimit },
      schema: {
        tags: ['pipeline'],
        summary: 'Queue every mesa of a departamento (or one of its municipios) from the divipol, as a routine scrape',
        body: queueDepartmentRequestSchema,
        response: { 202: queueResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      requireSite();
      const { electionCode, corporation, departamento, municipio } = request.body;
      const catalog = await catalogs.requireElection(electionCode, corporation);
      const prefix = municipio ? `${departamento}-${municipio}-` : `${departamento}-`;
      const mesas = await app.pg.query<{ mesa_key: string }>(
        `SELECT mesa_key FROM mesas WHERE election_id = $1 AND starts_with(mesa_key, $2) ORDER BY mesa_key`,
        [catalog.id, prefix],
      );
      if (mesas.rows.length === 0) {
        throw notFound(`No mesas under ${prefix.slice(0, -1)} in the divipol of ${catalog.code}`, 'TERRITORY_UNKNOWN');
      }
      const queued = await queueMesas(
        request,
        catalog.code,
        corporation,
        mesas.rows.map((row) => row.mesa_key),
        { priority: PRIORITY.scrape },
      );
      return reply.code(202).send(queued);
    },
  );

  app.post(
    '/api/pipeline/start',
    {
      config: { auth: { roles: ['admin'] }, rateLimit: intakeLimit },
      schema: {
        tags: ['pipeline'],
        summary: "Start (or resume) this replica's document workers; jobs waiting for a retry become due now",
        response: { 200: pipelineStartResponseSchema },
      },
    },
    async () => {
      pipeline.start();
      const resumed = await pipeline.documents.resume();
      pipeline.poke();
      return { running: pipeline.isRunning, workerId: pipeline.workerId, resumed };
    },
  );

  app.get(
    '/api/pipeline/status',
    {
      config: { auth: { roles: ['admin', 'analyst'] }, rateLimit: readLimit },
      schema: {
        tags: ['pipeline'],
        summary:
          'Documents per state, backlog and oldest waiting, throughput, errors per code, dead letters, OCR spend, this replica’s workers',
        response: { 200: pipelineStatusSchema },
      },
    },
    async () => pipeline.status(),
  );
}
