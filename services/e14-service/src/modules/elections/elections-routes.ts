import {
  type Candidate,
  divipolDocumentSchema,
  divipolImportResponseSchema,
  electionCodeSchema,
  electionRulesResponseSchema,
  electionSchema,
  errorResponseSchema,
  officialImportResponseSchema,
  updateRulesRequestSchema,
  witnessAssignmentsRequestSchema,
  witnessAssignmentsResponseSchema,
} from '@castor/contracts';
import { badRequest, notFound, principal, type ServiceApp } from '@castor/service-kit';
import { z } from 'zod';
import { actorName } from '../intake/intake-service.js';
import { importOfficialFeed } from '../reconciliation/official-feed.js';
import type { ResultsCache } from '../results/results-cache.js';
import type { ResultsService } from '../results/results-service.js';
import type { WitnessAssignments } from '../witnesses/witness-assignments.js';
import { buildDivipolDocument, candidatesFromCsv, fromRegistraduriaIndex, mesasFromCsv } from './divipol-formats.js';
import { importDivipol } from './divipol-import.js';
import type { ElectionCatalogs } from './election-catalog.js';
import { describeRules, updateRuleConfig } from './rules-config.js';

const adminOnly = { auth: { roles: ['admin'] } } as const;
const electionParams = z.object({ code: electionCodeSchema });

export interface ElectionsDeps {
  catalogs: ElectionCatalogs;
  results: ResultsService;
  resultsCache: ResultsCache;
  witnesses: WitnessAssignments;
  importBodyLimitBytes: number;
}

export async function electionsRoutes(app: ServiceApp, deps: ElectionsDeps) {
  const pool = app.pg;
  const afterImport = async (code: string) => {
    deps.catalogs.invalidate(code);
    const catalog = await deps.catalogs.get(code);
    if (catalog) {
      deps.results.forgetTerritories(catalog.id);
      await deps.resultsCache.invalidate(catalog.id, [...catalog.corporations.keys()]);
    }
  };

  app.post(
    '/api/elections/import',
    {
      bodyLimit: deps.importBodyLimitBytes,
      config: adminOnly,
      schema: {
        tags: ['elections'],
        summary:
          'Import a divipol document (castor-divipol/1): territorial tree, habilitados and candidates. Idempotent',
        body: divipolDocumentSchema,
        response: { 200: divipolImportResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      const result = await importDivipol(pool, request.body, actorName(principal(request)));
      await afterImport(result.electionCode);
      return result;
    },
  );

  app.post(
    '/api/elections/import/files',
    {
      config: adminOnly,
      schema: {
        tags: ['elections'],
        summary:
          'Import a divipol from files (multipart): field "election" (JSON: code, name, date, corporations), file "mesas" (castor-divipol-csv/1) or "registraduria" (the Registraduría mesa index JSON), file "candidates" (CSV)',
        response: { 200: divipolImportResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      if (!request.isMultipart())
        throw badRequest('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with the divipol files');
      let election: unknown;
      let mesas: ReturnType<typeof mesasFromCsv> | undefined;
      let candidates: Candidate[] = [];
      for await (const part of request.parts({ limits: { fileSize: deps.importBodyLimitBytes } })) {
        if (part.type === 'field') {
          if (part.fieldname === 'election') {
            try {
              election = JSON.parse(String(part.value));
            } catch {
              throw badRequest('INVALID_JSON', 'The "election" field is not valid JSON');
            }
          }
          continue;
        }
        const text = (await part.toBuffer()).toString('utf8');
        if (part.fieldname === 'mesas') mesas = mesasFromCsv(text);
        else if (part.fieldname === 'registraduria') {
          try {
            mesas = fromRegistraduriaIndex(JSON.parse(text));
          } catch (error) {
            if (error instanceof SyntaxError)
              throw badRequest('INVALID_JSON', 'The "registraduria" file is not valid JSON');
            throw error;
          }
        } else if (part.fieldname === 'candidates') candidates = candidatesFromCsv(text);
      }
      const parsedElection = electionSchema.safeParse(election);
      if (!parsedElection.success) {
        throw badRequest(
          'DIVIPOL_INVALID',
          `election: ${parsedElection.error.issues[0]?.path.join('.')} ${parsedElection.error.issues[0]?.message}`,
        );
      }
      if (!mesas) throw badRequest('DIVIPOL_INVALID', 'Send the mesas as a "mesas" CSV or a "registraduria" JSON file');
      const document = buildDivipolDocument(parsedElection.data, mesas, candidates);
      const result = await importDivipol(pool, document, actorName(principal(request)));
      await afterImport(result.electionCode);
      return result;
    },
  );

  app.get(
    '/api/elections',
    {
      schema: {
        tags: ['elections'],
        summary: 'Imported elections',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                code: z.string(),
                name: z.string(),
                date: z.string(),
                corporations: z.array(z.string()),
                mesas: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const rows = await pool.query<{
        code: string;
        name: string;
        date: string;
        corporations: string[];
        mesas: string;
      }>(
        `SELECT e.code, e.name, to_char(e.date, 'YYYY-MM-DD') AS date,
                coalesce((SELECT array_agg(corporation ORDER BY corporation) FROM election_corporations c WHERE c.election_id = e.id), '{}') AS corporations,
                (SELECT coalesce(sum(mesa_count), 0) FROM municipios m WHERE m.election_id = e.id) AS mesas
         FROM elections e ORDER BY e.date DESC, e.code`,
      );
      return { items: rows.rows.map((row) => ({ ...row, mesas: Number(row.mesas) })) };
    },
  );

  app.get(
    '/api/elections/:code/rules',
    {
      config: { auth: { roles: ['admin', 'analyst', 'reviewer'] } },
      schema: {
        tags: ['rules'],
        summary: 'Every rule (id, version, severity, formula) and the configuration in force per corporation',
        params: electionParams,
        response: { 200: electionRulesResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => describeRules(await requireCatalog(deps.catalogs, request.params.code)),
  );

  app.put(
    '/api/elections/:code/rules',
    {
      config: adminOnly,
      schema: {
        tags: ['rules'],
        summary:
          'Replace the rule configuration of the election or of one corporation (enable/disable, severity, thresholds)',
        params: electionParams,
        body: updateRulesRequestSchema,
        response: { 200: electionRulesResponseSchema, 404: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request) => {
      const catalog = await requireCatalog(deps.catalogs, request.params.code);
      await updateRuleConfig(pool, catalog, request.body, actorName(principal(request)));
      deps.catalogs.invalidate(catalog.code);
      return describeRules(await requireCatalog(deps.catalogs, catalog.code));
    },
  );

  app.post(
    '/api/elections/:code/official/:source',
    {
      bodyLimit: deps.importBodyLimitBytes,
      config: adminOnly,
      schema: {
        tags: ['reconciliation'],
        summary:
          'Import a preconteo or escrutinio feed (text/csv, castor-official/1); differences with the E-14 become alerts',
        params: z.object({ code: electionCodeSchema, source: z.enum(['preconteo', 'escrutinio']) }),
        body: z.string().min(1),
        response: { 200: officialImportResponseSchema, 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const catalog = await requireCatalog(deps.catalogs, request.params.code);
      const result = await importOfficialFeed(
        pool,
        catalog,
        request.params.source,
        request.body,
        actorName(principal(request)),
      );
      await deps.resultsCache.invalidate(catalog.id, result.corporations);
      return {
        electionCode: catalog.code,
        source: request.params.source,
        rows: result.rows,
        mesas: result.mesas,
        unchanged: result.unchanged,
        discrepancyAlerts: result.discrepancyAlerts,
      };
    },
  );

  const witnessParams = z.object({ userId: z.string().min(1).max(100) });
  app.put(
    '/api/witnesses/:userId/assignments',
    {
      config: adminOnly,
      schema: {
        tags: ['witnesses'],
        summary: 'Set the mesas (or puestos, municipios...) a witness may submit E-14s for, replacing the current set',
        params: witnessParams,
        body: witnessAssignmentsRequestSchema,
        response: { 200: witnessAssignmentsResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const catalog = await requireCatalog(deps.catalogs, request.body.electionCode);
      const territories = await deps.witnesses.replace(
        catalog.id,
        catalog.code,
        request.params.userId,
        request.body.territories,
        actorName(principal(request)),
      );
      return { userId: request.params.userId, electionCode: catalog.code, territories };
    },
  );

  app.get(
    '/api/witnesses/:userId/assignments',
    {
      config: { auth: { roles: ['admin', 'witness'] } },
      schema: {
        tags: ['witnesses'],
        summary: "A witness's assignments (witnesses may read only their own)",
        params: witnessParams,
        querystring: z.object({ election: electionCodeSchema }),
        response: { 200: witnessAssignmentsResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const caller = principal(request);
      if (caller.role === 'witness' && caller.sub !== request.params.userId)
        throw notFound('No such witness', 'NOT_FOUND');
      const catalog = await requireCatalog(deps.catalogs, request.query.election);
      return {
        userId: request.params.userId,
        electionCode: catalog.code,
        territories: await deps.witnesses.list(catalog.id, request.params.userId),
      };
    },
  );
}

export async function requireCatalog(catalogs: ElectionCatalogs, code: string) {
  const catalog = await catalogs.get(code);
  if (!catalog) throw notFound(`No election ${code} has been imported`, 'ELECTION_UNKNOWN');
  return catalog;
}
